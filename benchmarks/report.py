#!/usr/bin/env python3
"""Writes BENCHMARKS.md and its chart from benchmarks/results/*.json (what `make bench` just measured).

Usage: benchmarks/report.py [--results DIR] [--output FILE]   (run from the repository root; the chart needs
matplotlib, and is left out without it)
"""
import argparse
import json
import os

arguments = argparse.ArgumentParser()
arguments.add_argument("--results", default="benchmarks/results")
arguments.add_argument("--output", default="BENCHMARKS.md")
arguments = arguments.parse_args()
R = arguments.results
load = lambda name: json.load(open(os.path.join(R, name))) if os.path.exists(os.path.join(R, name)) else None
small, daemon, player = load("many-small-files.json"), load("daemon.json"), load("virtual-player.json")
large, listing, scale = load("large-file.json"), load("listing.json"), load("scale.json")
sharing, sync, startup = load("sharing.json"), load("sync.json"), load("startup.json")
full = load("full-folder.json")
WAYS = {"a": "mtp-sendfile per file", "b": "mtpctl put per file", "c": "one mtpctl put", "d": "varlink session"}
ok = lambda c: "met" if c else "**missed**"
# A way's fastest time, with every round's beside it when there were several.
took = lambda m: f"{m['s']:.1f} s" + (f" ({', '.join(f'{x:.1f}' for x in m['rounds_s'])})" if len(m.get("rounds_s", [])) > 1 else "")


def tool_rows(verb, tools, operations):
    """The table rows of the FUSE tools a benchmark compared with: `verb` (rsync, cp) into each mount."""
    rows = []
    for name, t in tools.items():
        if t["installed"]:
            rows.append(f"| {verb} into {name} | {took(t)} | {t['ratio']:.2f}× the time | {t['tx_per_file']:.2f} | "
                        f"{t['load'][0]:.1f}–{t['load'][1]:.1f} | {operations(t)} |")
        else:
            rows.append(f"| {verb} into {name} | not installed | | | | |")
    return rows

out = ["# Benchmarks", "",
       "Made by `make bench` on the virtual player (real libmtp and libusb; see README). Times are ratios within "
       "one run where the issue asks for ratios; transaction counts come from the player's own counters.", ""]

if small:
    out += [f"## Many small files: {small['files']} files of 4 KiB into one folder",
            "", f"Commit {small['commit']}, {small['machine']}. (a) is sampled on a few files because each call "
            "enumerates the whole device; its per-file figures come from those.", "",
            "| personality | link | objects on device | " + " | ".join(f"{k}) {v}: ms/file, tx/file" for k, v in WAYS.items()) + " | c vs a |",
            "|---|---|---|---|---|---|---|---|"]
    for r in small["rows"]:
        cells = [f"{r[w]['ms_per_file']:.1f} ms, {r[w]['transactions_per_file']:.1f}" for w in WAYS]
        out.append(f"| {r['personality']} | {r['link']} | {r['objects']:,} | " + " | ".join(cells)
                   + f" | {r['a']['ms_per_file'] / r['c']['ms_per_file']:.0f}× faster |")
    out += ["", "Targets, on the USB 2.0 model. The link minimum of a file is its transactions at 2 ms plus 4 KiB at "
            "35 MB/s. The virtual player also spends its own time on every transaction (the umockdev round trips "
            "measured under \"Virtual player\" below), which the link model adds to rather than hides, so each line "
            "also gives the time the link model added: (c) with it minus (c) without it, same device.", ""]
    for r in small["rows"]:
        if r["link"] != "usb2":
            continue
        ideal = r["c"]["transactions_per_file"] * 2 + 4096 / 35e6 * 1000
        base = next((x for x in small["rows"] if x["personality"] == r["personality"] and x["link"] == "usb2"
                     and x["objects"] == 0), None)
        bare = next((x for x in small["rows"] if x["personality"] == r["personality"] and x["link"] == "none"
                     and x["objects"] == r["objects"]), None)
        line = (f"- {r['personality']}, M={r['objects']:,}: (c) {r['c']['ms_per_file']:.2f} ms/file, (d) "
                f"{r['d']['ms_per_file']:.2f}, against a link minimum of {ideal:.2f} ms "
                f"({max(r['c']['ms_per_file'], r['d']['ms_per_file']) / ideal:.2f}×, target ≤ 1.2×: "
                f"{ok(max(r['c']['ms_per_file'], r['d']['ms_per_file']) <= 1.2 * ideal)})")
        if bare:
            added = r["c"]["ms_per_file"] - bare["c"]["ms_per_file"]
            line += f"; the link model added {added:.2f} ms ({added / ideal:.2f}× the minimum)"
        if r["objects"] >= 10000:
            line += f"; (c) vs (a) {r['a']['ms_per_file'] / r['c']['ms_per_file']:.0f}× (target ≥ 100×: {ok(r['a']['ms_per_file'] >= 100 * r['c']['ms_per_file'])})"
            if base:
                ratio = r["c"]["ms_per_file"] / base["c"]["ms_per_file"]
                line += f"; against M=0 {ratio:.2f}× (target ≤ 1.1×: {ok(ratio <= 1.1)})"
        out.append(line)
    out += ["", "(b) pays an implicit session per file: its setup, the destination folder listed again to check that "
            "the name is free, and its teardown. On the classic player libmtp's listing asks two questions per object "
            "in the folder (GetObjectPropsSupported, then GetObjectPropValue), so that cost grows as the folder fills: "
            "221 transactions a file on average over 200 files. A session lists it once.",
            "", f"![ms per file, USB 2.0 link model]({R}/many-small-files.png)", ""]
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        rows = [r for r in small["rows"] if r["link"] == "usb2"]
        personalities = sorted({r["personality"] for r in rows})
        fig, axes = plt.subplots(1, len(personalities), figsize=(6 * len(personalities), 4), squeeze=False)
        for ax, p in zip(axes[0], personalities):
            prow = sorted((r for r in rows if r["personality"] == p), key=lambda r: r["objects"])
            width = 0.2
            for i, w in enumerate(WAYS):
                ax.bar([x + i * width for x in range(len(prow))], [r[w]["ms_per_file"] for r in prow], width, label=WAYS[w])
            ax.set_xticks([x + 1.5 * width for x in range(len(prow))], [f"{r['objects']:,} objects" for r in prow])
            ax.set_yscale("log")
            ax.set_ylabel("ms per file (log)")
            ax.set_title(f"{p}: {small['files']} × 4 KiB, USB 2.0 link model")
            ax.legend(fontsize=8)
        fig.tight_layout()
        fig.savefig(os.path.join(R, "many-small-files.png"), dpi=100)
    except ImportError:
        out += ["(matplotlib missing: no chart this time)", ""]

