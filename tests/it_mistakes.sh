# it_mistakes.sh: issue 12, the mistakes operators make, caught before
# anything is sent and named the way they are fixed (sourced by
# run-integration.sh).

# agree NAME RC REGEX [CSR]: --check and a run refuse the config in
# $TD/NAME.ini alike: exit RC, the run one line matching REGEX (the
# config's line), the same line among --check's, and no request sent.
agree() {
	local name=$1 want=$2 re=$3 before
	before=$(srv_requests)
	run -c "$TD/$name.ini" "$PKI/ee.csr"
	assert_rc "$want" "$name: a run"
	assert_one_error
	assert_stderr_match "$re" "$name: a run names it"
	cp "$ERR" "$TD/$name.run"
	run --check -c "$TD/$name.ini"
	assert_rc "$want" "$name: --check"
	assert_stderr_match "$re" "$name: --check names it"
	if grep -qxF -f "$TD/$name.run" "$ERR"; then
		ok "$name: --check says what the run says"
	else
		fail "$name: --check and the run say different things" \
			"run: $(cat "$TD/$name.run")" "check: $(cat "$ERR")"
	fi
	assert_eq "$(srv_requests)" "$before" "$name: nothing sent"
}

# A secret source that cannot be read, or is empty: 78, naming the line
# and the source (never the value), and openssl never runs with it.
test_secret_sources_refused() {
	srv_start || return
	unset CMPIT_NOPE
	base_config "$SRV_PORT" | sed 's/^cmp_secret = .*/cmp_secret = env:CMPIT_NOPE/' |
		write_config "$TD/env.ini"
	agree env 78 'env\.ini:5: cmp_secret: the environment variable CMPIT_NOPE is not set'
	base_config "$SRV_PORT" | sed 's|^cmp_secret = .*|cmp_secret = file:/nonexistent/sec|' |
		write_config "$TD/file.ini"
	agree file 78 'file\.ini:5: cmp_secret: cannot read file:/nonexistent/sec: No such file'
	base_config "$SRV_PORT" | sed 's|^cmp_secret = .*|cmp_secret:|' |
		write_config "$TD/empty.ini"
	agree empty 78 'empty\.ini:5: cmp_secret: the value gives an empty secret'
	: >"$TD/empty.txt"
	base_config "$SRV_PORT" | sed "s|^cmp_secret = .*|cmp_secret = file:$TD/empty.txt|" |
		write_config "$TD/emptyfile.ini"
	agree emptyfile 78 "cmp_secret: file:$TD/empty.txt gives an empty secret"
	{ base_config "$SRV_PORT" | sed '/^cmp_secret = /d'; echo "cmp_secret_variable = CMPIT_NOPE"; } |
		write_config "$TD/var.ini"
	agree var 78 'var\.ini:[0-9]+: cmp_secret_variable: the environment variable CMPIT_NOPE is not set'
	# under cron's minimal environment: the same
	timeout -k 5 30 env -i PATH=/usr/bin:/bin "$BIN" -c "$TD/env.ini" "$PKI/ee.csr" \
		</dev/null >"$TD/out" 2>"$TD/err"
	RC=$? OUT=$TD/out ERR=$TD/err
	assert_rc 78 "env -i: the unset variable"
	assert_srv_requests 0
}

