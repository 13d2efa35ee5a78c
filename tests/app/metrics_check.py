#!/usr/bin/env python3
"""/metrics of the real binary after some traffic: promtool (Prometheus'
own checker) accepts the exposition, the request-duration histogram counted
each route class, the process, build, storage and outbox series are there, and
metrics.allow decides who may read the page — checked against the client
address that security.trusted_proxies resolves, so a proxy on loopback does
not open it to everyone."""
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

EXE = os.environ["SEALPOST_EXE"]
PROMTOOL = os.environ.get("PROMTOOL", "/usr/bin/promtool")


class Server:
    def __init__(self, work, config_text):
        self.work = work
        config = os.path.join(work, "sealpost.toml")
        with open(config, "w") as f:
            f.write(config_text)
        self.log_path = os.path.join(work, "server.log")
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen(
            [EXE, "serve", "--config", config, "--listen", "127.0.0.1:0",
             "--data", os.path.join(work, "data")], stderr=self.log)
        deadline = time.time() + 30
        self.url = None
        while time.time() < deadline and self.url is None:
            with open(self.log_path) as f:
                m = re.search(r"listening url=(http://\S+)", f.read())
            if m:
                self.url = m.group(1)
            elif self.proc.poll() is not None:
                break
            else:
                time.sleep(0.05)
        assert self.url, "server did not start: " + open(self.log_path).read()

    def get(self, path, method="GET", headers=None):
        req = urllib.request.Request(self.url + path, method=method, headers=headers or {})
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode()

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        rc = self.proc.wait(timeout=60)
        self.log.close()
        assert rc == 0, f"exit status {rc}"


def sample(text, name, labels=""):
    m = re.search(r"^" + re.escape(name + labels) + r" (\S+)$", text, re.M)
    assert m, f"no sample {name}{labels}"
    return float(m.group(1))


def main():
    with tempfile.TemporaryDirectory() as work:
        s = Server(work, "")
        try:
            # Traffic in every class the server can see without a transfer.
            assert s.get("/healthz")[0] == 200
            assert s.get("/")[0] == 200
            assert s.get("/style.css")[0] == 200
            assert s.get("/api/v1/config")[0] == 200
            assert s.get("/api/v1/transfers/t1/files/f1", method="PUT")[0] in (401, 403, 404)
            assert s.get("/api/v1/downloads/nothing")[0] == 404
            assert s.get("/api/v1/admin/stats")[0] == 401
            status, text = s.get("/metrics")
            assert status == 200
            path = os.path.join(work, "metrics.txt")
            with open(path, "w") as f:
                f.write(text)
            check = subprocess.run([PROMTOOL, "check", "metrics"], input=text, text=True,
                                   capture_output=True)
            assert check.returncode == 0, "promtool: " + check.stdout + check.stderr
            print("promtool check metrics: OK")

            h = "sealpost_http_request_duration_seconds"
            expected = {"static": 2, "api": 1, "upload": 1, "download": 1, "admin": 1, "service": 1}
            for cls, n in expected.items():
                count = sample(text, h + "_count", f'{{class="{cls}"}}')
                inf = sample(text, h + "_bucket", f'{{class="{cls}",le="+Inf"}}')
                assert count == n and inf == n, f"{cls}: count {count}, +Inf {inf}, want {n}"
            version = subprocess.run([EXE, "--version"], capture_output=True,
                                     text=True).stdout.split()[-1]
            assert re.search(r'^sealpost_build_info\{version="' + re.escape(version) +
                             r'",tls="(openssl|boringssl)"\} 1$', text, re.M), "build_info"
            for name in ("process_cpu_seconds_total", "process_resident_memory_bytes",
                         "process_open_fds", "process_start_time_seconds",
                         "sealpost_outbox_messages", "sealpost_transfer_lockouts_total",
                         "sealpost_argon2id_queue_depth",
                         "sealpost_transfers_locked", "sealpost_metrics_refresh_ok"):
                sample(text, name)
            assert sample(text, "process_resident_memory_bytes") > 1 << 20
            assert abs(sample(text, "process_start_time_seconds") - time.time()) < 600
            assert sample(text, "sealpost_transfers", '{status="open"}') == 0
            assert sample(text, "sealpost_argon2id_queue_depth") == 0
            assert sample(text, "sealpost_mail_deliveries_total", '{result="sent"}') == 0
            assert sample(text, "sealpost_metrics_refresh_ok") == 1
            print("histogram by route class, build, process, storage and outbox series: OK")
        finally:
            s.stop()

    # Behind a trusted proxy on loopback: the forwarded client decides.
    with tempfile.TemporaryDirectory() as work:
        s = Server(work, '[security]\ntrusted_proxies = ["127.0.0.1"]\n')
        try:
            status, body = s.get("/metrics", headers={"X-Forwarded-For": "203.0.113.7"})
            assert status == 403, status
            assert "not available" in body
            assert s.get("/metrics", headers={"X-Forwarded-For": "127.0.0.1"})[0] == 200
            assert s.get("/metrics")[0] == 200
        finally:
            s.stop()
    # An allow list without loopback refuses the local client.
    with tempfile.TemporaryDirectory() as work:
        s = Server(work, '[metrics]\nallow = ["10.0.0.0/8", "fd00::/8"]\n')
        try:
            assert s.get("/metrics")[0] == 403
            assert s.get("/healthz")[0] == 200
        finally:
            s.stop()
    print("metrics.allow with and without a trusted proxy: OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
