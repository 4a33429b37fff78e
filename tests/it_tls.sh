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
	{ tls_config "$TLS_PORT"; echo "cmp_msg_timeout = 2"; } | write_config "$TD/n.ini"
	run -c "$TD/n.ini" "$PKI/ee.csr"
	assert_rc 69 "mutual TLS front, no client certificate"
	assert_one_error
	assert_srv_requests 4
}

# Three mock servers, each issuing its own serial, behind one round-robin
# front; three enrollments at once (implicit confirmation: one request
# each) reach one server each.
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
	assert_eq "$(printf '%s\n' $got | sort | tr '\n' ' ')" \
		"$(for s in A1 B2 C3; do cert_fp "$TD/$s.pem"; done | sort | tr '\n' ' ')" \
		"each server issued one of the three leaves"
	for i in 0 1 2; do
		assert_srv_requests 1 "${logs[$i]}"
	done
}
