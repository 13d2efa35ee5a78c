#!/usr/bin/env python3
"""sealpost behind real nginx, configured from contrib/nginx/sealpost.conf
(TLS at nginx, plain HTTP to sealpost on loopback, security.trusted_proxies =
nginx): the client connects from 127.0.0.2 and sends a forged
X-Forwarded-For; the audit log and the request log must name 127.0.0.2, the
X-Request-Id nginx made must be the one sealpost logs and answers with, and
the admin session cookie must carry Secure because server.public_url is
https (the TLS is nginx's)."""
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time

EXE = os.environ["SEALPOST_EXE"]
NGINX = os.environ.get("NGINX", "/usr/sbin/nginx")
EXAMPLE = os.environ["SEALPOST_NGINX_EXAMPLE"]
PASSWORD = "correct horse battery staple"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, proc, what):
    deadline = time.time() + 30
    while time.time() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"{what} exited with {proc.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise AssertionError(f"{what} is not listening")


def nginx_config(work, port, upstream_port, cert, key):
    example = open(EXAMPLE).read()
    # The TLS server block of the example, pointed at this test's ports and
    # certificate; the port-80 redirect block is left out.
    server = example[:example.index("server {\n    listen 80;")]
    replacements = [("server 127.0.0.1:8080;", f"server 127.0.0.1:{upstream_port};"),
                    ("    listen 443 ssl;\n", f"    listen 127.0.0.1:{port} ssl;\n"),
                    ("    listen [::]:443 ssl;\n", ""),
                    ("/etc/ssl/certs/files.example.org.pem", cert),
                    ("/etc/ssl/private/files.example.org.key", key)]
    for old, new in replacements:
        assert old in server, f"the example no longer has {old!r}"
        server = server.replace(old, new)
    temp = os.path.join(work, "nginx")
    os.makedirs(temp, exist_ok=True)
    return f"""daemon off;
master_process off;
pid {temp}/nginx.pid;
error_log {temp}/error.log info;
events {{ worker_connections 64; }}
http {{
    access_log {temp}/access.log;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
{server}
}}
"""


def curl(args):
    out = subprocess.run(["curl", "-sS", "-k", "--interface", "127.0.0.2", "-D", "-",
                          "-o", "/dev/null"] + args, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return out.stdout


def header(head, name):
    m = re.search(r"^" + re.escape(name) + r":\s*(.*?)\r?$", head, re.M | re.I)
    return m.group(1) if m else None


def main():
    failures = []
    with tempfile.TemporaryDirectory() as work:
        data = os.path.join(work, "data")
        add = subprocess.run([EXE, "admin", "user", "add", "alice", "--role", "admin",
                              "--data", data], input=PASSWORD + "\n", text=True,
                             capture_output=True)
        assert add.returncode == 0, add.stderr
        cert, key = os.path.join(work, "cert.pem"), os.path.join(work, "key.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                        "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key, "-out", cert,
                        "-days", "1", "-subj", "/CN=127.0.0.1"], check=True, capture_output=True)
        nginx_port = free_port()
        public = f"https://127.0.0.1:{nginx_port}"
        config = os.path.join(work, "sealpost.toml")
        with open(config, "w") as f:
            f.write(f'[server]\npublic_url = "{public}"\n'
                    '[security]\ntrusted_proxies = ["127.0.0.1"]\n[log]\nformat = "json"\n')
        log_path = os.path.join(work, "sealpost.log")
        log = open(log_path, "w")
        server = subprocess.Popen([EXE, "serve", "--config", config, "--listen", "127.0.0.1:0",
                                   "--data", data], stderr=log)
        nginx = None
        try:
            port = None
            deadline = time.time() + 30
            while port is None and time.time() < deadline:
                m = re.search(r'"url":"http://127\.0\.0\.1:(\d+)"', open(log_path).read())
                port = int(m.group(1)) if m else time.sleep(0.05)
            assert port, "sealpost did not start"
            conf = os.path.join(work, "nginx.conf")
            with open(conf, "w") as f:
                f.write(nginx_config(work, nginx_port, port, cert, key))
            nginx = subprocess.Popen([NGINX, "-p", os.path.join(work, "nginx"), "-c", conf,
                                      "-e", os.path.join(work, "nginx", "error.log")])
            wait_port(nginx_port, nginx, "nginx")

            login = f"{public}/api/v1/admin/session"
            common = ["-H", f"Origin: {public}", "-H", "Content-Type: application/json",
                      "-H", "X-Forwarded-For: 198.51.100.66"]
            bad = curl(common + ["-X", "POST", "--data",
                                 json.dumps({"username": "alice", "password": "wrong"}), login])
            assert bad.startswith("HTTP/1.1 401"), bad
            good = curl(common + ["-X", "POST", "--data",
                                  json.dumps({"username": "alice", "password": PASSWORD}), login])
            assert good.startswith("HTTP/1.1 200"), good
            metrics = curl([f"{public}/metrics"])
            assert metrics.startswith("HTTP/1.1 403"), metrics
            request_id = header(good, "X-Request-Id")
            assert request_id and re.fullmatch(r"[0-9a-f]{32}", request_id), good
            cookie = header(good, "Set-Cookie") or ""
            # public_url is https (TLS ends in the proxy): the __Host- prefix,
            # which a browser takes only with Secure, Path=/ and no Domain.
            assert cookie.startswith("__Host-sp_admin="), good
            assert "; Secure" in cookie and "; Path=/;" in cookie, good
            assert "Domain=" not in cookie, good
        finally:
            if nginx:
                nginx.send_signal(signal.SIGQUIT)
                nginx.wait(timeout=30)
            server.send_signal(signal.SIGTERM)
            assert server.wait(timeout=60) == 0
            log.close()

        audit = subprocess.run([EXE, "admin", "audit", "--data", data, "--format", "json"],
                               capture_output=True, text=True)
        assert audit.returncode == 0, audit.stderr
        events = [json.loads(l) for l in audit.stdout.splitlines() if l]
        logins = {e["event"]: e["ip"] for e in events if e["event"].startswith("admin_login")}
        assert logins == {"admin_login": "127.0.0.2", "admin_login_failed": "127.0.0.2"}, logins
        print("audit log: admin_login and admin_login_failed from 127.0.0.2 (not nginx's "
              "127.0.0.1, not the forged 198.51.100.66)")
        lines = [json.loads(l) for l in open(log_path) if l.strip()]
        logged = [l for l in lines if l["event"] == "request" and l["request_id"] == request_id]
        assert len(logged) == 1 and logged[0]["ip"] == "127.0.0.2", logged
        print(f"request log: nginx's X-Request-Id {request_id}, client 127.0.0.2")
        if "; Secure" not in cookie:
            failures.append(f"the session cookie lacks Secure although server.public_url is "
                            f"https: {cookie}")
    for f in failures:
        print("FAIL:", f)
    if not failures:
        print("cookie: Secure behind the TLS proxy")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
