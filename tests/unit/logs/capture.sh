#!/usr/bin/env bash
# tests/unit/logs/capture.sh: capture openssl cmp CLIENT logs, one per failure
# case and OpenSSL version, as fixtures for the unit tests of cmpenroll's log
# classifier (runner.c, runner_diagnose).
#
# usage: bash tests/unit/logs/capture.sh [-s] [-v VERSION]... [CASE...]
#   -s       also run each case a second time (fresh servers) with stderr kept
#            apart, and write streams/<V>/<case>.stderr: the part of the log
#            that openssl wrote to stderr (no file: nothing on stderr)
#   VERSION  3.0 (the system's openssl), 3.2, 3.5, 3.6 (/work/shared/openssl/V/openssl;
#            OPENSSL_SHARED overrides that folder); default: all four
#   CASE     case names (see CASES below); default: all
#
# For each case and client version it makes what the case needs (a mock CMP
# server of the same version unless the case says otherwise, a python3 fake
# HTTP server, a haproxy TLS front), runs the client as cmpenroll would
# (cmpenroll -n prints the same command line), and writes
#   <V>/<case>.log   openssl's stdout+stderr, merged, exactly as captured but
#                    normalised (below)
#   INDEX            one line a case and version (tab-separated): case, client
#                    version, server, exit code, seconds, cause, command
#   SERVERS          the command line of each server setup named in INDEX
#
# Normalisation (only what varies from run to run):
#   the run's temporary folder           -> /TMP
#   each port that this run chose         -> PORT (the CMP server), PROXYPORT, ...
#   the thread id that starts an error-queue line (40E7D1B2F37F0000:error:...)
#                                         -> TID
#   the PBM secret and the key pass phrases (never seen in a log so far)
#                                         -> ****
#   in certificate dumps ("Failure for:" ...) of this run's throwaway PKI:
#   validity dates                        -> DATE
#   lines of colon-separated hex (key identifiers, random serials)
#                                         -> HEX (indentation kept)
#   the transaction ID of -verbosity 7/8  -> ID=TXID
# Nothing else is changed: no line is trimmed, no byte is re-encoded (the
# evil status string's ESC and C1 bytes stay as openssl wrote them).
#
# Everything started (servers, haproxy, python) is stopped by PID; the
# temporary folder is removed on exit. Only 127.0.0.1 is ever connected to
# (and the name ca.invalid, which must not resolve).

set -u

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
SHARED=${OPENSSL_SHARED:-/work/shared/openssl}
HAPROXY=${HAPROXY:-/usr/sbin/haproxy}
POLL_SRV=3.5            # the 3.3+ mock server used for the delayed_* cases
CLIENT_LIMIT=60         # seconds before a hanging client is killed

# shellcheck source=../../lib.sh
source "$ROOT/tests/lib.sh"
OPENSSL=$(command -v openssl)   # the PKI is made with the system's openssl

VERSIONS=()
ONLY=()
STREAMS=0
while [ $# -gt 0 ]; do
	case $1 in
	-v) VERSIONS+=("$2"); shift 2 ;;
	-s) STREAMS=1; shift ;;
	-h | --help) sed -n '2,30p' "$0"; exit 0 ;;
	*) ONLY+=("$1"); shift ;;
	esac
done
[ ${#VERSIONS[@]} -gt 0 ] || VERSIONS=(3.0 3.2 3.5 3.6)

bin_of() {
	case $1 in
	3.0) command -v openssl ;;
	*) printf '%s\n' "$SHARED/$1/openssl" ;;
	esac
}

for v in "${VERSIONS[@]}" "$POLL_SRV"; do
	b=$(bin_of "$v")
	[ -x "$b" ] || { echo "capture.sh: no openssl for $v at $b" >&2; exit 1; }
	case $(OPENSSL_CONF=/dev/null "$b" version) in
	"OpenSSL $v."*) ;;
	*) echo "capture.sh: $b is not OpenSSL $v" >&2; exit 1 ;;
	esac
done
[ -x "$HAPROXY" ] || { echo "capture.sh: haproxy not found at $HAPROXY" >&2; exit 1; }

lib_init
echo "capture.sh: PKI in $LIB_TMP"
KEYPASS_TLS="tls-keypass-4242"

# ---------------------------------------------------------------- extra PKI
#   ee2.key/ee2.pem   a second leaf (another key) from the intermediate
#   srv2.pem/key      a second CMP server certificate from the CMP server root
#   junk.pem          a file that is no PEM and no DER
#   tlsroot           TLS root; front_good (IP:127.0.0.1, DNS:localhost),
#                     front_name (only DNS:other.example) issued by it
#   tlsroot2          another TLS root; front_other issued by it
#   tlscliroot        the CA the TLS front requires client certs from;
#                     tlscli (plain key), tlscli_enc (key encrypted)
#   tlsrogue          a client certificate from a root the front does not know
# evil_csr KEY CSR: a CSR for a new key, subject /O=Test Org/CN=$EVIL_CN
# (through the config's $ENV:: expansion, which keeps any byte)
evil_csr() {
	printf '[req]\ndistinguished_name = dn\nprompt = no\nutf8 = yes\nstring_mask = utf8only\n[dn]\nO = Test Org\nCN = $ENV::EVIL_CN\n' \
		>"$2.cnf"
	pki_key "$1" && ossl req -new -key "$1" -config "$2.cnf" -out "$2" 2>/dev/null
}

