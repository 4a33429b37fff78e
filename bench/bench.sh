#!/usr/bin/env bash
# bench.sh: cmpenroll's cost over the bare openssl cmp run it wraps, against
# the floor program bench/floor.c (docs/performance.md).
#
# usage: bench/bench.sh [--smoke] [-n PAIRS]
#
# For each key type (EC P-256, RSA 2048, RSA 4096, Ed25519) this makes a
# throwaway CA and a leaf certificate for the key of a CSR, starts OpenSSL's
# mock CMP server on 127.0.0.1 answering with that leaf, and times
#   A = cmpenroll -c CONFIG CSR
#   B = the openssl cmp command `cmpenroll --dry-run` prints for that config,
#       with the masked secret (****) filled in,
#   F = bench/floor CSR: start libcrypto, d2i_X509_REQ, X509_REQ_verify,
# in turn A B F A B F for PAIRS triples (default 30; N= in the environment or
# -n).  Then 200 runs of A in a loop show that time and memory stay flat.
# bench/measure.py does the runs and prints one table; its comments say how
# wall time, total CPU, cmpenroll's own CPU and own peak RSS are measured.
#
# B is never run through a shell: the dry-run line is split into an argv
# once, before the runs, and A and B are both started by posix_spawn from the
# same python process, so neither pays for a shell or a parser.
#
# --smoke (for make check): 3 pairs, EC P-256 only, a loop of 10; fails only
# when something does not run or returns the wrong certificate.
#
# Environment: N (pairs), LOOP (loop runs, default 200), CMPENROLL (binary,
# default ./cmpenroll beside bench/; an installed copy of it is run), FLOOR
# (default bench/floor, built by make bench), OPENSSL (openssl for the CA and
# the mock server, default openssl).
#
# Exit status: 0 every target met; 1 a target missed; 64 usage; 70 an error.

set -u

here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
smoke=0
pairs=${N:-30}
loop=${LOOP:-200}
cmpenroll=${CMPENROLL:-$top/cmpenroll}
floor=${FLOOR:-$here/floor}
openssl=${OPENSSL:-openssl}
secret=pass:S           # the mock server's -srv_secret and the config's
ref=1234
recipient=/CN=bench-ca

usage() {
	echo "usage: bench/bench.sh [--smoke] [-n PAIRS]" >&2
	exit 64
}

die() {
	echo "bench: $*" >&2
	exit 70
}

npairs=
while [ $# -gt 0 ]; do
	case $1 in
	--smoke) smoke=1 ;;
	-n) [ $# -ge 2 ] || usage; npairs=$2; shift ;;
	-n*) npairs=${1#-n} ;;
	-h|--help) usage ;;
	*) usage ;;
	esac
	shift
done
if [ "$smoke" = 1 ]; then
	pairs=3 loop=${LOOP:-10} types="ec-p256" warmup=1
else
	types="ec-p256 rsa-2048 rsa-4096 ed25519" warmup=2
fi
[ -n "$npairs" ] && pairs=$npairs
case $pairs in ''|*[!0-9]*|0) usage ;; esac
case $loop in ''|*[!0-9]*) usage ;; esac

[ -x "$cmpenroll" ] || die "$cmpenroll: no such executable (run make first)"
[ -x "$floor" ] || die "$floor: no such executable (run make bench/floor)"
command -v "$openssl" >/dev/null || die "$openssl: not found"
command -v python3 >/dev/null || die "python3: not found"

# Everything lives in one temp dir; the only processes started in the
# background are the mock servers, whose PIDs are kept and killed here.
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cmpenroll-bench.XXXXXX") || die "mktemp failed"
srv_pid=
py_pid=
cleanup() {
	if [ -n "$py_pid" ]; then
		kill "$py_pid" 2>/dev/null
		wait "$py_pid" 2>/dev/null
		py_pid=
	fi
	if [ -n "$srv_pid" ]; then
		kill "$srv_pid" 2>/dev/null
		wait "$srv_pid" 2>/dev/null
		srv_pid=
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# A test CA (EC P-256) and, per key type, a key, its CSR and the leaf the
# mock server hands back: cmpenroll checks that the leaf has the CSR's key.
mkca() {
	"$openssl" genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
		-out "$tmp/ca.key" &&
	"$openssl" req -x509 -new -key "$tmp/ca.key" -subj "$recipient" \
		-days 2 -out "$tmp/ca.pem"
} >"$tmp/setup.log" 2>&1

mkleaf() {
	local t=$1 d=$tmp/$1
	mkdir -p "$d/work" || return
	case $t in
	ec-p256) "$openssl" genpkey -algorithm EC \
		-pkeyopt ec_paramgen_curve:P-256 -out "$d/key.pem" ;;
	rsa-2048) "$openssl" genpkey -algorithm RSA \
		-pkeyopt rsa_keygen_bits:2048 -out "$d/key.pem" ;;
	rsa-4096) "$openssl" genpkey -algorithm RSA \
		-pkeyopt rsa_keygen_bits:4096 -out "$d/key.pem" ;;
	ed25519) "$openssl" genpkey -algorithm ED25519 -out "$d/key.pem" ;;
	esac &&
	"$openssl" req -new -key "$d/key.pem" -subj "/CN=$t.bench.example" \
		-out "$d/csr.pem" &&
	"$openssl" x509 -req -in "$d/csr.pem" -CA "$tmp/ca.pem" \
		-CAkey "$tmp/ca.key" -set_serial "0x$(od -An -N8 -tx1 /dev/urandom |
		tr -d ' \n')" -days 1 -out "$d/leaf.pem"
} >>"$tmp/setup.log" 2>&1

