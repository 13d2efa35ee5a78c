"""End-to-end tests of the command-line client (`sealpost send`, `sealpost
download`) against the real `sealpost serve`, a real SMTP server (aiosmtpd) the
codes and links are read from, loopback proxies that cut connections (proxy.py),
tmux for the terminal, and unzip. Every documented exit code is produced by its
cause. Exits non-zero on the first failed check, naming it."""
import hashlib
import http.server
import json
import os
import re
import signal
import stat
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "flow"))
sys.path.insert(0, HERE)
import transfer_flow as flow  # noqa: E402  (the servers and the API helper)
from proxy import Proxy  # noqa: E402

EXE = os.environ["SEALPOST_EXE"]
step, check, sha256 = flow.step, flow.check, flow.sha256


class Cli:
    """Runs the client with its own XDG_CONFIG_HOME (state and config)."""

    def __init__(self, work):
        self.xdg = os.path.join(work, "xdg")
        self.env = dict(os.environ, XDG_CONFIG_HOME=self.xdg, HOME=work)
        self.env.pop("SEALPOST_TOKEN", None)

    def run(self, *args, timeout=180, stdin=subprocess.DEVNULL):
        try:
            return subprocess.run([EXE, *args], capture_output=True, text=True, env=self.env,
                                  timeout=timeout, stdin=stdin)
        except subprocess.TimeoutExpired as e:
            raise AssertionError(f"sealpost {args[0]} hung: {e.stdout} {e.stderr}")

    def popen(self, *args):
        return subprocess.Popen([EXE, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True, env=self.env, stdin=subprocess.DEVNULL)

    def state(self):
        path = os.path.join(self.xdg, "sealpost", "state.json")
        return json.load(open(path)) if os.path.exists(path) else {}


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)
    return path


def link_for(mailbox, address, after=0):
    mails = mailbox.wait(lambda m, g, r: address in m["rcpt_tos"] and "/d/" in flow.text_of(g),
                         count=after + 1)
    return re.search(r"(https?://\S+?/d/[a-z2-7]{26})", flow.text_of(mails[after][1])).group(1)


def token(work, email):
    out = subprocess.run([EXE, "admin", "token", "create", "--email", email, "--data",
                          os.path.join(work, "data")], capture_output=True, text=True)
    check(out.returncode == 0, f"token create {out.stderr}")
    return out.stdout.strip()


def audit_count(work, event):
    out = subprocess.run([EXE, "admin", "audit", "--event", event, "--data",
                          os.path.join(work, "data")], capture_output=True, text=True)
    return len([line for line in out.stdout.splitlines() if line.strip()])


def expect(result, code, what):
    check(result.returncode == code,
          f"{what}: exit {result.returncode}, expected {code}\n{result.stdout}\n{result.stderr}")


def same_tree(expected, root):
    for name, path in expected.items():
        got = os.path.join(root, name)
        check(os.path.isfile(got) and sha256(got) == sha256(path), f"{name} downloaded intact")


class FakeServer:
    """A deliberately broken server: 500 for every API call but the downloads, and
    a download whose file does not match its listed SHA-256."""

    def __init__(self):
        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def reply(self, status, body, ctype="application/json"):
                data = body if isinstance(body, bytes) else json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                if not self.path.startswith("/api/v1/downloads/"):
                    return self.reply(500, {"status": 500, "title": "Internal Server Error",
                                            "detail": "broken on purpose"},
                                      "application/problem+json")
                if self.path.endswith("/files/f1"):
                    return self.reply(200, b"hello", "application/octet-stream")
                return self.reply(200, {"sender": {"email": "x@example.com"},
                                        "password_required": False, "locked_until": None})

            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if not self.path.startswith("/api/v1/downloads/"):
                    return self.do_GET()
                return self.reply(200, {"files": [{"id": "f1", "name": "x.txt", "size": 5,
                                                   "type": "text/plain", "sha256": "0" * 64}],
                                        "message": False})

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()


