"""The second responder nobody here wrote: uMTP-Responder (Debian `umtp-responder`), the MTP responder embedded
Linux devices ship, run as a USB gadget inside the guest (guest/umtp-gadget.sh: dummy_hcd, configfs,
FunctionFS). Its host side is a USB bus of the same kernel, so the device is enumerated, probed by libmtp's
mtp-probe (it is not in libmtp's device table), handed to the daemon by udev and opened through libusb, like a
phone on a cable. The storage it serves is a guest folder, so what arrived is checked on the device's own disk.

The daemon's scenario runs against it: a bundled put, get, a range get, mkdir -p, a rename (the device has
SetObjectPropValue), mv into another folder and of a folder (it has no MoveObject or CopyObject: through the
host), rm -r of a 3-level tree, a session ended with the wrong types, a monitor, and an unplug in the middle of
a put followed by a restart of the responder (a device rebooting, which numbers its objects afresh) and a
replug: the partial object is removed, nothing else is, and the client was told the truth.
"""
import json
import re
import time
from pathlib import Path

GADGET = "/usr/local/libexec/umtp-gadget"
SERIAL = "UMTPVM0001"
STORAGE = "/var/lib/umtp"  # what umtprd serves, in the guest

CHECKS = [
    ("umtp-attach", "uMTP-Responder plugged in as a gadget: probed by udev, started the daemon, listed"),
    ("umtp-put-bundle", "uMTP: mkdir -p and a bundled put land on the device's disk byte for byte"),
    ("umtp-get", "uMTP: get and a range get return the bytes sent"),
    ("umtp-rename", "uMTP: a rename in place (SetObjectPropValue) keeps the bytes"),
    ("umtp-mv", "uMTP: mv of a file and of a folder to another folder, through the host, bytes kept"),
    ("umtp-rm-r", "uMTP: rm -r of a 3-level tree removes all of it"),
    ("umtp-session-types", "uMTP: ending a session with other types is refused, naming the right ones"),
    ("umtp-unplug-mid-put", "uMTP: an unplug mid-put fails the put with the device named, the monitor sees it"),
    ("umtp-replug-settles", "uMTP: after a responder restart and replug the partial object is gone, nothing else"),
]

# Bundle sizes: none is a multiple of 512 or just off one, so short last packets are exercised too.
BUNDLE = {"a.bin": 1, "b.bin": 513, "c.bin": 70001, "d.bin": (3 << 20) + 11}
# The put cut off by the unplug: large enough that a guest-side watcher sees it on the device's disk well
# before the end (the gadget moves about 2 MB/s under TCG), cut once CUT bytes have arrived.
BIG, CUT = 48 << 20, 4 << 20


