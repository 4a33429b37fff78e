# it_enroll.sh: issue 2, the enrollment pipeline (sourced by run-integration.sh).
# Each test_* function runs in a fresh folder $TD; lib.sh gives $PKI, the
# mock server and the assertions.

test_enroll_csr_mapping() {
	srv_start || return
	{ base_config "$SRV_PORT"; echo "cmp_reqout = $TD/req1.der,$TD/req2.der"; } |
		write_config "$TD/c.ini"
	run -c "$TD/c.ini" "$PKI/ee.csr"
	assert_issued "$PKI/ee.pem"
	assert_srv_requests 2
	assert_eq "$(req_body "$TD/req1.der")" ir "first request is an ir"
	assert_eq "$(req_body "$TD/req2.der")" certConf "second request is a certConf"
	assert_request_carries "$TD/req1.der" "$PKI/ee.csr" "${EE_SANS[@]}"
}

test_enroll_fields_mapping() {
	local rec
	srv_start || return
	rec=$(newdir)
	{ rec_config "$SRV_PORT" "$rec"
	  echo "cmp_reqout = $TD/req1.der,$TD/req2.der"; } | write_config "$TD/c.ini"
	run -c "$TD/c.ini" --mapping fields "$PKI/ee.csr"
	assert_issued "$PKI/ee.pem"
	assert_eq "$(req_body "$TD/req1.der")" ir "first request is an ir"
	assert_request_carries "$TD/req1.der" "$PKI/ee.csr" "${EE_SANS[@]}"
	# it really was the fields mapping
	assert_eq "$(argv_pair "$rec" -csr)" "<none>" "fields: no -csr"
	assert_eq "$(argv_pair "$rec" -subject)" "/O=Example Org/CN=ee.example" "fields: -subject in /type=value form"
	assert_eq "$(argv_pair "$rec" -sans | tr ' ' '\n' | sort | tr '\n' ' ')" \
		"127.0.0.1 ee.example https://ee.example/cmp www.ee.example " "fields: -sans lists every SAN"
	if ossl pkey -pubin -in "$(argv_pair "$rec" -newkey)" -noout 2>/dev/null; then
		fail "fields: -newkey file still there after the run (work folder not removed?)"
	else
		ok "fields: -newkey names a file in the (removed) work folder"
	fi

	# the same through the config key
	rm -f "$TD"/req*.der
	{ base_config "$SRV_PORT"; echo "cmp_mapping = fields"
	  echo "cmp_reqout = $TD/req1.der,$TD/req2.der"; } | write_config "$TD/f.ini"
	run -c "$TD/f.ini" "$PKI/ee.csr"
	assert_issued "$PKI/ee.pem"
	assert_request_carries "$TD/req1.der" "$PKI/ee.csr" "${EE_SANS[@]}"
}

test_enroll_der_csr_and_stdin() {
	srv_start || return
	base_config "$SRV_PORT" | write_config "$TD/c.ini"
	run -c "$TD/c.ini" "$PKI/ee.der"
	assert_issued "$PKI/ee.pem"
	RUN_STDIN=$PKI/ee.csr run -c "$TD/c.ini" -
	assert_issued "$PKI/ee.pem"
	RUN_STDIN=$PKI/ee.der run -c "$TD/c.ini" -
	assert_issued "$PKI/ee.pem"
}

test_config_from_environment() {
	srv_start || return
	base_config "$SRV_PORT" | write_config "$TD/c.ini"
	CMPENROLL_CONFIG=$TD/c.ini run "$PKI/ee.csr"
	assert_issued "$PKI/ee.pem"
}

test_wrong_secret() {
	srv_start || return
	base_config "$SRV_PORT" | sed "s/^cmp_secret = .*/cmp_secret = pass:not-the-secret/" |
		write_config "$TD/c.ini"
	run -c "$TD/c.ini" "$PKI/ee.csr"
	assert_rc 77
	assert_one_error
	assert_stderr_nomatch "not-the-secret" "the secret is not in the message"
}

test_no_server() {
	# openssl 3.0 retries a refused connection until -msg_timeout runs out
	# (the tool's default is 30 s): keep it short here
	{ base_config "$(closed_port)"; echo "cmp_msg_timeout = 1"; } | write_config "$TD/c.ini"
	run -c "$TD/c.ini" "$PKI/ee.csr"
	assert_rc 69
	assert_one_error
}

