# it_safety.sh: issue 3, secrets, hostile input, signals, timeouts and output
# files (sourced by run-integration.sh).

# assert_argv_clean RECDIR WORD LABEL: no recorded argv holds WORD.
assert_argv_clean() {
	if ! ls "$1"/argv.* >/dev/null 2>&1; then
		fail "$3: the wrapper recorded no openssl run"
	elif grep -qF -- "$2" "$1"/argv.*; then
		fail "$3: secret found in openssl's argv" "$(grep -hF -- "$2" "$1"/argv.*)"
	else
		ok "$3: secret not in openssl's argv"
	fi
}

test_secret_not_in_argv() {
	local rec
	srv_start || return

	rec=$(newdir)
	rec_config "$SRV_PORT" "$rec" | write_config "$TD/c.ini"
	run -c "$TD/c.ini" "$PKI/ee.csr"
	assert_issued "$PKI/ee.pem"
	assert_argv_clean "$rec" "$SECRET" "cmp_secret = pass:..."
	if grep -q '^pass:' "$rec"/argv.*; then fail "a pass: source in argv"; else
		ok "no pass: source in argv"; fi

	rec=$(newdir)
	rec_config "$SRV_PORT" "$rec" | sed "s/^cmp_secret = .*/cmp_secret = $SECRET/" |
		write_config "$TD/c.ini"
	run -c "$TD/c.ini" "$PKI/ee.csr"
	assert_issued "$PKI/ee.pem"
	assert_argv_clean "$rec" "$SECRET" "cmp_secret = <bare value>"

	rec=$(newdir)
	rec_config "$SRV_PORT" "$rec" | sed -e '/^cmp_secret = /d' -e '/^cmp_ref = /d' |
		write_config "$TD/v.ini"
	printf 'cmp_secret_variable = CMPIT_SECRET\ncmp_ref_variable = CMPIT_REF\n' >>"$TD/v.ini"
	CMPIT_SECRET=$SECRET CMPIT_REF=$REF run -c "$TD/v.ini" "$PKI/ee.csr"
	assert_issued "$PKI/ee.pem"
	assert_argv_clean "$rec" "$SECRET" "cmp_secret_variable"

	# -v shows the command and openssl's log, never the secret
	rec=$(newdir)
	rec_config "$SRV_PORT" "$rec" | write_config "$TD/c.ini"
	run -v -v -c "$TD/c.ini" "$PKI/ee.csr"
	assert_rc 0 "-vv"
	assert_stderr_nomatch "$SECRET" "-vv: secret not on stderr"
	assert_stderr_match '\*\*\*\*' "-vv: the command shows the secret as ****"

	# env: and file: sources are read by cmpenroll: openssl gets the secret
	# in a variable of its own, never the source (which openssl would take
	# for the secret itself when it cannot read it)
	rec=$(newdir)
	printf '%s\n' "$SECRET" >"$TD/secret.txt"
	rec_config "$SRV_PORT" "$rec" | sed "s|^cmp_secret = .*|cmp_secret = file:$TD/secret.txt|" |
		write_config "$TD/f.ini"
	run -c "$TD/f.ini" "$PKI/ee.csr"
	assert_issued "$PKI/ee.pem"
	assert_eq "$(argv_pair "$rec" -secret)" env:CMPENROLL_PASS_SECRET \
		"file: source read here, openssl gets env:CMPENROLL_PASS_SECRET"
	assert_argv_clean "$rec" "secret.txt" "file: source not in argv"
	assert_eq "$(grep -c "^CMPENROLL_PASS_SECRET=$SECRET\$" "$rec"/env.*)" 1 \
		"the secret from the file is in openssl's environment"
	rec=$(newdir)
	rec_config "$SRV_PORT" "$rec" | sed "s|^cmp_secret = .*|cmp_secret = env:CMPIT_PBM|" |
		write_config "$TD/e.ini"
	CMPIT_PBM=$SECRET run -c "$TD/e.ini" "$PKI/ee.csr"
	assert_issued "$PKI/ee.pem"
	assert_eq "$(argv_pair "$rec" -secret)" env:CMPENROLL_PASS_SECRET \
		"env: source read here, openssl gets env:CMPENROLL_PASS_SECRET"
	assert_argv_clean "$rec" "CMPIT_PBM" "env: source not in argv"
}

test_keypass_not_in_argv() {
	local rec
	srv_start_sig || return
	rec=$(newdir)
	sig_config "$SRV_PORT" | with_openssl "$(mk_recorder "$rec")" |
		write_config "$TD/c.ini"
	run -c "$TD/c.ini" "$PKI/ee.csr"
	assert_issued "$PKI/ee.pem"
	assert_argv_clean "$rec" "$RA_PASS" "cmp_keypass = pass:..."

	rec=$(newdir)
	sig_config "$SRV_PORT" | with_openssl "$(mk_recorder "$rec")" | sed \
		-e "s|^cmp_keypass = .*|cmp_keypass = $RA_PASS|" | write_config "$TD/c.ini"
	run -v -c "$TD/c.ini" "$PKI/ee.csr"
	assert_rc 0 "bare cmp_keypass, -v"
	assert_argv_clean "$rec" "$RA_PASS" "cmp_keypass = <bare value>"
	assert_stderr_nomatch "$RA_PASS" "-v: key pass phrase not on stderr"
}

