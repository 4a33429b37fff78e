# it_ops.sh: issue 4, every CMP operation an RA needs (sourced by run-integration.sh).

# The mock server sends caPubs only in an ip: after a cr, p10cr or kur the
# root comes from the config (cmp_untrusted), which completes the chain.
test_cmd_cr() {
	srv_start || return
	{ base_config "$SRV_PORT"; echo "cmp_reqout = $(req_files "$TD" 3)"
	  echo "cmp_untrusted = $PKI/root.pem"; } | write_config "$TD/c.ini"
	run -c "$TD/c.ini" --cmd cr "$PKI/ee.csr"
	assert_issued "$PKI/ee.pem"
	assert_eq "$(saved_bodies "$TD")" "cr certConf" "requests: cr, certConf"
	assert_request_carries "$TD/req1.der" "$PKI/ee.csr" "${EE_SANS[@]}"

	rm -f "$TD"/req*.der
	{ base_config "$SRV_PORT"; echo "cmp_cmd = cr"
	  echo "cmp_reqout = $(req_files "$TD" 3)"
	  echo "cmp_untrusted = $PKI/root.pem"; } | write_config "$TD/c2.ini"
	run -c "$TD/c2.ini" "$PKI/ee.csr"
	assert_issued "$PKI/ee.pem"
	assert_eq "$(saved_bodies "$TD")" "cr certConf" "cmp_cmd = cr: requests cr, certConf"
}

test_cmd_p10cr() {
	local rec m csrhex
	srv_start || return
	rec=$(newdir)
	{ rec_config "$SRV_PORT" "$rec"
	  echo "cmp_reqout = $(req_files "$TD" 3)"
	  echo "cmp_untrusted = $PKI/root.pem"; } | write_config "$TD/c.ini"
	csrhex=$(hexof "$PKI/ee.der")
	for m in csr fields; do
		rm -f "$TD"/req*.der "$rec"/argv.*
		run -c "$TD/c.ini" --cmd p10cr --mapping "$m" "$PKI/ee.csr"
		assert_issued "$PKI/ee.pem"   # cp: no caPubs, the root from the config
		assert_eq "$(saved_bodies "$TD")" "p10cr certConf" "mapping $m: requests p10cr, certConf"
		assert_contains "$(hexof "$TD/req1.der")" "$csrhex" \
			"mapping $m: the p10cr carries the CSR byte for byte"
		if grep -qx -- '-popo' "$rec"/argv.*; then
			fail "mapping $m: p10cr argv has -popo" "$(tr '\n' ' ' <"$rec"/argv.*)"
		else ok "mapping $m: p10cr argv has no -popo"; fi
		if grep -qx -- '-csr' "$rec"/argv.* && ! grep -qx -- '-newkey' "$rec"/argv.*; then
			ok "mapping $m: p10cr sends -csr, no -newkey"
		else fail "mapping $m: p10cr argv lacks -csr or has -newkey" "$(tr '\n' ' ' <"$rec"/argv.*)"; fi
	done
}

test_cmd_kur() {
	kur_pki || { fail "kur PKI"; return; }
	SRV_TRUSTED=$PKI/root.pem SRV_RSP_CERT=$TD/new.pem SRV_REF_CERT=$TD/old.pem \
		srv_start_sig -srv_untrusted "$PKI/int.pem" || return
	write_config "$TD/c.ini" <<EOF
[CAhandler]
cmp_openssl_bin = $CLI_BIN
cmp_server = 127.0.0.1:$SRV_PORT
cmp_srvcert = $PKI/srv.pem
cmp_reqout = $(req_files "$TD" 3)
cmp_untrusted = $PKI/root.pem
EOF
	run -c "$TD/c.ini" --cmd kur --oldcert "$TD/old.pem" --key "$TD/old.key" "$TD/new.csr"
	assert_issued "$TD/new.pem"
	assert_eq "$(saved_bodies "$TD")" "kur certConf" "requests: kur, certConf"
	assert_request_carries "$TD/req1.der" "$TD/new.csr" "DNS kur.example"

	# the same from the config: cmp_cmd, cmp_cert, cmp_key
	rm -f "$TD"/req*.der
	{ cat "$TD/c.ini"; echo "cmp_cmd = kur"; echo "cmp_cert = $TD/old.pem"
	  echo "cmp_key = $TD/old.key"; } | write_config "$TD/k.ini"
	run -c "$TD/k.ini" "$TD/new.csr"
	assert_issued "$TD/new.pem"
	assert_eq "$(saved_bodies "$TD")" "kur certConf" "config: requests kur, certConf"

	# an old certificate the CA does not know (other serial): refused
	pki_issue "$TD/old.csr" "$TD/stranger.pem" 10 0BAD
	run -c "$TD/c.ini" --cmd kur --oldcert "$TD/stranger.pem" --key "$TD/old.key" "$TD/new.csr"
	assert_rc 77 "kur with an unknown old certificate"
	assert_one_error
}

