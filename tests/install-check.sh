#!/usr/bin/env bash
# install-check.sh BUILD: install into a staging directory and build a
# program outside the tree against the installed header and scamdex.pc,
# the way an embedding bank system would. Also checks that the header
# compiles alone, twice, and as C++.
set -euo pipefail
build=$(cd "$1" && pwd)
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
DESTDIR="$stage" meson install -C "$build" --quiet
prefix=$(meson introspect "$build" --buildoptions | python3 -c 'import json,sys; print(next(o["value"] for o in json.load(sys.stdin) if o["name"]=="prefix"))')
libdir=$(meson introspect "$build" --buildoptions | python3 -c 'import json,sys; print(next(o["value"] for o in json.load(sys.stdin) if o["name"]=="libdir"))')
root="$stage$prefix"
export PKG_CONFIG_PATH="$root/$libdir/pkgconfig"
export PKG_CONFIG_SYSROOT_DIR="$stage"
for f in bin/scamdex include/scamdex/scamdex.h include/scamdex/version.h share/man/man1/scamdex.1; do
	[ -e "$root/$f" ] || { echo "install-check: $f was not installed" >&2; exit 1; }
done
src=$(dirname "$0")/install-example.c
cc -std=c11 -Wall -Wextra -Werror -o "$stage/example" "$src" $(pkg-config --cflags --libs scamdex)
printf '#include <scamdex/scamdex.h>\n#include <scamdex/scamdex.h>\nint main(void){return sdx_version()==SDX_VERSION_NUMBER?0:1;}\n' >"$stage/twice.c"
cc -std=c11 -Wall -Wextra -Werror -c -o "$stage/twice.o" "$stage/twice.c" $(pkg-config --cflags scamdex)
c++ -x c++ -Wall -Wextra -Werror -c -o "$stage/cxx.o" "$stage/twice.c" $(pkg-config --cflags scamdex)
LD_LIBRARY_PATH="$root/$libdir" "$stage/example" "$stage/db"
echo "install-check: ok"