# Start the mock server for a key type; set srv_pid and port.  It listens on
# all addresses; the config names 127.0.0.1 only.
start_server() {
	local d=$tmp/$1 line
	"$openssl" cmp -config "" -port 0 -srv_ref "$ref" -srv_secret "$secret" \
		-rsp_cert "$d/leaf.pem" -rsp_capubs "$tmp/ca.pem" \
		-accept_raverified >"$d/server.log" 2>&1 &
	srv_pid=$!
	port=
	for _ in $(seq 100); do
		line=$(grep -m1 '^ACCEPT ' "$d/server.log")
		if [ -n "$line" ]; then
			port=$(echo "$line" | sed -n 's/^ACCEPT .*:\([0-9][0-9]*\) PID=\([0-9]*\).*/\1/p')
			# the line names the PID that listens: it must be ours
			[ "${line##*PID=}" = "$srv_pid" ] || port=
			break
		fi
		kill -0 "$srv_pid" 2>/dev/null || break
		sleep 0.1
	done
	if [ -z "$port" ]; then
		cat "$d/server.log" >&2
		return 1
	fi
}

stop_server() {
	kill "$srv_pid" 2>/dev/null
	wait "$srv_pid" 2>/dev/null
	srv_pid=
}

mkca || { cat "$tmp/setup.log" >&2; die "cannot make the test CA"; }
# A runs an installed copy, as an operator's cron job does, not the file the
# linker wrote: on this kernel (6.18, ext4) such a file sits in the page cache
# in small pages and costs every exec about 0.1 ms more than the same bytes
# written by install(1), which openssl, installed by dpkg, does not pay.
mkdir "$tmp/bin" && install -m 0755 "$cmpenroll" "$tmp/bin/cmpenroll" &&
	install -m 0755 "$floor" "$tmp/bin/floor" ||
	die "cannot install $cmpenroll and $floor into $tmp/bin"
cmpenroll=$tmp/bin/cmpenroll
floor=$tmp/bin/floor
# cmpenroll's temp files go under this TMPDIR, which must be empty after.
export TMPDIR=$tmp/tmpdir
mkdir "$TMPDIR" || die "mkdir failed"

load=$(cut -d' ' -f1 /proc/loadavg)
echo "bench: $( [ $smoke = 1 ] && echo "smoke, " )$pairs pairs per key type" \
	"($types), loop of $loop; $("$openssl" version | cut -d' ' -f1-2);" \
	"$(nproc) CPUs, load $load" >&2
case $load in
0.*) ;;
*) echo "bench: warning: the machine is busy (load $load); timings will" \
	"be noisy" >&2 ;;
esac
results=()
first=1
for t in $types; do
	d=$tmp/$t
	mkleaf "$t" || { cat "$tmp/setup.log" >&2; die "$t: cannot make keys"; }
	start_server "$t" || die "$t: mock CMP server did not start"
	# mode 600: cmpenroll warns about a secret readable by others
	: >"$d/cmpenroll.ini" || die "cannot write $d/cmpenroll.ini"
	chmod 600 "$d/cmpenroll.ini" || die "chmod failed"
	cat >"$d/cmpenroll.ini" <<-EOF
	[CAhandler]
	cmp_server = 127.0.0.1:$port
	cmp_ref = $ref
	cmp_secret = $secret
	cmp_recipient = $recipient
	EOF
	"$cmpenroll" -c "$d/cmpenroll.ini" --dry-run "$d/csr.pem" \
		>"$d/dryrun" 2>"$d/dryrun.err" ||
		{ cat "$d/dryrun.err" >&2; die "$t: cmpenroll --dry-run failed"; }
	[ "$(wc -l <"$d/dryrun")" = 1 ] ||
		die "$t: --dry-run did not print one line"
	n_loop=0
	[ $first = 1 ] && n_loop=$loop
	echo "bench: $t: port $port, $pairs pairs, $pairs RSS runs," \
		"loop $n_loop" >&2
	# In the background and waited for, so that a signal to this script
	# is acted on at once (bash runs traps only between commands).
	python3 -B "$here/measure.py" run --type "$t" --cmpenroll "$cmpenroll" --floor "$floor" \
		--config "$d/cmpenroll.ini" --csr "$d/csr.pem" \
		--dryrun "$d/dryrun" --secret "$secret" --leaf "$d/leaf.pem" \
		--ca "$tmp/ca.pem" --work "$d/work" --pairs "$pairs" \
		--warmup "$warmup" --rss-runs "$pairs" --loop "$n_loop" \
		--out "$d/result.json" &
	py_pid=$!
	wait "$py_pid" || die "$t: a run failed"
	py_pid=
	stop_server
	results+=("$d/result.json")
	first=0
done

ls -A "$TMPDIR" >"$tmp/leftovers"
smoke_opt=
[ "$smoke" = 1 ] && smoke_opt=--smoke
echo "bench: B for $t, as --dry-run prints it: $(cat "$d/dryrun")" >&2
# shellcheck disable=SC2086  # $smoke_opt is one word or none
python3 -B "$here/measure.py" report $smoke_opt \
	--leftovers "$tmp/leftovers" "${results[@]}"
