#!/usr/bin/env python3
"""Benchmark 2 of issue 5, "one large file", with the memory part of benchmark 4: SIZE bytes (1 GiB) sent to
and received from the virtual player, by libmtp's own tools (mtp-sendfile, mtp-getfile) and through the daemon
(mtpctl put, mtpctl get), with the USB 2.0 phone link model and with none. MB/s are 10^6 bytes a second over
each command's whole run, opening the device included. The daemon's resident memory is sampled while it
transfers: it streams, so it must stay within a few MiB of its idle figure whatever SIZE is.

Usage: large-file.py BIN_DIR [--size BYTES] [--links usb2,none] [--out FILE]
"""
import filecmp
import json
import os
import shutil
import sys
import tempfile

from benchlib import Daemon, LINKS, PeakRSS, USB2_BYTES_PER_SECOND, main, ok, random_file, timed, under_player, write_result


def outer(args):
    rows = []
    for link in args.links.split(","):
        work = tempfile.mkdtemp(prefix="mtpbench-large-")
        spec = dict(vars(args), work=work, link=link)
        row = under_player(__file__, ["--capacity", str(4 * args.size + (64 << 20)), "--control",
                                      os.path.join(work, "control")] + LINKS[link], spec)
        rows.append(row)
        print(f"{link:5} send: tools {row['tools_send_mbs']:.1f} MB/s, daemon {row['daemon_send_mbs']:.1f} MB/s; "
              f"get: tools {row['tools_get_mbs']:.1f} MB/s, daemon {row['daemon_get_mbs']:.1f} MB/s; daemon RSS idle "
              f"{row['rss_idle_mib']:.1f} MiB, peak {row['rss_peak_mib']:.1f} MiB", flush=True)
        shutil.rmtree(work, ignore_errors=True)
    write_result(args.out, {"size": args.size, "link_mbs": USB2_BYTES_PER_SECOND / 1e6, "rows": rows})


def inner(spec):
    b, work, size = spec["bin"], spec["work"], spec["size"]
    big = os.path.join(work, "big.bin")
    random_file(big, size)
    mbs = lambda seconds: size / 1e6 / seconds
    daemon = Daemon(b, work)
    row = {"link": spec["link"]}

    # libmtp's tools first, each opening the device itself (the daemon has let go of it). mtp-sendfile's
    # second argument is the destination folder; the file keeps its local name.
    daemon.run("mkdir", ":/Tools")
    daemon.released()
    row["tools_send_mbs"] = mbs(timed(lambda: ok(["mtp-sendfile", big, "/Tools"])))
    entry = json.loads(daemon.run("--json", "stat", ":/Tools/big.bin"))
    if entry["size"] != size:
        sys.exit(f"mtp-sendfile left {entry['size']} bytes on the device, not {size}")
    daemon.released()
    back = os.path.join(work, "tools-back.bin")
    row["tools_get_mbs"] = mbs(timed(lambda: ok(["mtp-getfile", str(entry["id"]), back])))
    if not filecmp.cmp(big, back, shallow=False):
        sys.exit("mtp-getfile returned other bytes than were sent")
    os.remove(back)
    daemon.run("rm", "-r", ":/Tools")

    # The daemon, from released too, with its memory watched.
    daemon.released()
    row["rss_idle_mib"] = daemon.rss_mib()
    with PeakRSS(daemon.pid) as send_rss:
        row["daemon_send_mbs"] = mbs(timed(lambda: daemon.run("put", big, ":/")))
    daemon.released()
    back = os.path.join(work, "daemon-back.bin")
    with PeakRSS(daemon.pid) as get_rss:
        row["daemon_get_mbs"] = mbs(timed(lambda: daemon.run("get", ":/big.bin", back)))
    if not filecmp.cmp(big, back, shallow=False):
        sys.exit("mtpctl get returned other bytes than were sent")
    row["rss_peak_mib"] = max(send_rss.peak, get_rss.peak)
    row["rss_samples"] = send_rss.samples + get_rss.samples
    daemon.stop()
    print(json.dumps(row))


if __name__ == "__main__":
    main("large-file", outer, inner, [("--size", dict(type=int, default=1 << 30))])