test_config_permission_warning() {
	srv_start || return
	base_config "$SRV_PORT" | write_config "$TD/c.ini"

	chmod 644 "$TD/c.ini"
	run -c "$TD/c.ini" "$PKI/ee.csr"
	assert_rc 0 "world-readable config"
	assert_stderr_lines 2
	assert_stderr_prefixed
	assert_stderr_match "^cmpenroll: warning: .*c\.ini.*chmod 600" \
		"warning names the file and 'chmod 600'"
	assert_stderr_nomatch "$SECRET" "warning does not show the secret"

	chmod 640 "$TD/c.ini"
	run -c "$TD/c.ini" "$PKI/ee.csr"
	assert_rc 0 "group-readable config"
	assert_stderr_match "chmod 600" "group-readable: warning"

	chmod 600 "$TD/c.ini"
	run -c "$TD/c.ini" "$PKI/ee.csr"
	assert_issued "$PKI/ee.pem"
	assert_stderr_nomatch "warning" "mode 600: no warning"

	# no literal secret (env: source): no warning even when readable
	base_config "$SRV_PORT" | sed "s|^cmp_secret = .*|cmp_secret = env:CMPIT_PBM|" >"$TD/e.ini"
	chmod 644 "$TD/e.ini"
	CMPIT_PBM=$SECRET run -c "$TD/e.ini" "$PKI/ee.csr"
	assert_issued "$PKI/ee.pem"
}

# The shell-hostile CSRs. X is a file that a shell would create. (CN, O and
# OU hold at most 64 characters; the long values go to description.)
hostile_csrs() {
	X=$TD/PWNED
	X_ESC=${X//\//\\/}
	local xs=$X_ESC
	# csr mapping: quotes, spaces, ;, $(...), backticks, a newline
	H1_O="a;b \"q\" 's' x"
	H1_OU="\$(touch $X)"
	H1_D="a\`touch $X\`b"
	H1_CN=$'semi;colon "dq" \'sq\' sp ace\nsecond line'
	H1_SANS=("DNS \$(touch $X).example" "DNS a;b\`touch $X\`.example"
		"DNS q\"x'y.example" "DNS sp ace.example")
	pki_key "$TD/h.key"
	ossl req -new -key "$TD/h.key" -out "$TD/h1.csr" \
		-subj "/O=$H1_O/OU=\$(touch $xs)/description=a\`touch $xs\`b/CN=$H1_CN" \
		-addext "subjectAltName=DNS:\\\$(touch $X).example,DNS:a;b\\\`touch $X\\\`.example,DNS:q\\\"x\\'y.example,DNS:sp ace.example" \
		|| return 1
	pki_issue "$TD/h1.csr" "$TD/h1.pem" || return 1

	# fields mapping: no spaces in SANs (-sans splits on them); / + = \ and a
	# multi-valued RDN in the subject
	H2_SANS=("DNS \$(touch\${IFS}$X).example" "DNS a;b\`touch\${IFS}$X\`.example" "IP 127.0.0.1")
	ossl req -new -key "$TD/h.key" -out "$TD/h2.csr" \
		-subj "/O=a\\/b\\+c\\=d\\\\e+UID=u1/CN=\$(touch $xs)/description=\`touch $xs\`; \"q\" 's'" \
		-addext "subjectAltName=DNS:\\\$(touch\\\${IFS}$X).example,DNS:a;b\\\`touch\\\${IFS}$X\\\`.example,IP:127.0.0.1" \
		|| return 1
	pki_issue "$TD/h2.csr" "$TD/h2.pem"
}

test_shell_metacharacters() {
	local csrtext rec
	hostile_csrs || { fail "creating the hostile CSRs"; return; }
	# the CSRs hold what we meant (guards the test itself)
	csrtext=$(ossl req -in "$TD/h1.csr" -noout -text)
	assert_contains "$csrtext" "DNS:a;b\`touch $X\`.example" "setup: CSR 1 holds the backtick SAN"
	csr_der "$TD/h1.csr" "$TD/h1.der"
	assert_contains "$(hexof "$TD/h1.der")" "$(hexstr "$H1_CN")" \
		"setup: CSR 1 CN holds quotes, spaces and a newline"
	assert_contains "$(hexof "$TD/h1.der")" "$(hexstr "$H1_O")" "setup: CSR 1 O as meant"
	assert_contains "$(hexof "$TD/h1.der")" "$(hexstr "$H1_OU")" "setup: CSR 1 OU as meant"
	assert_contains "$(hexof "$TD/h1.der")" "$(hexstr "$H1_D")" "setup: CSR 1 description as meant"

	SRV_RSP_CERT=$TD/h1.pem srv_start || return
	{ base_config "$SRV_PORT"; echo "cmp_reqout = $TD/r1.der,$TD/r2.der"; } |
		write_config "$TD/c.ini"
	run -c "$TD/c.ini" "$TD/h1.csr"
	assert_issued "$TD/h1.pem"
	assert_file_absent "$X" "csr mapping: nothing executed"
	assert_request_carries "$TD/r1.der" "$TD/h1.csr" "${H1_SANS[@]}"
	srv_stop

	rm -f "$TD"/r*.der
	SRV_RSP_CERT=$TD/h2.pem srv_start || return
	rec=$(newdir)
	{ rec_config "$SRV_PORT" "$rec"; echo "cmp_reqout = $TD/r1.der,$TD/r2.der"; } |
		write_config "$TD/c.ini"
	run -c "$TD/c.ini" --mapping fields "$TD/h2.csr"
	assert_issued "$TD/h2.pem"
	assert_file_absent "$X" "fields mapping: nothing executed"
	assert_request_carries "$TD/r1.der" "$TD/h2.csr" "${H2_SANS[@]}"
	assert_eq "$(argv_pair "$rec" -csr)" "<none>" "fields mapping used (no -csr)"
	# (the members of a multi-valued RDN may come in either order)
	local subj tail="/CN=\$(touch $X_ESC)/description=\`touch $X_ESC\`; \"q\" 's'"
	subj=$(argv_pair "$rec" -subject)
	case $subj in
	"/O=a\\/b\\+c\\=d\\\\e+UID=u1$tail" | "/UID=u1+O=a\\/b\\+c\\=d\\\\e$tail")
		ok "-subject escapes / + = \\ and keeps the multi-valued RDN" ;;
	*) fail "-subject not escaped as expected" "got: $subj" ;;
	esac

	# -n prints a shell-quoted line: run through sh it must not execute either
	run -n -c "$TD/c.ini" --mapping fields "$TD/h2.csr"
	assert_rc 0 "dry run of the hostile CSR"
	(cd "$(newdir)" && sh -c "$(sed 's/\*\*\*\*/pass:'"$SECRET"'/g' "$OUT")" >/dev/null 2>&1)
	assert_file_absent "$X" "dry-run line run by sh: nothing executed"
}

