# it_versions.sh: issue 15, cmpenroll with every OpenSSL from 3.0 to 3.6
# (sourced by run-integration.sh). The client is always the suite's
# CLI_OPENSSL; a test that needs another mock server picks one
# (need_srv_ge). A test whose versions are not there is skipped with one
# note, never failed.

# A CA that sends neither extraCerts nor caPubs: only the leaf comes back.
bare_srv_start() { SRV_EXTRACERTS="" SRV_CAPUBS="" srv_start "$@"; }

# The chain is completed from the certificates the config names: the
# intermediate in cmp_untrusted, the root in cmp_trusted; or both in
# cmp_extracerts (a self-signed root ends the chain); or the path ends at
# a certificate in cmp_trusted.
test_chain_completed_from_config() {
	bare_srv_start || return
	{ base_config "$SRV_PORT"; echo "cmp_untrusted = $PKI/int.pem"
	  echo "cmp_trusted = $PKI/root.pem"; } | write_config "$TD/c.ini"
	run -c "$TD/c.ini" "$PKI/ee.csr"
	assert_issued "$PKI/ee.pem"
	assert_srv_requests 2

	{ base_config "$SRV_PORT"
	  echo "cmp_extracerts = $PKI/int.pem, $PKI/root.pem"; } | write_config "$TD/x.ini"
	run -c "$TD/x.ini" "$PKI/ee.csr"
	assert_issued "$PKI/ee.pem"

	# the intermediate is the trust anchor: leaf and intermediate, complete
	{ base_config "$SRV_PORT"; echo "cmp_trusted = $PKI/int.pem"; } | write_config "$TD/t.ini"
	run -c "$TD/t.ini" "$PKI/ee.csr"
	assert_issued "$PKI/ee.pem" "$PKI/int.pem"
	run --json -c "$TD/t.ini" "$PKI/ee.csr"
	assert_rc 0 "--json, the chain ends at cmp_trusted"
	json_checks "$OUT" 'j["status"] == "issued" and j["chain_complete"] is True' \
		'chain_complete true when the chain ends at a certificate in cmp_trusted' \
		'len(j["chain"]) == 1' 'chain: the intermediate alone'
}

# Still incomplete: the leaf all the same, exit 0, one warning; --json
# tells; --require-chain refuses (65) and writes nothing.
test_chain_incomplete() {
	local od
	bare_srv_start || return
	base_config "$SRV_PORT" | write_config "$TD/c.ini"
	run -c "$TD/c.ini" "$PKI/ee.csr"
	assert_issued_incomplete "$PKI/ee.pem"

	od=$(newdir)
	run -c "$TD/c.ini" -o "$od/bundle.pem" "$PKI/ee.csr"
	assert_rc 0 "-o, chain incomplete"
	assert_stdout_empty
	assert_chain "$od/bundle.pem" "$(cert_fp "$PKI/ee.pem")"
	assert_eq "$(grep -cE -- "$CHAIN_WARN_RE" "$ERR")" 1 "-o: the warning once"

	run --json -c "$TD/c.ini" "$PKI/ee.csr"
	assert_rc 0 "--json, chain incomplete"
	json_checks "$OUT" 'j["status"] == "issued" and j["exit_code"] == 0' 'status issued' \
		'j["chain_complete"] is False' 'chain_complete false' \
		'j["chain"] == []' 'chain empty' \
		'j["certificate"].startswith("-----BEGIN CERTIFICATE-----")' 'the leaf is there'

	run --require-chain -c "$TD/c.ini" "$PKI/ee.csr"
	assert_rc 65 "--require-chain, chain incomplete"
	assert_one_error
	assert_stderr_match 'CN=Test Intermediate CA' "the missing issuer is named"
	rm -f "$od/bundle.pem"
	run --require-chain -c "$TD/c.ini" -o "$od/bundle.pem" "$PKI/ee.csr"
	assert_rc 65 "--require-chain -o, chain incomplete"
	assert_one_error
	assert_file_absent "$od/bundle.pem" "--require-chain: no output file"
	assert_eq "$(ls -A "$od")" "" "--require-chain: nothing left in the output folder"
	srv_stop

	# the usual CA (extraCerts and caPubs): complete, and it says so
	srv_start || return
	base_config "$SRV_PORT" | write_config "$TD/n.ini"
	run --json -c "$TD/n.ini" "$PKI/ee.csr"
	assert_rc 0 "--json, chain complete"
	json_checks "$OUT" 'j["chain_complete"] is True' 'chain_complete true' \
		'len(j["chain"]) == 2' 'chain of 2'
	run --require-chain -c "$TD/n.ini" "$PKI/ee.csr"
	assert_issued "$PKI/ee.pem"
}

