#!/usr/bin/python3
"""The system test's agent inside the VM: runs what the host driver asks, as the user it names.

One JSON object a line each way on a virtio-serial port. A request is
    {"id": N, "argv": [...], "user": "root", "timeout": SECONDS, "stdin": BASE64?, "env": {...}?}
and its answer {"id": N, "rc": STATUS or null, "timed_out": BOOL, "stdout": BASE64, "stderr": BASE64};
a request without argv (a ping) is answered {"id": N, "pong": true, "boot_id": ...}.
Requests run one at a time; a command that outlives its timeout is killed with its whole process group.
A command that should outlive its request (e.g. `mtpctl monitor`) redirects its output to a file and runs in
the background (setsid ... &), so that the request's pipes close.
Python's standard library only: the guest has python3 and nothing else of Python.
"""
import base64
import json
import os
import pwd
import signal
import subprocess
import sys
import time


def run(request):
    user = request.get("user", "root")
    entry = pwd.getpwnam(user)
    env = {"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOME": entry.pw_dir,
           "USER": user, "LOGNAME": user, "LANG": "C.UTF-8"}
    env.update(request.get("env") or {})
    kwargs = {}
    if entry.pw_uid != 0:
        # The groups a fresh login would get, read from /etc/group now: a user added to a group is in it.
        kwargs = {"user": entry.pw_uid, "group": entry.pw_gid,
                  "extra_groups": os.getgrouplist(user, entry.pw_gid)}
    stdin = base64.b64decode(request["stdin"]) if request.get("stdin") else b""
    cwd = entry.pw_dir if os.path.isdir(entry.pw_dir) else "/"
    try:
        process = subprocess.Popen(request["argv"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, env=env, cwd=cwd, start_new_session=True, **kwargs)
    except OSError as error:
        return {"rc": 127, "timed_out": False, "stdout": "", "stderr": b64(f"agent: {error}\n".encode())}
    timed_out = False
    try:
        out, err = process.communicate(stdin, timeout=request.get("timeout", 60))
    except subprocess.TimeoutExpired:
        timed_out = True
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        out, err = process.communicate()
    return {"rc": None if timed_out else process.returncode, "timed_out": timed_out,
            "stdout": b64(out), "stderr": b64(err)}


def b64(data):
    return base64.b64encode(data).decode()


def main():
    port = os.open(sys.argv[1], os.O_RDWR)
    reader = os.fdopen(port, "rb", buffering=0)
    buffer = b""
    while True:
        chunk = reader.read(65536)
        if not chunk:
            # The host is not connected: the port reads as ended until it is. Look again shortly.
            time.sleep(0.2)
            continue
        buffer += chunk
        while b"\n" in buffer:
            line, buffer = buffer.split(b"\n", 1)
            if not line.strip():
                continue
            try:
                request = json.loads(line)
            except ValueError:
                continue
            if "argv" in request:
                try:
                    answer = run(request)
                except Exception as error:  # an unknown user, a bad request: say so, keep serving
                    answer = {"rc": 127, "timed_out": False, "stdout": "", "stderr": b64(f"agent: {error!r}\n".encode())}
            else:
                with open("/proc/sys/kernel/random/boot_id") as f:
                    answer = {"pong": True, "boot_id": f.read().strip()}
            answer["id"] = request.get("id")
            data = (json.dumps(answer) + "\n").encode()
            while data:
                data = data[os.write(port, data):]


if __name__ == "__main__":
    main()
