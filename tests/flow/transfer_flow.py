"""End-to-end test of the Provide and Retrieve workflow (README,
the OpenAPI document) against the real `sealpost serve` binary, a real SMTP server on
loopback (aiosmtpd, tests/mail/smtp_server.py) and tus-js-client (Node.js).

Everything a person would do is done over real sockets: the verification
code and the personal links are read from the mail the SMTP server
received; files go up through tus; downloads are compared by SHA-256.
Exits non-zero on the first failed check, naming it."""
import email
import email.policy
import hashlib
import http.cookiejar
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import zipfile

EXE = os.environ["SEALPOST_EXE"]
SMTP_SCRIPT = os.environ["SEALPOST_SMTP_SERVER"]
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from sealtest import check, free_port, step, write_config  # noqa: E402,F401

E2E_DIR = os.environ["SEALPOST_E2E_DIR"]


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


class SmtpServer:
    """smtp_server.py as a child process; received mail is read from dir."""

    def __init__(self, directory, port=0):
        self.dir = directory
        self.proc = subprocess.Popen(
            ["/usr/bin/python3", SMTP_SCRIPT, "--dir", directory, "--port", str(port)],
            stdout=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        check(line.startswith("PORT "), f"SMTP server did not start: {line!r}")
        self.port = int(line.split()[1])

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=20)


class Mailbox:
    """Every message the SMTP server wrote to its directories so far."""

    def __init__(self, *dirs):
        self.dirs = list(dirs)

    def all(self):
        out = []
        for d in self.dirs:
            names = sorted((n for n in os.listdir(d) if n.endswith(".json")),
                           key=lambda n: int(n.split(".")[0]))
            for name in names:
                meta = json.load(open(os.path.join(d, name)))
                raw = open(os.path.join(d, name[:-5] + ".eml"), "rb").read()
                msg = email.message_from_bytes(raw, policy=email.policy.default)
                out.append((meta, msg, raw))
        return out

    def wait(self, predicate, count=1, timeout=30):
        deadline = time.time() + timeout
        while time.time() < deadline:
            found = [m for m in self.all() if predicate(*m)]
            if len(found) >= count:
                return found
            time.sleep(0.2)
        raise AssertionError(f"expected {count} matching mail(s) within {timeout}s")


def text_of(msg):
    return msg.get_body(preferencelist=("plain",)).get_content()


def to(address):
    return lambda meta, msg, raw: address in meta["rcpt_tos"]


class Client:
    """One browser (its own cookie jar) or script talking JSON to the API."""

    def __init__(self, base, headers=None):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.headers = headers or {}

    def call(self, method, path, body=None, headers=None, raw=False):
        data = None
        hdrs = dict(self.headers)
        if body is not None:
            data = json.dumps(body).encode()
            hdrs["Content-Type"] = "application/json"
        if method not in ("GET", "HEAD"):
            hdrs.setdefault("Origin", self.base)
        hdrs.update(headers or {})
        req = urllib.request.Request(self.base + path, data=data, method=method, headers=hdrs)
        try:
            with self.opener.open(req, timeout=60) as res:
                payload = res.read()
                status, res_headers = res.status, res.headers
        except urllib.error.HTTPError as e:
            payload, status, res_headers = e.read(), e.code, e.headers
        if raw:
            return status, payload, res_headers
        ctype = res_headers.get("Content-Type", "")
        return status, (json.loads(payload) if "json" in ctype and payload else payload)

    def cookie(self, name):
        for c in self.jar:
            if c.name == name:
                return c.value
        return None


def tus_upload(endpoint, path, name, headers):
    args = ["node", os.path.join(E2E_DIR, "tus_upload.mjs"), "--endpoint", endpoint,
            "--file", path, "--filename", name, "--chunk-size", str(1 << 20)]
    for h in headers:
        args += ["--header", h]
    out = subprocess.run(args, capture_output=True, text=True, timeout=300)
    events = [json.loads(line) for line in out.stdout.splitlines() if line.startswith("{")]
    check(out.returncode == 0 and events and events[-1]["event"] == "success",
          f"tus upload of {name} failed: {out.stdout[-2000:]} {out.stderr[-2000:]}")


