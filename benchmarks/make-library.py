#!/usr/bin/env python3
"""Makes a music library of N real audio tracks for benchmarks, in the layout of the tests' generator
(Tests/IntegrationSupport/MusicLibrary.swift): Artist/Album/NN Title.ext, six tracks an album, formats cycling
track by track, a cover.jpg beside each album's tracks and Playlist.m3u8 at the top naming every third track by
relative path.

Speed over tags: ffmpeg encodes half a second of silence once per format, untagged, and every track is a copy of
it, so 2,000 tracks take about a second. The tests' generator writes full tags with TagLib; this one writes none.

Usage: make-library.py DIR N [--formats mp3,flac,ogg,opus,m4a,wma]
Prints one JSON line: the directory, the track count and the seconds it took.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

ENCODERS = {"mp3": "libmp3lame", "flac": "flac", "ogg": "libvorbis", "opus": "libopus", "m4a": "aac", "wma": "wmav2"}
TRACKS_PER_ALBUM = 6
# The same names as MusicLibrary.swift: spaces, accents and an ampersand, as real libraries have.
ARTISTS = ["The Quiet Ones", "Ana Müller", "Sons & Daughters", "Øresund Trio", "DJ Silence"]
ALBUM_WORDS = ["Nothing Heard", "Still Air", "Hush", "Empty Rooms", "Pause", "Café Nights"]
TITLE_WORDS = ["Intro", "Déjà Vu", "Long Rest", "Night Drive", "Tacet", "Coda", "Echo", "Blank"]


def ffmpeg(*arguments):
    command = ["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y", *arguments]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"make-library: {' '.join(command)} failed: {result.stderr.strip()}")


def album_plan(index):
    """(album artist folder, album title) of album `index`, as MusicLibrary.swift's AlbumPlan names them."""
    artist = "Various Artists" if index % 4 == 3 else ARTISTS[index // 2 % len(ARTISTS)]
    title = f"{ALBUM_WORDS[index % len(ALBUM_WORDS)]} {index + 1}"
    return artist, title + " (Disc 2)" if index % 3 == 2 else title


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory")
    parser.add_argument("tracks", type=int)
    parser.add_argument("--formats", default=",".join(ENCODERS))
    args = parser.parse_args()
    formats = args.formats.split(",")
    unknown = [f for f in formats if f not in ENCODERS]
    if unknown or not formats:
        sys.exit(f"make-library: unknown formats {unknown}; known: {','.join(ENCODERS)}")
    if shutil.which("ffmpeg") is None:
        sys.exit("make-library: ffmpeg is not installed (apt-get install ffmpeg; make test installs it)")

    started = time.monotonic()
    os.makedirs(args.directory, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="make-library-") as scratch:
        templates = {}
        for name in formats:
            templates[name] = os.path.join(scratch, "silence." + name)
            ffmpeg("-f", "lavfi", "-i", "anullsrc=r=44100:cl=mono", "-t", "0.5", "-c:a", ENCODERS[name],
                   "-map_metadata", "-1", "-fflags", "+bitexact", "-flags:a", "+bitexact", templates[name])
        cover_path = os.path.join(scratch, "cover.jpg")
        ffmpeg("-f", "lavfi", "-i", "color=c=0x3366cc:s=8x8", "-frames:v", "1", "-fflags", "+bitexact",
               "-flags", "+bitexact", cover_path)
        with open(cover_path, "rb") as f:
            cover = f.read()

        tracks = []
        for index in range(args.tracks):
            album_index, number = divmod(index, TRACKS_PER_ALBUM)
            artist, album = album_plan(album_index)
            folder = os.path.join(artist, album)
            if number == 0:
                os.makedirs(os.path.join(args.directory, folder), exist_ok=True)
                # A JPEG comment segment after the start-of-image marker makes each album's cover differ.
                label = f"cover of {album}".encode()
                with open(os.path.join(args.directory, folder, "cover.jpg"), "wb") as f:
                    f.write(cover[:2] + b"\xff\xfe" + (len(label) + 2).to_bytes(2, "big") + label + cover[2:])
            name = formats[index % len(formats)]
            title = f"{TITLE_WORDS[index % len(TITLE_WORDS)]} {index + 1}"
            relative = os.path.join(folder, f"{number + 1:02d} {title}.{name}")
            shutil.copyfile(templates[name], os.path.join(args.directory, relative))
            tracks.append((relative, artist, title))

    with open(os.path.join(args.directory, "Playlist.m3u8"), "w", encoding="utf-8") as f:
        f.write("#EXTM3U\n")
        for relative, artist, title in tracks[::3]:
            f.write(f"#EXTINF:1,{artist} - {title}\n{relative}\n")
    print(json.dumps({"directory": args.directory, "tracks": args.tracks,
                      "seconds": round(time.monotonic() - started, 3)}))


if __name__ == "__main__":
    main()
