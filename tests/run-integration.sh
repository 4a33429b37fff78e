#!/usr/bin/env bash
# run-integration.sh: drive the built cmpenroll binary against OpenSSL's mock
# CMP server on 127.0.0.1.
#
#   tests/run-integration.sh [BINARY] [FILE|TEST ...]
#
# BINARY defaults to ./cmpenroll (or $CMPENROLL_BIN). Without FILE|TEST every
# tests/it_*.sh runs; a FILE (it_enroll, it_enroll.sh or a path) runs that
# file's tests; a TEST (a function name such as test_enroll_csr) runs that
# test alone. Output: one line per assertion, then `N passed, N failed`;
# the exit status is non-zero when anything failed.

set -u

TESTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$TESTS_DIR/.." && pwd)

BIN=${CMPENROLL_BIN:-./cmpenroll}
if [ $# -gt 0 ]; then
	case ${1##*/} in
	it_* | test_*) ;;
	*)
		BIN=$1
		shift
		;;
	esac
fi
case $BIN in
/*) ;;
*) BIN=$PWD/$BIN ;;
esac

# shellcheck source=tests/lib.sh
. "$TESTS_DIR/lib.sh"

if [ ! -x "$BIN" ] || [ -d "$BIN" ]; then
	echo "run-integration: binary not found or not executable: $BIN" >&2
	echo "0 passed, 1 failed"
	exit 1
fi
for tool in openssl python3 timeout setsid od base64 sha256sum; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "run-integration: missing tool: $tool" >&2
		echo "0 passed, 1 failed"
		exit 1
	fi
done

# tests_in FILE: the test functions FILE defines, in file order.
tests_in() {
	sed -n 's/^\(test_[A-Za-z0-9_]*\) *() *{.*/\1/p' "$1"
}

# Which files, and which tests in them.
files=()
only=()
if [ $# -eq 0 ]; then
	for f in "$TESTS_DIR"/it_*.sh; do files+=("$f"); done
else
	for a in "$@"; do
		case $a in
		test_*) only+=("$a") ;;
		*)
			f=${a##*/}
			f=${f%.sh}
			if [ ! -f "$TESTS_DIR/$f.sh" ]; then
				echo "run-integration: no such test file: $a" >&2
				echo "0 passed, 1 failed"
				exit 1
			fi
			files+=("$TESTS_DIR/$f.sh")
			;;
		esac
	done
	if [ ${#only[@]} -gt 0 ] && [ ${#files[@]} -eq 0 ]; then
		for f in "$TESTS_DIR"/it_*.sh; do files+=("$f"); done
	fi
fi

export LC_ALL=C
umask 022
unset CMPENROLL_CONFIG
lib_init
START=$(now)

ran=0
for f in "${files[@]}"; do
	# shellcheck source=/dev/null
	. "$f"
	for t in $(tests_in "$f"); do
		if [ ${#only[@]} -gt 0 ]; then
			case " ${only[*]} " in *" $t "*) ;; *) continue ;; esac
		fi
		T_NAME=$t
		TD=$(newdir)
		printf '# %s (%s)\n' "$t" "${f##*/}"
		before=$T_FAIL
		t0=$(now)
		"$t"
		test_end
		rm -rf "$TD"
		ran=$((ran + 1))
		if [ "$T_FAIL" -eq "$before" ]; then
			printf '# %s: passed (%d ms)\n' "$t" "$(elapsed_ms "$t0" "$(now)")"
		else
			printf '# %s: FAILED (%d ms)\n' "$t" "$(elapsed_ms "$t0" "$(now)")"
		fi
	done
done

if [ "$ran" -eq 0 ]; then
	T_NAME=runner
	fail "no test selected by: $*"
fi
printf '# %d test(s) in %d ms\n' "$ran" "$(elapsed_ms "$START" "$(now)")"
lib_summary
[ "$T_FAIL" -eq 0 ]