extra_pki() {
	local p=$PKI
	pki_csr "$p/ee2.key" "$p/ee2.csr" "/O=Example Org/CN=ee2.example" "DNS:ee2.example" &&
		pki_issue "$p/ee2.csr" "$p/ee2.pem" 30 2B3C4D || return 1
	pki_key "$p/srv2.key" &&
		ossl req -new -key "$p/srv2.key" -out "$p/srv2.csr" \
			-subj "/O=Test Org/CN=Other CMP Server" 2>/dev/null &&
		ossl x509 -req -in "$p/srv2.csr" -CA "$p/srvroot.pem" \
			-CAkey "$p/srvroot.key" -set_serial 0x31 -days 60 \
			-out "$p/srv2.pem" 2>/dev/null || return 1
	printf 'this is not a key\n' >"$p/junk.pem"

	pki_selfsigned_ca "$p" tlsroot "/O=Test Org/CN=TLS Root" &&
		pki_selfsigned_ca "$p" tlsroot2 "/O=Other Org/CN=Other TLS Root" &&
		pki_selfsigned_ca "$p" tlscliroot "/O=Test Org/CN=TLS Client Root" &&
		pki_selfsigned_ca "$p" tlsrogueroot "/O=Rogue Org/CN=Rogue Root" || return 1
	pki_csr "$p/front_good.key" "$p/front_good.csr" "/O=Test Org/CN=localhost" \
		"IP:127.0.0.1,DNS:localhost" &&
		pki_issue "$p/front_good.csr" "$p/front_good.pem" 30 4001 "$p/tlsroot" || return 1
	pki_csr "$p/front_name.key" "$p/front_name.csr" "/O=Test Org/CN=other.example" \
		"DNS:other.example" &&
		pki_issue "$p/front_name.csr" "$p/front_name.pem" 30 4002 "$p/tlsroot" || return 1
	pki_csr "$p/front_other.key" "$p/front_other.csr" "/O=Other Org/CN=localhost" \
		"IP:127.0.0.1,DNS:localhost" &&
		pki_issue "$p/front_other.csr" "$p/front_other.pem" 30 4003 "$p/tlsroot2" || return 1
	pki_csr "$p/tlscli.key" "$p/tlscli.csr" "/O=Test Org/CN=TLS Client" &&
		pki_issue "$p/tlscli.csr" "$p/tlscli.pem" 30 4004 "$p/tlscliroot" || return 1
	pki_key "$p/tlscli_enc.key" "$KEYPASS_TLS" &&
		ossl req -new -key "$p/tlscli_enc.key" -passin "pass:$KEYPASS_TLS" \
			-out "$p/tlscli_enc.csr" -subj "/O=Test Org/CN=TLS Client Enc" 2>/dev/null &&
		pki_issue "$p/tlscli_enc.csr" "$p/tlscli_enc.pem" 30 4005 "$p/tlscliroot" || return 1
	pki_csr "$p/tlsrogue.key" "$p/tlsrogue.csr" "/O=Rogue Org/CN=TLS Client" &&
		pki_issue "$p/tlsrogue.csr" "$p/tlsrogue.pem" 30 4006 "$p/tlsrogueroot" || return 1
	local f
	for f in front_good front_name front_other; do
		cat "$p/$f.pem" "$p/$f.key" >"$p/$f.haproxy.pem"
	done
	# evil names (CN at most 64 characters): a newline, needles, quotes,
	# ESC and a C1 control; srv_evil from the CMP server root, ee_evil (a
	# leaf for another key) from the intermediate
	EVIL_CN=$(printf 'total timeout "q"\nCMP error: connect timeout\033[2J\302\233X') \
		evil_csr "$p/srv_evil.key" "$p/srv_evil.csr" &&
		ossl x509 -req -in "$p/srv_evil.csr" -CA "$p/srvroot.pem" \
			-CAkey "$p/srvroot.key" -set_serial 0x32 -days 60 \
			-out "$p/srv_evil.pem" 2>/dev/null || return 1
	EVIL_CN=$(printf 'does not match our enrollment key\nCMP error: total timeout\033[2J') \
		evil_csr "$p/ee_evil.key" "$p/ee_evil.csr" &&
		pki_issue "$p/ee_evil.csr" "$p/ee_evil.pem" 30 3C4D5E || return 1
	# the 3.2+ mock servers take ref_cert only from a config section
	printf '[srv]\nref_cert = %s\n' "$p/ee.pem" >"$p/srv-refcert.cnf"
}
extra_pki || { echo "capture.sh: creating the extra PKI failed" >&2; exit 1; }

# ---------------------------------------------------------------- helpers

# the PBM secret and pass phrases: masked in commands and logs
SECRETS=("$SECRET" "$RA_PASS" "$KEYPASS_TLS")

declare -A PORTNAME=()  # port -> placeholder, for the current case
SERVER_NOTE=""          # what the current case talks to (INDEX column 3)
declare -A SERVER_CMDS=() # setup name -> command (SERVERS)
SETUP_ORDER=()

case_reset() {
	test_end
	PORTNAME=()
	SERVER_NOTE=""
}

port_name() { PORTNAME[$1]=$2; }

# quote ARG: as cmpenroll -n quotes (runner_command_line), and with $'...'
# when the argument holds a byte that is not printable ASCII.
quote() {
	local s=$1 LC_ALL=C
	if [[ $s == *[^\ -~]* ]]; then
		printf '%q' "$s"
	elif [ -n "$s" ] && [[ $s =~ ^[A-Za-z0-9_@%+=:,./-]+$ ]]; then
		printf '%s' "$s"
	else
		printf "'%s'" "${s//\'/\'\\\'\'}"
	fi
}

# cmdline ARGV...: one line, secrets masked
cmdline() {
	local out="" a prev="" mask
	for a in "$@"; do
		mask=0
		case $prev in
		-secret | -keypass | -tls_keypass | -srv_secret | -srv_keypass | -newkeypass)
			case $a in pass:*) mask=1 ;; esac ;;
		esac
		if [ $mask = 1 ]; then a='****'; fi
		out+="${out:+ }$(quote "$a")"
		prev=$a
	done
	printf '%s\n' "$out"
}

# normalise: stdin to stdout, run-dependent parts to placeholders
normalise() {
	local args=(-e "s|$LIB_TMP|/TMP|g"
		-e 's/(^|[^0-9A-Fa-f])[0-9A-F]{8,16}:(error|warning):/\1TID:\2:/g'
		-e 's/[A-Z][a-z]{2} [ 0-9][0-9] [0-9]{2}:[0-9]{2}:[0-9]{2} [0-9]{4} GMT/DATE/g'
		-e 's/^( +)([0-9A-Fa-f]{2}:)+[0-9A-Fa-f]{2}$/\1HEX/'
		-e 's/ID=([0-9A-F]{2}:){15}[0-9A-F]{2}/ID=TXID/g')
	local p s
	for p in "${!PORTNAME[@]}"; do
		args+=(-e "s/([:= ])$p([^0-9]|\$)/\\1${PORTNAME[$p]}\\2/g")
	done
	for s in "${SECRETS[@]}"; do
		args+=(-e "s/$s/****/g")
	done
	LC_ALL=C sed -E "${args[@]}"
}

register_setup() { # NAME ARGV...
	local name=$1
	shift
	if [ -z "${SERVER_CMDS[$name]+x}" ]; then
		SERVER_CMDS[$name]=$(cmdline "$@" | normalise)
		SETUP_ORDER+=("$name")
	fi
}