# signal_during_polling SIG STATUS: send SIG to cmpenroll while openssl polls;
# it must be gone within 2 s with STATUS, no openssl left, nothing in TMPDIR,
# no output file.
signal_during_polling() {
	local sig=$1 want=$2 rec tmp outd pid i t0 t1 ms rc p left=""
	srv_start -poll_count 5 -check_after 1 || return
	rec=$(newdir)
	tmp=$(newdir)
	outd=$(newdir)
	rec_config "$SRV_PORT" "$rec" | write_config "$TD/c.ini"

	# setsid: a group kill by the tool cannot reach the suite. python resets
	# SIGINT and SIGQUIT, which bash ignores in background commands (and
	# cmpenroll then leaves ignored), to their default.
	TMPDIR=$tmp "$PY" -c 'import os, signal, sys
signal.signal(signal.SIGINT, signal.SIG_DFL)
signal.signal(signal.SIGQUIT, signal.SIG_DFL)
os.execvp(sys.argv[1], sys.argv[1:])' setsid "$BIN" -c "$TD/c.ini" -o "$outd/cert.pem" "$PKI/ee.csr" \
		</dev/null >"$TD/out" 2>"$TD/err" &
	pid=$!
	track_pid "$pid"
	# wait until openssl is polling (ir and a first pollReq reached the server)
	for i in $(seq 1 50); do
		[ -s "$rec/pids" ] && [ "$(srv_requests)" -ge 2 ] && break
		sleep 0.1
	done
	if [ "$(srv_requests)" -lt 2 ]; then
		fail "setup: client never started polling" "$(cat "$TD/err")"
		return
	fi
	kill -"$sig" "$pid"
	t0=$(now)
	for i in $(seq 1 50); do
		alive "$pid" || break
		sleep 0.05
	done
	t1=$(now)
	ms=$(elapsed_ms "$t0" "$t1")
	if alive "$pid"; then
		fail "cmpenroll still running 2.5 s after SIG$sig"
	elif [ "$ms" -le 2000 ]; then
		ok "cmpenroll gone $ms ms after SIG$sig"
	else
		fail "cmpenroll took $ms ms to end after SIG$sig (limit 2000)"
	fi
	wait "$pid"
	rc=$?
	assert_eq "$rc" "$want" "exit status after SIG$sig is $want"
	for p in $(cat "$rec/pids"); do
		alive "$p" && left="$left $p"
	done
	assert_eq "$left" "" "no openssl client left (recorded PIDs: $(tr '\n' ' ' <"$rec/pids"))"
	for p in $left; do stop_pid "$p"; done
	assert_eq "$(ls -A "$tmp")" "" "TMPDIR holds nothing afterwards"
	assert_eq "$(ls -A "$outd")" "" "no output file (nor temporary) created"
	if [ -s "$TD/out" ]; then fail "stdout not empty" "$(cat "$TD/out")"; else ok "stdout empty"; fi
	if [ -s "$TD/err" ] && grep -vq '^cmpenroll: ' "$TD/err"; then
		fail "stderr line without prefix" "$(cat "$TD/err")"
	else ok "stderr lines (if any) start with 'cmpenroll: '"; fi
	assert_eq "$(grep -c '^cmpenroll: stopped by signal ' "$TD/err")" 1 \
		"the signal reported once"
}

