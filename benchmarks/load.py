#!/usr/bin/env python3
"""Load (issue 6): CLIENTS concurrent clients x CALLS cheap calls while a SIZE_MIB `mtpctl put` runs on the virtual
player with the USB 2.0 link model (2 ms per transaction, 35 MB/s); the same transfer unloaded first. Reports
errors, call latency (p50/p99/max) and the transfer's throughput loaded vs unloaded; writes
benchmarks/results/load.json.

The clients start together once the put is a tenth done; throughput while they run is compared with the
unloaded put from its first to its ninth tenth, both by the player's byte counter. 64 x 1,000 calls take a
second or two of a put of half a minute: SUSTAIN=1 has the clients repeat their 1,000 calls until the put is
nine tenths done, and compares that same stretch.
The clients, the daemon and the virtual player share this machine's cores, where a real player would use none,
and 64 clients calling back to back keep every core busy: each of the player's many wake-ups per 16 KiB then
waits its turn behind them. CLIENT_PRIORITY=idle runs the clients under SCHED_IDLE (a nice value also works), so
that what the transfer loses is what the daemon spends serving them: the figure the target is about.

Clients are processes (no GIL between them), each on its own connection, raw AF_UNIX with NUL-framed JSON,
one call at a time. The cheap call is org.varlink.service.GetInfo (METHOD= picks another). A side probe times
org.mtpsessiond.Manager.ListDevices every 10 ms during the loaded transfer: a busy device answers from what it
last knew. (Called back to back, the probe was a 65th client for the whole transfer, not a probe.)

Usage: benchmarks/load.py BIN_DIR
       (env: CLIENTS=64 CALLS=1000 SIZE_MIB=1024 METHOD=org.varlink.service.GetInfo SUSTAIN=0 CLIENT_PRIORITY=0
             LINK_MBS=35 LOAD_OUTPUT=benchmarks/results/load.json)
"""
import json
import multiprocessing
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time

BIN = sys.argv[1]
CLIENTS = int(os.environ.get("CLIENTS", "64"))
CALLS = int(os.environ.get("CALLS", "1000"))
SIZE = int(os.environ.get("SIZE_MIB", "1024")) << 20
METHOD = os.environ.get("METHOD", "org.varlink.service.GetInfo")
SUSTAIN = os.environ.get("SUSTAIN", "0") == "1"
PROBE_INTERVAL = 0.01
CLIENT_PRIORITY = os.environ.get("CLIENT_PRIORITY", "0")  # A nice value, or "idle" (SCHED_IDLE).
LINK_MBS = int(os.environ.get("LINK_MBS", "35"))
LINK = ["--latency-ms", "2", "--bandwidth-mbs", str(LINK_MBS)]
work = tempfile.mkdtemp(prefix="mtpsessiond-load-")
sock = os.path.join(work, "d.sock")
control = os.path.join(work, "control")


def device_bytes():
    """Object bytes the player has received so far, by its own counters: the transfer's progress at any moment."""
    out = subprocess.run([f"{BIN}/mtpsim", "control", "--socket", control, "stats"], capture_output=True, text=True, check=True).stdout
    return time.monotonic(), json.loads(out)["devices"][0]["counters"]["objectBytesReceived"]


def call(conn, method, buffer):
    """One call; returns (reply object, leftover bytes)."""
    conn.sendall(json.dumps({"method": method}).encode() + b"\0")
    while b"\0" not in buffer:
        chunk = conn.recv(65536)
        if not chunk:
            raise ConnectionError("the daemon closed the connection")
        buffer += chunk
    message, _, rest = buffer.partition(b"\0")
    return json.loads(message), rest


def client(start, stop, results):
    """One client: waits for the start signal, then rounds of CALLS calls until told to stop, timing each (µs)."""
    latencies, errors = [], []
    if CLIENT_PRIORITY == "idle":
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
    else:
        os.nice(int(CLIENT_PRIORITY))
    try:
        conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        conn.connect(sock)
        buffer = b""
        start.wait()
        while True:
            for _ in range(CALLS):
                t0 = time.perf_counter()
                reply, buffer = call(conn, METHOD, buffer)
                latencies.append((time.perf_counter() - t0) * 1e6)
                if "error" in reply:
                    errors.append(reply["error"])
            if not SUSTAIN or stop.is_set():
                break
        conn.close()
    except Exception as e:  # A refused or dropped client is an error of the run, not of the script.
        errors.append(repr(e))
    results.put((latencies, errors, time.monotonic()))


