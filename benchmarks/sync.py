#!/usr/bin/env python3
"""Benchmark of issue 15, "sync a music library": a library of N tracks (benchmarks/make-library.sh: Artist/Album/
NN Title.mp3, 20 to an album) sent to an empty /Music on the virtual player with the USB 2.0 link model (2 ms per
transaction, 35 MB/s), in one run so that times are ratios of each other:
  first)   `mtpctl sync LIBRARY :/Music` into the empty folder, the device opened for it;
  fuse)    the same library by `rsync -r --size-only --inplace` into a jmtpfs, then a go-mtpfs, mount of a fresh
           player, timed from starting the mount to its unmount: how Linux users sync a player today;
  resync)  `mtpctl sync` again, the library unchanged, by the same daemon (as a system service would be) once it
           has let go of the device (--linger), so the re-sync opens it again as a later one would;
  warm)    once more at once, the device still open and what the daemon knows of it kept from the re-sync;
  thin)    a re-sync, the device let go of again, of the same folders holding only each album's first track (hard
           links to the library's files): what the re-sync costs with fewer files and the same folders.
Transactions and each operation's count come from the player's counters; what arrived is checked in the player's
storage directory (every path and size).

The rules the targets are judged by:
  - first sync: each FUSE tool's time at least 2x mtpctl sync's;
  - re-sync: nothing sent (no SendObjectInfo or SendObject); no per-file term: (resync - thin) transactions over
    (tracks - thin tracks) at most 0.05 a track (any question asked of the device per file is at least 1); and
    in all at most 4 transactions per folder of the library (the destination folder included) plus 50 for opening
    the device (the android player's opening costs about 30).

rsync: -r --size-only --inplace. Neither mount can set modification times, so a user's next rsync compares sizes
only; --inplace writes each file where it belongs instead of a temporary file renamed into place, which saves the
FUSE tools a rename and more (the comparison is the kinder to them for it).

Each way runs --rounds times (2), the rounds interleaved, and each measure's fastest round is reported with
every round's time beside it: other work on a shared machine slowed single runs by up to 2x while this was written.

Usage: sync.py BIN_DIR [--tracks N] [--tools jmtpfs,go-mtpfs] [--links usb2] [--personality android] [--rounds R]
       [--first-sync-with-put] [--out FILE]
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

from benchlib import Daemon, LINKS, counters, main, under_player, write_result

RSYNC = ["rsync", "-r", "--size-only", "--inplace"]
RESYNC_TX_PER_FOLDER = 4
OPENING_ALLOWANCE = 50
PER_FILE_TERM_LIMIT = 0.05
MOUNT_SECONDS = 60
# Long enough that the warm re-sync, started right after the re-sync, finds the device still open.
LINGER_SECONDS = 3
# The operations that put an object's data or its information on the device.
SENDING = ("SendObjectInfo", "SendObject", "SendObjectPropList", "SendPartialObject")


def sync_command(library, folder):
    """The command measured: mtpctl's arguments that sync `library` into the device folder `folder`."""
    return ["sync", library, ":" + folder]


def put_stand_in(library, folder):
    """Until `mtpctl sync` exists (--first-sync-with-put): one put of the library's top folders, which sends what
    a first sync into an empty folder would."""
    return ["put"] + sorted(os.path.join(library, x) for x in os.listdir(library)) + [":" + folder]


def tree(root):
    """Every file under `root` by relative path, with its size; and how many folders `root` is (itself included)."""
    files, folders = {}, 0
    for path, _, names in os.walk(root):
        folders += 1
        for name in names:
            full = os.path.join(path, name)
            files[os.path.relpath(full, root)] = os.path.getsize(full)
    return files, folders