test_sigterm_during_polling() { signal_during_polling TERM 143; }
test_sigint_during_polling() { signal_during_polling INT 130; }
test_sighup_during_polling() { signal_during_polling HUP 129; }
test_sigquit_during_polling() { signal_during_polling QUIT 131; }

# A CSR awaited on stdin (here a FIFO nobody writes) does not hold off a
# stop signal: exit 143, one line.
test_signal_while_reading_csr() {
	local fifo=$TD/csr.fifo pid i rc
	base_config 9 | write_config "$TD/c.ini"
	mkfifo "$fifo" || { fail "setup: mkfifo"; return; }
	# read-write, so that opening does not wait for a writer
	"$BIN" -c "$TD/c.ini" - <>"$fifo" >"$TD/out" 2>"$TD/err" &
	pid=$!
	track_pid "$pid"
	sleep 0.3
	kill -TERM "$pid"
	for i in $(seq 1 40); do
		alive "$pid" || break
		sleep 0.05
	done
	if alive "$pid"; then
		fail "cmpenroll still reading 2 s after SIGTERM"
		return
	fi
	wait "$pid"
	rc=$?
	assert_eq "$rc" 143 "exit status after SIGTERM is 143"
	OUT=$TD/out ERR=$TD/err
	assert_one_error
	assert_stderr_match "stopped by signal 15" "the signal is named"
}

# Started with SIGCHLD blocked and SIGHUP ignored (as under nohup), it still
# waits for openssl to the end, and a SIGHUP does not stop it.  The stand-in
# openssl closes its pipes before it exits, and sends SIGHUP to cmpenroll:
# an end of output that comes before the exit must not leave the wait
# without a way to see the exit.
test_inherited_signal_state() {
	local fake=$TD/late-openssl wrap=$TD/nohup-wrap
	srv_start || return
	printf '#!/bin/sh
kill -HUP $PPID
"%s" "$@"
rc=$?
exec 1>&- 2>&- 4>&- 5>&- 6>&-
sleep 0.5
exit $rc
' \
		"$CLI_BIN" >"$fake"
	printf '#!/bin/sh
exec "%s" -c "import os, signal, sys
signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGCHLD})
signal.signal(signal.SIGHUP, signal.SIG_IGN)
os.execv(sys.argv[1], sys.argv[1:])" "%s" "$@"
' \
		"$PY" "$BIN" >"$wrap"
	chmod 755 "$fake" "$wrap"
	base_config "$SRV_PORT" | with_openssl "$fake" | write_config "$TD/c.ini"
	BIN=$wrap RUN_LIMIT=15 run -c "$TD/c.ini" "$PKI/ee.csr"
	assert_issued "$PKI/ee.pem"
}

test_timeout_option() {
	local rec tmp outd t0 t1 ms p left=""
	srv_start -poll_count 5 -check_after 1 || return
	rec=$(newdir)
	tmp=$(newdir)
	outd=$(newdir)
	rec_config "$SRV_PORT" "$rec" | write_config "$TD/c.ini"
	t0=$(now)
	TMPDIR=$tmp run --timeout 1 -c "$TD/c.ini" -o "$outd/cert.pem" "$PKI/ee.csr"
	t1=$(now)
	assert_rc 75 "--timeout 1 while polling"
	assert_one_error
	ms=$(elapsed_ms "$t0" "$t1")
	if [ "$ms" -lt 3000 ]; then ok "ended after $ms ms"; else fail "took $ms ms (timeout 1 s)"; fi
	for p in $(cat "$rec/pids" 2>/dev/null); do
		alive "$p" && left="$left $p"
	done
	assert_eq "$left" "" "no openssl client left"
	for p in $left; do stop_pid "$p"; done
	assert_eq "$(ls -A "$tmp")" "" "TMPDIR holds nothing afterwards"
	assert_eq "$(ls -A "$outd")" "" "no output file created"
}

