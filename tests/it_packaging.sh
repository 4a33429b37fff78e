# it_packaging.sh: issue 14, what operators install: make install and
# uninstall, the renewal units (systemd-analyze verify), their wrapper run
# as the service runs it against the mock server, bash completion, and
# the Debian package (sourced by run-integration.sh).
#
# The package part builds the .deb and runs lintian (20 s on an idle
# machine, 50 s under load): it runs when CMPENROLL_TEST_DEB is set, as
# make check sets it; else it is skipped with a note.

# pkg_make TARGET VAR=VALUE...: the project's make, without what a calling
# make passes down (its variables, -j), output in $TD/make.log.
pkg_make() {
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
		make -s -C "$REPO_DIR" "$@" >"$TD/make.log" 2>&1
	local rc=$?
	[ $rc -eq 0 ] || fail "make $* failed ($rc)" "$(tail -n 20 "$TD/make.log")"
	return $rc
}

# pkg_files DIR: "MODE PATH" of every file under DIR, sorted by path.
pkg_files() {
	(cd "$1" && find . -type f -printf '%m %P\n' | sort -k2)
}

# pkg_prefix_install DIR: make install PREFIX=DIR (no DESTDIR), so the units
# and the wrapper name files that exist; bin/cmpenroll becomes the binary
# under test.
pkg_prefix_install() {
	pkg_make install PREFIX="$1" || return 1
	ln -sf "$BIN" "$1/bin/cmpenroll"
}

test_pkg_make_install() {
	local d=$TD/destdir d2=$TD/destdir2 want
	pkg_make install DESTDIR="$d" || return
	want="755 usr/local/bin/cmpenroll
644 usr/local/lib/systemd/system/cmpenroll-renew@.service
644 usr/local/lib/systemd/system/cmpenroll-renew@.timer
755 usr/local/libexec/cmpenroll/cmpenroll-renew
644 usr/local/share/bash-completion/completions/cmpenroll
644 usr/local/share/doc/cmpenroll/cmpenroll.cron
644 usr/local/share/doc/cmpenroll/cmpenroll.ini.example
644 usr/local/share/doc/cmpenroll/renew.conf.example
644 usr/local/share/man/man1/cmpenroll.1"
	assert_eq "$(pkg_files "$d")" "$want" "make install DESTDIR: the expected files and modes"
	assert_eq "$(grep -rIl '@[A-Z]*@' "$d")" "" "no @VARIABLE@ left in the installed files"
	assert_eq "$(sed -n 's/^ExecStart=//p' "$d/usr/local/lib/systemd/system/cmpenroll-renew@.service")" \
		"/usr/local/libexec/cmpenroll/cmpenroll-renew /etc/cmpenroll/%i.conf" \
		"the service runs the installed wrapper on /etc/cmpenroll/%i.conf"
	assert_eq "$(grep -c '^CMPENROLL=/usr/local/bin/cmpenroll$' \
		"$d/usr/local/libexec/cmpenroll/cmpenroll-renew")" 1 \
		"the wrapper runs the installed cmpenroll"
	assert_contains "$(cat "$d/usr/local/share/doc/cmpenroll/cmpenroll.cron")" \
		"/usr/local/libexec/cmpenroll/cmpenroll-renew /etc/cmpenroll/host.conf" \
		"the cron example calls the installed wrapper"
	if cmp -s "$REPO_DIR/cmpenroll.ini.example" \
		"$d/usr/local/share/doc/cmpenroll/cmpenroll.ini.example"; then
		ok "the example config installed as it is"
	else fail "the installed example config differs"; fi

	pkg_make uninstall DESTDIR="$d" || return
	assert_eq "$(pkg_files "$d")" "" "make uninstall removes every file"
	assert_file_absent "$d/usr/local/libexec/cmpenroll" "make uninstall removes libexec/cmpenroll"
	assert_file_absent "$d/usr/local/share/doc/cmpenroll" "make uninstall removes share/doc/cmpenroll"

	# a package's layout
	pkg_make install DESTDIR="$d2" PREFIX=/usr SYSTEMDUNITDIR=/lib/systemd/system || return
	assert_file_exists "$d2/lib/systemd/system/cmpenroll-renew@.timer" "SYSTEMDUNITDIR is honoured"
	assert_eq "$(grep -c '^CMPENROLL=/usr/bin/cmpenroll$' "$d2/usr/libexec/cmpenroll/cmpenroll-renew")" 1 \
		"PREFIX=/usr: the wrapper runs /usr/bin/cmpenroll"
}

