#!/usr/bin/env python3
"""The systemd notification protocol against the real binary: a unix datagram
socket stands in for the service manager (once as a path, once abstract),
NOTIFY_SOCKET points at it, and `sealpost serve` must send READY=1 only once
/healthz answers, then STOPPING=1 on SIGTERM, and exit 0."""
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

EXE = os.environ["SEALPOST_EXE"]


def receive(sock, timeout):
    sock.settimeout(timeout)
    return sock.recv(4096).decode()


def run(work, name, bind_address):
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(bind_address)
    env = dict(os.environ, NOTIFY_SOCKET=name)
    log_path = os.path.join(work, "log")
    with open(log_path, "w") as log:
        server = subprocess.Popen(
            [EXE, "serve", "--listen", "127.0.0.1:0", "--data", os.path.join(work, "data")],
            env=env, stderr=log)
    try:
        ready = receive(sock, 30)
        lines = ready.split("\n")
        assert "READY=1" in lines, f"first datagram {ready!r} has no READY=1"
        # READY=1 is sent after the listener is up: the URL is in the log by now
        # and /healthz answers at once.
        with open(log_path) as f:
            m = re.search(r"listening url=(http://\S+)", f.read())
        assert m, "no listening line before READY=1"
        with urllib.request.urlopen(m.group(1) + "/healthz", timeout=10) as r:
            assert r.status == 200
        status = [l for l in lines if l.startswith("STATUS=")]
        assert status and m.group(1).removeprefix("http://") in status[0], status
        server.send_signal(signal.SIGTERM)
        stopping = receive(sock, 30)
        assert stopping.split("\n") == ["STOPPING=1"], f"got {stopping!r}"
        rc = server.wait(timeout=60)
        assert rc == 0, f"exit status {rc}"
        print(f"{name}: READY=1 ({status[0]}), STOPPING=1, exit 0")
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
        sock.close()


def main():
    with tempfile.TemporaryDirectory() as work:
        path = os.path.join(work, "notify.sock")
        run(work, path, path)
    with tempfile.TemporaryDirectory() as work:
        abstract = f"sealpost-test-notify-{os.getpid()}-{time.monotonic_ns()}"
        run(work, "@" + abstract, "\0" + abstract)
    # Without NOTIFY_SOCKET nothing is sent and serving works as before
    # (covered by every other test); a relative path is refused with a log line.
    with tempfile.TemporaryDirectory() as work:
        env = dict(os.environ, NOTIFY_SOCKET="relative.sock")
        server = subprocess.Popen(
            [EXE, "serve", "--listen", "127.0.0.1:0", "--data", os.path.join(work, "data")],
            env=env, stderr=subprocess.PIPE, text=True)
        deadline = time.time() + 30
        seen = ""
        while time.time() < deadline and "systemd_notify_failed" not in seen:
            seen += server.stderr.readline()
        server.send_signal(signal.SIGTERM)
        seen += server.stderr.read()
        assert server.wait(timeout=60) == 0
        assert "systemd_notify_failed" in seen, seen
        print("relative NOTIFY_SOCKET: refused with a warning, serving unaffected")
    return 0


if __name__ == "__main__":
    sys.exit(main())