# What openssl saves comes back through a pipe, read to its end but kept
# only up to 1 MiB: a stand-in that writes more is reported, not followed.
test_capture_bounded() {
	local fake=$TD/big-openssl
	printf '#!/bin/sh
head -c 1048577 /dev/zero | tr "\\0" A >/dev/fd/4
exit 0\n' >"$fake"
	chmod 755 "$fake"
	# a CA to reach (the stand-in never asks it)
	srv_start || return
	base_config "$SRV_PORT" | with_openssl "$fake" |
		write_config "$TD/c.ini"
	run -c "$TD/c.ini" -o "$TD/out.pem" "$PKI/ee.csr"
	assert_rc 76 "more than 1 MiB saved"
	assert_one_error
	assert_stderr_match "more than 1048576 bytes" "the bound is named"
	assert_file_absent "$TD/out.pem" "no output written"
}

# An output path that holds a FIFO, a device or a folder is refused before
# anything is sent: the rename would replace a FIFO or a device node.  With
# --renew-within such a path is not read (a FIFO would block the read).
test_output_target_not_regular() {
	local od
	srv_start || return
	base_config "$SRV_PORT" | write_config "$TD/c.ini"
	od=$(newdir)
	if ! mkfifo "$od/fifo"; then
		fail "setup: mkfifo"
		return
	fi
	run -c "$TD/c.ini" -o "$od/fifo" "$PKI/ee.csr"
	assert_rc 73 "-o names a FIFO"
	assert_one_error
	assert_stderr_match "fifo: not a regular file" "the reason is named"
	if [ -p "$od/fifo" ]; then ok "the FIFO is still a FIFO"; else
		fail "the FIFO was replaced" "$(ls -la "$od")"; fi
	RUN_LIMIT=10 run -c "$TD/c.ini" --cert-out "$od/fifo" --renew-within 5 \
		"$PKI/ee.csr"
	assert_rc 73 "--renew-within and a FIFO: refused, not waited for"
	run -c "$TD/c.ini" --chain-out "$od" "$PKI/ee.csr"
	assert_rc 73 "--chain-out names a folder"
	assert_one_error
	# a link to a FIFO, as /dev/stdout is a link to a descriptor
	ln -s "$od/fifo" "$od/link"
	run -c "$TD/c.ini" -o "$od/link" "$PKI/ee.csr"
	assert_rc 73 "-o names a link to a FIFO"
	if [ -L "$od/link" ]; then ok "the link is still a link"; else
		fail "the link was replaced" "$(ls -la "$od")"; fi
	# no file name at all: found before the first output is committed
	printf 'old bundle\n' >"$od/k.pem"
	run -c "$TD/c.ini" -o "$od/k.pem" --cert-out "$od/nofile/" "$PKI/ee.csr"
	assert_rc 73 "--cert-out ends in a slash"
	assert_one_error
	run -c "$TD/c.ini" -o "$od/k.pem" --chain-out "" "$PKI/ee.csr"
	assert_rc 73 "--chain-out is empty"
	assert_eq "$(cat "$od/k.pem")" "old bundle" "-o file untouched"
	rm -f "$od/k.pem"
	assert_srv_requests 0
	assert_eq "$(ls -A "$od" | tr '\n' ' ')" "fifo link " "no temporary left behind"
}

# Outputs belong to the user who runs cmpenroll: a replaced file keeps only
# its permission bits (masked with 0666 & ~umask), and its group only when
# it was ours.  The repro: in a sticky folder, another user plants a file
# of its own and a link to a setuid binary.
test_output_owned_by_who_runs() {
	local od
	if [ "$(id -u)" != 0 ]; then
		note "not root: skipped"
		return
	fi
	srv_start || return
	base_config "$SRV_PORT" | write_config "$TD/c.ini"
	od=$(newdir)
	chmod 1777 "$od"
	# nobody must reach the folder: open the suite's root for the test
	chmod 711 "$LIB_TMP"
	su -s /bin/sh nobody -c "cd '$od' && printf x >host.pem && chmod 666 host.pem &&
		ln -s /usr/bin/passwd link.pem" ||
		{ fail "setup: files as nobody"; chmod 700 "$LIB_TMP"; return; }
	cp -p /usr/bin/passwd "$TD/passwd.orig"
	run -c "$TD/c.ini" -o "$od/host.pem" "$PKI/ee.csr"
	assert_rc 0 "-o over nobody's file"
	assert_eq "$(stat -c '%U:%G %a' "$od/host.pem")" "root:root 644" \
		"the new file is root's, 0666 & ~umask (not nobody's 0666)"
	run -c "$TD/c.ini" -o "$od/link.pem" "$PKI/ee.csr"
	assert_rc 0 "-o over a link to a setuid binary"
	if [ -f "$od/link.pem" ] && [ ! -L "$od/link.pem" ]; then
		ok "the link was replaced by a file"
	else
		fail "the link is still a link" "$(ls -la "$od")"
	fi
	assert_eq "$(stat -c '%U:%G %a' "$od/link.pem")" "root:root 644" \
		"no setuid bit, nothing taken from the link's target"
	assert_same_bytes "$TD/passwd.orig" /usr/bin/passwd "the link's target is untouched"
	assert_eq "$(stat -c '%a' /usr/bin/passwd)" "$(stat -c '%a' "$TD/passwd.orig")" \
		"the link's target keeps its mode"

	# a file that was ours keeps its group (a daemon reads it through it)
	printf 'old\n' >"$od/ours.pem"
	chown root:nogroup "$od/ours.pem" && chmod 640 "$od/ours.pem"
	run -c "$TD/c.ini" -o "$od/ours.pem" "$PKI/ee.csr"
	assert_rc 0 "-o over a file of root:nogroup"
	assert_eq "$(stat -c '%U:%G %a' "$od/ours.pem")" "root:nogroup 640" \
		"our own file keeps its group and mode"
	# a setuid or group-writable mode is not carried over
	printf 'old\n' >"$od/odd.pem"
	chmod 6775 "$od/odd.pem"
	run -c "$TD/c.ini" -o "$od/odd.pem" "$PKI/ee.csr"
	assert_rc 0 "-o over a file of mode 6775"
	assert_eq "$(stat -c '%a' "$od/odd.pem")" 644 "no setuid, setgid or group write"
	chmod 700 "$LIB_TMP"
}