# start_mock VERSION SETUP ARGS...: the VERSION mock server (-port 0), its
# port in MPORT (placeholder PORT unless PNAME says otherwise).
start_mock() {
	local ver=$1 setup=$2 log i
	shift 2
	SRV_N=$((SRV_N + 1))
	log=$LIB_TMP/mock.$SRV_N.log
	OPENSSL_CONF=/dev/null "$(bin_of "$ver")" cmp "$@" -port 0 >"$log" 2>&1 &
	SRV_PID=$!
	track_pid "$SRV_PID"
	MPORT=""
	for i in $(seq 1 100); do
		MPORT=$(sed -n 's/^ACCEPT .*:\([0-9][0-9]*\) PID=.*/\1/p' "$log" | head -n1)
		[ -n "$MPORT" ] && break
		alive "$SRV_PID" || break
		sleep 0.05
	done
	if [ -z "$MPORT" ]; then
		echo "capture.sh: $ver mock server ($setup) did not start:" >&2
		cat "$log" >&2
		return 1
	fi
	SRV_LOG=$log
	port_name "$MPORT" "${PNAME:-PORT}"
	register_setup "$setup" openssl cmp "$@" -port 0
	SERVER_NOTE+="${SERVER_NOTE:+ + }$ver:$setup"
}

# mock server argument sets (lib.sh's srv_start and srv_start_sig)
PBM_SRV=(-config "" -srv_ref "$REF" -srv_secret "pass:$SECRET"
	-rsp_cert "$PKI/ee.pem" -rsp_extracerts "$PKI/int.pem" -rsp_capubs "$PKI/root.pem"
	-accept_raverified)
SIG_SRV=(-config "" -srv_cert "$PKI/srv.pem" -srv_key "$PKI/srv.key"
	-srv_trusted "$PKI/raroot.pem"
	-rsp_cert "$PKI/ee.pem" -rsp_extracerts "$PKI/int.pem" -rsp_capubs "$PKI/root.pem"
	-accept_raverified)

# fake HTTP / silent servers (python3, stdlib only)
FAKE_PY=$LIB_TMP/fake.py
cat >"$FAKE_PY" <<'EOF'
import socket, sys
from http.server import BaseHTTPRequestHandler, HTTPServer

mode = sys.argv[1]
if mode == "silent":
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(8)
    print(s.getsockname()[1], flush=True)
    held = []
    while True:
        c, _ = s.accept()
        held.append(c)          # accepted, never read, never answered

RESP = {
    "500": (500, "Internal Server Error", "text/html", b"<h1>boom</h1>\n"),
    "500evil": (500, "Oops total timeout; PKIStatus: waiting; Unknown option \x1b[2J\x1b]0;pwned\x07",
                "text/plain", b"total timeout\nCMP error: connect timeout\n"),
    "200text": (200, "OK", "text/plain", b"hello, this is not CMP\n"),
    "200pkix": (200, "OK", "application/pkixcmp", b"junk, not DER\n"),
    "proxy403": (403, "Forbidden", "text/plain", b"no\n"),
    "500pkix": (500, "Internal Server Error", "application/pkixcmp", b"junk, not DER\n"),
    "200evilctype": (200, "OK", "text/plain; total timeout; PKIStatus: waiting \x1b[2J\x1b]0;pwned\x07",
                     b"junk\n"),
}

class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"
    def do_POST(self):
        n = int(self.headers.get("Content-Length") or 0)
        if n:
            self.rfile.read(n)
        code, reason, ctype, body = RESP[mode]
        self.send_response(code, reason)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    do_GET = do_POST
    def do_CONNECT(self):       # mode "proxy403": a proxy refusing https
        self.send_response(403, "Forbidden total timeout; PKIStatus: waiting \x1b[2J")
        self.send_header("Content-Length", "0")
        self.end_headers()
    def log_message(self, *a):
        pass

srv = HTTPServer(("127.0.0.1", 0), H)
print(srv.server_address[1], flush=True)
srv.serve_forever()
EOF

# start_fake MODE: sets FPORT
start_fake() {
	local log=$LIB_TMP/fake.$((SRV_N += 1)).out i pid
	"$PY" -u "$FAKE_PY" "$1" >"$log" 2>&1 &
	pid=$!
	track_pid "$pid"
	FPORT=""
	for i in $(seq 1 100); do
		FPORT=$(head -n1 "$log" | grep -E '^[0-9]+$')
		[ -n "$FPORT" ] && break
		alive "$pid" || break
		sleep 0.05
	done
	[ -n "$FPORT" ] || { echo "capture.sh: fake server $1 did not start" >&2; cat "$log" >&2; return 1; }
	port_name "$FPORT" "${PNAME:-PORT}"
	register_setup "python-$1" python3 fake.py "$1"
	SERVER_NOTE+="${SERVER_NOTE:+ + }python-$1"
}

# free_port NAME: a port nothing listens on (placeholder NAME), in FREEPORT
free_port() {
	FREEPORT=$(closed_port)
	port_name "$FREEPORT" "$1"
}

listening() { ss -ltnH "sport = :$1" 2>/dev/null | grep -q .; }

# start_front BACKEND_PORT: haproxy with four TLS fronts to BACKEND_PORT:
#   TLS_GOOD   front_good (tlsroot, IP:127.0.0.1)     no client cert asked
#   TLS_OTHER  front_other (tlsroot2)                 for tls_untrusted
#   TLS_NAME   front_name (tlsroot, other.example)    for tls_hostname
#   TLS_AUTH   front_good, client cert from tlscliroot required
#   TLS_AUTH12 the same, TLS 1.2 at most (the refusal comes in the handshake)
# The configuration (ports normalised) is copied to haproxy-tls.cfg.
start_front() {
	local be=$1 cfg=$LIB_TMP/haproxy.$((SRV_N += 1)).cfg i pid
	free_port TLSPORT; TLS_GOOD=$FREEPORT
	free_port TLSPORT; TLS_OTHER=$FREEPORT
	free_port TLSPORT; TLS_NAME=$FREEPORT
	free_port TLSPORT; TLS_AUTH=$FREEPORT
	free_port TLSPORT; TLS_AUTH12=$FREEPORT
	cat >"$cfg" <<EOF
global
	nbthread 1
	maxconn 64
defaults
	mode tcp
	timeout connect 5s
	timeout client 30s
	timeout server 30s
frontend good
	bind 127.0.0.1:$TLS_GOOD ssl crt $PKI/front_good.haproxy.pem
	default_backend cmp
frontend other_ca
	bind 127.0.0.1:$TLS_OTHER ssl crt $PKI/front_other.haproxy.pem
	default_backend cmp
frontend other_name
	bind 127.0.0.1:$TLS_NAME ssl crt $PKI/front_name.haproxy.pem
	default_backend cmp
frontend client_auth
	bind 127.0.0.1:$TLS_AUTH ssl crt $PKI/front_good.haproxy.pem ca-file $PKI/tlscliroot.pem verify required
	default_backend cmp
frontend client_auth_tls12
	bind 127.0.0.1:$TLS_AUTH12 ssl crt $PKI/front_good.haproxy.pem ca-file $PKI/tlscliroot.pem verify required ssl-max-ver TLSv1.2
	default_backend cmp
backend cmp
	server mock 127.0.0.1:$be
EOF
	"$HAPROXY" -db -f "$cfg" >"$cfg.log" 2>&1 &
	pid=$!
	track_pid "$pid"
	for i in $(seq 1 100); do
		listening "$TLS_AUTH" && listening "$TLS_GOOD" && listening "$TLS_AUTH12" && break
		alive "$pid" || break
		sleep 0.05
	done
	listening "$TLS_AUTH" || { echo "capture.sh: haproxy did not start" >&2; cat "$cfg.log" >&2; return 1; }
	normalise <"$cfg" >"$HERE/haproxy-tls.cfg"
	register_setup haproxy-tls haproxy -db -f haproxy-tls.cfg
	SERVER_NOTE="haproxy-tls -> $SERVER_NOTE"
}

