/*
 * tooldie.h: how the command-line tools (mbgrind, mbcompare) end on bad input: one line on
 * stderr, "PROGRAM: message", and exit status 2.
 */
#ifndef MB_TOOLDIE_H
#define MB_TOOLDIE_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

static const char *mb_tool_name = "membench";

#ifdef MB_FUZZING
/* Under the fuzzer (tests/fuzz_tool.c) a tool's exit on bad input returns to the driver. */
#include <setjmp.h>
extern jmp_buf mb_fuzz_exit;
#define MB_TOOL_EXIT(code) longjmp(mb_fuzz_exit, (code) + 1)
#else
#define MB_TOOL_EXIT(code) exit(code)
#endif

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "%s: ", mb_tool_name);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  MB_TOOL_EXIT(2);
}

#endif
