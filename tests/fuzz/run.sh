#!/bin/sh
# run.sh: run the libFuzzer harnesses (fuzz_csr, fuzz_ini, fuzz_dn, fuzz_cert).
#
#   run.sh regress          every harness over its seed corpus (corpus_NAME/)
#                           and its saved findings (regress-NAME*/), each
#                           input once; exits 1 on any crash, leak or UB.
#   run.sh fuzz SECONDS     every harness for SECONDS (-max_total_time), one
#                           after the other; prints per harness how long it
#                           ran and whether it found anything; exits 1 on any
#                           finding.
#
# Environment:
#   FUZZ_BIN_DIR    where the harness binaries are, and where logs
#                   (fuzz_NAME.log) and findings (fuzz_NAME-crash-*, ...)
#                   go.  Default: this folder (tests/fuzz).
#   FUZZ_HARNESSES  which harnesses to run.  Default: "csr ini dn cert".
#   UBSAN_OPTIONS, ASAN_OPTIONS  passed on; halt_on_error=1 is set first so
#                   that undefined behaviour counts as a finding.
#
# Inputs found while fuzzing go to a temporary folder that is removed at the
# end, so the seed corpora stay as they are in git.
set -u

here=$(cd "$(dirname "$0")" && pwd)
bindir=${FUZZ_BIN_DIR:-$here}
harnesses=${FUZZ_HARNESSES:-csr ini dn cert}

# UBSan only reports and goes on unless told to stop; libFuzzer would miss it.
UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
export UBSAN_OPTIONS

usage() {
	echo "usage: run.sh regress | run.sh fuzz SECONDS" >&2
	exit 2
}

# The largest input each harness gets: a CSR is at most 64 KiB; config
# lines are cut at 8 KiB, so 16 KiB reaches that limit; a DN is small.
max_len() {
	case $1 in
	csr)	echo 65536 ;;
	cert)	echo 16384 ;;
	ini)	echo 16384 ;;
	*)	echo 4096 ;;
	esac
}

binary() {
	bin=$bindir/fuzz_$1
	if [ ! -x "$bin" ]; then
		echo "run.sh: $bin is missing; build the harnesses first" >&2
		exit 2
	fi
}

regress() {
	status=0
	for h in $harnesses; do
		binary "$h"
		n=0
		failed=
		for f in "$here/corpus_$h"/* "$here/regress-$h"*/*; do
			[ -f "$f" ] || continue
			n=$((n + 1))
			if ! "$bin" "$f" >"$bindir/fuzz_$h.log" 2>&1; then
				failed="$failed $f"
				echo "fuzz_$h: FAILED on $f:" >&2
				grep -E 'ERROR|runtime error|SUMMARY|^ +#[0-9]' \
				    "$bindir/fuzz_$h.log" | head -20 >&2
			fi
		done
		if [ -n "$failed" ]; then
			status=1
		else
			echo "fuzz_$h: $n inputs, no finding"
			rm -f "$bindir/fuzz_$h.log"
		fi
	done
	return $status
}

fuzz() {
	secs=$1
	status=0
	for h in $harnesses; do
		binary "$h"
		work=$(mktemp -d "${TMPDIR:-/tmp}/fuzz_$h.XXXXXX") || exit 2
		log=$bindir/fuzz_$h.log
		seeds=$here/corpus_$h
		for d in "$here/regress-$h"*; do
			[ -d "$d" ] && seeds="$seeds $d"
		done
		start=$(date +%s)
		# $seeds holds paths without spaces: this folder's own.
		# shellcheck disable=SC2086
		"$bin" -max_total_time="$secs" -max_len="$(max_len "$h")" \
		    -timeout=10 -print_final_stats=1 \
		    -artifact_prefix="$bindir/fuzz_$h-" \
		    "$work" $seeds >"$log" 2>&1
		rc=$?
		end=$(date +%s)
		runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
		cov=$(grep -E '^#[0-9]+' "$log" | tail -1 |
		    sed -n 's/.* cov: \([0-9]*\).*/\1/p')
		art=$(grep -o "Test unit written to .*" "$log" | sed 's/.* to //')
		if [ "$rc" -eq 0 ] && [ -z "$art" ]; then
			echo "fuzz_$h: ran $((end - start)) s, ${runs:-?} runs," \
			    "cov ${cov:-?}, no finding"
		else
			status=1
			echo "fuzz_$h: ran $((end - start)) s, FINDING (exit $rc)" \
			    "${art:-see $log}"
			grep -E 'ERROR|runtime error|SUMMARY' "$log" | head -5
		fi
		rm -rf "$work"
	done
	return $status
}

[ $# -ge 1 ] || usage
case $1 in
regress)
	[ $# -eq 1 ] || usage
	regress
	;;
fuzz)
	[ $# -eq 2 ] || usage
	case $2 in
	''|*[!0-9]*) usage ;;
	esac
	fuzz "$2"
	;;
*)
	usage
	;;
esac