# issue 15, 1: a 3.3+ server delays the certConf, a 3.3+ client polls for it
# and saves the last message's (empty) extraCerts. The chain is complete
# or the run warns: never a silent leaf-only exit 0.
test_polled_confirm_chain() {
	need_cli_ge 3.3 && need_srv_ge 3.3 || return
	srv_start -poll_count 2 -check_after 1 || return
	{ base_config "$SRV_PORT"; echo "cmp_reqout = $(req_files "$TD" 9)"; } |
		write_config "$TD/c.ini"
	run -c "$TD/c.ini" "$PKI/ee.csr"
	assert_eq "$(saved_bodies "$TD")" "ir pollReq pollReq certConf pollReq pollReq" \
		"setup: the server $SRV_VER delayed the certConf, the client $CLI_VER polled"
	if [ "$(pem_fps "$OUT" | wc -l)" -eq 1 ]; then
		note "the chain was not completed: the warning is expected"
		assert_issued_incomplete "$PKI/ee.pem"
	else
		assert_issued "$PKI/ee.pem"
	fi
	srv_stop

	# with the intermediate and root in the config it is complete
	srv_start -poll_count 2 -check_after 1 || return
	{ base_config "$SRV_PORT"; echo "cmp_untrusted = $PKI/int.pem"
	  echo "cmp_trusted = $PKI/root.pem"; } | write_config "$TD/u.ini"
	run -c "$TD/u.ini" "$PKI/ee.csr"
	assert_issued "$PKI/ee.pem"
}

# issue 15, 2: a client before 3.3 facing a 3.3+ CA that delays the
# confirmation (or the revocation): exit 75, one line that says what to do.
# (A fresh server each time: the 3.3+ mock server keeps the abandoned
# transaction.)
test_old_client_delayed_confirm() {
	need_cli_lt 3.3 && need_srv_ge 3.3 || return
	srv_start -poll_count 1 -check_after 1 || return
	base_config "$SRV_PORT" | write_config "$TD/c.ini"
	run -c "$TD/c.ini" "$PKI/ee.csr"
	assert_rc 75 "client $CLI_VER, server $SRV_VER delays the certConf"
	assert_one_error
	assert_stderr_match "OpenSSL 3\.0 to 3\.2 cannot poll" "says OpenSSL before 3.3 cannot poll"
	assert_stderr_match '3\.3 or later' "names 3.3 or later"
	srv_stop

	srv_start -poll_count 1 -check_after 1 || return
	base_config "$SRV_PORT" | write_config "$TD/c.ini"
	run -c "$TD/c.ini" --revoke "$PKI/ee.pem" --reason superseded
	assert_rc 75 "revocation, client $CLI_VER, server $SRV_VER delays the rr"
	assert_one_error
	assert_stderr_match 'cannot poll' "revocation: says the client cannot poll"
	assert_stderr_nomatch 'answered with an error' "revocation: not 'the CA answered with an error'"
}

# bad_file_case KEY VALUE WANT_RE LABEL: sig_config with KEY = VALUE (and
# for cmp_trusted without cmp_srvcert, which would override it): exit 78,
# one line matching WANT_RE.
bad_file_case() {
	local key=$1 val=$2 want=$3 label=$4
	{ sig_config "$SRV_PORT" | sed "/^$key = /d" |
		if [ "$key" = cmp_trusted ]; then sed '/^cmp_srvcert = /d'; else cat; fi
	  echo "$key = $val"; } | write_config "$TD/c.ini"
	run -c "$TD/c.ini" "$PKI/ee.csr"
	assert_rc 78 "$label"
	assert_one_error
	assert_stderr_match "$want" "$label: the message names it"
}

# issue 15, 3: "Could not find" (3.2+) is a config file problem as "Could
# not read" (3.0) is: a missing or unreadable cmp_key, cmp_cert,
# cmp_trusted, or a wrong cmp_keypass: 78, the file named, nothing sent.
test_config_file_problems() {
	local k f
	srv_start_sig || return
	printf 'not a PEM file\n' >"$TD/junk.pem"
	for k in cmp_key cmp_cert cmp_trusted; do
		for f in "$TD/missing-${k#cmp_}.pem" "$TD/junk.pem"; do
			bad_file_case "$k" "$f" "$(re_quote "$f")" \
				"client $CLI_VER: $k names ${f##*/}"
		done
	done
	bad_file_case cmp_keypass pass:not-the-pass 'cmp_keypass|ra\.key' \
		"client $CLI_VER: wrong cmp_keypass"
	assert_stderr_nomatch 'not-the-pass' "the wrong pass phrase is not shown"
	assert_srv_requests 0
}

# issue 15: --check names a key that the configured openssl lacks but newer
# versions have; a version that has it accepts it.
test_check_flag_of_newer_openssl() {
	{ base_config 9; echo "cmp_profile = x"; } | write_config "$TD/c.ini"
	run --check -c "$TD/c.ini"
	if cli_ge 3.3; then
		assert_rc 0 "--check cmp_profile with openssl $CLI_VER"
		assert_stdout_empty
		assert_check_lines 1
		assert_stderr_match 'no problems found' "says it found no problems"
		assert_stderr_nomatch 'cmp_profile' "cmp_profile is not named"
		return
	fi
	assert_rc 78 "--check cmp_profile with openssl $CLI_VER"
	assert_stdout_empty
	assert_check_lines 1
	assert_stderr_prefixed
	assert_stderr_match "cmp_profile needs OpenSSL 3\\.3 or later; cmp_openssl_bin is $(re_quote "${CLI_VER%.*}")\\." \
		"'cmp_profile needs OpenSSL 3.3 or later; cmp_openssl_bin is $CLI_VER'"
}
