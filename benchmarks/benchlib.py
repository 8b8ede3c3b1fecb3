"""What every benchmark script shares: running itself under the virtual player, starting the daemon there,
reading the player's counters and the daemon's CPU and memory, and recording where figures came from.

A script calls `under_player(...)` from its outer half; mtpsim runs the same script again with `--inner SPEC`,
where the preloaded libusb sees the virtual device(s), and the inner half prints one JSON line: its result.
"""
import atexit
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time

# The USB 2.0 phone link model (2 ms per PTP transaction, 35 MB/s), and none.
LINKS = {"usb2": ["--latency-ms", "2", "--bandwidth-mbs", "35"], "none": []}
USB2_BYTES_PER_SECOND = 35e6
USB2_LATENCY_S = 0.002


def under_player(script, sim_args, spec, timeout=7200):
    """Runs `script --inner SPEC` under mtpsim with `sim_args` and returns the JSON line it printed last."""
    cmd = [f"{spec['bin']}/mtpsim"] + sim_args + ["--", sys.executable, os.path.abspath(script), "--inner", json.dumps(spec)]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    lines = [line for line in r.stdout.splitlines() if line.startswith("{")]
    if r.returncode != 0 or not lines:
        sys.exit(f"benchmark run failed: {' '.join(sim_args)}\n{r.stdout[-4000:]}\n{r.stderr[-4000:]}")
    return json.loads(lines[-1])


def provenance():
    """The commit and machine that figures come from."""
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    # Figures this run already wrote are not changes to what is measured.
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no", "--", ".", ":!benchmarks/results",
                            ":!BENCHMARKS.md"], capture_output=True, text=True).stdout.strip()
    return {"commit": commit + ("+changes" if dirty else ""), "machine": f"{os.uname().machine}, {os.cpu_count()} cores"}


def write_result(path, result):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        json.dump(dict(result, **provenance()), f, indent=2)


