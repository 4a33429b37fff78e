# it_genm.sh: issue 16, what cmpenroll asks a CA besides certificates (RFC
# 9483, 4.3): --get-ca-certs, --get-root-update, --get-template, --get-crl,
# against the mock servers of OpenSSL 3.2, 3.5 and 3.6 (sourced by
# run-integration.sh).
#
# The binaries come from ../shared/openssl (GENM_OPENSSL_DIR overrides it);
# where one is missing the tests here are skipped, with one note.  The
# mock servers answer as follows (apps/lib/cmp_mock_srv.c):
#   caCerts          the -rsp_capubs certificates; none without it
#   rootCaCert       -rsp_newwithnew/-rsp_newwithold/-rsp_oldwithnew, or no
#                    update when the client's old root has another subject
#                    than newWithNew (it needs -rsp_newwithnew: it crashes
#                    without)
#   certReqTemplate  always a template holding only ref_cert's issuer, and
#                    the keySpec "EC (any curve) or RSA 4096"; ref_cert must
#                    be set (it crashes without), through a config section
#                    since -ref_cert on the command line sets -rsp_cert.  So
#                    "no template" cannot be had from it and is not tested.
#   crlStatusList    -rsp_crl, unless the client's CRL is as new (no update)
#   -send_error      an error message for every request; -pkistatus does
#                    not touch general messages.

GENM_DIR=${GENM_OPENSSL_DIR:-$REPO_DIR/../shared/openssl}
GENM=""            # the folder of the general-message PKI, made on first use
GENM_NOTED=0

# genm_bin VERSION: the path of that OpenSSL's binary (empty when absent).
genm_bin() {
	[ -x "$GENM_DIR/$1/openssl" ] && printf '%s\n' "$GENM_DIR/$1/openssl"
}

# genm_need VERSION...: true when every binary is there (and the PKI made);
# else false, with one note for the whole run.
genm_need() {
	local v
	for v in "$@"; do
		[ -n "$(genm_bin "$v")" ] && continue
		if [ "$GENM_NOTED" -eq 0 ]; then
			note "skipped: no OpenSSL $v binary in $GENM_DIR (see its README)"
			GENM_NOTED=1
		fi
		return 1
	done
	[ -n "$GENM" ] || genm_pki || { fail "making the general-message PKI"; return 1; }
}

# The system openssl's version, as cmpenroll names it in a refusal.
genm_sys_version() { "$OPENSSL" version | awk '{ print $2 }'; }

# genm_ca_cert DIR NAME KEY SUBJECT CAPREFIX: NAME.pem, a CA certificate
# for KEY signed by CAPREFIX.pem/.key.
genm_ca_cert() {
	local serial
	serial=$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')
	ossl req -new -key "$3" -subj "$4" -out "$1/$2.csr" 2>/dev/null &&
		ossl x509 -req -in "$1/$2.csr" -CA "$5.pem" -CAkey "$5.key" \
			-set_serial "0x$serial" -days 60 -extfile "$PKI/ca.ext" \
			-out "$1/$2.pem" 2>/dev/null
}

