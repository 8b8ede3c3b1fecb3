"""What the Python integration scripts share: the daemon started under the player and waited for, and a varlink
socket that passes file descriptors (the reference client has no API for them)."""
import atexit
import os
import socket
import subprocess


class FDSocket:
    """A socket that sends pending file descriptors with the next message."""

    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(path)
        self.pending = []

    def sendall(self, data):
        if self.pending:
            sent = socket.send_fds(self.sock, [data], self.pending)
            self.pending = []
            if sent < len(data):
                self.sock.sendall(data[sent:])
        else:
            self.sock.sendall(data)

    def recv(self, n):
        return self.sock.recv(n)

    def shutdown(self, how):
        self.sock.shutdown(how)

    def close(self):
        self.sock.close()


def start_daemon(bin_dir, work, socket_path):
    """mtpsessiond (--linger 1, debug log in WORK/daemon.log), returned once it reports one device attached
    (sd_notify STATUS=); killed at exit, so a failed check never leaves it running."""
    notify_path = os.path.join(work, "notify")
    notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    notify.bind(notify_path)
    notify.settimeout(120)
    log = open(os.path.join(work, "daemon.log"), "w")
    daemon = subprocess.Popen([f"{bin_dir}/mtpsessiond", "--socket", socket_path, "--linger", "1", "--log-level", "debug"],
                              env=dict(os.environ, NOTIFY_SOCKET=notify_path), stdout=subprocess.DEVNULL, stderr=log)
    atexit.register(daemon.kill)
    while "1 device" not in notify.recv(4096).decode():
        pass
    notify.close()
    return daemon