test_pkg_units_verify() {
	local p=$TD/p u out
	pkg_prefix_install "$p" || return
	u=$p/lib/systemd/system
	grep -q '^SuccessExitStatus=1$' "$u/cmpenroll-renew@.service" &&
		grep -q '^ProtectSystem=strict$' "$u/cmpenroll-renew@.service" &&
		grep -q '^ReadWritePaths=' "$u/cmpenroll-renew@.service" &&
		grep -q '^NoNewPrivileges=true$' "$u/cmpenroll-renew@.service" &&
		grep -q '^PrivateTmp=true$' "$u/cmpenroll-renew@.service"
	assert_eq "$?" 0 "service: SuccessExitStatus=1, ProtectSystem=strict, ReadWritePaths, NoNewPrivileges, PrivateTmp"
	grep -q '^OnCalendar=\*-\*-\* 00,12:00:00$' "$u/cmpenroll-renew@.timer" &&
		grep -q '^RandomizedDelaySec=' "$u/cmpenroll-renew@.timer" &&
		grep -q '^Persistent=true$' "$u/cmpenroll-renew@.timer"
	assert_eq "$?" 0 "timer: twice a day, RandomizedDelaySec, Persistent=true"

	if ! command -v systemd-analyze >/dev/null 2>&1; then
		note "systemd-analyze not installed: units not verified"
		return
	fi
	# MANPATH: Documentation=man:cmpenroll(1) is checked against this install.
	out=$(MANPATH=$p/share/man systemd-analyze verify "$u/cmpenroll-renew@.service" \
		"$u/cmpenroll-renew@.timer" 2>&1)
	assert_eq "$?" 0 "systemd-analyze verify exits 0"
	assert_eq "$out" "" "systemd-analyze verify: no message"
	# ... and it would say something about a broken unit.
	sed 's/^PrivateTmp=/PrivateTmpx=/' "$u/cmpenroll-renew@.service" >"$TD/broken@.service"
	out=$(MANPATH=$p/share/man systemd-analyze verify "$TD/broken@.service" 2>&1)
	assert_contains "$out" "PrivateTmpx" "systemd-analyze verify reports an unknown key"
}

