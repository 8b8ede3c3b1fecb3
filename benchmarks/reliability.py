#!/usr/bin/env python3
"""Writes docs/reliability.md from what `make soak` left behind: the fault trials' summary lines, the fuzz
targets' libFuzzer logs, and the load benchmark's JSON. Nothing here is typed in by hand: a part that did not
run is reported as not run.

    python3 benchmarks/reliability.py --trials .build/soak/trials.log --fuzz .build-fuzz \
        --load benchmarks/results/load.json benchmarks/results/load-shared-cpu.json --output docs/reliability.md
"""
import argparse
import datetime
import json
import os
import platform
import re
import subprocess

TRIALS = [
    ("unplug-put", "Unplug during a bundled put", "the client hears `DeviceGone` naming the files that completed; "
     "nothing partial on the device after the replug (half the points on a player that keeps cut-off files)"),
    ("unplug-put-minimal", "Unplug during a bundled put, on a player that renumbers its objects", "as above, every "
     "point keeping its cut-off file: after the replug the journal's handle names nothing or another object, and "
     "the partial file is found by folder path and name"),
    ("unplug-move-minimal", "Unplug during a move through the host", "the original is whole afterwards, and a copy "
     "is absent or whole, never half (half the points cut the read, half the copy going back on)"),
    ("unplug-get", "Unplug during a get", "the host file is whole or absent, never truncated; the device's copy intact"),
    ("client-kill", "Client killed (SIGKILL) mid-transfer in a session", "transfer cancelled, partial object removed, "
     "session ended by its lease, device released, descriptors and threads back to the baseline"),
    ("daemon-kill", "Daemon killed (SIGKILL) mid-put, then restarted", "the restart meets the device's PTP session "
     "still open and removes the partial object, found through the in-flight journal"),
]
FUZZ_TARGETS = [
    ("PTPContainer", "PTP containers and datasets from a host, as the virtual player parses them"),
    ("Varlink", "varlink framing, JSON, call decoding and routing, interface descriptions"),
    ("DeviceData", "names, dates and property values a device hands libmtp, on their way to paths and JSON"),
]


def trial_figures(path):
    """kind -> (run, survived, left behind), from `trial-summary` lines (the last of each kind wins)."""
    figures = {}
    if not path or not os.path.exists(path):
        return figures
    pattern = re.compile(r"^trial-summary kind=(\S+) run=(\d+) survived=(\d+) left-behind=(\d+)")
    with open(path, errors="replace") as f:
        for line in f:
            m = pattern.match(line)
            if m:
                figures[m.group(1)] = tuple(int(m.group(i)) for i in (2, 3, 4))
    return figures


def trials_commit(path):
    """The commit the trials ran at, as soak-trials noted it in the log; else the log's repository now."""
    if os.path.exists(path):
        m = re.search(r"^trials-commit (\S+)", open(path, errors="replace").read(), re.M)
        if m:
            return m.group(1)
    return commit(path)


def fuzz_figures(directory, target):
    """(executions, seconds, crashes) from a target's log, or None when it did not run."""
    path = os.path.join(directory, target + ".log")
    if not os.path.exists(path):
        return None
    text = open(path, errors="replace").read()
    done = re.findall(r"^Done (\d+) runs in (\d+) second", text, re.M)
    units = re.findall(r"stat::number_of_executed_units:\s*(\d+)", text)
    executions = int(done[-1][0]) if done else (int(units[-1]) if units else 0)
    rates = re.findall(r"stat::average_exec_per_sec:\s*(\d+)", text)
    seconds = int(done[-1][1]) if done else (round(executions / int(rates[-1])) if rates and int(rates[-1]) else None)
    # Slow units (an input that took over 10 s, as any does in a process stopped for a while) are not failures.
    crashes = len(re.findall(r"Test unit written to \S*/(?!\S*slow-unit-)", text))
    if not done and crashes == 0 and re.search(r"ERROR|Fatal error", text):
        crashes = 1
    # libFuzzer prints its final stats but no "Done" line when it is interrupted (SIGINT) before its -runs.
    finished = bool(done) or crashes > 0
    return executions, seconds, crashes, finished


def service_exposure():
    """The unit's overall exposure by systemd-analyze (offline: no running systemd needed), or None."""
    try:
        text = subprocess.run(["systemd-analyze", "security", "--offline=true", "--no-pager", "systemd/mtpsessiond.service"],
                              capture_output=True, text=True).stdout
    except OSError:
        return None
    m = re.search(r"Overall exposure level for \S+: ([0-9.]+)", text)
    return m.group(1) if m else None


