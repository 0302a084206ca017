#!/bin/sh
# Usage: static-c-libs.sh DIR
# Makes DIR a pkg-config directory whose libsodium, libargon2, sqlite3 and libcrypto point
# at the static archives of the same Debian -dev packages. Release builds put
# DIR on PKG_CONFIG_PATH, so the four are linked into the commands: loading
# them as shared libraries was about 1 ms of every start (docs/PERFORMANCE.md).
#
# libsodium carries its own copy of the Argon2 reference code, with the same
# global names as libargon2's (argon2id_hash_raw, fill_memory_blocks, ...).
# Shared, libsodium hides them; archived, they would collide, or worse, a call
# meant for libargon2 could bind to libsodium's copy. The copy of libsodium's
# archive made here renames each name the two archives share, in its
# definitions and its own calls alike (sodium_internal_...).
set -eu
export LC_ALL=C  # sort and comm must agree on the order
dir=$1
mkdir -p "$dir/pkgconfig"
archive() { echo "$(pkg-config --variable=libdir "$1")/lib$2.a"; }
globals() { nm -g --defined-only "$1" 2>/dev/null | awk 'NF == 3 { print $3 }' | sort -u; }
for spec in libsodium:sodium libargon2:argon2 sqlite3:sqlite3 libcrypto:crypto; do
    pc=${spec%%:*} lib=${spec##*:}
    [ -f "$(archive "$pc" "$lib")" ] || { echo "static-c-libs.sh: $(archive "$pc" "$lib") is missing" >&2; exit 1; }
    sed "s|^libdir=.*|libdir=$dir|" "$(pkg-config --variable=pcfiledir "$pc")/$pc.pc" > "$dir/pkgconfig/$pc.pc"
done
cp "$(archive libargon2 argon2)" "$(archive sqlite3 sqlite3)" "$(archive libcrypto crypto)" "$dir/"
globals "$(archive libsodium sodium)" > "$dir/renamed.sodium"
globals "$(archive libargon2 argon2)" > "$dir/renamed.argon2"
comm -12 "$dir/renamed.sodium" "$dir/renamed.argon2" | sed 's/.*/& sodium_internal_&/' > "$dir/renamed"
rm "$dir/renamed.sodium" "$dir/renamed.argon2"
objcopy --redefine-syms="$dir/renamed" "$(archive libsodium sodium)" "$dir/libsodium.a"