def send_and_download(work, base, cli, mailbox, robot):
    step("send two files and a directory with a generated password (--json), download them")
    src = os.path.join(work, "src")
    files = {"journal.pdf": write(os.path.join(src, "journal.pdf"), os.urandom(2_500_000)),
             "notes å.txt": write(os.path.join(src, "notes å.txt"), b"plain text\n" * 1000),
             "docs/a.bin": write(os.path.join(src, "docs", "a.bin"), os.urandom(70_000)),
             "docs/sub/b.bin": write(os.path.join(src, "docs", "sub", "b.bin"), os.urandom(1)),
             "docs/empty.txt": write(os.path.join(src, "docs", "empty.txt"), b"")}
    r = cli.run("send", "--server", base, "--token", robot, "--to", "bo@example.com",
                "--message", "The confidential message", "--generate-password", "--json",
                files["journal.pdf"], files["notes å.txt"], os.path.join(src, "docs"))
    expect(r, 0, "send")
    check(r.stdout.count("\n") == 1, f"nothing but the JSON result on a pipe: {r.stdout!r}")
    result = json.loads(r.stdout)
    check(re.fullmatch(r"[a-z2-7]{26}", result["id"]) and result["status"] == "provided"
          and result["recipients"] == ["bo@example.com"] and len(result["password"]) >= 12
          and result["expires_at"].endswith("Z"), f"--json result {result}")
    check(sorted(f["name"] for f in result["files"]) == sorted(files), f"names {result['files']}")
    state_path = os.path.join(cli.xdg, "sealpost", "state.json")
    check(stat.S_IMODE(os.stat(state_path).st_mode) == 0o600, "the state file is private")
    check(not cli.state().get("sends"), "nothing pending after the submit")
    check(result["password"] not in open(state_path).read(), "the password left the state file")

    link = link_for(mailbox, "bo@example.com")
    out = os.path.join(work, "down")
    r = cli.run("download", link, "--password", result["password"], "-o", out, "--message")
    expect(r, 0, "download")
    same_tree(files, out)
    check("The confidential message" in r.stdout, "--message prints the message")
    check(not [n for n in os.listdir(out) if n.endswith(".sealpost-part")], "no partial files left")

    step("no overwrite without --force; --force replaces; --zip; the password from stdin")
    r = cli.run("download", link, "--password", result["password"], "-o", out)
    expect(r, 9, "a second download into the same folder")
    r = cli.run("download", link, "--password", result["password"], "-o", out, "--force")
    expect(r, 0, "download --force")
    zdir = os.path.join(work, "zipped")
    r = subprocess.run([EXE, "download", link, "-o", zdir, "--zip"], input=result["password"] + "\n",
                       capture_output=True, text=True, env=cli.env)
    expect(r, 0, "download --zip with the password on standard input")
    (zname,) = os.listdir(zdir)
    zpath = os.path.join(zdir, zname)
    check(subprocess.run(["unzip", "-tq", zpath]).returncode == 0, "unzip -t")
    with zipfile.ZipFile(zpath) as z:
        # The server's ZIP names each file by its last part.
        for name, path in files.items():
            member = name.rsplit("/", 1)[-1]
            check(z.read(member) == open(path, "rb").read(), f"zip member {member}")
    r = cli.run("download", link, "--password", "Wrong-Password-1", "-o", os.path.join(work, "w"))
    expect(r, 5, "a wrong password")
    check("attempts left" in r.stderr, f"the attempts left are shown: {r.stderr}")
    return result, files


def export_identity(work, base, robot, result, files):
    step("admin export-identity: a wrong password counts; age -d -i with the identity opens every blob")
    api = flow.Client(base, {"Authorization": f"Bearer {robot}"})
    data = os.path.join(work, "data")
    _, before = api.call("GET", f"/api/v1/transfers/{result['id']}")
    r = subprocess.run([EXE, "admin", "export-identity", "--transfer", result["id"], "--data", data],
                       input="Wrong-Password-77\n", capture_output=True, text=True)
    check(r.returncode == 1 and "AGE-SECRET-KEY" not in r.stdout, f"wrong password {r.returncode}")
    _, after = api.call("GET", f"/api/v1/transfers/{result['id']}")
    check(after["failed_attempts"] == before["failed_attempts"] + 1,
          f"the wrong password was counted: {before['failed_attempts']} -> {after['failed_attempts']}")
    r = subprocess.run([EXE, "admin", "export-identity", "--transfer", "a" * 26, "--data", data],
                       input="x\n", capture_output=True, text=True)
    check(r.returncode == 3, f"unknown transfer: {r.returncode} {r.stderr}")
    r = subprocess.run([EXE, "admin", "export-identity", "--transfer", result["id"], "--data", data],
                       input=result["password"] + "\n", capture_output=True, text=True)
    check(r.returncode == 0 and re.search(r"^AGE-SECRET-KEY-1[0-9A-Z]+$", r.stdout, re.M),
          f"export-identity {r.returncode} {r.stderr}")
    key = write(os.path.join(work, "identity.txt"), r.stdout.encode())
    os.chmod(key, 0o600)
    wanted = sorted(sha256(p) for p in files.values())
    got = []
    for f in after["files"]:
        blob = os.path.join(data, "blobs", f["id"] + ".age")
        out = subprocess.run(["age", "-d", "-i", key, blob], capture_output=True)
        check(out.returncode == 0, f"age -d of {f['id']}: {out.stderr}")
        got.append(hashlib.sha256(out.stdout).hexdigest())
    check(sorted(got) == wanted, "age -d gives back exactly the uploaded bytes")
    out = subprocess.run([EXE, "admin", "audit", "--event", "identity_exported", "--data", data],
                         capture_output=True, text=True)
    check(result["id"] in out.stdout, "the export is in the audit log")