def commit(near="."):
    """The commit checked out in the repository holding `near` (where a part ran), else here."""
    directory = near if os.path.isdir(near) else os.path.dirname(near) or "."
    try:
        return subprocess.run(["git", "-C", directory, "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                              check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--trials", help="the soak-trials log (trial-summary lines)")
    parser.add_argument("--fuzz", default=".build-fuzz", help="the directory holding <Target>.log from make fuzz")
    parser.add_argument("--load", nargs="+", help="load.json files from benchmarks/load.py")
    parser.add_argument("--output", default="docs/reliability.md")
    parser.add_argument("--remark", help="a paragraph on how this run was made (e.g. why a part was cut short)")
    args = parser.parse_args()

    out = ["# Reliability figures", "",
           "Written by `make soak` (`benchmarks/reliability.py`) from the runs themselves; `make test` runs the same",
           "trials at small counts and each fuzz target for 60 s. What each trial asserts is in its test",
           "(`Tests/DaemonIntegrationTests/*TrialsTests.swift`).", "",
           f"{datetime.date.today().isoformat()}, {platform.machine()}, {os.cpu_count()} cores.", ""]
    if args.remark:
        out += [args.remark, ""]
    out += [f"## Fault trials (commit {trials_commit(args.trials) if args.trials else 'none'})", "",
           "| Trial | Run | Survived | Objects left behind | Checked each time |", "|---|---:|---:|---:|---|"]
    figures = trial_figures(args.trials)
    for kind, name, checked in TRIALS:
        if kind in figures:
            run, survived, left = figures[kind]
            out.append(f"| {name} | {run} | {survived} | {left} | {checked} |")
        else:
            out.append(f"| {name} | not run | | | {checked} |")

    out += ["", f"## Fuzzing (libFuzzer with AddressSanitizer; commit {commit(args.fuzz)})", "",
            "| Target | Executions | Seconds | Crashes | Ran to its end | Input |", "|---|---:|---:|---:|---|---|"]
    for target, what in FUZZ_TARGETS:
        f = fuzz_figures(args.fuzz, target)
        if f is None:
            out.append(f"| {target} | not run | | | | {what} |")
        else:
            executions, seconds, crashes, finished = f
            out.append(f"| {target} | {executions:,} | {seconds if seconds is not None else '?'} | {crashes} | "
                       f"{'yes' if finished else 'no: interrupted'} | {what} |")

    out += ["", "## Load", ""]
    loads = [json.load(open(p)) for p in (args.load or []) if os.path.exists(p)]
    for load in loads:
        idle = load.get("client_priority") == "idle"
        who = ("the clients under SCHED_IDLE, so that the transfer loses only what the daemon spends on them"
               if idle else f"the clients at nice {load.get('client_priority', 0)}, beside the daemon and the player")
        met = load['throughput_ratio'] >= load['targets']['throughput_ratio_min']
        verdict = (f"target ≥ {load['targets']['throughput_ratio_min']}: {'met' if met else '**missed**'}" if idle
                   else "reported: the clients take the CPU the emulated device needs")
        out += [f"{load['clients']} clients × {load['calls_per_round']:,} `{load['method']}` calls while a "
                f"{load['transfer_mib']} MiB put runs on the {load['link']} link model, {who} (commit {load.get('commit', '?')}):",
                "",
                f"- calls: {load['calls']:,}, errors: {load['errors']}",
                f"- call latency: p50 {load['latency_us_p50']} µs, p99 {load['latency_us_p99']} µs, max {load['latency_us_max']} µs",
                f"- transfer throughput while the clients ran: {load['throughput_ratio']:.2f}× unloaded "
                f"({load['loaded_mbs']} vs {load['unloaded_mbs']} MB/s; {verdict}); "
                f"over the whole transfer {load['whole_transfer_ratio']:.2f}×", ""]
    if not loads:
        out += ["Not run.", ""]

    out += ["## Security", ""]
    exposure = service_exposure()
    out.append(f"`systemd-analyze security --offline=true systemd/mtpsessiond.service`: overall exposure {exposure} "
               "(0 is the most locked down, 10 the least; `make test` asserts at most 2.0). The socket is created 0660; "
               "another uid sees no session id it does not own and cannot use one (`SessionRulesTests`); the daemon refuses a host path in place of a descriptor and never opens it (`HostPathTests`)."
               if exposure else "`systemd-analyze` is not available here: exposure not measured.")
    out.append("")
    with open(args.output, "w") as f:
        f.write("\n".join(out))
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
