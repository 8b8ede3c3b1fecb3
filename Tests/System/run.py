#!/usr/bin/python3
"""`make test-system`: the whole product in a VM, on a real kernel with a real udevd and systemd as PID 1.

The host side of the test, Python's standard library only. It
- builds (or reuses from the cache) a Debian bookworm root with build-root.sh, keyed by a hash of the package
  list and of everything baked into the image (build-root.sh, the guest agent, its unit and udev rule);
- boots it under QEMU (KVM when the host offers it, else TCG) with a qemu-xhci USB controller, a virtio-serial
  port for the guest agent (guest-agent.py), QMP for hot-plugging QEMU's own MTP device (`usb-mtp`, an MTP
  responder nobody here wrote, backed by a host folder), and the serial console written to a file;
- installs the project as a user would: the tree `make install DESTDIR=… PREFIX=/usr/local` staged, then the
  README's steps (systemd-sysusers, udevadm control --reload, systemctl daemon-reload, enable --now the socket),
  or the Debian package with apt, which it removes and purges at the end;
- runs the scenario of issue 11, one named check a line, and closes with `N passed, N failed`.
QEMU is killed whatever happens; on a failure the console's tail is printed and the guest's journal saved.
"""
import argparse
import base64
import hashlib
import json
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tarfile
import time
from pathlib import Path

import umtp

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent

# What the guest needs: systemd as PID 1 and udev; what the daemon links (libmtp, libusb; libstdc++ for the
# Swift runtime linked in statically; TagLib for mtpctl's tag reading); libmtp's rules and mtp-probe (libmtp-runtime) and its tools
# (mtp-tools: the independent client QEMU's device is checked with); python3 for the agent; the kernel.
# libgphoto2-6 brings 60-libgphoto2-6.rules, which a desktop has (gvfs pulls it in) and which hands MTP device
# nodes to group plugdev: the udev rule under test must win over it at every event.
GUEST_PACKAGES = ["systemd", "systemd-sysv", "udev", "dbus", "libmtp9", "libmtp-runtime", "libusb-1.0-0",
                  "libtag1v5", "libgphoto2-6", "libstdc++6", "mtp-tools", "python3", "procps", "kmod", "initramfs-tools",
                  "linux-image-amd64", "umtp-responder"]
IMAGE_INPUTS = [HERE / "build-root.sh", HERE / "guest-agent.py", HERE / "guest" / "mtp-test-agent.service",
                HERE / "guest" / "99-mtp-test-agent.rules"]

# QEMU's usb-mtp identifies itself as vendor 46f4 (QEMU), product 0004. MTP_SERIAL is its USB serial; the MTP
# serial number the daemon names it by is QEMU's own, read from `mtpctl devices`.
MTP_VENDOR, MTP_PRODUCT = "46f4", "0004"
MTP_SERIAL = "MTPVM0001"
GROUP = "mtpsessiond"
MEMBER, OUTSIDER = "alice", "bob"

# Test files for the bundled put. QEMU 7.2's usb-mtp aborts (assertion in its data-in path) on an object whose
# size is ≡ 52 mod 64, and stalls on a sent object whose last USB packet is under 12 bytes, i.e. whose size is
# ≡ 500–511 mod 512 (the 12-byte container header plus the data leave 0–11 bytes in the last 512-byte packet).
# Those are the device's faults, not the daemon's, so no size here is near them; sizes_ok() enforces it.
PUT_SIZES = {"a.bin": 1, "b.bin": 100, "c.bin": 4096, "d.bin": 70000, "e.bin": (1 << 20) + 3}


def sizes_ok(size):
    return size % 64 != 52 and not 500 <= size % 512 <= 511


assert all(sizes_ok(s) for s in PUT_SIZES.values())


class Failed(Exception):
    """A check's assertion did not hold; the message says what was seen."""


class Fatal(Exception):
    """A step the rest of the scenario depends on failed."""


class Interrupted(BaseException):
    """The driver was told to stop (SIGTERM, SIGHUP): not a failure of a check, but nothing after it runs."""


def log(text):
    print(text, flush=True)


def wait_until(condition, timeout, what, interval=0.25):
    """Polls condition() until it returns something true, or fails after timeout seconds."""
    deadline = time.monotonic() + timeout
    last = None
    while True:
        try:
            value = condition()
        except Failed as error:
            value, last = None, error
        if value:
            return value
        if time.monotonic() >= deadline:
            raise Failed(f"{what}: not within {timeout:g} s" + (f" ({last})" if last else ""))
        time.sleep(interval)


# ---------------------------------------------------------------------------------------------------------------
# The guest root, cached outside the work tree.

def image_key():
    digest = hashlib.sha256()
    for path in IMAGE_INPUTS:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    digest.update(" ".join(GUEST_PACKAGES).encode())
    return digest.hexdigest()[:16]


def ensure_image(cache):
    """The cached image for this key, built first when missing; stale images of other keys are removed."""
    key = image_key()
    image = cache / key
    if (image / "complete").exists():
        log(f"guest image: {image} (cached)")
        return image
    cache.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    log(f"guest image: building {image} (mmdebstrap, about a minute)")
    partial = cache / f"{key}.partial"
    shutil.rmtree(partial, ignore_errors=True)
    result = subprocess.run([str(HERE / "build-root.sh"), str(partial), *GUEST_PACKAGES],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=1800)
    if result.returncode != 0:
        shutil.rmtree(partial, ignore_errors=True)
        sys.stdout.write(result.stdout[-6000:])
        raise Fatal(f"building the guest image failed (build-root.sh exit {result.returncode})")
    (partial / "complete").write_text(key + "\n")
    partial.rename(image)
    for other in cache.iterdir():
        if other != image and not other.name.endswith(".work") and re.fullmatch(r"[0-9a-f]{16}(\.partial)?", other.name):
            shutil.rmtree(other, ignore_errors=True)
    log(f"guest image: built in {time.monotonic() - started:.0f} s")
    return image


# ---------------------------------------------------------------------------------------------------------------
# QEMU, its monitor (QMP) and the guest agent.