test_rejection() {
	srv_start -pkistatus 2 -failure 2 -statusstring "policy says no" || return
	base_config "$SRV_PORT" | write_config "$TD/c.ini"
	run -c "$TD/c.ini" "$PKI/ee.csr"
	assert_rc 77
	assert_one_error
	assert_stderr_match "rejection" "message names the PKIStatus (rejection)"
	assert_stderr_match "badRequest" "message names the PKIFailureInfo (badRequest)"
	assert_stderr_match "policy says no" "message carries the StatusString"
}

test_bad_csr_signature() {
	local f rec p left=""
	srv_start || return
	{ base_config "$SRV_PORT"; echo "cmp_reqout = $TD/req1.der,$TD/req2.der"; } |
		write_config "$TD/c.ini"
	flip_last_byte "$PKI/ee.der" "$TD/bad.der"
	ossl req -inform DER -in "$TD/bad.der" -out "$TD/bad.pem" 2>/dev/null
	# (openssl 3.0 req -verify exits 0 either way: read what it says)
	if ossl req -in "$TD/bad.pem" -verify -noout 2>&1 | grep -q 'verify failure'; then
		ok "setup: the flipped CSR does not verify"
	else
		fail "setup: the flipped CSR still verifies"
	fi
	for f in "$TD/bad.der" "$TD/bad.pem"; do
		run -c "$TD/c.ini" "$f"
		assert_rc 65 "bad signature (${f##*.})"
		assert_one_error
		assert_file_absent "$TD/req1.der" "nothing sent (no saved request)"
		assert_srv_requests 0
	done
	# openssl starts while the signature is checked, then is stopped
	# unsent: no process is left behind
	rec=$(newdir)
	{ rec_config "$SRV_PORT" "$rec"
	  echo "cmp_reqout = $TD/req1.der"; } | write_config "$TD/r.ini"
	run -c "$TD/r.ini" "$TD/bad.pem"
	assert_rc 65 "bad signature, openssl recorded"
	assert_one_error
	for p in $(cat "$rec/pids" 2>/dev/null); do
		alive "$p" && left="$left $p"
	done
	assert_eq "$left" "" "no openssl left running"
	for p in $left; do stop_pid "$p"; done
	assert_file_absent "$TD/req1.der" "nothing sent by the stopped openssl"
	assert_srv_requests 0
}

test_leaf_key_mismatch() {
	# the server returns a certificate for another key than the CSR's
	pki_csr "$TD/other.key" "$TD/other.csr" "/CN=ee.example"
	pki_issue "$TD/other.csr" "$TD/other.pem"
	SRV_RSP_CERT=$TD/other.pem srv_start || return
	base_config "$SRV_PORT" | write_config "$TD/c.ini"
	run -c "$TD/c.ini" "$PKI/ee.csr"
	assert_rc 65
	assert_one_error
}

test_acme2certifier_config() {
	mkdir "$TD/acme_cmp"
	srv_start || return
	write_config "$TD/acme_srv.cfg" <<EOF
[DEFAULT]
debug: True

[Nonce]
# disable nonce check. THIS IS A SEVERE SECURTIY ISSUE! Please do only for testing/debugging purposes
nonce_check_disable: False

[Certificate]
revocation_reason_check_disable: False

[Helper]
log_format: %(asctime)s - acme2certifier - %(levelname)s - %(message)s

[CAhandler]
handler_file: examples/ca_handler/cmp_ca_handler.py
cmp_openssl_bin: $CLI_BIN
cmp_tmp_dir: $TD/acme_cmp
cmp_recipient: C=DE, CN=A2C Test CA
cmp_ignore_keyusage: True
cmp_popo: 0
cmp_server: 127.0.0.1:$SRV_PORT
cmp_path: pkix/
cmp_cmd: ir
cmp_ref = $REF
cmp_secret = $SECRET
cmp_implicit_confirm = False
cmp_msg_timeout: 5
cmp_total_timeout: 10
cmp_reqout: $TD/req1.der,$TD/req2.der,$TD/req3.der

[Order]
tnauthlist_support: False
EOF
	run -c "$TD/acme_srv.cfg" "$PKI/ee.csr"
	assert_issued "$PKI/ee.pem"
	# implicit_confirm = False is left out: the exchange has a certConf
	assert_srv_requests 2
	assert_file_absent "$TD/req3.der" "only two requests saved"
	assert_eq "$(grep -c 'POST /pkix/' "$SRV_LOG")" 2 "cmp_path reached the server"
	# recipient "C=DE, CN=A2C Test CA" arrived as a DN with C=DE and that CN
	local h
	h=$(hexof "$TD/req1.der")
	assert_contains "$h" "0603550406130244" "request recipient holds countryName DE"
	assert_contains "$h" "$(hexstr "A2C Test CA")" "request recipient holds CN=A2C Test CA"
	assert_eq "$(ls -A "$TD/acme_cmp")" "" "cmp_tmp_dir is empty afterwards"
}