if large:
    rows = {r["link"]: r for r in large["rows"]}
    out += [f"## One large file: {large['size'] / (1 << 30):g} GiB sent and received", "",
            f"Commit {large['commit']}. MB/s are 10^6 bytes a second over each command's whole run (opening the device "
            "included). `mtpctl get` also fsyncs the file before renaming it into place; `mtp-getfile` does not.", "",
            "| link | mtp-sendfile | mtpctl put | ratio | mtp-getfile | mtpctl get | ratio |", "|---|---|---|---|---|---|---|"]
    for link, r in rows.items():
        out.append(f"| {link} | {r['tools_send_mbs']:.1f} MB/s | {r['daemon_send_mbs']:.1f} MB/s | {r['daemon_send_mbs'] / r['tools_send_mbs']:.2f}× "
                   f"| {r['tools_get_mbs']:.1f} MB/s | {r['daemon_get_mbs']:.1f} MB/s | {r['daemon_get_mbs'] / r['tools_get_mbs']:.2f}× |")
    out += ["", "Targets:", ""]
    for link, r in rows.items():
        worst = min(r["daemon_send_mbs"] / r["tools_send_mbs"], r["daemon_get_mbs"] / r["tools_get_mbs"])
        out.append(f"- {link}: the daemon at {worst:.2f}× libmtp's tools or better (target ≥ 0.98×: {ok(worst >= 0.98)})")
    if "usb2" in rows:
        r = rows["usb2"]
        share = min(r["daemon_send_mbs"], r["daemon_get_mbs"]) / large["link_mbs"]
        out.append(f"- usb2: {share:.0%} of the link's {large['link_mbs']:.0f} MB/s (target ≥ 97%: {ok(share >= 0.97)}). "
                   "libmtp moves data in 16 KiB synchronous bulk transfers, so the link idles while each one is "
                   "completed and the next submitted; the tools lose the same share, and only a bigger transfer size in "
                   "libmtp would win it back.")
    peak = max(r["rss_peak_mib"] - r["rss_idle_mib"] for r in rows.values())
    out += [f"- daemon memory during the transfers: idle {min(r['rss_idle_mib'] for r in rows.values()):.1f} MiB, "
            f"at most +{peak:.1f} MiB while moving {large['size'] / (1 << 30):g} GiB "
            f"(target ≤ +8 MiB: {ok(peak <= 8)}; sampled every 20 ms)", ""]

