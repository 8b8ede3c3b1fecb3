#!/usr/bin/env python3
"""A music library synced onto the virtual player through the real daemon, mtpctl and libmtp. Runs under mtpsim.

Syncs LIBRARY to :/Music and checks, step by step: the first sync sends every file and makes each album and the
playlist; the device's files equal the library's byte for byte; a second sync sends nothing (the player counts no
SendObject); a changed and an added file are the only ones sent next; --delete removes exactly the extras; get -r
brings the tree back byte for byte and a second get -r copies nothing. Then the daemon stops and libmtp's own
mtp-tracks, mtp-albums and mtp-playlists must show the metadata, albums and playlist. Prints "ok ..." per check;
any mismatch raises, so the exit status is the verdict.

Usage: sync_library.py BIN_DIR WORKDIR CONTROL_SOCKET STORAGE LIBRARY EXPECT_JSON
"""
import filecmp
import json
import os
import re
import shutil
import socket
import subprocess
import sys

from daemon_support import start_daemon

BIN, WORK, CONTROL, STORAGE, LIBRARY = sys.argv[1:6]
EXPECT = json.loads(sys.argv[6])
SOCKET = os.path.join(WORK, "d.sock")


def counters():
    out = subprocess.run([f"{BIN}/mtpsim", "control", "--socket", CONTROL, "stats"], check=True,
                         capture_output=True, text=True).stdout
    ops = json.loads(out)["devices"][0]["counters"]["operations"].values()
    return {op["name"]: op["count"] for op in ops}


def sends_during(args):
    """Runs mtpctl --json ARGS; returns its JSON lines and the SendObject transactions the player counted."""
    before = counters().get("SendObject", 0)
    r = subprocess.run([f"{BIN}/mtpctl", "--socket", SOCKET, "--json"] + args, capture_output=True, text=True,
                       timeout=600)
    lines = [json.loads(l) for l in r.stdout.splitlines() if l.startswith("{")]
    assert r.returncode == 0, f"mtpctl {' '.join(args)} exited {r.returncode}: {r.stdout[-3000:]} {r.stderr[-3000:]}"
    summary = [l["summary"] for l in lines if "summary" in l]
    return lines, summary[-1] if summary else None, counters().get("SendObject", 0) - before


def files_under(root):
    """The files below root; the player's directory store shows albums and playlists as empty .alb/.pla files."""
    found = {}
    for folder, _, names in os.walk(root):
        for name in names:
            if name.endswith((".alb", ".pla")):
                continue
            path = os.path.join(folder, name)
            found[os.path.relpath(path, root)] = path
    return found


def same_tree(a, b, what):
    fa, fb = files_under(a), files_under(b)
    assert sorted(fa) == sorted(fb), f"{what}: {sorted(set(fa) ^ set(fb))[:10]}"
    for rel in fa:
        assert filecmp.cmp(fa[rel], fb[rel], shallow=False), f"{what}: {rel} differs"
    return len(fa)


daemon = start_daemon(BIN, WORK, SOCKET)

music = os.path.join(STORAGE, "Music")
library_files = files_under(LIBRARY)

# First sync: everything arrives whole, with albums and the playlist.
lines, s, sends = sends_during(["sync", LIBRARY, ":/Music"])
assert s["sent"] == len(library_files) and s["failed"] == 0 and s["skipped"] == 0, s
assert sends == len(library_files), f"{sends} SendObject for {len(library_files)} files"
assert s["albums"] == EXPECT["albums"] and s["playlists"] == 1, s
n = same_tree(LIBRARY, music, "first sync")
print(f"ok first sync sent {s['sent']} files ({s['bytes']} bytes), {s['albums']} albums, {s['playlists']} playlist;"
      f" {n} files on the device equal the library byte for byte")

# Second sync: nothing to send, and the player sees no SendObject at all.
lines, s, sends = sends_during(["sync", LIBRARY, ":/Music"])
assert s["sent"] == 0 and s["skipped"] == len(library_files) and s["albums"] == 0 and s["playlists"] == 0, s
assert sends == 0, f"{sends} SendObject on an unchanged library"
print(f"ok second sync: 0 sent, {s['skipped']} up to date, 0 SendObject")

