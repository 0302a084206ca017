#!/usr/bin/env bash
# make bench-postgres: sotto-send and sotto-recv of BENCH_MESSAGES small
# envelopes through a PostgreSQL mailbox, next to the same through a SQLite
# mailbox file, alternating the two in each of BENCH_ROUNDS rounds. Runs under
# pg_virtualenv (a throwaway server on loopback; PG* point at it). Prints the
# machine, then a Markdown table of median envelopes per second and the ratio.
#
# Environment: SOTTO_BIN (default .build/release), BENCH_MESSAGES (100000),
# BENCH_ROUNDS (3), TMPDIR.
set -euo pipefail

bin=$(cd "${SOTTO_BIN:-.build/release}" && pwd)
messages=${BENCH_MESSAGES:-100000}
rounds=${BENCH_ROUNDS:-3}
: "${PGHOST:?run under pg_virtualenv (make bench-postgres)}"
server="postgres://$PGUSER@$PGHOST:$PGPORT/sotto_bench"

work=$(mktemp -d "${TMPDIR:-/tmp}/sotto-bench-pg.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM
cd "$work"
started=$(date +%s)
say() { printf 'bench-postgres [%4ss]: %s\n' "$(( $(date +%s) - started ))" "$*" >&2; }

say "keys and $messages sealed envelopes"
export SOTTO_HOME="$work/a"
unset SOTTO_PASSPHRASE SOTTO_MAILBOX
"$bin/sotto-keygen" new me --no-passphrase >/dev/null
SOTTO_HOME="$work/b" "$bin/sotto-keygen" new bob --no-passphrase >/dev/null
SOTTO_HOME="$work/b" "$bin/sotto-keygen" card > bob.card
"$bin/sotto-keygen" import bob.card >/dev/null
python3 -c '
import json, sys
for i in range(int(sys.argv[1])):
    print(json.dumps({"to": ["bob"], "body": ("%08d" % i) + "x" * 92, "ttl": "12h"}))' "$messages" > msgs.jsonl
split -n l/"$(nproc)" -d msgs.jsonl part.
for part in part.*; do "$bin/sotto-seal" --no-self < "$part" > "$part.env" & done
wait
cat part.*.env > envelopes.jsonl
rm -f part.* msgs.jsonl
[ "$(wc -l < envelopes.jsonl)" = "$messages" ]

psql -X -q -c "CREATE DATABASE sotto_bench"
"$bin/sotto-send" --mailbox "$server" < /dev/null  # creates the schema

# seconds COMMAND...: wall-clock seconds of one run.
seconds() {
    local t0 t1
    t0=$(date +%s.%N)
    "$@"
    t1=$(date +%s.%N)
    awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }'
}
send() { "$bin/sotto-send" --mailbox "$1" < envelopes.jsonl > receipts.jsonl; }
recv() { SOTTO_HOME="$work/b" "$bin/sotto-recv" --mailbox "$1" > records.jsonl; }
count() { [ "$(wc -l < "$1")" = "$messages" ] || { echo "bench-postgres: $1 has $(wc -l < "$1") lines, not $messages" >&2; exit 70; }; }

declare -A times
for ((r = 1; r <= rounds; r++)); do
    order=(sqlite postgres)
    if ((r % 2 == 0)); then order=(postgres sqlite); fi
    for store in "${order[@]}"; do
        say "round $r/$rounds: $store"
        rm -f mailbox.db mailbox.db-wal mailbox.db-shm "$work/b/inbox.db" "$work/b/inbox.db-wal" "$work/b/inbox.db-shm"
        psql -X -q -d sotto_bench -c "TRUNCATE sotto.deliveries, sotto.envelope_chunks, sotto.envelopes" -c "VACUUM ANALYZE"
        location=$([ "$store" = sqlite ] && echo "$work/mailbox.db" || echo "$server")
        times[$store.send]+="$(seconds send "$location") "
        count receipts.jsonl
        times[$store.recv]+="$(seconds recv "$location") "
        count records.jsonl
    done
done

median() { tr ' ' '\n' | grep . | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
echo "machine: $(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1), $(psql -X -A -t -c 'SHOW server_version'), sqlite $(sqlite3 --version | cut -d' ' -f1), source $(git -C "$(dirname "$0")/.." describe --always --dirty 2>/dev/null || echo unknown)"
echo "work: $messages envelopes of $(( $(wc -c < envelopes.jsonl) / messages )) bytes (a record), one address each; $rounds rounds, medians"
echo
echo "| operation | SQLite file | PostgreSQL (loopback) | PostgreSQL / SQLite |"
echo "|---|---|---|---|"
for op in send recv; do
    s=$(echo "${times[sqlite.$op]}" | median)
    p=$(echo "${times[postgres.$op]}" | median)
    awk -v op="$op" -v n="$messages" -v s="$s" -v p="$p" \
        'BEGIN { printf "| sotto-%s | %.0f/s (%.1f s) | %.0f/s (%.1f s) | %.2f |\n", op, n / s, s, n / p, p, s / p }'
done