# ---------------------------------------------------------------- the client

W=""        # the current run's work folder (certout & co.)
V=""        # the client version
CASE=""
INDEX_NEW=$LIB_TMP/index.new
: >"$INDEX_NEW"

# tail_args MSG TOTAL: the flags cmpenroll adds after the config's own
tail_args() {
	TAIL=(-csr /dev/fd/3 -san_nodefault -popo 0 -msg_timeout "$1" -total_timeout "$2"
		-certout /dev/fd/4 -extracertsout /dev/fd/5 -cacertsout /dev/fd/6)
}
tail_args 30 120

# client CAUSE ARGS...: run `openssl cmp ARGS` of version V as cmpenroll
# does (stdin /dev/null, the CSR on fd 3, outputs on fd 4..6), record it.
client() {
	local cause=$1 raw t0 t1 rc secs dir=$HERE/$V
	shift
	mkdir -p "$dir"
	W=$(newdir)
	raw=$W/raw.log
	if [ "${STREAM_PASS:-0}" = 1 ]; then
		# the -s pass: the same case (fresh servers), stderr alone
		OPENSSL_CONF=/dev/null timeout -k 5 "${LIMIT:-$CLIENT_LIMIT}" "$(bin_of "$V")" cmp "$@" \
			</dev/null 3<"$PKI/ee.csr" 4>"$W/cert.pem" 5>"$W/extracerts.pem" \
			6>"$W/cacerts.pem" 2>"$W/stderr" >/dev/null
		rm -f "$HERE/streams/$V/$CASE.stderr"
		if [ -s "$W/stderr" ]; then
			mkdir -p "$HERE/streams/$V"
			normalise <"$W/stderr" >"$HERE/streams/$V/$CASE.stderr"
		fi
		return 0
	fi
	# one pipe for stdout and stderr, as cmpenroll's runner gives openssl:
	# stdout is then fully buffered and stderr not, which decides the order
	# of the lines in the merged log
	t0=$EPOCHREALTIME
	OPENSSL_CONF=/dev/null timeout -k 5 "${LIMIT:-$CLIENT_LIMIT}" "$(bin_of "$V")" cmp "$@" \
		</dev/null 3<"$PKI/ee.csr" 4>"$W/cert.pem" 5>"$W/extracerts.pem" \
		6>"$W/cacerts.pem" 2>&1 | cat >"$raw"
	rc=${PIPESTATUS[0]}
	t1=$EPOCHREALTIME
	secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", b - a }')
	normalise <"$raw" >"$dir/$CASE.log"
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$CASE" "$V" "${SERVER_NOTE:-none}" "$rc" \
		"$secs" "$cause" "$(cmdline openssl cmp "$@" | normalise)" >>"$INDEX_NEW"
	printf '  %-28s %s rc=%-3s %5ss  %s\n' "$CASE" "$V" "$rc" \
		"$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')" "$cause"
}

# the client's usual flag sets (cmpenroll -n with base_config / sig_config)
pbm() { PBMA=(-ref "$REF" -secret "pass:$SECRET" -recipient "$RECIPIENT"); }
pbm
SIGA=(-cert "$PKI/ra.pem" -key "$PKI/ra.key" -keypass "pass:$RA_PASS" -srvcert "$PKI/srv.pem")

# ---------------------------------------------------------------- the cases
# Each case_<name> runs for client version V; it starts what it needs.

CASES=(
	success wrong_secret missing_secret missing_secret_unprotected
	secret_file_unreadable secret_env_unset no_server
	recipient_mixed recipient_quoted recipient_quoted_v8 unknown_option bad_number
	connect_refused connect_refused_total connect_refused_notimeout unresolvable
	silent silent_total silent_total_eq silent_total_msg0
	http_500 http_500_evil http_500_pkix http_200_not_cmp_text http_200_not_cmp_pkix
	http_200_evil_ctype
	rejection rejection_evil rejection_evil_v7 error_msg
	polling_total_timeout
	delayed_confirm delayed_rr
	sig_success kur_success kur_unknown_oldcert
	bad_key_file bad_key_notpem bad_cert_file bad_trusted_file wrong_keypass
	encrypted_key_no_keypass encrypted_key_no_keypass_nobatch
	bad_srvcert bad_srvcert_evil untrusted_server untrusted_server_evil
	tls_success tls_untrusted tls_hostname tls_client_refused_nocert
	tls_client_refused_untrusted tls12_client_refused_nocert tls12_client_refused_untrusted
	tls_wrong_keypass tls_plain_to_tls tls_to_plain
	proxy_unreachable proxy_connect_refused leaf_other_key leaf_other_key_evil
	genm_cacerts genm_rootcacert genm_rootcacert_trusted genm_rootcacert_srv_crash
)

case_success() {
	start_mock "$V" mock-pbm "${PBM_SRV[@]}" || return
	client "baseline: enrolled" -config "" -cmd ir -server "127.0.0.1:$MPORT" "${PBMA[@]}" "${TAIL[@]}"
}

case_wrong_secret() {
	start_mock "$V" mock-pbm "${PBM_SRV[@]}" || return
	client "PBM secret differs from the server's" -config "" -cmd ir -server "127.0.0.1:$MPORT" \
		-ref "$REF" -secret "pass:not-the-secret" -recipient "$RECIPIENT" "${TAIL[@]}"
}

case_missing_secret() {
	start_mock "$V" mock-pbm "${PBM_SRV[@]}" || return
	client "no -secret (only -ref): client refuses to start" -config "" -cmd ir \
		-server "127.0.0.1:$MPORT" -ref "$REF" -recipient "$RECIPIENT" "${TAIL[@]}"
}

case_missing_secret_unprotected() {
	start_mock "$V" mock-pbm "${PBM_SRV[@]}" || return
	client "no -secret, -unprotected_requests: PBM-protected answer, no secret" -config "" \
		-cmd ir -server "127.0.0.1:$MPORT" -ref "$REF" -recipient "$RECIPIENT" \
		-unprotected_requests "${TAIL[@]}"
}

