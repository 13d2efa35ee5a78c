#!/usr/bin/env python3
"""The request log of the real binary (log.format = "json"): every line is
valid UTF-8 JSON with a level and an event; a request line names the route
pattern and class, never a path with ids or names users chose (checked under
a burst of parallel requests); each response carries an X-Request-Id that the
request line repeats, random unless a trusted proxy sent a well-formed one."""
import concurrent.futures
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

EXE = os.environ["SEALPOST_EXE"]


class Server:
    def __init__(self, work, extra=""):
        config = os.path.join(work, "sealpost.toml")
        with open(config, "w") as f:
            f.write('[log]\nformat = "json"\n' + extra)
        self.log_path = os.path.join(work, "server.log")
        self.log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(
            [EXE, "serve", "--config", config, "--listen", "127.0.0.1:0",
             "--data", os.path.join(work, "data")], stderr=self.log)
        self.port = None
        deadline = time.time() + 30
        while time.time() < deadline and not self.port:
            for line in self.lines():
                if line["event"] == "listening":
                    self.port = int(line["url"].rsplit(":", 1)[1])
            time.sleep(0.05)
        assert self.port, "server did not start"

    def lines(self):
        with open(self.log_path, "rb") as f:
            raw = f.read()
        out = []
        for line in raw.split(b"\n"):
            if line:
                # Strict: invalid UTF-8 or invalid JSON fails the test.
                out.append(json.loads(line.decode("utf-8", errors="strict")))
        return out

    def request(self, method, path, headers=None, body=None):
        req = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", method=method,
                                     headers=headers or {}, data=body)
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                return r.status, r.headers
        except urllib.error.HTTPError as e:
            return e.code, e.headers

    def raw(self, request_bytes):
        with socket.create_connection(("127.0.0.1", self.port), timeout=30) as s:
            s.sendall(request_bytes)
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = s.recv(4096)
                if not chunk:
                    break
                data += chunk
            return data

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        assert self.proc.wait(timeout=60) == 0
        self.log.close()


def request_lines(server):
    return [l for l in server.lines() if l["event"] == "request"]


def main():
    secret = "Secret-Report-2026.pdf"
    with tempfile.TemporaryDirectory() as work:
        s = Server(work)
        try:
            for l in s.lines():
                assert "level" in l and "event" in l and "time" in l, l
            # Invariant: no request line carries a user-chosen path segment, also
            # when many such requests run at once.
            paths = [("PUT", f"/api/v1/transfers/T{i}/files/{secret}") for i in range(20)]
            paths += [("GET", f"/api/v1/downloads/{secret}"),
                      ("GET", f"/api/v1/downloads/{secret}/files/{secret}"),
                      ("DELETE", f"/api/v1/senders/{secret}%40example.org"),
                      ("GET", f"/api/v1/no-such-route/{secret}"),
                      ("PATCH", f"/api/v1/transfers/T1/files/{secret}")]
            with concurrent.futures.ThreadPoolExecutor(max_workers=16) as pool:
                results = list(pool.map(lambda mp: s.request(mp[0], mp[1], body=b"x"
                                                             if mp[0] != "GET" else None),
                                        paths))
            # Bytes that are not UTF-8 in the target (a Latin-1 "é"), raw on the socket.
            head = s.raw(b"GET /caf\xe9-" + secret.encode() + b" HTTP/1.1\r\nHost: x\r\n"
                         b"Connection: close\r\n\r\n")
            assert head.startswith(b"HTTP/1.1 "), head
            time.sleep(0.3)
            lines = request_lines(s)
            assert len(lines) >= len(paths), (len(lines), len(paths))
            text = open(s.log_path, "rb").read().decode("utf-8")
            api_lines = [l for l in lines if l.get("route", "").startswith("/api/")
                         or l.get("route") == "(none)"]
            assert len(api_lines) >= len(paths)
            assert secret not in "".join(json.dumps(l) for l in api_lines), api_lines
            routes = {l.get("route") for l in lines}
            assert "/api/v1/transfers/{id}/files/{file_id}" in routes, routes
            assert "/api/v1/downloads/{download_id}" in routes, routes
            assert "(none)" in routes, routes
            for l in lines:
                assert l["ip"] == "127.0.0.1", l
                assert l["class"] in ("static", "api", "upload", "download", "admin", "service")
            print(f"{len(lines)} request lines, valid UTF-8 JSON, route patterns only in the API")

            # Request ids: one per response, repeated in the log; an untrusted
            # peer's X-Request-Id is not taken.
            status, headers = s.request("GET", "/healthz", headers={"X-Request-Id": "client-id-1"})
            rid = headers["X-Request-Id"]
            assert re.fullmatch(r"[0-9a-f]{32}", rid), rid
            time.sleep(0.2)
            assert any(l["request_id"] == rid and l["route"] == "/healthz"
                       for l in request_lines(s))
            ids = {s.request("GET", "/healthz")[1]["X-Request-Id"] for _ in range(20)}
            assert len(ids) == 20
            assert "client-id-1" not in text
        finally:
            s.stop()

    with tempfile.TemporaryDirectory() as work:
        s = Server(work, '[security]\ntrusted_proxies = ["127.0.0.1"]\n')
        try:
            status, headers = s.request("GET", "/healthz",
                                        headers={"X-Request-Id": "nginx-4f2a:9.x_Y"})
            assert headers["X-Request-Id"] == "nginx-4f2a:9.x_Y"
            status, headers = s.request("GET", "/healthz",
                                        headers={"X-Request-Id": "bad id<script>"})
            assert re.fullmatch(r"[0-9a-f]{32}", headers["X-Request-Id"])
            status, headers = s.request("GET", "/healthz", headers={"X-Request-Id": "a" * 129})
            assert re.fullmatch(r"[0-9a-f]{32}", headers["X-Request-Id"])
            s.request("GET", "/healthz", headers={"X-Forwarded-For": "203.0.113.9",
                                                  "X-Request-Id": "xff-check"})
            time.sleep(0.2)
            assert any(l.get("request_id") == "nginx-4f2a:9.x_Y" for l in request_lines(s))
            # Behind the trusted proxy the line names the client it saw.
            assert [l["ip"] for l in request_lines(s) if l["request_id"] == "xff-check"] == \
                ["203.0.113.9"]
        finally:
            s.stop()
    print("X-Request-Id: random per request, kept only from a trusted proxy when well-formed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
