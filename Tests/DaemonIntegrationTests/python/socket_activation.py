#!/usr/bin/env python3
"""Starts mtpsessiond the way systemd does and checks what systemd would see.

The listening socket is bound here and handed to the daemon as fd 3 with LISTEN_FDS/LISTEN_PID; NOTIFY_SOCKET
is a datagram socket of this script. Prints "ok ..." per check; any failure raises.

Usage: socket_activation.py MTPSIM MTPSESSIOND WORKDIR
"""
import json
import os
import signal
import socket
import subprocess
import sys
import time

MTPSIM, DAEMON, WORK = sys.argv[1:4]
listen_path = os.path.join(WORK, "activated.sock")
notify_path = os.path.join(WORK, "notify.sock")

listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
listener.bind(listen_path)
listener.listen(16)
notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
notify.bind(notify_path)
notify.settimeout(30)

os.dup2(listener.fileno(), 3, inheritable=True)
env = dict(os.environ, NOTIFY_SOCKET=notify_path)
# `exec` keeps the shell's pid, so $$ is the daemon's pid, as LISTEN_PID must be.
daemon = subprocess.Popen(
    [MTPSIM, "--", "sh", "-c", 'LISTEN_PID=$$ LISTEN_FDS=1 exec "$0" --socket /nonexistent/ignored --log-level debug', DAEMON],
    env=env, pass_fds=(3,), start_new_session=True, stdout=subprocess.DEVNULL, stderr=open(os.path.join(WORK, "activated.log"), "w"))
os.close(3)


def next_notification():
    return notify.recv(4096).decode()


messages = [next_notification()]
assert "READY=1" in messages[0], messages
print("ok READY=1:", messages[0].replace("\n", " | "))

deadline = time.monotonic() + 30
while not any(m.startswith("STATUS=") and "1 device" in m for m in messages):
    assert time.monotonic() < deadline, messages
    messages.append(next_notification())
print("ok", [m for m in messages if "1 device" in m][-1])


def call(method, parameters=None):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(listen_path)
    s.sendall(json.dumps({"method": method, "parameters": parameters or {}}).encode() + b"\0")
    data = b""
    while not data.endswith(b"\0"):
        chunk = s.recv(65536)
        assert chunk, "connection closed"
        data += chunk
    s.close()
    return json.loads(data[:-1])


info = call("org.varlink.service.GetInfo")
assert "org.mtpsessiond.Manager" in info["parameters"]["interfaces"], info
devices = call("org.mtpsessiond.Manager.ListDevices")["parameters"]["devices"]
assert len(devices) == 1, devices
print("ok served on the inherited socket:", devices[0]["serial"])
assert not os.path.exists("/nonexistent/ignored")

os.killpg(daemon.pid, signal.SIGTERM)
while not any("STOPPING=1" in m for m in messages):
    messages.append(next_notification())
print("ok STOPPING=1 on SIGTERM")
daemon.wait(timeout=30)
