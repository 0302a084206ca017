#!/bin/sh
# Seals and opens a 1 GiB random file, reporting peak resident memory of each
# command (GNU time's "Maximum resident set size").
set -eu
bin=${SOTTO_BIN:-.build/release}
bin=$(cd "$bin" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/sotto-memory.XXXXXX")
trap 'rm -rf "$work"' EXIT
export SOTTO_HOME="$work/home"
"$bin/sotto-keygen" new me --no-passphrase >/dev/null
head -c 1073741824 /dev/urandom > "$work/big"
peak() { /usr/bin/time -v "$@" 2>&1 >/dev/null | sed -n 's/.*Maximum resident set size (kbytes): //p'; }
seal=$(peak "$bin/sotto-seal" --file "$work/big" -r me -o "$work/big.age")
open=$(peak "$bin/sotto-open" "$work/big.age" -o "$work/big.out")
cmp "$work/big" "$work/big.out"
echo "1 GiB seal: peak RSS ${seal} KiB; open: peak RSS ${open} KiB (limit 65536 KiB)"
[ "$seal" -lt 65536 ] && [ "$open" -lt 65536 ]