test_config_syntax_rules() {
	# [DEFAULT] inherited, "key: value", a secret with ; # % $ taken literally
	local secret='p%(x)s;#$HOME'
	_srv_with_secret "$secret" || return
	write_config "$TD/c.ini" <<EOF
# a comment
; another comment
[DEFAULT]
cmp_openssl_bin: $CLI_BIN
cmp_ref: $REF
cmp_recipient = $RECIPIENT

[other]
cmp_secret = pass:wrong

[CAhandler]
cmp_server: 127.0.0.1:$SRV_PORT
cmp_secret: $secret
EOF
	run -c "$TD/c.ini" "$PKI/ee.csr"
	assert_issued "$PKI/ee.pem"
}

# _srv_with_secret SECRET: a PBM mock server with another secret.
_srv_with_secret() {
	local a=(-srv_ref "$REF" -srv_secret "pass:$1")
	_srv_args a
	_srv_launch "${a[@]}" -accept_raverified
}

test_fields_refuses_email_san() {
	srv_start || return
	pki_csr "$TD/m.key" "$TD/m.csr" "/CN=mail.example" \
		"DNS:mail.example,email:someone@mail.example"
	pki_issue "$TD/m.csr" "$TD/m.pem"
	{ base_config "$SRV_PORT"; echo "cmp_reqout = $TD/req1.der,$TD/req2.der"; } |
		write_config "$TD/c.ini"
	run -c "$TD/c.ini" --mapping fields "$TD/m.csr"
	assert_rc 65
	assert_one_error
	assert_stderr_match "cmp_mapping = csr" "message names 'cmp_mapping = csr'"
	assert_srv_requests 0
	assert_file_absent "$TD/req1.der" "nothing sent"

	# the csr mapping carries it faithfully
	srv_stop
	SRV_RSP_CERT=$TD/m.pem srv_start || return
	{ base_config "$SRV_PORT"; echo "cmp_reqout = $TD/req1.der,$TD/req2.der"; } |
		write_config "$TD/c.ini"
	run -c "$TD/c.ini" "$TD/m.csr"
	assert_issued "$TD/m.pem"
	assert_request_carries "$TD/req1.der" "$TD/m.csr" "DNS mail.example" \
		"email someone@mail.example"
}

test_chain_without_server_cert() {
	# signature-protected responses carry the server's own certificate in
	# extraCerts; it is not on the leaf's path and must not be printed.
	srv_start_sig -rsp_extracerts "$PKI/int.pem" || return
	sig_config "$SRV_PORT" | write_config "$TD/c.ini"
	run -c "$TD/c.ini" "$PKI/ee.csr"
	assert_issued "$PKI/ee.pem"
	srv_stop

	# PBM server with decoys and duplicates in extraCerts and caPubs
	cat "$PKI/srv.pem" "$PKI/root.pem" "$PKI/ra.pem" "$PKI/int.pem" >"$TD/x.pem"
	cat "$PKI/raroot.pem" "$PKI/root.pem" "$PKI/srvroot.pem" >"$TD/c.pem"
	SRV_EXTRACERTS=$TD/x.pem SRV_CAPUBS=$TD/c.pem srv_start || return
	base_config "$SRV_PORT" | write_config "$TD/c.ini"
	run -c "$TD/c.ini" "$PKI/ee.csr"
	assert_issued "$PKI/ee.pem"
}

test_reserved_key() {
	local k
	for k in cmp_certout cmp_csr cmp_subject; do
		{ base_config 1; echo "$k = $TD/x"; } | write_config "$TD/c.ini"
		run -c "$TD/c.ini" "$PKI/ee.csr"
		assert_rc 78 "reserved $k"
		assert_one_error
	done
}

test_missing_inputs() {
	base_config 1 | write_config "$TD/c.ini"
	run -c "$TD/c.ini" "$TD/no-such.csr"
	assert_rc 66 "missing CSR"
	assert_one_error
	run -c "$TD/no-such.ini" "$PKI/ee.csr"
	assert_rc 66 "missing config"
	assert_one_error
	run -c "$TD/c.ini" -s NoSuchSection "$PKI/ee.csr"
	assert_rc 78 "missing section"
	assert_one_error
}