# genm_pki: in $GENM,
#   old.pem/key  the root to update, /O=Test Org/CN=Genm Root CA
#   nwn.pem/key  the new root, same subject, self-signed
#   nwo.pem      nwn.key certified by the old root; own.pem: old.key by nwn
#   bad.pem      nwn.key certified under the old root's name by a stranger
#   other.pem    a root with another subject: the mock server has no update
#   capubs.pem   the suite's root, then its intermediate (not chain order)
#   crl_old.pem, crl_new.pem  CRLs of the intermediate, a day apart
#   srv.cnf      [srv] ref_cert for the mock server
genm_pki() {
	local g=$LIB_TMP/genm subj="/O=Test Org/CN=Genm Root CA" yday
	mkdir -p "$g/ca" || return 1
	pki_selfsigned_ca "$g" old "$subj" &&
		pki_selfsigned_ca "$g" nwn "$subj" &&
		pki_selfsigned_ca "$g" stranger "$subj" &&
		pki_selfsigned_ca "$g" other "/O=Test Org/CN=Other Root" &&
		genm_ca_cert "$g" nwo "$g/nwn.key" "$subj" "$g/old" &&
		genm_ca_cert "$g" own "$g/old.key" "$subj" "$g/nwn" &&
		genm_ca_cert "$g" bad "$g/nwn.key" "$subj" "$g/stranger" || return 1
	cat "$PKI/root.pem" "$PKI/int.pem" >"$g/capubs.pem"
	: >"$g/ca/index.txt"
	echo 01 >"$g/ca/crlnumber"
	printf '[ca]\ndefault_ca = d\n[d]\ndatabase = %s\ncrlnumber = %s\ndefault_md = sha256\ndefault_crl_days = 30\n' \
		"$g/ca/index.txt" "$g/ca/crlnumber" >"$g/ca.cnf"
	yday=$(date -u -d '-1 day' +%Y%m%d%H%M%SZ)
	ossl ca -config "$g/ca.cnf" -gencrl -keyfile "$PKI/int.key" -cert "$PKI/int.pem" \
		-crl_lastupdate "$yday" -out "$g/crl_old.pem" 2>/dev/null &&
		ossl ca -config "$g/ca.cnf" -gencrl -keyfile "$PKI/int.key" \
			-cert "$PKI/int.pem" -out "$g/crl_new.pem" 2>/dev/null || return 1
	printf '[srv]\nref_cert = %s\n' "$PKI/ee.pem" >"$g/srv.cnf"
	GENM=$g
}

# genm_srv VERSION [ARGS...]: the mock server of that OpenSSL, with PBM
# ($REF, $SECRET) and ref_cert from $GENM/srv.cnf; sets SRV_PID SRV_PORT
# SRV_LOG like srv_start.
genm_srv() {
	local v=$1 bin
	bin=$(genm_bin "$v")
	shift
	SRV_N=$((SRV_N + 1))
	SRV_LOG=$LIB_TMP/srv.$SRV_N.log
	OPENSSL_CONF=/dev/null "$bin" cmp -config "$GENM/srv.cnf" -section srv -port 0 \
		-srv_ref "$REF" -srv_secret "pass:$SECRET" -rsp_cert "$PKI/ee.pem" \
		"$@" >"$SRV_LOG" 2>&1 &
	SRV_PID=$!
	track_pid "$SRV_PID"
	SRV_PORT=""
	for _ in $(seq 1 50); do
		SRV_PORT=$(sed -n 's/^ACCEPT .*:\([0-9][0-9]*\) PID=.*/\1/p' "$SRV_LOG" | head -n1)
		[ -n "$SRV_PORT" ] && break
		kill -0 "$SRV_PID" 2>/dev/null || break
		sleep 0.1
	done
	[ -n "$SRV_PORT" ] && return 0
	fail "mock server (OpenSSL $v) did not start" "$(cat "$SRV_LOG")"
	return 1
}

# genm_config FILE BIN: a PBM config for the running server, BIN the client.
genm_config() {
	base_config "$SRV_PORT" | with_openssl "$2" | write_config "$1"
}

# genm_requests_are N: the server's log counts N requests (3.2 and later
# write "received request" in lower case).
genm_requests_are() {
	local n
	n=$(grep -ci 'received request' "$SRV_LOG" 2>/dev/null)
	assert_eq "$n" "$1" "server received $1 request(s)"
}

# json_field FILE KEY...: a member of the JSON object in FILE (an index
# for a list), printed as is when a string, else as JSON.
json_field() {
	"$PY" -c 'import json, sys
d = json.load(open(sys.argv[1]))
for k in sys.argv[2:]:
    d = d[int(k)] if isinstance(d, list) else d[k]
sys.stdout.write(d if isinstance(d, str) else json.dumps(d))' "$@" 2>/dev/null
}

