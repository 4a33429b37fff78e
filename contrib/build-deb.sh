#!/bin/sh
# build-deb.sh OUTDIR [LINTIAN]: build the Debian package (make deb).
#
# dpkg-buildpackage writes the .deb, .buildinfo and .changes beside the
# source folder, so it runs on a copy of this tree in OUTDIR/cmpenroll-VERSION
# (the files git tracks or would track, as they are now), and the results
# land in OUTDIR.  The copy is removed after a good build.  Then LINTIAN
# (a lintian command; empty: none) checks them and fails on an error.
set -eu

out=${1:?usage: build-deb.sh OUTDIR [LINTIAN]}
lintian=${2-}
top=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$out"
out=$(cd "$out" && pwd)
version=$(dpkg-parsechangelog -l "$top/debian/changelog" -S Version)
arch=$(dpkg --print-architecture)
src=$out/cmpenroll-$version

rm -rf "$src"
mkdir "$src"
if git -C "$top" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	# A file deleted but not yet committed is listed: tar warns, skips it.
	(cd "$top" && git ls-files -z -c -o --exclude-standard |
	    tar --null -T - --ignore-failed-read -cf -) |
	    tar -xf - -C "$src"
else
	(cd "$top" && tar --exclude=./.git --exclude='./build-*' -cf - .) |
	    tar -xf - -C "$src"
fi
rm -f "$out"/cmpenroll_"$version"_"$arch".* \
    "$out"/cmpenroll-dbgsym_"$version"_"$arch".*
(cd "$src" && dpkg-buildpackage -b --no-sign)
rm -rf "$src"
if [ -n "$lintian" ]; then
	$lintian --fail-on error "$out/cmpenroll_${version}_$arch.changes"
fi
echo "build-deb.sh: $out/cmpenroll_${version}_$arch.deb"
