# cmpenroll: plain make, strict warnings, OpenSSL through pkg-config.
# make            build ./cmpenroll
# make check      install what is missing, build, run every test
# make demo       enroll a sample CSR from a local mock CMP server
PREFIX	?= /usr/local
DESTDIR	?=
BINDIR	 = $(DESTDIR)$(PREFIX)/bin
MANDIR	 = $(DESTDIR)$(PREFIX)/share/man/man1
CC	?= cc
CLANG	?= clang
PKG_CONFIG ?= pkg-config
FUZZ_SECONDS ?= 60

# libcrypto is linked in when its archive is installed, and glibc too when
# its archive is: cmpenroll is then a static PIE (as OpenBSD's /bin and
# /sbin are), with no dynamic loader at run time and its addresses still
# randomised.  Loading them as shared libraries cost every run 1.3 to 1.4 ms
# of CPU; a whole run of cmpenroll now costs 1.9 ms (README, Performance).
# Rebuild after a libcrypto or glibc security update (make relinks when
# either archive changes), or build with LIBC=shared to load the system's
# glibc, and with LIBCRYPTO=shared to load both.
LIBCRYPTO ?= static
LIBC	?= static
SSL_CFLAGS != $(PKG_CONFIG) --cflags libcrypto 2>/dev/null || true
SSL_LIBDIR != $(PKG_CONFIG) --variable=libdir libcrypto 2>/dev/null || true
SSL_ARCHIVE != if [ "$(LIBCRYPTO)" = static ] && \
		  [ -f "$(SSL_LIBDIR)/libcrypto.a" ]; then \
		echo "$(SSL_LIBDIR)/libcrypto.a"; fi
SSL_LIBS   != if [ -n "$(SSL_ARCHIVE)" ]; then \
		echo "-L$(SSL_LIBDIR) -Wl,-Bstatic -lcrypto -Wl,-Bdynamic" \
		    "-ldl -pthread"; \
	      else $(PKG_CONFIG) --libs libcrypto 2>/dev/null || \
		echo -lcrypto; fi
# A static PIE needs glibc's archive and its start file for static PIEs.
LIBC_ARCHIVE != if [ -n "$(SSL_ARCHIVE)" ] && [ "$(LIBC)" = static ]; then \
		a=$$($(CC) -print-file-name=libc.a); \
		s=$$($(CC) -print-file-name=rcrt1.o); \
		[ -f "$$a" ] && [ -f "$$s" ] && echo "$$a"; fi; true
LINK_MODE  != if [ -n "$(LIBC_ARCHIVE)" ]; then echo static-pie; \
	      elif [ -n "$(SSL_ARCHIVE)" ]; then echo static-libcrypto; \
	      else echo shared; fi
# The static build: libcrypto's calls of these go to static.c, where they
# fail (glibc would load shared objects for them).  Any linker warning fails
# the link: glibc warns when a static link uses such a function, so a new
# one is found at build time.
WRAPPED	   = getaddrinfo freeaddrinfo getnameinfo gethostbyname dlopen dlsym \
	     dlclose dlerror dladdr
LINK_OBJS  != if [ -n "$(LIBC_ARCHIVE)" ]; then echo static.o; fi
LINK_LIBS  != if [ -n "$(LIBC_ARCHIVE)" ]; then \
		echo "-static-pie -Wl,--fatal-warnings -L$(SSL_LIBDIR)" \
		    "-lcrypto -pthread $(WRAPPED:%=-Wl,--wrap=%)"; \
	      else echo "$(SSL_LIBS)"; fi
HARDENING = -pie -Wl,-z,relro,-z,now

WARNINGS = -Wall -Wextra -Wpedantic -Wshadow -Wformat=2 -Wpointer-arith \
	   -Wstrict-prototypes -Wmissing-prototypes -Wsign-compare -Werror
CFLAGS	?= -O2 -g
# Position-independent always: the static PIE needs it, and every build is
# a PIE, so that its addresses are randomised.
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE $(WARNINGS) $(SSL_CFLAGS) $(CFLAGS) -fPIE

LIB_SRCS = util.c ini.c csr.c spki.c config.c runner.c cert.c chain.c output.c \
	   confcheck.c
LIB_OBJS = $(LIB_SRCS:.c=.o)
HEADERS	 = util.h ini.h csr.h spki.h config.h runner.h cert.h chain.h output.h \
	   confcheck.h
SAN_FLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer \
	    -fno-sanitize-recover=all
FUZZ_DIR  = build-fuzz
FUZZERS	  = csr ini dn cert

all: cmpenroll

# An updated libcrypto.a or libc.a (a security fix) relinks cmpenroll.
cmpenroll: cmpenroll.o $(LIB_OBJS) $(LINK_OBJS) .link-$(LINK_MODE) \
	    $(SSL_ARCHIVE) $(LIBC_ARCHIVE)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) $(HARDENING) -o $@ cmpenroll.o \
	    $(LIB_OBJS) $(LINK_OBJS) $(LINK_LIBS)

# Relink when the kind of link changes.
.link-$(LINK_MODE):
	@rm -f .link-*
	@touch $@

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
		-I. -o $(FUZZ_DIR)/fuzz_$$f tests/fuzz/fuzz_$$f.c util.c ini.c \
		csr.c spki.c cert.c $(SSL_LIBS) || exit 1; \
	done

fuzz-regress: fuzz-build
	FUZZ_BIN_DIR=$(FUZZ_DIR) sh tests/fuzz/run.sh regress

fuzz:
	@sh scripts/deps.sh fuzz
	$(MAKE) fuzz-build
	FUZZ_BIN_DIR=$(FUZZ_DIR) sh tests/fuzz/run.sh fuzz $(FUZZ_SECONDS)

check: deps
	$(MAKE) all tests/unit/check_units
	tests/unit/check_units
	$(MAKE) fuzz-regress
	bash tests/run-integration.sh ./cmpenroll
	bash bench/bench.sh --smoke

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
	$(CLANG) -std=c11 -D_GNU_SOURCE -g -O1 $(SAN_FLAGS) -I. \
	    -o build-san/cmpenroll cmpenroll.c $(LIB_SRCS) $(SSL_LIBS)
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
	    --std=c11 --inline-suppr -D_GNU_SOURCE $(LIB_SRCS) cmpenroll.c static.c
	clang-tidy --quiet $(LIB_SRCS) cmpenroll.c static.c -- -std=c11 -D_GNU_SOURCE \
	    $(SSL_CFLAGS)

bench: all
	@sh scripts/deps.sh bench
	bash bench/bench.sh

demo: deps
	$(MAKE) all
	bash tests/demo.sh ./cmpenroll

install: all
	install -d $(BINDIR) $(MANDIR)
	install -m 0755 cmpenroll $(BINDIR)/cmpenroll
	install -m 0644 man/cmpenroll.1 $(MANDIR)/cmpenroll.1

uninstall:
	rm -f $(BINDIR)/cmpenroll $(MANDIR)/cmpenroll.1

clean:
	rm -rf cmpenroll *.o .link-* tests/unit/check_units build-san \
	    $(FUZZ_DIR)

.PHONY: all deps check check-matrix check-sanitize lint fuzz fuzz-build \
	fuzz-regress bench demo install uninstall clean
