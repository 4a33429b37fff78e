# tests/lib.sh: helpers for the cmpenroll integration tests (sourced, bash).
#
# What it gives a test file:
#   a throwaway PKI under $PKI (root CA, intermediate CA, a sample end entity,
#   an RA and a CMP server certificate, each from its own root),
#   OpenSSL's mock CMP server on 127.0.0.1 (srv_start, srv_start_sig, srv_stop),
#   a way to run the binary under test (run) and assertions that count
#   passes and failures (assert_*), and a cleanup trap that stops every
#   process the suite started, by PID, and removes every temporary folder;
#   haproxy fronts for the mock server: TLS (tls_front_start) and round
#   robin over several servers (lb_front_start).
#
# Conventions: bash, set -u, no set -e. Every path handed to the binary is
# absolute. Servers listen on 127.0.0.1 only through the client's URL
# (the 3.0 mock server binds [::]:PORT; we always connect to 127.0.0.1).
#
# Three openssl programs (issue 15), each an absolute path:
#   OPENSSL      the system's: makes the PKI, parses DER (default: `openssl`)
#   SRV_OPENSSL  runs the mock server (default: $OPENSSL)
#   CLI_OPENSSL  the one cmpenroll runs, cmp_openssl_bin (default: $OPENSSL)
# Their versions are read once (lib_init): SRV_VER, CLI_VER, SYS_VER
# ("3.5.4"); srv_ge, cli_ge compare. Configs name $CLI_BIN: CLI_OPENSSL
# itself, or for a binary other than the system's a wrapper that gives it
# OPENSSL_CONF=/dev/null unless the environment sets one (upstream builds'
# OPENSSLDIR points nowhere; cmpenroll does not set it yet). OPENSSLS
# (space-separated paths), else ../shared/openssl/*/openssl beside the
# repository, are other versions a test may pick (ossl_pick).

set -u

T_PASS=0
T_FAIL=0
T_NAME=${T_NAME:-setup}
LIB_TMP=""
TEST_PIDS=()         # processes the current test started (stopped after it)
SRV_PID="" SRV_PORT="" SRV_LOG=""
SRV_N=0

OPENSSL=${OPENSSL:-$(command -v openssl)}
SRV_OPENSSL=${SRV_OPENSSL:-$OPENSSL}
CLI_OPENSSL=${CLI_OPENSSL:-$OPENSSL}
CLI_BIN=$CLI_OPENSSL
SYS_VER="" SRV_VER="" CLI_VER=""
# the system python3 starts faster than a pyenv shim; only its stdlib is used
if [ -x /usr/bin/python3 ]; then PY=/usr/bin/python3; else PY=$(command -v python3); fi
SECRET="Sx9-pbm-secret-4711"   # PBM secret shared by client and mock server
REF="1234"                     # PBM reference (senderKID)
RA_PASS="ra-keypass-0815"      # pass phrase of the RA's encrypted key
EE_SERIAL="1A2B3C"             # serial of the sample leaf (hex)
RECIPIENT="/O=Test Org/CN=Test Intermediate CA"

# ---------------------------------------------------------------- reporting

ok() {
	T_PASS=$((T_PASS + 1))
	printf 'ok   %s: %s\n' "$T_NAME" "$1"
}

# fail MSG [DETAIL...]: count a failure; details (e.g. captured output) indented.
fail() {
	T_FAIL=$((T_FAIL + 1))
	printf 'FAIL %s: %s\n' "$T_NAME" "$1"
	shift
	local d
	for d in "$@"; do
		printf '%s\n' "$d" | head -n 20 | sed 's/^/       | /'
	done
}

note() { printf '     %s: %s\n' "$T_NAME" "$*"; }

lib_summary() {
	printf '%d passed, %d failed\n' "$T_PASS" "$T_FAIL"
}

# ---------------------------------------------------------------- lifecycle

# lib_init: suite temp root, cleanup trap, the PKI.
lib_init() {
	LIB_TMP=$(mktemp -d "${TMPDIR:-/tmp}/cmpenroll-it.XXXXXX") || {
		echo "lib_init: mktemp failed" >&2
		echo "0 passed, 1 failed"
		exit 1
	}
	trap lib_cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	trap 'exit 129' HUP
	PKI=$LIB_TMP/pki
	mkdir -p "$PKI"
	ossl_init || {
		echo "lib_init: an openssl reports no version" >&2
		echo "0 passed, 1 failed"
		exit 1
	}
	pki_init || {
		echo "lib_init: creating the test PKI failed" >&2
		echo "0 passed, 1 failed"
		exit 1
	}
}

# alive PID: the process exists and is not a zombie.
alive() {
	local st
	[ -r "/proc/$1/stat" ] || return 1
	st=$(sed -E 's/^[0-9]+ \(.*\) ([A-Za-z]).*/\1/' "/proc/$1/stat" 2>/dev/null) || return 1
	[ -n "$st" ] && [ "$st" != Z ] && [ "$st" != X ]
}

# proc_start PID: the process's start time (clock ticks since boot), so that
# a PID reused by another process is never signalled.
proc_start() {
	sed -E 's/^[0-9]+ \(.*\) //' "/proc/$1/stat" 2>/dev/null | awk '{ print $20 }'
}

declare -A PID_START=()

# track_pid PID: remember a background process we started, so that the end
# of the test (or the suite's cleanup) stops it.
track_pid() {
	PID_START[$1]=$(proc_start "$1")
	TEST_PIDS+=("$1")
}

# stop_pid PID: end one process we started (TERM, then KILL), reap it. A PID
# whose start time differs from the one recorded is someone else's: left alone.
stop_pid() {
	local pid=$1 i
	[ -n "$pid" ] || return 0
	if alive "$pid" && { [ -z "${PID_START[$pid]:-}" ] ||
		[ "$(proc_start "$pid")" = "${PID_START[$pid]}" ]; }; then
		kill -TERM "$pid" 2>/dev/null
		for i in $(seq 1 40); do
			alive "$pid" || break
			sleep 0.05
		done
		alive "$pid" && kill -KILL "$pid" 2>/dev/null
	fi
	wait "$pid" 2>/dev/null
	unset "PID_START[$pid]"
	return 0
}

# test_end: stop what the current test started; the suite's mock server
# openssl again (srv_use).
test_end() {
	local pid
	for pid in "${TEST_PIDS[@]+"${TEST_PIDS[@]}"}"; do
		stop_pid "$pid"
	done
	TEST_PIDS=()
	SRV_OPENSSL=$_SRV_OPENSSL0 SRV_VER=$_SRV_VER0
}