class QMP:
    """QEMU's machine protocol on a Unix socket: commands with their answers, events collected on the way."""

    def __init__(self, path, timeout):
        self.sock = wait_until(lambda: connect_unix(path), timeout, f"QMP socket {path}")
        self.file = self.sock.makefile("rwb")
        self.events = []
        self._read()  # the greeting
        self.command("qmp_capabilities")

    def _read(self, timeout=30):
        self.sock.settimeout(timeout)
        line = self.file.readline()
        if not line:
            raise Fatal("QEMU closed its monitor (did it exit? see the console log)")
        return json.loads(line)

    def command(self, name, timeout=30, **arguments):
        self.file.write(json.dumps({"execute": name, "arguments": arguments}).encode() + b"\n")
        self.file.flush()
        deadline = time.monotonic() + timeout
        while True:
            message = self._read(max(0.1, deadline - time.monotonic()))
            if "event" in message:
                self.events.append(message)
            elif "error" in message:
                raise Failed(f"QMP {name}: {message['error'].get('desc')}")
            elif "return" in message:
                return message["return"]

    def wait_event(self, name, timeout, match=lambda e: True):
        deadline = time.monotonic() + timeout
        while True:
            for event in self.events:
                if event["event"] == name and match(event):
                    self.events.remove(event)
                    return event
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise Failed(f"no QMP event {name} within {timeout:g} s")
            try:
                message = self._read(remaining)
            except socket.timeout:
                continue
            if "event" in message:
                self.events.append(message)


def connect_unix(path):
    try:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.connect(str(path))
        return sock
    except OSError:
        return None


class Result:
    def __init__(self, answer, argv):
        self.argv = argv
        self.rc = answer["rc"]
        self.timed_out = answer["timed_out"]
        self.out = base64.b64decode(answer["stdout"]).decode(errors="replace")
        self.err = base64.b64decode(answer["stderr"]).decode(errors="replace")

    def describe(self):
        status = "timed out" if self.timed_out else f"exit {self.rc}"
        return f"`{' '.join(self.argv)}`: {status}; stdout: {self.out.strip()[-800:]!r}; stderr: {self.err.strip()[-800:]!r}"


class Guest:
    """Commands in the VM through the agent: run as a user, with a timeout, status and output returned."""

    def __init__(self, path, timeout, transcript):
        self.sock = wait_until(lambda: connect_unix(path), timeout, f"agent socket {path}")
        self.transcript = transcript
        transcript.write_text("")
        self.buffer = b""
        self.next_id = 0

    def _send(self, request):
        self.next_id += 1
        request["id"] = self.next_id
        self.sock.settimeout(10)
        self.sock.sendall(json.dumps(request).encode() + b"\n")
        return self.next_id

    def _receive(self, ident, timeout):
        deadline = time.monotonic() + timeout
        while True:
            while b"\n" in self.buffer:
                line, self.buffer = self.buffer.split(b"\n", 1)
                try:
                    answer = json.loads(line)
                except ValueError:
                    continue
                if answer.get("id") == ident:
                    return answer
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            self.sock.settimeout(remaining)
            try:
                chunk = self.sock.recv(1 << 20)
            except socket.timeout:
                return None
            if not chunk:
                raise Fatal("the guest agent's channel closed (QEMU exited?)")
            self.buffer += chunk

    def wait_ready(self, timeout):
        """Pings until the agent answers: it starts once udev has seen its port, late in the boot."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                ident = self._send({})
            except socket.timeout:  # QEMU takes nothing from the socket until the guest opens the port
                continue
            answer = self._receive(ident, 2)
            if answer and answer.get("pong"):
                return answer
        raise Fatal(f"the guest agent did not answer within {timeout:g} s (see the console log)")

    def run(self, argv, user="root", timeout=60, stdin=None, env=None):
        if isinstance(argv, str):
            argv = ["sh", "-c", argv]
        request = {"argv": argv, "user": user, "timeout": timeout}
        if stdin is not None:
            request["stdin"] = base64.b64encode(stdin).decode()
        if env:
            request["env"] = env
        started = time.monotonic()
        answer = self._receive(self._send(request), timeout + 30)
        if answer is None:
            raise Fatal(f"the guest agent did not answer `{' '.join(argv)}` within {timeout + 30:g} s")
        result = Result(answer, argv)
        # Every command and what it said, for reading a failure (or a pass) afterwards.
        with open(self.transcript, "a") as f:
            f.write(f"--- [{user}] {shlex.join(argv)}  ({result.describe().split(';')[0].split(': ')[-1]}, "
                    f"{time.monotonic() - started:.1f} s)\n{result.out}{result.err and '[stderr] ' + result.err}\n")
        return result

    def ok(self, argv, user="root", timeout=60, **kwargs):
        """Runs a command that must succeed; its stdout."""
        result = self.run(argv, user=user, timeout=timeout, **kwargs)
        if result.rc != 0:
            raise Failed(result.describe())
        return result.out


class VM:
    def __init__(self, image, workdir, payload, accel):
        self.workdir = workdir
        self.console = workdir / "console.log"
        for name in ("qmp.sock", "agent.sock", "console.log", "qemu.log"):
            (workdir / name).unlink(missing_ok=True)
        self.accel = accel
        argv = ["qemu-system-x86_64", "-name", "mtpsessiond-system-test", "-nodefaults", "-no-user-config",
                "-display", "none", "-no-reboot", "-machine", "q35", "-m", "1024",
                *(["-accel", "kvm", "-cpu", "host", "-smp", "2"] if accel == "kvm" else ["-accel", "tcg", "-smp", "2"]),
                "-kernel", str(image / "vmlinuz"), "-initrd", str(image / "initrd.img"),
                "-append", "root=/dev/vda rw console=ttyS0 loglevel=4 panic=-1 systemd.show_status=auto "
                           "systemd.journald.forward_to_console=0 net.ifnames=0",
                "-drive", f"file={image / 'root.img'},format=raw,if=virtio,snapshot=on,cache=unsafe",
                "-drive", f"file={payload},format=raw,if=virtio,readonly=on",
                "-nic", "none",
                # QEMU's MTP responder traces each operation, handle and result: what a failure is read from.
                "-trace", "enable=usb_mtp_*", "-D", str(workdir / "qemu-trace.log"),
                "-device", "qemu-xhci,id=xhci",
                "-device", "virtio-serial-pci",
                "-chardev", f"socket,id=agent,path={workdir / 'agent.sock'},server=on,wait=off",
                "-device", "virtserialport,chardev=agent,name=org.mtpsessiond.agent",
                "-chardev", f"socket,id=qmp,path={workdir / 'qmp.sock'},server=on,wait=off",
                "-mon", "chardev=qmp,mode=control",
                "-chardev", f"file,id=console,path={self.console}",
                "-serial", "chardev:console"]
        self.stderr = open(workdir / "qemu.log", "wb")
        self.process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=self.stderr, stderr=self.stderr,
                                        preexec_fn=die_with_parent)
        self.qmp = QMP(workdir / "qmp.sock", 30)
        self.guest = Guest(workdir / "agent.sock", 30, workdir / "transcript.log")

    def kill(self):
        if self.process.poll() is None:
            self.process.kill()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            pass
        self.stderr.close()

    def console_tail(self, lines=60):
        try:
            text = self.console.read_text(errors="replace")
        except OSError:
            return "(no console log)"
        return "\n".join(text.splitlines()[-lines:])


def die_with_parent():
    """In QEMU's child process before exec: killed when the driver dies, however it dies."""
    import ctypes
    PR_SET_PDEATHSIG = 1
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def kvm_usable():
    """Whether this host lets QEMU use KVM (a VM in a VM often has /dev/kvm but no virtualisation)."""
    # Creating a VM can succeed where running one cannot (seen here: /dev/kvm opens, the guest never runs), so ask
    # the CPU: without vmx or svm there is no hardware virtualisation to use.
    if not os.access("/dev/kvm", os.R_OK | os.W_OK):
        return False
    flags = Path("/proc/cpuinfo").read_text()
    return re.search(r"^flags\s*:.*\b(vmx|svm)\b", flags, re.M) is not None


