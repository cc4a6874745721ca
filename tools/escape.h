/*
 * escape.h: names and strings read from a result are data. Every one that reaches a
 * Markdown report, a table cell or a terminal goes through one of these, so that a name with
 * a newline cannot start a heading, a '|' cannot split a table row, "<script>" stays text
 * and an ANSI escape cannot reach the terminal. Rotating buffers: several per printf.
 */
#ifndef MB_ESCAPE_H
#define MB_ESCAPE_H

#include <stddef.h>
#include <string.h>

static inline char *mb_esc_buf(void) {
  static char bufs[16][1024];
  static int k;
  return bufs[k++ % 16];
}

/* Control characters (newline, ESC, DEL) become '?'. */
static inline int mb_esc_control(unsigned char c) { return c < 0x20 || c == 0x7f; }

/* For a terminal: control characters as '?'. NULL as "?". */
static inline const char *mb_term(const char *s) {
  char *b = mb_esc_buf();
  size_t k = 0;
  for (s = s ? s : "?"; *s && k + 1 < 1024; s++) b[k++] = mb_esc_control((unsigned char)*s) ? '?' : *s;
  b[k] = 0;
  return b;
}

/* Markdown: inside a code span in a table cell (code: `...`), control characters as '?', a
 * backtick (it would end the span) as "'", '|' escaped (GitHub's tables split on it even
 * there); as text (a cell, a line of a paragraph), control characters as ' ' (no new line,
 * so no heading or row of its own), HTML's <, > and & as entities, '|' and '`' escaped. */
/* code: 0 text, 1 a code span, 2 text whose backticks make code spans (mb_md_spans). */
static inline const char *mb_md(const char *s, int code) {
  char *b = mb_esc_buf();
  size_t k = 0;
  for (s = s ? s : "?"; *s && k + 7 < 1024; s++) {
    unsigned char c = (unsigned char)*s;
    const char *ent = code == 1 ? NULL : c == '<' ? "&lt;" : c == '>' ? "&gt;" : c == '&' ? "&amp;" : NULL;
    if (ent) memcpy(b + k, ent, strlen(ent)), k += strlen(ent);
    else if (code == 2 && c == '`') b[k++] = (char)c;
    else if (c == '|' || (!code && c == '`')) b[k++] = '\\', b[k++] = (char)c;
    else b[k++] = mb_esc_control(c) ? (code == 1 ? '?' : ' ') : c == '`' ? '\'' : (char)c;
  }
  b[k] = 0;
  return b;
}
static inline const char *mb_md_code(const char *s) { return mb_md(s, 1); }
static inline const char *mb_md_text(const char *s) { return mb_md(s, 0); }
/* As text, but a backtick kept: a declared line's `code` spans (they can hold no HTML, and a
 * '|' in one is escaped still). */
static inline const char *mb_md_spans(const char *s) { return mb_md(s, 2); }

#endif