case_secret_file_unreadable() {
	start_mock "$V" mock-pbm "${PBM_SRV[@]}" || return
	client "-secret file: names a missing file" -config "" -cmd ir -server "127.0.0.1:$MPORT" \
		-ref "$REF" -secret file:/nonexistent/sec -recipient "$RECIPIENT" "${TAIL[@]}"
}

case_secret_env_unset() {
	start_mock "$V" mock-pbm "${PBM_SRV[@]}" || return
	client "-secret env: names an unset variable" -config "" -cmd ir -server "127.0.0.1:$MPORT" \
		-ref "$REF" -secret env:NOPE_UNSET -recipient "$RECIPIENT" "${TAIL[@]}"
}

case_no_server() {
	client "no -server" -config "" -cmd ir "${PBMA[@]}" "${TAIL[@]}"
}

case_recipient_mixed() {
	start_mock "$V" mock-pbm "${PBM_SRV[@]}" || return
	client "-recipient not in /type=value form" -config "" -cmd ir -server "127.0.0.1:$MPORT" \
		-ref "$REF" -secret "pass:$SECRET" -recipient "C=DE/CN=x" "${TAIL[@]}"
}

case_recipient_quoted() {
	start_mock "$V" mock-pbm "${PBM_SRV[@]}" || return
	client "-recipient with a quoted attribute type" -config "" -cmd ir \
		-server "127.0.0.1:$MPORT" -ref "$REF" -secret "pass:$SECRET" \
		-recipient '/"\/C=DE\/CN=x"' "${TAIL[@]}"
}

case_recipient_quoted_v8() {
	start_mock "$V" mock-pbm "${PBM_SRV[@]}" || return
	client "-recipient with a quoted attribute type, -verbosity 8" -config "" -cmd ir \
		-server "127.0.0.1:$MPORT" -ref "$REF" -secret "pass:$SECRET" \
		-recipient '/"\/C=DE\/CN=x"' -verbosity 8 "${TAIL[@]}"
}

case_unknown_option() {
	start_mock "$V" mock-pbm "${PBM_SRV[@]}" || return
	client "unknown option -trustd" -config "" -cmd ir -server "127.0.0.1:$MPORT" \
		"${PBMA[@]}" -trustd file "${TAIL[@]}"
}

case_bad_number() {
	start_mock "$V" mock-pbm "${PBM_SRV[@]}" || return
	tail_args soon 120
	client "-msg_timeout not a number" -config "" -cmd ir -server "127.0.0.1:$MPORT" \
		"${PBMA[@]}" "${TAIL[@]}"
	tail_args 30 120
}

case_connect_refused() {
	free_port PORT
	tail_args 3 120
	client "nothing listens on the port" -config "" -cmd ir -server "127.0.0.1:$FREEPORT" \
		"${PBMA[@]}" "${TAIL[@]}"
	tail_args 30 120
}

case_connect_refused_total() {
	free_port PORT
	tail_args 2 3
	client "nothing listens on the port (msg_timeout 2, total_timeout 3)" -config "" -cmd ir \
		-server "127.0.0.1:$FREEPORT" "${PBMA[@]}" "${TAIL[@]}"
	tail_args 30 120
}

case_connect_refused_notimeout() {
	free_port PORT
	tail_args 0 0
	LIMIT=5 client "nothing listens on the port, no timeouts: retries until killed (5 s)" \
		-config "" -cmd ir -server "127.0.0.1:$FREEPORT" "${PBMA[@]}" "${TAIL[@]}"
	tail_args 30 120
}

case_unresolvable() {
	tail_args 3 120
	client "host name does not resolve" -config "" -cmd ir -server ca.invalid:80 \
		"${PBMA[@]}" "${TAIL[@]}"
	tail_args 30 120
}

case_silent() {
	start_fake silent || return
	tail_args 2 120
	client "server accepts, never answers (msg_timeout 2)" -config "" -cmd ir \
		-server "127.0.0.1:$FPORT" "${PBMA[@]}" "${TAIL[@]}"
	tail_args 30 120
}

case_silent_total() {
	start_fake silent || return
	tail_args 5 2
	client "server accepts, never answers (total_timeout 2 < msg_timeout 5)" -config "" \
		-cmd ir -server "127.0.0.1:$FPORT" "${PBMA[@]}" "${TAIL[@]}"
	tail_args 30 120
}

case_silent_total_eq() {
	start_fake silent || return
	tail_args 2 2
	client "server accepts, never answers (msg_timeout 2 = total_timeout 2)" -config "" \
		-cmd ir -server "127.0.0.1:$FPORT" "${PBMA[@]}" "${TAIL[@]}"
	tail_args 30 120
}

case_silent_total_msg0() {
	start_fake silent || return
	tail_args 0 2
	client "server accepts, never answers (msg_timeout 0, total_timeout 2)" -config "" \
		-cmd ir -server "127.0.0.1:$FPORT" "${PBMA[@]}" "${TAIL[@]}"
	tail_args 30 120
}

case_http_500() {
	start_fake 500 || return
	client "HTTP 500 Internal Server Error" -config "" -cmd ir -server "127.0.0.1:$FPORT" \
		"${PBMA[@]}" "${TAIL[@]}"
}

case_http_500_evil() {
	start_fake 500evil || return
	client "HTTP 500, reason phrase with needles and ESC bytes" -config "" -cmd ir \
		-server "127.0.0.1:$FPORT" "${PBMA[@]}" "${TAIL[@]}"
}

case_http_500_pkix() {
	start_fake 500pkix || return
	client "HTTP 500 with Content-Type application/pkixcmp, junk body" -config "" -cmd ir \
		-server "127.0.0.1:$FPORT" "${PBMA[@]}" "${TAIL[@]}"
}

case_http_200_evil_ctype() {
	start_fake 200evilctype || return
	client "HTTP 200, Content-Type with needles and ESC bytes" -config "" -cmd ir \
		-server "127.0.0.1:$FPORT" "${PBMA[@]}" "${TAIL[@]}"
}

case_http_200_not_cmp_text() {
	start_fake 200text || return
	client "HTTP 200, text/plain junk" -config "" -cmd ir -server "127.0.0.1:$FPORT" \
		"${PBMA[@]}" "${TAIL[@]}"
}

case_http_200_not_cmp_pkix() {
	start_fake 200pkix || return
	client "HTTP 200, application/pkixcmp junk" -config "" -cmd ir -server "127.0.0.1:$FPORT" \
		"${PBMA[@]}" "${TAIL[@]}"
}

case_rejection() {
	start_mock "$V" mock-pbm-reject "${PBM_SRV[@]}" -pkistatus 2 -failure 2 \
		-statusstring "policy says no" || return
	client "CA rejects (PKIStatus 2, badRequest)" -config "" -cmd ir -server "127.0.0.1:$MPORT" \
		"${PBMA[@]}" "${TAIL[@]}"
}