if listing:
    out += [f"## Listing a folder of {listing['objects']:,} objects", "",
            f"Commit {listing['commit']}. mtp-files enumerates the device; the daemon lists the folder when a session first "
            "needs it (cold: the device is opened too) and answers again from the session's cache (warm).", "",
            "| personality | link | mtp-files | cold, in a new session | warm, same session |", "|---|---|---|---|---|"]
    for r in listing["rows"]:
        cell = lambda w: f"{r[w]['ms']:,.0f} ms, {r[w]['transactions']:,} tx"
        out.append(f"| {r['personality']} | {r['link']} | {cell('tool')} | {cell('cold')} | {cell('warm')} |")
    out += ["", "A cold listing costs what libmtp's uncached folder listing costs (an object info per object and, on "
            "devices with property lists, a property list per object); the daemon saves it for the rest of the session.", ""]

if scale:
    out += [f"## Scale: several players at once, {scale['size'] >> 20} MiB each", "",
            f"Commit {scale['commit']}. One daemon, each player sent its file by its own `mtpctl put` at the same time.", "",
            "| link | devices | aggregate | vs one device | daemon CPU |", "|---|---|---|---|---|"]
    for r in scale["rows"]:
        out.append(f"| {r['link']} | {r['devices']} | {r['aggregate_mbs']:.1f} MB/s | {r['vs_one']:.2f}× | {r['daemon_cpu_s']:.1f} s |")
    four = [r for r in scale["rows"] if r["devices"] == 4 and r["link"] == "usb2"]
    if four:
        out += ["", f"Target: 4 devices ≥ 3.5× one on the USB 2.0 model: {ok(four[0]['vs_one'] >= 3.5)} "
                f"({four[0]['vs_one']:.2f}×). All players live in one mtpsim process: umockdev answers every device's "
                "ioctls on one worker thread, and libusb reaps every device from one event thread, on a 2-core machine "
                "that also runs the daemon. Without a link model one player already uses that capacity, so more "
                "players share it rather than add to it. The daemon's CPU per byte rises with more players, most on the link "
                "model: while one device is mid-transfer the others' reaps are answered within 100 µs (so that no "
                "device holds libusb's shared event thread), and each of those round trips is CPU in the daemon's "
                "process, spent by umockdev's preload. A real bus signals completions instead.", ""]

if sharing:
    out += [f"## Sharing one device: {sharing['files']} files of 4 KiB", "",
            f"Commit {sharing['commit']}, {sharing['machine']}. All in one run per link: a varlink client's bundle "
            "alone; the same bundle while one client, then four (each its own process), list the device's root in a "
            "loop; four 50-file bundles at once; then one `mtpctl put` per file with the device open.", "",
            "| link | bundle alone | List during it, p50 / p99 | bundle with 4 listers | 4 bundles of 50 | separate puts, tx/file |",
            "|---|---|---|---|---|---|"]
    for r in sharing["rows"]:
        out.append(f"| {r['link']} | {r['alone_s']:.2f} s ({r['file_ms']:.1f} ms a file) | {r['list_ms_p50']:.1f} / "
                   f"{r['list_ms_p99']:.1f} ms ({r['list_tries']} tries) | {r['listers_ratio']:.2f}× throughput | "
                   f"{r['four_ratio']:.2f}× the time | {r['separate_tx_per_file']:.2f} (bundle {r['bundle_tx_per_file']:.2f}) |")
    out += ["", "Targets, on the USB 2.0 model:", ""]
    for r in sharing["rows"]:
        if r["link"] != "usb2":
            continue
        bound = r["file_ms"] + 20
        out += [f"- a List during the bundle: p99 {r['list_ms_p99']:.1f} ms against one file's {r['file_ms']:.1f} ms + 20 ms "
                f"(target: {ok(r['list_ms_p99'] <= bound)})",
                f"- the bundle while four clients list: {r['listers_ratio']:.2f}× its throughput alone (target ≥ 0.9×: "
                f"{ok(r['listers_ratio'] >= 0.9)})",
                f"- four 50-file bundles at once: {r['four_ratio']:.2f}× one 200-file bundle's time (target ≤ 1.1×: "
                f"{ok(r['four_ratio'] <= 1.1)})",
                f"- separate puts: {r['separate_vs_bundle_tx']:.2f}× the bundle's transactions a file (target ≤ 1.2×: "
                f"{ok(r['separate_vs_bundle_tx'] <= 1.2)}); by operation: "
                + ", ".join(f"{k} {v / sharing['files']:.2f}" for k, v in sorted(r.get("separate_operations", {}).items()))]
    out += [""]

