/*
 * convert.h: the result in Google Benchmark's other output formats (convert.c).
 */
#ifndef MB_CONVERT_H
#define MB_CONVERT_H

#include <jansson.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Write the result `doc` as `format` ("csv", "console": Google Benchmark's other output
 * formats) to out_path. 0, or -1 with err. */
int mb_results_convert(json_t *doc, const char *format, const char *out_path, char *err, size_t errlen);

#ifdef __cplusplus
}
#endif
#endif