# Config mistakes: the same refusal from --check and from a run.
test_check_and_run_agree() {
	srv_start || return
	base_config "$SRV_PORT" | sed '/^cmp_server = /d' | write_config "$TD/noserver.ini"
	agree noserver 78 'noserver\.ini: \[CAhandler\] has no cmp_server'
	base_config "$SRV_PORT" | sed 's|^cmp_recipient = .*|cmp_recipient = "/C=DE/CN=tst_sub_ca"|' |
		write_config "$TD/quoted.ini"
	agree quoted 78 'quoted\.ini:6: cmp_recipient: the value is in quotes.*drop the quotes'
	base_config "$SRV_PORT" | sed 's|^cmp_recipient = .*|cmp_recipient = C=Germany, CN=x|' |
		write_config "$TD/badname.ini"
	agree badname 78 'badname\.ini:6: cmp_recipient: C=Germany is not a valid value'
	base_config "$SRV_PORT" | sed 's|^cmp_recipient = .*|cmp_recipient = /Foo=bar/CN=x|' |
		write_config "$TD/unknownattr.ini"
	agree unknownattr 78 "cmp_recipient: unknown attribute type 'Foo' \\(openssl would leave it out\\)"
	{ base_config "$SRV_PORT"; echo "cmp_tmp_dir = $TD/no-such-dir"; } |
		write_config "$TD/tmpdir.ini"
	agree tmpdir 78 "tmpdir\\.ini:7: cmp_tmp_dir: $TD/no-such-dir is not a folder"
	{ base_config "$SRV_PORT"; echo "cmp_openssl_conf = $TD/no.cnf"; } |
		write_config "$TD/conf.ini"
	agree conf 78 "conf\\.ini:7: cmp_openssl_conf: cannot read $TD/no.cnf"
	# acme2certifier's forms of the recipient work: comma, slash, mixed
	base_config "$SRV_PORT" | sed 's|^cmp_recipient = .*|cmp_recipient = O=Test Org/CN=Test Intermediate CA|' |
		write_config "$TD/mixed.ini"
	run -c "$TD/mixed.ini" "$PKI/ee.csr"
	assert_issued "$PKI/ee.pem"
}

# An openssl that cannot be run is named as the config's (78), before
# anything is sent.
test_openssl_bin_missing() {
	srv_start || return
	base_config "$SRV_PORT" | sed 's|^cmp_openssl_bin = .*|cmp_openssl_bin = /nonexistent/openssl|' |
		write_config "$TD/c.ini"
	run -c "$TD/c.ini" "$PKI/ee.csr"
	assert_rc 78
	assert_one_error
	assert_stderr_match '^cmpenroll: cannot run /nonexistent/openssl: No such file or directory \(set cmp_openssl_bin\)$'
	assert_srv_requests 0
}

# A typo in a flag: the run names the line and points to --check.
test_unknown_flag_in_a_run() {
	srv_start || return
	{ base_config "$SRV_PORT"; echo "cmp_trustd = $PKI/root.pem"; } | write_config "$TD/c.ini"
	run -c "$TD/c.ini" "$PKI/ee.csr"
	assert_rc 78
	assert_one_error
	assert_stderr_match '^cmpenroll: .*c\.ini:7: cmp_trustd: openssl cmp has no flag -trustd; cmpenroll --check lists every problem$'
	assert_srv_requests 0
}

# An unreachable CA is named at once, as what it is (69).
test_unreachable_named() {
	local t0 ms port
	port=$(closed_port)
	base_config "$port" | write_config "$TD/refused.ini"
	t0=$(now)
	run -c "$TD/refused.ini" "$PKI/ee.csr"
	ms=$(elapsed_ms "$t0" "$(now)")
	assert_rc 69 "a refused port"
	assert_one_error
	assert_stderr_match "^cmpenroll: connection refused by 127\\.0\\.0\\.1:$port\$"
	if [ "$ms" -lt 3000 ]; then ok "named after $ms ms"; else fail "took $ms ms (limit 3 s)"; fi

	base_config 80 | sed 's/^cmp_server = .*/cmp_server = ca.invalid/' | write_config "$TD/name.ini"
	t0=$(now)
	run -c "$TD/name.ini" "$PKI/ee.csr"
	ms=$(elapsed_ms "$t0" "$(now)")
	assert_rc 69 "a name that does not resolve"
	assert_one_error
	assert_stderr_match '^cmpenroll: cannot resolve ca\.invalid: '
	# the resolver's own time is the system's: timed only where it is quick
	t0=$(now)
	getent hosts ca.invalid >/dev/null
	if [ "$(elapsed_ms "$t0" "$(now)")" -ge 1000 ]; then
		note "this resolver takes a second or more to fail: not timed"
	elif [ "$ms" -lt 3000 ]; then ok "named after $ms ms"; else
		fail "took $ms ms (limit 3 s)"; fi

	# the CA down, and a short total timeout: still 69
	{ base_config "$port"; echo "cmp_total_timeout = 5"; } | write_config "$TD/total.ini"
	run -c "$TD/total.ini" "$PKI/ee.csr"
	assert_rc 69 "the CA down, cmp_total_timeout = 5"
	assert_stderr_match 'connection refused'

	# through a proxy: the proxy is what cannot be reached
	{ base_config 80 | sed 's/^cmp_server = .*/cmp_server = ca.example:80/'
	  echo "cmp_proxy = 127.0.0.1:$port"; } | write_config "$TD/proxy.ini"
	run -c "$TD/proxy.ini" "$PKI/ee.csr"
	assert_rc 69 "a proxy that refuses"
	assert_stderr_match "^cmpenroll: connection refused by the proxy 127\\.0\\.0\\.1:$port \\(cmp_proxy\\)\$"
	http_proxy=http://127.0.0.1:$port run -c "$TD/name.ini" "$PKI/ee.csr"
	assert_rc 69 "http_proxy from the environment"
	assert_stderr_match "the proxy 127\\.0\\.0\\.1:$port \\(http_proxy\\)"
	no_proxy=ca.invalid http_proxy=http://127.0.0.1:$port run -c "$TD/name.ini" "$PKI/ee.csr"
	assert_stderr_match 'cannot resolve ca\.invalid' "no_proxy lists the CA: no proxy"
}

