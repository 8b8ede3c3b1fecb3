#!/usr/bin/env python3
"""Benchmark of issue 15, "sync a music library": a library of N tracks (benchmarks/make-library.py: Artist/Album/
NN Title.ext, six tracks an album, half a second of silence each in six formats, a cover.jpg per album and a
Playlist.m3u8) sent to an empty /Music on the virtual player with the USB 2.0 link model (2 ms per transaction,
35 MB/s), in one run so that times are ratios of each other:
  first)   `mtpctl sync LIBRARY :/Music` into the empty folder, the device opened for it;
  fuse)    the same library by `rsync -r --size-only --inplace` into a jmtpfs, then a go-mtpfs, mount of a fresh
           player, timed from starting the mount to its unmount: how Linux users sync a player today;
  resync)  `mtpctl sync` again, the library unchanged, by the same daemon (as a system service would be) once it
           has let go of the device (--linger), so the re-sync opens it again as a later one would;
  warm)    once more at once, the device still open and what the daemon knows of it kept from the re-sync;
  listing) `mtpctl ls -R :/Music`, the device let go of again: what listing every folder costs alone.
Transactions and each operation's count come from the player's counters; what arrived is checked in the player's
storage directory (every path and size).

The rules the targets are judged by:
  - first sync: each FUSE tool's time at least 2x mtpctl sync's;
  - re-sync: nothing sent or changed (no SendObjectInfo, SendObject or other changing operation), and no device
    transaction beyond the folder listings: the re-sync costs at most BEYOND_LISTING (10) transactions more than
    `mtpctl ls -R` of the same folder from the same state (device let go of, opened again), whatever the number of
    tracks: O(folders), with no term per file. What one listing costs is the device's and libmtp's (on an Android
    player libmtp reads each object of a folder it lists: issue 16); the warm re-sync, the device still open, costs
    nothing at all. Transactions per folder are shown beside it.

rsync: -r --size-only --inplace. Neither mount can set modification times, so a user's next rsync compares sizes
only; --inplace writes each file where it belongs instead of a temporary file renamed into place, which saves the
FUSE tools a rename and more (the comparison is the kinder to them for it).

Each way runs --rounds times (2), the rounds interleaved, and each measure's fastest round is reported with
every round's time beside it: other work on a shared machine slowed single runs by up to 2x while this was written.

Usage: sync.py BIN_DIR [--tracks N] [--tools jmtpfs,go-mtpfs] [--links usb2] [--personality android] [--rounds R]
       [--formats mp3,...] [--first-sync-with-put] [--out FILE]
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

from benchlib import Daemon, LINKS, fastest, fuse_way, main, measure, under_player, write_result

RSYNC = ["rsync", "-r", "--size-only", "--inplace"]
# Transactions a re-sync may spend beyond the listing of its folders: a constant, never a term per file.
BEYOND_LISTING = 10
# Long enough that the warm re-sync, started right after the re-sync, finds the device still open.
LINGER_SECONDS = 3
# The operations that change what the device holds: an unchanged library's re-sync uses none.
CHANGING = ("SendObjectInfo", "SendObject", "SendObjectPropList", "SendPartialObject", "SetObjectPropValue",
            "SetObjectPropList", "SetObjectReferences", "DeleteObject", "MoveObject", "CopyObject")


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
    """Fails the benchmark unless the device's /Music (the player's storage directory) holds every file of the
    library at its path and size; what else is there (a player may keep its albums and playlists as files) is
    counted. A sync that makes the library's own folder inside /Music is checked in that folder."""
    wanted, _ = tree(library)
    top = sorted(os.listdir(library))[0]
    inside = os.path.join(music, os.path.basename(library))
    got, _ = tree(inside if not os.path.exists(os.path.join(music, top)) and os.path.isdir(inside) else music)
    missing = sorted(set(wanted) - set(got))
    wrong = sorted(k for k in set(wanted) & set(got) if got[k] != wanted[k])
    if missing or wrong:
        sys.exit(f"{music}: {len(missing)} of the library's {len(wanted)} files missing ({missing[:5]}), "
                 f"{len(wrong)} of the wrong size ({wrong[:5]})")
    extra = sorted(set(got) - set(wanted))
    return {"files": len(wanted), "bytes": sum(wanted.values()), "other_files": len(extra), "other_examples": extra[:5]}