def write_file(path):
    block = bytearray(os.urandom(1 << 20))
    with open(path, "wb") as f:
        for m in range(SIZE >> 20):
            block[0:8] = m.to_bytes(8, "little")  # Every MiB differs, without 1 GiB of urandom.
            f.write(block)


class Put:
    """A running `mtpctl --json put`, with events for its first and ninth tenth done."""

    def __init__(self, ctl, source):
        self.t0 = time.monotonic()
        self.tenth = threading.Event()
        self.ninetieth = threading.Event()
        self.p = subprocess.Popen(ctl + ["--json", "put", source, ":/"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.reader = threading.Thread(target=self.read)
        self.reader.start()

    def read(self):
        self.error = None  # With --json, mtpctl writes its error object to stdout, after any progress.
        for line in self.p.stdout:
            event = json.loads(line)
            if "error" in event:
                self.error = event
            progress = event.get("progress")
            if progress and progress["phase"] == "progress":
                if progress["done"] >= SIZE // 10:
                    self.tenth.set()
                if progress["done"] >= SIZE * 9 // 10:
                    self.ninetieth.set()
        self.tenth.set()
        self.ninetieth.set()



def finish(put, ctl, storage):
    p = put.p
    err = p.stderr.read()
    p.wait()
    put.reader.join()
    seconds = time.monotonic() - put.t0
    if p.returncode != 0:
        sys.exit(f"mtpctl put failed: {put.error or err}")
    if os.path.getsize(os.path.join(storage, "big.bin")) != SIZE:
        sys.exit("the transfer did not arrive whole")
    subprocess.run(ctl + ["rm", ":/big.bin"], check=True, stdout=subprocess.DEVNULL)
    return seconds


def main():
    storage = os.path.join(work, "storage")
    os.makedirs(storage)
    source = os.path.join(work, "big.bin")
    write_file(source)

    notify_path = os.path.join(work, "notify")
    notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    notify.bind(notify_path)
    notify.settimeout(120)
    # --linger keeps the device open between the runs, so both pay the same (no) opening.
    sim = subprocess.Popen([f"{BIN}/mtpsim", "--storage", storage, "--control", control] + LINK +
                           ["--", f"{BIN}/mtpsessiond", "--socket", sock, "--linger", "600"],
                           env=dict(os.environ, NOTIFY_SOCKET=notify_path),
                           stdout=subprocess.DEVNULL, stderr=open(os.path.join(work, "daemon.log"), "w"))
    while "1 device" not in notify.recv(4096).decode():
        pass
    notify.close()
    ctl = [f"{BIN}/mtpctl", "--socket", sock]
    subprocess.run(ctl + ["devices"], check=True, stdout=subprocess.DEVNULL)  # Opens the device before timing.

    try:
        # 1. Unloaded.
        unloaded = Put(ctl, source)
        unloaded.tenth.wait()
        steady_from = device_bytes()
        unloaded.ninetieth.wait()
        steady_to = device_bytes()
        unloaded_s = finish(unloaded, ctl, storage)

        # 2. Loaded: the clients connect first, start together once the transfer is under way.
        ctx = multiprocessing.get_context("fork")
        start, stop, results = ctx.Event(), ctx.Event(), ctx.Queue()
        workers = [ctx.Process(target=client, args=(start, stop, results)) for _ in range(CLIENTS)]
        for w in workers:
            w.start()
        loaded = Put(ctl, source)
        p = loaded.p
        probe_ms = []

        def probe():  # ListDevices while the transfer runs, every PROBE_INTERVAL: a latency probe, not more load.
            conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            conn.connect(sock)
            buffer = b""
            while p.poll() is None:
                t = time.perf_counter()
                _, buffer = call(conn, "org.mtpsessiond.Manager.ListDevices", buffer)
                probe_ms.append(round((time.perf_counter() - t) * 1000, 1))
                time.sleep(PROBE_INTERVAL)  # Pacing, not synchronisation.
            conn.close()
        loaded.tenth.wait()  # Set up and streaming: the load meets the transfer in its steady state.
        load_from = device_bytes()
        load_start = time.monotonic()
        start.set()
        prober = threading.Thread(target=probe)
        prober.start()
        if SUSTAIN:
            loaded.ninetieth.wait()
            load_to = device_bytes()
            stop.set()
        collected = [results.get() for _ in workers]
        for w in workers:
            w.join()
        load_end = max(c[2] for c in collected)
        if not SUSTAIN:
            load_to = device_bytes()
        loaded_s = finish(loaded, ctl, storage)
        prober.join()
    finally:
        sim.terminate()
        sim.wait()

    latencies = sorted(x for c in collected for x in c[0])
    errors = [e for c in collected for e in c[1]]
    pct = lambda q, xs=latencies, digits=None: round(xs[min(len(xs) - 1, int(len(xs) * q))], digits) if xs else None
    probes = sorted(probe_ms)
    mbs = lambda s: round(SIZE / s / 1e6, 1)
    # Throughput while the clients ran, against the unloaded transfer from its first to its ninth tenth (steady
    # streaming), both by the player's byte counter; and whole transfers, wall clock, set-up included.
    rate = lambda a, b: (b[1] - a[1]) / (b[0] - a[0])
    steady, under_load = rate(steady_from, steady_to), rate(load_from, load_to)
    result = {
        "clients": CLIENTS, "calls_per_round": CALLS, "sustained": SUSTAIN, "client_priority": CLIENT_PRIORITY, "method": METHOD, "transfer_mib": SIZE >> 20,
        "link": f"2 ms, {LINK_MBS} MB/s", "calls": len(latencies), "errors": len(errors), "error_samples": errors[:5],
        "latency_us_p50": pct(0.5), "latency_us_p99": pct(0.99), "latency_us_max": round(latencies[-1]) if latencies else None,
        "unloaded_mbs": round(steady / 1e6, 1), "loaded_mbs": round(under_load / 1e6, 1),
        "throughput_ratio": round(under_load / steady, 3),
        "whole_transfer_unloaded_mbs": mbs(unloaded_s), "whole_transfer_loaded_mbs": mbs(loaded_s),
        "whole_transfer_ratio": round(unloaded_s / loaded_s, 3),
        "unloaded_s": round(unloaded_s, 2), "loaded_s": round(loaded_s, 2), "load_window_s": round(load_end - load_start, 2),
        # Summarised: the probe calls every 10 ms for the whole put, thousands of times.
        "listdevices_during_transfer": {"calls": len(probes), "ms_p50": pct(0.5, probes, 1), "ms_p99": pct(0.99, probes, 1),
                                        "ms_max": probes[-1] if probes else None},
        "commit": subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip(),
        "machine": f"{os.uname().machine}, {os.cpu_count()} cores",
        "targets": {"errors": 0, "throughput_ratio_min": 0.9},
    }
    output = os.environ.get("LOAD_OUTPUT", "benchmarks/results/load.json")
    os.makedirs(os.path.dirname(output), exist_ok=True)
    json.dump(result, open(output, "w"), indent=2)
    ok = lambda c: "met" if c else "MISSED"
    print("| measure | value | target |")
    print("|---|---|---|")
    rounds = f"rounds of {CALLS}" if SUSTAIN else str(CALLS)
    print(f"| errors over {result['calls']} calls ({CLIENTS} clients x {rounds} {METHOD.rsplit('.', 1)[1]}) | {result['errors']} | 0: {ok(result['errors'] == 0)} |")
    print(f"| call latency p50 / p99 / max | {result['latency_us_p50']} / {result['latency_us_p99']} / {result['latency_us_max']} µs | reported |")
    ratio = result["throughput_ratio"]
    print(f"| {SIZE >> 20} MiB put, {'first to ninth tenth' if SUSTAIN else 'while the clients ran'}, unloaded / loaded | "
          f"{result['unloaded_mbs']} / {result['loaded_mbs']} MB/s (ratio {result['throughput_ratio']}) | ≥ 0.9: {ok(ratio >= 0.9)} |")
    print(f"| whole {SIZE >> 20} MiB put, unloaded / loaded | {result['unloaded_s']} / {result['loaded_s']} s "
          f"(ratio {result['whole_transfer_ratio']}) | reported |")
    ld = result["listdevices_during_transfer"]
    print(f"| ListDevices during the transfer ({ld['calls']} calls) | p50 / p99 / max {ld['ms_p50']} / {ld['ms_p99']} / {ld['ms_max']} ms | reported |")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
