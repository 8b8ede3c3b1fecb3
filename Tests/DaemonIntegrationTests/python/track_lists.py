#!/usr/bin/env python3
"""Playlists and albums through the real daemon, checked by libmtp's own tools. Runs under mtpsim.

Starts mtpsessiond on the player, creates a playlist and an album through the reference varlink client, sets
them again with other tracks, reads them back, then stops the daemon and runs mtp-playlists and mtp-albums on the
same player, which must list what the daemon made. Prints one "ok ..." line per check (and "art ..." for album
art); any mismatch raises, so the exit status is the verdict.

Usage: track_lists.py BIN_DIR WORKDIR
"""
import os
import socket
import subprocess
import sys

import varlink

from daemon_support import FDSocket, start_daemon

BIN, WORK = sys.argv[1], sys.argv[2]
IFACE = "org.mtpsessiond.Manager"
SOCKET = os.path.join(WORK, "d.sock")


def expect_error(name, call, *args):
    try:
        call(*args)
    except varlink.VarlinkError as e:
        if e.error() != f"{IFACE}.{name}":
            raise AssertionError(f"expected {name}, got {e.error()} {e.parameters()}")
        return e.parameters()
    raise AssertionError(f"expected {name}, got success")


daemon = start_daemon(BIN, WORK, SOCKET)

with varlink.Client(address=f"unix:{SOCKET}") as client:
    iface = client.get_interface(IFACE)
raw = FDSocket(SOCKET)
con = varlink.client.SimpleClientInterfaceHandler(iface, raw, namespaced=False)

device = con.ListDevices()["devices"][0]
serial = device["serial"]
assert device["playlists"] is True and device["albums"] is True, device
print("ok capabilities playlists", device["playlists"], "albums", device["albums"], "albumArt", device.get("albumArt"))

a, b, c = "/Music/a.mp3", "/Music/b.mp3", "/Music/c.mp3"

# A playlist in the default folder (libmtp's, which on a device opened uncached is the root).
reply = con.SetPlaylist(serial, "Road Mix", [a, b], None, None, None)
pl = reply["playlist"]
assert reply["created"] is True, reply
assert pl["entry"]["format"] == "playlist" and pl["entry"]["path"] == "/Road Mix.pla", pl
assert pl["tracks"] == [a, b] and pl["name"] == "Road Mix", pl
print("ok SetPlaylist created", pl["entry"]["path"], pl["tracks"])

# Read back by name and by object path; the same tracks in the same order.
for path in ["/Road Mix", "/Road Mix.pla"]:
    back = con.GetPlaylist(serial, path, None, None)["playlist"]
    assert back["tracks"] == [a, b] and back["entry"]["id"] == pl["entry"]["id"], back
print("ok GetPlaylist by name and by path")

# Set again with other tracks: the same object, its tracks replaced.
reply = con.SetPlaylist(serial, "Road Mix", [c, a], None, None, None)
assert reply["created"] is False and reply["playlist"]["entry"]["id"] == pl["entry"]["id"], reply
assert con.GetPlaylist(serial, "/Road Mix", None, None)["playlist"]["tracks"] == [c, a]
print("ok SetPlaylist again replaced the tracks in place")

# Listing tells lists from files.
formats = {e["name"]: e["format"] for e in con.List(serial, "/", None, None)["entries"]}
assert formats["Road Mix.pla"] == "playlist" and formats["Music"] == "folder", formats
assert {e["name"]: e["format"] for e in con.List(serial, "/Music", None, None)["entries"]}["a.mp3"] == "mp3"
print("ok List formats", sorted(formats.items()))

# An album in a folder named, with artist and genre.
reply = con.SetAlbum(serial, "Blue Record", [a, b, c], "Someone", "Ambient", None, None, "/Music", None, None)
al = reply["album"]
assert reply["created"] is True and al["entry"]["path"] == "/Music/Blue Record.alb", reply
assert al["entry"]["format"] == "album" and al["tracks"] == [a, b, c], al
assert al["artist"] == "Someone" and al["genre"] == "Ambient", al
reply = con.SetAlbum(serial, "Blue Record", [b, c], "Someone Else", "Ambient", None, None, "/Music", None, None)
assert reply["created"] is False, reply
back = con.GetAlbum(serial, "/Music/Blue Record", None, None)["album"]
assert back["tracks"] == [b, c] and back["artist"] == "Someone Else", back
print("ok SetAlbum created and set again; GetAlbum", back["tracks"], back["artist"])

# What is not a track, or not there.
expect_error("NotFound", con.SetPlaylist, serial, "Bad", ["/Music/none.mp3"], None, None, None)
expect_error("InvalidPath", con.SetPlaylist, serial, "Bad", ["/Music"], None, None, None)
expect_error("InvalidPath", con.GetPlaylist, serial, "/Music/a.mp3", None, None)
expect_error("NotFound", con.GetAlbum, serial, "/Music/Nothing", None, None)
print("ok errors: a missing track, a folder as a track, a file read as a playlist, no such album")

# Album art: the daemon sends it when the device takes it, and says NotSupported when it does not. Whether it
# does is learnt when an album is first read or set with art, which GetAlbum above did.
device = con.ListDevices()["devices"][0]
assert device.get("albumArt") is not None, device
art = os.path.join(WORK, "cover.jpg")
with open(art, "wb") as f:
    f.write(b"\xff\xd8\xff\xe0" + bytes(range(256)) * 8 + b"\xff\xd9")
size = os.path.getsize(art)
with open(art, "rb") as f:
    raw.pending = [f.fileno()]
    if device.get("albumArt"):
        reply = con.SetAlbum(serial, "Blue Record", [b, c], "Someone Else", "Ambient", 0, size, "/Music", None, None)
        assert reply["album"]["artBytes"] == size, reply
        print("art sent", size, "bytes; read back", reply["album"]["artBytes"])
    else:
        params = expect_error("NotSupported", con.SetAlbum, serial, "Blue Record", [b, c], None, None, 0, size,
                              "/Music", None, None)
        assert params["operation"] == "album art", params
        print("art unsupported: the player takes no representative sample for albums; NotSupported as declared")

raw.close()
daemon.terminate()
assert daemon.wait(60) == 0, "the daemon did not stop cleanly"

# libmtp's own tools, on the same player, now that the daemon has let go of it.
tool = subprocess.run(["mtp-playlists"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=120)
assert tool.returncode == 0, tool.stdout
assert "Road Mix" in tool.stdout, tool.stdout
import re
members = re.findall(r"^\s+(\d+): ", tool.stdout, re.MULTILINE)
assert len(members) == 2 and "INVALID TRACK REFERENCE" not in tool.stdout, tool.stdout
print("ok mtp-playlists lists the playlist:", " | ".join(l.strip() for l in tool.stdout.splitlines() if "Road" in l))
tool = subprocess.run(["mtp-albums"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=120)
assert tool.returncode == 0, tool.stdout
assert "Blue Record" in tool.stdout and "Someone Else" in tool.stdout and "Tracks: 2" in tool.stdout, tool.stdout
print("ok mtp-albums lists the album:", " | ".join(l.strip() for l in tool.stdout.splitlines() if ":" in l)[:300])
print("ok playlists and albums")
