#!/usr/bin/env python3
"""Drives mtpsessiond with the reference varlink client from PyPI (a client nobody on this project wrote).

It introspects org.mtpsessiond.Manager from the daemon, calls every method the interface declares, and
prints one "ok METHOD ..." line per check; any mismatch raises, so the exit status is the verdict.
File descriptors ride on the socket with SCM_RIGHTS, as the interface asks; the reference client has no API
for that, so the socket it is given attaches them to the next message it sends.

Usage: reference_client.py SOCKET WORKDIR
"""
import os
import socket
import sys

import varlink

from daemon_support import FDSocket

SOCKET, WORK = sys.argv[1], sys.argv[2]
IFACE = "org.mtpsessiond.Manager"


def connect(interface):
    s = FDSocket(SOCKET)
    return s, varlink.client.SimpleClientInterfaceHandler(interface, s, namespaced=False)


def expect_error(name, call, *args, **kwargs):
    try:
        call(*args, **kwargs)
    except varlink.VarlinkError as e:
        if e.error() != f"{IFACE}.{name}":
            raise AssertionError(f"expected {name}, got {e.error()} {e.parameters()}")
        return e.parameters()
    raise AssertionError(f"expected {name}, got success")


called = set()

# Introspection through org.varlink.service, with the library's own parser.
with varlink.Client(address=f"unix:{SOCKET}") as client:
    iface = client.get_interface(IFACE)
    methods = {name for name, m in iface.members.items() if isinstance(m, varlink.scanner._Method)}
    print("ok introspected", IFACE, "methods:", ",".join(sorted(methods)))

raw, con = connect(iface)

devices = con.ListDevices()["devices"]
assert len(devices) == 1, devices
serial = devices[0]["serial"]
assert devices[0]["storages"], devices
called.add("ListDevices")
print("ok ListDevices", serial, devices[0]["model"])

session = con.BeginSession(serial, ["transferToDevice", "transferFromDevice", "delete"],
                           {"expectedBytes": 5, "folder": "/", "ignoredKey": True}, 30, None)["session"]
called.add("BeginSession")
print("ok BeginSession", session)

entry = con.MakeDirectory(serial, "/PyTest/Sub", True, None, session)["entry"]
assert entry["folder"] and entry["path"] == "/PyTest/Sub", entry
called.add("MakeDirectory")
print("ok MakeDirectory", entry["path"])

src = os.path.join(WORK, "hello.txt")
with open(src, "wb") as f:
    f.write(b"hello")
with open(src, "rb") as f:
    raw.pending = [f.fileno()]
    entry = con.Put(serial, "/PyTest", "hello.txt", 0, 5, False, {"title": "Hello", "artist": "Py"}, None, session)["entry"]
assert entry["size"] == 5 and entry["name"] == "hello.txt", entry
called.add("Put")
print("ok Put", entry["path"], entry["size"])

with open(src, "rb") as f:
    raw.pending = [f.fileno()]
    expect_error("AlreadyExists", con.Put, serial, "/PyTest", "hello.txt", 0, 5, False, None, None, session)
print("ok Put refuses an existing name without overwrite")

entries = con.List(serial, "/PyTest", None, session)["entries"]
assert sorted(e["name"] for e in entries) == ["Sub", "hello.txt"], entries
called.add("List")
print("ok List", ",".join(sorted(e["name"] for e in entries)))

st = con.Stat(serial, "/PyTest/hello.txt", None, session)["entry"]
assert st["size"] == 5 and not st["folder"], st
called.add("Stat")
print("ok Stat", st["path"])

dst = os.path.join(WORK, "back.txt")
with open(dst, "wb") as f:
    raw.pending = [f.fileno()]
    size = con.Get(serial, "/PyTest/hello.txt", 0, None, None, None, session)["size"]
assert size == 5 and open(dst, "rb").read() == b"hello"
with open(dst, "wb") as f:
    raw.pending = [f.fileno()]
    con.Get(serial, "/PyTest/hello.txt", 0, 1, 3, None, session)
assert open(dst, "rb").read() == b"ell", open(dst, "rb").read()
called.add("Get")
print("ok Get whole and a byte range")

entry = con.Rename(serial, "/PyTest/hello.txt", "renamed.txt", None, session)["entry"]
assert entry["path"] == "/PyTest/renamed.txt", entry
called.add("Rename")
print("ok Rename", entry["path"])

entry = con.Move(serial, "/PyTest/renamed.txt", "/PyTest/Sub", None, session)["entry"]
assert entry["path"] == "/PyTest/Sub/renamed.txt", entry
called.add("Move")
print("ok Move", entry["path"])

playlist = con.SetPlaylist(serial, "Py Mix", ["/PyTest/Sub/renamed.txt"], "/PyTest", None, session)
assert playlist["created"] and playlist["playlist"]["entry"]["format"] == "playlist", playlist
assert con.GetPlaylist(serial, "/PyTest/Py Mix", None, session)["playlist"]["tracks"] == ["/PyTest/Sub/renamed.txt"]
called.update({"SetPlaylist", "GetPlaylist"})
print("ok SetPlaylist and GetPlaylist", playlist["playlist"]["entry"]["path"])

album = con.SetAlbum(serial, "Py Album", ["/PyTest/Sub/renamed.txt"], "Py", None, None, None, "/PyTest", None, session)
assert album["created"] and album["album"]["artist"] == "Py", album
assert con.GetAlbum(serial, "/PyTest/Py Album.alb", None, session)["album"]["name"] == "Py Album"
called.update({"SetAlbum", "GetAlbum"})
print("ok SetAlbum and GetAlbum", album["album"]["entry"]["path"])

expect_error("FolderNotEmpty", con.Delete, serial, "/PyTest", False, None, session)
con.Delete(serial, "/PyTest", True, None, session)
expect_error("NotFound", con.Stat, serial, "/PyTest", None, session)
called.add("Delete")
print("ok Delete recursive")

expect_error("NoSuchTransfer", con.Cancel, "t999999")
called.add("Cancel")
print("ok Cancel names an unknown transfer")

params = expect_error("SessionTypeMismatch", con.EndSession, session, ["transferToDevice"], None)
assert params["session"] == session, params
con.EndSession(session, ["transferToDevice", "transferFromDevice", "delete"], None)
expect_error("NoSuchSession", con.EndSession, session, ["transferToDevice"], None)
called.add("EndSession")
print("ok EndSession after a type mismatch")

# Monitor streams with "more": first the attached devices, then changes; a second connection makes a
# change the first must hear about.
mraw, mon = connect(iface)
stream = mon.Monitor(_more=True)
first = next(stream)["event"]
assert first["kind"] == "deviceAdded" and first["device"] == serial, first
_, other = connect(iface)
other.MakeDirectory(serial, "/FromMonitor", False, None, None)
for reply in stream:
    event = reply["event"]
    if event["kind"] == "objectAdded":
        break
called.add("Monitor")
print("ok Monitor saw", event["kind"], "on", event["device"])
mraw.close()

missing = methods - called
assert not missing, f"methods never called: {missing}"
print("ok every method of", IFACE, "called")