def start_server(work, port, smtp_port=None, extra_config=""):
    """`sealpost serve` on `port` with data in work/data: mail to the SMTP
    server on smtp_port, or the embedded default's spool when None;
    `extra_config` (TOML sections) is appended to the configuration."""
    config = os.path.join(work, "sealpost.toml")
    mail = f"""
[mail]
transport = "smtp"
from = "sealpost <noreply@regionuppsala.se>"
admin_address = "security@regionuppsala.se"
smtp_url = "smtp://127.0.0.1:{smtp_port}"
smtp_starttls = false
smtp_timeout = "5s"
retry_first_delay = "1s"
""" if smtp_port else ""
    write_config(config, port, f"{work}/data", mail + extra_config)
    log = open(os.path.join(work, "server.log"), "w")
    proc = subprocess.Popen([EXE, "serve", "--config", config], stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2) as r:
                if r.status == 200:
                    return proc, base
        except OSError:
            time.sleep(0.1)
    raise AssertionError("sealpost serve did not answer /healthz")


def verify(browser, mailbox, address, name, phone):
    """Verifies `address` in `browser` with the code of the mail this request
    caused (counted first: an earlier code mail to the same address is stale)."""
    def is_code(meta, msg, raw):
        return address in meta["rcpt_tos"] and "verification code" in msg["Subject"].lower()
    before = len([m for m in mailbox.all() if is_code(*m)])
    status, body = browser.call("POST", "/api/v1/verifications",
                                {"email": address, "name": name, "phone": phone})
    check(status == 202, f"verification request {status} {body}")
    mails = mailbox.wait(is_code, count=before + 1)
    code = re.search(r"\b(\d{8})\b", text_of(mails[-1][1])).group(1)
    status, body = browser.call("POST", f"/api/v1/verifications/{body['verification_id']}",
                                {"code": code})
    check(status == 200 and body["sender"]["email"] == address, f"confirm {status} {body}")


def main():
    work = tempfile.mkdtemp(prefix="sealpost-flow-")
    mail_dir = os.path.join(work, "smtp")
    os.makedirs(mail_dir)
    smtp = SmtpServer(mail_dir)
    mailbox = Mailbox(mail_dir)
    port = free_port()
    server, base = start_server(work, port, smtp.port)
    try:
        run(work, base, smtp, mailbox)
    finally:
        server.send_signal(signal.SIGTERM)
        code = server.wait(timeout=60)
        print(open(os.path.join(work, "server.log")).read()[-4000:], file=sys.stderr)
        try:
            smtp.stop()
        except Exception:
            pass
    check(code == 0, f"server exit code {code}")
    subprocess.run(["rm", "-rf", work])
    spool_flow()
    print("transfer flow: all checks passed")


def spool_flow():
    """The embedded default's mail: the code arrives as an .eml in data/mail/."""
    step("embedded default: mail to the spool folder, a sender verifies from it")
    work = tempfile.mkdtemp(prefix="sealpost-spool-")
    server, base = start_server(work, free_port())
    try:
        browser = Client(base)
        status, body = browser.call("POST", "/api/v1/verifications",
                                    {"email": "nils@akademiska.se", "name": "Nils", "phone": ""})
        check(status == 202, f"verification {status} {body}")
        spool = os.path.join(work, "data", "mail")
        deadline = time.time() + 20
        while time.time() < deadline and not [n for n in os.listdir(spool) if n.endswith(".eml")]:
            time.sleep(0.1)
        names = [n for n in os.listdir(spool) if n.endswith(".eml")]
        check(len(names) == 1, f"one .eml in the spool, found {names}")
        check(oct(os.stat(os.path.join(spool, names[0])).st_mode & 0o777) == "0o600",
              "spool files are private")
        msg = email.message_from_bytes(open(os.path.join(spool, names[0]), "rb").read(),
                                       policy=email.policy.default)
        check("nils@akademiska.se" in msg["To"], "addressed to the sender")
        code = re.search(r"\b(\d{8})\b", text_of(msg)).group(1)
        status, body = browser.call("POST", f"/api/v1/verifications/{body['verification_id']}",
                                    {"code": code})
        check(status == 200 and browser.cookie("sp_client"), f"verified from the spool {status}")
    finally:
        server.send_signal(signal.SIGTERM)
        check(server.wait(timeout=60) == 0, "spool server stopped cleanly")
    subprocess.run(["rm", "-rf", work])


