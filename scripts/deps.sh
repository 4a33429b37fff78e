#!/bin/sh
# Install what a fresh Debian machine lacks for the given make targets.
# As root it runs apt-get; otherwise it prints the exact command and fails.
set -u

pkgs=""
for target in "$@"; do
	case "$target" in
	build)	  pkgs="$pkgs gcc libc6-dev make pkg-config libssl-dev openssl" ;;
	check)	  pkgs="$pkgs check python3 groff-base man-db mandoc clang libclang-rt-14-dev haproxy systemd" ;;
	sanitize) pkgs="$pkgs clang libclang-rt-14-dev" ;;
	lint)	  pkgs="$pkgs cppcheck clang-tidy" ;;
	fuzz)	  pkgs="$pkgs clang libclang-rt-14-dev" ;;
	bench)	  pkgs="$pkgs python3 time" ;;
	deb)	  pkgs="$pkgs dpkg-dev debhelper lintian" ;;
	*)	  echo "deps.sh: unknown target $target" >&2; exit 2 ;;
	esac
done

missing=""
for p in $pkgs; do
	case " $missing " in *" $p "*) continue ;; esac
	status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)
	case "$status" in
	*" installed") ;;
	*)
		# A python3 outside Debian's packages (pyenv, say) serves as well.
		if [ "$p" = python3 ] && command -v python3 >/dev/null 2>&1; then
			continue
		fi
		missing="$missing $p" ;;
	esac
done
[ -z "$missing" ] && exit 0

cmd="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends$missing"
if [ "$(id -u)" -ne 0 ]; then
	echo "deps.sh: missing packages:$missing" >&2
	echo "deps.sh: run as root: $cmd" >&2
	exit 1
fi
echo "deps.sh: installing$missing" >&2
apt-get update -qq >/dev/null &&
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
    --no-install-recommends $missing >/dev/null