def check_arrived(music, library):
    """Fails the benchmark unless the device's /Music (the player's storage directory) holds every track of the
    library at its path and size, and nothing else. A sync that makes the library's own folder inside /Music is
    checked in that folder."""
    wanted, _ = tree(library)
    top = sorted(os.listdir(library))[0]
    inside = os.path.join(music, os.path.basename(library))
    got, _ = tree(inside if not os.path.exists(os.path.join(music, top)) and os.path.isdir(inside) else music)
    if got != wanted:
        missing = sorted(set(wanted) - set(got))[:5]
        extra = sorted(set(got) - set(wanted))[:5]
        wrong = sorted(k for k in set(got) & set(wanted) if got[k] != wanted[k])[:5]
        sys.exit(f"{music}: {len(got)} files against the library's {len(wanted)}; missing {missing}, extra {extra}, "
                 f"wrong size {wrong}")
    return {"files": len(got), "bytes": sum(got.values())}


def make_thin(library, thin):
    """The library's folders, each album holding only its first track (a hard link)."""
    for path, _, names in os.walk(library):
        target = os.path.join(thin, os.path.relpath(path, library))
        os.makedirs(target, exist_ok=True)
        if names:
            first = min(names)
            os.link(os.path.join(path, first), os.path.join(target, first))


def outer(args):
    work = tempfile.mkdtemp(prefix="mtpsync-")
    library = os.path.join(work, "library", "Music")
    thin = os.path.join(work, "thin", "Music")
    maker = os.path.join(os.path.dirname(os.path.abspath(__file__)), "make-library.sh")
    subprocess.run([maker, library, str(args.tracks)], check=True)
    make_thin(library, thin)
    files, folders = tree(library)
    thin_files, _ = tree(thin)
    shape = {"tracks": len(files), "folders": folders, "bytes": sum(files.values()),
             "track_bytes_min": min(files.values()), "track_bytes_max": max(files.values()),
             "tracks_over_64k": sum(1 for s in files.values() if s > 65536), "thin_tracks": len(thin_files)}
    print(f"library: {shape['tracks']} tracks in {folders} folders, {shape['bytes'] / 1e6:.1f} MB "
          f"({shape['tracks_over_64k']} over 64 KiB)", flush=True)
    tools = [t for t in args.tools.split(",") if t]
    kinds = ["mtpctl"] + [t for t in tools if shutil.which(t)]
    rows = []
    for link in args.links.split(","):
        row = {"link": link, "personality": args.personality, "rounds": args.rounds,
               "tools": {t: {"installed": False} for t in tools if not shutil.which(t)}}
        runs = {kind: [] for kind in kinds}
        # Round after round of every way, interleaved, so that a spell of other work on the machine slows one
        # round of each rather than all rounds of one.
        for n in range(args.rounds):
            for kind in kinds:
                run = os.path.join(work, f"{link}-{kind}-{n}")
                music = os.path.join(run, "storage", "Music")
                os.makedirs(music)  # Every player starts with an empty /Music.
                spec = dict(vars(args), work=run, kind=kind, library=library, thin=thin)
                result = under_player(__file__, ["--storage", os.path.dirname(music), "--personality", args.personality,
                                                 "--control", os.path.join(run, "control")] + LINKS[link], spec)
                result["arrived"] = check_arrived(music, library)
                runs[kind].append(result)
                shutil.rmtree(run, ignore_errors=True)
        # Each measure's fastest round: on a shared machine, the nearest to what it costs undisturbed.
        for kind, results in runs.items():
            fastest = {}
            for name in results[0]:  # the FUSE tools' whole way, or each of mtpctl's syncs
                if isinstance(results[0][name], dict) and "s" in results[0][name]:
                    fastest[name] = dict(min((r[name] for r in results), key=lambda m: m["s"]),
                                         rounds_s=[r[name]["s"] for r in results])
            whole = dict(min(results, key=lambda r: r.get("s", 0)))
            whole.update(fastest)
            if kind == "mtpctl":
                row.update(whole)
            else:
                row["tools"][kind] = dict(whole, installed=True, rounds_s=[r["s"] for r in results])
        judge(row, shape)
        rows.append(row)
        print_row(row, shape)
    shutil.rmtree(work, ignore_errors=True)
    write_result(args.out, dict(shape, rsync=" ".join(RSYNC), daemon_command=rows[0]["first"]["command"], rows=rows,
                                rules={"first_ratio_min": 2, "resync_tx_per_folder_max": RESYNC_TX_PER_FOLDER,
                                       "resync_opening_allowance": OPENING_ALLOWANCE,
                                       "per_file_term_max": PER_FILE_TERM_LIMIT}))