# assert_json_is FILE WANTFILE KEY...: that member equals WANTFILE's bytes.
assert_json_is() {
	local f=$1 want=$2
	shift 2
	json_field "$f" "$@" >"$TD/json.member"
	assert_same_bytes "$want" "$TD/json.member" "--json $*: equals ${want##*/}"
}

# assert_written FILE WANT: -o wrote WANT's bytes to FILE, by a rename in
# its folder (no temporary file left), and stdout stayed empty.
assert_written() {
	assert_rc 0 "-o ${1##*/}: exit status"
	assert_same_bytes "$2" "$1" "-o ${1##*/}: equals ${2##*/} byte for byte"
	assert_stdout_empty
	assert_eq "$(find "$(dirname "$1")" -name '.cmpenroll.*' | wc -l)" 0 \
		"-o ${1##*/}: no temporary file left"
}

# assert_nothing_new: exit 1 and one line, nothing on stdout.
assert_nothing_new() {
	assert_rc 1 "nothing new: exit status"
	assert_one_error
}

# ---------------------------------------------------------------- caCerts

test_genm_ca_certs() {
	local v
	genm_need 3.2 3.5 3.6 || return
	cat "$PKI/int.pem" "$PKI/root.pem" >"$TD/chain.pem"
	for v in 3.2 3.5 3.6; do
		T_NAME="test_genm_ca_certs ($v)"
		genm_srv "$v" -rsp_capubs "$GENM/capubs.pem" || return
		genm_config "$TD/c$v.ini" "$(genm_bin "$v")"
		# sent root first: printed in chain order, the CA's bytes
		run -c "$TD/c$v.ini" --get-ca-certs
		assert_rc 0
		assert_same_bytes "$TD/chain.pem" "$OUT" "stdout: intermediate, root, byte for byte"
		assert_stderr_prefixed
		run -c "$TD/c$v.ini" --get-ca-certs -o "$TD/ca$v.pem"
		assert_written "$TD/ca$v.pem" "$TD/chain.pem"
		run -c "$TD/c$v.ini" --get-ca-certs --json
		assert_rc 0
		assert_eq "$(json_field "$OUT" status)" received "--json: status received"
		assert_json_is "$OUT" "$PKI/int.pem" certificates 0
		assert_json_is "$OUT" "$PKI/root.pem" certificates 1
		# --json with -o: the object on stdout, the file written too
		run -c "$TD/c$v.ini" --get-ca-certs --json -o "$TD/caj$v.pem"
		assert_rc 0
		assert_eq "$(json_field "$OUT" status)" received "--json -o: the object"
		assert_same_bytes "$TD/chain.pem" "$TD/caj$v.pem" "--json -o: the file written"
		srv_stop
	done
}

test_genm_ca_certs_none() {
	local v
	genm_need 3.2 3.5 3.6 || return
	for v in 3.2 3.5 3.6; do
		T_NAME="test_genm_ca_certs_none ($v)"
		genm_srv "$v" || return
		genm_config "$TD/c$v.ini" "$(genm_bin "$v")"
		run -c "$TD/c$v.ini" --get-ca-certs -o "$TD/ca.pem"
		assert_nothing_new
		assert_file_absent "$TD/ca.pem"
		run -c "$TD/c$v.ini" --get-ca-certs --json
		assert_rc 1
		assert_eq "$(json_field "$OUT" status)" no_update "--json: status no_update"
		srv_stop
	done
}

# ------------------------------------------------------------- rootCaCert

