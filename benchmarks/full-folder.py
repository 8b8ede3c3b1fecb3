#!/usr/bin/env python3
"""Benchmark of issue 16's first case, "into a full folder": N files of 4 KiB (200) sent into a device folder that
already holds M objects (1,000), on the virtual player (android personality) with the USB 2.0 link model (2 ms per
transaction, 35 MB/s), side by side in one run so that times are ratios of each other:
  mtpctl)  one `mtpctl put F1 ... FN :/Full` through the daemon, its device let go of first (--linger) so that the
           put opens it and lists the folder cold, as the first command after a plug-in would;
  fuse)    each FUSE tool installed (go-mtpfs, jmtpfs) mounting a fresh player, `cp F1 ... FN` into the mounted
           folder, and the unmount; timed from starting the mount to the unmount: how Linux users copy files today.
Every way starts from a fresh player whose storage directory holds the M objects in Full (files of 4 KiB, made
before the player starts). Transactions and each operation's count come from the player's counters over the whole
way; the player's storage directory is then checked: every file sent at its size and bytes, and the M still there.

Targets (issue 16): mtpctl at least 1.2x faster than the faster FUSE tool, and at most 10 transactions per file
sent ((transactions during the way) / N, opening the device and listing the folder included).

Each way runs --rounds times (2), the rounds interleaved so that a spell of other work on a shared machine slows
one round of each rather than all rounds of one; each way's fastest round is reported with every round's time beside.

Usage: full-folder.py BIN_DIR [--files N] [--existing M] [--tools go-mtpfs,jmtpfs] [--links usb2]
       [--personality android] [--rounds R] [--out FILE]
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

from benchlib import Daemon, LINKS, fastest, fuse_way, main, measure, random_file, under_player, write_result

FILE_BYTES = 4096
FOLDER = "Full"
TARGET_SPEEDUP = 1.2
TARGET_TX_PER_FILE = 10


def existing_files(folder, m):
    """Fills the player's folder with `m` files of FILE_BYTES before the player starts; their names and sizes."""
    os.makedirs(folder)
    for i in range(m):
        random_file(os.path.join(folder, f"old{i:04d}.bin"), FILE_BYTES)
    return {name: FILE_BYTES for name in os.listdir(folder)}


def check_arrived(folder, local, existing):
    """Fails the benchmark unless the player's folder holds every file sent, at its size and with its bytes, and
    every object that was there before; anything else found there is counted."""
    got = {name: os.path.getsize(os.path.join(folder, name)) for name in os.listdir(folder)}
    sent = sorted(os.listdir(local))
    missing = [n for n in sent if n not in got]
    wrong = [n for n in sent if n in got and (got[n] != os.path.getsize(os.path.join(local, n)) or
                                              open(os.path.join(folder, n), "rb").read() != open(os.path.join(local, n), "rb").read())]
    lost = [n for n, size in existing.items() if got.get(n) != size]
    if missing or wrong or lost:
        sys.exit(f"{folder}: {len(missing)} of the {len(sent)} files sent missing ({missing[:5]}), {len(wrong)} wrong "
                 f"({wrong[:5]}); {len(lost)} of the {len(existing)} already there gone or changed ({lost[:5]})")
    others = sorted(set(got) - set(sent) - set(existing))
    return {"sent": len(sent), "existing_kept": len(existing), "other_files": len(others), "other_examples": others[:5]}


def outer(args):
    work = tempfile.mkdtemp(prefix="mtpbench-full-")
    local = os.path.join(work, "local")
    os.makedirs(local)
    for i in range(args.files):
        random_file(os.path.join(local, f"new{i:03d}.bin"), FILE_BYTES)
    tools = [t for t in args.tools.split(",") if t]
    kinds = ["mtpctl"] + [t for t in tools if shutil.which(t)]
    rows = []
    for link in args.links.split(","):
        runs = {kind: [] for kind in kinds}
        for n in range(args.rounds):
            for kind in kinds:
                run = os.path.join(work, f"{link}-{kind}-{n}")
                storage = os.path.join(run, "storage")
                existing = existing_files(os.path.join(storage, FOLDER), args.existing)
                spec = dict(vars(args), work=run, kind=kind, local=local)
                result = under_player(__file__, ["--storage", storage, "--personality", args.personality,
                                                 "--control", os.path.join(run, "control")] + LINKS[link], spec)
                result["arrived"] = check_arrived(os.path.join(storage, FOLDER), local, existing)
                runs[kind].append(result)
                shutil.rmtree(run, ignore_errors=True)
        row = {"link": link, "personality": args.personality, "rounds": args.rounds, "mtpctl": fastest(runs["mtpctl"]),
               "tools": {t: dict(fastest(runs[t]), installed=True) if t in runs else {"installed": False} for t in tools}}
        judge(row, args.files)
        rows.append(row)
        print_row(row, args.files)
    shutil.rmtree(work, ignore_errors=True)
    write_result(args.out, {"files": args.files, "file_bytes": FILE_BYTES, "existing": args.existing, "folder": FOLDER,
                            "daemon_command": rows[0]["mtpctl"]["command"], "rows": rows,
                            "targets": {"speedup_min": TARGET_SPEEDUP, "tx_per_file_max": TARGET_TX_PER_FILE}})