# hostile_case RC LABEL FILE: a CSR input that must fail cleanly.
hostile_case() {
	RUN_LIMIT=20 run -c "$TD/c.ini" "$3"
	assert_rc "$1" "$2"
	assert_one_error
}

test_hostile_csr_inputs() {
	local i
	srv_start || return
	{ base_config "$SRV_PORT"; echo "cmp_reqout = $TD/req1.der"; } | write_config "$TD/c.ini"

	# a real, well-signed CSR whose DER is over 64 KiB (many SANs)
	local sans="DNS:big.example" big
	for i in $(seq 1 3500); do sans="$sans,DNS:host$i.big.example"; done
	ossl req -new -key "$PKI/ee.key" -subj "/CN=big.example" -addext "subjectAltName=$sans" \
		-outform DER -out "$TD/big.der" 2>/dev/null
	big=$(stat -c %s "$TD/big.der")
	if [ "$big" -gt 65536 ]; then ok "setup: big CSR is $big bytes"; else fail "setup: big CSR only $big bytes"; fi
	hostile_case 65 "CSR over 64 KiB (DER)" "$TD/big.der"
	ossl req -inform DER -in "$TD/big.der" -out "$TD/big.pem" 2>/dev/null
	hostile_case 65 "CSR over 64 KiB (PEM)" "$TD/big.pem"

	head -c $(($(stat -c %s "$PKI/ee.csr") / 2)) "$PKI/ee.csr" >"$TD/trunc.pem"
	hostile_case 65 "truncated PEM" "$TD/trunc.pem"

	sed 's/CERTIFICATE REQUEST/CERTIFICATE/' "$PKI/ee.csr" >"$TD/label.pem"
	hostile_case 65 "wrong PEM label" "$TD/label.pem"
	assert_stderr_match "this is a certificate \(CERTIFICATE\), not a CSR" \
		"a certificate in a CSR's place is named"
	hostile_case 65 "a certificate instead of a CSR" "$PKI/ee.pem"
	assert_stderr_match "this is a certificate \(CERTIFICATE\), not a CSR" \
		"a certificate is named"
	hostile_case 65 "a private key instead of a CSR" "$PKI/ee.key"
	assert_stderr_match "this is a private key \((EC |)PRIVATE KEY\), not a CSR" \
		"a private key is named"
	assert_stderr_nomatch "$(sed -n 2p "$PKI/ee.key" | cut -c1-20)" "the key is not echoed"
	ossl pkey -in "$PKI/ee.key" -outform DER -out "$TD/ee.key.der" 2>/dev/null
	hostile_case 65 "a DER private key instead of a CSR" "$TD/ee.key.der"
	assert_stderr_match "this is a private key \(DER\), not a CSR" "a DER private key is named"
	ossl x509 -in "$PKI/ee.pem" -outform DER -out "$TD/ee.pem.der" 2>/dev/null
	hostile_case 65 "a DER certificate instead of a CSR" "$TD/ee.pem.der"
	assert_stderr_match "this is a certificate \(DER\), not a CSR" "a DER certificate is named"

	{ cat "$PKI/ee.csr"; echo "trailing garbage"; } >"$TD/trail.pem"
	hostile_case 65 "trailing garbage after PEM" "$TD/trail.pem"

	{ cat "$PKI/ee.der"; printf '\000\001\002'; } >"$TD/extra.der"
	hostile_case 65 "DER with extra bytes" "$TD/extra.der"

	sed '2s/^..../!!!!/' "$PKI/ee.csr" >"$TD/b64.pem"
	hostile_case 65 "PEM with broken base64" "$TD/b64.pem"

	head -c 2048 /dev/urandom >"$TD/random.bin"
	hostile_case 65 "random bytes" "$TD/random.bin"

	: >"$TD/empty.csr"
	hostile_case 65 "empty file" "$TD/empty.csr"

	hostile_case 65 "/dev/zero" /dev/zero
	hostile_case 66 "missing file" "$TD/no-such.csr"

	# well-formed and correctly signed, but proving nothing: a SHA-1
	# signature, a key below 112 bits of security (the one rule)
	ossl req -new -key "$PKI/ee.key" -subj "/CN=sha1.example" -sha1 \
		-out "$TD/sha1.pem" 2>/dev/null
	hostile_case 65 "CSR signed with SHA-1" "$TD/sha1.pem"
	assert_stderr_match "signed with SHA1: a signature made with MD5 or SHA-1 proves nothing" \
		"SHA-1 refused by the rule"
	ossl req -new -newkey rsa:1024 -nodes -keyout "$TD/rsa1024.key" \
		-subj "/CN=rsa1024.example" -out "$TD/rsa1024.pem" 2>/dev/null
	hostile_case 65 "CSR with an RSA 1024 key" "$TD/rsa1024.pem"
	assert_stderr_match "RSA key of 1024 bits: 80-bit security, below 112" \
		"RSA 1024 refused by the rule"
	ossl genpkey -genparam -algorithm DSA -pkeyopt dsa_paramgen_bits:1024 \
		-out "$TD/dsa.param" 2>/dev/null &&
		ossl genpkey -paramfile "$TD/dsa.param" -out "$TD/dsa.key" 2>/dev/null &&
		ossl req -new -key "$TD/dsa.key" -subj "/CN=dsa.example" \
			-out "$TD/dsa.pem" 2>/dev/null
	hostile_case 65 "CSR with a DSA 1024 key" "$TD/dsa.pem"
	assert_stderr_match "DSA key of 1024 bits: 80-bit security, below 112" \
		"DSA 1024 refused by the same rule"

	# AMBIGUOUS: the contract gives 66 to "missing or unreadable" input and 65
	# to a bad CSR; a directory cannot be read as a file, so 66 is expected,
	# 65 is accepted.
	mkdir "$TD/dir.csr"
	hostile_case "66|65" "a directory (ambiguous: 66 expected, 65 accepted)" "$TD/dir.csr"

	assert_srv_requests 0
	assert_file_absent "$TD/req1.der" "no request was sent for any of them"
}