test_genm_root_update() {
	local v
	genm_need 3.2 3.5 3.6 || return
	cat "$GENM/nwn.pem" "$GENM/nwo.pem" "$GENM/own.pem" >"$TD/update.pem"
	for v in 3.2 3.5 3.6; do
		T_NAME="test_genm_root_update ($v)"
		genm_srv "$v" -rsp_newwithnew "$GENM/nwn.pem" -rsp_newwithold "$GENM/nwo.pem" \
			-rsp_oldwithnew "$GENM/own.pem" || return
		genm_config "$TD/c$v.ini" "$(genm_bin "$v")"
		run -c "$TD/c$v.ini" --get-root-update --oldroot "$GENM/old.pem"
		assert_rc 0
		assert_same_bytes "$TD/update.pem" "$OUT" \
			"stdout: newWithNew, newWithOld, oldWithNew, byte for byte"
		assert_stderr_prefixed
		run -c "$TD/c$v.ini" --get-root-update --oldroot "$GENM/old.pem" -o "$TD/new$v.pem"
		assert_written "$TD/new$v.pem" "$TD/update.pem"
		run -c "$TD/c$v.ini" --get-root-update --oldroot "$GENM/old.pem" --json
		assert_rc 0
		assert_eq "$(json_field "$OUT" status)" updated "--json: status updated"
		assert_json_is "$OUT" "$GENM/nwn.pem" new_with_new
		assert_json_is "$OUT" "$GENM/nwo.pem" new_with_old
		assert_json_is "$OUT" "$GENM/own.pem" old_with_new
		srv_stop
	done
}

# Without oldWithNew: openssl deletes that file, which must not fail the run.
test_genm_root_update_without_old_with_new() {
	genm_need 3.6 || return
	genm_srv 3.6 -rsp_newwithnew "$GENM/nwn.pem" -rsp_newwithold "$GENM/nwo.pem" || return
	genm_config "$TD/c.ini" "$(genm_bin 3.6)"
	cat "$GENM/nwn.pem" "$GENM/nwo.pem" >"$TD/update.pem"
	run -c "$TD/c.ini" --get-root-update --oldroot "$GENM/old.pem"
	assert_rc 0
	assert_same_bytes "$TD/update.pem" "$OUT" "stdout: newWithNew, newWithOld"
	run -c "$TD/c.ini" --get-root-update --oldroot "$GENM/old.pem" --json
	assert_eq "$(json_field "$OUT" old_with_new)" null "--json: old_with_new null"
}

test_genm_root_no_update() {
	local v
	genm_need 3.2 3.5 3.6 || return
	for v in 3.2 3.5 3.6; do
		T_NAME="test_genm_root_no_update ($v)"
		genm_srv "$v" -rsp_newwithnew "$GENM/nwn.pem" -rsp_newwithold "$GENM/nwo.pem" || return
		genm_config "$TD/c$v.ini" "$(genm_bin "$v")"
		# another subject than the new root's: the mock server has none
		run -c "$TD/c$v.ini" --get-root-update --oldroot "$GENM/other.pem" -o "$TD/new.pem"
		assert_nothing_new
		assert_file_absent "$TD/new.pem"
		run -c "$TD/c$v.ini" --get-root-update --oldroot "$GENM/other.pem" --json
		assert_rc 1
		assert_eq "$(json_field "$OUT" status)" no_update "--json: status no_update"
		srv_stop
	done
}

# A newWithOld the old root did not sign: nothing printed, nothing written.
test_genm_root_untrusted() {
	genm_need 3.6 || return
	genm_srv 3.6 -rsp_newwithnew "$GENM/nwn.pem" -rsp_newwithold "$GENM/bad.pem" || return
	genm_config "$TD/c.ini" "$(genm_bin 3.6)"
	run -c "$TD/c.ini" --get-root-update --oldroot "$GENM/old.pem" -o "$TD/new.pem"
	assert_rc 76 "a root update that does not verify: exit status"
	assert_one_error
	assert_file_absent "$TD/new.pem"
}

# ---------------------------------------------------------- certReqTemplate

