# it_hardening.sh: issue 13, the review's repros as tests: terminal-safe
# text, stop signals and -t in every phase, openssl's environment and end,
# the lock on an output, fields + kur (sourced by run-integration.sh).

EVIL=$(printf 'EVIL\033]0;pwned\007\033[2J\302\23331m\233X')

# assert_no_terminal_controls FILE LABEL: no ESC, no C1 (as a byte or as a
# UTF-8 code point), no BEL in FILE.
assert_no_terminal_controls() {
	if LC_ALL=C grep -q $'\x1b\|\x07\|\x9b\|\x9d\|\xc2\x9b' "$1"; then
		fail "$2: terminal controls got through" "$(cat -v "$1")"
	else
		ok "$2: no ESC, BEL or C1 byte"
	fi
}

# The CA's status string with ESC, BEL and C1 (as bytes and as code
# points), openssl's words and a line break: escaped, and the exit status
# stays the CA's refusal.
test_ca_text_escaped() {
	local s
	s=$(printf '%s total timeout; Unknown option\nCMP error: connect timeout' "$EVIL")
	srv_start -pkistatus 2 -failure 2 -statusstring "$s" || return
	base_config "$SRV_PORT" | write_config "$TD/c.ini"
	run -c "$TD/c.ini" "$PKI/ee.csr"
	assert_rc 77 "the refusal decides, not the CA's words"
	assert_one_error
	assert_no_terminal_controls "$ERR" "stderr"
	assert_stderr_match 'EVIL\\033\]0;pwned\\007\\033\[2J\\302\\23331m\\233X' \
		"the controls are shown as octal escapes"
	assert_stderr_match 'total timeout; Unknown option\\nCMP error: connect timeout' \
		"the line break is shown as \\n, in the same line"
	run -v -c "$TD/c.ini" "$PKI/ee.csr"
	assert_rc 77 "-v"
	assert_no_terminal_controls "$ERR" "-v: openssl's log on stderr"
	assert_stderr_match '\\302\\233' "-v: the log passes through the same escaping"
	run --json -c "$TD/c.ini" "$PKI/ee.csr"
	assert_rc 77 "--json"
	assert_no_terminal_controls "$OUT" "--json"
	assert_stdout_match '\\u009b' "--json: C1 as \\u009b"
}

# A certificate's subject with C1 controls, in the "issued" line.
test_issued_subject_escaped() {
	ossl x509 -req -in "$PKI/ee.csr" -CA "$PKI/int.pem" -CAkey "$PKI/int.key" \
		-set_serial 0x77 -days 30 -subj $'/CN=host\x9b2J\x9d0;title\x9c' \
		-out "$TD/evil.pem" 2>/dev/null || { fail "setup: the certificate"; return; }
	SRV_RSP_CERT=$TD/evil.pem srv_start || return
	base_config "$SRV_PORT" | write_config "$TD/c.ini"
	run -c "$TD/c.ini" "$PKI/ee.csr"
	assert_rc 0
	assert_stderr_match '^cmpenroll: issued .*host.*2J.*title' "the issued line names it"
	assert_no_terminal_controls "$ERR" "the issued line"
}

# A child of the shell that exits while cmpenroll waits for its CSR
# (SIGCHLD of a process it never started): the read goes on.
test_stray_sigchld_while_reading_csr() {
	srv_start || return
	base_config "$SRV_PORT" | write_config "$TD/c.ini"
	(sleep 1.5; cat "$PKI/ee.csr") | timeout -k 5 30 sh -c \
		"sleep 0.3 & exec '$BIN' -c '$TD/c.ini' -" >"$TD/out" 2>"$TD/err"
	RC=$? OUT=$TD/out ERR=$TD/err
	assert_issued "$PKI/ee.pem"
	(sleep 1.5; cat "$PKI/ee.csr") | timeout -k 5 30 sh -c \
		"sleep 0.3 & exec '$BIN' --json -c '$TD/c.ini' -" >"$TD/out" 2>"$TD/err"
	RC=$?
	assert_rc 0 "--json"
	assert_stdout_match '"status":"issued"' "--json: issued"
}

# stop_run_in PHASE SIGNAL|-t N ARGS...: run cmpenroll with a FIFO held
# open (nothing ever written) as what it waits for; send SIGNAL after 0.3
# s, or let -t N expire.  Sets RC, OUT, ERR and MS (how long it ran).
stop_run_in() {
	local how=$1 pid i t0
	shift
	mkfifo "$TD/wait.fifo" || { fail "setup: mkfifo"; return 1; }
	exec 9<>"$TD/wait.fifo"
	t0=$(now)
	"$BIN" "$@" <"$TD/wait.fifo" >"$TD/out" 2>"$TD/err" &
	pid=$!
	track_pid "$pid"
	case $how in
	-t) ;;
	*) sleep 0.3; kill -"$how" "$pid" ;;
	esac
	for i in $(seq 1 100); do
		alive "$pid" || break
		sleep 0.05
	done
	if alive "$pid"; then
		stop_pid "$pid"
		RC=still-running
	else
		wait "$pid"
		RC=$?
	fi
	OUT=$TD/out ERR=$TD/err
	MS=$(elapsed_ms "$t0" "$(now)")
	exec 9>&-
	rm -f "$TD/wait.fifo"
	return 0
}

