/*
 * mb_rule.h: the rule of a declared claim (MB_CLAIM's .rule), a small expression over the
 * claim's figures a..j: numbers, the letters, ( ), min(x, ...) and max(x, ...) (of those that
 * are numbers), known(x) (1 where x is a number, else 0), unary -, * /, + -, < <= > >= == !=, !, && and || (C's precedence); true is 1,
 * false 0. A figure that is not a number makes what it touches NAN (no verdict), except where
 * the other side of && or || decides alone (0 && x is 0, 1 || x is 1). The harness checks a rule's syntax at start;
 * mbreport evaluates it on the figures of a result. A result may come from anyone: a rule is
 * data, read here and nowhere run; a malformed one, or one longer than MB_RULE_MAX, is an
 * error, and a figure that is not a number makes the value NAN (the claim not measurable).
 * Header-only: both sides use the same reader.
 */
#ifndef MB_RULE_H
#define MB_RULE_H

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MB_RULE_MAX 200
#define MB_RULE_FIGURES 10 /* a..j */

typedef struct mb_rule_parse {
  const char *p;
  const double *v; /* the figures a..j (NULL: syntax only, each 1) */
  int bad, depth;
} mb_rule_parse_t;

static double mb_rule_or_(mb_rule_parse_t *r);

static inline void mb_rule_space_(mb_rule_parse_t *r) {
  while (*r->p == ' ') r->p++;
}

static inline int mb_rule_take_(mb_rule_parse_t *r, const char *op) {
  mb_rule_space_(r);
  size_t n = strlen(op);
  if (strncmp(r->p, op, n)) return 0;
  if (n == 1 && (op[0] == '<' || op[0] == '>' || op[0] == '!') && r->p[1] == '=') return 0; /* "<" is not "<=" */
  if (n == 1 && (op[0] == '&' || op[0] == '|')) return 0;
  r->p += n;
  return 1;
}

static inline double mb_rule_atom_(mb_rule_parse_t *r) {
  mb_rule_space_(r);
  if (++r->depth > 32) return r->bad = 1, NAN; /* nesting: a crafted rule cannot recurse without end */
  double x = NAN;
  char c = *r->p;
  if (c == '(') {
    r->p++;
    x = mb_rule_or_(r);
    if (!mb_rule_take_(r, ")")) r->bad = 1;
  } else if (c == '-') {
    r->p++;
    x = -mb_rule_atom_(r);
  } else if (c == '!' && r->p[1] != '=') {
    r->p++;
    double y = mb_rule_atom_(r);
    x = isnan(y) ? NAN : y == 0;
  } else if (!strncmp(r->p, "known(", 6)) { /* 1 where x is a number, else 0: never NAN */
    r->p += 6;
    x = !isnan(mb_rule_or_(r));
    if (!mb_rule_take_(r, ")")) r->bad = 1;
  } else if ((!strncmp(r->p, "min(", 4) || !strncmp(r->p, "max(", 4))) {
    const int most = r->p[1] == 'a';
    r->p += 4;
    do {
      double y = mb_rule_or_(r);
      if (!isnan(y) && (isnan(x) || (most ? y > x : y < x))) x = y;
    } while (mb_rule_take_(r, ","));
    if (!mb_rule_take_(r, ")")) r->bad = 1;
  } else if (c >= 'a' && c < 'a' + MB_RULE_FIGURES && !(r->p[1] >= 'a' && r->p[1] <= 'z')) {
    r->p++;
    x = r->v ? r->v[c - 'a'] : 1;
  } else if ((c >= '0' && c <= '9') || c == '.') {
    char *end;
    x = strtod(r->p, &end);
    if (end == r->p) r->bad = 1;
    r->p = end;
  } else {
    r->bad = 1;
  }
  r->depth--;
  return x;
}

static inline double mb_rule_mul_(mb_rule_parse_t *r) {
  double x = mb_rule_atom_(r);
  for (;;) {
    if (mb_rule_take_(r, "*")) x *= mb_rule_atom_(r);
    else if (mb_rule_take_(r, "/")) x /= mb_rule_atom_(r);
    else return x;
  }
}

static inline double mb_rule_add_(mb_rule_parse_t *r) {
  double x = mb_rule_mul_(r);
  for (;;) {
    if (mb_rule_take_(r, "+")) x += mb_rule_mul_(r);
    else if (mb_rule_take_(r, "-")) x -= mb_rule_mul_(r);
    else return x;
  }
}

/* A comparison of NANs is NAN, not false: a missing figure leaves the verdict open. */
static inline double mb_rule_cmp_(mb_rule_parse_t *r) {
  double x = mb_rule_add_(r);
  static const char *const ops[] = {"<=", ">=", "==", "!=", "<", ">"};
  for (int k = 0; k < 6; k++)
    if (mb_rule_take_(r, ops[k])) {
      double y = mb_rule_add_(r);
      if (isnan(x) || isnan(y)) return NAN;
      return k == 0 ? x <= y : k == 1 ? x >= y : k == 2 ? x == y : k == 3 ? x != y : k == 4 ? x < y : x > y;
    }
  return x;
}

static inline double mb_rule_and_(mb_rule_parse_t *r) {
  double x = mb_rule_cmp_(r);
  while (mb_rule_take_(r, "&&")) {
    double y = mb_rule_cmp_(r);
    x = x == 0 || y == 0 ? 0 : isnan(x) || isnan(y) ? NAN : 1;
  }
  return x;
}

static double mb_rule_or_(mb_rule_parse_t *r) {
  double x = mb_rule_and_(r);
  while (mb_rule_take_(r, "||")) {
    double y = mb_rule_and_(r);
    x = (!isnan(x) && x != 0) || (!isnan(y) && y != 0) ? 1 : isnan(x) || isnan(y) ? NAN : 0;
  }
  return x;
}

/* The rule's value over figures v[0..9] (a..j): 1 holds, 0 differs, NAN when a figure it
 * needs is missing; *bad set when the rule is malformed (then the value means nothing). With v
 * NULL, only the syntax is read. */
static inline double mb_rule_eval(const char *rule, const double *v, int *bad) {
  mb_rule_parse_t r = {rule ? rule : "", v, !rule || strlen(rule) > MB_RULE_MAX, 0};
  double x = r.bad ? NAN : mb_rule_or_(&r);
  mb_rule_space_(&r);
  if (*r.p) r.bad = 1;
  *bad = r.bad;
  return x;
}

/* Which figures (a..j) an expression names: bit k for letter 'a' + k. */
static inline unsigned mb_rule_uses(const char *rule) {
  unsigned m = 0;
  for (const char *p = rule; p && *p; p++)
    if (*p >= 'a' && *p < 'a' + MB_RULE_FIGURES && !(p[1] >= 'a' && p[1] <= 'z') && (p == rule || !(p[-1] >= 'a' && p[-1] <= 'z')))
      m |= 1u << (*p - 'a');
  return m;
}

#endif