test_genm_template() {
	local v issuer
	genm_need 3.5 3.6 || return
	issuer=$(ossl x509 -in "$PKI/ee.pem" -noout -issuer -nameopt RFC2253 | sed 's/^issuer=//')
	for v in 3.5 3.6; do
		T_NAME="test_genm_template ($v)"
		genm_srv "$v" || return
		genm_config "$TD/c$v.ini" "$(genm_bin "$v")"
		run -c "$TD/c$v.ini" --get-template
		assert_rc 0
		assert_stdout_match "^  Issuer: $issuer\$" "text: the issuer the mock server was given"
		assert_stdout_match '^    EC, any curve$' "text: EC of any curve"
		assert_stdout_match '^    RSA, 4096 bits$' "text: RSA 4096"
		assert_eq "$(tail -n1 "$OUT")" "-newkey rsa:4096" "last line: the openssl req options"
		run -c "$TD/c$v.ini" --get-template --json
		assert_rc 0
		assert_eq "$(json_field "$OUT" issuer)" "$issuer" "--json: issuer"
		assert_eq "$(json_field "$OUT" key_specs)" \
			'[{"type": "EC", "curve": null, "bits": null}, {"type": "RSA", "bits": 4096}]' \
			"--json: key_specs"
		assert_eq "$(json_field "$OUT" openssl_req)" "-newkey rsa:4096" "--json: openssl_req"
		srv_stop
	done
}

# ------------------------------------------------------------ crlStatusList

test_genm_crl() {
	local v
	genm_need 3.5 3.6 || return
	for v in 3.5 3.6; do
		T_NAME="test_genm_crl ($v)"
		genm_srv "$v" -rsp_crl "$GENM/crl_new.pem" || return
		genm_config "$TD/c$v.ini" "$(genm_bin "$v")"
		# openssl saves DER: shown as PEM, the CA's CRL byte for byte
		run -c "$TD/c$v.ini" --get-crl --crl-cert "$PKI/ee.pem"
		assert_rc 0
		assert_same_bytes "$GENM/crl_new.pem" "$OUT" "stdout: the CRL, byte for byte"
		assert_stderr_prefixed
		run -c "$TD/c$v.ini" --get-crl --old-crl "$GENM/crl_old.pem" -o "$TD/crl$v.pem"
		assert_written "$TD/crl$v.pem" "$GENM/crl_new.pem"
		run -c "$TD/c$v.ini" --get-crl --crl-cert "$PKI/ee.pem" --json
		assert_rc 0
		assert_eq "$(json_field "$OUT" status)" received "--json: status received"
		assert_eq "$(json_field "$OUT" issuer)" "CN=Test Intermediate CA,O=Test Org" "--json: issuer"
		assert_json_is "$OUT" "$GENM/crl_new.pem" crl
		srv_stop
	done
}

test_genm_crl_current() {
	local v
	genm_need 3.5 3.6 || return
	for v in 3.5 3.6; do
		T_NAME="test_genm_crl_current ($v)"
		genm_srv "$v" -rsp_crl "$GENM/crl_new.pem" || return
		genm_config "$TD/c$v.ini" "$(genm_bin "$v")"
		run -c "$TD/c$v.ini" --get-crl --old-crl "$GENM/crl_new.pem" -o "$TD/crl.pem"
		assert_nothing_new
		assert_file_absent "$TD/crl.pem"
		run -c "$TD/c$v.ini" --get-crl --old-crl "$GENM/crl_new.pem" --json
		assert_rc 1
		assert_eq "$(json_field "$OUT" status)" no_update "--json: status no_update"
		srv_stop
	done
}

# ---------------------------------------------------- versions, CA errors

# genm_mode_args MODE: the cmpenroll arguments of that mode.
genm_mode_args() {
	case $1 in
	ca) echo --get-ca-certs ;;
	root) echo --get-root-update --oldroot "$GENM/old.pem" ;;
	template) echo --get-template ;;
	crl) echo --get-crl --crl-cert "$PKI/ee.pem" ;;
	esac
}