# ---------------------------------------------------------------------------------------------------------------
# The scenario.

class Scenario:
    # What umtp.py's checks use of this module.
    Failed, wait_until, MEMBER, GROUP = Failed, staticmethod(wait_until), MEMBER, GROUP

    CHECKS = [
        ("boot", "systemd is PID 1 and the system reaches running"),
        ("install", "the project installs as documented; the socket listens, the service waits"),
        ("hotplug-starts-service", "plugging QEMU's usb-mtp in starts mtpsessiond.service through udev"),
        ("device-node-access", "the device node has group mtpsessiond, mode 0660"),
        ("udev-properties", "udev tagged the device for systemd with SYSTEMD_WANTS"),
        ("member-devices", "a member of the group lists the device"),
        ("daemon-lets-go", "after --linger, libmtp's own mtp-detect opens the device and reads the same serial"),
        ("member-put-bundle", "a bundled put of several files lands on the device, byte for byte"),
        ("member-ls", "ls shows every file with its size"),
        ("member-get", "get returns every file byte for byte"),
        ("member-mv", "a renamed and a moved file come back byte for byte"),
        ("member-rm", "rm removes them from the device"),
        ("outsider-refused", "a user outside the group is refused with the hint to join it"),
        ("status-line", "systemctl status shows the daemon's STATUS= line"),
        ("monitor-sees-unplug", "a monitor started before sees the removal"),
        ("healthy-after-unplug", "after the unplug the daemon is active and answers"),
        ("replug-served", "a replugged device is served again"),
        ("journal-priorities", "the journal has the daemon's lines at their priorities"),
        ("socket-activation", "with the service stopped, a client connecting starts it"),
        ("exit-when-idle", "with no device and no client, it stops by itself"),
    ]
    DEB_CHECKS = [
        ("deb-remove", "apt remove stops the daemon and removes its files (conffiles aside)"),
        ("deb-purge", "apt purge leaves nothing of the package behind"),
    ]

    def __init__(self, args):
        self.args = args
        self.results = []
        self.workdir = Path(args.workdir)
        # uMTP-Responder runs once, with the `make install` tree: the package's install is what the deb run is about.
        self.checks = self.CHECKS + (self.DEB_CHECKS if args.install == "deb" else umtp.CHECKS)
        self.vm = None
        self.mtp_root = self.workdir / "mtp-root"
        self.plug_count = 0

    # -- bookkeeping ---------------------------------------------------------------------------------------------

    def record(self, name, ok, message=""):
        self.results.append((name, ok))
        log(f"{'ok  ' if ok else 'FAIL'} {name}" + ("" if ok else f": {message}"))

    def check(self, name, body, fatal=False):
        try:
            body()
        except (Failed, Fatal) as error:
            self.record(name, False, str(error))
            if fatal or isinstance(error, Fatal):
                raise Fatal(f"{name} failed")
            return False
        except Exception as error:  # a bug in the driver is a failure too, never a pass
            self.record(name, False, f"{type(error).__name__}: {error}")
            if fatal:
                raise Fatal(f"{name} failed")
            return False
        self.record(name, True)
        return True

    # -- guest helpers -------------------------------------------------------------------------------------------

    @property
    def g(self):
        return self.vm.guest

    def systemctl_show(self, unit, *props):
        out = self.g.ok(["systemctl", "show", unit, "-p", ",".join(props)], timeout=30)
        return dict(line.split("=", 1) for line in out.splitlines() if "=" in line)

    def active_state(self, unit):
        return self.systemctl_show(unit, "ActiveState")["ActiveState"]

    def mtpctl(self, *argv, user=MEMBER, timeout=120):
        return self.g.run(["mtpctl", *argv], user=user, timeout=timeout)

    def usb_device(self):
        """sysfs path and device node of QEMU's MTP device, or None when it is not on the bus."""
        out = self.g.run("for d in /sys/bus/usb/devices/*; do [ \"$(cat $d/idVendor 2>/dev/null)\" = %s ] && "
                         "[ \"$(cat $d/idProduct)\" = %s ] && echo $(readlink -f $d) $(cat $d/busnum) $(cat $d/devnum); "
                         "done; true" % (MTP_VENDOR, MTP_PRODUCT), timeout=20).out.split()
        if len(out) < 3:
            return None
        return out[0], "/dev/bus/usb/%03d/%03d" % (int(out[1]), int(out[2]))

    def plug(self):
        self.plug_count += 1
        self.device_id = f"mtp{self.plug_count}"
        self.vm.qmp.command("device_add", driver="usb-mtp", id=self.device_id, bus="xhci.0",
                            rootdir=str(self.mtp_root), readonly=False, desc="VMStorage", serial=MTP_SERIAL)
        return wait_until(self.usb_device, 30, "the USB device to appear in the guest's sysfs")

    def unplug(self):
        self.vm.qmp.command("device_del", id=self.device_id)
        self.vm.qmp.wait_event("DEVICE_DELETED", 30, lambda e: e.get("data", {}).get("device") == self.device_id)
        wait_until(lambda: self.usb_device() is None, 30, "the USB device to leave the guest's sysfs")

    def journal(self, *args, unit="mtpsessiond.service"):
        """The unit's journal entries since boot as (priority, message) pairs."""
        out = self.g.ok(["journalctl", "-b", "-u", unit, "-o", "json", "--output-fields=MESSAGE,PRIORITY",
                         "--no-pager", *args], timeout=30)
        entries = []
        for line in out.splitlines():
            entry = json.loads(line)
            message = entry.get("MESSAGE")
            if isinstance(message, list):  # journald stores a non-UTF-8 message as bytes
                message = bytes(message).decode(errors="replace")
            entries.append((int(entry.get("PRIORITY", 6)), message or ""))
        return entries

    def daemon_journal(self):
        """What the daemon itself wrote (not systemd's lines about the unit)."""
        out = self.g.ok(["journalctl", "-b", "-u", "mtpsessiond.service", "_COMM=mtpsessiond", "-o", "json",
                         "--output-fields=MESSAGE,PRIORITY", "--no-pager"], timeout=30)
        return [(int(json.loads(l).get("PRIORITY", 6)), json.loads(l).get("MESSAGE") or "") for l in out.splitlines()]

    # -- the steps -----------------------------------------------------------------------------------------------

    def run(self):
        self.workdir.mkdir(parents=True, exist_ok=True)
        started = time.monotonic()
        try:
            try:
                image = ensure_image(Path(self.args.cache))
                payload = self.make_payload()
                accel = self.args.accel
                if accel == "auto":
                    accel = "kvm" if kvm_usable() else "tcg"
                shutil.rmtree(self.mtp_root, ignore_errors=True)
                self.mtp_root.mkdir(parents=True)
                log(f"booting the guest ({accel})")
                self.vm = VM(image, self.workdir, payload, accel)
                boot_started = time.monotonic()
                self.check("boot", lambda: self.boot(boot_started), fatal=True)
                self.check("install", self.install, fatal=True)
                self.scenario()
                if self.args.install == "deb":
                    self.check("deb-remove", self.deb_remove)
                    self.check("deb-purge", self.deb_purge)
            except Fatal as error:
                if not str(error).endswith(" failed"):
                    log(f"FAIL setup: {error}")
                    self.results.append(("setup", False))
            except (Interrupted, KeyboardInterrupt):
                log("FAIL interrupted: the driver was told to stop")
                self.results.append(("interrupted", False))
                self.interrupted = True
        finally:
            failed = [name for name, ok in self.results if not ok]
            done = {name for name, _ in self.results}
            for name, _ in self.checks:
                if name not in done:
                    log(f"FAIL {name}: not run (an earlier step failed)")
                    self.results.append((name, False))
                    failed.append(name)
            if self.vm:
                if failed and not getattr(self, "interrupted", False):
                    self.save_journal()
                self.vm.kill()
                if failed:
                    log(f"---- console, last lines ({self.vm.console}) ----")
                    log(self.vm.console_tail())
            passed = sum(1 for _, ok in self.results if ok)
            log(f"system test took {time.monotonic() - started:.0f} s; logs in {self.workdir}")
            log(f"{passed} passed, {len(self.results) - passed} failed")
        return 0 if all(ok for _, ok in self.results) else 1

    def save_journal(self):
        try:
            result = self.g.run(["journalctl", "-b", "--no-pager", "-o", "short-monotonic"], timeout=60)
            (self.workdir / "journal.log").write_text(result.out)
            log(f"guest journal saved to {self.workdir / 'journal.log'}")
        except Exception as error:
            log(f"(could not save the guest's journal: {error})")

    def make_payload(self):
        """What the guest installs from, as a tar QEMU hands it as a raw disk (tar is 512-byte blocked)."""
        payload = self.workdir / "payload.tar"
        with tarfile.open(payload, "w", format=tarfile.GNU_FORMAT) as tar:
            if self.args.install == "make":
                stage = Path(self.args.stage)
                if not (stage / "usr/local/bin/mtpsessiond").exists():
                    raise Fatal(f"{stage} holds no staged install (make install DESTDIR={stage} PREFIX=/usr/local)")
                tar.add(stage, arcname=".")
            else:
                deb = Path(self.args.deb)
                if not deb.exists():
                    raise Fatal(f"no package at {deb} (make deb)")
                tar.add(deb, arcname=deb.name)
        return payload

    def boot(self, boot_started):
        self.vm.guest.wait_ready(self.args.boot_timeout)
        state = self.g.run(["systemctl", "is-system-running", "--wait"], timeout=120).out.strip()
        pid1 = self.g.ok(["cat", "/proc/1/comm"]).strip()
        log(f"  booted in {time.monotonic() - boot_started:.0f} s: PID 1 is {pid1}, system {state}")
        if pid1 != "systemd":
            raise Failed(f"PID 1 is {pid1}, not systemd")
        if state != "running":
            failed = self.g.run(["systemctl", "--failed", "--no-legend", "--plain"]).out.strip()
            raise Failed(f"system is {state}; failed units: {failed}")

    def install(self):
        # On a live machine uevents arrive at any moment, and udevd reads its rules again at the first one after
        # a rules file changed. One arriving after the rule is in place but before its group exists makes udevd
        # drop the rule's GROUP= ("Unknown group"), and `udevadm control --reload` does not read unchanged files
        # again. The test makes that moment certain (a "change" event on /dev/null, which no rule here cares
        # about) instead of leaving it to chance: an install must survive it.
        uevent = "udevadm trigger --action=change /sys/class/mem/null && udevadm settle --timeout=30"
        if self.args.install == "make":
            # The staged `make install` tree goes where make install would have put it, in make install's order:
            # everything but the udev rule, the group (make install runs systemd-sysusers on a live system), then
            # the rule; then the README's steps.
            rule = "*/70-mtpsessiond.rules"
            self.g.ok(["tar", "-x", "--no-overwrite-dir", "-C", "/", "-f", "/dev/vdb", "--wildcards", "--exclude", rule], timeout=60)
            self.g.ok(uevent, timeout=60)
            self.g.ok(["systemd-sysusers"], timeout=60)
            self.g.ok(["tar", "-x", "--no-overwrite-dir", "-C", "/", "-f", "/dev/vdb", "--wildcards", rule], timeout=60)
            self.g.ok(uevent, timeout=60)
            for step in (["udevadm", "control", "--reload"], ["systemctl", "daemon-reload"],
                         ["systemctl", "enable", "--now", "mtpsessiond.socket"]):
                self.g.ok(step, timeout=60)
        else:
            self.g.ok("mkdir -p /root/deb && tar -x -C /root/deb -f /dev/vdb", timeout=60)
            deb = self.g.ok("ls /root/deb/*.deb", timeout=10).split()[0]
            # apt unpacks and configures in separate dpkg runs; the event falls between them.
            noninteractive = {"DEBIAN_FRONTEND": "noninteractive"}
            self.g.ok(["dpkg", "--unpack", deb], timeout=300, env=noninteractive)
            self.g.ok(uevent, timeout=60)
            self.g.ok(["dpkg", "--configure", "mtpsessiond"], timeout=300, env=noninteractive)
            self.deb_files = self.g.ok(["dpkg", "-L", "mtpsessiond"]).split("\n")
        # Two ordinary users: one joins the group as the README tells, one does not.
        self.g.ok(["useradd", "-m", "-s", "/bin/sh", MEMBER])
        self.g.ok(["usermod", "-aG", GROUP, MEMBER])
        self.g.ok(["useradd", "-m", "-s", "/bin/sh", OUTSIDER])
        socket_state = self.systemctl_show("mtpsessiond.socket", "ActiveState", "SubState")
        if socket_state != {"ActiveState": "active", "SubState": "listening"}:
            raise Failed(f"mtpsessiond.socket is {socket_state}, not active (listening)")
        node = self.g.ok(["stat", "-c", "%U %G %a %F", "/run/mtpsessiond/socket"]).strip()
        if node != f"{GROUP} {GROUP} 660 socket":
            raise Failed(f"/run/mtpsessiond/socket is `{node}`, not owned by {GROUP}:{GROUP} mode 660")
        state = self.active_state("mtpsessiond.service")
        if state != "inactive":
            raise Failed(f"mtpsessiond.service is {state} before any device or client")

    def scenario(self):
        devices = {}

        def hotplug():
            sysfs, node = self.plug()
            devices["sysfs"], devices["node"] = sysfs, node
            wait_until(lambda: self.active_state("mtpsessiond.service") == "active", 60,
                       "mtpsessiond.service to become active after the plug")
            show = self.systemctl_show("mtpsessiond.service", "ActiveState", "SubState", "MainPID", "NRestarts")
            if show["SubState"] != "running":
                raise Failed(f"mtpsessiond.service: {show}")
            devices["pid"] = show["MainPID"]
            # Nothing connected to the socket: the device unit's Wants= (from udev's SYSTEMD_WANTS) started it.
            unit = self.g.ok(["systemd-escape", "--path", "--suffix=device", sysfs]).strip()
            wants = self.systemctl_show(unit, "Wants")["Wants"].split()
            if "mtpsessiond.service" not in wants:
                raise Failed(f"{unit} does not want mtpsessiond.service (Wants={' '.join(wants)})")
            # The journal: systemd started the unit, and the daemon itself ran and took the socket systemd passed.
            started = [m for _, m in self.journal() if m.startswith("Started mtpsessiond.service")]
            if not started:
                raise Failed("no `Started mtpsessiond.service` in the unit's journal")
            wait_until(lambda: any(m.startswith("listening on the socket systemd passed") for _, m in self.daemon_journal()),
                       30, "the daemon's journal to say it listens on the socket systemd passed")

        if not self.check("hotplug-starts-service", hotplug):
            if "node" not in devices:
                raise Fatal("no device to test with")

        def node_access():
            # udev may still be applying the bind event's rules: give it a moment, but the end state must hold.
            self.g.ok(["udevadm", "settle", "--timeout=30"], timeout=40)
            seen = self.g.ok(["stat", "-c", "%G %a", devices["node"]]).strip()
            if seen != f"{GROUP} 660":
                said = self.g.run("journalctl -b -u systemd-udevd -o cat | grep -m1 'mtpsessiond.rules.*Unknown group'").out.strip()
                raise Failed(f"{devices['node']} is group/mode `{seen}`, not `{GROUP} 660`" +
                             (f"; udevd said `{said}`: it read the rule before systemd-sysusers made the group, and "
                              "udevd does not read an unchanged rule again, not even on `udevadm control --reload`"
                              if said else ""))
            # The daemon, running as mtpsessiond, could open it.
            wait_until(lambda: any(m.startswith("device attached") for _, m in self.daemon_journal()), 30,
                       "the daemon's journal to say `device attached`")

        if not self.check("device-node-access", node_access):
            # Recorded above; so that the rest of the scenario still tests something, make udevd read the rule
            # again (its time stamp changed) and plug the device in afresh.
            self.g.ok("for f in /etc/udev/rules.d/70-mtpsessiond.rules /lib/udev/rules.d/70-mtpsessiond.rules; do "
                      "if [ -e $f ]; then touch $f; fi; done; udevadm control --reload")
            self.unplug()
            _, devices["node"] = self.plug()
            self.g.ok(["udevadm", "settle", "--timeout=30"], timeout=40)

        def udev_properties():
            out = self.g.ok(["udevadm", "info", "--query=property", devices["node"]])
            props = dict(line.split("=", 1) for line in out.splitlines() if "=" in line)
            problems = []
            if props.get("ID_MTP_DEVICE") != "1":
                problems.append("ID_MTP_DEVICE is not 1")
            if "mtpsessiond.service" not in props.get("SYSTEMD_WANTS", "").split():
                problems.append(f"SYSTEMD_WANTS={props.get('SYSTEMD_WANTS')!r}")
            for tags in ("TAGS", "CURRENT_TAGS"):
                if ":systemd:" not in props.get(tags, ""):
                    problems.append(f"{tags}={props.get(tags)!r} lacks systemd")
            if problems:
                raise Failed("; ".join(problems))

        self.check("udev-properties", udev_properties)

        def member_devices():
            result = self.mtpctl("devices")
            if result.rc != 0:
                raise Failed(result.describe())
            lines = [l for l in result.out.splitlines() if "QEMU" in l]
            if len(lines) != 1:
                raise Failed(f"QEMU's device is not listed once: {result.out.strip()!r}")
            self.serial = lines[0].split()[0]

        self.check("member-devices", member_devices)

        def daemon_lets_go():
            # The daemon releases the USB interface --linger (5 s) after its last use; then libmtp's own tool,
            # an independent client, opens the device. While the daemon holds it, mtp-detect cannot.
            def detect():
                result = self.g.run(["mtp-detect"], timeout=60)
                found = re.search(r"^\s*Serial number: (\S+)", result.out, re.M)
                return found and found.group(1)
            serial = wait_until(detect, 30, "mtp-detect to open the device")
            if serial != getattr(self, "serial", None):
                raise Failed(f"mtp-detect reads serial {serial}, mtpctl said {getattr(self, 'serial', None)}")

        self.check("daemon-lets-go", daemon_lets_go)
        self.transfer_checks("/Bundle")
        self.check("outsider-refused", self.outsider_refused)

        def status_line():
            status = self.systemctl_show("mtpsessiond.service", "StatusText")["StatusText"]
            if not re.fullmatch(r"1 device, \d+ sessions?, \d+ clients?", status):
                raise Failed(f"StatusText={status!r}, expected `1 device, N sessions, N clients`")
            text = self.g.run(["systemctl", "status", "--no-pager", "mtpsessiond.service"], timeout=30).out
            if f"Status: \"{status}\"" not in text:
                raise Failed(f"`systemctl status` does not show Status: \"{status}\": {text[:600]!r}")

        self.check("status-line", status_line)

        # A session held across the unplug: the daemon must end it and say so at warning priority.
        session = self.mtpctl("session", "begin", "--types", "transferToDevice", "--lease", "600")

        def monitor_unplug():
            self.g.ok("rm -f /tmp/monitor.log; setsid mtpctl monitor > /tmp/monitor.log 2>&1 < /dev/null &",
                      user=MEMBER)
            wait_until(lambda: self.g.run(["cat", "/tmp/monitor.log"]).out.strip(), 30,
                       "the monitor to list the attached device")
            before = self.g.run(["cat", "/tmp/monitor.log"]).out
            self.unplug()
            after = wait_until(lambda: self.g.run(["cat", "/tmp/monitor.log"]).out[len(before):].strip(), 30,
                               "the monitor to print an event after the unplug")
            serial = getattr(self, "serial", "?")
            if f"deviceAdded {serial}" not in before.splitlines():
                raise Failed(f"the monitor did not list the attached device first: {before!r}")
            if f"deviceRemoved {serial}" not in after.splitlines():
                raise Failed(f"the monitor printed {after!r} after the unplug, not `deviceRemoved {serial}`")

        unplugged = self.check("monitor-sees-unplug", monitor_unplug)
        if not unplugged and self.usb_device() is not None:
            self.unplug()
        self.g.run("pkill -u %s -x mtpctl; true" % MEMBER)

        def healthy():
            show = self.systemctl_show("mtpsessiond.service", "ActiveState", "SubState", "MainPID", "NRestarts")
            if show["ActiveState"] != "active" or show["MainPID"] != devices["pid"] or show["NRestarts"] != "0":
                raise Failed(f"after the unplug: {show} (MainPID was {devices['pid']})")
            result = self.mtpctl("devices")
            if result.rc != 0:
                raise Failed(result.describe())
            if "QEMU" in result.out or (getattr(self, "serial", None) or "QEMU") in result.out:
                raise Failed(f"the unplugged device is still listed: {result.out.strip()!r}")

        self.check("healthy-after-unplug", healthy)

        def replug():
            _, node = self.plug()
            devices["node"] = node
            wait_until(lambda: "QEMU" in self.mtpctl("devices").out, 60, "the replugged device to be listed")
            self.roundtrip("/Replug", {"again.bin": 2000})

        self.check("replug-served", replug)

        def journal_priorities():
            entries = self.daemon_journal()
            if not entries:
                raise Failed("the daemon wrote nothing to the journal")
            raw = [m for _, m in entries if re.match(r"<\d>", m)]
            if raw:
                raise Failed(f"lines with their priority prefix left in the text: {raw[:3]}")
            expect = [("listening on the socket systemd passed", 6), ("device attached", 6), ("device detached", 6)]
            if session.rc == 0:
                expect.append(("session ended: its device was unplugged", 4))
            else:
                raise Failed(f"could not begin a session to hold across the unplug: {session.describe()}")
            for text, priority in expect:
                found = [p for p, m in entries if m.startswith(text)]
                if not found:
                    raise Failed(f"no `{text}` in the daemon's journal")
                if set(found) != {priority}:
                    raise Failed(f"`{text}` logged at priority {sorted(set(found))}, expected {priority}")
            # journalctl's own filter agrees, and nothing the daemon said in this healthy run is an error.
            warnings = self.g.ok(["journalctl", "-b", "-u", "mtpsessiond.service", "_COMM=mtpsessiond", "-p",
                                  "warning", "-o", "cat", "--no-pager"])
            if "session ended: its device was unplugged" not in warnings or "device attached" in warnings:
                raise Failed(f"journalctl -p warning shows {warnings.strip()!r}")
            errors = [m for p, m in entries if p <= 3]
            if errors:
                raise Failed(f"errors logged in a healthy run: {errors[:5]}")
            # libdispatch's refused renice: once a run (EACCES), not at every new worker thread (the unit's
            # system call filter allows setpriority for this).
            out = self.g.ok(["journalctl", "-b", "-u", "mtpsessiond.service", "_COMM=mtpsessiond", "-o", "json",
                             "--output-fields=MESSAGE,_PID", "--no-pager"], timeout=30)
            renices = {}
            for line in out.splitlines():
                entry = json.loads(line)
                if "Failed to set thread priority" in str(entry.get("MESSAGE")):
                    renices[entry.get("_PID")] = renices.get(entry.get("_PID"), 0) + 1
            if any(n > 1 for n in renices.values()):
                raise Failed(f"libdispatch's renice refused again and again (lines per daemon pid: {renices})")

        self.check("journal-priorities", journal_priorities)
        if self.usb_device() is not None:
            self.unplug()

        def socket_activation():
            # A short --exit-when-idle through a drop-in (the shipped unit says 60 s) keeps this test fast.
            exe = self.systemctl_show("mtpsessiond.service", "ExecStart")["ExecStart"]
            path = re.search(r"path=(\S+)", exe).group(1)
            self.g.ok(["systemctl", "stop", "mtpsessiond.service"], timeout=60)
            self.g.ok("mkdir -p /run/systemd/system/mtpsessiond.service.d && printf '[Service]\\nExecStart=\\n"
                      f"ExecStart={path} --exit-when-idle 3\\n' > /run/systemd/system/mtpsessiond.service.d/idle.conf "
                      "&& systemctl daemon-reload")
            state = self.active_state("mtpsessiond.service")
            socket_state = self.active_state("mtpsessiond.socket")
            if state != "inactive" or socket_state != "active":
                raise Failed(f"after stop: service {state}, socket {socket_state}")
            before = self.systemctl_show("mtpsessiond.service", "InvocationID")["InvocationID"]
            result = self.mtpctl("devices")
            if result.rc != 0:
                raise Failed(f"the connecting client failed: {result.describe()}")
            show = self.systemctl_show("mtpsessiond.service", "ActiveState", "InvocationID", "TriggeredBy")
            # It may already have gone idle again; what counts is that this connection started a new run.
            if show["InvocationID"] in ("", before):
                raise Failed(f"no new run of mtpsessiond.service after a client connected: {show}")
            devices["activated"] = time.monotonic()

        if self.check("socket-activation", socket_activation):
            def exit_idle():
                wait_until(lambda: self.active_state("mtpsessiond.service") == "inactive", 30,
                           "mtpsessiond.service to stop after 3 s idle")
                show = self.systemctl_show("mtpsessiond.service", "Result", "ExecMainStatus")
                if show["Result"] != "success" or show["ExecMainStatus"] != "0":
                    raise Failed(f"it stopped, but not cleanly: {show}")
                if self.active_state("mtpsessiond.socket") != "active":
                    raise Failed("the socket stopped listening with it")
                said = [m for _, m in self.daemon_journal() if m.startswith("shutting down")]
                if not said or "idle" not in said[-1]:
                    raise Failed(f"the daemon did not log an idle shutdown: {said}")
                # And the socket starts it again.
                again = self.mtpctl("devices")
                if again.rc != 0:
                    raise Failed(f"after the idle exit a client was not served: {again.describe()}")

            self.check("exit-when-idle", exit_idle)
        self.g.ok("rm -rf /run/systemd/system/mtpsessiond.service.d && systemctl daemon-reload")
        if self.args.install == "make":
            umtp.UMTP(self).run()

    def transfer_checks(self, folder):
        sources = {}

        def put():
            self.g.ok(["mkdir", "-p", "src", "out"], user=MEMBER)
            for name, size in PUT_SIZES.items():
                self.g.ok(["sh", "-c", f"head -c {size} /dev/urandom > src/{name}"], user=MEMBER)
                sources[name] = self.g.ok(["sha256sum", f"src/{name}"], user=MEMBER).split()[0]
            result = self.mtpctl("mkdir", "-p", f":{folder}")
            if result.rc != 0:
                raise Failed(result.describe())
            result = self.mtpctl("put", *[f"src/{n}" for n in PUT_SIZES], f":{folder}", timeout=300)
            if result.rc != 0:
                raise Failed(result.describe())
            # The host end: QEMU wrote each file into its root folder, and they are the files that were sent.
            for name, size in PUT_SIZES.items():
                path = self.mtp_root / folder.strip("/") / name
                if not path.exists():
                    raise Failed(f"{name} is not in the device's folder on the host ({path})")
                if hashlib.sha256(path.read_bytes()).hexdigest() != sources[name]:
                    raise Failed(f"{name} on the device differs from what was sent ({path.stat().st_size} of {size} bytes)")

        if not self.check("member-put-bundle", put):
            for name in ("member-ls", "member-get", "member-mv", "member-rm"):
                self.record(name, False, "not run: the put failed")
            return

        def ls():
            result = self.mtpctl("ls", "-l", f":{folder}")
            if result.rc != 0:
                raise Failed(result.describe())
            for name, size in PUT_SIZES.items():
                line = next((l for l in result.out.splitlines() if l.split() and l.split()[-1] == name), None)
                if line is None or str(size) not in line.split():
                    raise Failed(f"{name} ({size} bytes) not listed as such: {result.out.strip()!r}")

        self.check("member-ls", ls)

        def get():
            for name in PUT_SIZES:
                result = self.mtpctl("get", f":{folder}/{name}", f"out/{name}")
                if result.rc != 0:
                    raise Failed(result.describe())
                compare = self.g.run(["cmp", f"src/{name}", f"out/{name}"], user=MEMBER)
                if compare.rc != 0:
                    raise Failed(f"{name} came back different: {compare.describe()}")

        self.check("member-get", get)

        names = dict((n, n) for n in PUT_SIZES)

        def mv():
            # QEMU's device can neither rename (SetObjectPropValue) nor move (MoveObject): the daemon copies
            # through the host, and the result must be the same bytes under the new name, the old one gone.
            steps = [("c.bin", f"{folder}/c2.bin"), ("d.bin", f"{folder}/Sub/d.bin")]
            result = self.mtpctl("mkdir", "-p", f":{folder}/Sub")
            if result.rc != 0:
                raise Failed(result.describe())
            for name, target in steps:
                result = self.mtpctl("mv", f":{folder}/{name}", f":{target}")
                if result.rc != 0:
                    raise Failed(result.describe())
                names[name] = target[len(folder) + 1:]
                back = self.mtpctl("get", f":{target}", f"out/mv-{name}")
                compare = self.g.run(["cmp", f"src/{name}", f"out/mv-{name}"], user=MEMBER)
                if back.rc != 0 or compare.rc != 0:
                    raise Failed(f"{name} after mv to {target}: {back.describe()}; {compare.describe()}")
                if (self.mtp_root / folder.strip("/") / name).exists():
                    raise Failed(f"{name} is still in {folder} after mv")

        self.check("member-mv", mv)

        def rm():
            result = self.mtpctl("rm", *[f":{folder}/{n}" for n in names.values()])
            if result.rc != 0:
                raise Failed(result.describe())
            listing = self.mtpctl("ls", f":{folder}")
            left = [n for n in names.values() if n.split("/")[-1] in listing.out.split()]
            if listing.rc != 0 or left:
                raise Failed(f"after rm: {listing.describe()}")
            on_host = [n for n in names.values() if (self.mtp_root / folder.strip("/") / n).exists()]
            if on_host:
                raise Failed(f"still in the device's folder on the host: {on_host}")

        self.check("member-rm", rm)

    def roundtrip(self, folder, files):
        self.g.ok(["mkdir", "-p", "src", "out"], user=MEMBER)
        for name, size in files.items():
            assert sizes_ok(size)
            self.g.ok(["sh", "-c", f"head -c {size} /dev/urandom > src/{name}"], user=MEMBER)
        for argv in (["mkdir", "-p", f":{folder}"], ["put", *[f"src/{n}" for n in files], f":{folder}"],
                     *[["get", f":{folder}/{n}", f"out/{n}"] for n in files]):
            result = self.mtpctl(*argv)
            if result.rc != 0:
                raise Failed(result.describe())
        for name in files:
            compare = self.g.run(["cmp", f"src/{name}", f"out/{name}"], user=MEMBER)
            if compare.rc != 0:
                raise Failed(f"{name} came back different: {compare.describe()}")

    def outsider_refused(self):
        result = self.mtpctl("devices", user=OUTSIDER)
        if result.rc != 69:
            raise Failed(f"expected exit 69 (daemon unreachable): {result.describe()}")
        if f"usermod -aG {GROUP}" not in result.err:
            raise Failed(f"no hint to join the group: {result.err.strip()!r}")

    def deb_remove(self):
        self.g.ok(["apt-get", "remove", "-y", "mtpsessiond"], timeout=300, env={"DEBIAN_FRONTEND": "noninteractive"})
        self.assert_gone(purged=False)

    def deb_purge(self):
        self.g.ok(["apt-get", "purge", "-y", "mtpsessiond"], timeout=300, env={"DEBIAN_FRONTEND": "noninteractive"})
        self.assert_gone(purged=True)

    def assert_gone(self, purged):
        problems = []
        running = self.g.run(["pgrep", "-a", "-x", "mtpsessiond"]).out.strip()
        if running:
            problems.append(f"still running: {running}")
        for unit in ("mtpsessiond.service", "mtpsessiond.socket"):
            state = self.g.run(["systemctl", "is-active", unit]).out.strip()
            if state not in ("inactive", "unknown"):
                problems.append(f"{unit} is {state}")
        conffiles = set(self.g.run(["dpkg-query", "-W", "-f=${Conffiles}\\n", "mtpsessiond"]).out.split()) if not purged else set()
        left = []
        for path in self.deb_files:
            if not path or path == "/." or path in conffiles:
                continue
            probe = self.g.run(["sh", "-c", f"[ -e {shlex.quote(path)} ] && ! [ -d {shlex.quote(path)} ]"])
            if probe.rc == 0:
                left.append(path)
        if left:
            problems.append(f"files left: {left[:10]}")
        if self.g.run(["test", "-e", "/run/mtpsessiond"]).rc == 0:
            problems.append("/run/mtpsessiond still exists")
        if purged:
            # README.Debian: the mtpsessiond user and group stay on purge, as Debian keeps system users.
            if self.g.run(["getent", "passwd", GROUP]).rc != 0 or self.g.run(["getent", "group", GROUP]).rc != 0:
                problems.append("the mtpsessiond user or group is gone, though README.Debian says purge keeps them")
            status = self.g.run(["dpkg-query", "-W", "-f=${Status}", "mtpsessiond"]).out.strip()
            if status and "not-installed" not in status:
                problems.append(f"dpkg still knows the package: {status!r}")
            for path in ("/var/lib/mtpsessiond", "/etc/udev/rules.d/70-mtpsessiond.rules"):
                if self.g.run(["test", "-e", path]).rc == 0:
                    problems.append(f"{path} still exists after purge")
        if problems:
            raise Failed("; ".join(problems))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--install", choices=["make", "deb"], default="make",
                        help="install the staged `make install` tree (make) or the Debian package (deb)")
    parser.add_argument("--stage", default=str(REPO / ".build/system/stage"),
                        help="the tree `make install DESTDIR=STAGE PREFIX=/usr/local` wrote")
    parser.add_argument("--deb", help="the package `make deb` built")
    parser.add_argument("--cache", default="/var/cache/mtpsessiond-vm", help="where guest images are kept")
    parser.add_argument("--workdir", default=str(REPO / ".build/system"), help="console log, sockets, payload")
    parser.add_argument("--accel", choices=["auto", "kvm", "tcg"], default="auto")
    parser.add_argument("--boot-timeout", type=float, default=300, help="seconds for the guest to come up")
    args = parser.parse_args()
    # SIGTERM (a CI timeout, make interrupted) unwinds like ^C, once, so QEMU is killed, the console kept and
    # the closing line printed (a repeated signal must not cut that short; SIGKILL still does).
    def interrupted(*_):
        for number in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
            signal.signal(number, signal.SIG_IGN)
        raise Interrupted()

    for number in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(number, interrupted)
    if args.install == "deb" and not args.deb:
        parser.error("--install deb needs --deb FILE")
    sys.exit(Scenario(args).run())


if __name__ == "__main__":
    main()
