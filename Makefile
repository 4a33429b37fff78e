# cmpenroll: plain make, strict warnings, OpenSSL through pkg-config.
# make            build ./cmpenroll
# make check      install what is missing, build, run every test
# make demo       enroll a sample CSR from a local mock CMP server
# make deb        build the Debian package in build-deb/
PREFIX	?= /usr/local
DESTDIR	?=
BINDIR	 = $(DESTDIR)$(PREFIX)/bin
MANDIR	 = $(DESTDIR)$(PREFIX)/share/man/man1
# What else make install puts where (without DESTDIR; the Debian package
# sets PREFIX=/usr SYSTEMDUNITDIR=/lib/systemd/system): the renewal units,
# their wrapper, bash completion, the example config, the renewal and cron
# examples.
LIBEXECDIR ?= $(PREFIX)/libexec
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
DOCDIR	?= $(PREFIX)/share/doc/cmpenroll
# make deb builds the Debian package in DEB_DIR, then runs LINTIAN on it
# (LINTIAN= for none).
DEB_DIR	?= build-deb
LINTIAN	?= lintian
# make check also builds the package and tries it (tests/it_packaging.sh),
# which takes 20 s on an idle machine, 50 s under load; run-integration.sh
# alone skips that part.
check: export CMPENROLL_TEST_DEB = 1
# The paths the installed wrapper, service and cron example name.
SUBST	 = sed -e 's|@BINDIR@|$(PREFIX)/bin|g' \
	       -e 's|@LIBEXECDIR@|$(LIBEXECDIR)|g' -e 's|@DOCDIR@|$(DOCDIR)|g'
CC	?= cc
CLANG	?= clang
PKG_CONFIG ?= pkg-config
FUZZ_SECONDS ?= 60

# The system's libcrypto, as a shared library (pkg-config), so that the
# distribution's security updates reach cmpenroll without a rebuild.
SSL_CFLAGS != $(PKG_CONFIG) --cflags libcrypto 2>/dev/null || true
SSL_LIBS   != $(PKG_CONFIG) --libs libcrypto 2>/dev/null || echo -lcrypto
# A position-independent executable with full RELRO.
HARDENING = -pie -Wl,-z,relro,-z,now

WARNINGS = -Wall -Wextra -Wpedantic -Wshadow -Wformat=2 -Wpointer-arith \
	   -Wstrict-prototypes -Wmissing-prototypes -Wsign-compare -Werror
CFLAGS	?= -O2 -g
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE $(WARNINGS) $(SSL_CFLAGS) $(CPPFLAGS) \
	     $(CFLAGS) -fPIE

LIB_SRCS = msg.c stop.c util.c ini.c csr.c secret.c config.c confrules.c \
	   echo.c runner.c osslbin.c probe.c diag.c cert.c chain.c output.c confcheck.c \
	   genm.c genm_root.c genm_tmpl.c genm_req.c genm_crl.c enroll.c \
	   ask.c
LIB_OBJS = $(LIB_SRCS:.c=.o)
HEADERS	 = msg.h stop.h util.h ini.h csr.h secret.h config.h echo.h runner.h \
	   osslbin.h probe.h diag.h cert.h chain.h output.h confcheck.h genm.h \
	   genm_tmpl.h enroll.h ask.h
SAN_FLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer \
	    -fno-sanitize-recover=all
FUZZ_DIR  = build-fuzz
FUZZERS	  = csr ini dn cert

all: cmpenroll

cmpenroll: cmpenroll.o $(LIB_OBJS)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) $(HARDENING) -o $@ cmpenroll.o \
	    $(LIB_OBJS) $(SSL_LIBS)

%.o: %.c $(HEADERS)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

deps:
	@sh scripts/deps.sh build check

tests/unit/check_units: tests/unit/*.c $(LIB_OBJS) $(HEADERS)
	$(CC) $(ALL_CFLAGS) -I. $$($(PKG_CONFIG) --cflags check) -o $@ \
	    tests/unit/*.c $(LIB_OBJS) $$($(PKG_CONFIG) --libs check) $(SSL_LIBS)

# Every harness once over its seed corpus: a regression test, not fuzzing.
fuzz-build:
	@mkdir -p $(FUZZ_DIR)
	@for f in $(FUZZERS); do \
	    $(CLANG) -g -O1 -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE \
		-I. -o $(FUZZ_DIR)/fuzz_$$f tests/fuzz/fuzz_$$f.c msg.c stop.c \
		util.c ini.c csr.c cert.c $(SSL_LIBS) || exit 1; \
	done

fuzz-regress: fuzz-build
	FUZZ_BIN_DIR=$(FUZZ_DIR) sh tests/fuzz/run.sh regress

fuzz:
	@sh scripts/deps.sh fuzz
	$(MAKE) fuzz-build
	FUZZ_BIN_DIR=$(FUZZ_DIR) sh tests/fuzz/run.sh fuzz $(FUZZ_SECONDS)

# One line per suite; each suite's output in build-check/ (tests/check.sh).
check: deps
	@bash tests/check.sh

# The integration tests once per pair of openssl programs, cmpenroll's and
# the mock server's: the system's, and those in ../shared/openssl/*/openssl
# or OPENSSLS="PATH ..." (tests/matrix.sh).
check-matrix: deps
	$(MAKE) all
	bash tests/matrix.sh ./cmpenroll

