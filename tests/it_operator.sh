# it_operator.sh: issue 5, output files, renew-when-due, dry run, config
# check, JSON, sections, man page (sourced by run-integration.sh).

FP_EE="" FP_INT="" FP_ROOT=""
op_fps() {
	FP_EE=$(cert_fp "$PKI/ee.pem")
	FP_INT=$(cert_fp "$PKI/int.pem")
	FP_ROOT=$(cert_fp "$PKI/root.pem")
}

test_output_files() {
	local od
	op_fps
	srv_start || return
	base_config "$SRV_PORT" | write_config "$TD/c.ini"
	od=$(newdir)

	run -c "$TD/c.ini" -o "$od/bundle.pem" "$PKI/ee.csr"
	assert_rc 0 "-o new file"
	assert_stdout_empty
	assert_stderr_lines 1
	assert_stderr_match '^cmpenroll: issued ' "stderr: 'cmpenroll: issued ...'"
	assert_chain "$od/bundle.pem" "$FP_EE" "$FP_INT" "$FP_ROOT"
	assert_mode "$od/bundle.pem" 644

	run -c "$TD/c.ini" --cert-out "$od/cert.pem" --chain-out "$od/chain.pem" "$PKI/ee.csr"
	assert_rc 0 "--cert-out and --chain-out"
	assert_chain "$od/cert.pem" "$FP_EE"
	assert_chain "$od/chain.pem" "$FP_INT" "$FP_ROOT"
	assert_mode "$od/cert.pem" 644
	assert_mode "$od/chain.pem" 644

	# an existing file's mode is kept, its content replaced
	printf 'old\n' >"$od/kept.pem"
	chmod 640 "$od/kept.pem"
	run -c "$TD/c.ini" -o "$od/kept.pem" "$PKI/ee.csr"
	assert_rc 0 "-o existing file"
	assert_chain "$od/kept.pem" "$FP_EE" "$FP_INT" "$FP_ROOT"
	assert_mode "$od/kept.pem" 640
	chmod 600 "$od/kept.pem"
	run -c "$TD/c.ini" --cert-out "$od/kept.pem" "$PKI/ee.csr"
	assert_rc 0 "--cert-out existing file"
	assert_chain "$od/kept.pem" "$FP_EE"
	assert_mode "$od/kept.pem" 600

	assert_eq "$(ls -A "$od" | tr '\n' ' ')" "bundle.pem cert.pem chain.pem kept.pem " \
		"no temporary files left"

	# stdout that cannot be written: 73
	timeout -k 5 30 "$BIN" -c "$TD/c.ini" "$PKI/ee.csr" </dev/null >/dev/full 2>"$TD/full.err"
	assert_eq "$?" 73 "stdout on /dev/full: exit status 73"
	assert_eq "$(lines "$TD/full.err") $(grep -c '^cmpenroll: ' "$TD/full.err")" "1 1" \
		"stdout on /dev/full: one 'cmpenroll: ' line on stderr"

	# -q: nothing on stderr on success
	run -q -c "$TD/c.ini" -o "$od/bundle.pem" "$PKI/ee.csr"
	assert_rc 0 "-q"
	assert_stderr_empty
}