def verification(work, base, cli, mailbox):
    step("--from: the code is e-mailed (exit 3), a second run with --code, then the kept identity")
    payload = write(os.path.join(work, "from.txt"), b"from a verified sender\n")
    args = ["send", "--server", base, "--from", "anna@regionuppsala.se", "--name", "Anna Berg",
            "--to", "carl@akademiska.se", "--password", "Correct-Horse-Battery-9", payload]
    r = cli.run(*args)
    expect(r, 3, "send --from without a verified identity")
    check("--code" in r.stderr, f"the message says what to do: {r.stderr}")
    mails = mailbox.wait(lambda m, g, r_: "anna@regionuppsala.se" in m["rcpt_tos"]
                         and "verification code" in g["Subject"].lower())
    code = re.search(r"\b(\d{8})\b", flow.text_of(mails[-1][1])).group(1)
    r = cli.run(*args, "--code", "00000000")
    expect(r, 5, "a wrong verification code")
    r = cli.run(*args, "--code", code)
    expect(r, 0, "send --from --code")
    state = cli.state()
    cookies = state["servers"][base]["cookies"]
    check(cookies and all(v for v in cookies.values()), f"the identity's cookies are kept: {state}")
    check(stat.S_IMODE(os.stat(os.path.join(cli.xdg, "sealpost", "state.json")).st_mode) == 0o600,
          "the state file is private")
    before = len(mailbox.all())
    r = cli.run(*args)
    expect(r, 0, "a later run uses the kept identity")
    time.sleep(1)
    check(not [m for m in mailbox.all()[before:] if "verification code" in m[1]["Subject"].lower()],
          "no new verification code for a kept identity")
    out = os.path.join(work, "from-down")
    expect(cli.run("download", link_for(mailbox, "carl@akademiska.se"), "--password",
                   "Correct-Horse-Battery-9", "-o", out), 0, "download of the --from transfer")
    check(open(os.path.join(out, "from.txt"), "rb").read() == b"from a verified sender\n", "bytes")


def notification_options(work, base, cli, mailbox, robot):
    step("--cc, --bcc, --subject/--body-file, --hide-filenames, --notify-download reach the server")
    payload = write(os.path.join(work, "opts", "secret-name-4711.txt"), b"options\n")
    body = write(os.path.join(work, "opts", "body.txt"), "Hej, se bifogat.\n".encode())
    r = cli.run("send", "--server", base, "--token", robot, "--to", "kim@example.com",
                "--cc", "lea@akademiska.se", "--bcc", "max@example.com", "--language", "sv",
                "--subject", "Rapporter 4711", "--body-file", body, "--hide-filenames",
                "--notify-download", "--json", payload)
    expect(r, 0, "send with notification options")
    result = json.loads(r.stdout)
    check(result["cc"] == ["lea@akademiska.se"] and result["bcc"] == ["max@example.com"],
          f"recipients in the result {result}")
    for address in ("kim@example.com", "lea@akademiska.se", "max@example.com"):
        (meta, msg, raw), = mailbox.wait(lambda m, g, r_, a=address: a in m["rcpt_tos"]
                                         and "/d/" in flow.text_of(g))
        check(msg["Subject"] == "Rapporter 4711", f"the subject for {address}: {msg['Subject']}")
        check("Hej, se bifogat." in flow.text_of(msg), f"the body for {address}")
        check(b"secret-name-4711" not in raw, f"no file name in the mail to {address}")
        if address != "max@example.com":
            check(b"max@example.com" not in raw, f"the bcc recipient is hidden from {address}")
    link = link_for(mailbox, "kim@example.com")
    expect(cli.run("download", link, "--password", result["password"], "-o",
                   os.path.join(work, "opts-down")), 0, "download")
    mailbox.wait(lambda m, g, r_: "robot@regionuppsala.se" in m["rcpt_tos"]
                 and "kim@example.com" in g["Subject"])