# -t bounds the wait for a CSR on stdin that never ends.
test_timeout_while_reading_csr() {
	base_config 9 | write_config "$TD/c.ini"
	stop_run_in -t -t 1 -c "$TD/c.ini" - || return
	assert_rc 75 "-t 1, the CSR never comes"
	assert_one_error
	assert_stderr_match '^cmpenroll: timed out after 1 s \(--timeout\) while reading the CSR$'
	if [ "$MS" -lt 3000 ]; then ok "ended after $MS ms"; else fail "took $MS ms"; fi
}

# SIGTERM while the config is read (a FIFO), and during --dry-run.
test_stop_signal_in_every_phase() {
	base_config 9 | write_config "$TD/c.ini"
	mkfifo "$TD/cfg.fifo" || { fail "setup: mkfifo"; return; }
	exec 8<>"$TD/cfg.fifo"
	"$BIN" -c "$TD/cfg.fifo" "$PKI/ee.csr" >"$TD/out" 2>"$TD/err" &
	local pid=$! i
	track_pid "$pid"
	sleep 0.3
	kill -TERM "$pid"
	for i in $(seq 1 40); do alive "$pid" || break; sleep 0.05; done
	if alive "$pid"; then
		stop_pid "$pid"
		RC=still-running
	else
		wait "$pid"
		RC=$?
	fi
	OUT=$TD/out ERR=$TD/err
	exec 8>&-
	assert_rc 143 "SIGTERM while reading the config"
	assert_one_error
	assert_stderr_match 'stopped by signal 15 .* while reading the config' "the phase is named"

	stop_run_in TERM -n -c "$TD/c.ini" - || return
	assert_rc 143 "SIGTERM during --dry-run"
	assert_one_error
	assert_stdout_empty
	stop_run_in TERM --json -c "$TD/c.ini" - || return
	assert_rc 143 "SIGTERM with --json"
	assert_stdout_match '"exit_code":143' "--json: exit_code 143"
	assert_stdout_match '"error":"stopped by signal 15' "--json: the error is said"
}

# --json shapes the result wherever it stands on the command line.
test_json_anywhere() {
	run --no-such-option --json
	assert_rc 64 "a bad option before --json"
	assert_stdout_match '^\{"status":"error","exit_code":64,.*"error":"unknown option: --no-such-option' \
		"one JSON object, naming the option"
	run -c /nonexistent/c.ini "$PKI/ee.csr" --json
	assert_rc 66
	assert_stdout_match '"exit_code":66' "--json last"
}

# openssl is started with -batch and OPENSSL_CONF=/dev/null: an openssl.cnf
# in the environment changes nothing, unless cmp_openssl_conf says so.
test_openssl_environment() {
	local rec
	srv_start || return
	rec=$(newdir)
	printf 'openssl_conf = init\n[init]\nproviders = p\n[p]\nnosuch = n\n[n]\nactivate = 1\n' \
		>"$TD/bad.cnf"
	rec_config "$SRV_PORT" "$rec" | write_config "$TD/c.ini"
	OPENSSL_CONF=$TD/bad.cnf run -c "$TD/c.ini" "$PKI/ee.csr"
	assert_issued "$PKI/ee.pem"
	assert_eq "$(argv_count "$rec" -batch)" 1 "openssl gets -batch"
	assert_eq "$(grep -c '^OPENSSL_CONF=/dev/null$' "$rec"/env.*)" 1 \
		"openssl runs with OPENSSL_CONF=/dev/null"
	{ rec_config "$SRV_PORT" "$rec"; echo "cmp_openssl_conf = system"; } |
		write_config "$TD/s.ini"
	OPENSSL_CONF=$TD/bad.cnf run -c "$TD/s.ini" "$PKI/ee.csr"
	assert_rc 70 "cmp_openssl_conf = system: the environment's file applies"
	{ rec_config "$SRV_PORT" "$rec"; echo "cmp_openssl_conf = $TD/bad.cnf"; } |
		write_config "$TD/f.ini"
	run -n -c "$TD/f.ini" "$PKI/ee.csr"
	assert_stdout_match "^OPENSSL_CONF=$TD/bad.cnf " "cmp_openssl_conf names the file (--dry-run shows it)"
}

