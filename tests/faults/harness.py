"""Shared pieces of the fault and concurrency tests: the real `sealpost serve`
binary on loopback (started, killed with SIGKILL, restarted on the same data
folder), an API token from `sealpost admin token create`, raw tus uploads
over http.client (so a test can cut a body in the middle), the spool mail
(data/mail/*.eml) the personal links are read from, and the audit log read
back with `sealpost admin audit`.

Every check raises AssertionError naming what failed; the test scripts exit
non-zero on the first one."""
import base64
import email
import email.policy
import glob
import hashlib
import http.client
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from sealtest import check, free_port, step, write_config  # noqa: E402,F401

EXE = os.environ["SEALPOST_EXE"]
SENDER = "robot@regionuppsala.se"
PASSWORD = "Fault-Test-Wolf-73"


def sha256(data):
    return hashlib.sha256(data).hexdigest()


class Server:
    """`sealpost serve` on its own port and data folder. extra: more TOML."""

    def __init__(self, work, extra="", data_dir=None, env=None, prefix=None):
        self.work = work
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.data = data_dir or os.path.join(work, "data")
        self.config = os.path.join(work, "sealpost.toml")
        self.env = env
        self.prefix = prefix or []
        self.proc = None
        self.starts = 0
        write_config(self.config, self.port, self.data, extra)

    def log_path(self):
        return os.path.join(self.work, f"server-{self.starts}.log")

    def start(self, wait=True):
        self.starts += 1
        log = open(self.log_path(), "w")
        self.proc = subprocess.Popen(self.prefix + [EXE, "serve", "--config", self.config],
                                     stdout=log, stderr=log, env=self.env)
        if wait:
            self.wait_ready()
        return self

    def wait_ready(self, timeout=30):
        deadline = time.time() + timeout
        while time.time() < deadline:
            check(self.proc.poll() is None,
                  f"sealpost serve exited ({self.proc.returncode}): {self.log()[-3000:]}")
            try:
                status, _, _ = self.request("GET", "/healthz", timeout=2)
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.05)
        raise AssertionError("sealpost serve did not answer /healthz")

    def kill9(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=30)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            code = self.proc.wait(timeout=60)
            check(code == 0, f"server exit code {code}: {self.log()[-3000:]}")

    def log(self):
        try:
            return open(self.log_path(), errors="replace").read()
        except OSError:
            return ""

    def request(self, method, path, body=None, headers=None, timeout=60):
        """One request on a new connection: (status, body bytes, headers)."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            hdrs = dict(headers or {})
            data = body
            if isinstance(body, (dict, list)):
                data = json.dumps(body).encode()
                hdrs.setdefault("Content-Type", "application/json")
            conn.request(method, path, body=data, headers=hdrs)
            res = conn.getresponse()
            return res.status, res.read(), {k.lower(): v for k, v in res.getheaders()}
        finally:
            conn.close()

    def json(self, method, path, body=None, headers=None, timeout=60):
        status, data, hdrs = self.request(method, path, body, headers, timeout)
        parsed = json.loads(data) if data and "json" in hdrs.get("content-type", "") else data
        return status, parsed

    def admin(self, *args, check_rc=True):
        out = subprocess.run([EXE, "admin", *args, "--data", self.data],
                             capture_output=True, text=True, timeout=60)
        if check_rc:
            check(out.returncode == 0, f"admin {args}: {out.stdout} {out.stderr}")
        return out

    def token(self, email=SENDER):
        out = self.admin("token", "create", "--email", email, "--label", "faults")
        found = re.findall(r"\b(spt_[A-Za-z0-9_\-]+)", out.stdout)
        check(found, f"no token in {out.stdout!r}")
        return found[-1]

    def audit(self, transfer_id=None, event=None):
        args = ["audit"]
        if transfer_id:
            args += ["--transfer", transfer_id]
        if event:
            args += ["--event", event]
        out = self.admin(*args)
        return [json.loads(line) for line in out.stdout.splitlines() if line.strip()]

    def audit_verifies(self):
        out = subprocess.run([EXE, "audit", "verify", "--data", self.data],
                             capture_output=True, text=True, timeout=60)
        return out.returncode == 0, out.stdout + out.stderr


class Api:
    """A script with an API token (Authorization: Bearer)."""

    def __init__(self, server, token):
        self.server = server
        self.auth = {"Authorization": f"Bearer {token}"}

    def create(self, recipients=("bo@example.com",), password=PASSWORD, **more):
        body = {"sender": SENDER, "recipients": ",".join(recipients),
                "password_mode": "manual", "password": password}
        body.update(more)
        status, created = self.server.json("POST", "/api/v1/transfers", body, self.auth)
        check(status == 201, f"create {status} {created}")
        return created

    def tus_create(self, upload_url, size, name="data.bin"):
        meta = "filename " + base64.b64encode(name.encode()).decode()
        status, body, hdrs = self.server.request(
            "POST", upload_url, b"", dict(self.auth, **{
                "Tus-Resumable": "1.0.0", "Upload-Length": str(size), "Upload-Metadata": meta}))
        check(status == 201, f"tus create {status} {body[:300]}")
        location = hdrs["location"]
        if location.startswith("http"):
            location = "/" + location.split("/", 3)[3]
        return location

    def tus_patch(self, location, offset, data):
        return self.server.request("PATCH", location, data, dict(self.auth, **{
            "Tus-Resumable": "1.0.0", "Upload-Offset": str(offset),
            "Content-Type": "application/offset+octet-stream"}), timeout=120)

    def tus_offset(self, location):
        status, _, hdrs = self.server.request("HEAD", location, None, dict(self.auth, **{
            "Tus-Resumable": "1.0.0"}))
        return status, int(hdrs.get("upload-offset", "-1"))

    def upload(self, upload_url, data, name="data.bin"):
        location = self.tus_create(upload_url, len(data), name)
        status, body, _ = self.tus_patch(location, 0, data)
        check(status == 204, f"tus patch {status} {body[:300]}")
        return location

    def submit(self, transfer_id):
        return self.server.json("POST", f"/api/v1/transfers/{transfer_id}/submit", None,
                                self.auth)

    def status(self, transfer_id):
        return self.server.json("GET", f"/api/v1/transfers/{transfer_id}", None, self.auth)


def spool_mails(server):
    """(recipients, subject, text) of every .eml in the spool."""
    out = []
    for path in sorted(glob.glob(os.path.join(server.data, "mail", "*.eml"))):
        msg = email.message_from_bytes(open(path, "rb").read(), policy=email.policy.default)
        body = msg.get_body(preferencelist=("plain",))
        out.append((str(msg["To"]), str(msg["Subject"]), body.get_content() if body else ""))
    return out


def download_id(server, address, timeout=30):
    """The personal link of `address` (one transfer per recipient address in these
    tests) from the spool."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        for to, _, text in spool_mails(server):
            found = re.search(r"/d/([a-z2-7]{26})", text)
            if address in to and found:
                return found.group(1)
        time.sleep(0.1)
    raise AssertionError(f"no link for {address} in the spool")


def unlock(server, download, password=PASSWORD, ip=None):
    headers = {"Origin": server.base}
    if ip:
        headers["X-Forwarded-For"] = ip
    return server.json("POST", f"/api/v1/downloads/{download}/unlock",
                       {"password": password}, headers)


def fetch_file(server, download, file_id, password=PASSWORD):
    return server.request("GET", f"/api/v1/downloads/{download}/files/{file_id}", None,
                          {"X-Sealpost-Password": password})


def workdir(name):
    return tempfile.mkdtemp(prefix=f"sealpost-{name}-")


def run(main):
    """Runs main(); prints the server logs of a failure."""
    try:
        main()
    except Exception:
        import traceback
        traceback.print_exc()
        sys.exit(1)