if sync:
    by_op = lambda r, n: ", ".join(f"{k} {v / n:.2f}" for k, v in sorted(r["operations"].items()) if v / n >= 0.05)
    put = sync["daemon_command"] == "put"
    mine = "mtpctl put (stand-in)" if put else "mtpctl sync"
    # A time with every round's beside it when there were several (the fastest is the one reported).
    out += [f"## Syncing a library: {sync['tracks']:,} tracks in {sync['folders']} folders", "",
            f"Commit {sync['commit']}, {sync['machine']}. `benchmarks/make-library.py`: Artist/Album/NN Title.ext, six "
            f"tracks an album of half a second each ({', '.join(sync['formats'])}), a cover.jpg per album and a playlist: "
            f"{sync['files']:,} files of {sync['file_bytes_min']:,}–{sync['file_bytes_max']:,} bytes, "
            f"{sync['bytes'] / 1e6:.1f} MB, so that what is measured is each file's cost, not its bytes. Each way sent it into "
            "an empty /Music on a fresh android player on the USB 2.0 link model, all in one run; a FUSE tool's time runs "
            f"from starting the mount to its unmount, with `{sync['rsync']}` (neither mount can set modification times). "
            "Every path and size that arrived was checked in the player's storage. The load is the machine's one-minute "
            "average before and after each way (other work shares its two cores). Each way ran in several rounds, "
            "interleaved; the fastest round is reported, every round's time in brackets.", ""]
    if put:
        out += ["`mtpctl sync` was not built yet when these figures were made: the first sync was one `mtpctl put` of "
                "the library's top folders and files, which sends the same files (without tags, albums or playlists); "
                "the re-syncs were not measured.", ""]
    for r in sync["rows"]:
        first, n, folders = r["first"], sync["tracks"], sync["folders"]
        out += [f"First sync, {r['link']} link model:", "",
                "| way | time | against " + mine + " | transactions a track | load | by operation, a track |",
                "|---|---|---|---|---|---|",
                f"| {mine} | {took(first)} | 1.00× | {first['tx_per_file']:.2f} | {first['load'][0]:.1f}–"
                f"{first['load'][1]:.1f} | {by_op(first, n)} |"]
        out += tool_rows("rsync", r["tools"], lambda t: by_op(t, n))
        out += ["", "Targets:", ""]
        for name, t in r["tools"].items():
            if t["installed"]:
                out.append(f"- first sync: rsync into {name} took {t['ratio']:.2f}× {mine}'s time (target ≥ 2×: {ok(t['met'])}), "
                           f"asking the device {t['transactions'] / first['transactions']:.2f}× the transactions")
        if r.get("resync"):
            rules = sync["rules"]
            out.append(f"- re-sync of the unchanged library, met when nothing is sent or changed and it asks the device "
                       f"at most {rules['resync_beyond_listing_max']} transactions beyond listing its folders "
                       f"(`mtpctl ls -R` from the same state), whatever the number of tracks "
                       f"(here {r['beyond_listing']:+,}: target {ok(r['resync']['met'])}):")
            for name, what in (("resync", "the device let go of and opened again, as a later re-sync finds it"),
                               ("warm", "at once again, the device still open")):
                x = r[name]
                out.append(f"  - {what}: {took(x)}, {x['transactions']:,} transactions ({x['tx_per_folder']:.2f} a "
                           f"folder, {x['tx_per_file']:.2f} a track), {x['changing_operations']} changing operations "
                           f"(target: {ok(x['met'])}); by operation, a folder: "
                           + (", ".join(f"{k} {v / folders:.2f}" for k, v in sorted(x["operations"].items())) or "none"))
            x = r["listing"]
            out.append(f"  - beside it, `mtpctl ls -R :/Music` with the device opened again lists every folder in "
                       f"{x['transactions']:,} transactions ({x['tx_per_folder']:.2f} a folder); the re-sync asks "
                       f"{r['beyond_listing_per_file']:.2f} a track beyond that")
        out += [""]