class Daemon:
    """mtpsessiond started under the player, ready once it reports `devices` attached (sd_notify STATUS=)."""

    def __init__(self, bin_dir, work, devices=1, linger=1, daemon=None):
        self.bin, self.work = bin_dir, work
        self.socket = os.path.join(work, "d.sock")
        notify_path = os.path.join(work, "notify")
        notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        notify.bind(notify_path)
        notify.settimeout(120)
        # DAEMON names another build of the daemon (`make bench` measures the statically linked one it installs).
        daemon = daemon or os.environ.get("DAEMON") or f"{bin_dir}/mtpsessiond"
        # How long the start took, from just before exec: to READY=1 and to the STATUS= naming the devices.
        self.ready_ms = None
        self.started = t0 = time.monotonic()
        self.process = subprocess.Popen([daemon, "--socket", self.socket, "--linger", str(linger)],
                                        env=dict(os.environ, NOTIFY_SOCKET=notify_path), stdout=subprocess.DEVNULL,
                                        stderr=open(os.path.join(work, "daemon.log"), "w"))
        want = f"STATUS={devices} device"
        while True:
            message = notify.recv(4096).decode()
            if self.ready_ms is None and "READY=1" in message:
                self.ready_ms = (time.monotonic() - t0) * 1000
            if want in message:
                break
        self.attached_ms = (time.monotonic() - t0) * 1000
        notify.close()  # Readiness is all this needed; nobody reads the daemon's later STATUS= lines.
        self.pid = self.process.pid
        self.ctl = [f"{bin_dir}/mtpctl", "--socket", self.socket]
        atexit.register(self.stop)  # A benchmark that fails half-way must not leave its daemon behind.

    def run(self, *args):
        """Runs mtpctl and fails the benchmark loudly if it fails."""
        r = subprocess.run(self.ctl + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if r.returncode != 0:
            sys.exit(f"mtpctl {' '.join(args)} failed ({r.returncode}): {r.stderr}{r.stdout if '--json' in args else ''}")
        return r.stdout

    def cpu_seconds(self):
        with open(f"/proc/{self.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def rss_mib(self):
        return rss_mib(self.pid)

    def released(self):
        """Waits until the daemon has let go of every device (--linger), so each measurement pays its own
        opening and libmtp's tools can open the device at all. Polling here is the benchmark waiting between
        measurements, not a test synchronising."""
        while '"open":true' in self.run("--json", "devices"):
            time.sleep(0.1)

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait()


class Client:
    """One varlink connection of our own, passing file descriptors with SCM_RIGHTS."""

    def __init__(self, path):
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.s.connect(path)
        self.buffer = b""

    def call(self, method, parameters, fds=()):
        data = json.dumps({"method": "org.mtpsessiond.Manager." + method, "parameters": parameters}).encode() + b"\0"
        if fds:
            socket.send_fds(self.s, [data], list(fds))
        else:
            self.s.sendall(data)
        while b"\0" not in self.buffer:
            chunk = self.s.recv(65536)
            if not chunk:
                raise RuntimeError("the daemon closed the connection")
            self.buffer += chunk
        message, self.buffer = self.buffer.split(b"\0", 1)
        reply = json.loads(message)
        if "error" in reply:
            raise RuntimeError(reply)
        return reply["parameters"]

    def close(self):
        self.s.close()


def varlink_bundle(sock, files, folder):
    """One session of Puts from a client of our own on the raw socket, each file's descriptor passed with SCM_RIGHTS."""
    c = Client(sock)
    total = sum(os.path.getsize(f) for f in files)
    session = c.call("BeginSession", {"device": "", "types": ["transferToDevice"],
                                      "context": {"expectedBytes": total, "folder": folder}})["session"]
    for f in files:
        with open(f, "rb") as fh:
            c.call("Put", {"device": "", "folder": folder, "name": os.path.basename(f), "fd": 0,
                           "size": os.path.getsize(f), "session": session}, [fh.fileno()])
    c.call("EndSession", {"session": session, "types": ["transferToDevice"]})
    c.close()


def rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


class PeakRSS:
    """Samples a process's resident memory every 20 ms while a `with` block runs; `.peak` is the highest seen."""

    def __init__(self, pid):
        self.pid, self.peak, self.samples = pid, 0.0, 0
        self._stop = threading.Event()

    def __enter__(self):
        def sample():
            while not self._stop.wait(0.02):
                self.peak = max(self.peak, rss_mib(self.pid))
                self.samples += 1
        self.peak = rss_mib(self.pid)
        self._thread = threading.Thread(target=sample, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def counters(bin_dir, control, device=0):
    """The player's counters for one device from its control socket, at one moment: `transactions`, and
    `operations` (each PTP operation's count by name)."""
    out = subprocess.run([f"{bin_dir}/mtpsim", "control", "--socket", control, "stats"],
                         capture_output=True, text=True, check=True).stdout
    c = json.loads(out)["devices"][device]["counters"]
    return {"transactions": c["transactions"], "operations": {op["name"]: op["count"] for op in c["operations"].values()}}


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


# How each FUSE tool the benchmarks compare with mounts a player in the foreground (the mount point follows).
FUSE_COMMANDS = {"jmtpfs": ["jmtpfs", "-f"], "go-mtpfs": ["go-mtpfs"]}
MOUNT_SECONDS = 60


def fuse_way(spec, name, use):
    """How Linux users reach a player today: mounts the player with the FUSE tool `spec["kind"]`, runs
    `use(storage)` on the mount's first storage folder and unmounts. Measured (`measure`) from starting the mount
    to the unmount; the mount, `use` (as `NAME_s`) and the unmount are each timed too."""
    b, work, tool = spec["bin"], spec["work"], spec["kind"]
    control, mount = os.path.join(work, "control"), os.path.join(work, "mount")
    os.makedirs(mount)
    log = open(os.path.join(work, f"{tool}.log"), "w")
    command = FUSE_COMMANDS[tool] + [mount]
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
            t1 = time.monotonic()
            use(os.path.join(mount, os.listdir(mount)[0]))
            marks[f"{name}_s"] = time.monotonic() - t1
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


def fastest(results):
    """Of one way's rounds (each a `measure`), the fastest, with every round's time beside it (`rounds_s`): on a
    shared machine, the nearest to what the way costs undisturbed."""
    return dict(min(results, key=lambda r: r["s"]), rounds_s=[r["s"] for r in results])


def transactions(bin_dir, control, device=0):
    """The player's PTP transaction count for one device."""
    return counters(bin_dir, control, device)["transactions"]


def operations(bin_dir, control, device=0):
    """The player's count of each PTP operation for one device, by name."""
    return counters(bin_dir, control, device)["operations"]


def ok(cmd, **kwargs):
    """Runs a command that must succeed (libmtp's tools, mostly); its output is not wanted."""
    r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, **kwargs)
    if r.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({r.returncode}): {r.stderr[-2000:]}")


def timed(fn):
    t0 = time.monotonic()
    fn()
    return time.monotonic() - t0


def random_file(path, size):
    """A file of `size` random bytes, written in 8 MiB pieces so that 1 GiB needs no 1 GiB buffer."""
    with open(path, "wb") as f:
        left = size
        while left:
            n = min(left, 8 << 20)
            f.write(os.urandom(n))
            left -= n


def main(name, outer, inner, options, links="usb2,none"):
    """A scenario script's entry: its inner half when mtpsim runs it with `--inner SPEC`, else its outer half
    with BIN_DIR, `options` ((flag, keyword arguments) pairs for argparse), `--links` (default `links`) and `--out`."""
    if len(sys.argv) > 2 and sys.argv[1] == "--inner":
        return inner(json.loads(sys.argv[2]))
    import argparse
    p = argparse.ArgumentParser()
    p.add_argument("bin")
    for flag, settings in options:
        p.add_argument(flag, **settings)
    p.add_argument("--links", default=links)
    p.add_argument("--out", default=f"benchmarks/results/{name}.json")
    outer(p.parse_args())
