#!/usr/bin/env bash
# bench/check.sh [N] - `mxdane check` throughput and memory on the lab,
# next to posttls-finger over the same domains in the same go.
#
# Every domain of the lab catalogue, N times (default 5):
#   1. mxdane check, all N x domains in one invocation (one event loop);
#   2. posttls-finger -l dane, one domain at a time;
#   3. posttls-finger -l dane under xargs -P 8.
# Prints domains per second and the peak RSS of mxdane (GNU time).
# Targets (issue 4): (1) >= 3 x (2), (1) >= (3), peak RSS < 32 MB.
# Needs the lab up (lab/up) and a build (make); run as root.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-5}
build=${MXD_BUILD:-$top/build}
var=${MXD_LAB_VAR:-$top/lab/var}
timeout_s=${MXD_BENCH_TIMEOUT:-3}
[ -f "$var/lab.env" ] || { echo "bench: the lab is not up" >&2; exit 1; }
# shellcheck disable=SC1091
. "$var/lab.env"
"$top/lab/exec" true 2>/dev/null ||
    { echo "bench: the lab is not up (lab/up)" >&2; exit 1; }
cat=$top/lab/scenarios.tsv
col=$(grep -v '^#' "$cat" | head -n 1 | tr '\t' '\n' | grep -n -i -x domain |
    cut -d: -f1)
mapfile -t doms < <(grep -v '^#' "$cat" | tail -n +2 | cut -f "$col" |
    grep -E '^[a-z0-9.-]+$')
all=()
for _ in $(seq 1 "$n"); do
	all+=("${doms[@]}")
done
total=${#all[@]}
scratch=$(mktemp -d /tmp/mxdane-bench.XXXXXX)
trap 'rm -rf "$scratch"' EXIT

now() { date +%s.%N; }
rate() { awk -v n="$1" -v a="$2" -v b="$3" \
    'BEGIN { t = b - a; printf "%8.1f domains/s (%d in %.2f s)", n / t, n, t }'; }

echo "bench: ${#doms[@]} lab domains x $n = $total checks, timeouts ${timeout_s} s"

t0=$(now)
if [ -x /usr/bin/time ]; then
	"$top/lab/exec" /usr/bin/time -f '%M' -o "$scratch/rss" \
	    "$build/mxdane" check --json --trust-anchor "$LAB_TA" \
	    --resolver "$LAB_RESOLVER" --timeout "$timeout_s" "${all[@]}" \
	    > "$scratch/mxdane.json" 2> "$scratch/mxdane.err" || true
else
	"$top/lab/exec" "$build/mxdane" check --json --trust-anchor "$LAB_TA" \
	    --resolver "$LAB_RESOLVER" --timeout "$timeout_s" "${all[@]}" \
	    > "$scratch/mxdane.json" 2> "$scratch/mxdane.err" || true
fi
t1=$(now)
d_mx=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')
lines=$(wc -l < "$scratch/mxdane.json")
if [ "$lines" -ne "$total" ]; then
	echo "bench: mxdane gave $lines reports for $total checks:" \
	    "$(head -n 1 "$scratch/mxdane.err")" >&2
	exit 1
fi
echo "mxdane check, one invocation:     $(rate "$total" "$t0" "$t1"), $lines reports"
if [ -f "$scratch/rss" ]; then
	rss=$(tail -n 1 "$scratch/rss")
	echo "mxdane peak RSS:                  $((rss / 1024)) MB ($rss kB)"
fi

pf() {
	timeout 60 posttls-finger -c -l dane -t "$timeout_s" -T "$timeout_s" \
	    -p '>=TLSv1.2' "$1" > /dev/null 2>&1 || true
}
export -f pf
export timeout_s

t0=$(now)
for d in "${all[@]}"; do
	"$top/lab/exec" bash -c "$(declare -f pf); timeout_s=$timeout_s; pf $d"
done
t1=$(now)
d_serial=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')
echo "posttls-finger, one at a time:    $(rate "$total" "$t0" "$t1")"

t0=$(now)
printf '%s\n' "${all[@]}" | "$top/lab/exec" xargs -P 8 -I{} \
    timeout 60 posttls-finger -c -l dane -t "$timeout_s" -T "$timeout_s" \
    -p '>=TLSv1.2' {} > /dev/null 2>&1 || true
t1=$(now)
d_par=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')
echo "posttls-finger, xargs -P 8:       $(rate "$total" "$t0" "$t1")"

# Ratios against the baselines of this same run (higher is better for
# mxdane), and the issue's targets.
awk -v mx="$d_mx" -v s="$d_serial" -v p="$d_par" -v rss="${rss:-0}" 'BEGIN {
	r1 = s / mx; r2 = p / mx
	printf "ratio vs posttls-finger one at a time: %5.2fx (target >= 3: %s)\n",
	    r1, (r1 >= 3) ? "met" : "NOT met"
	printf "ratio vs posttls-finger -P 8:          %5.2fx (target >= 1: %s)\n",
	    r2, (r2 >= 1) ? "met" : "NOT met"
	if (rss > 0)
		printf "peak RSS %d MB (target < 32 MB: %s)\n", rss / 1024,
		    (rss < 32768) ? "met" : "NOT met"
}'
