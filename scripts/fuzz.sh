#!/usr/bin/env bash
# Fuzzes every parser: the cargo-fuzz (libFuzzer) targets in fuzz/ one after another, then the
# URL-hash parser (fuzz/hash.fuzz.mjs), each for SECONDS_PER_TARGET (default 120), and prints a
# summary: target, seconds, executions, crashes.
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET]         (make fuzz SECONDS=...)
#   TARGETS="idx csv" scripts/fuzz.sh 60         only some targets
#
# Installs cargo-fuzz when missing; libFuzzer needs the nightly toolchain, used only here.
# The seed corpus is generated (cargo run --example fuzz_seeds) into fuzz/corpus/<target>/,
# which also keeps what libFuzzer finds, so later runs start further along. Crash, OOM and
# timeout inputs land in fuzz/artifacts/<target>/; reproduce one with
#   cargo +nightly fuzz run <target> fuzz/artifacts/<target>/<file>
# JSON targets get a dictionary of their field and value names (fuzz/dict/<target>.dict).
# Runs one target at a time at nice 10: the machine's cores are shared.
set -euo pipefail

seconds="${1:-120}"
if ! [[ "$seconds" =~ ^[1-9][0-9]*$ ]]; then
  echo "usage: scripts/fuzz.sh [SECONDS_PER_TARGET]  (a whole number ≥ 1, got '$seconds')" >&2
  exit 2
fi
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"

all_targets="idx cifar csv predict_csv prepared model_json config_json sweep_spec"
targets="${TARGETS:-$all_targets hash}"

# Longest input per target: enough for a few records/rows/layers of each format, small enough
# that every execution stays fast. CIFAR needs room for three 3073-byte records.
max_len() {
  case "$1" in
    cifar) echo 12000 ;;
    model_json | sweep_spec | config_json) echo 8192 ;;
    *) echo 4096 ;;
  esac
}

if ! rustup toolchain list | grep -q '^nightly'; then
  echo "fuzz: installing the nightly toolchain (libFuzzer's sanitizer flags need it)" >&2
  rustup toolchain install nightly --profile minimal
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "fuzz: installing cargo-fuzz" >&2
  cargo install cargo-fuzz --locked
fi

nice -n 10 cargo run --release --quiet --example fuzz_seeds -- fuzz/corpus
nice -n 10 cargo +nightly fuzz build

logs=fuzz/artifacts/logs
mkdir -p "$logs"
summary=()
failed=0
for t in $targets; do
  if [ "$t" = hash ]; then
    log="$logs/hash.log"
    echo "== hash: ${seconds}s" >&2
    if nice -n 10 node fuzz/hash.fuzz.mjs --seconds "$seconds" >"$log" 2>&1; then rc=0; else rc=$?; fi
    ran=$(grep -o '"seconds":[0-9]*' "$log" | cut -d: -f2 || true)
    execs=$(grep -o '"executions":[0-9]*' "$log" | cut -d: -f2 || true)
    crashes=$(grep -o '"failures":[0-9]*' "$log" | cut -d: -f2 || true)
    [ "$rc" -ne 0 ] && { failed=1; tail -5 "$log" >&2; }
    summary+=("$(printf '%-12s %8s %12s %8s' hash "${ran:-?}" "${execs:-?}" "${crashes:-1}")")
    continue
  fi
  case " $all_targets " in *" $t "*) ;; *) echo "fuzz: unknown target '$t' (known: $all_targets hash)" >&2; exit 2 ;; esac
  mkdir -p "fuzz/artifacts/$t"
  before=$(find "fuzz/artifacts/$t" -type f | wc -l)
  log="$logs/$t.log"
  echo "== $t: ${seconds}s, max_len $(max_len "$t")" >&2
  dict=()
  [ -f "fuzz/dict/$t.dict" ] && dict=(-dict="fuzz/dict/$t.dict")
  started=$(date +%s)
  if nice -n 10 cargo +nightly fuzz run "$t" "fuzz/corpus/$t" -- \
      -max_total_time="$seconds" -rss_limit_mb=2048 -max_len="$(max_len "$t")" \
      -timeout=10 -print_final_stats=1 "${dict[@]}" >"$log" 2>&1; then rc=0; else rc=$?; fi
  # libFuzzer's own count of seconds and runs; a run that stopped on a crash prints neither
  # "Done" nor the final stats, so then the wall time and the last status line stand in.
  ran=$(grep -o 'Done [0-9]* runs in [0-9]* second' "$log" | grep -o '[0-9]* second' | grep -o '[0-9]*' || true)
  ran="${ran:-$(( $(date +%s) - started ))}"
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || true)
  execs="${execs:-$(grep -oE '^#[0-9]+' "$log" | tail -1 | tr -d '#' || true)}"
  crashes=$(( $(find "fuzz/artifacts/$t" -type f | wc -l) - before ))
  if [ "$rc" -ne 0 ]; then
    failed=1
    [ "$crashes" -eq 0 ] && crashes=1
    grep -E 'ERROR|panicked|Test unit written' "$log" | head -5 >&2 || true
  fi
  summary+=("$(printf '%-12s %8s %12s %8s' "$t" "$ran" "${execs:-?}" "$crashes")")
done

echo
printf '%-12s %8s %12s %8s\n' target seconds executions crashes
printf '%s\n' "${summary[@]}"
echo "logs: $logs/; crash inputs: fuzz/artifacts/<target>/"
exit "$failed"