def judge(row, shape):
    """Adds each ratio and target the module's docstring states to `row`."""
    n, folders = shape["tracks"], shape["folders"]
    row["first"]["tx_per_file"] = row["first"]["transactions"] / n
    for tool in row["tools"].values():
        if tool["installed"]:
            tool["tx_per_file"] = tool["transactions"] / n
            tool["ratio"] = tool["s"] / row["first"]["s"]
            tool["met"] = tool["ratio"] >= 2
    if row.get("resync"):
        term = (row["resync"]["transactions"] - row["thin"]["transactions"]) / (n - shape["thin_tracks"])
        row["per_file_term"] = term
        for name in ("resync", "warm"):
            r = row[name]
            r["tx_per_folder"], r["tx_per_file"] = r["transactions"] / folders, r["transactions"] / n
            r["sent_operations"] = sum(r["operations"].get(op, 0) for op in SENDING)
            r["met"] = (r["sent_operations"] == 0 and term <= PER_FILE_TERM_LIMIT
                        and r["transactions"] <= RESYNC_TX_PER_FOLDER * folders + OPENING_ALLOWANCE)


def print_row(row, shape):
    first = row["first"]
    line = f"{row['link']:5} first sync: mtpctl {row['first']['command']} {first['s']:.1f} s, {first['tx_per_file']:.2f} tx/file"
    for name, tool in row["tools"].items():
        if tool["installed"]:
            line += f"; {name} {tool['s']:.1f} s ({tool['ratio']:.2f}x), {tool['tx_per_file']:.2f} tx/file"
    print(line, flush=True)
    if row.get("resync"):
        for name in ("resync", "warm"):
            r = row[name]
            print(f"{row['link']:5} {name}: {r['s']:.2f} s, {r['transactions']} tx ({r['tx_per_folder']:.2f} a folder, "
                  f"{r['tx_per_file']:.2f} a track), sent {r['sent_operations']}; per-file term "
                  f"{row['per_file_term']:.3f} tx", flush=True)


def measure(bin_dir, control, run):
    """Runs `run`; its wall time, the player's transactions and each operation's count meanwhile, and what `run`
    returned."""
    before, load0 = counters(bin_dir, control), os.getloadavg()[0]
    t0 = time.monotonic()
    out = run()
    seconds = time.monotonic() - t0
    after, ops0 = counters(bin_dir, control), before["operations"]
    # The machine's load (one-minute average) before and after: on a shared machine, what the ratios stood on.
    return {"s": round(seconds, 3), "transactions": after["transactions"] - before["transactions"],
            "load": [round(load0, 2), round(os.getloadavg()[0], 2)],
            "operations": {k: v - ops0.get(k, 0) for k, v in after["operations"].items() if v > ops0.get(k, 0)}}, out


def summary(output):
    """The counts `mtpctl --json sync` reports on its last line."""
    return json.loads(output.strip().splitlines()[-1])["summary"]


