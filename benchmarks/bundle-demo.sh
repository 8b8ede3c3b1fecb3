#!/usr/bin/env bash
# The `make run` demo: mtpsessiond on a virtual player preloaded with demo content; a bundled `mtpctl put`
# of a folder with progress; then what the same files cost sent one by one with libmtp's own tool — both
# counted in PTP transactions by the player itself.
# Usage: benchmarks/bundle-demo.sh BIN_DIR WORK_DIR [FILES]
set -euo pipefail
BIN=$1 WORK=$2 FILES=${3:-20}
SIM=$BIN/mtpsim CTL=$BIN/mtpctl
rm -rf "$WORK" && mkdir -p "$WORK/storage/Music" "$WORK/upload/Album"
printf 'Preloaded on the device\n' > "$WORK/storage/Music/readme.txt"
for i in $(seq -w 1 "$FILES"); do head -c $((200000 + 10#$i * 5000)) /dev/urandom > "$WORK/upload/Album/track$i.mp3"; done
mkdir -p "$WORK/single"; cp "$WORK"/upload/Album/track0[1-5].mp3 "$WORK/single/"

# Everything below runs under the virtual player, so the daemon and libmtp's tools reach it through real
# libusb; outside `make run` the daemon finds real USB devices the same way.
"$SIM" --storage "$WORK/storage" --control "$WORK/control" -- bash -s "$BIN" "$WORK" <<'DEMO'
set -euo pipefail
BIN=$1 WORK=$2 SOCK=$WORK/mtpsessiond.sock
export MTPSESSIOND_SOCKET=$SOCK
stats() { "$BIN/mtpsim" control --socket "$WORK/control" stats | python3 -c 'import json,sys; print(json.load(sys.stdin)["devices"][0]["counters"]["transactions"])'; }
"$BIN/mtpsessiond" --socket "$SOCK" --linger 1 > "$WORK/daemon.log" 2>&1 &
daemon=$!
trap 'kill $daemon 2>/dev/null; wait $daemon 2>/dev/null' EXIT
for _ in $(seq 100); do "$BIN/mtpctl" devices >/dev/null 2>&1 && break; sleep 0.1; done   # Start-up, polled.
echo "== mtpctl devices"; "$BIN/mtpctl" devices
echo; echo "== mtpctl put $WORK/upload/Album :/Music   (one session for the whole folder)"
t0=$(stats); "$BIN/mtpctl" put "$WORK/upload/Album" :/Music; t1=$(stats)
bundled=$((t1 - t0)); n=$(ls "$WORK/upload/Album" | wc -l)
echo; echo "== mtpctl ls :/Music/Album"; "$BIN/mtpctl" ls -l :/Music/Album | head -5; echo "   ..."
# Wait for the daemon to let go of the device (--linger 1), so libmtp's own tool can open it.
for _ in $(seq 100); do "$BIN/mtpctl" --json devices | grep -q '"open":false' && break; sleep 0.1; done
echo; echo "== the same kind of transfer, one file per libmtp invocation (mtp-sendfile), 5 files"
s0=$(stats); for f in "$WORK"/single/*.mp3; do mtp-sendfile "$f" /Music >/dev/null 2>&1; done; s1=$(stats)
single=$(( (s1 - s0) / 5 ))
echo
printf '%-52s %6s\n' "what" "PTP transactions"
printf '%-52s %6d  (%s per file)\n' "bundled mtpctl put of $n files, one session" "$bundled" "$(python3 -c "print(round($bundled/$n, 2))")"
printf '%-52s %6d  per file\n' "mtp-sendfile, one invocation per file" "$single"
echo "The session opened the device, resolved the folder and checked free space once; see $WORK/daemon.log."
DEMO