# mk_key_csr KIND CSR: a key and CSR of one kind, made by the system's
# openssl as a new user would (openssl req -newkey).
mk_key_csr() {
	local kind=$1 csr=$2 args
	case $kind in
	rsa-pss) args=(-newkey rsa-pss -pkeyopt rsa_keygen_bits:2048) ;;
	rsa-pss-sig) args=(-newkey rsa:2048 -sigopt rsa_padding_mode:pss) ;;
	rsa-sha3) args=(-newkey rsa:2048 -sha3-256) ;;
	ed25519 | ed448) args=(-newkey "$kind") ;;
	ec-explicit) ossl ecparam -name prime256v1 -param_enc explicit -genkey \
		-noout -out "$csr.key" 2>/dev/null
		args=(-key "$csr.key") ;;
	*) args=(-newkey ec -pkeyopt "ec_paramgen_curve:$kind") ;;
	esac
	[ -e "$csr.key" ] || args+=(-nodes -keyout "$csr.key")
	ossl req -new "${args[@]}" -subj "/CN=$kind.example" -out "$csr" 2>/dev/null
}

# The CSR's signature is verified by libcrypto's own code for whatever key
# type it knows: every kind the system's openssl makes passes, and
# --dry-run prints the command.
test_csr_key_types() {
	local k
	base_config 9 | write_config "$TD/c.ini"
	for k in P-256 P-384 P-521 secp256k1 brainpoolP256r1 brainpoolP384r1 \
		rsa-pss rsa-pss-sig rsa-sha3 ed25519 ed448 ec-explicit; do
		mk_key_csr "$k" "$TD/$k.csr" || fail "setup: CSR $k"
		run -n -c "$TD/c.ini" "$TD/$k.csr"
		assert_rc 0 "CSR with a $k key verifies"
		assert_eq "$(lines "$OUT")" 1 "$k: one command line"
	done
	ossl req -in "$TD/rsa-pss-sig.csr" -noout -text 2>/dev/null | grep -q rsassaPss &&
		ok "setup: the PSS CSR is RSASSA-PSS" || fail "setup: the PSS CSR is not RSASSA-PSS"
}

# Enrollments of CSRs that an allowlist of key types once refused: an
# RSA-PSS key and a secp256k1 key, end to end with the default mapping.
test_enroll_rsa_pss_and_secp256k1() {
	local k
	for k in rsa-pss secp256k1; do
		mk_key_csr "$k" "$TD/$k.csr" && pki_issue "$TD/$k.csr" "$TD/$k.pem" ||
			{ fail "setup: $k"; continue; }
		SRV_RSP_CERT=$TD/$k.pem srv_start || return
		{ base_config "$SRV_PORT"; echo "cmp_reqout = $TD/$k.req1,$TD/$k.req2"; } |
			write_config "$TD/c.ini"
		run -c "$TD/c.ini" "$TD/$k.csr"
		assert_issued "$TD/$k.pem"
		assert_request_carries "$TD/$k.req1" "$TD/$k.csr"
		srv_stop
	done
}

test_usage_and_version() {
	base_config 1 | write_config "$TD/c.ini"
	run -V
	assert_rc 0 "-V"
	assert_stdout_match '^cmpenroll [0-9]' "-V prints 'cmpenroll VERSION'"
	run --help
	assert_rc 0 "--help"
	assert_stdout_match 'usage' "--help prints usage on stdout"
	run -c "$TD/c.ini" --no-such-option "$PKI/ee.csr"
	assert_rc 64 "unknown option"
	assert_stdout_empty
	run -c "$TD/c.ini"
	assert_rc 64 "no CSR argument"
	assert_stdout_empty
	run -c "$TD/c.ini" --mapping nonsense "$PKI/ee.csr"
	assert_rc 64 "bad --mapping"
	assert_stdout_empty
}