lib_cleanup() {
	test_end
	if [ -n "$LIB_TMP" ] && [ -d "$LIB_TMP" ]; then
		chmod -R u+rwx "$LIB_TMP" 2>/dev/null
		rm -rf "$LIB_TMP"
	fi
}

# newdir: a fresh private folder under the suite root (removed by cleanup).
newdir() {
	mktemp -d "$LIB_TMP/d.XXXXXX"
}

# now: seconds since the epoch with microseconds.
now() { printf '%s\n' "$EPOCHREALTIME"; }

# elapsed_ms START END
elapsed_ms() {
	awk -v a="$1" -v b="$2" 'BEGIN { printf "%d\n", (b - a) * 1000 }'
}

# ---------------------------------------------------------------- openssl versions

_SRV_OPENSSL0="" _SRV_VER0=""
OSSL_POOL=()         # every openssl known: system, server, client, others
declare -A OSSL_VER=()  # path -> version

# ossl_version BIN: the version BIN reports ("3.5.4"), empty when none.
ossl_version() {
	if [ -n "${OSSL_VER[$1]+x}" ]; then
		printf '%s\n' "${OSSL_VER[$1]}"
		return
	fi
	OPENSSL_CONF=/dev/null "$1" version 2>/dev/null |
		sed -n '1s/^OpenSSL \([0-9][0-9]*\.[0-9][0-9]*\.[0-9][0-9]*\).*/\1/p'
}

