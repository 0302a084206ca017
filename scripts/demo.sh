#!/bin/sh
# The main job end to end, in a throwaway directory: two identities, card
# exchange, safety numbers, a signed message, and age interop both ways.
set -eu
bin=${SOTTO_BIN:-.build/release}
bin=$(cd "$bin" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/sotto-demo.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"
PATH="$bin:$PATH"
if [ -t 1 ] && [ -z "${NO_COLOR:-}" ]; then bold='\033[1m' plain='\033[0m'; else bold='' plain=''; fi
step() { printf "\n${bold}== %s${plain}\n" "$*"; }
show() { printf '$ %s\n' "$*"; }

alice() { SOTTO_HOME="$work/alice" "$@"; }
bob() { SOTTO_HOME="$work/bob" "$@"; }
export SOTTO_PASSPHRASE="correct horse battery staple"

step "two identities (alice with a passphrase from SOTTO_PASSPHRASE, bob without)"
show "sotto-keygen new alice"; alice sotto-keygen new alice
show "sotto-keygen new bob --no-passphrase"; bob sotto-keygen new bob --no-passphrase

step "card exchange"
alice sotto-keygen card > alice.card
bob sotto-keygen card > bob.card
show "sotto-keygen import bob.card      (alice's side)"; alice sotto-keygen import bob.card
show "sotto-keygen import alice.card    (bob's side)"; bob sotto-keygen import alice.card

step "safety numbers: both sides see the same digits"
show "sotto-keygen fingerprint bob      (alice)"; alice sotto-keygen fingerprint bob
show "sotto-keygen fingerprint alice    (bob)"; bob sotto-keygen fingerprint alice
number=$(alice sotto-keygen fingerprint bob | sed 's/.*"safety_number":"\([0-9 ]*\)".*/\1/')
show "sotto-keygen verify alice --safety-number '$number'"; bob sotto-keygen verify alice --safety-number "$number"

step "alice seals a signed message to bob"
show "echo '{\"to\":[\"bob\"],\"body\":\"lunch at noon?\",\"ttl\":\"1d\"}' | sotto-seal > envelope.jsonl"
echo '{"to":["bob"],"body":"lunch at noon?","ttl":"1d"}' | alice sotto-seal > envelope.jsonl
cut -c1-160 envelope.jsonl; echo "…"

step "bob opens it: the sender is verified"
show "sotto-open < envelope.jsonl"; bob sotto-open < envelope.jsonl

step "age interop: an age user encrypts to bob's age1 recipient"
show "age -r \$(sotto-keygen age-recipient) -o from-age.age"
echo "hello from plain age" | age -r "$(bob sotto-keygen age-recipient)" -o from-age.age
show "sotto-open --raw from-age.age"; bob sotto-open --raw from-age.age

step "age interop: alice seals a file anonymously, age decrypts it with bob's exported identity"
bob sotto-keygen age-identity -o bob.agekey 2>/dev/null
show "sotto-seal --anonymous --raw -r bob --armor < note.txt > note.age"
echo "a file for age users" > note.txt
alice sotto-seal --anonymous --raw -r bob --armor < note.txt > note.age
head -2 note.age
show "age -d -i bob.agekey note.age"; age -d -i bob.agekey note.age

step "delivery through one shared mailbox file"
export SOTTO_MAILBOX="$work/mailbox.db"
carol() { SOTTO_HOME="$work/carol" "$@"; }
carol sotto-keygen new carol --no-passphrase >/dev/null
carol sotto-keygen card > carol.card
alice sotto-keygen import carol.card >/dev/null
show "sotto-send < envelope.jsonl      (alice)"; alice sotto-send < envelope.jsonl
show "sotto-send < envelope.jsonl      (again: nothing new is stored)"; alice sotto-send < envelope.jsonl
show "sotto-recv | sotto-open   (bob)"; bob sotto-recv | bob sotto-open

step "bob replies"
show "echo '{\"to\":[\"alice\"],\"body\":\"noon works\",\"thread\":\"lunch\"}' | sotto-seal | sotto-send"
echo '{"to":["alice"],"body":"noon works","thread":"lunch"}' | bob sotto-seal | bob sotto-send
show "sotto-recv | sotto-open   (alice)"; alice sotto-recv | alice sotto-open

step "a group message from alice to bob and carol"
show "sotto-keygen group lunch bob carol"; alice sotto-keygen group lunch bob carol
show "echo '{\"to\":[\"@lunch\"],\"body\":\"table for three\"}' | sotto-seal | sotto-send"
echo '{"to":["@lunch"],"body":"table for three"}' | alice sotto-seal | alice sotto-send
show "sotto-recv | sotto-open   (bob)"; bob sotto-recv | bob sotto-open
show "sotto-recv | sotto-open   (carol, who has not imported alice's card: known is false)"; carol sotto-recv | carol sotto-open

step "disappearing messages: a one-minute message, then expire runs after it is due"
echo '{"to":["bob"],"body":"this disappears","ttl":"1m"}' | alice sotto-seal | alice sotto-send >/dev/null
bob sotto-recv > short.jsonl
show "sotto-expire   (bob, now: nothing is due)"; bob sotto-expire
if command -v faketime >/dev/null; then
  show "faketime +2m sotto-expire   (bob, two minutes later)"
  SOTTO_HOME="$work/bob" faketime -f +2m "$bin/sotto-expire"
  show "faketime +2m sotto-open < short.jsonl"; SOTTO_HOME="$work/bob" faketime -f +2m "$bin/sotto-open" < short.jsonl || echo "(exit $?)"
fi

step "portability: bob exports everything (secrets under an export passphrase) and restores it elsewhere"
export SOTTO_EXPORT_PASSPHRASE="a different passphrase for the backup"
show "sotto-export --secrets -o backup.jsonl && cut -c1-110 backup.jsonl"
bob sotto-export --secrets -o backup.jsonl
cut -c1-110 backup.jsonl
restored() { SOTTO_HOME="$work/bob-restored" "$@"; }
show "sotto-keygen import backup.jsonl --no-passphrase   (an empty home)"; restored sotto-keygen import backup.jsonl --no-passphrase
show "sotto-recv --input backup.jsonl | sotto-open | wc -l"; restored sotto-recv --input backup.jsonl | restored sotto-open | wc -l

step "erasure: bob erases alice's messages and her card, and the files are checked"
show "sotto-erase --contact alice --dry-run"; bob sotto-erase --contact alice --dry-run
show "sotto-erase --contact alice --yes"; bob sotto-erase --contact alice --yes

step "done: $work is removed"