def run(work, base, smtp, mailbox):
    anna = Client(base)

    step("verification: hinted domain refused, wrong code counted, code from the mail")
    status, body = anna.call("POST", "/api/v1/verifications", {"email": "anna@lul.se", "name": "A"})
    check(status == 400 and "regionuppsala.se" in body["detail"], f"hint {status} {body}")
    status, body = anna.call("POST", "/api/v1/verifications",
                             {"email": "anna@regionuppsala.se", "name": "Anna\r\nBcc: evil@example.net"})
    check(status == 400, "control characters in the name are refused")
    status, body = anna.call("GET", "/api/v1/senders")
    check(status == 200 and body["senders"] == [], "a fresh browser has no identity")
    status, body = anna.call("POST", "/api/v1/transfers",
                             {"sender": "anna@regionuppsala.se", "recipients": ["bo@example.com"],
                              "password_mode": "generated"})
    check(status == 401, f"no transfer before verification: {status}")
    status, body = anna.call("POST", "/api/v1/verifications",
                             {"email": "anna@regionuppsala.se", "name": "Anna Berg",
                              "phone": "+46 70 111 22 33"})
    vid = body["verification_id"]
    status, body = anna.call("POST", f"/api/v1/verifications/{vid}", {"code": "00000000"})
    check(status == 400 and body["attempts_left"] == 4, f"wrong code {status} {body}")
    mails = mailbox.wait(to("anna@regionuppsala.se"))
    code = re.search(r"\b(\d{8})\b", text_of(mails[-1][1])).group(1)
    status, body = anna.call("POST", f"/api/v1/verifications/{vid}", {"code": code})
    check(status == 200, f"confirm {status} {body}")
    check(anna.cookie("sp_client") is not None, "sp_client cookie set")
    status, body = anna.call("POST", f"/api/v1/verifications/{vid}", {"code": code})
    check(status == 410, "a code is single-use")
    status, body = anna.call("GET", "/api/v1/senders")
    check([s["email"] for s in body["senders"]] == ["anna@regionuppsala.se"], f"senders {body}")

    step("second identity, edited; policy refuses external to external")
    verify(anna, mailbox, "partner@example.com", "Per Partner", "")
    status, body = anna.call("PATCH", "/api/v1/senders/partner@example.com", {"phone": "+46 8 123"})
    check(status == 200 and body["phone"] == "+46 8 123", f"patch {status} {body}")
    status, body = anna.call("POST", "/api/v1/policy/check",
                             {"sender": "partner@example.com",
                              "recipients": "carl@akademiska.se; other@example.org"})
    check(status == 200 and not body["allowed"]
          and [r["email"] for r in body["failed_recipients"]] == ["other@example.org"],
          f"policy check {body}")
    status, body = anna.call("POST", "/api/v1/transfers",
                             {"sender": "partner@example.com", "recipients": "other@example.org",
                              "password_mode": "generated"})
    check(status == 403 and body["failed_recipients"][0]["email"] == "other@example.org",
          f"external to external {status} {body}")
    status, body = anna.call("POST", "/api/v1/transfers",
                             {"sender": "partner@example.com", "recipients": "carl@akademiska.se",
                              "password_mode": "generated"}, headers={"Origin": "http://evil.example"})
    check(status == 403, "a foreign Origin is refused")

    step("password rules by name")
    for password, rule in [("Short1x", "min_length"), ("nouppercase-here-9", "upper"),
                           ("NOLOWERCASE-HERE-9", "lower"), ("Good-but-abc-Run9", "sequence"),
                           ("Repeats-aaa-Here7", "sequence"), ("Keyboard-qwe-Run7", "sequence")]:
        status, body = anna.call("POST", "/api/v1/passwords/check", {"password": password})
        check(not body["ok"] and rule in [v["rule"] for v in body["violations"]],
              f"{rule} for {password}: {body}")
    status, body = anna.call("POST", "/api/v1/passwords/generate")
    generated = body["password"]
    status, body = anna.call("POST", "/api/v1/passwords/check", {"password": generated})
    check(body["ok"], "a generated password passes")
    status, body = anna.call("POST", "/api/v1/transfers",
                             {"sender": "anna@regionuppsala.se", "recipients": "bo@example.com",
                              "password_mode": "manual", "password": "abc"})
    check(status == 400 and {"min_length", "upper", "sequence"} <=
          {v["rule"] for v in body["violations"]}, f"weak password {status} {body}")

    step("create a transfer with two recipients (one external), message, options")
    password = "Tr4nsfer-Secret-Wolf"
    subject = "Records\r\nBcc: evil@example.net"
    status, created = anna.call("POST", "/api/v1/transfers", {
        "sender": "anna@regionuppsala.se",
        "recipients": "bo@example.com,\ncarl@akademiska.se  bo@EXAMPLE.com",
        "message": "The confidential message åäö.",
        "retention_days": 3, "language": "sv",
        "notify_on_provided": True, "notify_on_download": True, "show_filenames": True,
        "password_mode": "manual", "password": password,
        "notification": {"subject": subject, "body": "Hej!\nBcc: evil2@example.net\n"}})
    check(status == 201 and created["status"] == "open" and "password" not in created,
          f"create {status} {created}")
    tid = created["id"]

    step("upload two files with tus-js-client (sender cookie), then submit")
    status, _, _ = Client(base).call("POST", created["upload_url"], raw=True,
                                     headers={"Tus-Resumable": "1.0.0", "Upload-Length": "5"})
    check(status == 401, f"a stranger cannot upload into the transfer: {status}")
    status, _, _ = Client(base).call("PUT", created["upload_url"] + "/x.txt", raw=True)
    check(status == 401, f"nor PUT a file: {status}")
    files = {"journal.pdf": 3 * 1024 * 1024 + 17, "röntgen bild.png": 200_001}
    cookie = f"Cookie: sp_client={anna.cookie('sp_client')}"
    for i, (name, size) in enumerate(files.items()):
        path = os.path.join(work, f"f{i}")
        with open(path, "wb") as f:
            f.write(os.urandom(size))
        tus_upload(base + created["upload_url"], path, name, [cookie, f"Origin: {base}"])
        files[name] = path
    status, body = Client(base).call("POST", f"/api/v1/transfers/{tid}/submit")
    check(status == 401, "another browser cannot submit")
    status, provided = anna.call("POST", f"/api/v1/transfers/{tid}/submit")
    check(status == 200 and provided["status"] == "provided", f"submit {status} {provided}")
    status, body = anna.call("POST", f"/api/v1/transfers/{tid}/submit")
    check(status == 409, "a second submit is refused")

    step("notifications: personal links, no password, no injected header")
    links = {}
    for address in ("bo@example.com", "carl@akademiska.se"):
        (meta, msg, raw), = mailbox.wait(lambda m, g, r, a=address: a in m["rcpt_tos"]
                                         and "/d/" in text_of(g))
        text = text_of(msg)
        check(password.encode() not in raw, f"no password in the mail to {address}")
        check("journal.pdf" in text, "file names shown when allowed")
        check("Anna Berg" in text and "+46 70 111 22 33" in text, "sender details")
        check(msg["Bcc"] is None and all("evil" not in r for r in meta["rcpt_tos"]),
              "no injected Bcc")
        check(set(k.lower() for k in msg.keys()) <= {
            "from", "to", "subject", "date", "message-id", "mime-version", "content-type",
            "content-transfer-encoding", "auto-submitted", "reply-to", "content-language"},
            f"unexpected headers {msg.keys()}")
        links[address] = re.search(r"/d/([a-z2-7]{26})", text).group(1)
    confirmation, = mailbox.wait(lambda m, g, r: "anna@regionuppsala.se" in m["rcpt_tos"]
                                 and "revoke_token=" in text_of(g))
    revoke = re.search(r"/t/[a-z2-7]{26}\?revoke_token=([0-9a-f]+)", text_of(confirmation[1]))
    check(revoke is not None and tid in text_of(confirmation[1]), "confirmation with revoke link")

    step("each recipient unlocks and downloads everything")
    for address, download_id in links.items():
        rec = Client(base)
        status, info = rec.call("GET", f"/api/v1/downloads/{download_id}")
        check(status == 200 and info["sender"]["email"] == "anna@regionuppsala.se"
              and info["password_required"], f"info {info}")
        status, body = rec.call("GET", f"/api/v1/downloads/{download_id}/message")
        check(status == 401, "nothing without the password")
        status, unlocked = rec.call("POST", f"/api/v1/downloads/{download_id}/unlock",
                                    {"password": password})
        check(status == 200 and rec.cookie("sp_access"), f"unlock {status} {unlocked}")
        by_name = {f["name"]: f for f in unlocked["files"]}
        check(set(by_name) == set(files), f"file names {by_name.keys()}")
        for name, path in files.items():
            f = by_name[name]
            check(f["sha256"] == sha256(path), f"listed checksum of {name}")
            status, data, headers = rec.call("GET", f"/api/v1/downloads/{download_id}/files/{f['id']}",
                                             raw=True)
            check(status == 200 and hashlib.sha256(data).hexdigest() == f["sha256"],
                  f"download of {name}")
            check("attachment" in headers["Content-Disposition"], "attachment")
        status, body = rec.call("GET", f"/api/v1/downloads/{download_id}/message")
        check(body["message"] == "The confidential message åäö.", "message")
        status, data, _ = rec.call("GET", f"/api/v1/downloads/{download_id}/checksums", raw=True)
        check(sorted(data.decode().splitlines()) == sorted(
            f"{sha256(p)}  {n}" for n, p in files.items()), f"checksums {data}")
        status, data, _ = rec.call("GET", f"/api/v1/downloads/{download_id}/zip", raw=True)
        zpath = os.path.join(work, "all.zip")
        open(zpath, "wb").write(data)
        check(subprocess.run(["unzip", "-tq", zpath]).returncode == 0, "unzip -t")
        with zipfile.ZipFile(zpath) as z:
            for name, path in files.items():
                check(hashlib.sha256(z.read(name)).hexdigest() == sha256(path), f"zip {name}")
            check(z.read("message.txt").decode() == "The confidential message åäö.", "zip message")

    step("status counts downloads; receipts reach the sender")
    status, st = anna.call("GET", f"/api/v1/transfers/{tid}")
    counts = {r["email"]: r["downloads"] for r in st["recipients"]}
    check(status == 200 and counts == {"bo@example.com": 3, "carl@akademiska.se": 3},
          f"download counts {st}")
    mailbox.wait(lambda m, g, r: "anna@regionuppsala.se" in m["rcpt_tos"]
                 and "bo@example.com" in g["Subject"], count=3)

    step("a script downloads with X-Sealpost-Password; a wrong one counts")
    script = Client(base)
    dl = links["bo@example.com"]
    status, body = script.call("GET", f"/api/v1/downloads/{dl}/message",
                               headers={"X-Sealpost-Password": "Wrong-Password-77"})
    check(status == 401 and body["attempts_left"] == 2, f"wrong header {status} {body}")
    status, body = script.call("GET", f"/api/v1/downloads/{dl}/message",
                               headers={"X-Sealpost-Password": password})
    check(status == 200, "right header")

    step("revoke with the token from the mail: links gone, recipients told")
    status, _ = Client(base).call("DELETE", f"/api/v1/transfers/{tid}?revoke_token=0000")
    check(status == 403, "a wrong revoke token is refused")
    status, _ = Client(base).call("DELETE", f"/api/v1/transfers/{tid}?revoke_token={revoke.group(1)}")
    check(status == 204, f"revoke {status}")
    for address, download_id in links.items():
        status, _ = Client(base).call("GET", f"/api/v1/downloads/{download_id}")
        check(status == 410, f"link of {address} answers 410 after revoke")
        mailbox.wait(lambda m, g, r, a=address: a in m["rcpt_tos"] and "revoked" in text_of(g).lower()
                     or a in m["rcpt_tos"] and "återkall" in text_of(g).lower())
    status, st = anna.call("GET", f"/api/v1/transfers/{tid}")
    check(st["status"] == "revoked", f"status after revoke {st}")

    step("the audit log: every step of the flow, with actor and IP; the chain verifies")
    data = os.path.join(work, "data")
    out = subprocess.run([EXE, "admin", "audit", "--transfer", tid, "--data", data],
                         capture_output=True, text=True)
    check(out.returncode == 0, f"admin audit {out.stderr}")
    events = [json.loads(line) for line in out.stdout.splitlines() if line.strip()]
    names = {e["event"] for e in events}
    for name in ("transfer_created", "file_uploaded", "transfer_provided", "notification_sent",
                 "download_unlocked", "file_downloaded", "zip_downloaded", "message_read",
                 "password_failed", "transfer_revoked"):
        check(name in names, f"audit event {name} recorded; got {sorted(names)}")
    created_event = next(e for e in events if e["event"] == "transfer_created")
    check(created_event["email"] == "anna@regionuppsala.se" and created_event["ip"] == "127.0.0.1",
          f"actor and IP {created_event}")
    unlocked = [e["email"] for e in events if e["event"] == "download_unlocked"]
    check(sorted(set(unlocked)) == ["bo@example.com", "carl@akademiska.se"], f"unlocked by {unlocked}")
    out = subprocess.run([EXE, "admin", "audit", "--event", "verification_confirmed",
                          "--data", data], capture_output=True, text=True)
    check("anna@regionuppsala.se" in out.stdout, "verification_confirmed recorded")
    out = subprocess.run([EXE, "audit", "verify", "--data", data], capture_output=True, text=True)
    check(out.returncode == 0, f"audit chain verifies: {out.stdout} {out.stderr}")

    step("no file name or message text anywhere in the data folder or the logs")
    secrets = [n.encode() for n in files] + ["röntgen".encode(), b"The confidential message"]
    for root, _, names_ in os.walk(data):
        for name in names_:
            blob = open(os.path.join(root, name), "rb").read()
            for secret in secrets:
                check(secret not in blob, f"{secret!r} found in {os.path.join(root, name)}")
    log_text = open(os.path.join(work, "server.log"), "rb").read()
    for secret in secrets:
        check(secret not in log_text, f"{secret!r} found in the server log")

    step("three wrong passwords lock the transfer; admin and sender are told")
    status, t3 = anna.call("POST", "/api/v1/transfers",
                           {"sender": "anna@regionuppsala.se", "recipients": "eva@example.com",
                            "password_mode": "manual", "password": password,
                            "message": "locked soon"})
    status, _ = anna.call("POST", f"/api/v1/transfers/{t3['id']}/submit")
    check(status == 200, "third transfer provided")
    (meta, msg, raw), = mailbox.wait(lambda m, g, r: "eva@example.com" in m["rcpt_tos"])
    eva_dl = re.search(r"/d/([a-z2-7]{26})", text_of(msg)).group(1)
    eva = Client(base)
    for attempt in (1, 2):
        status, body = eva.call("POST", f"/api/v1/downloads/{eva_dl}/unlock", {"password": "Nope-Wrong-%d" % attempt})
        check(status == 401 and body["attempts_left"] == 3 - attempt, f"attempt {attempt}: {body}")
    status, body = eva.call("POST", f"/api/v1/downloads/{eva_dl}/unlock", {"password": "Nope-Wrong-3"})
    check(status == 423 and body["locked_until"] and body["attempts_before_deletion"] == 7,
          f"third wrong password locks: {status} {body}")
    status, body = eva.call("POST", f"/api/v1/downloads/{eva_dl}/unlock", {"password": password})
    check(status == 423 and body["attempts_before_deletion"] == 7,
          "while locked even the right password is refused and nothing is counted")
    status, info = eva.call("GET", f"/api/v1/downloads/{eva_dl}")
    check(info["locked_until"] is not None, "the lock is shown")
    for address in ("security@regionuppsala.se", "anna@regionuppsala.se"):
        mailbox.wait(lambda m, g, r, a=address: a in m["rcpt_tos"] and t3["id"] in text_of(g)
                     and ("lock" in text_of(g).lower() or "spärr" in text_of(g).lower()))
    status, st = anna.call("GET", f"/api/v1/transfers/{t3['id']}")
    check(st["failed_attempts"] == 3 and st["locked_until"], f"sender sees the lock {st}")

    step("admin unlock restores access; the 10th wrong password deletes, admin and sender are told")
    data_dir = os.path.join(work, "data")

    def admin_unlock():
        out = subprocess.run([EXE, "admin", "unlock", t3["id"], "--data", data_dir],
                             capture_output=True, text=True)
        check(out.returncode == 0 and t3["id"] in out.stdout, f"admin unlock {out.stderr}")

    admin_unlock()
    status, body = eva.call("POST", f"/api/v1/downloads/{eva_dl}/unlock", {"password": password})
    check(status == 200, f"the right password works after an admin unlock: {status} {body}")
    wrong = 3
    for _ in range(2):
        for n in range(3):
            wrong += 1
            status, body = eva.call("POST", f"/api/v1/downloads/{eva_dl}/unlock",
                                    {"password": "Nope-Wrong-%d" % wrong})
            check(status == (423 if n == 2 else 401), f"wrong password {wrong}: {status} {body}")
        check(body["attempts_before_deletion"] == 10 - wrong, f"after {wrong}: {body}")
        admin_unlock()
    script = Client(base, {"X-Sealpost-Password": "Nope-Wrong-10"})
    status, body = script.call("GET", f"/api/v1/downloads/{eva_dl}/message")
    check(status == 410, f"the 10th wrong password (by header this time) deletes: {status} {body}")
    status, _ = eva.call("POST", f"/api/v1/downloads/{eva_dl}/unlock", {"password": password})
    check(status in (404, 410), f"the deleted transfer stays gone, also for the right password: {status}")
    for address in ("security@regionuppsala.se", "anna@regionuppsala.se"):
        mailbox.wait(lambda m, g, r, a=address: a in m["rcpt_tos"] and t3["id"] in text_of(g)
                     and ("deleted" in text_of(g) or "raderades" in text_of(g))
                     and "10" in text_of(g))
    out = subprocess.run([EXE, "admin", "audit", "--transfer", t3["id"], "--data", data_dir],
                         capture_output=True, text=True)
    trail = [json.loads(line) for line in out.stdout.splitlines() if line.strip()]
    count = lambda name: sum(1 for e in trail if e["event"] == name)
    check(count("password_failed") == 10 and count("transfer_locked") == 3
          and count("transfer_unlocked") == 3 and count("transfer_deleted_attempts") == 1,
          f"the lockouts, unlocks and deletion are audited: {[e['event'] for e in trail]}")
    out = subprocess.run([EXE, "audit", "verify", "--data", data_dir], capture_output=True, text=True)
    check(out.returncode == 0, f"audit chain verifies after the deletion: {out.stdout} {out.stderr}")

    step("API token instead of the cookie")
    out = subprocess.run([EXE, "admin", "token", "create", "--email", "robot@regionuppsala.se",
                          "--data", os.path.join(work, "data")], capture_output=True, text=True)
    check(out.returncode == 0, f"token create {out.stderr}")
    robot = Client(base, {"Authorization": f"Bearer {out.stdout.strip()}"})
    status, t2 = robot.call("POST", "/api/v1/transfers",
                            {"sender": "robot@regionuppsala.se", "recipients": ["dora@example.com"],
                             "password_mode": "generated", "message": "from a script"})
    check(status == 201 and len(t2["password"]) >= 12, f"token create transfer {status} {t2}")
    status, _ = Client(base, {"Authorization": "Bearer spt_wrong"}).call(
        "POST", "/api/v1/transfers", {"recipients": "dora@example.com"})
    check(status == 401, "an unknown token is refused")

    step("SMTP server down while submitting: delivered once it is back, exactly once")
    smtp_port = smtp.port
    smtp.stop()
    status, body = robot.call("POST", f"/api/v1/transfers/{t2['id']}/submit")
    check(status == 200, f"submit with SMTP down {status} {body}")
    time.sleep(2)
    second_dir = os.path.join(work, "smtp2")
    os.makedirs(second_dir)
    smtp2 = SmtpServer(second_dir, smtp_port)
    mailbox.dirs.append(second_dir)
    try:
        mailbox.wait(to("dora@example.com"), timeout=60)
        time.sleep(4)
        dora = [m for m in mailbox.all() if "dora@example.com" in m[0]["rcpt_tos"]]
        check(len(dora) == 1, f"exactly one notification, got {len(dora)}")
        check(t2["password"].encode() not in dora[0][2], "no password in the mail")
    finally:
        smtp.proc = smtp2.proc


if __name__ == "__main__":
    try:
        main()
    except AssertionError as e:
        print(f"FAILED: {e}", file=sys.stderr)
        sys.exit(1)