EVIL=$(printf 'policy "says" no; total timeout; Unknown option\nCMP error: connect timeout\nEVIL\033]0;pwned\007\033[2J\xc2\x9b31m\x9bX')
case_rejection_evil() {
	start_mock "$V" mock-pbm-reject-evil "${PBM_SRV[@]}" -pkistatus 2 -failure 2 \
		-statusstring "$EVIL" || return
	client "CA rejects, status string with needles, newlines, quotes, ESC/C1" -config "" \
		-cmd ir -server "127.0.0.1:$MPORT" "${PBMA[@]}" "${TAIL[@]}"
}

case_rejection_evil_v7() {
	start_mock "$V" mock-pbm-reject-evil "${PBM_SRV[@]}" -pkistatus 2 -failure 2 \
		-statusstring "$EVIL" || return
	client "CA rejects, evil status string, -verbosity 7 (cmpenroll -d)" -config "" \
		-cmd ir -server "127.0.0.1:$MPORT" "${PBMA[@]}" -verbosity 7 "${TAIL[@]}"
}

case_error_msg() {
	start_mock "$V" mock-pbm-send-error "${PBM_SRV[@]}" -send_error || return
	client "CA answers with an ERROR message" -config "" -cmd ir -server "127.0.0.1:$MPORT" \
		"${PBMA[@]}" "${TAIL[@]}"
}

case_polling_total_timeout() {
	start_mock "$V" mock-pbm-poll5 "${PBM_SRV[@]}" -poll_count 5 -check_after 1 || return
	# cmpenroll with cmp_total_timeout = 1 sends -msg_timeout 1 (openssl
	# refuses a -total_timeout below -msg_timeout)
	tail_args 1 1
	client "CA makes the client poll past total_timeout 1" -config "" -cmd ir \
		-server "127.0.0.1:$MPORT" "${PBMA[@]}" "${TAIL[@]}"
	tail_args 30 120
}

case_delayed_confirm() {
	start_mock "$POLL_SRV" mock-pbm-poll1 "${PBM_SRV[@]}" -poll_count 1 -check_after 1 || return
	client "3.3+ server delays the ir and the certConf by one poll" -config "" -cmd ir \
		-server "127.0.0.1:$MPORT" "${PBMA[@]}" "${TAIL[@]}"
}

case_delayed_rr() {
	start_mock "$POLL_SRV" mock-pbm-poll1 "${PBM_SRV[@]}" -poll_count 1 -check_after 1 || return
	client "3.3+ server delays the rr by one poll" -config "" -cmd rr \
		-server "127.0.0.1:$MPORT" "${PBMA[@]}" -oldcert "$PKI/ee.pem" \
		-msg_timeout 30 -total_timeout 120
}

case_sig_success() {
	start_mock "$V" mock-sig "${SIG_SRV[@]}" || return
	client "baseline: enrolled, signature-based (RA cert, pinned -srvcert)" -config "" \
		-cmd ir -server "127.0.0.1:$MPORT" "${SIGA[@]}" "${TAIL[@]}"
}

# kur: the old cert (-cert) signs; the server trusts the root and gets the
# intermediate from the client's extraCerts (-untrusted)
KUR_SRV=(-config "" -srv_cert "$PKI/srv.pem" -srv_key "$PKI/srv.key"
	-srv_trusted "$PKI/root.pem"
	-rsp_cert "$PKI/ee.pem" -rsp_extracerts "$PKI/int.pem" -rsp_capubs "$PKI/root.pem"
	-accept_raverified)
kur_srv() {
	if [ "$V" = 3.0 ]; then
		start_mock "$V" mock-kur "${KUR_SRV[@]}"
	else
		start_mock "$V" mock-kur-refcert -config "$PKI/srv-refcert.cnf" -section srv \
			"${KUR_SRV[@]:2}"
	fi
}

case_kur_success() {
	kur_srv || return
	client "baseline: kur with the certificate the server knows" -config "" -cmd kur \
		-server "127.0.0.1:$MPORT" -cert "$PKI/ee.pem" -key "$PKI/ee.key" \
		-untrusted "$PKI/int.pem" -srvcert "$PKI/srv.pem" "${TAIL[@]}"
}

case_kur_unknown_oldcert() {
	kur_srv || return
	client "kur with an old certificate the server does not know" -config "" -cmd kur \
		-server "127.0.0.1:$MPORT" -cert "$PKI/ee2.pem" -key "$PKI/ee2.key" \
		-untrusted "$PKI/int.pem" -srvcert "$PKI/srv.pem" "${TAIL[@]}"
}

case_bad_key_file() {
	start_mock "$V" mock-sig "${SIG_SRV[@]}" || return
	client "-key names a missing file" -config "" -cmd ir -server "127.0.0.1:$MPORT" \
		-cert "$PKI/ra.pem" -key /nonexistent/key.pem -keypass "pass:$RA_PASS" \
		-srvcert "$PKI/srv.pem" "${TAIL[@]}"
}

case_bad_key_notpem() {
	start_mock "$V" mock-sig "${SIG_SRV[@]}" || return
	client "-key names a file with junk" -config "" -cmd ir -server "127.0.0.1:$MPORT" \
		-cert "$PKI/ra.pem" -key "$PKI/junk.pem" -keypass "pass:$RA_PASS" \
		-srvcert "$PKI/srv.pem" "${TAIL[@]}"
}

case_bad_cert_file() {
	start_mock "$V" mock-sig "${SIG_SRV[@]}" || return
	client "-cert names a missing file" -config "" -cmd ir -server "127.0.0.1:$MPORT" \
		-cert /nonexistent/cert.pem -key "$PKI/ra.key" -keypass "pass:$RA_PASS" \
		-srvcert "$PKI/srv.pem" "${TAIL[@]}"
}

case_bad_trusted_file() {
	start_mock "$V" mock-sig "${SIG_SRV[@]}" || return
	client "-trusted names a missing file" -config "" -cmd ir -server "127.0.0.1:$MPORT" \
		-cert "$PKI/ra.pem" -key "$PKI/ra.key" -keypass "pass:$RA_PASS" \
		-trusted /nonexistent/trusted.pem -recipient "$RECIPIENT" "${TAIL[@]}"
}

case_wrong_keypass() {
	start_mock "$V" mock-sig "${SIG_SRV[@]}" || return
	client "encrypted -key, wrong -keypass" -config "" -cmd ir -server "127.0.0.1:$MPORT" \
		-cert "$PKI/ra.pem" -key "$PKI/ra.key" -keypass pass:wrong-pass \
		-srvcert "$PKI/srv.pem" "${TAIL[@]}"
}