test_generated_argv() {
	local rec
	srv_start || return
	rec=$(newdir)
	rec_config "$SRV_PORT" "$rec" |
		write_config "$TD/c.ini"
	run -c "$TD/c.ini" "$PKI/ee.csr"
	assert_issued "$PKI/ee.pem"
	assert_eq "$(head -z -n1 "$rec"/argv0.* | tr -d '\0')" "cmp" "argv[1] is cmp"
	assert_eq "$(argv_pair "$rec" -config)" "" "-config \"\" by default"
	assert_eq "$(argv_pair "$rec" -msg_timeout)" 30 "-msg_timeout 30 by default"
	assert_eq "$(argv_pair "$rec" -total_timeout)" 120 "-total_timeout 120 by default"
	assert_eq "$(argv_pair "$rec" -cmd)" ir "-cmd ir by default"
	assert_eq "$(argv_pair "$rec" -popo)" 0 "-popo 0 by default"
	assert_eq "$(argv_pair "$rec" -recipient)" "$RECIPIENT" "-recipient passed on"
	assert_eq "$(argv_pair "$rec" -server)" "127.0.0.1:$SRV_PORT" "-server passed on"
	# the CSR goes in, and what openssl saves comes back, through pipes
	assert_eq "$(argv_pair "$rec" -csr)" /dev/fd/3 "-csr is the feed pipe"
	assert_eq "$(argv_pair "$rec" -certout)" /dev/fd/4 "-certout is a pipe"
	assert_eq "$(argv_pair "$rec" -extracertsout)" /dev/fd/5 "-extracertsout is a pipe"
	assert_eq "$(argv_pair "$rec" -cacertsout)" /dev/fd/6 "-cacertsout is a pipe"
	assert_eq "$(argv_pair "$rec" -newkey)" "<none>" "no -newkey in the csr mapping"

	# True -> bare flag, False -> omitted, config values win, cmp_config passed on
	printf '[cmp]\n' >"$TD/openssl-cmp.cnf"
	rm -f "$rec"/argv*
	{ rec_config "$SRV_PORT" "$rec"
	  echo "cmp_config = $TD/openssl-cmp.cnf"
	  echo "cmp_ignore_keyusage = True"
	  echo "cmp_implicit_confirm = False"
	  echo "cmp_unprotected_errors = False"
	  echo "cmp_msg_timeout = 7"
	  echo "cmp_total_timeout = 9"; } | write_config "$TD/t.ini"
	run -c "$TD/t.ini" "$PKI/ee.csr"
	assert_issued "$PKI/ee.pem"
	assert_eq "$(argv_pair "$rec" -config)" "$TD/openssl-cmp.cnf" "cmp_config passed on"
	assert_eq "$(argv_count "$rec" -config)" 1 "one -config"
	assert_eq "$(argv_count "$rec" -ignore_keyusage)" 1 "True gives a bare -ignore_keyusage"
	assert_eq "$(argv_count "$rec" True)" 0 "no 'True' argument"
	assert_eq "$(argv_count "$rec" -implicit_confirm)" 0 "False leaves -implicit_confirm out"
	assert_eq "$(argv_count "$rec" False)" 0 "no 'False' argument"
	assert_eq "$(argv_pair "$rec" -msg_timeout)" 7 "cmp_msg_timeout wins"
	assert_eq "$(argv_count "$rec" -msg_timeout)" 1 "one -msg_timeout"
	assert_eq "$(argv_pair "$rec" -total_timeout)" 9 "cmp_total_timeout wins"
	assert_eq "$(argv_count "$rec" -total_timeout)" 1 "one -total_timeout"

	# the csr mapping needs no work folder at all
	mkdir "$TD/wd"
	rm -f "$rec"/argv* "$rec"/wdmode*
	{ rec_config "$SRV_PORT" "$rec"
	  echo "cmp_tmp_dir = $TD/wd"; } | write_config "$TD/w.ini"
	run -c "$TD/w.ini" "$PKI/ee.csr"
	assert_issued "$PKI/ee.pem"
	assert_eq "$(ls "$rec"/wdmode.* 2>/dev/null)" "" "no work folder in the csr mapping"
	assert_eq "$(ls -A "$TD/wd")" "" "nothing written under cmp_tmp_dir"

	# the fields mapping: the key file in a folder of mode 0700 under
	# cmp_tmp_dir, removed afterwards
	rm -f "$rec"/argv* "$rec"/wdmode*
	run -c "$TD/w.ini" --mapping fields "$PKI/ee.csr"
	assert_issued "$PKI/ee.pem"
	case $(argv_pair "$rec" -newkey) in
	"$TD/wd/"*/newkey.pem) ok "-newkey under cmp_tmp_dir" ;;
	*) fail "-newkey not under cmp_tmp_dir" "$(argv_pair "$rec" -newkey)" ;;
	esac
	assert_eq "$(argv_pair "$rec" -certout)" /dev/fd/4 "-certout a pipe with fields too"
	assert_eq "$(cat "$rec"/wdmode.* 2>/dev/null)" 700 "work folder mode 0700 while openssl runs"
	assert_eq "$(ls -A "$TD/wd")" "" "work folder removed"
}
