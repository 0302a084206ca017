#!/bin/bash
# make bench: sotto side by side with its peers, in one run, on this machine.
#   bulk         sotto-seal / sotto-open of a BENCH_SIZE_MB random file   vs  age -r / age -d
#   one message  a 100-byte message in a fresh process, and --version     vs  age -r / age -d / age --version
#   many         BENCH_MANY signed messages through one sotto-seal/-open, post-quantum and classical,
#                vs  the same library calls on one core (sotto-bench-crypto)
#   mailbox      BENCH_MESSAGES envelopes through sotto-send/-recv/-expire vs  the same rows through the sqlite3 CLI
#   unlock       Argon2id at the keyring's parameters                      vs  argon2id_hash_raw alone (sotto-bench-crypto)
# Every comparison alternates its commands: each round runs hyperfine once on
# all of them (the order reversed every other round), and the medians are
# taken over all rounds. Prints the machine's description and one Markdown
# table on stdout (progress on stderr); scripts/bench-report.py builds it.
#
# Environment: SOTTO_BIN (default .build/release), BENCH_SIZE_MB (1024),
# BENCH_MANY (10000), BENCH_MESSAGES (100000), BENCH_ROUNDS (3), TMPDIR,
# BENCH_KEEP=1 keeps the work directory (hyperfine's JSON, profiles' inputs).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
bin=$(cd "${SOTTO_BIN:-.build/release}" && pwd)
size_mb=${BENCH_SIZE_MB:-1024}
many=${BENCH_MANY:-10000}
messages=${BENCH_MESSAGES:-100000}
rounds=${BENCH_ROUNDS:-3}
for tool in hyperfine age sqlite3 faketime python3 /usr/bin/time "$bin/sotto-bench-crypto"; do
    command -v "$tool" >/dev/null || { echo "bench: $tool is missing (make bench installs it)" >&2; exit 69; }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/sotto-bench.XXXXXX")
if [ "${BENCH_KEEP:-0}" = 1 ]; then echo "bench: keeping $work" >&2; else trap 'rm -rf "$work"' EXIT; fi
trap 'exit 130' INT TERM
mkdir -p "$work/hf" "$work/rss" "$work/raw"
cd "$work"
started=$(date +%s)
say() { printf 'bench [%4ss]: %s\n' "$(( $(date +%s) - started ))" "$*" >&2; }