def prompt_verification(work, base, cli, mailbox):
    step("--from on a terminal: the code is typed at the prompt (tmux)")
    payload = write(os.path.join(work, "prompt", "prompt.txt"), b"typed code\n")
    sock = f"sealpost-client-prompt-{os.getpid()}"
    done = os.path.join(work, "prompt", "done")
    env = " ".join(f"{k}='{v}'" for k, v in (("XDG_CONFIG_HOME", cli.xdg), ("HOME", work)))
    command = (f"env {env} {EXE} send --server {base} --from nils@regionuppsala.se --to "
               f"ola@example.com --password Correct-Horse-Battery-9 {payload}; echo $? > {done}; "
               "sleep 60")
    subprocess.run(["tmux", "-L", sock, "new-session", "-d", "-x", "160", "-y", "40", command],
                   check=True)
    try:
        mails = mailbox.wait(lambda m, g, r_: "nils@regionuppsala.se" in m["rcpt_tos"]
                             and "verification code" in g["Subject"].lower())
        code = re.search(r"\b(\d{8})\b", flow.text_of(mails[-1][1])).group(1)
        deadline = time.time() + 30
        while time.time() < deadline:
            screen = subprocess.run(["tmux", "-L", sock, "capture-pane", "-p"],
                                    capture_output=True, text=True).stdout
            if "Verification code" in screen:
                break
            time.sleep(0.1)
        check("nils@regionuppsala.se" in screen, f"the prompt names the address: {screen}")
        subprocess.run(["tmux", "-L", sock, "send-keys", code, "Enter"], check=True)
        deadline = time.time() + 60
        while time.time() < deadline and not os.path.exists(done):
            time.sleep(0.1)
        check(os.path.exists(done) and open(done).read().strip() == "0",
              "the send with the typed code worked")
    finally:
        subprocess.run(["tmux", "-L", sock, "kill-server"])
    mailbox.wait(lambda m, g, r_: "ola@example.com" in m["rcpt_tos"] and "/d/" in flow.text_of(g))


def config_file(work, base, cli, mailbox, robot):
    step("client.toml: server, token and defaults from the file; flags win; bad keys named")
    conf_dir = os.path.join(cli.xdg, "sealpost")
    os.makedirs(conf_dir, exist_ok=True)
    conf = os.path.join(conf_dir, "client.toml")
    token_file = write(os.path.join(work, "robot.token"), (robot + "\n").encode())
    with open(conf, "w") as f:
        f.write(f'server = "{base}"\ntoken_file = "{token_file}"\n'
                '[send]\nretention_days = 3\nparallel = 2\n')
    payload = write(os.path.join(work, "conf", "conf.txt"), b"configured\n")
    r = cli.run("send", "--to", "ida@example.com", "--json", payload)
    expect(r, 0, "send with the default client.toml")
    status, body = flow.Client(base, {"Authorization": f"Bearer {robot}"}).call(
        "GET", f"/api/v1/transfers/{json.loads(r.stdout)['id']}")
    created, expires = (body[k] for k in ("created_at", "expires_at"))
    days = (time.mktime(time.strptime(expires, "%Y-%m-%dT%H:%M:%SZ")) -
            time.mktime(time.strptime(created, "%Y-%m-%dT%H:%M:%SZ"))) / 86400
    check(round(days) == 3, f"retention_days from the file: {created} .. {expires}")
    r = cli.run("send", "--to", "ida@example.com", "--retention-days", "2", "--json", payload)
    expect(r, 0, "a flag over the file")
    with open(conf, "a") as f:
        f.write("paralel = 3\n")
    r = cli.run("send", "--to", "ida@example.com", payload)
    expect(r, 2, "an unknown key in client.toml")
    check("send.paralel" in r.stderr and "parallel" in r.stderr, f"named with a hint: {r.stderr}")
    os.remove(conf)