def judge(row, n):
    """Adds each way's transactions per file, each tool's time against mtpctl's, and the two targets to `row`."""
    mine = row["mtpctl"]
    for way in [mine] + [t for t in row["tools"].values() if t["installed"]]:
        way["tx_per_file"] = way["transactions"] / n
    installed = {name: t for name, t in row["tools"].items() if t["installed"]}
    for t in installed.values():
        t["ratio"] = t["s"] / mine["s"]
    # Against the faster FUSE tool; not judged when none is installed.
    faster = min(installed, key=lambda name: installed[name]["s"]) if installed else None
    row["faster_tool"] = faster
    row["speedup"] = installed[faster]["ratio"] if faster else None
    row["speedup_met"] = row["speedup"] >= TARGET_SPEEDUP if faster else None
    row["tx_per_file_met"] = mine["tx_per_file"] <= TARGET_TX_PER_FILE


def print_row(row, n):
    took = lambda m: f"{m['s']:.2f} s ({', '.join(f'{x:.2f}' for x in m['rounds_s'])})"
    by_op = lambda m: ", ".join(f"{k} {v}" for k, v in sorted(m["operations"].items()))
    mine = row["mtpctl"]
    print(f"{row['link']:5} mtpctl put: {took(mine)}, {mine['tx_per_file']:.2f} tx/file; {by_op(mine)}", flush=True)
    for name, t in row["tools"].items():
        if t["installed"]:
            print(f"{row['link']:5} {name} cp: {took(t)} ({t['ratio']:.2f}x mtpctl's), {t['tx_per_file']:.2f} tx/file; "
                  f"{by_op(t)}", flush=True)
        else:
            print(f"{row['link']:5} {name}: not installed", flush=True)
    verdict = lambda met: "met" if met else "MISSED"
    speed = (f"the faster FUSE tool, {row['faster_tool']}, took {row['speedup']:.2f}x mtpctl's time (target ≥ "
             f"{TARGET_SPEEDUP}x: {verdict(row['speedup_met'])})" if row["faster_tool"] else "no FUSE tool installed")
    print(f"{row['link']:5} targets: {speed}; mtpctl {mine['tx_per_file']:.2f} tx/file (target ≤ {TARGET_TX_PER_FILE}: "
          f"{verdict(row['tx_per_file_met'])})", flush=True)


def daemon_side(spec):
    """One daemon, as a system service would be, its device let go of before the put so that the put opens it and
    lists the folder cold."""
    b, work = spec["bin"], spec["work"]
    files = sorted(os.path.join(spec["local"], x) for x in os.listdir(spec["local"]))
    daemon = Daemon(b, work)
    daemon.released()
    result, _ = measure(b, os.path.join(work, "control"), lambda: daemon.run("put", *files, f":/{FOLDER}"))
    result["command"] = f"mtpctl put F1 ... F{len(files)} :/{FOLDER}"
    daemon.stop()
    return result


def fuse_side(spec):
    """Mounts a fresh player with a FUSE tool, copies the files into its folder with one `cp` and unmounts."""
    files = sorted(os.path.join(spec["local"], x) for x in os.listdir(spec["local"]))

    def cp(storage):
        r = subprocess.run(["cp"] + files + [os.path.join(storage, FOLDER) + "/"], capture_output=True, text=True)
        if r.returncode != 0:
            sys.exit(f"cp into {spec['kind']} failed ({r.returncode}): {r.stderr[-2000:]}")
    return fuse_way(spec, "cp", cp)


def inner(spec):
    print(json.dumps(daemon_side(spec) if spec["kind"] == "mtpctl" else fuse_side(spec)))


if __name__ == "__main__":
    main("full-folder", outer, inner, [
        ("--files", dict(type=int, default=200)),
        ("--existing", dict(type=int, default=1000, help="objects in the folder before each way starts")),
        ("--tools", dict(default="go-mtpfs,jmtpfs", help="FUSE tools to compare with, comma-separated; none: ''")),
        ("--personality", dict(default="android")),
        ("--rounds", dict(type=int, default=2, help="rounds of every way; each way's fastest is reported"))],
        links="usb2")