test_genm_refused_by_version() {
	local sys m args want
	genm_need 3.2 3.6 || return
	sys=$(genm_sys_version)
	genm_srv 3.6 -rsp_capubs "$GENM/capubs.pem" -rsp_newwithnew "$GENM/nwn.pem" \
		-rsp_newwithold "$GENM/nwo.pem" -rsp_crl "$GENM/crl_new.pem" || return
	genm_config "$TD/c30.ini" "$OPENSSL"
	genm_config "$TD/c32.ini" "$(genm_bin 3.2)"
	for m in ca root template crl; do
		T_NAME="test_genm_refused_by_version ($m)"
		read -ra args <<<"$(genm_mode_args "$m")"
		case $m in ca | root) want=3.2 ;; *) want=3.5 ;; esac
		run -c "$TD/c30.ini" "${args[@]}"
		assert_rc 78
		assert_one_error
		assert_stderr_match "^cmpenroll: ${args[0]} needs OpenSSL $want or later; cmp_openssl_bin is $sys\$"
		if [ "$want" = 3.5 ]; then
			run -c "$TD/c32.ini" "${args[@]}"
			assert_rc 78
			assert_one_error
			assert_stderr_match "^cmpenroll: ${args[0]} needs OpenSSL 3.5 or later; cmp_openssl_bin is 3\\.2\\.[0-9]+\$"
		fi
	done
	genm_requests_are 0
}

test_genm_ca_error() {
	local m v args crl
	genm_need 3.2 3.6 || return
	for v in 3.2 3.6; do
		crl=()
		[ "$v" = 3.2 ] || crl=(-rsp_crl "$GENM/crl_new.pem")   # 3.5 on
		genm_srv "$v" -send_error -rsp_capubs "$GENM/capubs.pem" \
			-rsp_newwithnew "$GENM/nwn.pem" -rsp_newwithold "$GENM/nwo.pem" \
			"${crl[@]+"${crl[@]}"}" || return
		genm_config "$TD/c$v.ini" "$(genm_bin "$v")"
		for m in ca root template crl; do
			[ "$v" = 3.2 ] && { [ $m = template ] || [ $m = crl ]; } && continue
			T_NAME="test_genm_ca_error ($v, $m)"
			read -ra args <<<"$(genm_mode_args "$m")"
			run -c "$TD/c$v.ini" "${args[@]}" -o "$TD/out.pem"
			assert_rc 77
			assert_stdout_empty
			assert_stderr_prefixed
			assert_file_absent "$TD/out.pem"
		done
		srv_stop
	done
}

# ------------------------------------------- what openssl itself does

