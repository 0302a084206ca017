#!/bin/sh
# Seals, sends, receives and opens a 1 GiB random file, reporting the peak
# resident memory of each command (GNU time's "Maximum resident set size").
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
rm "$work/big.out"
export SOTTO_MAILBOX="$work/mailbox.db"
address=$("$bin/sotto-keygen" list | sed -n 's/.*"mailbox":"\([0-9a-f]*\)".*"type":"identity".*/\1/p')
send=$(peak "$bin/sotto-send" --file "$work/big.age" --to "$address")
mkdir "$work/received"
recv=$(peak "$bin/sotto-recv" --output-dir "$work/received")
cmp "$work/big.age" "$work/received/"*.age
echo "1 GiB peak RSS in KiB (limit 65536): seal ${seal}, open ${open}, send ${send}, recv ${recv}"
for kib in "$seal" "$open" "$send" "$recv"; do [ "$kib" -lt 65536 ]; done