def https_and_proxy(work, port, cli, robot):
    step("HTTPS: the certificate is checked (--cacert trusts a private CA, --insecure warns); "
         "http_proxy is used")
    tls = os.path.join(work, "tls")
    os.makedirs(tls)
    cert, key = os.path.join(tls, "cert.pem"), os.path.join(tls, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2", "-subj",
                    "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key,
                    "-out", cert], check=True, capture_output=True)
    tls_port = flow.free_port()
    config = os.path.join(tls, "sealpost.toml")
    with open(config, "w") as f:
        f.write(f'''
[server]
listen = "127.0.0.1:{tls_port}"
public_url = "https://127.0.0.1:{tls_port}"
data_dir = "{work}/data"
[tls]
cert = "{cert}"
key = "{key}"
[policy]
internal_domains = ["regionuppsala.se", "akademiska.se"]
[kdf]
opslimit = 1
memlimit = "8MiB"
''')
    # A second server process on the same data folder (LMDB allows it), over TLS.
    log = open(os.path.join(tls, "server.log"), "w")
    proc = subprocess.Popen([EXE, "serve", "--config", config], stdout=log, stderr=log)
    base = f"https://127.0.0.1:{tls_port}"
    try:
        deadline = time.time() + 30
        while time.time() < deadline:
            if subprocess.run(["curl", "-sfk", base + "/healthz"], capture_output=True).returncode == 0:
                break
            time.sleep(0.1)
        payload = write(os.path.join(tls, "tls.txt"), b"over TLS\n")
        args = ["send", "--server", base, "--token", robot, "--to", "jan@example.com", payload]
        r = cli.run(*args)
        expect(r, 6, "an untrusted certificate")
        check("certificate" in r.stderr and "--cacert" in r.stderr, f"says why: {r.stderr}")
        expect(cli.run(*args, "--cacert", cert), 0, "--cacert trusts the private CA")
        r = cli.run(*args, "--insecure")
        expect(r, 0, "--insecure")
        check("warning" in r.stderr and "--insecure" in r.stderr, f"--insecure warns: {r.stderr}")
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
    # libcurl takes proxies from the environment: nothing in the client turns that off.
    proxy = Proxy(port)
    try:
        env = dict(cli.env, http_proxy=f"http://127.0.0.1:{proxy.port}", no_proxy="")
        r = subprocess.run([EXE, "send", "--server", f"http://127.0.0.1:{port}", "--token", robot,
                            "--to", "jan@example.com", "--retries", "1", payload],
                           capture_output=True, text=True, env=env, timeout=60)
        check(proxy.up > 0, f"the request went through http_proxy: {r.returncode} {r.stderr}")
    finally:
        proxy.close()


def exit_codes(work, base, cli, robot, external):
    step("each documented exit code from its cause")
    f = write(os.path.join(work, "codes.txt"), b"x")
    common = ["send", "--server", base, "--token", robot]
    expect(cli.run(*common, f), 2, "no --to")
    expect(cli.run(*common, "--to", "bo@example.com", "--bogus", f), 2, "an unknown option")
    expect(cli.run(*common, "--to", "bo@example.com", os.path.join(work, "missing")), 2, "no file")
    created = audit_count(work, "transfer_created")
    r = cli.run(*common, "--to", "bo@example.com", "--password", "abc", f)
    expect(r, 4, "a weak password")
    check("min_length" in r.stderr, f"the server's reason: {r.stderr}")
    r = cli.run("send", "--server", base, "--token", external, "--to", "other@example.org", f)
    expect(r, 4, "external to external (by the transfer's creation)")
    r = cli.run("send", "--server", base, "--token", external, "--from", "ext@example.com",
                "--to", "other@example.org", f)
    expect(r, 4, "external to external (by the policy check)")
    check("other@example.org" in r.stderr, f"the refused recipient is named: {r.stderr}")
    expect(cli.run(*common, "--to", "bo@example.com", "--retention-days", "9999", f), 4,
           "retention beyond the maximum")
    check(audit_count(work, "transfer_created") == created, "nothing was created for a refusal")
    expect(cli.run("send", "--server", base, "--token", "spt_wrong", "--to", "bo@example.com", f),
           5, "an unknown token")
    closed = flow.free_port()
    expect(cli.run("send", "--server", f"http://127.0.0.1:{closed}", "--token", robot, "--retries",
                   "2", "--to", "bo@example.com", f), 6, "no server")
    fake = FakeServer()
    expect(cli.run("send", "--server", f"http://127.0.0.1:{fake.port}", "--token", robot,
                   "--retries", "1", "--to", "bo@example.com", f), 7, "a server error")
    expect(cli.run("download", f"{base}/d/{'a' * 26}", "--password", "x", "-o",
                   os.path.join(work, "gone")), 8, "an unknown link")
    bad = os.path.join(work, "bad-sum")
    expect(cli.run("download", f"http://127.0.0.1:{fake.port}/d/{'b' * 26}", "-o", bad), 10,
           "a file that does not match its SHA-256")
    check(os.listdir(bad) == [], f"nothing is kept of a mismatching file: {os.listdir(bad)}")
    fake.httpd.shutdown()


def tus_file(api, upload_url, name, data):
    """Uploads one file with a hand-made name through tus (POST, then PATCH)."""
    import base64
    meta = "filename " + base64.b64encode(name.encode()).decode()
    status, _, headers = api.call("POST", upload_url, raw=True, headers={
        "Tus-Resumable": "1.0.0", "Upload-Length": str(len(data)), "Upload-Metadata": meta})
    check(status == 201, f"tus creation of {name!r}: {status}")
    req = urllib.request.Request(api.base + headers["Location"], data=data, method="PATCH", headers={
        **api.headers, "Tus-Resumable": "1.0.0", "Upload-Offset": "0",
        "Content-Type": "application/offset+octet-stream"})
    with urllib.request.urlopen(req, timeout=30) as res:
        check(res.status == 204, f"tus PATCH of {name!r}")