# svc_setup: a PREFIX install in $TD/p and the service's command line for
# instance "host", its /etc/cmpenroll in $TD/etc/cmpenroll, in SVC_ARGV.
SVC_ARGV=()
svc_setup() {
	local line
	pkg_prefix_install "$TD/p" || return 1
	mkdir -p "$TD/etc/cmpenroll"
	line=$(sed -n 's/^ExecStart=//p' "$TD/p/lib/systemd/system/cmpenroll-renew@.service")
	line=${line//%i/host}
	line=${line//\/etc\/cmpenroll\//$TD/etc/cmpenroll/}
	read -r -a SVC_ARGV <<<"$line"
}

# run_svc: the service's command line in systemd's environment for a
# system service, through lib.sh's run ($OUT, $ERR, $RC).
run_svc() {
	BIN=/usr/bin/env run -i LANG=C.UTF-8 \
		PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		"${SVC_ARGV[@]}"
}

# svc_conf: stdin as the instance file, mode 0600.
svc_conf() {
	write_config "$TD/etc/cmpenroll/host.conf"
}

marks() { if [ -f "$TD/marker" ]; then lines "$TD/marker"; else echo 0; fi; }

test_pkg_renew_service() {
	local od n
	svc_setup || return
	srv_start || return
	base_config "$SRV_PORT" | write_config "$TD/c.ini"
	od=$(newdir)
	svc_conf <<EOF
# the certificate for host
CONFIG=$TD/c.ini
CSR = $PKI/ee.csr
OUT=$od/host.pem
RENEW_WITHIN=5
POST_RENEW="echo renewed >>'$TD/marker'"
EOF
	run_svc
	assert_rc 0 "due (no certificate yet): renewed"
	assert_chain "$od/host.pem" "$(cert_fp "$PKI/ee.pem")" "$(cert_fp "$PKI/int.pem")" \
		"$(cert_fp "$PKI/root.pem")"
	assert_eq "$(marks)" 1 "POST_RENEW ran once after the renewal"
	assert_stderr_match '^cmpenroll: issued ' "cmpenroll's line reaches the journal"

	cp "$od/host.pem" "$TD/host.orig"
	n=$(srv_requests)
	run_svc
	assert_rc 1 "not due (a 30-day certificate, RENEW_WITHIN=5): exit 1"
	assert_same_bytes "$TD/host.orig" "$od/host.pem" "not due: the certificate untouched"
	assert_eq "$(marks)" 1 "not due: POST_RENEW not run"
	assert_srv_requests "$n"

	# a failing POST_RENEW: 71, the new files kept; OPTIONS reach cmpenroll
	svc_conf <<EOF
CONFIG=$TD/c.ini
CSR=$PKI/ee.csr
CERT_OUT=$od/cert.pem
CHAIN_OUT='$od/chain.pem'
OPTIONS=-q -t 60
POST_RENEW=echo ran >>'$TD/marker'; exit 3
EOF
	run_svc
	assert_rc 71 "POST_RENEW failing after a renewal: exit 71"
	assert_chain "$od/cert.pem" "$(cert_fp "$PKI/ee.pem")"
	assert_chain "$od/chain.pem" "$(cert_fp "$PKI/int.pem")" "$(cert_fp "$PKI/root.pem")"
	assert_eq "$(marks)" 2 "POST_RENEW ran"
	assert_stderr_lines 1
	assert_stderr_match '^cmpenroll-renew: POST_RENEW failed with exit status 3: ' \
		"one line: POST_RENEW failed (cmpenroll quiet through OPTIONS=-q)"
	srv_stop

	# the CA rejects: cmpenroll's status passed through, POST_RENEW not run
	srv_start -pkistatus 2 -failure 2 || return
	base_config "$SRV_PORT" | write_config "$TD/c.ini"
	svc_conf <<EOF
CONFIG=$TD/c.ini
CSR=$PKI/ee.csr
OUT=$od/new.pem
POST_RENEW=echo renewed >>'$TD/marker'
EOF
	run_svc
	assert_rc 77 "the CA rejects: cmpenroll's exit status 77 passed through"
	assert_file_absent "$od/new.pem" "rejected: no certificate written"
	assert_eq "$(marks)" 2 "rejected: POST_RENEW not run"
	assert_stderr_match '^cmpenroll: .*reject' "cmpenroll's message reaches the journal"
}

# stub_cmpenroll DIR: a cmpenroll stand-in that records each argv (one
# argument a line, argv.N) and exits with the number in DIR/rc.renew, or
# DIR/rc.root for --get-root-update.
stub_cmpenroll() {
	cat >"$1/stub" <<EOF
#!/bin/sh
n=\$(ls '$1' | grep -c '^argv\.')
printf '%s\n' "\$@" >'$1/argv.'\$((n + 1))
for a in "\$@"; do
	[ "\$a" = --get-root-update ] && exit \$(cat '$1/rc.root')
done
exit \$(cat '$1/rc.renew')
EOF
	chmod 755 "$1/stub"
}

# stub_setup: svc_setup with the stand-in in $TD/stub as bin/cmpenroll.
stub_setup() {
	svc_setup || return 1
	mkdir -p "$TD/stub"
	stub_cmpenroll "$TD/stub"
	ln -sf "$TD/stub/stub" "$TD/p/bin/cmpenroll"
}

# stub_runs: how often the stand-in ran.
stub_runs() {
	local runs=("$TD/stub"/argv.*)
	if [ -e "${runs[0]}" ]; then echo ${#runs[@]}; else echo 0; fi
}

# stub_case RENEW_RC ROOT_RC WANT_RC WANT_RUNS WANT_MARKS MSG
stub_case() {
	local sd=$TD/stub
	rm -f "$sd"/argv.* "$TD/marker"
	echo "$1" >"$sd/rc.renew"
	echo "$2" >"$sd/rc.root"
	run_svc
	assert_eq "$RC $(stub_runs) $(marks)" "$3 $4 $5" \
		"$6: exit $3, $4 cmpenroll run(s), POST_RENEW ran $5 time(s)"
}

test_pkg_renew_wrapper() {
	local sd=$TD/stub
	stub_setup || return
	svc_conf <<EOF
CONFIG=$TD/my conf.ini
CSR=$TD/host.csr
OUT=$TD/host.pem
CERT_OUT=$TD/cert.pem
OPTIONS=-s lab  --section=*
POST_RENEW=echo x >>'$TD/marker'
ROOT_UPDATE_OLDROOT=$TD/root.pem
ROOT_UPDATE_OUT=$TD/root-new.pem
EOF
	stub_case 0 1 0 2 1 "renewed, no root update"
	assert_eq "$(tr '\n' ' ' <"$sd/argv.1")" \
		"-c $TD/my conf.ini -s lab --section=* --renew-within 30 -o $TD/host.pem --cert-out $TD/cert.pem -- $TD/host.csr " \
		"the renewal's arguments (RENEW_WITHIN 30 by default, OPTIONS split, not globbed)"
	assert_eq "$(sed -n 2p "$sd/argv.1")" "$TD/my conf.ini" "a CONFIG with a blank is one argument"
	assert_eq "$(tr '\n' ' ' <"$sd/argv.2")" \
		"-c $TD/my conf.ini -s lab --section=* --get-root-update --oldroot $TD/root.pem -o $TD/root-new.pem " \
		"the root update's arguments"
	stub_case 0 0 0 2 1 "renewed, root updated"
	stub_case 1 0 1 2 0 "not due, root updated"
	stub_case 1 1 1 2 0 "not due, no root update"
	stub_case 0 69 69 2 1 "renewed, the root update fails"
	stub_case 1 75 75 2 0 "not due, the root update fails"
	stub_case 77 0 77 2 0 "the renewal fails, the root update is tried"
	stub_case 69 70 69 2 0 "both fail: the renewal's status"
	stub_case 143 0 143 1 0 "the renewal stopped by a signal: nothing more"
	stub_case 127 0 127 2 0 "cmpenroll cannot be run: 127"
}

# conf_case WANT_RC ERE MSG: the instance file on stdin is refused.
conf_case() {
	svc_conf
	rm -f "$TD/stub"/argv.*
	run_svc
	assert_rc "$1" "$3"
	assert_stdout_empty
	assert_stderr_lines 1
	assert_stderr_match "^cmpenroll-renew: .*$2" "$3: message /$2/"
	assert_eq "$(stub_runs)" 0 "$3: cmpenroll not run"
}

test_pkg_renew_wrapper_conf() {
	local sd=$TD/stub good
	stub_setup || return
	echo 0 >"$sd/rc.renew"
	good="CSR=$TD/host.csr
OUT=$TD/host.pem"

	run_svc
	assert_rc 66 "no instance file: 66"
	assert_stderr_match "^cmpenroll-renew: $TD/etc/cmpenroll/host.conf: cannot read"

	printf '%s\nRENEW_WITHN=5\n' "$good" | conf_case 78 ':3: unknown key RENEW_WITHN' "a misspelt key"
	printf '%s\nOUT=x\n' "$good" | conf_case 78 ':3: OUT appears twice' "a key twice"
	printf '%s\nsystemctl reload nginx\n' "$good" | conf_case 78 ':3: not KEY=VALUE' "a line without ="
	printf 'OUT=%s\n' "$TD/host.pem" | conf_case 78 'CSR is not set' "no CSR"
	printf 'CSR=%s\nCHAIN_OUT=x\n' "$TD/host.csr" | conf_case 78 'neither OUT nor CERT_OUT' "no OUT"
	printf '%s\nRENEW_WITHIN=30d\n' "$good" | conf_case 78 'RENEW_WITHIN takes days' "RENEW_WITHIN not a number"
	printf '%s\nROOT_UPDATE_OLDROOT=x\n' "$good" |
		conf_case 78 'ROOT_UPDATE_OLDROOT and ROOT_UPDATE_OUT go together' "ROOT_UPDATE_OLDROOT alone"
	printf '%s\n' "$good" | svc_conf
	chmod 620 "$TD/etc/cmpenroll/host.conf"
	rm -f "$sd"/argv.*
	run_svc
	assert_rc 78 "a group-writable instance file: 78"
	assert_stderr_match 'writable by no one else'
	assert_eq "$(stub_runs)" 0 "group-writable: cmpenroll not run"

	SVC_ARGV=("${SVC_ARGV[0]}")
	run_svc
	assert_rc 64 "no argument: 64"
	assert_stderr_match '^cmpenroll-renew: usage: '
}

# comp WORD...: what the completion offers for the command line WORD...
# (the last word is the one completed), one a line, from cwd $TD/cw.
comp() {
	(cd "$TD/cw" && bash --norc --noprofile -c '
		. "$1"; shift
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		_cmpenroll
		printf "%s\n" "${COMPREPLY[@]}"' bash \
		"$REPO_DIR/contrib/cmpenroll.bash-completion" "$@")
}

# c_table FILE NAME: the strings of the C array NAME in FILE, one a line.
c_table() {
	awk -v n="$2" '$0 ~ n "\\[\\] *=" { on = 1 } on { print } on && /};/ { exit }' "$1" |
		grep -o '"[^"]*"' | tr -d '"'
}

test_pkg_completion() {
	local f=$REPO_DIR/contrib/cmpenroll.bash-completion opts all name kind n=0 bad=""
	mkdir -p "$TD/cw/sub"
	: >"$TD/cw/host.csr"
	assert_eq "$(bash --norc -c '. "$1"; complete -p cmpenroll' bash "$f")" \
		"complete -F _cmpenroll cmpenroll" "the completion is registered for cmpenroll"

	# every option of cmpenroll.c's long_options table, and those on the way
	opts=$(awk '/long_options\[\] *=/ { on = 1; next } on && /^};/ { exit } on' \
		"$REPO_DIR/cmpenroll.c" |
		sed -n 's/^[[:space:]]*{[[:space:]]*"\([a-z0-9-]*\)",[[:space:]]*\([a-z_]*\).*/\1 \2/p')
	all=" $(comp cmpenroll -- | tr '\n' ' ') "
	while read -r name kind; do
		n=$((n + 1))
		case $all in *" --$name "*) ;; *) bad="$bad --$name" ;; esac
	done <<<"$opts"
	if [ "$n" -ge 15 ]; then ok "long_options read from cmpenroll.c: $n options"
	else fail "long_options in cmpenroll.c not found (read $n)"; fi
	assert_eq "$bad" "" "every long option of cmpenroll.c is completed"
	bad=""
	for name in require-chain get-ca-certs get-root-update oldroot get-template \
		get-crl crl-cert old-crl; do
		case $all in *" --$name "*) ;; *) bad="$bad --$name" ;; esac
	done
	assert_eq "$bad" "" "the options being added are completed too"

	# an option that takes an argument is followed by its value, not an option
	bad=""
	while read -r name kind; do
		case $kind in
		required_argument)
			comp cmpenroll "--$name" - | grep -q -- '^-' && bad="$bad --$name" ;;
		no_argument)
			comp cmpenroll "--$name" --c | grep -qx -- --config || bad="$bad --$name" ;;
		*) bad="$bad --$name($kind)" ;;
		esac
	done <<<"$opts"
	assert_eq "$bad" "" "what follows each option is completed as long_options says"

	assert_eq "$(comp cmpenroll --cmd '' | tr '\n' ' ')" \
		"$(c_table "$REPO_DIR/config.c" commands | tr '\n' ' ')" "--cmd: the request types of config.c"
	assert_eq "$(comp cmpenroll --revoke x --reason '' | tr '\n' ' ')" \
		"$(c_table "$REPO_DIR/config.c" reasons | tr '\n' ' ')" "--reason: the reasons of config.c"
	assert_eq "$(comp cmpenroll --mapping '' | tr '\n' ' ')" "csr fields " "--mapping: csr fields"
	assert_eq "$(comp cmpenroll --cmd = k)" "kur" "--cmd=k: kur"
	assert_eq "$(comp cmpenroll --reason c | tr '\n' ' ')" \
		"cACompromise cessationOfOperation certificateHold " "--reason c"
	assert_eq "$(comp cmpenroll -o h)" "host.csr" "-o: a file name"
	assert_eq "$(comp cmpenroll --oldroot su)" "sub" "--oldroot: a file name"
	assert_eq "$(comp cmpenroll -q h)" "host.csr" "the CSR: a file name"
	assert_eq "$(comp cmpenroll -qc h)" "host.csr" "-qc: a file name"
	assert_eq "$(comp cmpenroll --timeout '')" "" "--timeout: nothing offered"
	printf '[DEFAULT]\n[CAhandler]\n[lab]\n' >"$TD/cw/c.ini"
	assert_eq "$(comp cmpenroll -c c.ini -s '' | tr '\n' ' ')" "CAhandler lab " \
		"-s: the sections of the -c file"
}

