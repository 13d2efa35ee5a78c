"""End-to-end tests of the command-line client (`sealpost send`, `sealpost
download`) against the real `sealpost serve`, a real SMTP server (aiosmtpd) the
codes and links are read from, loopback proxies that cut connections (proxy.py),
tmux for the terminal, and unzip. Every documented exit code is produced by its
cause. Exits non-zero on the first failed check, naming it."""
import hashlib
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
from client_resume import (cut_download, cut_upload, https_and_proxy,  # noqa: E402
                           killed_upload, parallel_bound, terminal)
from client_support import (EXE, Cli, FakeServer, audit_count, check, expect,  # noqa: E402
                            flow, link_for, same_tree, sha256, token, write)

step = flow.step


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

    step("send --quick with the kept identity: an unconnected recipient gets an invitation")
    r = cli.run("send", "--server", base, "--token", "x" * 40, "--to", "carl@akademiska.se",
                "--quick", payload)
    expect(r, 2, "--quick with an API token (no QUICK keys) is a usage error")
    links_before = len([m for m in mailbox.all() if "carl@akademiska.se" in m[0]["rcpt_tos"]
                        and "/d/" in flow.text_of(m[1])])
    r = cli.run("send", "--server", base, "--from", "anna@regionuppsala.se", "--to",
                "carl@akademiska.se", "--quick", "--json", payload)
    expect(r, 0, "send --quick")
    result = json.loads(r.stdout)
    check(result["quick"] == [{"email": "carl@akademiska.se", "quick": False}]
          and result.get("password"), f"an invitation with a generated password: {result}")
    out = os.path.join(work, "quick-down")
    expect(cli.run("download", link_for(mailbox, "carl@akademiska.se", links_before), "--password",
                   result["password"], "-o", out), 0, "the invitation opens with its password")


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


def other_sender(base, robot, other):
    step("a token of another sender cannot touch an open transfer (a burst of 35 parallel tries)")
    owner = flow.Client(base, {"Authorization": f"Bearer {robot}"})
    status, t = owner.call("POST", "/api/v1/transfers", {
        "recipients": ["pia@example.com"], "password_mode": "generated"})
    check(status == 201, f"create {status}")
    tid = t["id"]
    status, _, headers = owner.call("POST", t["upload_url"], raw=True, headers={
        "Tus-Resumable": "1.0.0", "Upload-Length": "10"})
    location = headers["Location"]
    req = urllib.request.Request(base + location, data=b"12345", method="PATCH", headers={
        **owner.headers, "Tus-Resumable": "1.0.0", "Upload-Offset": "0",
        "Content-Type": "application/offset+octet-stream"})
    urllib.request.urlopen(req, timeout=30).close()
    tus = {"Tus-Resumable": "1.0.0"}
    held = owner.call("HEAD", location, raw=True, headers=tus)[2]["Upload-Offset"]
    intruder = flow.Client(base, {"Authorization": f"Bearer {other}"})
    tries = [
        ("GET transfer", lambda: intruder.call("GET", f"/api/v1/transfers/{tid}")[0]),
        ("DELETE transfer", lambda: intruder.call("DELETE", f"/api/v1/transfers/{tid}")[0]),
        ("POST files", lambda: intruder.call("POST", t["upload_url"], raw=True,
                                             headers={**tus, "Upload-Length": "1"})[0]),
        ("HEAD file", lambda: intruder.call("HEAD", location, raw=True, headers=tus)[0]),
        ("PATCH file", lambda: intruder.call("PATCH", location, raw=True, headers={
            **tus, "Upload-Offset": held, "Content-Type": "application/offset+octet-stream"})[0]),
        ("DELETE file", lambda: intruder.call("DELETE", location, raw=True, headers=tus)[0]),
        ("submit", lambda: intruder.call("POST", f"/api/v1/transfers/{tid}/submit")[0]),
    ]
    outcomes = []

    def attempt(i):
        name, call = tries[i % len(tries)]
        outcomes.append((name, call()))
    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(35)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # Invariant: no request of another sender succeeds, whatever the concurrency.
    check(len(outcomes) == 35 and all(s in (401, 403, 404) for _, s in outcomes),
          f"another sender was let in: {outcomes}")
    status, body = owner.call("GET", f"/api/v1/transfers/{tid}")
    check(status == 200 and body["status"] == "open", f"the transfer is untouched: {body}")
    status, _, headers = owner.call("HEAD", location, raw=True, headers=tus)
    check(status == 200 and headers["Upload-Offset"] == held, "the upload is untouched")


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
        other_sender(base, robot, other)
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
