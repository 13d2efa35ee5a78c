"""Helpers of the client tests: the client run with its own state folder, the
mails' links, API tokens, audit counts, and a deliberately broken server."""
import http.server
import json
import os
import re
import subprocess
import sys
import threading

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "flow"))
import transfer_flow as flow  # noqa: E402  (the servers and the API helper)

EXE = os.environ["SEALPOST_EXE"]
check, sha256 = flow.check, flow.sha256


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
