# it_tls.sh: the mock server behind haproxy (sourced by run-integration.sh):
# CMP over TLS, mutual TLS, and several servers behind one front. Without
# haproxy the tests are skipped with a note.

need_haproxy() {
	have_haproxy && return 0
	note "skipped: no haproxy at $HAPROXY"
	return 1
}

# Enrollment through a TLS front: the server's certificate checked against
# cmp_tls_trusted; then with a client certificate whose key is encrypted
# (cmp_tls_keypass = pass:...), which the front requires.
test_tls_front() {
	need_haproxy || return
	srv_start || return
	tls_front_start "$SRV_PORT" || return
	tls_config "$TLS_PORT" | write_config "$TD/t.ini"
	run -c "$TD/t.ini" "$PKI/ee.csr"
	assert_issued "$PKI/ee.pem"
	assert_srv_requests 2
	stop_pid "$TLS_PID"

	tls_front_start "$SRV_PORT" mtls || return
	tls_config "$TLS_PORT" mtls | write_config "$TD/m.ini"
	run -c "$TD/m.ini" "$PKI/ee.csr"
	assert_issued "$PKI/ee.pem"
	assert_srv_requests 4
	assert_stderr_nomatch "$TLS_PASS" "the TLS key pass phrase is not shown"

	# the front does require the client certificate: nothing gets through
	# (TLS 1.2: the refusal comes inside the handshake, where it cannot
	# race with the request as TLS 1.3's does)
	stop_pid "$TLS_PID"
	tls_front_start "$SRV_PORT" mtls ssl-max-ver TLSv1.2 || return
	{ tls_config "$TLS_PORT"; echo "cmp_msg_timeout = 2"; } | write_config "$TD/n.ini"
	run -c "$TD/n.ini" "$PKI/ee.csr"
	assert_rc 77 "mutual TLS front, no client certificate"
	assert_one_error
	assert_stderr_match "TLS: the CA requires a client certificate" "named as such"
	assert_srv_requests 4
}

# tls_case ARGS -- RC REGEX LABEL: a run against the TLS front with the
# config on stdin; its exit status and one line.
tls_case() {
	write_config "$TD/case.ini"
	run -c "$TD/case.ini" "$PKI/ee.csr"
	assert_rc "$1" "$3"
	assert_one_error
	assert_stderr_match "$2" "$3: named"
}

# What goes wrong with TLS is named, each with its exit status: the CA's
# certificate does not verify or is for another name (77), our client
# certificate is refused (77), a pass phrase does not decrypt the TLS key
# (78), plain HTTP to a TLS front and TLS to a plain server (69).
test_tls_failures_named() {
	local other
	need_haproxy || return
	srv_start || return
	tls_front_start "$SRV_PORT" mtls ssl-max-ver TLSv1.2 || return
	other=$(newdir)
	pki_selfsigned_ca "$other" root "/O=Other Org/CN=Other TLS Root" &&
		pki_key "$other/cli.key" &&
		ossl req -new -x509 -key "$other/cli.key" -subj "/CN=rogue client" \
			-days 2 -out "$other/cli.pem" 2>/dev/null ||
		{ fail "setup: another TLS PKI"; return; }
	tls_config "$TLS_PORT" mtls | sed "s|^cmp_tls_trusted = .*|cmp_tls_trusted = $other/root.pem|" |
		tls_case 77 "TLS: the CA's certificate does not verify against cmp_tls_trusted: 20 \(unable to get local issuer certificate\)" \
		"the CA's certificate from another root"
	{ tls_config "$TLS_PORT" mtls; echo "cmp_tls_host = ca.example"; } |
		tls_case 77 "TLS: the CA's certificate is not for the name it was reached by .*mismatch" \
		"the CA's certificate for another name"
	tls_config "$TLS_PORT" mtls | sed -e "s|^cmp_tls_cert = .*|cmp_tls_cert = $other/cli.pem|" \
		-e "s|^cmp_tls_key = .*|cmp_tls_key = $other/cli.key|" -e '/^cmp_tls_keypass/d' |
		tls_case 77 "TLS: the CA refused our client certificate" \
		"a client certificate the CA does not trust"
	tls_config "$TLS_PORT" mtls | sed "s|^cmp_tls_keypass = .*|cmp_tls_keypass = pass:wrong|" |
		tls_case 78 "case\.ini:[0-9]+: cmp_tls_keypass does not decrypt .*/cli\.key" \
		"a wrong cmp_tls_keypass"
	assert_stderr_nomatch "wrong" "the pass phrase is not shown"
	base_config "$TLS_PORT" |
		tls_case 69 "the CA ended the connection without an answer .*cmp_tls_used" \
		"plain HTTP to the TLS front"
	assert_srv_requests 0
	tls_config "$SRV_PORT" |
		tls_case 69 "TLS: the CA does not answer in TLS" "TLS to the plain server"
}

# Three mock servers, each issuing its own serial, behind one round-robin
# front; three enrollments at once (implicit confirmation: one request
# each) all succeed, each with a leaf of one of the servers, and the
# servers together see three requests.
test_lb_front() {
	local i s ports=() pids=() logs=() rc got=""
	need_haproxy || return
	for s in A1 B2 C3; do
		pki_issue "$PKI/ee.csr" "$TD/$s.pem" 30 "5E$s"
		SRV_RSP_CERT=$TD/$s.pem srv_start -grant_implicitconf || return
		ports+=("$SRV_PORT")
		logs+=("$SRV_LOG")
	done
	lb_front_start "${ports[@]}" || return
	{ base_config "$LB_PORT"; echo "cmp_implicit_confirm = True"; } |
		write_config "$TD/c.ini"
	for i in 1 2 3; do
		timeout -k 5 60 "$BIN" -c "$TD/c.ini" "$PKI/ee.csr" </dev/null \
			>"$TD/out.$i" 2>"$TD/err.$i" &
		pids+=("$!")
		track_pid "$!"
	done
	for i in 1 2 3; do
		wait "${pids[$((i - 1))]}"
		rc=$?
		assert_eq "$rc" 0 "enrollment $i through the front: exit status 0"
		assert_eq "$(lines "$TD/err.$i")" 1 "enrollment $i: one line on stderr"
		got="$got$(pem_fps "$TD/out.$i" | head -n1) "
		assert_eq "$(pem_fps "$TD/out.$i" | tail -n +2 | tr '\n' ' ')" \
			"$(cert_fp "$PKI/int.pem") $(cert_fp "$PKI/root.pem") " \
			"enrollment $i: intermediate and root follow the leaf"
	done
	# Each leaf is one of the servers' (cmpenroll's own connect to the CA,
	# before openssl's, takes a turn of the round robin too: which server
	# served whom is the front's choice); the three served three requests.
	local leaves n=0
	leaves=" $(for s in A1 B2 C3; do cert_fp "$TD/$s.pem"; done | tr '\n' ' ')"
	for s in $got; do
		case $leaves in *" $s "*) n=$((n + 1)) ;; esac
	done
	assert_eq "$n" 3 "each enrollment got a leaf from one of the three servers"
	assert_eq "$(($(srv_requests "${logs[0]}") + $(srv_requests "${logs[1]}") +
		$(srv_requests "${logs[2]}")))" 3 "the servers together received 3 requests"
}