# rr_reason_hex FILE: the reasonCode (hex) in a saved rr, "" if none.
rr_reason_hex() {
	hexof "$1" | grep -o '0603551d1504030a01[0-9a-f][0-9a-f]' | head -n1 | tail -c 3
}

test_revoke() {
	srv_start || return
	{ base_config "$SRV_PORT"; echo "cmp_reqout = $(req_files "$TD" 2)"; } |
		write_config "$TD/c.ini"
	local serial
	serial=$(cert_serial "$PKI/ee.pem")

	run -c "$TD/c.ini" --revoke "$PKI/ee.pem" --reason keyCompromise
	assert_rc 0 "revoke, reason keyCompromise"
	assert_stdout_empty
	assert_stderr_lines 1
	assert_stderr_match "^cmpenroll: revoked .*ee\.example.*serial (0x)?0*$serial" \
		"stderr: 'cmpenroll: revoked <subject>, serial $serial'"
	assert_eq "$(req_body "$TD/req1.der")" rr "request is an rr"
	assert_eq "$(rr_reason_hex "$TD/req1.der")" 01 "reasonCode keyCompromise (1) sent"

	rm -f "$TD"/req*.der
	run -c "$TD/c.ini" --revoke "$PKI/ee.pem" --reason 4
	assert_rc 0 "revoke, reason 4"
	assert_stderr_lines 1
	assert_stderr_match "^cmpenroll: revoked " "stderr: 'cmpenroll: revoked ...'"
	assert_eq "$(rr_reason_hex "$TD/req1.der")" 04 "reasonCode superseded (4) sent"

	local before bad
	before=$(srv_requests)
	for bad in nonsense 7 11 -1 "" 1x; do
		run -c "$TD/c.ini" --revoke "$PKI/ee.pem" --reason "$bad"
		assert_rc 64 "bad reason '$bad'"
		assert_one_error
	done
	assert_eq "$(srv_requests)" "$before" "no request sent for a bad reason"
}

test_revoke_refused() {
	srv_start -pkistatus 2 -failure 2 -statusstring "not yours" || return
	base_config "$SRV_PORT" | write_config "$TD/c.ini"
	run -c "$TD/c.ini" --revoke "$PKI/ee.pem" --reason superseded
	assert_rc 77
	assert_one_error
	assert_stderr_match "rejection" "message names the PKIStatus"
	assert_stderr_match "not yours" "message carries the StatusString"
}

test_ra_signature_auth() {
	srv_start_sig || return
	# pinned server certificate, encrypted RA key with cmp_keypass = pass:...
	sig_config "$SRV_PORT" | write_config "$TD/c.ini"
	run -c "$TD/c.ini" "$PKI/ee.csr"
	assert_issued "$PKI/ee.pem"

	# server checked through a trust anchor instead; bare key pass phrase
	write_config "$TD/t.ini" <<EOF
[CAhandler]
cmp_openssl_bin = $CLI_BIN
cmp_server = 127.0.0.1:$SRV_PORT
cmp_cert = $PKI/ra.pem
cmp_key = $PKI/ra.key
cmp_keypass = $RA_PASS
cmp_trusted = $PKI/srvroot.pem
cmp_recipient = $RECIPIENT
EOF
	run -c "$TD/t.ini" "$PKI/ee.csr"
	assert_issued "$PKI/ee.pem"
	srv_stop

	# a server that does not trust the RA refuses
	SRV_TRUSTED=$PKI/root.pem srv_start_sig || return
	sig_config "$SRV_PORT" | write_config "$TD/c.ini"
	run -c "$TD/c.ini" "$PKI/ee.csr"
	assert_rc 77 "server does not trust the RA"
	assert_one_error
}