def hostile_names(work, base, cli, mailbox, robot):
    step("file names like ../../x, absolute paths and control characters land inside -o")
    api = flow.Client(base, {"Authorization": f"Bearer {robot}"})
    status, t = api.call("POST", "/api/v1/transfers", {
        "recipients": ["eve@example.com"], "password_mode": "generated", "show_filenames": True})
    check(status == 201, f"create {status} {t}")
    names = {"../../escape.txt": "escape.txt", "/tmp/abs-evil.txt": "tmp/abs-evil.txt",
             "a\x01b\x7f.txt": "a_b_.txt", "..": None, "sub/../../up.txt": "sub/up.txt"}
    for i, name in enumerate(names):
        tus_file(api, t["upload_url"], name, f"content {i}".encode())
    # Two names that clean up to one: both arrive.
    tus_file(api, t["upload_url"], "../dup.txt", b"dup one")
    tus_file(api, t["upload_url"], "dup.txt", b"dup two")
    status, _ = api.call("POST", f"/api/v1/transfers/{t['id']}/submit")
    check(status == 200, "submit")
    link = link_for(mailbox, "eve@example.com")
    sandbox = os.path.join(work, "sandbox")
    out = os.path.join(sandbox, "inner", "out")
    r = cli.run("download", link, "--password", t["password"], "-o", out)
    expect(r, 0, "download of hostile names")
    for i, (name, safe) in enumerate(names.items()):
        if safe:
            got = os.path.join(out, safe)
            check(os.path.isfile(got) and open(got, "rb").read() == f"content {i}".encode(),
                  f"{name!r} written as {safe}")
    check(len([n for n in os.listdir(out) if n.startswith("file-")]) == 1, "'..' gets a fallback name")
    dups = {open(os.path.join(out, n), "rb").read() for n in ("dup.txt", "dup (2).txt")
            if os.path.exists(os.path.join(out, n))}
    check(dups == {b"dup one", b"dup two"}, f"both files of one name arrive: {os.listdir(out)}")
    for root, _, found in os.walk(sandbox):
        for n in found:
            check(os.path.join(root, n).startswith(out + os.sep), f"{n} written outside -o")
    check(not os.path.exists("/tmp/abs-evil.txt"), "no absolute path written")

    step("a symbolic link planted inside -o is not followed")
    outside = os.path.join(work, "outside")
    os.makedirs(outside)
    trap = os.path.join(work, "trap")
    os.makedirs(trap)
    os.symlink(outside, os.path.join(trap, "tmp"))
    r = cli.run("download", link, "--password", t["password"], "-o", trap)
    check(r.returncode != 0, "the download through a planted link fails")
    check(os.listdir(outside) == [], f"nothing written through the link: {os.listdir(outside)}")


def other_sender(base, robot, other, result):
    step("a token of another sender cannot touch the transfer (a burst of 30 parallel tries)")
    intruder = flow.Client(base, {"Authorization": f"Bearer {other}"})
    tid = result["id"]
    outcomes = []

    def attempt(i):
        kind = i % 3
        if kind == 0:
            outcomes.append(("GET", intruder.call("GET", f"/api/v1/transfers/{tid}")[0]))
        elif kind == 1:
            outcomes.append(("DELETE", intruder.call("DELETE", f"/api/v1/transfers/{tid}")[0]))
        else:
            outcomes.append(("POST files", intruder.call(
                "POST", f"/api/v1/transfers/{tid}/files", raw=True,
                headers={"Tus-Resumable": "1.0.0", "Upload-Length": "1"})[0]))
    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(30)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # Invariant: no request of another sender succeeds, whatever the concurrency.
    check(len(outcomes) == 30 and all(s in (401, 403, 404) for _, s in outcomes),
          f"another sender was let in: {outcomes}")
    status, body = flow.Client(base, {"Authorization": f"Bearer {robot}"}).call(
        "GET", f"/api/v1/transfers/{tid}")
    check(status == 200 and body["status"] == "provided", f"the transfer is untouched: {body}")


def resumed_at(stderr, name):
    found = re.findall(r"resuming " + re.escape(name) + r" at byte (\d+)", stderr)
    return [int(n) for n in found]