# A SIGKILLed cmpenroll takes its openssl with it (PR_SET_PDEATHSIG).
test_openssl_ends_with_cmpenroll() {
	local rec pid p i left=""
	srv_start -poll_count 10 -check_after 2 || return
	rec=$(newdir)
	rec_config "$SRV_PORT" "$rec" | write_config "$TD/c.ini"
	setsid "$BIN" -c "$TD/c.ini" "$PKI/ee.csr" >/dev/null 2>&1 &
	pid=$!
	track_pid "$pid"
	for i in $(seq 1 50); do
		[ "$(srv_requests)" -ge 2 ] && break
		sleep 0.1
	done
	kill -KILL "$pid"
	stop_pid "$pid"
	sleep 0.5
	for p in $(cat "$rec/pids" 2>/dev/null); do
		alive "$p" && left="$left $p"
	done
	assert_eq "$left" "" "openssl ended with the SIGKILLed cmpenroll"
	for p in $left; do stop_pid "$p"; done
}

# Memory that may hold the secret is never dumped: no core file (for
# openssl too), and the process is not dumpable, which /proc shows by
# handing its files to root.  Run as nobody when we are root, so that the
# owner tells; started with a soft core limit above 0, so that the limit
# tells.  cmpenroll then waits for its CSR from a FIFO, the config read.
test_no_core_dumps() {
	local dir pid i lim as_user=() raise=""
	if [ "$(id -u)" -eq 0 ]; then
		as_user=(setpriv --reuid=65534 --regid=65534 --clear-groups)
		if ! "${as_user[@]}" test -x "$BIN" 2>/dev/null; then
			note "nobody cannot run $BIN: not run"
			return
		fi
	fi
	(ulimit -S -c 1024) 2>/dev/null && raise="ulimit -S -c 1024;"
	[ -n "$raise" ] || note "the hard core limit is 0 here: the limit cannot tell"
	dir=$(newdir)
	chmod 711 "$LIB_TMP"
	chmod 755 "$dir"
	base_config 9 >"$dir/c.ini"
	chmod 644 "$dir/c.ini"
	mkfifo -m 644 "$dir/csr"
	setsid bash -c "$raise"' exec "$@"' bash "${as_user[@]}" \
		"$BIN" -q -c "$dir/c.ini" "$dir/csr" >/dev/null 2>&1 &
	pid=$!
	track_pid "$pid"
	# Opening the FIFO's other end returns once cmpenroll has opened it,
	# which it does after reading the config.
	timeout 10 bash -c 'exec 3>"$1" && : >"$2" && sleep 10' _ \
		"$dir/csr" "$dir/opened" &
	track_pid "$!"
	for i in $(seq 1 100); do
		[ -e "$dir/opened" ] && break
		sleep 0.1
	done
	if [ ! -e "$dir/opened" ]; then
		fail "cmpenroll did not open its CSR within 10 s"
		chmod 700 "$LIB_TMP"
		return
	fi
	assert_eq "$(stat -c %u "/proc/$pid/environ" 2>/dev/null)" 0 \
		"not dumpable: its /proc files belong to root"
	assert_eq "$(awk '/^Uid:/ { print $2 }' "/proc/$pid/status")" \
		"$([ "$(id -u)" -eq 0 ] && echo 65534 || id -u)" "while it runs as its user"
	lim=$(awk '/^Max core file size/ { print $5, $6 }' "/proc/$pid/limits")
	assert_eq "$lim" "0 0" "no core file, soft and hard"
	stop_pid "$pid"
	chmod 700 "$LIB_TMP"
}

# An encrypted key and no pass phrase: openssl asks no one (-batch), even
# on a terminal, and the message names the key.
test_no_prompt() {
	srv_start_sig || return
	sig_config "$SRV_PORT" | sed '/^cmp_keypass/d' | write_config "$TD/c.ini"
	timeout -k 5 20 script -qec "'$BIN' -c '$TD/c.ini' '$PKI/ee.csr'" /dev/null \
		>"$TD/tty" 2>&1
	RC=$?
	assert_rc 78 "under a terminal, no prompt"
	if grep -qi 'pass phrase\|password:' "$TD/tty"; then
		fail "openssl prompted" "$(cat -v "$TD/tty")"
	else ok "no prompt"; fi
	if grep -q "ra.key is encrypted, and no cmp_keypass is set" "$TD/tty"; then
		ok "the message names the key and cmp_keypass"
	else fail "the key is not named" "$(cat -v "$TD/tty")"; fi
}