class UMTP:
    def __init__(self, scenario):
        self.s = scenario
        self.g = scenario.g
        self.sources = {}

    def mtpctl(self, *argv, timeout=180):
        return self.s.mtpctl(*argv, timeout=timeout)

    def ok(self, *argv, timeout=180):
        result = self.mtpctl(*argv, timeout=timeout)
        if result.rc != 0:
            raise self.s.Failed(result.describe())
        return result.out

    def disk(self, path):
        """sha256 and size of a file on the device's own disk, or None."""
        result = self.g.run(f"f={STORAGE}{path}; [ -f \"$f\" ] && echo $(sha256sum < \"$f\" | cut -d' ' -f1) $(stat -c %s \"$f\")")
        return tuple(result.out.split()) if result.rc == 0 and result.out.strip() else None

    def make(self, name, size):
        self.g.ok(["sh", "-c", f"mkdir -p usrc uout && head -c {size} /dev/urandom > usrc/{name}"], user=self.s.MEMBER, timeout=120)
        self.sources[name] = (self.g.ok(["sh", "-c", f"sha256sum < usrc/{name} | cut -d' ' -f1"], user=self.s.MEMBER).strip(), str(size))

    def same(self, name, device_path):
        seen = self.disk(device_path)
        if seen != self.sources[name]:
            raise self.s.Failed(f"{device_path} on the device's disk is {seen}, sent {self.sources[name]}")

    def get_same(self, device_path, name):
        self.ok("get", f"{SERIAL}:{device_path}", f"uout/{name}")
        compare = self.g.run(["cmp", f"usrc/{name}", f"uout/{name}"], user=self.s.MEMBER)
        if compare.rc != 0:
            raise self.s.Failed(f"{device_path} came back different: {compare.describe()}")

    def run(self):
        s = self.s
        self.g.ok(f"cat > {GADGET} && chmod 755 {GADGET}", stdin=(Path(__file__).parent / "guest" / "umtp-gadget.sh").read_bytes())

        def attach():
            self.g.ok([GADGET, "up"], timeout=90)
            node = s.wait_until(lambda: self.g.run("for d in /sys/bus/usb/devices/*; do [ \"$(cat $d/serial 2>/dev/null)\" = "
                                                   f"{SERIAL} ] && printf '/dev/bus/usb/%03d/%03d' $(cat $d/busnum) $(cat $d/devnum); done; true").out,
                                30, "the gadget to appear on the guest's USB bus")
            s.wait_until(lambda: s.active_state("mtpsessiond.service") == "active", 60, "udev to start mtpsessiond.service")
            self.g.ok(["udevadm", "settle", "--timeout=30"], timeout=40)
            props = self.g.ok(["udevadm", "info", "--query=property", node])
            access = self.g.ok(["stat", "-c", "%G %a", node]).strip()
            if "ID_MTP_DEVICE=1" not in props.splitlines() or access != f"{s.GROUP} 660":
                raise s.Failed(f"{node}: `{access}`, ID_MTP_DEVICE {'set' if 'ID_MTP_DEVICE=1' in props else 'missing'} "
                               "(libmtp's mtp-probe should name it, our rule then hands it to the daemon's group)")
            listed = s.wait_until(lambda: (lambda out: SERIAL in out and out)(self.mtpctl("devices").out), 60,
                                  "mtpctl devices to list it")
            if "uMTP storage" not in listed:
                raise s.Failed(f"its storage is not listed: {listed!r}")

        if not s.check("umtp-attach", attach):
            for name, _ in CHECKS[1:]:
                s.record(name, False, "not run: the gadget was not served")
            return

        def put_bundle():
            for name, size in BUNDLE.items():
                self.make(name, size)
            self.ok("mkdir", "-p", f"{SERIAL}:/Music/A/B")
            out = self.ok("put", *[f"usrc/{n}" for n in BUNDLE], f"{SERIAL}:/Music/A/B", timeout=300)
            if f"{len(BUNDLE)} files" not in out or "one session" not in out:
                raise s.Failed(f"the put did not report one bundle: {out!r}")
            for name in BUNDLE:
                self.same(name, f"/Music/A/B/{name}")

        if not s.check("umtp-put-bundle", put_bundle):
            for name, _ in CHECKS[2:]:
                s.record(name, False, "not run: the put failed")
            return

        def get():
            for name in BUNDLE:
                self.get_same(f"/Music/A/B/{name}", name)
            # A range from the middle of the largest file, compared with the same range of the source.
            self.ok("get", "--offset", "1000000", "--length", "70001", f"{SERIAL}:/Music/A/B/d.bin", "uout/range")
            compare = self.g.run("tail -c +1000001 usrc/d.bin | head -c 70001 | cmp - uout/range && "
                                 "[ $(stat -c %s uout/range) = 70001 ]", user=s.MEMBER)
            if compare.rc != 0:
                raise s.Failed(f"the range differs from the source's bytes 1000000..1070000: {compare.describe()}")

        s.check("umtp-get", get)

        def moved(argv, expect_method):
            out = self.ok("--json", "mv", *argv)
            reply = json.loads(out.strip().splitlines()[-1])
            if expect_method not in reply.get("methods", []):
                raise s.Failed(f"`mv {' '.join(argv)}` took {reply.get('methods')}, expected {expect_method}: {out!r}")

        def rename():
            moved([f"{SERIAL}:/Music/A/B/a.bin", f"{SERIAL}:/Music/A/B/a2.bin"], "objectName")
            self.same("a.bin", "/Music/A/B/a2.bin")
            if self.disk("/Music/A/B/a.bin"):
                raise s.Failed("a.bin is still there after the rename")

        s.check("umtp-rename", rename)

        def mv():
            moved([f"{SERIAL}:/Music/A/B/c.bin", f"{SERIAL}:/Music/A/c.bin"], "throughHost")
            self.same("c.bin", "/Music/A/c.bin")
            # A folder with files, moved to the top: recursively through the host.
            moved([f"{SERIAL}:/Music/A/B", f"{SERIAL}:/Moved"], "throughHost")
            for name, path in (("b.bin", "/Moved/b.bin"), ("d.bin", "/Moved/d.bin"), ("a.bin", "/Moved/a2.bin")):
                self.same(name, path)
            left = self.g.run(f"ls -A {STORAGE}/Music/A").out.split()
            if left != ["c.bin"] or self.disk("/Music/A/B/b.bin"):
                raise s.Failed(f"after moving B away, /Music/A holds {left} on the device's disk")
            self.get_same("/Moved/d.bin", "d.bin")

        s.check("umtp-mv", mv)

        def rm_r():
            self.ok("mkdir", "-p", f"{SERIAL}:/Tree/x/y/z")
            self.make("leaf", 777)
            for folder in ("/Tree", "/Tree/x", "/Tree/x/y", "/Tree/x/y/z"):
                self.ok("put", "usrc/leaf", f"{SERIAL}:{folder}")
            self.ok("rm", "-r", f"{SERIAL}:/Tree")
            if self.g.run(["test", "-e", f"{STORAGE}/Tree"]).rc == 0:
                raise s.Failed(f"after rm -r: {self.g.run(['find', STORAGE + '/Tree']).out!r}")
            if "Tree" in self.ok("ls", f"{SERIAL}:/"):
                raise s.Failed("rm -r reported success, ls still shows /Tree")

        s.check("umtp-rm-r", rm_r)

        def session_types():
            session = self.ok("session", "begin", "--types", "transferToDevice", SERIAL).strip()
            self.make("in-session.bin", 4097)
            self.ok("put", "--session", session, "usrc/in-session.bin", f"{SERIAL}:/Music")
            wrong = self.mtpctl("session", "end", "--types", "delete", session)
            if wrong.rc == 0 or "--types transferToDevice" not in wrong.err:
                raise s.Failed(f"ending with other types was not refused with the right ones named: {wrong.describe()}")
            self.ok("session", "end", "--types", "transferToDevice", session)
            self.same("in-session.bin", "/Music/in-session.bin")

        s.check("umtp-session-types", session_types)

        cut = {}

        def unplug_mid_put():
            self.make("big.bin", BIG)
            before = self.listing()
            self.g.ok("rm -f umon.log uput.log; setsid mtpctl --json monitor > umon.log 2>&1 < /dev/null &", user=s.MEMBER)
            s.wait_until(lambda: SERIAL in self.g.run(["cat", "umon.log"], user=s.MEMBER).out, 30, "the monitor to list the device")
            self.g.ok(f"setsid sh -c 'mtpctl put usrc/big.bin {SERIAL}:/Music > uput.log 2>&1; echo \"exit $?\" >> uput.log' "
                      "> /dev/null 2>&1 < /dev/null &", user=s.MEMBER)
            # Inside the guest, so that the cut lands while the data flows, not a host round trip later.
            watcher = self.g.run(f"f={STORAGE}/Music/big.bin; while [ \"$(stat -c %s $f 2>/dev/null || echo 0)\" -lt {CUT} ]; do "
                                 f"if grep -q '^exit' /home/{s.MEMBER}/uput.log 2>/dev/null; then echo finished-first; exit 1; fi; done; "
                                 f"{GADGET} unplug && stat -c %s $f", timeout=300)
            if watcher.rc != 0:
                raise s.Failed(f"could not cut the put off mid-way: {watcher.describe()}")
            cut["bytes"] = int(watcher.out.split()[-1])
            said = s.wait_until(lambda: self.file_with("uput.log", "exit "), 120, "the cut-off put to end")
            if "exit 1" not in said or SERIAL not in said or "went away" not in said:
                raise s.Failed(f"the cut-off put said {said!r}; expected exit 1 naming {SERIAL} and that it went away")
            monitor = s.wait_until(lambda: self.file_with("umon.log", "deviceRemoved"), 30, "the monitor to see the removal")
            if not any(json.loads(l).get("kind") == "deviceRemoved" and json.loads(l).get("device") == SERIAL
                       for l in monitor.splitlines() if l.startswith("{")):
                raise s.Failed(f"the monitor printed {monitor!r}")
            on_disk = self.disk("/Music/big.bin")
            if not on_disk or not 0 < int(on_disk[1]) < BIG:
                raise s.Failed(f"expected a partial big.bin on the device's disk after the cut, found {on_disk}")
            cut["before"] = before

        if not s.check("umtp-unplug-mid-put", unplug_mid_put):
            s.record("umtp-replug-settles", False, "not run: the put was not cut off")
            return

        def replug_settles():
            # The responder restarts while unplugged, as a device that reboots: it numbers its objects afresh, so
            # the handle the daemon recorded for the partial object now names another object or none.
            self.g.ok(f"systemctl stop umtprd; {GADGET} up", timeout=120)
            s.wait_until(lambda: any(m.startswith("removed a partial object") and "big.bin" in m for m in self.messages()),
                         120, "the daemon to remove the partial big.bin")
            if self.disk("/Music/big.bin"):
                raise s.Failed(f"big.bin is still on the device's disk: {self.disk('/Music/big.bin')}")
            after = self.listing()
            lost = {path: was for path, was in cut["before"].items() if after.get(path) != was}
            if lost:
                raise s.Failed(f"settling changed other objects: {lost} (now {[after.get(p) for p in lost]})")
            if "big.bin" in self.ok("ls", f"{SERIAL}:/Music"):
                raise s.Failed("ls still shows big.bin")
            line = [m for m in self.messages() if m.startswith("removed a partial object")][-1]
            print(f"  settled after {cut['bytes']} of {BIG} bytes: {line}", flush=True)
            self.g.run("pkill -u %s -x mtpctl; true" % s.MEMBER)

        s.check("umtp-replug-settles", replug_settles)

    def file_with(self, name, needle):
        """The member's file `name`, once it holds `needle`; else None."""
        text = self.g.run(["cat", name], user=self.s.MEMBER).out
        return text if needle in text else None

    def listing(self):
        """Every file on the device's disk with its size and checksum."""
        out = self.g.ok(f"cd {STORAGE} && find . -type f -exec sha256sum {{}} +", timeout=120)
        return {line.split(None, 1)[1]: line.split()[0] for line in out.splitlines() if line.strip()}

    def messages(self):
        """The daemon's journal lines, with their metadata (journald keeps the text as the daemon wrote it)."""
        return self.g.ok(["journalctl", "-b", "-u", "mtpsessiond.service", "_COMM=mtpsessiond", "-o", "cat", "--no-pager"]).splitlines()