test_hostile_config_inputs() {
	local i line
	base_config 1 | write_config "$TD/ok.ini"

	# over 1 MiB: valid content padded with short comment lines
	{ cat "$TD/ok.ini"
	  line="# $(head -c 1000 /dev/zero | tr '\0' 'x')"
	  for i in $(seq 1 1100); do printf '%s\n' "$line"; done; } | write_config "$TD/big.ini"
	RUN_LIMIT=20 run -c "$TD/big.ini" "$PKI/ee.csr"
	assert_rc 78 "config over 1 MiB"
	assert_one_error

	# one line over 8 KiB (an ignored key, so only the length is wrong)
	{ cat "$TD/ok.ini"; printf 'handler_file = %s\n' "$(head -c 9000 /dev/zero | tr '\0' 'y')"; } |
		write_config "$TD/long.ini"
	RUN_LIMIT=20 run -c "$TD/long.ini" "$PKI/ee.csr"
	assert_rc 78 "config line over 8 KiB"
	assert_one_error

	: | write_config "$TD/empty.ini"
	run -c "$TD/empty.ini" "$PKI/ee.csr"
	assert_rc 78 "empty config (no section)"
	assert_one_error

	head -c 4096 /dev/urandom | write_config "$TD/random.ini"
	RUN_LIMIT=20 run -c "$TD/random.ini" "$PKI/ee.csr"
	assert_rc 78 "random bytes as config"
	assert_one_error

	{ cat "$TD/ok.ini"; echo "cmp_popo = 0"; echo "cmp_popo = 1"; } | write_config "$TD/dup.ini"
	run -c "$TD/dup.ini" "$PKI/ee.csr"
	assert_rc 78 "duplicate key"
	assert_one_error
	assert_stderr_match "dup\.ini:[0-9]+: " "message is 'FILE:LINE: ...'"

	{ cat "$TD/ok.ini"; echo "[other]"; echo "[CAhandler]"; echo "cmp_popo = 1"; } |
		write_config "$TD/dupsec.ini"
	run -c "$TD/dupsec.ini" "$PKI/ee.csr"
	assert_rc 78 "duplicate section"
	assert_one_error
	assert_stderr_match "dupsec\.ini:[0-9]+: " "message is 'FILE:LINE: ...'"

	RUN_LIMIT=20 run -c /dev/zero "$PKI/ee.csr"
	assert_rc 78 "/dev/zero as config"
	assert_one_error

	# AMBIGUOUS: a directory is an unreadable config file (66) by the contract;
	# 78 accepted.
	mkdir "$TD/dir.ini"
	run -c "$TD/dir.ini" "$PKI/ee.csr"
	assert_rc "66|78" "a directory as config (ambiguous: 66 expected, 78 accepted)"
	assert_one_error
}