# ver_num VERSION: 3.5.4 -> 30504 (a missing part counts as 0).
ver_num() {
	local IFS=. a b c
	read -r a b c _ <<<"$1"
	echo $((10#${a:-0} * 10000 + 10#${b:-0} * 100 + 10#${c:-0}))
}

# ver_ge VERSION MIN: VERSION is MIN or later (3.3 means 3.3.0).
ver_ge() { [ -n "$1" ] && [ "$(ver_num "$1")" -ge "$(ver_num "$2")" ]; }

# srv_ge MIN, cli_ge MIN: the mock server's, cmpenroll's openssl is MIN or later.
srv_ge() { ver_ge "$SRV_VER" "$1"; }
cli_ge() { ver_ge "$CLI_VER" "$1"; }

# ossl_others [REPO_DIR]: the other openssl programs a suite may use, one
# absolute path a line: those in $OPENSSLS, else REPO_DIR/../shared/openssl/*/openssl.
ossl_others() {
	local p d=${1:-${REPO_DIR:-.}}/../shared/openssl
	if [ -n "${OPENSSLS:-}" ]; then
		for p in $OPENSSLS; do printf '%s\n' "$(readlink -f "$p")"; done
	elif [ -d "$d" ]; then
		for p in "$d"/*/openssl; do
			[ -x "$p" ] && printf '%s\n' "$(readlink -f "$p")"
		done
	fi
	return 0
}

# is_system_openssl BIN: BIN is the system's openssl (the same file).
is_system_openssl() { [ "$(readlink -f "$1")" = "$(readlink -f "$OPENSSL")" ]; }

# ossl_wrap BIN: the path for cmp_openssl_bin that runs BIN: BIN itself
# when it is the system's, else a wrapper (same PID: exec) that sets
# OPENSSL_CONF=/dev/null unless the environment already names a config.
ossl_wrap() {
	local b=$1 w
	if is_system_openssl "$b"; then
		printf '%s\n' "$b"
		return
	fi
	w=$LIB_TMP/ossl.$(printf '%s' "$b" | sha1sum | cut -c1-12)
	if [ ! -x "$w/openssl" ]; then
		mkdir -p "$w"
		printf '#!/bin/sh\n[ -n "${OPENSSL_CONF+x}" ] || OPENSSL_CONF=/dev/null\nexport OPENSSL_CONF\nexec %s "$@"\n' \
			"'$b'" >"$w/openssl"
		chmod 755 "$w/openssl"
	fi
	printf '%s\n' "$w/openssl"
}

# ossl_init: versions of the three programs and the pool; CLI_BIN.
ossl_init() {
	local p v
	OPENSSL=$(readlink -f "$OPENSSL")
	SRV_OPENSSL=$(readlink -f "$SRV_OPENSSL")
	CLI_OPENSSL=$(readlink -f "$CLI_OPENSSL")
	OSSL_POOL=()
	for p in "$OPENSSL" "$SRV_OPENSSL" "$CLI_OPENSSL" $(ossl_others); do
		[ -n "${OSSL_VER[$p]+x}" ] && continue
		v=$(ossl_version "$p")
		if [ -z "$v" ]; then
			echo "lib_init: $p: no version" >&2
			return 1
		fi
		OSSL_VER[$p]=$v
		OSSL_POOL+=("$p")
	done
	SYS_VER=${OSSL_VER[$OPENSSL]} SRV_VER=${OSSL_VER[$SRV_OPENSSL]}
	CLI_VER=${OSSL_VER[$CLI_OPENSSL]}
	_SRV_OPENSSL0=$SRV_OPENSSL _SRV_VER0=$SRV_VER
	CLI_BIN=$(ossl_wrap "$CLI_OPENSSL")
	printf '# openssl: client %s (%s), mock server %s (%s), system %s\n' \
		"$CLI_VER" "$CLI_OPENSSL" "$SRV_VER" "$SRV_OPENSSL" "$SYS_VER"
}

# ossl_pick MIN [BELOW]: an openssl whose version is MIN or later (and
# before BELOW): the mock server's if it fits, else the client's, the
# system's, then the others in order. Returns 1 when none fits.
ossl_pick() {
	local p v
	for p in "$SRV_OPENSSL" "$CLI_OPENSSL" "${OSSL_POOL[@]}"; do
		v=${OSSL_VER[$p]}
		ver_ge "$v" "$1" || continue
		[ $# -ge 2 ] && ver_ge "$v" "$2" && continue
		printf '%s\n' "$p"
		return 0
	done
	return 1
}

# srv_use BIN: the mock servers this test starts run BIN (until test_end).
srv_use() {
	SRV_OPENSSL=$(readlink -f "$1")
	SRV_VER=${OSSL_VER[$SRV_OPENSSL]:-$(ossl_version "$SRV_OPENSSL")}
}

# need_cli_ge MIN, need_cli_lt BELOW: true when the client's openssl fits;
# else one note (the test is skipped, not failed) and false.
need_cli_ge() {
	cli_ge "$1" && return 0
	note "skipped: needs cmpenroll's openssl to be $1 or later (it is $CLI_VER)"
	return 1
}
need_cli_lt() {
	cli_ge "$1" || return 0
	note "skipped: needs cmpenroll's openssl to be before $1 (it is $CLI_VER)"
	return 1
}

# need_srv_ge MIN: the mock servers of this test run an openssl MIN or
# later: the suite's if it is, else one of the others (srv_use). Else one
# note and false.
need_srv_ge() {
	local p
	if ! p=$(ossl_pick "$1"); then
		note "skipped: needs a mock server openssl $1 or later (have: $(ossl_list))"
		return 1
	fi
	srv_use "$p"
}

# ossl_list: the versions known, "3.0.19 3.5.4 ...".
ossl_list() {
	local p s=""
	for p in "${OSSL_POOL[@]}"; do s="$s${s:+ }${OSSL_VER[$p]}"; done
	printf '%s\n' "$s"
}

# re_quote STRING: STRING as an ERE matching itself.
re_quote() { printf '%s\n' "$1" | sed 's/[][\.*^$+?(){}|/]/\\&/g'; }

# ---------------------------------------------------------------- PKI

ossl() { OPENSSL_CONF=/dev/null "$OPENSSL" "$@"; }

# pki_key FILE [PASS]: a P-256 key, encrypted when PASS is given.
pki_key() {
	if [ $# -ge 2 ]; then
		ossl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
			-aes-128-cbc -pass "pass:$2" -out "$1" 2>/dev/null
	else
		ossl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
			-out "$1" 2>/dev/null
	fi
}

# pki_selfsigned_ca DIR NAME SUBJECT: DIR/NAME.key, DIR/NAME.pem
pki_selfsigned_ca() {
	pki_key "$1/$2.key" &&
		ossl req -new -x509 -key "$1/$2.key" -out "$1/$2.pem" -days 60 \
			-subj "$3" -addext "basicConstraints=critical,CA:TRUE" \
			-addext "keyUsage=critical,keyCertSign,cRLSign" \
			-addext "subjectKeyIdentifier=hash" 2>/dev/null
}

# pki_csr KEYFILE CSRFILE SUBJECT [SAN_SPEC]: a PEM CSR (new key unless KEYFILE exists).
pki_csr() {
	local key=$1 csr=$2 subj=$3
	[ -s "$key" ] || pki_key "$key" || return 1
	if [ $# -ge 4 ] && [ -n "$4" ]; then
		ossl req -new -key "$key" -out "$csr" -subj "$subj" \
			-addext "subjectAltName=$4" 2>/dev/null
	else
		ossl req -new -key "$key" -out "$csr" -subj "$subj" 2>/dev/null
	fi
}

# pki_issue CSR OUT [DAYS] [SERIAL_HEX] [CA_PREFIX]: a leaf for CSR from the
# intermediate (or CA_PREFIX.pem/.key), copying the CSR's extensions.
pki_issue() {
	local csr=$1 out=$2 days=${3:-30} serial=${4:-} ca=${5:-$PKI/int}
	[ -n "$serial" ] || serial=$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')
	printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nauthorityKeyIdentifier=keyid\n' \
		>"$out.ext"
	ossl x509 -req -in "$csr" -CA "$ca.pem" -CAkey "$ca.key" \
		-set_serial "0x$serial" -days "$days" -copy_extensions copy \
		-extfile "$out.ext" -out "$out" 2>/dev/null
	local rc=$?
	rm -f "$out.ext"
	return $rc
}

# pki_init: the suite's PKI in $PKI.
#   root.pem/key      Test Root CA (self-signed)
#   int.pem/key       Test Intermediate CA, issued by root (it issues leaves)
#   ee.key/csr/der    sample end entity: /O=Example Org/CN=ee.example with
#                     DNS, DNS, IP and URI SANs; ee.pem its leaf, serial $EE_SERIAL
#   raroot.pem        RA Root; ra.pem/ra.key (encrypted with $RA_PASS) the RA
#   srvroot.pem       CMP server root; srv.pem/srv.key the server's own cert
pki_init() {
	pki_selfsigned_ca "$PKI" root "/O=Test Org/CN=Test Root CA" || return 1
	pki_key "$PKI/int.key" &&
		ossl req -new -key "$PKI/int.key" -out "$PKI/int.csr" \
			-subj "$RECIPIENT" 2>/dev/null || return 1
	printf 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n' \
		>"$PKI/ca.ext"
	ossl x509 -req -in "$PKI/int.csr" -CA "$PKI/root.pem" -CAkey "$PKI/root.key" \
		-set_serial 0x10 -days 60 -extfile "$PKI/ca.ext" -out "$PKI/int.pem" \
		2>/dev/null || return 1

	pki_csr "$PKI/ee.key" "$PKI/ee.csr" "/O=Example Org/CN=ee.example" \
		"DNS:ee.example,DNS:www.ee.example,IP:127.0.0.1,URI:https://ee.example/cmp" ||
		return 1
	ossl req -in "$PKI/ee.csr" -outform DER -out "$PKI/ee.der" 2>/dev/null || return 1
	pki_issue "$PKI/ee.csr" "$PKI/ee.pem" 30 "$EE_SERIAL" || return 1

	pki_selfsigned_ca "$PKI" raroot "/O=Test Org/CN=RA Root" || return 1
	pki_key "$PKI/ra.key" "$RA_PASS" &&
		ossl req -new -key "$PKI/ra.key" -passin "pass:$RA_PASS" \
			-out "$PKI/ra.csr" -subj "/O=Test Org/CN=Test RA" 2>/dev/null &&
		ossl x509 -req -in "$PKI/ra.csr" -CA "$PKI/raroot.pem" \
			-CAkey "$PKI/raroot.key" -set_serial 0x20 -days 60 \
			-out "$PKI/ra.pem" 2>/dev/null || return 1

	pki_selfsigned_ca "$PKI" srvroot "/O=Test Org/CN=CMP Server Root" || return 1
	pki_key "$PKI/srv.key" &&
		ossl req -new -key "$PKI/srv.key" -out "$PKI/srv.csr" \
			-subj "/O=Test Org/CN=CMP Server" 2>/dev/null &&
		ossl x509 -req -in "$PKI/srv.csr" -CA "$PKI/srvroot.pem" \
			-CAkey "$PKI/srvroot.key" -set_serial 0x30 -days 60 \
			-out "$PKI/srv.pem" 2>/dev/null || return 1
	return 0
}

# pem_blobs FILE [LABEL]: the base64 body of each PEM block (default label
# CERTIFICATE) in FILE, one block a line, in order.
pem_blobs() {
	awk -v l="${2:-CERTIFICATE}" '
		$0 == "-----BEGIN " l "-----" { on = 1; b = ""; next }
		$0 == "-----END " l "-----" { if (on) print b; on = 0; next }
		on { b = b $0 }' "$1"
}

# cert_fp FILE: SHA-256 of the first certificate's DER (computed without
# openssl, whose start-up costs ~50 ms a call).
cert_fp() {
	pem_blobs "$1" | head -n1 | base64 -d 2>/dev/null | sha256sum | cut -c1-64
}

# pem_fps FILE: the fingerprints of every certificate in FILE, in order.
pem_fps() {
	local b
	pem_blobs "$1" | while IFS= read -r b; do
		printf '%s' "$b" | base64 -d 2>/dev/null | sha256sum | cut -c1-64
	done
}

# pem_only FILE: true when FILE holds nothing but PEM certificates.
pem_only() {
	[ -s "$1" ] || return 1
	! grep -Evq '^(-----(BEGIN|END) CERTIFICATE-----|[A-Za-z0-9+/=]{1,76})$' "$1"
}

# kur_pki: old and new leaf for one subject, same issuer and serial, two keys
# (the 3.0 mock server accepts a kur only for its -rsp_cert's issuer and
# serial; 3.2 and later for ref_cert's, SRV_REF_CERT).
kur_pki() {
	pki_csr "$TD/old.key" "$TD/old.csr" "/O=Example Org/CN=kur.example" "DNS:kur.example" &&
		pki_csr "$TD/new.key" "$TD/new.csr" "/O=Example Org/CN=kur.example" "DNS:kur.example" &&
		pki_issue "$TD/old.csr" "$TD/old.pem" 10 5E1A1 &&
		pki_issue "$TD/new.csr" "$TD/new.pem" 40 5E1A1
}

# ---------------------------------------------------------------- DER helpers

tohex() { od -An -v -tx1 | tr -d ' \n'; }
hexof() { tohex <"$1"; }
hexstr() { printf '%s' "$1" | tohex; }

# asn1 FILE: `openssl asn1parse` of a DER file, cached by content.
declare -A _ASN1_CACHE=()
asn1() {
	local key
	key=$(sha1sum <"$1" 2>/dev/null | cut -c1-40)
	if [ -z "${_ASN1_CACHE[$key]+x}" ]; then
		_ASN1_CACHE[$key]=$(ossl asn1parse -inform DER -in "$1" 2>/dev/null)
	fi
	printf '%s\n' "${_ASN1_CACHE[$key]}"
}

# der_elem FILE REGEX [content]: hex of the first element whose asn1parse
# line matches REGEX; with a third argument, only its content octets.
der_elem() {
	local f=$1 re=$2 line off hl len
	line=$(asn1 "$f" | grep -m1 -E -- "$re") || return 1
	off=$(printf '%s\n' "$line" | sed -E 's/^ *([0-9]+):.*/\1/')
	hl=$(printf '%s\n' "$line" | sed -E 's/.*hl= *([0-9]+).*/\1/')
	len=$(printf '%s\n' "$line" | sed -E 's/.* l= *([0-9]+) .*/\1/')
	if [ $# -ge 3 ]; then
		tail -c +$((off + hl + 1)) "$f" | head -c "$len" | tohex
	else
		tail -c +$((off + 1)) "$f" | head -c $((hl + len)) | tohex
	fi
}

# csr_der CSR OUT: the CSR in DER (PEM decoded, or copied when already DER).
csr_der() {
	if grep -q -- '-----BEGIN CERTIFICATE REQUEST-----' "$1" 2>/dev/null; then
		pem_blobs "$1" "CERTIFICATE REQUEST" | head -n1 | base64 -d >"$2"
	else
		cp "$1" "$2"
	fi
}

# csr_subject_hex CSR_DER: the subject Name (DER) of a CSR.
csr_subject_hex() { der_elem "$1" '^ *[0-9]+:d=2 .*cons: SEQUENCE' ; }

# csr_spki_content_hex CSR_DER: content octets of the CSR's SubjectPublicKeyInfo.
csr_spki_content_hex() {
	local f=$1 line off
	# the second d=2 SEQUENCE of CertificationRequestInfo is the SPKI
	line=$(asn1 "$f" | grep -E '^ *[0-9]+:d=2 .*cons: SEQUENCE' | sed -n 2p) || return 1
	off=$(printf '%s\n' "$line" | sed -E 's/^ *([0-9]+):.*/\1/')
	der_elem "$f" "^ *$off:d=2" content
}

# CMP request (a PKIMessage as saved by cmp_reqout), certTemplate fields:
# they sit at depth 6 (body, CertReqMessages, CertReqMsg, CertRequest, CertTemplate).
req_tmpl_subject_hex() { der_elem "$1" '^ *[0-9]+:d=6 .*cont \[ 5 \]' content; }
req_tmpl_pubkey_hex() { der_elem "$1" '^ *[0-9]+:d=6 .*cont \[ 6 \]' content; }
req_tmpl_ext_hex() { der_elem "$1" '^ *[0-9]+:d=6 .*cont \[ 9 \]'; }

# req_body FILE: the PKIBody type of a saved CMP message (ir, cr, p10cr, ...).
req_body() {
	local n
	n=$(asn1 "$1" |
		grep -m1 -E '^ *[0-9]+:d=1 .*cont \[' | sed -E 's/.*cont \[ *([0-9]+) *\].*/\1/')
	case $n in
	0) echo ir ;; 2) echo cr ;; 4) echo p10cr ;; 7) echo kur ;; 11) echo rr ;;
	19) echo pkiconf ;; 24) echo certConf ;; 25) echo pollReq ;; '') echo none ;;
	*) echo "body$n" ;;
	esac
}

