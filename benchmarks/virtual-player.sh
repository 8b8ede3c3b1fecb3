#!/usr/bin/env bash
# Measures the virtual player with no link model: PTP transaction round trip (through real libmtp),
# bulk throughput both ways, and the CPU an idle attached device costs while a client waits for events.
# Usage: benchmarks/virtual-player.sh [BIN_DIR]   (default: .build/release). Writes benchmarks/results/virtual-player.json.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-.build/release}
SIM=$BIN/mtpsim
PROBE=$BIN/mtpsim-probe
RTT_CALLS=${RTT_CALLS:-5000}
BYTES=${BYTES:-$((256 << 20))}
IDLE_SECONDS=${IDLE_SECONDS:-5}
OUT=benchmarks/results/virtual-player.json
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "== round trip: $RTT_CALLS GetDevicePropValue calls through libmtp"
rtt=$("$SIM" -- "$PROBE" rtt --count "$RTT_CALLS" | grep '^rtt')
echo "$rtt"

echo "== throughput: $BYTES bytes sent and read back through libmtp"
tp=$("$SIM" -- "$PROBE" throughput --bytes "$BYTES" | grep '^throughput')
echo "$tp"

echo "== idle: a client blocked in LIBMTP_Read_Event for ${IDLE_SECONDS}s"
ctl=$work/control
"$SIM" --control "$ctl" -- "$PROBE" events --count 1 > "$work/events.out" &
sim_pid=$!
for _ in $(seq 200); do grep -q '^ready' "$work/events.out" 2>/dev/null && break; sleep 0.05; done
probe_pid=$(pgrep -P "$sim_pid" -f mtpsim-probe | head -1)
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
hz=$(getconf CLK_TCK)
s0=$(ticks "$sim_pid"); p0=$(ticks "$probe_pid"); t0=$(date +%s.%N)
sleep "$IDLE_SECONDS"   # the measurement window itself, not synchronisation
s1=$(ticks "$sim_pid"); p1=$(ticks "$probe_pid"); t1=$(date +%s.%N)
"$SIM" control --socket "$ctl" event 0x4002 1 > /dev/null
wait "$sim_pid"
idle=$(python3 -c "
w=$t1-$t0; hz=$hz
print('idle device_cpu_pct=%.1f client_cpu_pct=%.1f' % (100*($s1-$s0)/hz/w, 100*($p1-$p0)/hz/w))")
echo "$idle"

python3 - "$rtt" "$tp" "$idle" "$OUT" <<'PY'
import json, sys, subprocess, platform, os
def kv(line): return {k: float(v) for k, v in (w.split('=') for w in line.split()[1:])}
r, t, i = kv(sys.argv[1]), kv(sys.argv[2]), kv(sys.argv[3])
commit = subprocess.run(['git', 'rev-parse', '--short', 'HEAD'], capture_output=True, text=True).stdout.strip()
result = {
    'commit': commit, 'machine': f"{platform.machine()}, {os.cpu_count()} cores",
    'rtt_median_us': r['median_us'], 'rtt_p99_us': r['p99_us'], 'rtt_calls': int(r['calls']),
    'send_mbs': t['send_mbs'], 'get_mbs': t['get_mbs'], 'bytes': int(t['bytes']),
    'idle_device_cpu_pct': i['device_cpu_pct'], 'idle_client_cpu_pct': i['client_cpu_pct'],
    'targets': {'rtt_median_us_max': 1000, 'throughput_mbs_min': 60, 'idle_device_cpu_pct_max': 5},
}
json.dump(result, open(sys.argv[4], 'w'), indent=2)
ok = lambda c: 'met' if c else 'MISSED'
print()
print('| measure | value | target |')
print('|---|---|---|')
print(f"| PTP round trip, median (p99) | {r['median_us']:.0f} µs ({r['p99_us']:.0f} µs) | ≤ 1000 µs: {ok(r['median_us'] <= 1000)} |")
print(f"| bulk send / get | {t['send_mbs']:.0f} / {t['get_mbs']:.0f} MB/s | ≥ 60 MB/s: {ok(min(t['send_mbs'], t['get_mbs']) >= 60)} |")
print(f"| idle device (mtpsim) / waiting client | {i['device_cpu_pct']:.1f}% / {i['client_cpu_pct']:.1f}% of a core | device < 5%: {ok(i['device_cpu_pct'] < 5)} |")
PY