def parallel_bound(work, base_port, cli, robot):
    step("--parallel N: N uploads at a time, never more")
    files = [write(os.path.join(work, "par", f"p{i}.bin"), os.urandom(600_000)) for i in range(6)]
    proxy = Proxy(base_port, delay=0.01)
    try:
        r = cli.run("send", "--server", f"http://127.0.0.1:{proxy.port}", "--token", robot,
                    "--to", "nea@example.com", "--parallel", "2", *files)
        expect(r, 0, "send --parallel 2")
        # One connection per upload worker, plus the command's own (kept alive).
        check(2 <= proxy.max_active <= 3, f"{proxy.max_active} connections at once for --parallel 2")
    finally:
        proxy.close()


def cut_upload(work, base_port, cli, mailbox, robot):
    step("a connection cut mid-upload: resumed from the server's offset, nothing sent twice")
    size = 6_000_000
    path = write(os.path.join(work, "cut", "cut.bin"), os.urandom(size))
    proxy = Proxy(base_port, cut_up=2_500_000)
    try:
        r = cli.run("send", "--server", f"http://127.0.0.1:{proxy.port}", "--token", robot,
                    "--to", "fay@example.com", "--json", "-v", path)
        expect(r, 0, "send through a cutting proxy")
        check(proxy.cut, "the proxy cut the connection")
        offsets = resumed_at(r.stderr, "cut.bin")
        check(offsets and offsets[0] > 0, f"resumed from the server's offset: {r.stderr}")
        # After the cut only what the server lacked goes again (plus request heads).
        check(proxy.up_after_cut <= size - offsets[0] + 64 * 1024,
              f"{proxy.up_after_cut} bytes after the cut for {size - offsets[0]} missing")
    finally:
        proxy.close()
    out = os.path.join(work, "cut-down")
    password = json.loads(r.stdout)["password"]
    expect(cli.run("download", link_for(mailbox, "fay@example.com"), "--password", password,
                   "-o", out), 0, "download after the cut")
    check(sha256(os.path.join(out, "cut.bin")) == sha256(path), "cut upload intact")


def killed_upload(work, base, base_port, cli, mailbox, robot):
    step("kill -9 of the client mid-upload: a re-run resumes without re-sending what the server has")
    size = 24_000_000
    path = write(os.path.join(work, "kill", "kill.bin"), os.urandom(size))
    slow = Proxy(base_port, delay=0.02)
    args = ["--token", robot, "--to", "gus@example.com", "--json", "-v", path]
    proc = cli.popen("send", "--server", f"http://127.0.0.1:{slow.port}", *args)
    api = flow.Client(base, {"Authorization": f"Bearer {robot}"})
    deadline = time.time() + 60
    while time.time() < deadline and slow.up < 6_000_000:
        time.sleep(0.05)
    check(slow.up >= 6_000_000 and proc.poll() is None, f"mid-upload: {slow.up} bytes sent")
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    sends = cli.state().get("sends", {})
    check(len(sends) == 1, f"the killed run left its transfer in the state file: {sends}")
    location = next(iter(sends.values()))["files"]["kill.bin"]
    deadline = time.time() + 30
    while True:
        status, _, headers = api.call("HEAD", location, raw=True, headers={"Tus-Resumable": "1.0.0"})
        held = int(headers.get("Upload-Offset", 0))
        if status == 200 and held > 0 or time.time() > deadline:
            break
        time.sleep(0.2)
    check(0 < held < size, f"the server holds part of the file: {held}")
    # The same command again (same server URL), now at full speed, counted.
    slow.delay = 0
    slow.reset_counters()
    counting = slow
    try:
        r = cli.run("send", "--server", f"http://127.0.0.1:{slow.port}", *args)
        expect(r, 0, "the re-run")
        check(resumed_at(r.stderr, "kill.bin") == [held], f"resumed at {held}: {r.stderr}")
        check(counting.up <= size - held + 64 * 1024,
              f"{counting.up} bytes sent by the re-run for {size - held} missing")
    finally:
        counting.close()
    check(not cli.state().get("sends"), "nothing pending after the re-run")
    out = os.path.join(work, "kill-down")
    password = json.loads(r.stdout)["password"]
    link = link_for(mailbox, "gus@example.com")
    return link, password, out, path