# req_files DIR N: "DIR/req1.der,...,DIR/reqN.der" for cmp_reqout.
req_files() {
	local i s=""
	for i in $(seq 1 "$2"); do s="$s${s:+,}$1/req$i.der"; done
	printf '%s\n' "$s"
}

# saved_bodies DIR: the body types of the saved requests, in order, space separated.
saved_bodies() {
	local i s=""
	for i in 1 2 3 4 5 6 7 8 9; do
		[ -f "$1/req$i.der" ] || break
		s="$s${s:+ }$(req_body "$1/req$i.der")"
	done
	printf '%s\n' "$s"
}

# gn_hex TYPE VALUE: DER of one GeneralName (short form lengths only).
gn_hex() {
	local tag v
	case $1 in
	email) tag=81 ;; DNS) tag=82 ;; URI) tag=86 ;;
	IP)
		local IFS=.
		# shellcheck disable=SC2086
		set -- $2
		printf '8704%02x%02x%02x%02x\n' "$1" "$2" "$3" "$4"
		return 0
		;;
	*) return 1 ;;
	esac
	v=$(hexstr "$2")
	printf '%s%02x%s\n' "$tag" $((${#v} / 2)) "$v"
}

# flip_last_byte IN OUT: copy IN with its last byte changed (breaks a DER signature).
flip_last_byte() {
	local size last
	size=$(stat -c %s "$1")
	head -c $((size - 1)) "$1" >"$2"
	last=$(tail -c 1 "$1" | od -An -tu1 | tr -d ' ')
	printf "\\$(printf '%03o' $(((last ^ 1) & 255)))" >>"$2"
}

# ---------------------------------------------------------------- mock server

# _srv_launch ARGS...: start `$SRV_OPENSSL cmp` as mock server, wait for its
# ACCEPT line, set SRV_PID SRV_PORT SRV_LOG. Returns 1 when it did not come up.
# SRV_CONF ("key = value" lines) goes into a config section given with
# -config FILE -section mock (what 3.2-3.6 read right for ref_cert).
_srv_launch() {
	local i cfg=(-config "")
	SRV_N=$((SRV_N + 1))
	SRV_LOG=$LIB_TMP/srv.$SRV_N.log
	if [ -n "${SRV_CONF:-}" ]; then
		printf '[mock]\n%s\n' "$SRV_CONF" >"$LIB_TMP/srv.$SRV_N.cnf"
		cfg=(-config "$LIB_TMP/srv.$SRV_N.cnf" -section mock)
	fi
	OPENSSL_CONF=/dev/null "$SRV_OPENSSL" cmp "${cfg[@]}" -port 0 "$@" >"$SRV_LOG" 2>&1 &
	SRV_PID=$!
	track_pid "$SRV_PID"
	SRV_PORT=""
	for i in $(seq 1 50); do
		SRV_PORT=$(sed -n 's/^ACCEPT .*:\([0-9][0-9]*\) PID=.*/\1/p' "$SRV_LOG" | head -n1)
		[ -n "$SRV_PORT" ] && break
		kill -0 "$SRV_PID" 2>/dev/null || break
		sleep 0.1
	done
	if [ -z "$SRV_PORT" ]; then
		fail "mock server did not start" "$(cat "$SRV_LOG")"
		return 1
	fi
	return 0
}

# srv_start [EXTRA ARGS...]: mock server with PBM (ref $REF, secret $SECRET).
# It answers with $SRV_RSP_CERT (default: the sample leaf) plus the
# intermediate in extraCerts and the root in caPubs unless overridden through
# SRV_EXTRACERTS / SRV_CAPUBS (set to "" to leave out).
srv_start() {
	local SRV_CONF=${SRV_CONF:-}
	local a=(-srv_ref "$REF" -srv_secret "pass:$SECRET")
	_srv_args a
	_srv_launch "${a[@]}" -accept_raverified "$@"
}

# srv_start_sig [EXTRA ARGS...]: mock server that signs with srv.pem/srv.key
# and trusts the RA root for signed requests (override with SRV_TRUSTED).
srv_start_sig() {
	local SRV_CONF=${SRV_CONF:-}
	local a=(-srv_cert "$PKI/srv.pem" -srv_key "$PKI/srv.key"
		-srv_trusted "${SRV_TRUSTED-$PKI/raroot.pem}")
	_srv_args a
	_srv_launch "${a[@]}" -accept_raverified "$@"
}

# (SRV_REF_CERT: the certificate a kur's oldCertID must name. The 3.0
# server compares it with -rsp_cert's issuer and serial; 3.2 and later with
# ref_cert, which only a config section sets right: see _srv_launch.)
_srv_args() {
	local -n arr=$1
	arr+=(-rsp_cert "${SRV_RSP_CERT:-$PKI/ee.pem}")
	local x=${SRV_EXTRACERTS-$PKI/int.pem} c=${SRV_CAPUBS-$PKI/root.pem}
	[ -n "$x" ] && arr+=(-rsp_extracerts "$x")
	[ -n "$c" ] && arr+=(-rsp_capubs "$c")
	if [ -n "${SRV_REF_CERT:-}" ] && srv_ge 3.2; then
		SRV_CONF="${SRV_CONF:-}${SRV_CONF:+$'\n'}ref_cert = $SRV_REF_CERT"
	fi
}

# srv_stop [PID]: stop the given (default: the last started) server.
srv_stop() {
	stop_pid "${1:-$SRV_PID}"
}

# srv_requests [LOG]: how many HTTP requests the server received (3.0 logs
# "Received request", 3.2 and later "received request").
srv_requests() {
	grep -cE '^cmp: (Received|received) request, ' "${1:-$SRV_LOG}" 2>/dev/null
}

# closed_port: a TCP port on 127.0.0.1 that nothing listens on.
closed_port() {
	"$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# ---------------------------------------------------------------- config

# write_config FILE: stdin to FILE, mode 0600 (no permission warning).
write_config() {
	cat >"$1"
	chmod 600 "$1"
}

# base_config PORT [SECTION]: a minimal PBM section for the mock server.
base_config() {
	cat <<EOF
[${2:-CAhandler}]
cmp_openssl_bin = $CLI_BIN
cmp_server = 127.0.0.1:$1
cmp_ref = $REF
cmp_secret = pass:$SECRET
cmp_recipient = $RECIPIENT
EOF
}

# chain_in_config: config lines that complete the chain where the CA does
# not send it: the answer a 3.3+ mock server gives after polling carries
# no extraCerts or caPubs (tests/it_versions.sh tests that case itself).
chain_in_config() {
	echo "cmp_untrusted = $PKI/int.pem"
	echo "cmp_trusted = $PKI/root.pem"
}

# sig_config PORT: a section with signature-based RA authentication.
sig_config() {
	cat <<EOF
[CAhandler]
cmp_openssl_bin = $CLI_BIN
cmp_server = 127.0.0.1:$1
cmp_cert = $PKI/ra.pem
cmp_key = $PKI/ra.key
cmp_keypass = pass:$RA_PASS
cmp_srvcert = $PKI/srv.pem
EOF
}

# with_openssl BIN: a config on stdin with BIN as cmp_openssl_bin.
with_openssl() {
	sed "s|^cmp_openssl_bin = .*|cmp_openssl_bin = $1|"
}

# rec_config PORT RECDIR: base config with the recording wrapper as openssl.
rec_config() {
	base_config "$1" | with_openssl "$(mk_recorder "$2")"
}

# mk_recorder DIR [BIN]: an openssl stand-in that records its PID, argv (one
# element a line, and NUL separated), environment and the mode of the
# -newkey folder into DIR, then execs the real openssl, BIN (default
# $CLI_BIN: the client's, with its OPENSSL_CONF) (the PID stays the same).
# Prints its path.
mk_recorder() {
	local d=$1 bin=${2:-$CLI_BIN}
	cat >"$d/rec-openssl" <<EOF
#!/bin/sh
echo \$\$ >>'$d/pids'
printf '%s\n' "\$@" >'$d/argv.'\$\$
printf '%s\0' "\$@" >'$d/argv0.'\$\$
env >'$d/env.'\$\$
prev=
for a in "\$@"; do
	[ "\$prev" = -newkey ] && stat -c %a "\$(dirname "\$a")" >'$d/wdmode.'\$\$
	prev=\$a
done
exec '$bin' "\$@"
EOF
	chmod 755 "$d/rec-openssl"
	printf '%s\n' "$d/rec-openssl"
}

# argv_pair RECDIR FLAG: the value after FLAG in the first recorded openssl
# argv ("<none>" when FLAG is absent, "<last>" when it ends the argv).
argv_pair() {
	local f a i
	f=$(ls "$1"/argv0.* 2>/dev/null | head -n1)
	[ -n "$f" ] || { echo "<no run>"; return; }
	mapfile -d '' a <"$f"
	for i in "${!a[@]}"; do
		if [ "${a[$i]}" = "$2" ]; then
			if [ $((i + 1)) -lt ${#a[@]} ]; then printf '%s\n' "${a[$((i + 1))]}"; else echo "<last>"; fi
			return
		fi
	done
	echo "<none>"
}

# argv_count RECDIR WORD: how often WORD is an element of the recorded argv.
argv_count() {
	local f
	f=$(ls "$1"/argv0.* 2>/dev/null | head -n1)
	[ -n "$f" ] || { echo 0; return; }
	tr '\0' '\n' <"$f" | grep -cxF -- "$2"
}

# ---------------------------------------------------------------- running

# run ARGS...: run the binary under test; stdout in $OUT, stderr in $ERR,
# exit status in $RC. stdin from $RUN_STDIN (default /dev/null). Bounded by
# `timeout` so that a hang fails the test instead of the suite.
OUT="" ERR="" RC=0
run() {
	local d
	d=$(mktemp -d "$LIB_TMP/run.XXXXXX")
	OUT=$d/stdout
	ERR=$d/stderr
	timeout -k 5 "${RUN_LIMIT:-60}" "$BIN" "$@" <"${RUN_STDIN:-/dev/null}" >"$OUT" 2>"$ERR"
	RC=$?
	return 0
}

lines() { awk 'END { print NR }' "$1"; }

# ---------------------------------------------------------------- assertions

# assert_rc WANT [MSG]: WANT may list alternatives, "65|66".
assert_rc() {
	local want=$1 msg=${2:-exit status}
	case "|$want|" in
	*"|$RC|"*) ok "$msg is $RC" ;;
	*) fail "$msg: want $want, got $RC" "stderr: $(cat "$ERR")" ;;
	esac
}

assert_stdout_empty() {
	if [ ! -s "$OUT" ]; then ok "stdout empty"; else fail "stdout not empty" "$(cat "$OUT")"; fi
}

assert_stderr_empty() {
	if [ ! -s "$ERR" ]; then ok "stderr empty"; else fail "stderr not empty" "$(cat "$ERR")"; fi
}

# assert_stderr_lines N: exactly N lines on stderr.
assert_stderr_lines() {
	local n
	n=$(lines "$ERR")
	if [ "$n" -eq "$1" ]; then ok "stderr has $1 line(s)"; else
		fail "stderr has $n line(s), want $1" "$(cat "$ERR")"
	fi
}

# assert_check_lines N: stderr of a --check holds N lines.
assert_check_lines() {
	assert_stderr_lines "$1"
}

# assert_stderr_prefixed: every stderr line starts with "cmpenroll: ".
assert_stderr_prefixed() {
	if [ -s "$ERR" ] && grep -vq '^cmpenroll: ' "$ERR"; then
		fail "stderr line without 'cmpenroll: ' prefix" "$(grep -v '^cmpenroll: ' "$ERR")"
	else
		ok "stderr lines start with 'cmpenroll: '"
	fi
}

# assert_one_error: the usual shape of a failure: no stdout, one prefixed line.
assert_one_error() {
	assert_stdout_empty
	assert_stderr_lines 1
	assert_stderr_prefixed
}

# assert_stderr_match ERE [MSG] (case-insensitive)
assert_stderr_match() {
	if grep -Eiq -- "$1" "$ERR"; then ok "${2:-stderr matches /$1/}"; else
		fail "${2:-stderr does not match /$1/}" "$(cat "$ERR")"
	fi
}

assert_stderr_nomatch() {
	if grep -Eiq -- "$1" "$ERR"; then fail "${2:-stderr matches /$1/}" "$(cat "$ERR")"; else
		ok "${2:-stderr does not match /$1/}"
	fi
}

assert_stdout_match() {
	if grep -Eiq -- "$1" "$OUT"; then ok "${2:-stdout matches /$1/}"; else
		fail "${2:-stdout does not match /$1/}" "$(cat "$OUT")"
	fi
}

assert_file_exists() {
	if [ -f "$1" ]; then ok "${2:-file exists: ${1##*/}}"; else fail "${2:-file missing: $1}"; fi
}

assert_file_absent() {
	if [ ! -e "$1" ] && [ ! -L "$1" ]; then ok "${2:-no file ${1##*/}}"; else
		fail "${2:-file should not exist: $1}" "$(ls -la "$1" 2>&1)"
	fi
}

# assert_same_bytes A B [MSG]
assert_same_bytes() {
	if cmp -s "$1" "$2"; then ok "${3:-${2##*/} equals ${1##*/} byte for byte}"; else
		fail "${3:-${2##*/} differs from ${1##*/}}" "$(cmp "$1" "$2" 2>&1)"
	fi
}

# assert_eq GOT WANT MSG
assert_eq() {
	if [ "$1" = "$2" ]; then ok "$3"; else fail "$3" "want: $2" "got:  $1"; fi
}

# assert_contains HAYSTACK NEEDLE MSG (plain substring)
assert_contains() {
	case $1 in
	*"$2"*) ok "$3" ;;
	*) fail "$3" "missing: $2" ;;
	esac
}

assert_not_contains() {
	case $1 in
	*"$2"*) fail "$3" "found: $2" ;;
	*) ok "$3" ;;
	esac
}

