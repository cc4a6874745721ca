/*
 * convert.c: the result in Google Benchmark's other output formats, CSV and console text
 * (convert.h), written from the result in memory as the JSON one is.
 */
#define _GNU_SOURCE
#include "convert.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int standard_field(const char *k) {
  static const char *const std_keys[] = {"name", "family_index", "per_family_instance_index", "run_name", "run_type",
                                         "repetitions", "repetition_index", "threads", "iterations", "real_time",
                                         "cpu_time", "time_unit", "bytes_per_second", "items_per_second", "label",
                                         "error_occurred", "error_message", "aggregate_name", "aggregate_unit", NULL};
  for (int i = 0; std_keys[i]; i++)
    if (!strcmp(k, std_keys[i])) return 1;
  return 0;
}

static void csv_string(FILE *f, const char *s) {
  fputc('"', f);
  for (; s && *s; s++) {
    if (*s == '"') fputc('"', f);
    fputc(*s, f);
  }
  fputc('"', f);
}

static void csv_number(FILE *f, json_t *v) {
  if (json_is_number(v)) fprintf(f, "%.17g", json_number_value(v));
}

int mb_results_convert(json_t *doc, const char *format, const char *out_path, char *err, size_t errlen) {
  json_t *benches = json_object_get(doc, "benchmarks");
  FILE *f = NULL;
  int rc = -1;
  if (!json_is_array(benches)) {
    snprintf(err, errlen, "the result has no benchmarks");
    goto out;
  }
  if (!(f = fopen(out_path, "w"))) {
    snprintf(err, errlen, "cannot write %s: %s", out_path, strerror(errno));
    goto out;
  }
  /* The counters: every other number any entry has, in first-seen order. */
  json_t *cols = json_array(), *b, *v;
  size_t i;
  const char *k;
  json_array_foreach(benches, i, b) json_object_foreach(b, k, v) {
    if (standard_field(k) || !json_is_number(v)) continue;
    size_t j;
    json_t *c;
    int seen = 0;
    json_array_foreach(cols, j, c) seen |= !strcmp(json_string_value(c), k);
    if (!seen) json_array_append_new(cols, json_string(k));
  }
  size_t j;
  json_t *c;
  if (!strcmp(format, "csv")) {
    fputs("name,iterations,real_time,cpu_time,time_unit,bytes_per_second,items_per_second,label,error_occurred,error_message", f);
    json_array_foreach(cols, j, c) fputc(',', f), csv_string(f, json_string_value(c));
    fputc('\n', f);
    json_array_foreach(benches, i, b) {
      csv_string(f, json_string_value(json_object_get(b, "name")));
      static const char *const nums[] = {"iterations", "real_time", "cpu_time"};
      for (int n = 0; n < 3; n++) fputc(',', f), csv_number(f, json_object_get(b, nums[n]));
      fputc(',', f);
      if (json_string_value(json_object_get(b, "time_unit"))) fputs(json_string_value(json_object_get(b, "time_unit")), f);
      fputc(',', f), csv_number(f, json_object_get(b, "bytes_per_second"));
      fputc(',', f), csv_number(f, json_object_get(b, "items_per_second"));
      fputc(',', f), csv_string(f, json_string_value(json_object_get(b, "label")));
      fprintf(f, ",%s,", json_is_true(json_object_get(b, "error_occurred")) ? "true" : "false");
      csv_string(f, json_string_value(json_object_get(b, "error_message")));
      json_array_foreach(cols, j, c) fputc(',', f), csv_number(f, json_object_get(b, json_string_value(c)));
      fputc('\n', f);
    }
  } else { /* console: one line per entry, as Google Benchmark's table */
    fprintf(f, "%-60s %15s %15s %12s UserCounters...\n", "Benchmark", "Time", "CPU", "Iterations");
    json_array_foreach(benches, i, b) {
      const char *name = json_string_value(json_object_get(b, "name")), *u = json_string_value(json_object_get(b, "time_unit"));
      if (json_is_true(json_object_get(b, "error_occurred"))) {
        fprintf(f, "%-60s ERROR OCCURRED: '%s'\n", name ? name : "", json_string_value(json_object_get(b, "error_message")));
        continue;
      }
      fprintf(f, "%-60s %12.4g %-2s %12.4g %-2s %12.0f", name ? name : "", json_number_value(json_object_get(b, "real_time")), u ? u : "",
              json_number_value(json_object_get(b, "cpu_time")), u ? u : "", json_number_value(json_object_get(b, "iterations")));
      json_object_foreach(b, k, v) if (!standard_field(k) && json_is_number(v)) fprintf(f, " %s=%.6g", k, json_number_value(v));
      static const char *const rates[] = {"bytes_per_second", "items_per_second"};
      for (int n = 0; n < 2; n++)
        if (json_is_number(json_object_get(b, rates[n]))) fprintf(f, " %s=%.6g", rates[n], json_number_value(json_object_get(b, rates[n])));
      fputc('\n', f);
    }
  }
  json_decref(cols);
  if (fflush(f) || ferror(f)) {
    snprintf(err, errlen, "cannot write %s: %s", out_path, strerror(errno));
    goto out;
  }
  rc = 0;
out:
  if (f && fclose(f) && !rc) {
    snprintf(err, errlen, "cannot write %s: %s", out_path, strerror(errno));
    rc = -1;
  }
  return rc;
}
