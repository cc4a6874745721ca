#!/bin/sh
# memcheck.sh PROGRAM [ARGS...]: PROGRAM under valgrind's memcheck (leaks and errors fail);
# skipped (77) where valgrind is not installed.
command -v valgrind >/dev/null || { echo 'SKIP: valgrind not installed'; exit 77; }
exec valgrind -q --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite "$@"