# assert_mode FILE OCTAL
assert_mode() {
	local m
	m=$(stat -c %a "$1" 2>/dev/null)
	assert_eq "$m" "$2" "mode of ${1##*/} is $2"
}

# assert_srv_requests N [LOG]: the server received exactly N requests.
assert_srv_requests() {
	local n
	n=$(srv_requests "${2:-$SRV_LOG}")
	assert_eq "$n" "$1" "server received $1 request(s)"
}

# assert_chain FILE FP...: FILE holds only PEM certificates, exactly these, in order.
assert_chain() {
	local f=$1 got want
	shift
	if pem_only "$f"; then ok "${f##*/}: only PEM certificates"; else
		fail "${f##*/}: not only PEM certificates" "$(head -c 2000 "$f")"
	fi
	got=$(pem_fps "$f")
	want=$(printf '%s\n' "$@")
	assert_eq "$got" "$want" "${f##*/}: certificates are $# in the expected order"
}

# json_checks FILE [PYEXPR MSG]...: FILE is one valid JSON object (as
# `python3 -m json.tool` sees it) and each PYEXPR (over j, the parsed object)
# is true. One python3 run for all: its start-up is slow here.
json_checks() {
	local f=$1 res st msg
	shift
	res=$("$PY" -c 'import json, re, sys
args = sys.argv[2:]
try:
    j = json.load(open(sys.argv[1]))
    print("1\tstdout is valid JSON (json.tool)")
except Exception as e:
    print("0\tstdout is not valid JSON: %s" % e)
    j = None
for expr, msg in zip(args[0::2], args[1::2]):
    try:
        good = j is not None and bool(eval(expr))
    except Exception as e:
        good = False
        msg += " (%s: %s)" % (type(e).__name__, e)
    print("%d\t%s" % (good, msg))' "$f" "$@" 2>&1)
	while IFS=$'\t' read -r st msg; do
		if [ "$st" = 1 ]; then ok "$msg"; else fail "$msg" "$(head -c 1500 "$f")"; fi
	done <<<"$res"
	"$PY" -m json.tool "$f" >/dev/null 2>&1 || fail "python3 -m json.tool rejects stdout"
}

# cert_serial FILE: the certificate's serial, hex, as openssl prints it.
declare -A _SERIAL_CACHE=()
cert_serial() {
	local key
	key=$(sha1sum <"$1" 2>/dev/null | cut -c1-40)
	if [ -z "${_SERIAL_CACHE[$key]+x}" ]; then
		_SERIAL_CACHE[$key]=$(ossl x509 -in "$1" -noout -serial 2>/dev/null | sed 's/^serial=//')
	fi
	printf '%s\n' "${_SERIAL_CACHE[$key]}"
}

# assert_issued LEAF [CHAIN...]: the run succeeded; stdout holds LEAF then
# CHAIN (default: intermediate, root); one stderr line "cmpenroll: issued
# <subject>, serial <hex>, expires <time>".
assert_issued() {
	local leaf=$1 fps=() c serial
	shift
	[ $# -gt 0 ] || set -- "$PKI/int.pem" "$PKI/root.pem"
	assert_rc 0
	fps+=("$(cert_fp "$leaf")")
	for c in "$@"; do fps+=("$(cert_fp "$c")"); done
	assert_chain "$OUT" "${fps[@]}"
	assert_stderr_lines 1
	serial=$(cert_serial "$leaf" | sed 's/^0*//')
	assert_stderr_match "^cmpenroll: issued .*, serial (0x)?0*$serial, expires .*[0-9]" \
		"stderr: 'cmpenroll: issued ..., serial $serial, expires ...'"
}

# CHAIN_WARN_RE: the warning of a chain that stops below the intermediate
# (issue 15): the issuer it lacks is named, and where to add it.
CHAIN_WARN_RE='^cmpenroll: warning: chain incomplete: no certificate for issuer .*CN=Test Intermediate CA.*; add it to cmp_untrusted'

# assert_issued_incomplete LEAF: the run succeeded, but the chain could not
# be completed: stdout holds LEAF alone, stderr exactly two lines: one
# warning matching CHAIN_WARN_RE and the usual "cmpenroll: issued ...".
assert_issued_incomplete() {
	local serial
	assert_rc 0
	assert_chain "$OUT" "$(cert_fp "$1")"
	assert_stderr_lines 2
	assert_eq "$(grep -cE -- "$CHAIN_WARN_RE" "$ERR")" 1 \
		"one warning: chain incomplete, Test Intermediate CA named, cmp_untrusted suggested"
	serial=$(cert_serial "$1" | sed 's/^0*//')
	assert_eq "$(grep -ciE "^cmpenroll: issued .*, serial (0x)?0*$serial, expires .*[0-9]" "$ERR")" 1 \
		"one line 'cmpenroll: issued ..., serial $serial, expires ...'"
}

# assert_request_carries REQ CSR [GN...]: the saved request REQ (a CMP
# message with a certTemplate) carries CSR's subject and public key byte for
# byte, and each GeneralName GN given as "TYPE VALUE" (DNS, IP, URI, email).
assert_request_carries() {
	local req=$1 csr=$2 der ext g
	shift 2
	if [ ! -s "$req" ]; then
		fail "saved request ${req##*/} missing"
		return
	fi
	der=$(mktemp "$LIB_TMP/csr.XXXXXX")
	csr_der "$csr" "$der"
	assert_eq "$(req_tmpl_subject_hex "$req")" "$(csr_subject_hex "$der")" \
		"request ${req##*/}: certTemplate subject equals the CSR's"
	assert_eq "$(req_tmpl_pubkey_hex "$req")" "$(csr_spki_content_hex "$der")" \
		"request ${req##*/}: certTemplate public key equals the CSR's"
	ext=$(req_tmpl_ext_hex "$req")
	for g in "$@"; do
		# shellcheck disable=SC2086
		assert_contains "$ext" "$(gn_hex ${g%% *} "${g#* }")" \
			"request ${req##*/}: SAN $g in certTemplate"
	done
	rm -f "$der"
}

EE_SANS=("DNS ee.example" "DNS www.ee.example" "IP 127.0.0.1" "URI https://ee.example/cmp")

# ---------------------------------------------------------------- fronts (haproxy)
#
# Debian's haproxy in TCP mode before the mock server: a TLS front
# (tls_front_start) and a round-robin front for several servers
# (lb_front_start). Each runs in the foreground (-db: one process, no
# master), on 127.0.0.1 only, its PID tracked: the end of the test stops it.

HAPROXY=${HAPROXY:-/usr/sbin/haproxy}
TLS_PASS="tls-keypass-1312"   # pass phrase of the TLS client key
TLS_DIR="" TLS_PORT="" TLS_PID="" LB_PORT="" LB_PID="" FRONT_LOG=""
FRONT_N=0

# have_haproxy: haproxy can be run (a test without it skips with a note).
have_haproxy() { [ -x "$HAPROXY" ]; }

# tls_pki: a throwaway TLS PKI in $TLS_DIR, made once per suite:
#   root.pem/key   Test TLS Root CA (trusts the server and the client)
#   srv.pem/key    the front's certificate: CN=localhost, SAN DNS:localhost
#                  and IP:127.0.0.1, serverAuth; srv.crt both, for haproxy
#   cli.pem/key    a client certificate (clientAuth), its key encrypted
#                  with $TLS_PASS
tls_pki() {
	[ -n "$TLS_DIR" ] && [ -s "$TLS_DIR/cli.pem" ] && return 0
	TLS_DIR=$LIB_TMP/tls
	mkdir -p "$TLS_DIR" || return 1
	pki_selfsigned_ca "$TLS_DIR" root "/O=Test Org/CN=Test TLS Root CA" || return 1
	pki_key "$TLS_DIR/srv.key" &&
		ossl req -new -key "$TLS_DIR/srv.key" -out "$TLS_DIR/srv.csr" \
			-subj "/O=Test Org/CN=localhost" 2>/dev/null || return 1
	printf '%s\n' 'basicConstraints=CA:FALSE' 'keyUsage=critical,digitalSignature' \
		'extendedKeyUsage=serverAuth' 'subjectAltName=DNS:localhost,IP:127.0.0.1' \
		'authorityKeyIdentifier=keyid' >"$TLS_DIR/srv.ext"
	ossl x509 -req -in "$TLS_DIR/srv.csr" -CA "$TLS_DIR/root.pem" \
		-CAkey "$TLS_DIR/root.key" -set_serial 0x40 -days 30 \
		-extfile "$TLS_DIR/srv.ext" -out "$TLS_DIR/srv.pem" 2>/dev/null || return 1
	cat "$TLS_DIR/srv.pem" "$TLS_DIR/srv.key" >"$TLS_DIR/srv.crt"
	pki_key "$TLS_DIR/cli.key" "$TLS_PASS" &&
		ossl req -new -key "$TLS_DIR/cli.key" -passin "pass:$TLS_PASS" \
			-out "$TLS_DIR/cli.csr" -subj "/O=Test Org/CN=Test RA TLS client" \
			2>/dev/null || return 1
	printf '%s\n' 'basicConstraints=CA:FALSE' 'keyUsage=critical,digitalSignature' \
		'extendedKeyUsage=clientAuth' 'authorityKeyIdentifier=keyid' >"$TLS_DIR/cli.ext"
	ossl x509 -req -in "$TLS_DIR/cli.csr" -CA "$TLS_DIR/root.pem" \
		-CAkey "$TLS_DIR/root.key" -set_serial 0x41 -days 30 \
		-extfile "$TLS_DIR/cli.ext" -out "$TLS_DIR/cli.pem" 2>/dev/null
}

# port_listening PORT: something listens on 127.0.0.1:PORT (read from
# /proc/net/tcp: no connection is made).
port_listening() {
	local hex
	hex=$(printf '%04X' "$1")
	grep -qE "^ *[0-9]+: 0100007F:$hex [0-9A-F]{8}:[0-9A-F]{4} 0A " /proc/net/tcp
}

# _front_start BODY: haproxy with a TCP frontend on a free port of
# 127.0.0.1; BODY is the rest of its config, with @PORT@ for that port.
# Sets FRONT_PORT FRONT_PID FRONT_LOG. Returns 1 when it did not come up.
_front_start() {
	local body=$1 cfg try i port pid
	for try in 1 2 3; do
		FRONT_N=$((FRONT_N + 1))
		cfg=$LIB_TMP/front.$FRONT_N.cfg
		FRONT_LOG=$LIB_TMP/front.$FRONT_N.log
		port=$(closed_port)
		{ printf '%s\n' global '	maxconn 256' defaults '	mode tcp' \
			'	timeout connect 5s' '	timeout client 60s' '	timeout server 60s'
		  printf '%s\n' "${body//@PORT@/$port}"; } >"$cfg"
		"$HAPROXY" -f "$cfg" -db >"$FRONT_LOG" 2>&1 </dev/null &
		pid=$!
		track_pid "$pid"
		for i in $(seq 1 50); do
			port_listening "$port" && break
			alive "$pid" || break
			sleep 0.1
		done
		if alive "$pid" && port_listening "$port"; then
			FRONT_PORT=$port FRONT_PID=$pid
			return 0
		fi
		stop_pid "$pid"
		# a port taken meanwhile: another try; anything else: give up
		grep -q 'cannot bind' "$FRONT_LOG" || break
	done
	fail "haproxy did not start (try $try)" "$(cat "$cfg" "$FRONT_LOG" 2>/dev/null)"
	return 1
}

# tls_front_start BACKEND_PORT [OPTION...]: a TLS front for the server on
# 127.0.0.1:BACKEND_PORT, with the certificate $TLS_DIR/srv.pem (tls_pki).
# Each OPTION is added to haproxy's bind line; "mtls" stands for requiring
# a client certificate from $TLS_DIR/root.pem ("ca-file ... verify
# required"). Sets TLS_PORT TLS_PID.
tls_front_start() {
	local backend=$1 opts="" o
	shift
	have_haproxy || { fail "no haproxy at $HAPROXY"; return 1; }
	tls_pki || { fail "creating the TLS PKI failed"; return 1; }
	for o in "$@"; do
		case $o in
		mtls) opts="$opts ca-file $TLS_DIR/root.pem verify required" ;;
		*) opts="$opts $o" ;;
		esac
	done
	_front_start "frontend tls
	bind 127.0.0.1:@PORT@ ssl crt $TLS_DIR/srv.crt$opts
	default_backend cmp
backend cmp
	server cmp1 127.0.0.1:$backend" || return 1
	TLS_PORT=$FRONT_PORT TLS_PID=$FRONT_PID
}

# lb_front_start PORT...: one TCP front on 127.0.0.1 for the servers on
# these ports, each connection to the next one (round robin). Sets
# LB_PORT LB_PID.
lb_front_start() {
	local body p n=0
	have_haproxy || { fail "no haproxy at $HAPROXY"; return 1; }
	body="frontend lb
	bind 127.0.0.1:@PORT@
	default_backend mocks
backend mocks
	balance roundrobin"
	for p in "$@"; do
		n=$((n + 1))
		body="$body
	server mock$n 127.0.0.1:$p"
	done
	_front_start "$body" || return 1
	LB_PORT=$FRONT_PORT LB_PID=$FRONT_PID
}

# tls_config PORT [MTLS]: base_config for a TLS front on PORT (the server's
# certificate checked against $TLS_DIR/root.pem); with a second argument,
# the client certificate and its encrypted key too.
tls_config() {
	base_config "$1"
	printf '%s\n' "cmp_tls_used = True" "cmp_tls_trusted = $TLS_DIR/root.pem"
	[ $# -ge 2 ] && printf '%s\n' "cmp_tls_cert = $TLS_DIR/cli.pem" \
		"cmp_tls_key = $TLS_DIR/cli.key" "cmp_tls_keypass = pass:$TLS_PASS"
	return 0
}