test_pkg_deb() {
	local dd=$TD/deb x=$TD/x deb f want before
	if ! command -v dpkg-deb >/dev/null 2>&1 ||
		! command -v dpkg-buildpackage >/dev/null 2>&1; then
		note "dpkg-deb or dpkg-buildpackage missing: package not tried"
		return
	fi
	if [ -z "${CMPENROLL_TEST_DEB:-}" ]; then
		note "skipped: builds the Debian package (20 to 50 s); make check does, or set CMPENROLL_TEST_DEB=1"
		return
	fi
	# make deb runs lintian, which fails the build on an error
	before=$(git -C "$REPO_DIR" status --porcelain 2>/dev/null)
	DEB_BUILD_OPTIONS=noautodbgsym pkg_make deb DEB_DIR="$dd" || return
	ok "make deb: built, and lintian finds no error"
	assert_eq "$(git -C "$REPO_DIR" status --porcelain 2>/dev/null)" "$before" \
		"make deb leaves git status as it was"
	deb=$(ls "$dd"/cmpenroll_*.deb)
	assert_eq "$(dpkg-deb -f "$deb" Version)" \
		"$(sed -n 's/^#define VERSION[[:space:]]*"\(.*\)"/\1/p' "$REPO_DIR/cmpenroll.c")" \
		"the package's version is cmpenroll's"
	f=$(dpkg-deb -f "$deb" Depends)
	assert_contains "$f" "openssl (>= 3.0)" "Depends: openssl (>= 3.0)"
	assert_contains "$f" "libssl3" "Depends: libssl3"

	dpkg-deb -x "$deb" "$x"
	want="lib/systemd/system/cmpenroll-renew@.service
lib/systemd/system/cmpenroll-renew@.timer
usr/bin/cmpenroll
usr/libexec/cmpenroll/cmpenroll-renew
usr/share/bash-completion/completions/cmpenroll
usr/share/doc/cmpenroll/changelog.gz
usr/share/doc/cmpenroll/cmpenroll.cron
usr/share/doc/cmpenroll/cmpenroll.ini.example
usr/share/doc/cmpenroll/copyright
usr/share/doc/cmpenroll/renew.conf.example
usr/share/man/man1/cmpenroll.1.gz"
	assert_eq "$(pkg_files "$x" | cut -d' ' -f2)" "$want" "the package's files"
	assert_contains "$(ldd "$x/usr/bin/cmpenroll" 2>&1)" "libcrypto.so.3" \
		"the packaged binary loads the system's libcrypto"
	assert_eq "$(grep -c '^ExecStart=/usr/libexec/cmpenroll/cmpenroll-renew ' \
		"$x/lib/systemd/system/cmpenroll-renew@.service")" 1 "the packaged service runs /usr/libexec/cmpenroll/cmpenroll-renew"

	# the packaged example config, pointed at the mock server, enrolls
	f=$x/usr/share/doc/cmpenroll/cmpenroll.ini.example
	want=""
	for k in cmp_server cmp_recipient cmp_trusted cmp_secret; do
		grep -q "^$k = " "$f" || want="$want $k"
	done
	assert_eq "$want" "" "the example config sets cmp_server, cmp_recipient, cmp_trusted, cmp_secret"
	srv_start || return
	sed -e "s|^cmp_server = .*|cmp_server = 127.0.0.1:$SRV_PORT|" \
		-e "s|^cmp_recipient = .*|cmp_recipient = $RECIPIENT|" \
		-e "s|^cmp_trusted = .*|cmp_trusted = $PKI/root.pem|" \
		-e "s|^cmp_secret = .*|cmp_secret = pass:$SECRET|" "$f" | write_config "$TD/ex.ini"
	BIN=$x/usr/bin/cmpenroll run -c "$TD/ex.ini" "$PKI/ee.csr"
	assert_issued "$PKI/ee.pem"

	f=$(MANWIDTH=80 man -l "$x/usr/share/man/man1/cmpenroll.1.gz" 2>"$TD/man.err")
	assert_eq "$?" 0 "man -l renders the packaged man page"
	assert_contains "$f" "cmpenroll -- enroll a certificate" "the packaged man page: NAME"
	assert_contains "$f" "EXIT STATUS" "the packaged man page: EXIT STATUS"
}