# The facts genm.h builds on, straight from the openssl clients: exit 0
# and no file when there is nothing new; the answer's bytes otherwise.
test_genm_openssl_behaviour() {
	local v c crl
	genm_need 3.2 3.5 3.6 || return
	for v in 3.2 3.5 3.6; do
		T_NAME="test_genm_openssl_behaviour ($v)"
		crl=()
		[ "$v" = 3.2 ] || crl=(-rsp_crl "$GENM/crl_new.pem")   # 3.5 on
		genm_srv "$v" -rsp_newwithnew "$GENM/nwn.pem" -rsp_newwithold "$GENM/nwo.pem" \
			"${crl[@]+"${crl[@]}"}" || return
		c=(cmp -config "" -server "127.0.0.1:$SRV_PORT" -ref "$REF" -secret "pass:$SECRET"
			-recipient "$RECIPIENT" -cmd genm)
		rm -f "$TD"/f*
		OPENSSL_CONF=/dev/null "$(genm_bin "$v")" "${c[@]}" -infotype caCerts \
			-cacertsout "$TD/f0" >"$TD/log" 2>&1
		assert_eq "$?" 0 "caCerts, none sent: exit 0"
		assert_file_absent "$TD/f0" "caCerts, none sent: no file"
		echo stale >"$TD/f0"
		OPENSSL_CONF=/dev/null "$(genm_bin "$v")" "${c[@]}" -infotype rootCaCert \
			-oldwithold "$GENM/other.pem" -trusted "$GENM/other.pem" \
			-newwithnew "$TD/f0" -newwithold "$TD/f1" >"$TD/log" 2>&1
		assert_eq "$?" 0 "rootCaCert, no update: exit 0"
		assert_file_absent "$TD/f0" "rootCaCert, no update: newwithnew deleted"
		OPENSSL_CONF=/dev/null "$(genm_bin "$v")" "${c[@]}" -infotype rootCaCert \
			-oldwithold "$GENM/old.pem" -trusted "$GENM/old.pem" \
			-newwithnew "$TD/f0" -newwithold "$TD/f1" -oldwithnew "$TD/f2" >"$TD/log" 2>&1
		assert_eq "$?" 0 "rootCaCert, update: exit 0"
		assert_same_bytes "$GENM/nwn.pem" "$TD/f0" "rootCaCert: newwithnew is the CA's PEM"
		assert_file_absent "$TD/f2" "rootCaCert: oldwithnew not sent, no file"
		[ "$v" = 3.2 ] && { srv_stop; continue; }
		OPENSSL_CONF=/dev/null "$(genm_bin "$v")" "${c[@]}" -infotype crlStatusList \
			-oldcrl "$GENM/crl_new.pem" -crlout "$TD/f0" >"$TD/log" 2>&1
		assert_eq "$?" 0 "crlStatusList, current: exit 0"
		assert_file_absent "$TD/f0" "crlStatusList, current: crlout deleted"
		OPENSSL_CONF=/dev/null "$(genm_bin "$v")" "${c[@]}" -infotype certReqTemplate \
			-template "$TD/f0" -keyspec "$TD/f1" >"$TD/log" 2>&1
		assert_eq "$?" 0 "certReqTemplate: exit 0"
		assert_eq "$(head -c1 "$TD/f0" | tohex)" 30 "certReqTemplate: template saved as DER"
		srv_stop
	done
}

# The files a --get- mode hands openssl are checked before anything is
# sent: one that cannot be read is 66, one that holds no certificate (or
# no CRL) 65, each naming the option.
test_genm_inputs_checked() {
	genm_need 3.5 || return
	T_NAME="test_genm_inputs_checked (3.5)"
	genm_srv 3.5 -rsp_crl "$GENM/crl_new.pem" || return
	genm_config "$TD/c.ini" "$(genm_bin 3.5)"
	printf 'no certificate\n' >"$TD/junk.pem"
	run -c "$TD/c.ini" --get-crl --crl-cert "$TD/missing.pem"
	assert_rc 66 "--crl-cert missing"
	assert_one_error
	assert_stderr_match "cannot open --crl-cert $TD/missing\\.pem: No such file"
	run -c "$TD/c.ini" --get-crl --crl-cert "$TD/junk.pem"
	assert_rc 65 "--crl-cert not a certificate"
	assert_stderr_match "^cmpenroll: --crl-cert $TD/junk\\.pem: no certificate in it\$"
	run -c "$TD/c.ini" --get-crl --old-crl "$TD/junk.pem"
	assert_rc 65 "--old-crl not a CRL"
	assert_stderr_match "^cmpenroll: --old-crl $TD/junk\\.pem: "
	run -c "$TD/c.ini" --get-root-update --oldroot "$TD/junk.pem"
	assert_rc 65 "--oldroot not a certificate"
	assert_stderr_match "^cmpenroll: --oldroot $TD/junk\\.pem: no certificate in it\$"
	# DER is what openssl takes too
	ossl x509 -in "$PKI/ee.pem" -outform DER -out "$TD/ee.der"
	run -c "$TD/c.ini" --get-crl --crl-cert "$TD/ee.der"
	assert_rc 0 "--crl-cert in DER"
	assert_srv_requests 1
	run -c "$TD/c.ini" --get-ca-certs --json -o -
	assert_rc 64 "--json and -o -"
	assert_stderr_match "--json is what goes to standard output"
	assert_srv_requests 1
}