# port_in FILE: the port a helper started in the background writes to
# FILE, waited for up to 10 s.
port_in() {
	local port
	for _ in $(seq 1 200); do
		port=$(cat "$1" 2>/dev/null)
		[ -n "$port" ] && { echo "$port"; return 0; }
		sleep 0.05
	done
	return 1
}

# silent_listener: a port whose listen queue is full, so that a connect
# gets no answer at all; sets SILENT_PORT and SILENT_PID.
silent_listener() {
	"$PY" -c 'import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(0)
port = s.getsockname()[1]
held = []
for i in range(4):
    c = socket.socket(); c.setblocking(False)
    try: c.connect(("127.0.0.1", port))
    except BlockingIOError: pass
    held.append(c)
time.sleep(0.2)
print(port, flush=True)
time.sleep(120)' >"$TD/silent.port" &
	SILENT_PID=$!
	track_pid "$SILENT_PID"
	SILENT_PORT=$(port_in "$TD/silent.port")
}

# A network that does not answer: named after the configured timeout.
test_silent_network_named() {
	local t0 ms
	silent_listener || { fail "setup: silent listener"; return; }
	{ base_config "$SILENT_PORT"; echo "cmp_msg_timeout = 2"; } | write_config "$TD/c.ini"
	t0=$(now)
	run -c "$TD/c.ini" "$PKI/ee.csr"
	ms=$(elapsed_ms "$t0" "$(now)")
	assert_rc 69 "a silent network"
	assert_one_error
	assert_stderr_match "^cmpenroll: no answer from 127\\.0\\.0\\.1:$SILENT_PORT within 2 s\$"
	if [ "$ms" -ge 1900 ] && [ "$ms" -lt 6000 ]; then ok "after $ms ms (cmp_msg_timeout 2)"; else
		fail "after $ms ms, not about 2 s"; fi
}

# fake_http STATUS CONTENT_TYPE BODY: an HTTP server answering every POST
# so; sets FAKE_PORT and FAKE_PID.
fake_http() {
	"$PY" -c 'import http.server, sys
status, ctype, body = int(sys.argv[1]), sys.argv[2], sys.argv[3].encode()
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *a): pass
s = http.server.HTTPServer(("127.0.0.1", 0), H)
print(s.server_address[1], flush=True)
s.serve_forever()' "$@" >"$TD/fake.port" &
	FAKE_PID=$!
	track_pid "$FAKE_PID"
	FAKE_PORT=$(port_in "$TD/fake.port")
}

