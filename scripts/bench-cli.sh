#!/usr/bin/env bash
# bench-cli.sh: whole-process benchmark of `cognito-events normalize` on
# JSON lines, against a naive map[string]any + CloudEvents SDK program.
#
# What it does:
#   1. builds the CLI (./cmd/cognito-events), the naive baseline
#      (./scripts/naive-normalize) and the input generator
#      (./scripts/genenvelopes) into $BENCH_DIR (default build/bench);
#   2. writes JSON-lines files of 25,000, 50,000 and 200,000 envelopes
#      shaped like testdata/envelopes/*.json (the 84 fixtures cycled, each
#      line with its own eventID, requestID, id, eventTime and user names);
#   3. runs `cognito-events normalize FILE` on each, and the naive program
#      on the 50,000-record file, each $REPEAT times (default 5) under
#      `/usr/bin/time -f '%e %M'`, keeping the fastest time and the largest
#      peak RSS, output to /dev/null;
#   4. prints the time per record, the speedup over the naive program at
#      50,000 records, the ratio of the time per record at 200,000 to that
#      at 25,000, and the peak RSS at 200,000.
#
# Targets (the script exits 1 when one is missed):
#   speedup over naive at 50,000 records    >= 5
#   per-record time, 200,000 / 25,000       <= 1.5
#   peak RSS at 200,000 records             <  64 MB
#
# Run from the repository root: `make bench` runs it after the Go
# benchmarks, or `scripts/bench-cli.sh` alone. The machines are shared and
# noisy: compare within one run, and repeat.
set -euo pipefail

BENCH_DIR=${BENCH_DIR:-build/bench}
REPEAT=${REPEAT:-5}
GO=${GO:-go}
SIZES=(25000 50000 200000)

mkdir -p "$BENCH_DIR"
$GO build -o "$BENCH_DIR/cognito-events" ./cmd/cognito-events
$GO build -o "$BENCH_DIR/naive-normalize" ./scripts/naive-normalize
$GO build -o "$BENCH_DIR/genenvelopes" ./scripts/genenvelopes

for n in "${SIZES[@]}"; do
	f="$BENCH_DIR/envelopes-$n.jsonl"
	[ -s "$f" ] || "$BENCH_DIR/genenvelopes" -n "$n" -fixtures testdata/envelopes >"$f"
done

# measure FILE CMD...: runs CMD, FILE on standard input, $REPEAT times;
# sets SECS (the fastest run) and KB (the largest peak RSS).
measure() {
	local file=$1
	shift
	SECS="" KB=0
	local t
	t=$(mktemp)
	for _ in $(seq "$REPEAT"); do
		/usr/bin/time -f '%e %M' -o "$t" "$@" <"$file" >/dev/null 2>/dev/null || true
		read -r s kb <"$t"
		if [ -z "$SECS" ] || awk -v a="$s" -v b="$SECS" 'BEGIN{exit !(a<b)}'; then SECS=$s; fi
		if [ "$kb" -gt "$KB" ]; then KB=$kb; fi
	done
	rm -f "$t"
}

perrec() { awk -v s="$1" -v n="$2" 'BEGIN{printf "%.1f", s*1e6/n}'; }

printf '%-32s %8s %10s %12s %10s\n' program records seconds "µs/record" "RSS MB"
declare -A US RSS
for n in "${SIZES[@]}"; do
	measure "$BENCH_DIR/envelopes-$n.jsonl" "$BENCH_DIR/cognito-events" normalize
	US[$n]=$(perrec "$SECS" "$n")
	RSS[$n]=$KB
	printf '%-32s %8d %10s %12s %10.1f\n' "cognito-events normalize" "$n" "$SECS" "${US[$n]}" "$(awk -v k="$KB" 'BEGIN{print k/1024}')"
done
measure "$BENCH_DIR/envelopes-50000.jsonl" "$BENCH_DIR/naive-normalize"
naive=$(perrec "$SECS" 50000)
printf '%-32s %8d %10s %12s %10.1f\n' "naive map[string]any + sdk-go" 50000 "$SECS" "$naive" "$(awk -v k="$KB" 'BEGIN{print k/1024}')"

speedup=$(awk -v a="$naive" -v b="${US[50000]}" 'BEGIN{printf "%.1f", a/b}')
ratio=$(awk -v a="${US[200000]}" -v b="${US[25000]}" 'BEGIN{printf "%.2f", a/b}')
rss=$(awk -v k="${RSS[200000]}" 'BEGIN{printf "%.1f", k/1024}')
echo
fail=0
check() { # check LABEL VALUE OP LIMIT
	if awk -v v="$2" -v l="$4" "BEGIN{exit !(v $3 l)}"; then
		echo "ok    $1: $2 (target $3 $4)"
	else
		echo "MISS  $1: $2 (target $3 $4)"
		fail=1
	fi
}
check "speedup over naive at 50,000" "$speedup" ">=" 5
check "µs/record 200,000 / 25,000" "$ratio" "<=" 1.5
check "peak RSS MB at 200,000" "$rss" "<" 64
exit $fail
