# cmpenroll: plain make, strict warnings, OpenSSL through pkg-config.
PREFIX	?= /usr/local
BINDIR	 = $(PREFIX)/bin
MANDIR	 = $(PREFIX)/share/man/man1
CC	?= cc
PKG_CONFIG ?= pkg-config

SSL_CFLAGS != $(PKG_CONFIG) --cflags openssl 2>/dev/null || true
SSL_LIBS   != $(PKG_CONFIG) --libs openssl 2>/dev/null || echo -lssl -lcrypto
CHECK_CFLAGS != $(PKG_CONFIG) --cflags check 2>/dev/null || true
CHECK_LIBS   != $(PKG_CONFIG) --libs check 2>/dev/null || echo -lcheck

WARNINGS = -Wall -Wextra -Wpedantic -Wshadow -Wformat=2 -Wpointer-arith \
	   -Wstrict-prototypes -Wmissing-prototypes -Wsign-compare -Werror
CFLAGS	?= -O2 -g
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE $(WARNINGS) $(SSL_CFLAGS) $(CFLAGS)

LIB_SRCS = util.c ini.c csr.c config.c runner.c chain.c output.c check.c
LIB_OBJS = $(LIB_SRCS:.c=.o)
HEADERS	 = util.h ini.h csr.h config.h runner.h chain.h output.h check.h

all: cmpenroll

cmpenroll: cmpenroll.o $(LIB_OBJS)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ cmpenroll.o $(LIB_OBJS) $(SSL_LIBS)

%.o: %.c $(HEADERS)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

clean:
	rm -f cmpenroll *.o tests/unit/*.o tests/unit/check_units

.PHONY: all clean