# A failed transfer keeps its cause: the HTTP status, or a non-CMP answer.
test_transfer_causes_named() {
	fake_http 500 application/pkixcmp "" || { fail "setup: fake server"; return; }
	base_config "$FAKE_PORT" | write_config "$TD/c.ini"
	run -c "$TD/c.ini" "$PKI/ee.csr"
	assert_rc 69 "HTTP 500"
	assert_one_error
	if cli_ge 3.5; then
		# 3.5 and later read an empty error answer racily: their log then
		# says only "failed reading data", no status
		assert_stderr_match '^cmpenroll: (the CA answered HTTP 500: Internal Server Error|the CA ended the connection without an answer)'
	else
		assert_stderr_match '^cmpenroll: the CA answered HTTP 500: Internal Server Error$'
	fi
	stop_pid "$FAKE_PID"
	fake_http 200 text/plain "this is no CMP" || { fail "setup: fake server"; return; }
	base_config "$FAKE_PORT" | write_config "$TD/c.ini"
	run -c "$TD/c.ini" "$PKI/ee.csr"
	assert_rc 76 "200 with text"
	assert_one_error
	assert_stderr_match '^cmpenroll: the answer is not a CMP message: '
}

# --help lists every option, the reasons and exit codes; -o - is stdout;
# a section in the wrong case gets a did-you-mean; a key is named as one.
test_smaller_gaps() {
	local o
	run --help
	assert_rc 0 "--help"
	for o in $(grep -oE '^	\{ "[a-z-]+"' "$REPO_DIR/cmpenroll.c" | grep -oE '[a-z-]+'); do
		grep -q -- "--$o" "$OUT" || fail "--help lacks --$o"
	done
	ok "--help names every long option"
	assert_stdout_match 'keyCompromise\(1\)' "--help lists the reasons"
	assert_stdout_match '^  78 ' "--help lists the exit codes"
	assert_stdout_match 'man cmpenroll' "--help points to the man page"

	srv_start || return
	base_config "$SRV_PORT" | write_config "$TD/c.ini"
	run -c "$TD/c.ini" -o - "$PKI/ee.csr"
	assert_issued "$PKI/ee.pem"
	assert_file_absent "$PWD/-" "no file named -"
	base_config "$SRV_PORT" CAHandler | write_config "$TD/case.ini"
	run -c "$TD/case.ini" "$PKI/ee.csr"
	assert_rc 78
	assert_stderr_match 'no section \[CAhandler\]; did you mean \[CAHandler\]\?$'
	run -c "$TD/c.ini" "$PKI/ee.key"
	assert_rc 65
	assert_stderr_match 'this is a private key \((EC )?PRIVATE KEY\), not a CSR'
}

# While the CA makes us wait, a terminal shows one line, updated in place
# and cleared; not with -q, --json, or without a terminal.
test_waiting_line_on_a_terminal() {
	srv_start -poll_count 2 -check_after 2 || return
	{ base_config "$SRV_PORT"; chain_in_config; } | write_config "$TD/c.ini"
	timeout -k 5 40 script -qec "'$BIN' -c '$TD/c.ini' -o '$TD/out.pem' '$PKI/ee.csr'" \
		/dev/null >"$TD/tty" 2>&1
	RC=$?
	assert_rc 0 "a polled enrollment on a terminal"
	if grep -q 'waiting for the CA: [0-9]* s, next check in [0-9]* s' "$TD/tty"; then
		ok "the waiting line, with the next check"
	else fail "no waiting line" "$(cat -v "$TD/tty")"; fi
	if grep -q $'\r\033\\[K' "$TD/tty"; then ok "drawn and cleared in place"; else
		fail "not cleared" "$(cat -v "$TD/tty")"; fi
	assert_eq "$(grep -c 'issued ' "$TD/tty")" 1 "then the issued line"
	srv_stop
	srv_start -poll_count 2 -check_after 2 || return
	{ base_config "$SRV_PORT"; chain_in_config; } | write_config "$TD/c.ini"
	run -c "$TD/c.ini" "$PKI/ee.csr"
	assert_issued "$PKI/ee.pem"
	assert_stderr_nomatch 'waiting for the CA' "no waiting line without a terminal"
	srv_stop
	srv_start -poll_count 2 -check_after 2 || return
	{ base_config "$SRV_PORT"; chain_in_config; } | write_config "$TD/c.ini"
	timeout -k 5 40 script -qec "'$BIN' -q -c '$TD/c.ini' -o '$TD/out.pem' '$PKI/ee.csr'" \
		/dev/null >"$TD/tty" 2>&1
	if grep -q 'waiting for the CA' "$TD/tty"; then fail "-q shows the waiting line"; else
		ok "-q: no waiting line"; fi
	srv_stop
	# on a terminal openssl's log comes live; a failure is named the same
	srv_start -pkistatus 2 -failure 2 -statusstring "policy says no" || return
	base_config "$SRV_PORT" | write_config "$TD/c.ini"
	timeout -k 5 40 script -qec "'$BIN' -c '$TD/c.ini' -o '$TD/out.pem' '$PKI/ee.csr'" \
		/dev/null >"$TD/tty" 2>&1
	RC=$?
	assert_rc 77 "a rejection on a terminal"
	assert_eq "$(grep -c 'cmpenroll:' "$TD/tty")" 1 "one line on a terminal"
	if grep -q 'rejection.*badRequest.*policy says no' "$TD/tty"; then
		ok "the rejection named on a terminal"
	else fail "the rejection not named" "$(cat -v "$TD/tty")"; fi
}

