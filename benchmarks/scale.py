#!/usr/bin/env python3
"""Benchmark 5 of issue 5, "scale": 1, 2 and 4 virtual players on one daemon, each sent a SIZE-byte file by
its own `mtpctl put` at the same time; aggregate MB/s (10^6 bytes a second) over the wall time of the slowest,
and its ratio to one device. With the USB 2.0 link model (each player has its own 35 MB/s link) and with none.

Usage: scale.py BIN_DIR [--size BYTES] [--devices 1,2,4] [--links usb2,none] [--out FILE]
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

from benchlib import Daemon, LINKS, main, random_file, under_player, write_result


def outer(args):
    rows = []
    for link in args.links.split(","):
        base = None
        for n in [int(x) for x in args.devices.split(",")]:
            work = tempfile.mkdtemp(prefix="mtpbench-scale-")
            spec = dict(vars(args), work=work, link=link, count=n)
            row = under_player(__file__, ["--devices", str(n), "--capacity", str(args.size + (64 << 20)),
                                          "--control", os.path.join(work, "control")] + LINKS[link], spec)
            base = base or row["aggregate_mbs"]
            row["vs_one"] = row["aggregate_mbs"] / base
            rows.append(row)
            print(f"{link:5} {n} device(s): {row['aggregate_mbs']:.1f} MB/s aggregate ({row['vs_one']:.2f}× one device), "
                  f"daemon CPU {row['daemon_cpu_s']:.1f} s", flush=True)
            shutil.rmtree(work, ignore_errors=True)
    write_result(args.out, {"size": args.size, "rows": rows})


def inner(spec):
    b, work, size, n = spec["bin"], spec["work"], spec["size"], spec["count"]
    big = os.path.join(work, "big.bin")
    random_file(big, size)
    daemon = Daemon(b, work, devices=n)
    serials = [d["serial"] for d in json.loads(daemon.run("--json", "devices"))]
    if len(serials) != n:
        sys.exit(f"the daemon sees {len(serials)} devices, not {n}")
    daemon.released()
    cpu0 = daemon.cpu_seconds()
    t0 = time.monotonic()
    puts = [subprocess.Popen(daemon.ctl + ["put", big, f"{s}:/"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            for s in serials]
    for p in puts:
        if p.wait() != 0:
            sys.exit(f"a put failed: {p.stderr.read().decode()}")
    wall = time.monotonic() - t0
    row = {"link": spec["link"], "devices": n, "aggregate_mbs": n * size / 1e6 / wall,
           "daemon_cpu_s": daemon.cpu_seconds() - cpu0}
    daemon.stop()
    print(json.dumps(row))


if __name__ == "__main__":
    main("scale", outer, inner, [("--size", dict(type=int, default=256 << 20)), ("--devices", dict(default="1,2,4"))])