# From 3.3 on the mock server delays the certConf as well (an error
# message with status waiting): a 3.3+ client polls for the pkiConf too, a
# client before 3.3 cannot, and cmpenroll says so (issue 15).
test_polling() {
	local want
	srv_start -poll_count 2 -check_after 1 || return
	{ base_config "$SRV_PORT"; echo "cmp_reqout = $(req_files "$TD" 9)"; chain_in_config; } |
		write_config "$TD/c.ini"
	run -c "$TD/c.ini" "$PKI/ee.csr"
	if srv_ge 3.3 && ! cli_ge 3.3; then
		assert_rc 75 "client $CLI_VER, server $SRV_VER delays the certConf"
		assert_one_error
		assert_stderr_match 'cannot poll' "says the client cannot poll for the confirmation"
		assert_eq "$(saved_bodies "$TD")" "ir pollReq pollReq certConf" \
			"requests: ir, pollReq, pollReq, certConf"
		return
	fi
	assert_issued "$PKI/ee.pem"
	if srv_ge 3.3; then
		want="ir pollReq pollReq certConf pollReq pollReq"
	else
		want="ir pollReq pollReq certConf"
	fi
	assert_eq "$(saved_bodies "$TD")" "$want" "requests (server $SRV_VER): ${want// /, }"
	assert_srv_requests "$(wc -w <<<"$want")"
}

test_polling_total_timeout() {
	local t0 t1 ms
	srv_start -poll_count 5 -check_after 1 || return
	{ base_config "$SRV_PORT"; echo "cmp_total_timeout = 1"; } | write_config "$TD/c.ini"
	t0=$(now)
	run -c "$TD/c.ini" "$PKI/ee.csr"
	t1=$(now)
	assert_rc 75 "total timeout while polling"
	assert_one_error
	ms=$(elapsed_ms "$t0" "$t1")
	if [ "$ms" -lt 4000 ]; then ok "gave up after $ms ms"; else
		fail "took $ms ms to give up (total_timeout 1)"; fi
}

test_implicit_confirm() {
	srv_start -grant_implicitconf || return
	{ base_config "$SRV_PORT"; echo "cmp_implicit_confirm = True"
	  echo "cmp_reqout = $(req_files "$TD" 3)"; } | write_config "$TD/c.ini"
	run -c "$TD/c.ini" "$PKI/ee.csr"
	assert_issued "$PKI/ee.pem"
	assert_eq "$(saved_bodies "$TD")" "ir" "one request (ir), no certConf"
	assert_srv_requests 1
	srv_stop

	# a CA that does not grant it: ir and certConf
	rm -f "$TD"/req*.der
	srv_start || return
	{ base_config "$SRV_PORT"; echo "cmp_implicit_confirm = True"
	  echo "cmp_reqout = $(req_files "$TD" 3)"; } | write_config "$TD/c.ini"
	run -c "$TD/c.ini" "$PKI/ee.csr"
	assert_issued "$PKI/ee.pem"
	assert_eq "$(saved_bodies "$TD")" "ir certConf" "not granted: ir, certConf"
}

test_ca_status_in_message() {
	srv_start -pkistatus 2 -failure 2 -statusstring "request denied by policy 7" || return
	base_config "$SRV_PORT" | write_config "$TD/c.ini"
	run -c "$TD/c.ini" "$PKI/ee.csr"
	assert_rc 77
	assert_one_error
	assert_stderr_match "rejection" "PKIStatus rejection in the message"
	assert_stderr_match "badRequest" "PKIFailureInfo badRequest in the message"
	assert_stderr_match "request denied by policy 7" "StatusString in the message"
	srv_stop

	# two failure bits (badRequest = 2, badPOP = 9)
	srv_start -pkistatus 2 -failurebits 516 -statusstring "two bits" || return
	base_config "$SRV_PORT" | write_config "$TD/c.ini"
	run -c "$TD/c.ini" "$PKI/ee.csr"
	assert_rc 77
	assert_one_error
	assert_stderr_match "badRequest.*badPOP|badPOP.*badRequest" "both failure bits in the message"
}