# make demo shows the config it used, the secret masked.
test_demo_shows_config() {
	timeout -k 5 60 bash "$REPO_DIR/tests/demo.sh" "$BIN" >"$TD/out" 2>"$TD/err"
	RC=$? OUT=$TD/out ERR=$TD/err
	assert_rc 0 "the demo"
	assert_stderr_match '^cmp_server = 127\.0\.0\.1:[0-9]+$' "the config is shown"
	assert_stderr_match '^cmp_secret = \*\*\*\*$' "the secret masked"
	assert_stderr_nomatch 'demo-secret' "the secret not shown"
	assert_stdout_match 'BEGIN CERTIFICATE' "the certificate"
}

# The files kur hands openssl are read before anything is sent, and
# --check reads the CSR as a run does: 66 unreadable, 65 not what it
# should be, each naming the option.
test_inputs_checked_before_sending() {
	kur_pki || { fail "kur PKI"; return; }
	srv_start || return
	base_config "$SRV_PORT" | write_config "$TD/c.ini"
	printf 'no certificate\n' >"$TD/junk.pem"
	run -c "$TD/c.ini" --cmd kur --oldcert "$TD/missing.pem" --key "$TD/old.key" "$TD/new.csr"
	assert_rc 66 "--oldcert missing"
	assert_one_error
	assert_stderr_match "cannot open --oldcert $TD/missing\\.pem: No such file"
	run -c "$TD/c.ini" --cmd kur --oldcert "$TD/junk.pem" --key "$TD/old.key" "$TD/new.csr"
	assert_rc 65 "--oldcert not a certificate"
	assert_stderr_match "^cmpenroll: --oldcert $TD/junk\\.pem: no certificate in it\$"
	run -c "$TD/c.ini" --cmd kur --oldcert "$TD/old.pem" --key "$TD/missing.key" "$TD/new.csr"
	assert_rc 66 "--key missing"
	assert_stderr_match "cannot open --key $TD/missing\\.key: No such file"
	assert_srv_requests 0
	run --check -c "$TD/c.ini" "$TD/missing.csr"
	assert_rc 66 "--check: a CSR that cannot be read"
	run -c "$TD/c.ini" "$TD/missing.csr"
	assert_rc 66 "a run: the same"
}

# acme2certifier's recipient forms give what acme2certifier sends; a comma
# inside a value stays.
test_recipient_forms() {
	local v want
	while IFS='|' read -r v want; do
		{ base_config 9 | sed '/^cmp_recipient = /d'; printf 'cmp_recipient = %s\n' "$v"; } |
			write_config "$TD/c.ini"
		run -c "$TD/c.ini" -n "$PKI/ee.csr"
		assert_rc 0 "-n with $v"
		if grep -qF -- "-recipient '$want' " "$OUT"; then ok "$v: $want"; else
			fail "$v: not $want" "$(cat "$OUT")"; fi
	done <<'EOF'
C=DE, CN=Test CA|/C=DE/CN=Test CA
/O=Test Org, CN=Test CA|/O=Test Org/CN=Test CA
O=Test Org/CN=Test CA|/O=Test Org/CN=Test CA
O=Foo\, Inc., CN=x|/O=Foo, Inc./CN=x
O=Foo, Inc., CN=x|/O=Foo, Inc./CN=x
EOF
}
