#!/bin/sh
# Builds the libFuzzer targets (Fuzz/) with AddressSanitizer and runs each
# for SECONDS from a seed corpus made of the committed vectors.
#   scripts/fuzz.sh SECONDS [TARGET...]      (default: every target)
# Two targets run at a time (FUZZ_JOBS). A crash stops the run: libFuzzer
# leaves the input in .build/fuzz-corpus/crash-TARGET-*; fix the bug and add
# the input to the matching vectors (Tests/Corpus or Fuzz/seeds/TARGET).
set -eu
seconds=${1:?usage: scripts/fuzz.sh SECONDS [TARGET...]}
shift
all="fuzz-age-header fuzz-armor fuzz-envelope fuzz-inner fuzz-records fuzz-card fuzz-keyring-blob fuzz-export"
targets=${*:-$all}
scratch=.build/fuzz
work=${FUZZ_WORK:-.build/fuzz-corpus}
jobs=${FUZZ_JOBS:-2}
testkit=${SOTTO_TESTKIT:-../shared/testkit/age}

# One comma-joined -sanitize flag: two separate ones silently drop one of the two.
for target in $targets; do
  SOTTO_FUZZ=1 swift build -c debug --scratch-path "$scratch" --sanitize=fuzzer \
    -Xswiftc -sanitize=fuzzer,address --product "$target" 2>&1 | grep -v -e '^\[' -e 'Cannot export local symbol' || true
  test -x "$scratch/debug/$target" || { echo "fuzz: $target did not build" >&2; exit 1; }
done

# The inputs of vector files: everything after the first blank line.
bodies() {
  out=$1; shift
  for file in "$@"; do
    [ -f "$file" ] && sed '1,/^$/d' "$file" > "$out/$(echo "$file" | tr / _)"
  done
  return 0
}

seed() {
  target=$1 dir=$2
  mkdir -p "$dir"
  case $target in
    fuzz-age-header|fuzz-envelope|fuzz-armor)
      bodies "$dir" docs/vectors/* Tests/Corpus/envelope/* Tests/Corpus/armor/* Tests/Corpus/inner/*
      [ -d "$testkit" ] && bodies "$dir" "$testkit"/* ;;
    fuzz-records) bodies "$dir" Tests/Corpus/json/* Tests/Corpus/seal/* Tests/Corpus/open/* Tests/Corpus/send/* Tests/Corpus/recv/* Tests/Corpus/erase/* ;;
    fuzz-card) bodies "$dir" Tests/Corpus/card/* Tests/Corpus/revocation/* ;;
    fuzz-export) bodies "$dir" Tests/Corpus/export/*; cp Tests/Corpus/fixtures/*.export "$dir"/ ;;
  esac
  [ -d "Fuzz/seeds/$target" ] && cp "Fuzz/seeds/$target"/* "$dir"/
  return 0
}

run() {
  target=$1
  corpus=$work/$target
  seed "$target" "$corpus"
  log=$work/$target.log
  if SWIFT_BACKTRACE=enable=no "$scratch/debug/$target" "$corpus" -max_total_time="$seconds" -timeout=10 \
      -rss_limit_mb=2048 -max_len=16384 -artifact_prefix="$work/crash-$target-" -print_final_stats=1 >"$log" 2>&1; then
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    echo "fuzz: $target: $runs executions in $seconds s, no crash"
  else
    echo "fuzz: $target FAILED (log: $log)" >&2
    grep -E 'ERROR|panic|Fatal|SUMMARY|deadly|Test unit written' "$log" | head -20 >&2
    return 1
  fi
}

mkdir -p "$work"
status=0
set -- $targets
while [ $# -gt 0 ]; do
  pids=""
  for _ in $(seq "$jobs"); do
    [ $# -gt 0 ] || break
    run "$1" & pids="$pids $!"
    shift
  done
  for pid in $pids; do wait "$pid" || status=1; done
done
exit $status