if full:
    n = full["files"]
    by_op = lambda m: ", ".join(f"{k} {v:,}" for k, v in sorted(m["operations"].items()))
    out += [f"## Into a full folder: {n} files of {full['file_bytes'] // 1024} KiB into a folder of {full['existing']:,} objects", "",
            f"Commit {full['commit']}, {full['machine']}. Each way sent the files into /{full['folder']}, which already held "
            f"{full['existing']:,} files, on a fresh {full['rows'][0]['personality']} player, all in one run: one "
            f"`{full['daemon_command']}` with the daemon's device let go of first (the folder listed cold), and one `cp` "
            "into each FUSE tool's mount, timed from starting the mount to its unmount. Every file sent and every object "
            "already there was checked in the player's storage afterwards. Transactions are everything the player "
            "answered during the way, opening and listing included; operations are counts for the whole way. The load is "
            "the machine's one-minute average before and after; each way ran in several rounds, interleaved, the fastest "
            "reported and every round's time in brackets.", ""]
    for r in full["rows"]:
        mine = r["mtpctl"]
        out += [f"{r['link']} link model:", "",
                "| way | time | against mtpctl put | transactions a file | load | operations |", "|---|---|---|---|---|---|",
                f"| mtpctl put | {took(mine)} | 1.00× | {mine['tx_per_file']:.2f} | {mine['load'][0]:.1f}–{mine['load'][1]:.1f} "
                f"| {by_op(mine)} |"]
        out += tool_rows("cp", r["tools"], by_op)
        targets = full["targets"]
        speed = (f"the faster FUSE tool, {r['faster_tool']}, took {r['speedup']:.2f}× mtpctl put's time (target ≥ "
                 f"{targets['speedup_min']}×: {ok(r['speedup_met'])})" if r["faster_tool"] else
                 "no FUSE tool to compare with")
        out += ["", "Targets:", "", f"- {speed}",
                f"- mtpctl put: {mine['tx_per_file']:.2f} transactions a file sent (target ≤ {targets['tx_per_file_max']}: "
                f"{ok(r['tx_per_file_met'])})", ""]
if startup:
    out += [f"## Start to device attached: {startup['starts']} starts", "",
            f"Commit {startup['commit']}, {startup['machine']}. The daemon started under a virtual player already on "
            "the bus (socket activation, or a plug-in that starts it), timed from just before exec to the sd_notify "
            "STATUS= that reports the device attached; a ListDevices then names it every time. \"Opened\" is when "
            "that ListDevices answered: it waits for libmtp's opening, which follows the listing.", "",
            "| link | p50 | p95 | max | over 100 ms | READY=1, p50 | opened, p50 | target p95 ≤ 100 ms |",
            "|---|---|---|---|---|---|---|---|"]
    for r in startup["rows"]:
        out.append(f"| {r['link']} | {r['attached_ms_p50']:.1f} ms | {r['attached_ms_p95']:.1f} ms | "
                   f"{r['attached_ms_max']:.1f} ms | {r['over_100_ms']} of {r['starts']} | {r['ready_ms_p50']:.1f} ms | "
                   f"{r['opened_ms_p50']:.1f} ms | {ok(r['attached_ms_p95'] <= startup['target_p95_ms'])} |")
    out += ["", "A device is listed from its DeviceInfo, one transaction the daemon makes itself outside any session "
            "(serial, manufacturer, model); libmtp's opening (about 30 transactions on the android player, 19 of them "
            "one GetObjectPropDesc per file format to learn the size of ObjectSize) follows on the device's own "
            "thread, handed the same DeviceInfo, and a command that comes first waits for it. A device that does not "
            "answer GetDeviceInfo outside a session is opened to learn who it is, as before.", ""]

if daemon:
    out += ["## Daemon overhead", "", "| measure | value | target |", "|---|---|---|",
            f"| start to READY=1, median (max) | {daemon['ready_ms_median']} ms ({daemon['ready_ms_max']} ms) | ≤ 100 ms: {ok(daemon['ready_ms_max'] <= 100)} |",
            f"| idle RSS, no device / one device | {daemon['idle_rss_mib_no_device']} / {daemon['idle_rss_mib_one_device']} MiB | ≤ 15 MiB: {ok(daemon['idle_rss_mib_one_device'] <= 15)} |",
            f"| varlink round trip p50 / p99 | {daemon['varlink_rtt_us_p50']} / {daemon['varlink_rtt_us_p99']} µs | p99 ≤ 500 µs: {ok(daemon['varlink_rtt_us_p99'] <= 500)} |", ""]
if player:
    out += ["## Virtual player", "", f"Round trip median {player['rtt_median_us']:.0f} µs, throughput send/get "
            f"{player['send_mbs']:.0f}/{player['get_mbs']:.0f} MB/s, idle {player['idle_device_cpu_pct']:.1f}% of a core "
            f"(commit {player['commit']}).", ""]
open(arguments.output, "w").write("\n".join(out))
print(f"wrote {arguments.output}")