case_encrypted_key_no_keypass() {
	start_mock "$V" mock-sig "${SIG_SRV[@]}" || return
	client "encrypted -key, no -keypass, -batch" -config "" -cmd ir \
		-server "127.0.0.1:$MPORT" -cert "$PKI/ra.pem" -key "$PKI/ra.key" \
		-srvcert "$PKI/srv.pem" -batch "${TAIL[@]}"
}

case_encrypted_key_no_keypass_nobatch() {
	start_mock "$V" mock-sig "${SIG_SRV[@]}" || return
	client "encrypted -key, no -keypass, no -batch (stdin /dev/null, no tty)" -config "" \
		-cmd ir -server "127.0.0.1:$MPORT" -cert "$PKI/ra.pem" -key "$PKI/ra.key" \
		-srvcert "$PKI/srv.pem" "${TAIL[@]}"
}

case_bad_srvcert() {
	start_mock "$V" mock-sig "${SIG_SRV[@]}" || return
	client "server signs with another cert than -srvcert" -config "" -cmd ir \
		-server "127.0.0.1:$MPORT" -cert "$PKI/ra.pem" -key "$PKI/ra.key" \
		-keypass "pass:$RA_PASS" -srvcert "$PKI/srv2.pem" "${TAIL[@]}"
}

case_bad_srvcert_evil() {
	start_mock "$V" mock-sig-evil -config "" -srv_cert "$PKI/srv_evil.pem" \
		-srv_key "$PKI/srv_evil.key" "${SIG_SRV[@]:6}" || return
	client "server signs with another cert than -srvcert, its subject evil" -config "" \
		-cmd ir -server "127.0.0.1:$MPORT" "${SIGA[@]}" "${TAIL[@]}"
}

case_untrusted_server_evil() {
	start_mock "$V" mock-sig-evil -config "" -srv_cert "$PKI/srv_evil.pem" \
		-srv_key "$PKI/srv_evil.key" "${SIG_SRV[@]:6}" || return
	client "server's cert (evil subject) does not chain to -trusted" -config "" -cmd ir \
		-server "127.0.0.1:$MPORT" -cert "$PKI/ra.pem" -key "$PKI/ra.key" \
		-keypass "pass:$RA_PASS" -trusted "$PKI/root.pem" -recipient "$RECIPIENT" "${TAIL[@]}"
}

case_untrusted_server() {
	start_mock "$V" mock-sig "${SIG_SRV[@]}" || return
	client "server's cert does not chain to -trusted" -config "" -cmd ir \
		-server "127.0.0.1:$MPORT" -cert "$PKI/ra.pem" -key "$PKI/ra.key" \
		-keypass "pass:$RA_PASS" -trusted "$PKI/root.pem" -recipient "$RECIPIENT" "${TAIL[@]}"
}

tls_setup() {
	start_mock "$V" mock-pbm "${PBM_SRV[@]}" || return 1
	start_front "$MPORT"
}

case_tls_success() {
	tls_setup || return
	client "baseline: enrolled through the TLS front" -config "" -cmd ir \
		-server "127.0.0.1:$TLS_GOOD" "${PBMA[@]}" -tls_used -tls_trusted "$PKI/tlsroot.pem" \
		"${TAIL[@]}"
}

case_tls_untrusted() {
	tls_setup || return
	client "TLS server cert does not chain to -tls_trusted" -config "" -cmd ir \
		-server "127.0.0.1:$TLS_OTHER" "${PBMA[@]}" -tls_used -tls_trusted "$PKI/tlsroot.pem" \
		"${TAIL[@]}"
}

case_tls_hostname() {
	tls_setup || return
	client "TLS server cert valid, but for other.example" -config "" -cmd ir \
		-server "127.0.0.1:$TLS_NAME" "${PBMA[@]}" -tls_used -tls_trusted "$PKI/tlsroot.pem" \
		"${TAIL[@]}"
}

case_tls_client_refused_nocert() {
	tls_setup || return
	client "TLS front requires a client cert, none sent" -config "" -cmd ir \
		-server "127.0.0.1:$TLS_AUTH" "${PBMA[@]}" -tls_used -tls_trusted "$PKI/tlsroot.pem" \
		"${TAIL[@]}"
}

case_tls_client_refused_untrusted() {
	tls_setup || return
	client "TLS front requires a client cert, one from an unknown CA sent" -config "" \
		-cmd ir -server "127.0.0.1:$TLS_AUTH" "${PBMA[@]}" -tls_used \
		-tls_trusted "$PKI/tlsroot.pem" -tls_cert "$PKI/tlsrogue.pem" \
		-tls_key "$PKI/tlsrogue.key" "${TAIL[@]}"
}

case_tls12_client_refused_nocert() {
	tls_setup || return
	client "TLS 1.2 front requires a client cert, none sent" -config "" -cmd ir \
		-server "127.0.0.1:$TLS_AUTH12" "${PBMA[@]}" -tls_used -tls_trusted "$PKI/tlsroot.pem" \
		"${TAIL[@]}"
}

case_tls12_client_refused_untrusted() {
	tls_setup || return
	client "TLS 1.2 front requires a client cert, one from an unknown CA sent" -config "" \
		-cmd ir -server "127.0.0.1:$TLS_AUTH12" "${PBMA[@]}" -tls_used \
		-tls_trusted "$PKI/tlsroot.pem" -tls_cert "$PKI/tlsrogue.pem" \
		-tls_key "$PKI/tlsrogue.key" "${TAIL[@]}"
}

case_tls_wrong_keypass() {
	tls_setup || return
	client "encrypted -tls_key, wrong -tls_keypass" -config "" -cmd ir \
		-server "127.0.0.1:$TLS_AUTH" "${PBMA[@]}" -tls_used -tls_trusted "$PKI/tlsroot.pem" \
		-tls_cert "$PKI/tlscli_enc.pem" -tls_key "$PKI/tlscli_enc.key" \
		-tls_keypass pass:wrong-pass "${TAIL[@]}"
}

case_tls_plain_to_tls() {
	tls_setup || return
	client "plain HTTP to the TLS front" -config "" -cmd ir -server "127.0.0.1:$TLS_GOOD" \
		"${PBMA[@]}" "${TAIL[@]}"
}

case_tls_to_plain() {
	start_mock "$V" mock-pbm "${PBM_SRV[@]}" || return
	client "-tls_used to the plain HTTP mock server" -config "" -cmd ir \
		-server "127.0.0.1:$MPORT" "${PBMA[@]}" -tls_used -tls_trusted "$PKI/tlsroot.pem" \
		"${TAIL[@]}"
}