# A changed track (new size) and an added file are the only ones sent.
changed = os.path.join(LIBRARY, EXPECT["changeTrack"])
with open(changed, "ab") as f:
    f.write(b"\0" * 100)
added = os.path.join(LIBRARY, "notes.txt")
with open(added, "w") as f:
    f.write("added later\n")
lines, s, sends = sends_during(["sync", LIBRARY, ":/Music"])
sent = sorted(l["sent"] for l in lines if "sent" in l)
assert sent == sorted([EXPECT["changeTrack"], "notes.txt"]), sent
assert sends == 2 and s["sent"] == 2, (s, sends)
same_tree(LIBRARY, music, "third sync")
print(f"ok after a change and an addition only those were sent: {sent}")

# Extras on the device stay without --delete and go, exactly, with it.
os.remove(added)
os.makedirs(os.path.join(LIBRARY, "Empty Folder"), exist_ok=True)
extra = os.path.join(STORAGE, "extra.txt")
lines, s, sends = sends_during(["sync", LIBRARY, ":/Music"])
assert s["deleted"] == 0 and os.path.exists(os.path.join(music, "notes.txt")), s
lines, s, sends = sends_during(["sync", "--delete", LIBRARY, ":/Music"])
deleted = [l["deleted"] for l in lines if "deleted" in l]
assert deleted == ["notes.txt"] and s["deleted"] == 1 and sends == 0, (deleted, s)
same_tree(LIBRARY, music, "--delete")
assert os.path.isdir(os.path.join(music, "Empty Folder"))
print(f"ok --delete removed exactly {deleted}")

# get -r brings the tree back byte for byte; a second run copies nothing.
back = os.path.join(WORK, "back")
lines, s, _ = sends_during(["get", "-r", ":/Music", back])
same_tree(music, os.path.join(back, "Music"), "get -r")
gets = counters().get("GetObject", 0)
lines, s, _ = sends_during(["get", "-r", ":/Music", back])
assert s["sent"] == 0 and counters().get("GetObject", 0) == gets, s
print(f"ok get -r matched byte for byte and a second run copied nothing ({s['skipped']} up to date)")

# Back the other way, --delete removes exactly what the device lacks from the local folder, a folder with its contents.
os.makedirs(os.path.join(back, "Music", "Stray", "Deeper"))
with open(os.path.join(back, "Music", "Stray", "Deeper", "x.txt"), "w") as f:
    f.write("stray\n")
with open(os.path.join(back, "Music", "stray.txt"), "w") as f:
    f.write("stray\n")
lines, s, _ = sends_during(["sync", "--delete", ":/Music", os.path.join(back, "Music")])
deleted = sorted(l["deleted"] for l in lines if "deleted" in l)
assert deleted == ["Stray", "stray.txt"] and s["sent"] == 0, (deleted, s)
same_tree(music, os.path.join(back, "Music"), "sync --delete back")
print(f"ok sync --delete from the device removed exactly {deleted} locally")

# A playlist whose file left the library stays on the device without --delete and goes, with its file, with it.
def listed_names(path):
    r = subprocess.run([f"{BIN}/mtpctl", "--socket", SOCKET, "--json", "ls", path], capture_output=True, text=True,
                       timeout=60)
    assert r.returncode == 0, r.stderr
    return {entry["name"] for entry in json.loads(r.stdout.strip().splitlines()[-1])}


second = os.path.join(LIBRARY, "Second.m3u8")
shutil.copyfile(os.path.join(LIBRARY, "Playlist.m3u8"), second)
lines, s, _ = sends_during(["sync", LIBRARY, ":/Music"])
assert s["playlists"] >= 1 and "Second.pla" in listed_names(":/Music"), (s, listed_names(":/Music"))
os.remove(second)
lines, s, _ = sends_during(["sync", LIBRARY, ":/Music"])
assert s["deleted"] == 0 and "Second.pla" in listed_names(":/Music"), s
lines, s, _ = sends_during(["sync", "--delete", LIBRARY, ":/Music"])
deleted = sorted(l["deleted"] for l in lines if "deleted" in l)
assert deleted == ["Second.m3u8", "Second.pla"] and s["deleted"] == 2, (deleted, s)
names = listed_names(":/Music")
assert "Second.pla" not in names and "Playlist.pla" in names, names
print(f"ok --delete removed the playlist whose file left the library: {deleted}")

