#!/usr/bin/env python3
"""Benchmark 3 of issue 5, "listing": a folder of N (10,000) objects listed by libmtp's mtp-files (which
enumerates the device), then through the daemon: cold (a new session opens the device and lists the folder)
and warm (the same folder again within that session, from its cache). Wall time of each command and PTP
transactions from the player's counters; with the USB 2.0 link model and with none; both personalities.

Usage: listing.py BIN_DIR [--objects N] [--links usb2,none] [--personalities android,classic] [--out FILE]
"""
import json
import os
import shutil
import sys
import tempfile

from benchlib import Daemon, LINKS, main, ok, timed, transactions, under_player, write_result


def outer(args):
    rows = []
    for personality in args.personalities.split(","):
        for link in args.links.split(","):
            work = tempfile.mkdtemp(prefix="mtpbench-list-")
            folder = os.path.join(work, "storage", "Many")
            os.makedirs(folder)
            for i in range(args.objects):
                with open(os.path.join(folder, f"song{i:05d}.mp3"), "wb") as f:
                    f.write(b"x")
            spec = dict(vars(args), work=work, personality=personality, link=link)
            row = under_player(__file__, ["--storage", os.path.join(work, "storage"), "--personality", personality,
                                          "--control", os.path.join(work, "control")] + LINKS[link], spec)
            rows.append(row)
            print(f"{personality:8} {link:5} " + "  ".join(f"{w}: {row[w]['ms']:.0f} ms {row[w]['transactions']} tx"
                                                          for w in ("tool", "cold", "warm")), flush=True)
            shutil.rmtree(work, ignore_errors=True)
    write_result(args.out, {"objects": args.objects, "rows": rows})


def inner(spec):
    b, work = spec["bin"], spec["work"]
    control = os.path.join(work, "control")
    daemon = Daemon(b, work)
    row = {"personality": spec["personality"], "link": spec["link"]}

    def measure(run, expect=None):
        tx0 = transactions(b, control)
        out = {}
        out["ms"] = timed(lambda: out.update(text=run())) * 1000
        out["transactions"] = transactions(b, control) - tx0
        if expect is not None:
            count = sum(1 for line in out.pop("text").splitlines() if line.startswith("song"))
            if count != expect:
                sys.exit(f"listed {count} entries, not {expect}")
        else:
            out.pop("text")
        return out

    daemon.released()
    row["tool"] = measure(lambda: ok(["mtp-files"]))
    daemon.released()
    session = daemon.run("session", "begin", "--types", "transferFromDevice").strip()
    row["cold"] = measure(lambda: daemon.run("ls", "--session", session, ":/Many"), spec["objects"])
    row["warm"] = measure(lambda: daemon.run("ls", "--session", session, ":/Many"), spec["objects"])
    daemon.run("session", "end", "--types", "transferFromDevice", session)
    daemon.stop()
    print(json.dumps(row))


if __name__ == "__main__":
    main("listing", outer, inner, [("--objects", dict(type=int, default=10000)), ("--personalities", dict(default="android,classic"))])