case_proxy_unreachable() {
	start_mock "$V" mock-pbm "${PBM_SRV[@]}" || return
	free_port PROXYPORT
	tail_args 3 120
	client "-proxy names a closed port (msg_timeout 3)" -config "" -cmd ir \
		-server "127.0.0.1:$MPORT" "${PBMA[@]}" -proxy "127.0.0.1:$FREEPORT" "${TAIL[@]}"
	tail_args 30 120
}

case_proxy_connect_refused() {
	start_fake proxy403 || return
	port_name "$FPORT" PROXYPORT
	free_port PORT
	client "https through a proxy that refuses CONNECT (403, evil reason phrase)" -config "" \
		-cmd ir -server "127.0.0.1:$FREEPORT" "${PBMA[@]}" -tls_used \
		-tls_trusted "$PKI/tlsroot.pem" -proxy "127.0.0.1:$FPORT" "${TAIL[@]}"
}

case_leaf_other_key() {
	start_mock "$V" mock-pbm-other-leaf -config "" -srv_ref "$REF" -srv_secret "pass:$SECRET" \
		-rsp_cert "$PKI/ee2.pem" -rsp_extracerts "$PKI/int.pem" -rsp_capubs "$PKI/root.pem" \
		-accept_raverified || return
	client "CA returns a certificate for another key than the CSR's" -config "" -cmd ir \
		-server "127.0.0.1:$MPORT" "${PBMA[@]}" "${TAIL[@]}"
}

case_leaf_other_key_evil() {
	start_mock "$V" mock-pbm-evil-leaf -config "" -srv_ref "$REF" -srv_secret "pass:$SECRET" \
		-rsp_cert "$PKI/ee_evil.pem" -rsp_extracerts "$PKI/int.pem" -rsp_capubs "$PKI/root.pem" \
		-accept_raverified || return
	client "CA returns a certificate for another key, its subject evil" -config "" -cmd ir \
		-server "127.0.0.1:$MPORT" "${PBMA[@]}" "${TAIL[@]}"
}

case_genm_cacerts() {
	start_mock "$V" mock-pbm "${PBM_SRV[@]}" || return
	client "genm -infotype caCerts (3.2+)" -config "" -cmd genm -server "127.0.0.1:$MPORT" \
		"${PBMA[@]}" -infotype caCerts -cacertsout /dev/fd/6 -msg_timeout 30 -total_timeout 120
}

case_genm_rootcacert() {
	if [ "$V" = 3.0 ]; then
		start_mock "$V" mock-pbm "${PBM_SRV[@]}" || return
	else
		start_mock "$V" mock-pbm-newwithnew "${PBM_SRV[@]}" -rsp_newwithnew "$PKI/root.pem" ||
			return
	fi
	client "genm -infotype rootCaCert (3.2+), PBM only (3.2+ clients crash: SIGSEGV)" -config "" \
		-cmd genm -server "127.0.0.1:$MPORT" \
		"${PBMA[@]}" -infotype rootCaCert -oldwithold "$PKI/root.pem" \
		-newwithnew /dev/fd/4 -msg_timeout 30 -total_timeout 120
}

case_genm_rootcacert_trusted() {
	if [ "$V" = 3.0 ]; then
		start_mock "$V" mock-pbm "${PBM_SRV[@]}" || return
	else
		start_mock "$V" mock-pbm-newwithnew "${PBM_SRV[@]}" -rsp_newwithnew "$PKI/root.pem" ||
			return
	fi
	client "genm -infotype rootCaCert (3.2+) with -trusted" -config "" -cmd genm \
		-server "127.0.0.1:$MPORT" "${PBMA[@]}" -trusted "$PKI/root.pem" \
		-infotype rootCaCert -oldwithold "$PKI/root.pem" \
		-newwithnew /dev/fd/4 -msg_timeout 30 -total_timeout 120
}

case_genm_rootcacert_srv_crash() {
	start_mock "$V" mock-pbm "${PBM_SRV[@]}" || return
	client "genm rootCaCert to a mock server without -rsp_newwithnew (3.2+ servers crash)" \
		-config "" -cmd genm -server "127.0.0.1:$MPORT" \
		"${PBMA[@]}" -infotype rootCaCert -oldwithold "$PKI/root.pem" \
		-newwithnew /dev/fd/4 -msg_timeout 30 -total_timeout 120
}

# ---------------------------------------------------------------- main

if [ ${#ONLY[@]} -gt 0 ]; then
	for c in "${ONLY[@]}"; do
		declare -F "case_$c" >/dev/null || { echo "capture.sh: no case $c" >&2; exit 2; }
	done
	RUN=("${ONLY[@]}")
else
	RUN=("${CASES[@]}")
fi

T_START=$EPOCHREALTIME
for CASE in "${RUN[@]}"; do
	for V in "${VERSIONS[@]}"; do
		case_reset
		"case_$CASE"
		if [ "$STREAMS" = 1 ]; then
			case_reset
			STREAM_PASS=1 "case_$CASE"
		fi
	done
done
case_reset

# INDEX: the lines of this run replace those of the same case and client;
# the rest is kept; lines in the order of CASES, then of the versions.
INDEX=$HERE/INDEX
{
	[ -f "$INDEX" ] && grep -v '^#' "$INDEX" | awk -F'\t' 'NR == FNR { new[$1 "\t" $2] = 1; next }
		!(($1 "\t" $2) in new)' "$INDEX_NEW" -
	cat "$INDEX_NEW"
} >"$LIB_TMP/index.all"
{
	printf '# case\tclient\tserver\trc\tsecs\tcause\tcommand (secrets ****, paths /TMP, ports PORT)\n'
	printf '%s\n' "${CASES[@]}" | awk -F'\t' 'NR == FNR { order[$1] = NR; next }
		($1 in order) { print order[$1] "\t" $0 }' - "$LIB_TMP/index.all" |
		sort -t "$(printf '\t')" -k1,1n -k3,3V | cut -f2-
} >"$INDEX"

# SERVERS: the setups named in INDEX (kept from earlier runs, updated)
SERVERS=$HERE/SERVERS
{
	[ -f "$SERVERS" ] && grep -v '^#' "$SERVERS"
	for s in "${SETUP_ORDER[@]}"; do
		printf '%s\t%s\n' "$s" "${SERVER_CMDS[$s]}"
	done
} | awk -F'\t' '{ cmd[$1] = $0; if (!($1 in seen)) { seen[$1] = 1; order[++n] = $1 } }
	END { for (i = 1; i <= n; i++) print cmd[order[i]] }' >"$LIB_TMP/servers"
{
	printf '# setup\tcommand (openssl = the version INDEX names; paths /TMP/pki; secrets ****)\n'
	cat "$LIB_TMP/servers"
} >"$SERVERS"

printf 'capture.sh: %d case(s) x %d version(s) in %ss\n' "${#RUN[@]}" "${#VERSIONS[@]}" \
	"$(awk -v a="$T_START" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.0f", b - a }')"