# --times gives a file sent its own modification time, as the device then reports it.
old_folder = os.path.join(LIBRARY, "Old Times")
os.makedirs(old_folder, exist_ok=True)
with open(os.path.join(old_folder, "old.txt"), "w") as f:
    f.write("from 2001\n")
os.utime(os.path.join(old_folder, "old.txt"), (978307200, 978307200))
lines, s, sends = sends_during(["sync", "--times", LIBRARY, ":/Music"])
assert s["sent"] == 1 and sends == 1, s
listed = subprocess.run([f"{BIN}/mtpctl", "--socket", SOCKET, "--json", "stat", ":/Music/Old Times/old.txt"],
                        capture_output=True, text=True, timeout=60)
entry = json.loads(listed.stdout.strip().splitlines()[-1])
assert entry["modified"] == 978307200, entry
print("ok --times: the device reports the file's own time", entry["modified"])

daemon.terminate()
assert daemon.wait(60) == 0, "the daemon did not stop cleanly"

# libmtp's own tools on the same player.
tool = subprocess.run(["mtp-tracks"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=300)
assert tool.returncode == 0, tool.stdout[-2000:]
for title, artist, album in EXPECT["sampleTracks"]:
    for text in (f"Title: {title}", f"Artist: {artist}", f"Album: {album}"):
        assert text in tool.stdout, f"mtp-tracks lacks {text!r}"
shown = set(t.strip() for t in re.findall(r"^\s*Title: (.*)$", tool.stdout, re.MULTILINE))
missing = [t for t in EXPECT["titles"] if t not in shown]
assert not missing, f"mtp-tracks lacks {missing}"
titles = len(shown)
print(f"ok mtp-tracks shows {titles} tracks with their titles, artists and albums")
tool = subprocess.run(["mtp-albums"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=300)
assert tool.returncode == 0, tool.stdout[-2000:]
for album in EXPECT["albumNames"]:
    assert album in tool.stdout, f"mtp-albums lacks {album!r}"
counts = re.findall(r"Tracks: (\d+)", tool.stdout)
assert counts and all(int(c) > 0 for c in counts), counts
print(f"ok mtp-albums lists {len(EXPECT['albumNames'])} albums, tracks per album {sorted(set(counts))}")
# Each album's cover, read back through libmtp (LIBMTP_Get_Representative_Sample), is its folder's cover.jpg, or
# the picture embedded in its tracks where the folder has none (an absolute path in EXPECT).
calls = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "MTPSimIntegrationTests", "python",
                     "libmtp_calls.py")
albums = re.findall(r"^Album ID: (\d+)\n\s+Parent ID:.*\n\s+Name:\s+(.*)$", tool.stdout, re.MULTILINE)
assert len(albums) == len(EXPECT["albumNames"]), albums
for album_id, name in albums:
    art = os.path.join(WORK, f"art-{album_id}")
    got = subprocess.run([sys.executable, calls, "get-art", album_id, art], capture_output=True, text=True, timeout=120)
    assert got.returncode == 0, got.stdout + got.stderr
    with open(art, "rb") as a, open(os.path.join(LIBRARY, EXPECT["covers"][name.strip()]), "rb") as c:
        assert a.read() == c.read(), f"album {name}: the art read back is not its cover.jpg"
print(f"ok album art: each of {len(albums)} albums carries its cover (cover.jpg, or the picture embedded in its tracks), read back through libmtp")
tool = subprocess.run(["mtp-playlists"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=300)
assert tool.returncode == 0, tool.stdout[-2000:]
assert "Playlist" in tool.stdout and "INVALID TRACK REFERENCE" not in tool.stdout, tool.stdout[-2000:]
members = re.findall(r"^\s+(\d+): ", tool.stdout, re.MULTILINE)
assert len(members) == EXPECT["playlistTracks"], (len(members), tool.stdout[-2000:])
print(f"ok mtp-playlists lists the playlist with its {len(members)} tracks")
print("ok sync of a library")
