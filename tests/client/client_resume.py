"""The client's resumption, parallelism, terminal and transport checks, run by
client_flow.py: cut and killed uploads, a cut download, the --parallel bound,
the progress bar in tmux, HTTPS certificate checks and proxies."""
import json
import os
import re
import signal
import subprocess
import time

from client_support import EXE, check, expect, flow, link_for, sha256, write
from proxy import Proxy

step = flow.step


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
    # The server records durable progress while the cut PATCH still runs, and
    # the proxy forwards what it holds after the kill: the offset settles once
    # the proxy has closed and the server has ended that request (two equal
    # answers a second apart, the period of its progress commits).
    deadline = time.time() + 30
    while slow.active and time.time() < deadline:
        time.sleep(0.05)
    held, last = 0, -1
    while True:
        status, _, headers = api.call("HEAD", location, raw=True, headers={"Tus-Resumable": "1.0.0"})
        held = int(headers.get("Upload-Offset", 0)) if status == 200 else 0
        if held > 0 and held == last or time.time() > deadline:
            break
        last = held
        time.sleep(1.0)
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