# hf ID ROUND RUNS WARMUP [NAME PREPARE COMMAND]...: one hyperfine run over
# the commands, in reverse order on even rounds; JSON in hf/ID.ROUND.json.
hf() {
    local id=$1 round=$2 runs=$3 warmup=$4 shell=()
    shift 4
    if [ "$1" = -N ]; then shell=(-N); shift; fi
    local names=() preps=() cmds=()
    while [ $# -gt 0 ]; do names+=("$1"); preps+=("$2"); cmds+=("$3"); shift 3; done
    local n=${#names[@]} args=() i j
    for ((i = 0; i < n; i++)); do
        j=$i
        if ((round % 2 == 0)); then j=$((n - 1 - i)); fi
        [ -z "${shell[*]}" ] && args+=(--prepare "${preps[j]}")
        args+=(--command-name "${names[j]}" "${cmds[j]}")
    done
    hyperfine --style none "${shell[@]}" --runs "$runs" --warmup "$warmup" \
        --export-json "hf/$id.$round.json" "${args[@]}" >/dev/null
}

# rss NAME PREPARE COMMAND: one untimed run under GNU time (it doubles as the
# warm-up), keeping its "Maximum resident set size".
rss() {
    sh -c "$2"
    /usr/bin/time -v -o "rss/$1" sh -c "$3" >/dev/null
}

# --- setup --------------------------------------------------------------------
say "work directory $work; keys"
export SOTTO_HOME="$work/a" SOTTO_MAILBOX="$work/unused.db"
unset SOTTO_PASSPHRASE
"$bin/sotto-keygen" new me --no-passphrase >/dev/null
SOTTO_HOME="$work/b" "$bin/sotto-keygen" new bob --no-passphrase >/dev/null
SOTTO_HOME="$work/c" SOTTO_PASSPHRASE=bench "$bin/sotto-keygen" new carol >/dev/null
"$bin/sotto-keygen" card > me.card
SOTTO_HOME="$work/b" "$bin/sotto-keygen" card > bob.card
"$bin/sotto-keygen" import bob.card >/dev/null
SOTTO_HOME="$work/b" "$bin/sotto-keygen" import me.card >/dev/null
recipient=$("$bin/sotto-keygen" age-recipient)
"$bin/sotto-keygen" age-identity -o key.txt 2>/dev/null
a="$bin/sotto-seal"; o="$bin/sotto-open"; raw="$bin/sotto-bench-crypto"

{
    echo "date=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "nproc=$(nproc)"
    echo "cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
    echo "memory=$(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
    echo "kernel=$(uname -sr)"
    echo "swift=$(swift --version 2>/dev/null | sed -n 's/.*\(Swift version [^ ]*\).*/\1/p' | head -1)"
    echo "age=$(age --version)"
    echo "hyperfine=$(hyperfine --version)"
    echo "sqlite3=$(sqlite3 --version | cut -d' ' -f1)"
    echo "libsodium=$(pkg-config --modversion libsodium 2>/dev/null || echo '?')"
    echo "linking=sotto-seal loads $(ldd "$a" | awk '/=>/ { printf "%s%s", sep, $1; sep = " " }')"
    echo "tmpdir=$(df -P "$work" | awk 'NR == 2 { print $1 }') ($(findmnt -no FSTYPE -T "$work" 2>/dev/null || stat -f -c %T "$work"))"
    echo "source=$(git -C "$here/.." describe --always --dirty 2>/dev/null || echo unknown)"
    echo "load_start=$(cut -d' ' -f1-3 /proc/loadavg)"
    echo "size_mb=$size_mb"; echo "many=$many"; echo "messages=$messages"; echo "rounds=$rounds"
} > machine.env

# --- 1. bulk --------------------------------------------------------------------
say "bulk: writing a $size_mb MiB random file"
head -c $((size_mb * 1048576)) /dev/urandom > big
"$a" --file big -r me -o big.signed.age
"$a" --file big -r me --anonymous -o big.anon.age
age -r "$recipient" -o big.age big
prep_seal='rm -f out.age'
prep_open='rm -f out.bin'
bulk_seal_null=(
    seal-signed-null : "'$a' --file big -r me > /dev/null"
    seal-anon-null : "'$a' --file big -r me --anonymous > /dev/null"
    age-enc-null : "age -r $recipient big > /dev/null")
bulk_seal_file=(
    seal-signed-file "$prep_seal" "'$a' --file big -r me -o out.age"
    seal-anon-file "$prep_seal" "'$a' --file big -r me --anonymous -o out.age"
    age-enc-file "$prep_seal" "age -r $recipient -o out.age big")
bulk_open_null=(
    open-signed-null : "'$o' big.signed.age --raw > /dev/null"
    open-anon-null : "'$o' big.anon.age --raw > /dev/null"
    age-dec-null : "age -d -i key.txt big.age > /dev/null")
bulk_open_file=(
    open-signed-file "$prep_open" "'$o' big.signed.age -o out.bin"
    open-anon-file "$prep_open" "'$o' big.anon.age -o out.bin"
    age-dec-file "$prep_open" "age -d -i key.txt -o out.bin big.age")
say "bulk: peak memory (one untimed run of each command, also the warm-up)"
for group in bulk_seal_null bulk_seal_file bulk_open_null bulk_open_file; do
    declare -n list=$group
    for ((i = 0; i < ${#list[@]}; i += 3)); do rss "${list[i]}" "${list[i + 1]}" "${list[i + 2]}"; done
    unset -n list
done
for ((r = 1; r <= rounds; r++)); do
    say "bulk: round $r/$rounds"
    hf bulk-seal-null $r 1 0 "${bulk_seal_null[@]}"
    hf bulk-seal-file $r 1 0 "${bulk_seal_file[@]}"
    hf bulk-open-null $r 1 0 "${bulk_open_null[@]}"
    hf bulk-open-file $r 1 0 "${bulk_open_file[@]}"
    "$raw" stream "$size_mb" >> raw/stream.jsonl
done
cmp big out.bin  # the last open to a file wrote the whole body
rm -f big big.signed.age big.anon.age big.age out.age out.bin

# --- 2. one message per process -------------------------------------------------------
say "one message per process"
head -c 100 /dev/urandom | base64 -w0 | head -c 100 > one.txt
printf '{"body":"%s"}\n' "$(cat one.txt)" > one.jsonl
"$a" -r me < one.jsonl > one.env.jsonl
age -r "$recipient" -o one.age one.txt
for ((r = 1; r <= rounds + 2; r++)); do
    warm=0; [ $r = 1 ] && warm=5
    hf one $r 20 $warm \
        one-seal-signed : "'$a' -r me < one.jsonl > /dev/null" \
        one-seal-anon : "'$a' --raw --anonymous -r me < one.txt > /dev/null" \
        one-age-enc : "age -r $recipient < one.txt > /dev/null" \
        one-open-signed : "'$o' < one.env.jsonl > /dev/null" \
        one-age-dec : "age -d -i key.txt one.age > /dev/null"
    hf version $r 20 $warm -N \
        version-sotto : "$a --version" \
        version-age : "age --version"
done

# --- 3. many messages per process -------------------------------------------------------
# Post-quantum, the default between sotto users: bob holds five retained keys of each kind (four
# rotations) and me seals to his newest. Classical: a home of sotto 0.1 (Tests/Fixtures/home-v1/plain),
# whose bob has X25519 keys only, so that dave's messages to him are X25519 throughout.
say "many messages: $many signed messages of 100 bytes, to a contact and a self copy"
python3 -c '
import json, sys
for i in range(int(sys.argv[1])):
    print(json.dumps({"to": ["bob"], "body": ("%08d" % i) + "m" * 92}))' "$many" > many.jsonl
for i in 1 2 3 4; do SOTTO_HOME="$work/b" "$bin/sotto-keygen" rotate >/dev/null; done
SOTTO_HOME="$work/b" "$bin/sotto-keygen" card > bob.card
"$bin/sotto-keygen" import bob.card >/dev/null
"$a" < many.jsonl > many.env.jsonl
mkdir -m 700 "$work/old" && cp "$here/../Tests/Fixtures/home-v1/plain/"*.db "$work/old/" && chmod 600 "$work/old/"*
# The card as 0.1 stored it: `sotto-keygen card` would first give bob a post-quantum key.
sqlite3 "$work/old/keyring.db" "SELECT card FROM identities WHERE name = 'bob'" > old-bob.card
SOTTO_HOME="$work/d" "$bin/sotto-keygen" new dave --no-passphrase >/dev/null
SOTTO_HOME="$work/d" "$bin/sotto-keygen" import old-bob.card >/dev/null 2>&1
SOTTO_HOME="$work/d" "$bin/sotto-keygen" card > dave.card
SOTTO_HOME="$work/old" "$bin/sotto-keygen" import dave.card >/dev/null
SOTTO_HOME="$work/d" "$a" < many.jsonl > many.classical.env.jsonl 2>/dev/null  # a notice: bob has no post-quantum key
many_cmds=(
    many-seal : "'$a' < many.jsonl > /dev/null"
    many-open : "SOTTO_HOME='$work/b' '$o' < many.env.jsonl > /dev/null"
    many-seal-classical : "SOTTO_HOME='$work/d' '$a' < many.jsonl > /dev/null 2>&1"
    many-open-classical : "SOTTO_HOME='$work/old' '$o' < many.classical.env.jsonl > /dev/null")
for ((i = 0; i < ${#many_cmds[@]}; i += 3)); do rss "${many_cmds[i]}" "${many_cmds[i + 1]}" "${many_cmds[i + 2]}"; done
for ((r = 1; r <= rounds; r++)); do
    say "many messages: round $r/$rounds"
    hf many $r 1 0 "${many_cmds[@]}" \
        many-raw : "'$raw' messages $many --stanzas 2 --body 100 >> raw/messages.jsonl" \
        many-raw-hybrid : "'$raw' messages $many --stanzas 2 --body 100 --hybrid 1 --keys 5 >> raw/messages-hybrid.jsonl"
    "$raw" primitives >> raw/primitives.jsonl
done

say "mailbox: sealing $messages envelopes (12h TTL, one address each)"
python3 -c '
import json, sys
for i in range(int(sys.argv[1])):
    print(json.dumps({"to": ["bob"], "body": ("%08d" % i) + "x" * 92, "ttl": "12h"}))' "$messages" > mb.msgs.jsonl
# Sealing is setup, not measured: split it over the cores.
split -n l/"$(nproc)" -d mb.msgs.jsonl mb.part.
for part in mb.part.*; do "$a" --no-self < "$part" > "$part.env" & done
wait
cat mb.part.*.env > mb.env.jsonl
rm -f mb.part.* mb.msgs.jsonl
[ "$(wc -l < mb.env.jsonl)" = "$messages" ]
# Empty databases with sotto's own schema and settings, for both sides.
"$bin/sotto-send" --mailbox empty-mailbox.db < /dev/null
mkdir -p "$work/b2"
cp "$work/b/keyring.db" "$work/b2/"
SOTTO_HOME="$work/b2" "$bin/sotto-recv" --mailbox empty-mailbox.db > /dev/null
cp "$work/b2/inbox.db" empty-inbox.db
now=$(date +%s)
python3 "$here/bench-report.py" mailbox-sql mb.env.jsonl "$now" "$((now + 86400))"
fresh() { echo "rm -f '$2' '$2-wal' '$2-shm' && cp '$1' '$2'"; }
faked="faketime -f +1d"
for ((r = 1; r <= rounds; r++)); do
    say "mailbox: round $r/$rounds: send"
    hf mailbox-send $r 1 0 \
        mb-send "rm -f mailbox.db mailbox.db-wal mailbox.db-shm" "'$bin/sotto-send' --mailbox mailbox.db < mb.env.jsonl > /dev/null" \
        mb-sql-insert "$(fresh empty-mailbox.db raw-mailbox.db)" "sqlite3 raw-mailbox.db < send.sql"
    if [ $r = 1 ]; then
        sqlite3 mailbox.db 'PRAGMA wal_checkpoint(TRUNCATE);' > /dev/null
        [ "$(sqlite3 mailbox.db 'SELECT count(*) FROM deliveries')" = "$messages" ]
        [ "$(sqlite3 raw-mailbox.db 'SELECT count(*) FROM deliveries')" = "$messages" ]
        cp mailbox.db full-mailbox.db
    fi
    say "mailbox: round $r/$rounds: recv"
    hf mailbox-recv $r 1 0 \
        mb-recv "$(fresh full-mailbox.db mailbox.db) && $(fresh empty-inbox.db "$work/b/inbox.db")" \
            "SOTTO_HOME='$work/b' '$bin/sotto-recv' --mailbox mailbox.db > /dev/null" \
        mb-sql-move "$(fresh full-mailbox.db raw-mailbox.db) && $(fresh empty-inbox.db raw-inbox.db)" \
            "sqlite3 raw-inbox.db < recv.sql > /dev/null"
    if [ $r = 1 ]; then
        sqlite3 "$work/b/inbox.db" 'PRAGMA wal_checkpoint(TRUNCATE);' > /dev/null
        [ "$(sqlite3 "$work/b/inbox.db" 'SELECT count(*) FROM envelopes')" = "$messages" ]
        [ "$(sqlite3 raw-inbox.db 'SELECT count(*) FROM envelopes')" = "$messages" ]
        [ "$(sqlite3 mailbox.db 'SELECT count(*) FROM envelopes')" = 0 ]
        cp "$work/b/inbox.db" full-inbox.db
    fi
    say "mailbox: round $r/$rounds: expire"
    hf mailbox-expire $r 1 0 \
        mb-expire "$(fresh full-inbox.db "$work/b/inbox.db")" \
            "SOTTO_HOME='$work/b' $faked '$bin/sotto-expire' --mailbox mailbox.db > /dev/null" \
        mb-sql-delete "$(fresh full-inbox.db raw-inbox.db)" "sqlite3 raw-inbox.db < expire.sql > /dev/null"
    if [ $r = 1 ]; then
        [ "$(sqlite3 "$work/b/inbox.db" 'SELECT count(*) FROM envelopes')" = 0 ]
        [ "$(sqlite3 raw-inbox.db 'SELECT count(*) FROM envelopes')" = 0 ]
    fi
done
rm -f ./*.db ./*.db-wal ./*.db-shm send.sql mb.env.jsonl

# --- 5. keyring unlock ------------------------------------------------------------------
say "keyring unlock (Argon2id)"
for ((r = 1; r <= rounds; r++)); do
    warm=0; [ $r = 1 ] && warm=1
    hf unlock $r 3 $warm \
        unlock-rotate : "SOTTO_HOME='$work/c' SOTTO_PASSPHRASE=bench '$bin/sotto-keygen' rotate > /dev/null" \
        unlock-seal : "SOTTO_HOME='$work/c' SOTTO_PASSPHRASE=bench '$a' -r carol < one.jsonl > /dev/null" \
        unlock-raw : "'$raw' argon2id --m 65536 --t 3 --p 1 > /dev/null"
done

echo "load_end=$(cut -d' ' -f1-3 /proc/loadavg)" >> machine.env
say "done"
python3 "$here/bench-report.py" table "$work"