def cut_download(work, base_port, cli, link, password, out, path):
    step("a connection cut mid-download resumes with Range")
    proxy = Proxy(base_port, cut_down=8_000_000)
    try:
        proxied = re.sub(r"^http://127\.0\.0\.1:\d+", f"http://127.0.0.1:{proxy.port}", link)
        r = cli.run("download", proxied, "--password", password, "-o", out, "-v", timeout=60)
        expect(r, 0, "download through a cutting proxy")
        check(proxy.cut, "the proxy cut the download")
        check(resumed_at(r.stderr, "kill.bin"), f"the download resumed: {r.stderr}")
        check(proxy.down_after_cut < os.path.getsize(path) - 4_000_000,
              f"the rest only after the cut: {proxy.down_after_cut}")
    finally:
        proxy.close()
    check(sha256(os.path.join(out, "kill.bin")) == sha256(path), "resumed download intact")


def terminal(work, base_port, cli, robot):
    step("on a terminal (tmux) the progress bar shows; on a pipe only the result")
    path = write(os.path.join(work, "tty", "tty.bin"), os.urandom(8_000_000))
    slow = Proxy(base_port, delay=0.02)
    sock = f"sealpost-client-test-{os.getpid()}"
    done = os.path.join(work, "tty", "done")
    env = " ".join(f"{k}='{v}'" for k, v in (("XDG_CONFIG_HOME", cli.xdg), ("HOME", work)))
    command = (f"env {env} {EXE} send --server http://127.0.0.1:{slow.port} --token {robot} "
               f"--to hal@example.com {path}; echo $? > {done}; sleep 60")
    subprocess.run(["tmux", "-L", sock, "new-session", "-d", "-x", "160", "-y", "40", command],
                   check=True)
    try:
        seen_bar = False
        deadline = time.time() + 90
        screen = ""
        while time.time() < deadline and not os.path.exists(done):
            screen = subprocess.run(["tmux", "-L", sock, "capture-pane", "-p"],
                                    capture_output=True, text=True).stdout
            if re.search(r"\[#+\.+\]\s+\d+%.*/s.*left", screen) and "tty.bin" in screen:
                seen_bar = True
            time.sleep(0.1)
        check(seen_bar, f"a progress bar with the file, rate and time left: {screen}")
        check(os.path.exists(done) and open(done).read().strip() == "0", "the terminal send worked")
        screen = subprocess.run(["tmux", "-L", sock, "capture-pane", "-p"],
                                capture_output=True, text=True).stdout
        check("sent " in screen and "password: " in screen, f"the result on the terminal: {screen}")
    finally:
        subprocess.run(["tmux", "-L", sock, "kill-server"])
        slow.close()


def main():
    work = tempfile.mkdtemp(prefix="sealpost-client-")
    mail_dir = os.path.join(work, "smtp")
    os.makedirs(mail_dir)
    smtp = flow.SmtpServer(mail_dir)
    mailbox = flow.Mailbox(mail_dir)
    port = flow.free_port()
    server, base = flow.start_server(work, port, smtp.port)
    failed = None
    try:
        cli = Cli(work)
        robot = token(work, "robot@regionuppsala.se")
        other = token(work, "other@regionuppsala.se")
        external = token(work, "ext@example.com")
        only = os.environ.get("SEALPOST_CLIENT_ONLY", "")
        result, files = send_and_download(work, base, cli, mailbox, robot)
        export_identity(work, base, robot, result, files)
        if only in ("", "verify"):
            verification(work, base, cli, mailbox)
        if only in ("", "options"):
            notification_options(work, base, cli, mailbox, robot)
        if only in ("", "tty"):
            prompt_verification(work, base, cli, mailbox)
        if only in ("", "config"):
            config_file(work, base, cli, mailbox, robot)
        if only in ("", "https"):
            https_and_proxy(work, port, cli, robot)
        if only in ("", "codes"):
            exit_codes(work, base, cli, robot, external)
        if only in ("", "names"):
            hostile_names(work, base, cli, mailbox, robot)
        other_sender(base, robot, other, result)
        if only in ("", "cut"):
            parallel_bound(work, port, cli, robot)
            cut_upload(work, port, cli, mailbox, robot)
            cut_download(work, port, cli, *killed_upload(work, base, port, cli, mailbox, robot))
        if only in ("", "tty"):
            terminal(work, port, cli, robot)
    except AssertionError as e:
        failed = e
    finally:
        server.send_signal(signal.SIGTERM)
        code = server.wait(timeout=60)
        try:
            smtp.stop()
        except Exception:
            pass
    if failed:
        print(open(os.path.join(work, "server.log")).read()[-3000:], file=sys.stderr)
        print(f"FAILED: {failed}", file=sys.stderr)
        sys.exit(1)
    check(code == 0, f"server exit code {code}")
    subprocess.run(["rm", "-rf", work])
    print("client flow: all checks passed")


if __name__ == "__main__":
    try:
        main()
    except AssertionError as e:
        print(f"FAILED: {e}", file=sys.stderr)
        sys.exit(1)