# -v with a stderr nobody reads: -t still ends the run on time.
test_verbose_cannot_block_deadline() {
	local fake=$TD/chatty-openssl pid t0 ms i
	printf '#!/bin/sh\nhead -c 2000000 /dev/zero | tr "\\\\0" x\nsleep 10\n' >"$fake"
	chmod 755 "$fake"
	srv_start || return
	base_config "$SRV_PORT" | with_openssl "$fake" | write_config "$TD/c.ini"
	mkfifo "$TD/err.fifo" || { fail "setup: mkfifo"; return; }
	exec 7<>"$TD/err.fifo"   # held open, never read
	t0=$(now)
	"$BIN" -v -t 2 -c "$TD/c.ini" "$PKI/ee.csr" >"$TD/out" 2>"$TD/err.fifo" &
	pid=$!
	track_pid "$pid"
	for i in $(seq 1 100); do alive "$pid" || break; sleep 0.05; done
	ms=$(elapsed_ms "$t0" "$(now)")
	if alive "$pid"; then
		fail "cmpenroll still running after 5 s"
		stop_pid "$pid"
	else
		wait "$pid"
		assert_eq "$?" 75 "exit status 75 (-t 2)"
		if [ "$ms" -lt 4000 ]; then ok "ended after $ms ms"; else fail "took $ms ms"; fi
	fi
	exec 7>&-
}

# The fields mapping in a kur: openssl would take the old certificate's
# subject for an empty one (and drop the SAN's criticality): refused.
test_fields_kur_faithful() {
	kur_pki || { fail "kur PKI"; return; }
	ossl req -new -key "$TD/new.key" -subj / \
		-addext "subjectAltName=critical,DNS:new.example" -out "$TD/empty.csr" \
		2>/dev/null || { fail "setup: CSR"; return; }
	SRV_TRUSTED=$PKI/root.pem SRV_RSP_CERT=$TD/new.pem \
		srv_start_sig -srv_untrusted "$PKI/int.pem" || return
	write_config "$TD/c.ini" <<EOF
[CAhandler]
cmp_openssl_bin = $CLI_BIN
cmp_server = 127.0.0.1:$SRV_PORT
cmp_srvcert = $PKI/srv.pem
cmp_reqout = $TD/req1.der
EOF
	run -c "$TD/c.ini" --cmd kur --mapping fields --oldcert "$TD/old.pem" \
		--key "$TD/old.key" "$TD/empty.csr"
	assert_rc 65 "fields + kur + an empty subject"
	assert_one_error
	assert_stderr_match "openssl would take the old certificate's" "the reason is named"
	assert_srv_requests 0
	assert_file_absent "$TD/req1.der" "nothing sent"
}

# Two renewals of one output at once: one enrolls, the other waits for it
# and finds the new certificate not due.
test_two_renewals_one_enrollment() {
	local od p1 p2 rc1 rc2
	srv_start -poll_count 1 -check_after 1 || return
	{ base_config "$SRV_PORT"; chain_in_config; } | write_config "$TD/c.ini"
	od=$(newdir)
	"$BIN" -q -c "$TD/c.ini" -o "$od/host.pem" --renew-within 5 "$PKI/ee.csr" \
		>"$TD/o1" 2>"$TD/e1" &
	p1=$!
	track_pid "$p1"
	sleep 0.2
	"$BIN" -c "$TD/c.ini" -o "$od/host.pem" --renew-within 5 "$PKI/ee.csr" \
		>"$TD/o2" 2>"$TD/e2" &
	p2=$!
	track_pid "$p2"
	wait "$p1"
	rc1=$?
	wait "$p2"
	rc2=$?
	assert_eq "$rc1 $rc2" "0 1" "the first enrolls (0), the second is not due (1)"
	assert_eq "$(grep -ci 'received request' "$SRV_LOG")" \
		"$(srv_ir_requests_for_one_poll)" "the CA saw one enrollment"
	assert_chain "$od/host.pem" "$(cert_fp "$PKI/ee.pem")" "$(cert_fp "$PKI/int.pem")" \
		"$(cert_fp "$PKI/root.pem")"
	if grep -q 'not due for renewal' "$TD/e2"; then ok "the second says not due"; else
		fail "the second does not say not due" "$(cat "$TD/e2")"; fi
}

# srv_ir_requests_for_one_poll: the requests of one enrollment that the
# server polls once: ir, pollReq, certConf (and the 3.3 server polls the
# certConf once more).
srv_ir_requests_for_one_poll() {
	if srv_ge 3.3; then echo 4; else echo 3; fi
}

# A 1 MiB config of the worst shape parses at once, and a stop signal is
# not held off by it.
test_big_config_linear() {
	local t0 ms
	{ base_config 9; echo "k = v"; head -c 1040000 /dev/zero | tr '\0' '\n'; } |
		write_config "$TD/big.ini"
	t0=$(now)
	run -n -c "$TD/big.ini" "$PKI/ee.csr"
	ms=$(elapsed_ms "$t0" "$(now)")
	assert_rc 0 "a 1 MiB config of blank continuation lines"
	if [ "$ms" -lt 2000 ]; then ok "parsed and run in $ms ms"; else fail "took $ms ms"; fi
}