test_renew_within() {
	local od
	op_fps
	srv_start || return
	base_config "$SRV_PORT" | write_config "$TD/c.ini"
	od=$(newdir)
	pki_issue "$PKI/ee.csr" "$TD/leaf10.pem" 10
	cat "$TD/leaf10.pem" "$PKI/int.pem" "$PKI/root.pem" >"$od/bundle.pem"
	cp "$od/bundle.pem" "$TD/bundle.orig"
	cp "$TD/leaf10.pem" "$od/cert.pem"

	run -c "$TD/c.ini" -o "$od/bundle.pem" --renew-within 5 "$PKI/ee.csr"
	assert_rc 1 "10-day certificate, --renew-within 5 (-o)"
	assert_one_error
	assert_stderr_match '^cmpenroll: .*not due for renewal \(expires ' \
		"message 'not due for renewal (expires ...)'"
	assert_same_bytes "$TD/bundle.orig" "$od/bundle.pem" "file untouched"
	assert_srv_requests 0

	run -c "$TD/c.ini" --cert-out "$od/cert.pem" --renew-within 5 "$PKI/ee.csr"
	assert_rc 1 "10-day certificate, --renew-within 5 (--cert-out)"
	assert_same_bytes "$TD/leaf10.pem" "$od/cert.pem" "--cert-out file untouched"
	assert_srv_requests 0

	run -c "$TD/c.ini" -o "$od/bundle.pem" --renew-within 20 "$PKI/ee.csr"
	assert_rc 0 "10-day certificate, --renew-within 20"
	assert_chain "$od/bundle.pem" "$FP_EE" "$FP_INT" "$FP_ROOT"
	assert_srv_requests 2

	# a file whose key is not the CSR's means enroll
	pki_csr "$TD/o.key" "$TD/o.csr" "/CN=ee.example"
	pki_issue "$TD/o.csr" "$TD/other.pem" 10
	cp "$TD/other.pem" "$od/other.pem"
	run -c "$TD/c.ini" --cert-out "$od/other.pem" --renew-within 5 "$PKI/ee.csr"
	assert_rc 0 "valid file with another key: enroll"
	assert_chain "$od/other.pem" "$FP_EE"

	# a missing or unparsable file means enroll
	run -c "$TD/c.ini" -o "$od/new.pem" --renew-within 5 "$PKI/ee.csr"
	assert_rc 0 "missing file: enroll"
	printf 'not a certificate\n' >"$od/junk.pem"
	run -c "$TD/c.ini" -o "$od/junk.pem" --renew-within 5 "$PKI/ee.csr"
	assert_rc 0 "unparsable file: enroll"
	assert_chain "$od/junk.pem" "$FP_EE" "$FP_INT" "$FP_ROOT"
}

test_dry_run() {
	local line wd
	op_fps
	srv_start || return
	base_config "$SRV_PORT" | write_config "$TD/c.ini"

	run -n -c "$TD/c.ini" "$PKI/ee.csr"
	assert_rc 0 "--dry-run"
	assert_eq "$(lines "$OUT")" 1 "one line on stdout"
	assert_srv_requests 0
	line=$(cat "$OUT")
	assert_contains "$line" "****" "secret shown as ****"
	assert_not_contains "$line" "$SECRET" "secret not shown"
	assert_contains "$line" "$PKI/ee.csr" "CSR named by the user's path"

	wd=$(newdir)
	(cd "$wd" && sh -c "$(printf '%s\n' "$line" | sed "s/\*\*\*\*/pass:$SECRET/g")" \
		>"$TD/sh.out" 2>&1)
	assert_eq "$?" 0 "the dry-run line, secret filled in, runs under sh -c"
	assert_srv_requests 2
	if [ -f "$wd/cert.pem" ]; then
		assert_eq "$(cert_fp "$wd/cert.pem")" "$FP_EE" "it wrote cert.pem, the issued leaf"
	else
		fail "no cert.pem in the working folder" "$(cat "$TD/sh.out")"
	fi
	assert_file_exists "$wd/extracerts.pem"
	assert_file_exists "$wd/cacerts.pem"

	# --dry-run -n also with -v and with the config's secret from a variable
	{ base_config "$SRV_PORT" | sed '/^cmp_secret = /d'; echo "cmp_secret_variable = CMPIT_S"; } |
		write_config "$TD/v.ini"
	CMPIT_S=$SECRET run --dry-run -c "$TD/v.ini" "$PKI/ee.csr"
	assert_rc 0 "--dry-run, cmp_secret_variable"
	assert_stdout_match '\*\*\*\*' "secret from a variable shown as ****"
	if grep -qF -- "$SECRET" "$OUT"; then fail "secret from a variable shown"; else
		ok "secret from a variable not shown"; fi
}