def outer(args):
    work = tempfile.mkdtemp(prefix="mtpsync-")
    library = os.path.join(work, "library", "Music")
    maker = os.path.join(os.path.dirname(os.path.abspath(__file__)), "make-library.py")
    subprocess.run([sys.executable, maker, library, str(args.tracks)] + (["--formats", args.formats] if args.formats else []),
                   check=True, stdout=subprocess.DEVNULL)
    files, folders = tree(library)
    shape = {"tracks": args.tracks, "files": len(files), "folders": folders, "bytes": sum(files.values()),
             "file_bytes_min": min(files.values()), "file_bytes_max": max(files.values()),
             "formats": sorted({os.path.splitext(f)[1][1:] for f in files} - {"jpg", "m3u8"})}
    print(f"library: {shape['tracks']} tracks, {shape['files']} files in {folders} folders, "
          f"{shape['bytes'] / 1e6:.1f} MB", flush=True)
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
                spec = dict(vars(args), work=run, kind=kind, library=library)
                result = under_player(__file__, ["--storage", os.path.dirname(music), "--personality", args.personality,
                                                 "--control", os.path.join(run, "control")] + LINKS[link], spec)
                result["arrived"] = check_arrived(music, library)
                runs[kind].append(result)
                shutil.rmtree(run, ignore_errors=True)
        # Each measure's fastest round: on a shared machine, the nearest to what it costs undisturbed.
        for kind, results in runs.items():
            best = {}
            for name in results[0]:  # the FUSE tools' whole way, or each of mtpctl's syncs
                if isinstance(results[0][name], dict) and "s" in results[0][name]:
                    best[name] = fastest([r[name] for r in results])
            whole = dict(min(results, key=lambda r: r.get("s", 0)))
            whole.update(best)
            if kind == "mtpctl":
                row.update(whole)
            else:
                row["tools"][kind] = dict(whole, installed=True, rounds_s=[r["s"] for r in results])
        judge(row, shape)
        rows.append(row)
        print_row(row, shape)
    shutil.rmtree(work, ignore_errors=True)
    write_result(args.out, dict(shape, rsync=" ".join(RSYNC), daemon_command=rows[0]["first"]["command"], rows=rows,
                                rules={"first_ratio_min": 2, "resync_beyond_listing_max": BEYOND_LISTING}))


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
        for name in ("resync", "warm", "listing"):
            r = row[name]
            r["tx_per_folder"], r["tx_per_file"] = r["transactions"] / folders, r["transactions"] / n
            r["changing_operations"] = sum(r["operations"].get(op, 0) for op in CHANGING)
        row["beyond_listing"] = row["resync"]["transactions"] - row["listing"]["transactions"]
        row["beyond_listing_per_file"] = row["beyond_listing"] / n
        row["resync"]["met"] = row["resync"]["changing_operations"] == 0 and row["beyond_listing"] <= BEYOND_LISTING
        row["warm"]["met"] = row["warm"]["changing_operations"] == 0 and row["warm"]["transactions"] <= BEYOND_LISTING


def print_row(row, shape):
    first = row["first"]
    line = f"{row['link']:5} first sync: mtpctl {row['first']['command']} {first['s']:.1f} s, {first['tx_per_file']:.2f} tx/file"
    for name, tool in row["tools"].items():
        if tool["installed"]:
            line += f"; {name} {tool['s']:.1f} s ({tool['ratio']:.2f}x), {tool['tx_per_file']:.2f} tx/file"
    print(line, flush=True)
    if row.get("resync"):
        for name in ("resync", "warm", "listing"):
            r = row[name]
            print(f"{row['link']:5} {name}: {r['s']:.2f} s, {r['transactions']} tx ({r['tx_per_folder']:.2f} a folder, "
                  f"{r['tx_per_file']:.2f} a track), changing operations {r['changing_operations']}", flush=True)
        print(f"{row['link']:5} re-sync beyond ls -R: {row['beyond_listing_per_file']:.3f} tx a track", flush=True)


def summary(output):
    """The counts `mtpctl --json sync` reports on its last line."""
    return json.loads(output.strip().splitlines()[-1])["summary"]


def daemon_side(spec):
    """One daemon, as a system service would be, its device released before the first sync, the re-sync and the
    listing so that each opens it; the warm re-sync follows the re-sync within the linger."""
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
    for name in ("first", "resync", "warm"):
        if name != "warm":
            daemon.released()
        row[name], out = measure(b, control, lambda: daemon.run("--json", *sync_command(spec["library"], "/Music")))
        row[name]["summary"] = summary(out)
    row["first"]["command"] = "sync"
    daemon.released()
    row["listing"], _ = measure(b, control, lambda: daemon.run("ls", "-R", ":/Music"))
    if row["warm"]["operations"].get("OpenSession"):
        sys.exit(f"the warm re-sync opened the device again: more than --linger {LINGER_SECONDS} s passed")
    daemon.stop()
    return row


def fuse_side(spec):
    """Mounts the device with a FUSE tool, rsyncs the library into its Music folder and unmounts."""
    def rsync(storage):
        r = subprocess.run(RSYNC + [spec["library"] + "/", os.path.join(storage, "Music") + "/"], capture_output=True,
                           text=True)
        if r.returncode != 0:
            sys.exit(f"{' '.join(RSYNC)} into {spec['kind']} failed ({r.returncode}): {r.stderr[-2000:]}")
    return fuse_way(spec, "rsync", rsync)


def inner(spec):
    print(json.dumps(daemon_side(spec) if spec["kind"] == "mtpctl" else fuse_side(spec)))


if __name__ == "__main__":
    main("sync", outer, inner, [
        ("--tracks", dict(type=int, default=2000)),
        ("--tools", dict(default="jmtpfs,go-mtpfs", help="FUSE tools to compare with, comma-separated; none: ''")),
        ("--personality", dict(default="android")),
        ("--rounds", dict(type=int, default=2, help="rounds of every way; each measure's fastest is reported")),
        ("--formats", dict(help="make-library.py's --formats (default: its own, all six)")),
        ("--first-sync-with-put", dict(action="store_true",
                                       help="until mtpctl sync exists: the first sync by `mtpctl put`, no re-syncs"))],
        links="usb2")