# The same tests against a build with AddressSanitizer (leaks included)
# and UndefinedBehaviorSanitizer.
check-sanitize: deps
	@sh scripts/deps.sh sanitize
	@mkdir -p build-san
	$(CLANG) -std=c11 -D_GNU_SOURCE -g -O1 $(SAN_FLAGS) -I. -fPIE \
	    $(HARDENING) -o build-san/cmpenroll cmpenroll.c $(LIB_SRCS) \
	    $(SSL_LIBS)
	$(CLANG) -std=c11 -D_GNU_SOURCE -g -O1 $(SAN_FLAGS) -I. \
	    $$($(PKG_CONFIG) --cflags check) -o build-san/check_units \
	    tests/unit/*.c $(LIB_SRCS) $$($(PKG_CONFIG) --libs check) $(SSL_LIBS)
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 CK_FORK=no \
	    build-san/check_units
	ASAN_OPTIONS=detect_leaks=1 bash tests/run-integration.sh \
	    build-san/cmpenroll

lint:
	@sh scripts/deps.sh lint
	cppcheck --quiet --error-exitcode=1 --enable=warning,performance,portability \
	    --std=c11 --inline-suppr -D_GNU_SOURCE $(LIB_SRCS) cmpenroll.c
	clang-tidy --quiet $(LIB_SRCS) cmpenroll.c -- -std=c11 -D_GNU_SOURCE \
	    $(SSL_CFLAGS)

# The floor the benchmark measures cmpenroll against, built the same way.
bench/floor: bench/floor.c
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) $(HARDENING) -o $@ bench/floor.c \
	    $(SSL_LIBS)

bench: all bench/floor
	@sh scripts/deps.sh bench
	bash bench/bench.sh

demo: deps
	$(MAKE) all
	bash tests/demo.sh ./cmpenroll

install: all
	install -d $(BINDIR) $(MANDIR) $(DESTDIR)$(LIBEXECDIR)/cmpenroll \
	    $(DESTDIR)$(SYSTEMDUNITDIR) $(DESTDIR)$(BASHCOMPDIR) \
	    $(DESTDIR)$(DOCDIR)
	install -m 0755 cmpenroll $(BINDIR)/cmpenroll
	install -m 0644 man/cmpenroll.1 $(MANDIR)/cmpenroll.1
	$(SUBST) contrib/cmpenroll-renew.in \
	    >$(DESTDIR)$(LIBEXECDIR)/cmpenroll/cmpenroll-renew
	chmod 0755 $(DESTDIR)$(LIBEXECDIR)/cmpenroll/cmpenroll-renew
	$(SUBST) contrib/cmpenroll-renew@.service.in \
	    >$(DESTDIR)$(SYSTEMDUNITDIR)/cmpenroll-renew@.service
	chmod 0644 $(DESTDIR)$(SYSTEMDUNITDIR)/cmpenroll-renew@.service
	install -m 0644 contrib/cmpenroll-renew@.timer $(DESTDIR)$(SYSTEMDUNITDIR)
	install -m 0644 contrib/cmpenroll.bash-completion \
	    $(DESTDIR)$(BASHCOMPDIR)/cmpenroll
	install -m 0644 cmpenroll.ini.example contrib/renew.conf.example \
	    $(DESTDIR)$(DOCDIR)
	$(SUBST) contrib/cmpenroll.cron.in >$(DESTDIR)$(DOCDIR)/cmpenroll.cron
	chmod 0644 $(DESTDIR)$(DOCDIR)/cmpenroll.cron

uninstall:
	rm -f $(BINDIR)/cmpenroll $(MANDIR)/cmpenroll.1 \
	    $(DESTDIR)$(LIBEXECDIR)/cmpenroll/cmpenroll-renew \
	    $(DESTDIR)$(SYSTEMDUNITDIR)/cmpenroll-renew@.service \
	    $(DESTDIR)$(SYSTEMDUNITDIR)/cmpenroll-renew@.timer \
	    $(DESTDIR)$(BASHCOMPDIR)/cmpenroll \
	    $(DESTDIR)$(DOCDIR)/cmpenroll.ini.example \
	    $(DESTDIR)$(DOCDIR)/renew.conf.example \
	    $(DESTDIR)$(DOCDIR)/cmpenroll.cron
	rmdir $(DESTDIR)$(LIBEXECDIR)/cmpenroll $(DESTDIR)$(DOCDIR) \
	    2>/dev/null || true

# The Debian package, from debian/, in $(DEB_DIR) (contrib/build-deb.sh).
deb:
	@sh scripts/deps.sh build deb
	sh contrib/build-deb.sh $(DEB_DIR) "$(LINTIAN)"

clean:
	rm -rf cmpenroll *.o tests/unit/check_units bench/floor build-san \
	    build-check build-deb $(FUZZ_DIR)

.PHONY: all deps check check-matrix check-sanitize lint fuzz fuzz-build \
	fuzz-regress bench demo install uninstall deb clean
