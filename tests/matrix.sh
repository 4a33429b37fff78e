#!/usr/bin/env bash
# matrix.sh: the integration suite once per pair of openssl programs
# (issue 15): the client is the openssl cmpenroll runs (cmp_openssl_bin),
# the server the one that runs the mock CMP server.
#
#   tests/matrix.sh [BINARY [FILE|TEST ...]]
#
# BINARY defaults to ./cmpenroll; FILE|TEST choose tests as in
# run-integration.sh (all of them by default).
# The system's openssl is always there, as client and server. The others
# are those named in OPENSSLS (space-separated paths), else
# ../shared/openssl/*/openssl beside the repository when that folder
# exists. Each other one runs twice: as client against the system's server,
# and as client and server. Each pair's log goes to a temporary file
# (into MATRIX_LOGS, a folder, to keep them); a failing pair's failed
# assertions are printed, cut at 300 characters a line (the log's last
# 50 lines when it has none).
# It ends with a table: client version, server version, passed, failed.
# The exit status is non-zero when any pair failed.

set -u

TESTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$TESTS_DIR/.." && pwd)
BIN=${1:-${CMPENROLL_BIN:-./cmpenroll}}
[ $# -gt 0 ] && shift

# shellcheck source=tests/lib.sh
. "$TESTS_DIR/lib.sh"

OPENSSL=$(readlink -f "$OPENSSL")
SHARED=$(realpath -m "$REPO_DIR/../shared/openssl")

if [ -n "${MATRIX_LOGS:-}" ]; then
	logs=$MATRIX_LOGS
	mkdir -p "$logs" || exit 1
else
	logs=$(mktemp -d "${TMPDIR:-/tmp}/cmpenroll-matrix.XXXXXX") || exit 1
	trap 'rm -rf "$logs"' EXIT
fi
trap 'exit 130' INT
trap 'exit 143' TERM

sys_ver=$(ossl_version "$OPENSSL")
if [ -z "$sys_ver" ]; then
	echo "matrix: $OPENSSL reports no version" >&2
	exit 1
fi

# The other programs: each once, the system's left out, each with a version.
others=()
declare -A seen=([$OPENSSL]=1)
while IFS= read -r p; do
	[ -n "$p" ] && [ -z "${seen[$p]:-}" ] || continue
	seen[$p]=1
	if [ ! -x "$p" ] || [ -z "$(ossl_version "$p")" ]; then
		echo "matrix: $p: not an openssl that reports its version" >&2
		exit 1
	fi
	others+=("$p")
done < <(ossl_others "$REPO_DIR")
if [ ${#others[@]} -eq 0 ]; then
	if [ -n "${OPENSSLS:-}" ]; then
		echo "matrix: OPENSSLS names only the system's openssl: the system's $sys_ver alone"
	else
		echo "matrix: no $SHARED and no OPENSSLS: the system's openssl $sys_ver alone"
	fi
fi
export OPENSSLS="${others[*]}"

pairs=("$OPENSSL $OPENSSL")
for p in "${others[@]}"; do
	pairs+=("$p $OPENSSL" "$p $p")
done

rows=() bad=0 n=0
for pair in "${pairs[@]}"; do
	cli=${pair% *} srv=${pair#* }
	cv=$(ossl_version "$cli") sv=$(ossl_version "$srv")
	n=$((n + 1))
	log=$logs/$n-client-$cv-server-$sv.log
	printf 'matrix: client %s, server %s ...\n' "$cv" "$sv"
	CLI_OPENSSL=$cli SRV_OPENSSL=$srv bash "$TESTS_DIR/run-integration.sh" "$BIN" "$@" \
		>"$log" 2>&1
	rc=$?
	sum=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$log" | tail -n1)
	passed=${sum%% *}
	failed=${sum#*, }
	failed=${failed%% *}
	if [ -z "$sum" ]; then
		passed=0 failed="?"
	fi
	rows+=("$cv $sv $passed $failed")
	if [ "$rc" -ne 0 ] || [ "$failed" != 0 ]; then
		bad=1
		printf 'matrix: client %s, server %s: %s passed, %s failed (exit %d)\n' \
			"$cv" "$sv" "$passed" "$failed" "$rc"
		if grep -qE '^FAIL ' "$log"; then
			grep -E '^(FAIL |       \| |# test_.*: FAILED)' "$log" | cut -c1-300
		else
			tail -n 50 "$log"
		fi
	fi
done

printf '\n%-10s %-10s %7s %7s\n' client server passed failed
for r in "${rows[@]}"; do
	# shellcheck disable=SC2086
	printf '%-10s %-10s %7s %7s\n' $r
done
[ -n "${MATRIX_LOGS:-}" ] && echo "matrix: logs in $logs"
exit "$bad"