test_output_untouched_on_failure() {
	local od
	srv_start -pkistatus 2 -failure 2 -statusstring "no" || return
	base_config "$SRV_PORT" | write_config "$TD/c.ini"
	od=$(newdir)
	printf 'old bundle\n' >"$od/bundle.pem"
	printf 'old cert\n' >"$od/cert.pem"
	printf 'old chain\n' >"$od/chain.pem"
	cp -p "$od/bundle.pem" "$TD/bundle.orig"
	cp -p "$od/cert.pem" "$TD/cert.orig"
	cp -p "$od/chain.pem" "$TD/chain.orig"
	run -c "$TD/c.ini" -o "$od/bundle.pem" "$PKI/ee.csr"
	assert_rc 77
	assert_same_bytes "$TD/bundle.orig" "$od/bundle.pem" "-o file untouched by a failed run"
	run -c "$TD/c.ini" --cert-out "$od/cert.pem" --chain-out "$od/chain.pem" "$PKI/ee.csr"
	assert_rc 77
	assert_same_bytes "$TD/cert.orig" "$od/cert.pem" "--cert-out file untouched"
	assert_same_bytes "$TD/chain.orig" "$od/chain.pem" "--chain-out file untouched"
	assert_eq "$(ls -A "$od" | tr '\n' ' ')" "bundle.pem cert.pem chain.pem " "no temporary left behind"
	srv_stop

	# the output folder does not exist: 73 before anything is sent
	srv_start || return
	base_config "$SRV_PORT" | write_config "$TD/c.ini"
	run -c "$TD/c.ini" -o "$od/missing-dir/bundle.pem" "$PKI/ee.csr"
	assert_rc 73 "output cannot be written"
	assert_one_error
	assert_srv_requests 0

	# one of several outputs cannot be written: none of them changes
	run -c "$TD/c.ini" -o "$od/bundle.pem" --cert-out "$od/cert.pem" \
	    --chain-out "$od/missing-dir/chain.pem" "$PKI/ee.csr"
	assert_rc 73 "third output cannot be written"
	assert_one_error
	assert_same_bytes "$TD/bundle.orig" "$od/bundle.pem" "-o file untouched when --chain-out fails"
	assert_same_bytes "$TD/cert.orig" "$od/cert.pem" "--cert-out file untouched when --chain-out fails"
	assert_eq "$(ls -A "$od" | tr '\n' ' ')" "bundle.pem cert.pem chain.pem " "no temporary left behind"
}

# rename_sources TRACE TARGET: temp names renamed onto TARGET in an strace log.
rename_sources() {
	local base=${2##*/}
	sed -n 's/.*rename[a-z0-9]*([^"]*"\([^"]*\)"[^"]*"\([^"]*\)".*= 0.*/\1 \2/p' "$1" |
		awk -v t="$2" -v b="$base" '$2 == t || $2 == b { print $1 }'
}

test_output_symlink_not_followed() {
	local od victim tmpname="" n names=() guess
	srv_start || return
	base_config "$SRV_PORT" | write_config "$TD/c.ini"
	od=$(newdir)
	victim=$TD/victim
	printf 'precious\n' >"$victim"
	cp "$victim" "$TD/victim.orig"

	# learn the temporary name the tool renames from (strace, where it works)
	if command -v strace >/dev/null 2>&1 &&
		strace -f -qq -o "$TD/trace" -e trace=rename,renameat,renameat2 \
			"$BIN" -c "$TD/c.ini" -o "$od/cert.pem" "$PKI/ee.csr" >/dev/null 2>&1; then
		tmpname=$(rename_sources "$TD/trace" "$od/cert.pem" | head -n1)
		# a relative name is relative to the target's folder (renameat)
		case $tmpname in /*) ;; ?*) tmpname=$od/${tmpname##*/} ;; esac
	fi
	if [ -n "$tmpname" ]; then
		note "the output was renamed from ${tmpname##*/}"
		names+=("$tmpname")
	else
		note "strace unavailable or no rename seen; planting guessed names only"
	fi
	rm -f "$od"/*
	for guess in cert.pem.tmp .cert.pem.tmp cert.pem.new .cert.pem.new cert.pem~ \
		.cert.pem cert.pem.part .cert.pem.swp; do
		names+=("$od/$guess")
	done
	for n in "${names[@]}"; do ln -sf "$victim" "$n"; done

	run -c "$TD/c.ini" -o "$od/cert.pem" "$PKI/ee.csr"
	assert_rc "0|73" "run with symlinks planted at temporary names"
	assert_same_bytes "$TD/victim.orig" "$victim" "the symlinks' target is untouched"
	if [ "$RC" -eq 0 ]; then
		if [ -f "$od/cert.pem" ] && [ ! -L "$od/cert.pem" ]; then
			ok "output is a regular file"
			assert_chain "$od/cert.pem" "$(cert_fp "$PKI/ee.pem")" \
				"$(cert_fp "$PKI/int.pem")" "$(cert_fp "$PKI/root.pem")"
		else
			fail "output is not a regular file" "$(ls -la "$od")"
		fi
	fi
}
