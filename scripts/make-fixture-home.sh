#!/bin/sh
# Writes the fixture homes of Tests/Fixtures/home-v1 with the sotto commands in BIN_DIR:
#
#   scripts/make-fixture-home.sh BIN_DIR OUT_DIR
#
# Run it deliberately, and rarely. The fixture records what one version of sotto wrote (its keyring,
# inbox and mailbox files, its envelopes and what it opened them to), so that the tests can check
# that every later version still opens it, or migrates it. Re-running it with newer commands would
# replace that record with what today's code writes, and the test would then prove nothing about
# older homes. To record a newer format, write a new directory (home-v2, ...) with the commands of
# that version, and keep the old one.
#
# OUT_DIR must not hold plain/ or locked/ yet. It gets:
#   plain/     keyring.db without a passphrase: identities alice (the default) and bob, bob's key
#              rotated once (so one key is retired), the contact carol (verified), the group team
#              (bob, carol); inbox.db with two envelopes from carol, to bob's retired key (opened)
#              and to alice (not opened); mailbox.db with two envelopes from carol not yet
#              received, to alice (bytes) and to alice and bob
#   locked/    keyring.db under the passphrase "fixture passphrase": the identity carol and the
#              contact alice (verified); inbox.db with one envelope from alice
#   plain-inbox.jsonl, plain-mailbox.jsonl, locked-inbox.jsonl
#              the envelope records as sotto-seal wrote them
#   plain-messages.jsonl, locked-messages.jsonl
#              the message records sotto-open wrote for them
#   plain-list.jsonl, locked-list.jsonl
#              what sotto-keygen list wrote
#
# Nothing expires: the identities' default time to live is "never", every message is sealed with
# "ttl":"never", and retired secrets are kept for 5200 weeks. The keys are for tests only.
set -eu

if [ $# -ne 2 ]; then
    echo "usage: $0 BIN_DIR OUT_DIR" >&2
    exit 64
fi
bin=$(cd "$1" && pwd)
mkdir -p "$2"
out=$(cd "$2" && pwd)
for name in plain locked; do
    if [ -e "$out/$name" ]; then
        echo "$0: $out/$name exists: the fixture is not remade by accident (remove it first)" >&2
        exit 73
    fi
done

unset SOTTO_HOME SOTTO_PASSPHRASE SOTTO_NEW_PASSPHRASE SOTTO_EXPORT_PASSPHRASE SOTTO_MAILBOX
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Nothing is written outside OUT_DIR and the scratch directory.
export NO_COLOR=1 HOME="$work/user" XDG_DATA_HOME="$work/xdg"

plain=$out/plain
locked=$out/locked
passphrase='fixture passphrase'
for name in plain-inbox plain-mailbox locked-inbox plain-messages locked-messages plain-list locked-list; do
    : >"$out/$name.jsonl"
done

# Runs a command of BIN_DIR; the locked home's passphrase comes from the environment, never argv.
p() { tool=$1; shift; "$bin/sotto-$tool" "$@" --home "$plain"; }
l() { tool=$1; shift; SOTTO_PASSPHRASE=$passphrase "$bin/sotto-$tool" "$@" --home "$locked"; }

safety_number() { sed -n 's/.*"safety_number":"\([0-9 ]*\)".*/\1/p'; }

# Identities and cards.
p keygen new alice --no-passphrase --ttl never >/dev/null
p keygen new bob --ttl never >/dev/null
l keygen new carol --ttl never >/dev/null
p keygen card alice >"$work/alice.card"
p keygen card bob >"$work/bob.card"
l keygen card carol >"$work/carol.card"

p keygen import "$work/carol.card" >/dev/null
l keygen import "$work/alice.card" >/dev/null
l keygen import "$work/bob.card" >/dev/null
p keygen verify carol --safety-number "$(p keygen fingerprint carol | safety_number)" >/dev/null
l keygen verify alice --safety-number "$(l keygen fingerprint alice | safety_number)" >/dev/null
p keygen group team bob carol >/dev/null

# Into plain's inbox: carol to bob's first key, which bob then retires, and carol to alice.
seal_to_plain() {  # record, output file
    printf '%s\n' "$1" | l seal --no-self >>"$2"
    tail -n 1 "$2" | "$bin/sotto-send" --mailbox "$plain/mailbox.db" >/dev/null
}
seal_to_plain '{"to":["bob"],"body":"sealed to your first key","thread":"keys","ttl":"never"}' "$out/plain-inbox.jsonl"
p keygen rotate bob >/dev/null
p keygen rotate bob --retain 5200w >/dev/null
p keygen card bob >"$work/bob.card"
l keygen import "$work/bob.card" >/dev/null
seal_to_plain '{"to":["alice"],"body":"hello alice","ttl":"never"}' "$out/plain-inbox.jsonl"
p recv >"$work/plain-received.jsonl"
# Only the first is opened: the inbox holds one opened envelope and one never opened.
head -n 1 "$work/plain-received.jsonl" | p open >/dev/null

# Left in plain's mailbox: carol to alice (bytes, not UTF-8), and to alice and bob at once.
seal_to_plain '{"to":["alice"],"body_base64":"/wABAgP+","content_type":"application/octet-stream","ttl":"never"}' \
    "$out/plain-mailbox.jsonl"
seal_to_plain '{"to":["alice","bob"],"body":"to you both","thread":"plans","ttl":"never"}' "$out/plain-mailbox.jsonl"

# Into locked's inbox: alice to carol, through a mailbox of its own, left behind in the scratch directory.
printf '%s\n' '{"to":["carol"],"body":"hello carol","ttl":"never"}' | p seal --no-self >"$out/locked-inbox.jsonl"
"$bin/sotto-send" --mailbox "$work/mailbox.db" <"$out/locked-inbox.jsonl" >/dev/null
l recv --mailbox "$work/mailbox.db" >/dev/null

# What sotto-open makes of every envelope, opened in copies of the homes so that the inboxes keep
# their opened marks as they are.
cp -R "$plain" "$work/plain"
cp -R "$locked" "$work/locked"
cat "$out/plain-inbox.jsonl" "$out/plain-mailbox.jsonl" | "$bin/sotto-open" --home "$work/plain" >"$out/plain-messages.jsonl"
SOTTO_PASSPHRASE=$passphrase "$bin/sotto-open" --home "$work/locked" "$out/locked-inbox.jsonl" >"$out/locked-messages.jsonl"

p keygen list >"$out/plain-list.jsonl"
l keygen list >"$out/locked-list.jsonl"

# Only the database files are kept: a clean close leaves no -wal or -shm, and a checkpoint folds
# anything left into the database.
for db in "$plain"/*.db "$locked"/*.db; do
    if [ -e "$db-wal" ]; then sqlite3 "$db" 'PRAGMA wal_checkpoint(TRUNCATE)' >/dev/null; fi
done
rm -f "$plain"/*-wal "$plain"/*-shm "$locked"/*-wal "$locked"/*-shm
ls -l "$plain" "$locked"