def daemon_side(spec):
    """One daemon, as a system service would be, its device released before each sync so that each opens it (the
    first sync, the re-sync, the thin re-sync); the warm re-sync follows the re-sync within the linger."""
    b, work = spec["bin"], spec["work"]
    control = os.path.join(work, "control")
    daemon = Daemon(b, work, linger=LINGER_SECONDS)
    daemon.released()
    if spec["first_sync_with_put"]:
        row = {"first": measure(b, control, lambda: daemon.run(*put_stand_in(spec["library"], "/Music")))[0]}
        row["first"]["command"] = "put"
        daemon.stop()
        return row
    row = {}
    for name, library in (("first", spec["library"]), ("resync", spec["library"]), ("warm", spec["library"]),
                          ("thin", spec["thin"])):
        if name != "warm":
            daemon.released()
        row[name], out = measure(b, control, lambda: daemon.run("--json", *sync_command(library, "/Music")))
        row[name]["summary"] = summary(out)
    row["first"]["command"] = "sync"
    if row["warm"]["operations"].get("OpenSession"):
        sys.exit(f"the warm re-sync opened the device again: more than --linger {LINGER_SECONDS} s passed")
    daemon.stop()
    return row


def fuse_side(spec):
    """Mounts the device with a FUSE tool, rsyncs the library into its Music folder and unmounts."""
    b, work, tool = spec["bin"], spec["work"], spec["kind"]
    control, mount = os.path.join(work, "control"), os.path.join(work, "mount")
    os.makedirs(mount)
    log = open(os.path.join(work, f"{tool}.log"), "w")
    command = {"jmtpfs": ["jmtpfs", "-f", mount], "go-mtpfs": ["go-mtpfs", mount]}[tool]
    marks = {}

    def whole_way():
        t0 = time.monotonic()
        process = subprocess.Popen(command, stdout=log, stderr=log)
        try:
            # The benchmark waiting for the mount to be usable, not a test synchronising.
            while not (os.path.ismount(mount) and os.listdir(mount)):
                if process.poll() is not None or time.monotonic() - t0 > MOUNT_SECONDS:
                    sys.exit(f"{tool} did not mount (exit {process.poll()}): see {log.name}")
                time.sleep(0.01)
            marks["mount_s"] = time.monotonic() - t0
            storages = os.listdir(mount)
            destination = os.path.join(mount, storages[0], "Music")
            t1 = time.monotonic()
            r = subprocess.run(RSYNC + [spec["library"] + "/", destination + "/"], capture_output=True, text=True)
            if r.returncode != 0:
                sys.exit(f"{' '.join(RSYNC)} into {tool} failed ({r.returncode}): {r.stderr[-2000:]}")
            marks["rsync_s"] = time.monotonic() - t1
        finally:
            t2 = time.monotonic()
            # fuse (FUSE 2) installs fusermount, fuse3 fusermount3; either unmounts either tool's mount.
            fusermount = "fusermount" if shutil.which("fusermount") else "fusermount3"
            r = subprocess.run([fusermount, "-u", mount], capture_output=True, text=True)
            if r.returncode != 0:
                process.terminate()
                sys.exit(f"{fusermount} -u {mount} failed: {r.stderr}")
            process.wait(timeout=60)
            marks["unmount_s"] = time.monotonic() - t2
        if process.returncode != 0:
            sys.exit(f"{tool} exited {process.returncode} after unmounting: see {log.name}")

    result, _ = measure(b, control, whole_way)
    result.update({k: round(v, 3) for k, v in marks.items()})
    result["command"] = " ".join(command[:-1] + ["MOUNT"])
    return result


def inner(spec):
    print(json.dumps(daemon_side(spec) if spec["kind"] == "mtpctl" else fuse_side(spec)))


if __name__ == "__main__":
    main("sync", outer, inner, [
        ("--tracks", dict(type=int, default=2000)),
        ("--tools", dict(default="jmtpfs,go-mtpfs", help="FUSE tools to compare with, comma-separated; none: ''")),
        ("--personality", dict(default="android")),
        ("--rounds", dict(type=int, default=2, help="rounds of every way; each measure's fastest is reported")),
        ("--first-sync-with-put", dict(action="store_true",
                                       help="until mtpctl sync exists: the first sync by `mtpctl put`, no re-syncs"))],
        links="usb2")
