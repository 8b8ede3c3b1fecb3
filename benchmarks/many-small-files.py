#!/usr/bin/env python3
"""Benchmark 1 of issue 5, "many small files": N files of 4 KiB into one folder of a device already holding M
objects, four ways, on the virtual player, with a USB 2.0 phone link model (2 ms per transaction, 35 MB/s)
and with none:
  a) mtp-sendfile once per file, as a script would (sampled: it enumerates the whole device each time);
  b) mtpctl put once per file (implicit sessions);
  c) one mtpctl put of all N (one session);
  d) a varlink client: BeginSession, N Puts with descriptors, EndSession.
Transactions come from the player's counters; times are wall clock of the whole way; daemon CPU from /proc.

Usage: many-small-files.py BIN_DIR [--files N] [--objects M,M,...] [--links usb2,none] [--personalities a,c]
       [--sample K] [--out FILE]
"""
import json
import os
import shutil
import sys
import tempfile

from benchlib import Daemon, LINKS, main, ok, random_file, timed, transactions, under_player, varlink_bundle, write_result


def outer(args):
    rows = []
    for personality in args.personalities.split(","):
        for link in args.links.split(","):
            for m in [int(x) for x in args.objects.split(",")]:
                work = tempfile.mkdtemp(prefix="mtpbench-")
                storage = os.path.join(work, "storage")
                existing = os.path.join(storage, "Existing")
                os.makedirs(existing)
                for i in range(m):
                    with open(os.path.join(existing, f"old{i:05d}.bin"), "wb") as f:
                        f.write(b"x")
                spec = dict(vars(args), work=work, personality=personality, link=link, objects=m)
                row = under_player(__file__, ["--storage", storage, "--personality", personality,
                                              "--control", os.path.join(work, "control")] + LINKS[link], spec)
                rows.append(row)
                print(f"{personality:8} {link:5} M={m:<6} " + "  ".join(
                    f"{w}: {row[w]['ms_per_file']:.1f} ms {row[w]['transactions_per_file']:.1f} tx"
                    for w in ("a", "b", "c", "d")), flush=True)
                shutil.rmtree(work, ignore_errors=True)
    write_result(args.out, {"files": args.files, "file_size": 4096, "rows": rows})


def inner(spec):
    """Runs under the virtual player's preload: the daemon, then the four ways."""
    b, work, n = spec["bin"], spec["work"], spec["files"]
    local = os.path.join(work, "local")
    os.makedirs(local)
    for i in range(n):
        random_file(os.path.join(local, f"track{i:03d}.mp3"), 4096)
    files = sorted(os.path.join(local, x) for x in os.listdir(local))
    daemon = Daemon(b, work)
    control = os.path.join(work, "control")

    def measure(count, run):
        daemon.released()
        tx0, cpu0 = transactions(b, control), daemon.cpu_seconds()
        wall = timed(run)
        tx, used = transactions(b, control) - tx0, daemon.cpu_seconds() - cpu0
        return {"files": count, "wall_s": round(wall, 3), "ms_per_file": wall * 1000 / count,
                "transactions_per_file": tx / count, "daemon_cpu_s": round(used, 3)}

    for folder in ("a", "b", "c", "d"):
        daemon.run("mkdir", "-p", f":/Bench/{folder}")
    row = {"personality": spec["personality"], "link": spec["link"], "objects": spec["objects"]}
    # (a) first, while the device holds M objects and a few folders: each mtp-sendfile enumerates all of
    # them, so it must not also pay for the files the other ways add.
    sample = files[:spec["sample"]]
    row["a"] = measure(len(sample), lambda: [ok(["mtp-sendfile", f, "/Bench/a"]) for f in sample])
    row["a"]["daemon_cpu_s"] = None
    row["c"] = measure(n, lambda: daemon.run("put", *files, ":/Bench/c"))
    row["b"] = measure(n, lambda: [daemon.run("put", f, ":/Bench/b") for f in files])
    row["d"] = measure(n, lambda: varlink_bundle(daemon.socket, files, "/Bench/d"))
    daemon.stop()
    print(json.dumps(row))


if __name__ == "__main__":
    main("many-small-files", outer, inner, [("--files", dict(type=int, default=200)), ("--objects", dict(default="0,1000,10000")),
          ("--personalities", dict(default="android,classic")),
          ("--sample", dict(type=int, default=3, help="files sent the slow way (a); per-file figures from them"))])
