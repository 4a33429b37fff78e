#!/usr/bin/env bash
# check.sh: make check's runner.  Each suite's whole output goes to a log
# in $CHECK_LOGS (default build-check/): the error messages that negative
# tests provoke on purpose stay out of the terminal.  The terminal gets one
# line per suite, its own summary; a failing suite's failures and the tail
# of its log; and the total time.  Exit status: 0 when every suite passed.
#
#   tests/check.sh [SUITE...]    suites: build unit fuzz integration bench
set -u

cd "$(dirname "$0")/.." || exit 1
logs=${CHECK_LOGS:-build-check}
mkdir -p "$logs" || exit 1
suites=${*:-build unit fuzz integration bench}
failed=""
start=$EPOCHREALTIME

# The commands of a suite, and the line of its log that sums it up.
run_suite() {
	case $1 in
	build) make all tests/unit/check_units bench/floor ;;
	unit) tests/unit/check_units ;;
	fuzz) make fuzz-regress ;;
	integration) bash tests/run-integration.sh ./cmpenroll ;;
	bench) bash bench/bench.sh --smoke ;;
	*) echo "check.sh: no suite $1"; return 2 ;;
	esac
}

summary() {
	case $1 in
	build) echo "built" ;;
	unit) grep -E '^[0-9]+%: Checks:' "$2" | tail -n 1 ;;
	fuzz) awk '/: [0-9]+ inputs, / { n++; i += $2 }
		END { printf "%d harnesses over %d inputs\n", n, i }' "$2" ;;
	integration) grep -E '^[0-9]+ passed, [0-9]+ failed$' "$2" | tail -n 1 ;;
	bench) grep -E '^(smoke|bench): ' "$2" | tail -n 1 ;;
	esac
}

# What a failing suite shows: its failures, else the end of its log.
failures() {
	if grep -qE '^FAIL |:[FE]:|error:|finding' "$1"; then
		grep -E '^FAIL |^       \| |:[FE]:|error:|finding' "$1" | head -n 60
	else
		tail -n 30 "$1"
	fi
}

for s in $suites; do
	log=$logs/$s.log
	t0=$EPOCHREALTIME
	run_suite "$s" >"$log" 2>&1
	rc=$?
	secs=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.0f", b - a }')
	line=$(summary "$s" "$log")
	if [ "$rc" -eq 0 ]; then
		printf '%-12s %s (%s s)\n' "$s:" "${line:-ok}" "$secs"
	else
		printf '%-12s FAILED, exit status %d: %s (%s s)\n' "$s:" "$rc" \
			"${line:-see $log}" "$secs"
		failures "$log" | sed 's/^/    /'
		failed="$failed $s"
	fi
done
total=$(awk -v a="$start" -v b="$EPOCHREALTIME" \
	'BEGIN { s = b - a; printf "%dm%02ds", s / 60, s % 60 }')
if [ -n "$failed" ]; then
	echo "make check: FAILED:$failed ($total; logs in $logs/)"
	exit 1
fi
echo "make check: every suite passed ($total; logs in $logs/)"
