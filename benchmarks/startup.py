#!/usr/bin/env python3
"""Benchmark of issue 16, "start to device attached": the daemon started STARTS times under one virtual player that
is already on the bus, as at socket activation or a plug-in that starts it; each start timed from just before exec
to READY=1 and to the STATUS= that reports the device attached (sd_notify), then checked by a ListDevices that must
name the device at once. p50, p95 and max of the attached times and how many took over 100 ms, against the target
p95 ≤ 100 ms. With the USB 2.0 link model (2 ms per transaction, 35 MB/s) and with none.

The daemon lists a device from its DeviceInfo (one transaction) and opens it with libmtp behind that; ListDevices
answers once that opening is done (it shows the storages), so its reply, timed from the same start, is shown beside
as "opened": where the opening's cost went, not a target.

Usage: startup.py BIN_DIR [--starts N] [--links usb2,none] [--out FILE]
"""
import json
import math
import os
import shutil
import statistics
import sys
import tempfile
import time

from benchlib import Client, Daemon, LINKS, main, under_player, write_result

TARGET_P95_MS = 100


def outer(args):
    rows = []
    for link in args.links.split(","):
        work = tempfile.mkdtemp(prefix="mtpbench-startup-")
        row = under_player(__file__, LINKS[link], dict(vars(args), work=work, link=link))
        rows.append(row)
        print(f"{link:5} start to device attached over {row['starts']} starts: p50 {row['attached_ms_p50']:.1f} ms, "
              f"p95 {row['attached_ms_p95']:.1f} ms, max {row['attached_ms_max']:.1f} ms; {row['over_100_ms']} over "
              f"100 ms (target p95 ≤ {TARGET_P95_MS} ms: {'met' if row['attached_ms_p95'] <= TARGET_P95_MS else 'MISSED'}); "
              f"READY=1 p50 {row['ready_ms_p50']:.1f} ms; opened (ListDevices answered) p50 {row['opened_ms_p50']:.1f} ms",
              flush=True)
        shutil.rmtree(work, ignore_errors=True)
    write_result(args.out, {"starts": args.starts, "target_p95_ms": TARGET_P95_MS, "rows": rows})


def percentile(values, p):
    """Nearest rank: the smallest value that at least p% of the values do not exceed."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def inner(spec):
    attached, ready, opened = [], [], []
    for i in range(spec["starts"]):
        work = os.path.join(spec["work"], str(i))  # Each start its own socket and notify socket.
        os.makedirs(work)
        daemon = Daemon(spec["bin"], work)
        attached.append(daemon.attached_ms)
        ready.append(daemon.ready_ms)
        # "1 device" must mean what a client sees: the device listed, with no opening still to come.
        c = Client(daemon.socket)
        devices = c.call("ListDevices", {})["devices"]
        opened.append((time.monotonic() - daemon.started) * 1000)
        c.close()
        if len(devices) != 1:
            sys.exit(f"start {i}: STATUS reported 1 device, ListDevices then gave {devices}")
        daemon.stop()
    row = {"link": spec["link"], "starts": len(attached), "attached_ms": [round(x, 1) for x in attached],
           "attached_ms_p50": round(statistics.median(attached), 1), "attached_ms_p95": round(percentile(attached, 95), 1),
           "attached_ms_max": round(max(attached), 1), "over_100_ms": sum(x > 100 for x in attached),
           "ready_ms_p50": round(statistics.median(ready), 1), "opened_ms_p50": round(statistics.median(opened), 1)}
    print(json.dumps(row))


if __name__ == "__main__":
    main("startup", outer, inner, [("--starts", {"type": int, "default": 20})])
