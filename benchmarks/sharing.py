#!/usr/bin/env python3
"""Benchmark of issue 14, "one phone, many programs": what sharing a device costs, on the virtual player with the
USB 2.0 link model (2 ms per transaction, 35 MB/s), all in one run so that times are ratios of each other:
  alone)      one 200 x 4 KiB bundle (BeginSession, 200 Puts, EndSession) with nothing else on the device;
  latency)    the same bundle while one client lists a folder in a loop: each List's latency (p50/p99);
  listers)    the same bundle while four clients list in a loop: its time against alone;
  four)       four 50-file bundles at once against the one 200-file bundle;
  separate)   200 `mtpctl put` invocations of one file each, while the device is open: PTP transactions per file
              against the bundle's.
Transactions come from the player's counters.

Usage: sharing.py BIN_DIR [--files N] [--links usb2] [--out FILE]
"""
import json
import multiprocessing
import os
import shutil
import statistics
import sys
import tempfile
import time

from benchlib import (Client, Daemon, LINKS, main, operations, random_file, timed, transactions, under_player,
                      varlink_bundle, write_result)


def outer(args):
    rows = []
    for link in args.links.split(","):
        work = tempfile.mkdtemp(prefix="mtpshare-")
        spec = dict(vars(args), work=work, link=link)
        row = under_player(__file__, ["--personality", "android", "--control", os.path.join(work, "control")]
                           + LINKS[link], spec)
        rows.append(row)
        print(f"{link:5} bundle {row['alone_s']:.2f} s ({row['file_ms']:.1f} ms a file); List during it p50 "
              f"{row['list_ms_p50']:.1f} / p99 {row['list_ms_p99']:.1f} ms over {row['list_tries']}; with 4 listers "
              f"{row['listers_ratio']:.2f}x throughput; four bundles {row['four_ratio']:.2f}x the time; separate puts "
              f"{row['separate_tx_per_file']:.2f} tx/file vs {row['bundle_tx_per_file']:.2f}", flush=True)
        shutil.rmtree(work, ignore_errors=True)
    write_result(args.out, {"files": args.files, "file_size": 4096, "rows": rows})


def while_listing(sock, listers, work):
    """Runs `work` while `listers` clients, each its own process (no shared interpreter lock with the bundle's
    client), list the device's root in a loop; returns (seconds, latencies of the lists answered meanwhile)."""
    done = multiprocessing.Event()
    results = multiprocessing.Queue()
    ready = multiprocessing.Barrier(listers + 1)

    def lister():
        c = Client(sock)
        mine = []
        ready.wait()
        while not done.is_set():
            t0 = time.monotonic()
            c.call("List", {"device": "", "path": "/"})
            if not done.is_set():  # Only lists answered while the work ran.
                mine.append(time.monotonic() - t0)
        c.close()
        results.put(mine)

    processes = [multiprocessing.Process(target=lister) for _ in range(listers)]
    for p in processes:
        p.start()
    ready.wait()
    seconds = timed(work)
    done.set()
    latencies = [x for _ in processes for x in results.get()]
    for p in processes:
        p.join()
    return seconds, latencies


def inner(spec):
    b, work, n = spec["bin"], spec["work"], spec["files"]
    local = os.path.join(work, "local")
    os.makedirs(local)
    for i in range(n):
        random_file(os.path.join(local, f"track{i:03d}.mp3"), 4096)
    files = sorted(os.path.join(local, x) for x in os.listdir(local))
    # A long linger: the device stays open through the whole run, as on a machine where it is in use.
    daemon = Daemon(b, work, linger=600)
    control = os.path.join(work, "control")
    for folder in ["alone", "again", "latency", "listers", "separate"] + [f"four{i}" for i in range(4)]:
        daemon.run("mkdir", "-p", f":/Share/{folder}")
    row = {"link": spec["link"], "personality": "android"}

    # Alone twice, the faster the baseline: a shared machine's hiccup in it would flatter every ratio below.
    tx0 = transactions(b, control)
    first = timed(lambda: varlink_bundle(daemon.socket, files, "/Share/alone"))
    row["bundle_tx_per_file"] = (transactions(b, control) - tx0) / n
    row["alone_s"] = min(first, timed(lambda: varlink_bundle(daemon.socket, files, "/Share/again")))
    row["file_ms"] = row["alone_s"] * 1000 / n

    _, lists = while_listing(daemon.socket, 1, lambda: varlink_bundle(daemon.socket, files, "/Share/latency"))
    lists.sort()
    row["list_tries"] = len(lists)
    row["list_ms_p50"] = statistics.median(lists) * 1000
    row["list_ms_p99"] = lists[min(len(lists) - 1, int(len(lists) * 0.99))] * 1000

    seconds, _ = while_listing(daemon.socket, 4, lambda: varlink_bundle(daemon.socket, files, "/Share/listers"))
    row["listers_ratio"] = row["alone_s"] / seconds

    quarters = [files[i::4] for i in range(4)]
    # Each bundle's client its own process, as four programs would be.
    clients = [multiprocessing.Process(target=varlink_bundle, args=(daemon.socket, quarters[i], f"/Share/four{i}"))
               for i in range(4)]

    def four():
        for p in clients:
            p.start()
        for p in clients:
            p.join()
            if p.exitcode != 0:
                sys.exit("a bundle of the four failed")
    row["four_s"] = timed(four)
    row["four_ratio"] = row["four_s"] / row["alone_s"]

    tx0, ops0 = transactions(b, control), operations(b, control)
    row["separate_s"] = timed(lambda: [daemon.run("put", f, ":/Share/separate") for f in files])
    row["separate_tx_per_file"] = (transactions(b, control) - tx0) / n
    ops = operations(b, control)
    row["separate_operations"] = {k: v - ops0.get(k, 0) for k, v in ops.items() if v > ops0.get(k, 0)}
    row["separate_vs_bundle_tx"] = row["separate_tx_per_file"] / row["bundle_tx_per_file"]
    daemon.stop()
    print(json.dumps(row))


if __name__ == "__main__":
    main("sharing", outer, inner, [("--files", dict(type=int, default=200))])