# -V names the libcrypto cmpenroll runs with and the one it was built
# against; the binary loads the system's libcrypto.so.3 (a distribution's
# security update reaches it without a rebuild).
test_version_and_library() {
	local lib
	run -V
	assert_rc 0 "-V"
	assert_stdout_match "^cmpenroll [0-9.]+ \\(running OpenSSL 3\\.[0-9.]+ .*; built against OpenSSL 3\\.[0-9.]+ .*\\)$" \
		"-V names the libcrypto it runs with and the one it was built against"
	lib=$(ldd "$BIN" 2>/dev/null | awk '$1 == "libcrypto.so.3" { print $3 }')
	case $lib in
	/lib/* | /usr/lib/*) ok "the binary loads the system's libcrypto.so.3 ($lib)" ;;
	*) fail "the binary does not load the system's libcrypto.so.3" "$(ldd "$BIN" 2>&1)" ;;
	esac
	if readelf -lW "$BIN" 2>/dev/null | grep -q 'GNU_RELRO' &&
		readelf -dW "$BIN" 2>/dev/null | grep -Eq 'FLAGS.*BIND_NOW|FLAGS_1.*NOW' &&
		readelf -hW "$BIN" 2>/dev/null | grep -q 'DYN'; then
		ok "PIE with full RELRO"
	else
		fail "not a PIE with full RELRO" "$(readelf -hdlW "$BIN" 2>&1 | grep -E 'Type|RELRO|FLAGS')"
	fi
}

# --check runs openssl too: -t bounds it, and a timeout is no config error.
test_check_timeout() {
	local slow=$TD/slow-openssl
	printf '#!/bin/sh\nexec sleep 10\n' >"$slow"
	chmod 755 "$slow"
	base_config 9 | with_openssl "$slow" | write_config "$TD/slow.ini"
	run -t 1 --check -c "$TD/slow.ini"
	assert_rc 75 "--check, openssl slower than -t 1"
	assert_one_error
	assert_stderr_match 'timed out' "says it timed out"
}

test_check() {
	srv_start || return
	base_config "$SRV_PORT" | write_config "$TD/good.ini"

	run --check -c "$TD/good.ini"
	assert_rc 0 "--check good config"
	assert_stdout_empty
	run --check -c "$TD/good.ini" "$PKI/ee.csr"
	assert_rc 0 "--check good config and CSR"

	{ cat "$TD/good.ini"; echo "cmp_trustd = $PKI/root.pem"; } | write_config "$TD/typo.ini"
	run --check -c "$TD/typo.ini"
	assert_rc 78 "--check misspelt key"
	assert_check_lines 1
	assert_stderr_prefixed
	assert_stderr_match 'cmp_trustd' "names the misspelt key"
	assert_stderr_match 'trusted' "suggests 'trusted'"

	{ cat "$TD/good.ini"; echo "cmp_trusted = $TD/no-such-ca.pem"; } | write_config "$TD/miss.ini"
	run --check -c "$TD/miss.ini"
	assert_rc 78 "--check missing file"
	assert_check_lines 1
	assert_stderr_match 'no-such-ca\.pem' "names the missing file"

	# openssl splits certificate lists at commas and blanks alike
	{ cat "$TD/good.ini"; echo "cmp_untrusted = $PKI/root.pem $PKI/int.pem"; } |
		write_config "$TD/list.ini"
	run --check -c "$TD/list.ini"
	assert_rc 0 "--check a blank-separated list"
	{ cat "$TD/good.ini"; echo "cmp_untrusted = $PKI/root.pem	$TD/gone.pem"; } |
		write_config "$TD/list2.ini"
	run --check -c "$TD/list2.ini"
	assert_rc 78 "--check a list with a missing file"
	assert_stderr_match 'cannot read [^ ]*gone\.pem$' "names the missing file alone"

	{ cat "$TD/good.ini"; echo "cmp_msg_timeout = soon"; } | write_config "$TD/num.ini"
	run --check -c "$TD/num.ini"
	assert_rc 78 "--check non-numeric value"
	assert_stderr_match 'msg_timeout' "names the key"

	# an RA has no private key: only -popo 0 or -1 can work
	{ cat "$TD/good.ini"; echo "cmp_popo = False"; } | write_config "$TD/popo.ini"
	run --check -c "$TD/popo.ini"
	assert_rc 78 "--check cmp_popo = False"
	assert_stdout_empty
	assert_check_lines 1
	assert_stderr_prefixed
	assert_stderr_match 'popo\.ini:[0-9]+: cmp_popo must be 0 .* or -1' \
		"names the key, its line and the values that work"
	run -c "$TD/popo.ini" "$PKI/ee.csr"
	assert_rc 78 "a run with cmp_popo = False"
	assert_srv_requests 0

	{ cat "$TD/good.ini"; echo "cmp_trustd = $PKI/root.pem"
	  echo "cmp_untrusted = $TD/no-such-ca.pem"; } | write_config "$TD/two.ini"
	run --check -c "$TD/two.ini"
	assert_rc 78 "--check two problems"
	assert_check_lines 2
	assert_stderr_prefixed

	run --check -c "$TD/good.ini" -s NoSuchSection
	assert_rc 78 "--check missing section"
	assert_one_error
	assert_stderr_match 'NoSuchSection' "names the section"

	{ cat "$TD/good.ini"; echo "cmp_certout = $TD/x.pem"; } | write_config "$TD/res.ini"
	run --check -c "$TD/res.ini"
	assert_rc 78 "--check reserved key"
	assert_stderr_match 'cmp_certout' "names the reserved key"

	flip_last_byte "$PKI/ee.der" "$TD/bad.der"
	run --check -c "$TD/good.ini" "$TD/bad.der"
	assert_rc 65 "--check with a CSR whose signature is bad"
	assert_stdout_empty
	assert_check_lines 1
	assert_stderr_prefixed

	# What only building the command shows: a kur with nothing to sign it.
	{ cat "$TD/good.ini"; echo "cmp_cmd = kur"; } | write_config "$TD/kur.ini"
	run --check -c "$TD/kur.ini"
	assert_rc 78 "--check kur without certificate and key"
	assert_stdout_empty
	assert_check_lines 1
	assert_stderr_prefixed
	assert_stderr_match 'kur needs' "says what kur needs"

	assert_srv_requests 0
}

test_json() {
	local od serial iso='^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$'
	op_fps
	serial=$(cert_serial "$PKI/ee.pem")
	srv_start || return
	base_config "$SRV_PORT" | write_config "$TD/c.ini"

	run --json -c "$TD/c.ini" "$PKI/ee.csr"
	assert_rc 0 "--json success"
	# the JSON is the result: a closed stdout is a failed run
	"$BIN" --json -c "$TD/c.ini" "$PKI/ee.csr" >&- 2>"$TD/closed.err"
	assert_eq "$?" 73 "--json with stdout closed: exit 73"
	json_checks "$OUT" \
		'j["status"] == "issued" and j["exit_code"] == 0' 'status issued, exit_code 0' \
		'"ee.example" in j["subject"] and "Test Intermediate CA" in j["issuer"]' 'subject and issuer' \
		"j['serial'].lower().lstrip('0') == '$serial'.lower().lstrip('0')" "serial $serial (hex)" \
		"re.match(r'$iso', j['not_before']) and re.match(r'$iso', j['not_after'])" 'not_before/not_after ISO 8601 UTC' \
		'set(j["sans"]) >= {"DNS:ee.example", "DNS:www.ee.example", "IP:127.0.0.1"}' 'sans listed' \
		'j["certificate"].startswith("-----BEGIN CERTIFICATE-----") and len(j["chain"]) == 2' 'certificate PEM and a chain of 2'
	"$PY" -c 'import json, sys
j = json.load(open(sys.argv[1]))
open(sys.argv[2], "w").write(j["certificate"])
open(sys.argv[3], "w").write("".join(j["chain"]))' "$OUT" "$TD/j-leaf.pem" "$TD/j-chain.pem" 2>/dev/null
	assert_eq "$(pem_fps "$TD/j-leaf.pem")" "$FP_EE" "JSON certificate is the leaf"
	assert_eq "$(pem_fps "$TD/j-chain.pem" | tr '\n' ' ')" "$FP_INT $FP_ROOT " "JSON chain is intermediate, root"

	# not due
	od=$(newdir)
	pki_issue "$PKI/ee.csr" "$od/cert.pem" 10
	run --json -c "$TD/c.ini" --cert-out "$od/cert.pem" --renew-within 5 "$PKI/ee.csr"
	assert_rc 1 "--json not due"
	json_checks "$OUT" 'j["status"] == "not_due" and j["exit_code"] == 1' 'status not_due, exit_code 1'
	srv_stop

	# rejection
	srv_start -pkistatus 2 -failure 2 -statusstring "policy says no" || return
	base_config "$SRV_PORT" | write_config "$TD/c.ini"
	run --json -c "$TD/c.ini" "$PKI/ee.csr"
	assert_rc 77 "--json rejection"
	json_checks "$OUT" 'j["status"] == "error" and j["exit_code"] == 77' 'status error, exit_code 77' \
		'j["pki_status"] == "rejection" and j["fail_info"] == ["badRequest"]' 'pki_status rejection, fail_info [badRequest]' \
		'j["status_string"] == "policy says no" and len(j["error"]) > 0' 'status_string and error'
	srv_stop

	# unreachable, and a bad CSR: still one valid JSON object
	{ base_config "$(closed_port)"; echo "cmp_msg_timeout = 1"; } | write_config "$TD/c.ini"
	run --json -c "$TD/c.ini" "$PKI/ee.csr"
	assert_rc 69 "--json unreachable"
	json_checks "$OUT" 'j["status"] == "error" and j["exit_code"] == 69' 'status error, exit_code 69'
	: >"$TD/empty.csr"
	run --json -c "$TD/c.ini" "$TD/empty.csr"
	assert_rc 65 "--json bad CSR"
	json_checks "$OUT" 'j["status"] == "error" and j["exit_code"] == 65' 'status error, exit_code 65'

	# usage error and missing config: still one valid JSON object
	run --json -c "$TD/c.ini" --revoke "$PKI/ee.pem" --reason bogus
	assert_rc 64 "--json usage error"
	json_checks "$OUT" 'j["status"] == "error" and j["exit_code"] == 64' 'status error, exit_code 64'
	run --json -c "$TD/no-such.ini" "$PKI/ee.csr"
	assert_rc 66 "--json missing config"
	json_checks "$OUT" 'j["status"] == "error" and j["exit_code"] == 66' 'status error, exit_code 66'

	# revocation
	srv_start || return
	base_config "$SRV_PORT" | write_config "$TD/c.ini"
	run --json -c "$TD/c.ini" --revoke "$PKI/ee.pem" --reason keyCompromise
	assert_rc 0 "--json revoke"
	json_checks "$OUT" 'j["status"] == "revoked" and j["exit_code"] == 0' 'status revoked, exit_code 0'
}

test_sections() {
	local pa pb
	pki_issue "$PKI/ee.csr" "$TD/a.pem" 30 AAAA01
	pki_issue "$PKI/ee.csr" "$TD/b.pem" 30 BBBB02
	SRV_RSP_CERT=$TD/a.pem srv_start || return
	pa=$SRV_PORT
	SRV_RSP_CERT=$TD/b.pem srv_start || return
	pb=$SRV_PORT
	write_config "$TD/c.ini" <<EOF
[DEFAULT]
cmp_openssl_bin = $CLI_BIN
cmp_ref = $REF
cmp_secret = pass:$SECRET
cmp_recipient = $RECIPIENT

[CA_A]
cmp_server = 127.0.0.1:$pa

[CA_B]
cmp_server = 127.0.0.1:$pb
EOF
	run -c "$TD/c.ini" -s CA_B "$PKI/ee.csr"
	assert_issued "$TD/b.pem"
	run -c "$TD/c.ini" --section CA_A "$PKI/ee.csr"
	assert_issued "$TD/a.pem"
	run -c "$TD/c.ini" "$PKI/ee.csr"
	assert_rc 78 "no [CAhandler] and no -s"
	assert_one_error
}

test_man_page() {
	local man=$REPO_DIR/man/cmpenroll.1 s
	if [ ! -f "$man" ]; then
		fail "man page missing: $man"
		return
	fi
	if ! command -v groff >/dev/null 2>&1; then
		fail "groff not installed (apt-get install groff)"
		return
	fi
	groff -ww -z -mandoc "$man" >"$TD/groff.out" 2>&1
	assert_eq "$?" 0 "groff -ww -z -mandoc exits 0"
	if [ -s "$TD/groff.out" ]; then fail "groff warnings" "$(cat "$TD/groff.out")"; else
		ok "groff -ww prints no warning"; fi
	for s in SYNOPSIS DESCRIPTION OPTIONS CONFIGURATION "EXIT STATUS" ENVIRONMENT FILES \
		EXAMPLES "SEE ALSO"; do
		if grep -Eq "^\.S[Hh] +\"?$s\"?\$" "$man"; then ok "section $s"; else
			fail "man page lacks section $s"; fi
	done
	if grep -q 'openssl-cmp' "$man"; then ok "SEE ALSO openssl-cmp"; else
		fail "man page does not name openssl-cmp"; fi
	# mandoc's linter, but for what depends on this machine's manuals
	if command -v mandoc >/dev/null 2>&1; then
		mandoc -Tlint -Wwarning "$man" 2>&1 | grep -v -e 'mandoc\.db' \
			-e 'referenced manual not found' >"$TD/lint.out"
		if [ -s "$TD/lint.out" ]; then fail "mandoc -Tlint" "$(cat "$TD/lint.out")"; else
			ok "mandoc -Tlint -Wwarning is clean"; fi
	else
		note "mandoc not installed: its linter not run"
	fi
	# EXAMPLES alone is enough to write a config
	for s in cmp_server cmp_path cmp_trusted cmp_ref cmp_secret; do
		if sed -n '/^\.Sh EXAMPLES/,/^\.Sh /p' "$man" | grep -q "^$s = "; then
			ok "EXAMPLES shows $s"
		else fail "EXAMPLES lacks a $s line"; fi
	done
}
