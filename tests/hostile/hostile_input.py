"""Hostile input against the real `sealpost serve` binary over loopback (raw
sockets and urllib), with mail to the spool folder of the embedded default.

What is checked, each as a `step`:
- request smuggling and malformed framing (Content-Length with
  Transfer-Encoding, two Content-Lengths, obs-fold, bare LF, a signed length,
  an unknown transfer coding, bare LF or other bytes where chunked framing
  needs CRLF): one 400 problem answer, then the connection is closed, so
  nothing after it is read as a second request;
- file names with path traversal, CR/LF and other control characters in the
  tus Upload-Metadata: the recipient sees them only sanitised — in the ZIP
  entry names, the Content-Disposition header, the checksums file and the
  notification mail (no header can be added);
- CR/LF in every field that reaches a header or a mail (sender name and
  phone, the notification subject): refused, or encoded so that no header is
  added;
- malformed, oversized, deeply nested and wrongly typed JSON on every
  endpoint that takes a body (from the OpenAPI document), with real ids so
  that the body is really read: never a 5xx, every refusal problem+json, the
  server still answering;
- cookie and Origin tampering: a changed sp_client or sp_access cookie opens
  nothing (an sp_client with the genuine client id and another key is nobody,
  also 200 at once from 20 addresses), a foreign or null Origin is refused;
- guessing verification codes, passwords and download ids from one address:
  the rate limits answer 429 with Retry-After; an address out of link guesses
  still gets the download its sp_access cookie opens, and other addresses are
  unaffected (each source address in 127.0.0.0/8 is a client of its own).
Exits non-zero at the first failed check, naming it."""
import base64
import email
import email.policy
import io
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import zipfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "flow"))
from transfer_flow import Client, check, free_port, start_server, step  # noqa: E402

SENDER = "anna@regionuppsala.se"


def spool_messages(work):
    spool = os.path.join(work, "data", "mail")
    out = []
    for name in sorted(os.listdir(spool)) if os.path.isdir(spool) else []:
        if name.endswith(".eml"):
            raw = open(os.path.join(spool, name), "rb").read()
            out.append((raw, email.message_from_bytes(raw, policy=email.policy.default)))
    return out


def wait_mail(work, predicate, timeout=20):
    deadline = time.time() + timeout
    while time.time() < deadline:
        found = [m for m in spool_messages(work) if predicate(*m)]
        if found:
            return found
        time.sleep(0.1)
    raise AssertionError("expected mail did not arrive in the spool")


def text_of(msg):
    return msg.get_body(preferencelist=("plain",)).get_content()


def header_names(raw):
    head = raw.split(b"\r\n\r\n", 1)[0].decode("ascii")
    check("\n" not in head.replace("\r\n", ""), "no bare LF in a mail head")
    return [line.split(":", 1)[0].lower() for line in head.split("\r\n")
            if line and line[0] not in " \t"]


ALLOWED_MAIL_HEADERS = {"from", "to", "cc", "subject", "date", "message-id", "mime-version",
                        "content-type", "content-transfer-encoding", "auto-submitted",
                        "reply-to", "content-language"}


def raw_exchange(port, data, timeout=5):
    """Sends raw bytes; returns everything the server sent until it closed."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        try:
            s.sendall(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered early and closed: read what it sent
        out = b""
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                piece = s.recv(65536)
            except socket.timeout:
                return out, False
            except ConnectionResetError:
                return out, True
            if not piece:
                return out, True
            out += piece
        return out, False


def smuggling(port):
    step("smuggling and malformed framing: one 400, then the connection is closed")
    follow = b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
    cases = {
        "Content-Length with Transfer-Encoding":
            b"POST /api/v1/passwords/check HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + follow,
        "Transfer-Encoding with Content-Length":
            b"POST /api/v1/passwords/check HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
            b"Content-Length: 4\r\n\r\n0\r\n\r\n" + follow,
        "two Content-Lengths":
            b"POST /api/v1/passwords/check HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n"
            b"Content-Length: 40\r\n\r\n{}" + follow,
        "two equal Content-Lengths":
            b"POST /api/v1/passwords/check HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n"
            b"Content-Length: 2\r\n\r\n{}" + follow,
        "obs-fold":
            b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Long: a\r\n folded\r\n\r\n" + follow,
        "obs-fold of Transfer-Encoding":
            b"POST /api/v1/passwords/check HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n"
            b"Transfer-Encoding:\r\n chunked\r\n\r\n0\r\n\r\n" + follow,
        "bare LF line ends":
            b"GET /healthz HTTP/1.1\nHost: x\n\n" + follow,
        "bare LF in a header":
            b"GET /healthz HTTP/1.1\r\nHost: x\nX-A: b\r\n\r\n" + follow,
        "signed Content-Length":
            b"POST /api/v1/passwords/check HTTP/1.1\r\nHost: x\r\nContent-Length: +2\r\n\r\n{}"
            + follow,
        "unknown transfer coding":
            b"POST /api/v1/passwords/check HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n"
            + follow,
        "chunked not last":
            b"POST /api/v1/passwords/check HTTP/1.1\r\nHost: x\r\n"
            b"Transfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n" + follow,
        "space before the colon":
            b"POST /api/v1/passwords/check HTTP/1.1\r\nHost: x\r\nContent-Length : 2\r\n\r\n{}"
            + follow,
        "bare LF after a chunk size":
            b"POST /api/v1/passwords/check HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
            b"\r\n2\n{}\r\n0\r\n\r\n" + follow,
        "bare LF after chunk data":
            b"POST /api/v1/passwords/check HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
            b"\r\n2\r\n{}\n0\r\n\r\n" + follow,
        "other bytes instead of CRLF after chunk data":
            b"POST /api/v1/passwords/check HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
            b"\r\n2\r\n{}XX0\r\n\r\n" + follow,
        "bare LF in the trailer section":
            b"POST /api/v1/passwords/check HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
            b"\r\n2\r\n{}\r\n0\r\nX-T: 1\n\r\n" + follow,
        "bare LF ending a chunked body":
            b"POST /api/v1/passwords/check HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
            b"\r\n2\r\n{}\r\n0\r\n\n" + follow,
        "chunk size overflow":
            b"POST /api/v1/passwords/check HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
            b"\r\nfffffffffffffffff1\r\n{}\r\n0\r\n\r\n" + follow,
    }
    for name, data in cases.items():
        out, closed = raw_exchange(port, data)
        text = out.decode("latin-1")
        check(text.startswith("HTTP/1.1 400 "), f"{name}: 400 first, got {text[:60]!r}")
        check(text.count("HTTP/1.1 ") == 1, f"{name}: exactly one answer, got {text!r}")
        check("application/problem+json" in text.split("\r\n\r\n")[0],
              f"{name}: a problem+json answer")
        check(closed, f"{name}: the connection is closed after the 400")


def verify_sender(base, work, email_address, name="Anna Berg", phone="+46 70 111 22 33"):
    browser = Client(base)
    before = {raw for raw, _ in spool_messages(work)}
    status, body = browser.call("POST", "/api/v1/verifications",
                                {"email": email_address, "name": name, "phone": phone})
    check(status == 202, f"verification {status} {body}")
    (raw, msg), = wait_mail(work, lambda r, m: r not in before and email_address in m["To"]
                            and re.search(r"\b\d{8}\b", text_of(m)))
    code = re.search(r"\b(\d{8})\b", text_of(msg)).group(1)
    status, confirmed = browser.call("POST", f"/api/v1/verifications/{body['verification_id']}",
                                     {"code": code})
    check(status == 200 and browser.cookie("sp_client"), f"confirm {status} {confirmed}")
    return browser


def crlf_fields(base):
    step("CR/LF in the sender's name and phone is refused")
    stranger = Client(base)
    for fields in ({"name": "Anna\r\nBcc: evil@example.net"}, {"name": "Anna\nBcc: x@y"},
                   {"phone": "+46\r\nBcc: evil@example.net"}, {"name": "Anna\x00"}):
        body = {"email": SENDER, "name": "Anna", "phone": ""}
        body.update(fields)
        status, answer = stranger.call("POST", "/api/v1/verifications", body)
        check(status == 400 and answer.get("detail"), f"{fields}: 400, got {status} {answer}")


def tus_upload(anna, base, upload_url, name_bytes, content):
    metadata = "filename " + base64.b64encode(name_bytes).decode()
    status, _, headers = anna.call("POST", upload_url, raw=True, headers={
        "Tus-Resumable": "1.0.0", "Upload-Length": str(len(content)),
        "Upload-Metadata": metadata})
    check(status == 201, f"tus create for {name_bytes!r}: {status}")
    location = headers["Location"]
    if location.startswith("http"):
        location = location[len(base):]
    req_headers = {"Tus-Resumable": "1.0.0", "Upload-Offset": "0",
                   "Content-Type": "application/offset+octet-stream", "Origin": base}
    req = urllib.request.Request(base + location, data=content, method="PATCH",
                                 headers=req_headers)
    with anna.opener.open(req, timeout=30) as res:
        check(res.status == 204, f"tus PATCH {res.status}")


HOSTILE_NAMES = [
    b"../../etc/passwd",
    b"..\\..\\Windows\\win.ini",
    b"report\r\nX-Injected: 1\r\n.pdf",
    b"tab\there\x07bell.txt",
    b"CON.txt",
    b"\xe2\x80\xaegpj.exe",
    b"null\x00byte.txt",
    b"/absolute/path.txt",
    b"..",
    b"quote\"semi;colon\\.txt",
]


def hostile_names(base, work):
    step("file names: traversal and control characters reach recipients only sanitised")
    anna = verify_sender(base, work, SENDER)
    password = "Tr4nsfer-Secret-Wolf"
    status, created = anna.call("POST", "/api/v1/transfers", {
        "sender": SENDER, "recipients": "bo@example.com", "show_filenames": True,
        "password_mode": "manual", "password": password, "message": "m",
        "notification": {"subject": "Records\r\nBcc: evil@example.net",
                         "body": "Hej\r\nBcc: evil2@example.net\r\n.\r\n"}})
    check(status == 201, f"create {status} {created}")
    tid = created["id"]
    for i, name in enumerate(HOSTILE_NAMES):
        tus_upload(anna, base, created["upload_url"], name, f"content {i}\n".encode())
    status, provided = anna.call("POST", f"/api/v1/transfers/{tid}/submit")
    check(status == 200, f"submit {status} {provided}")

    (raw, msg), = wait_mail(work, lambda r, m: "bo@example.com" in (m["To"] or "")
                            and "/d/" in text_of(m))
    names = header_names(raw)
    check(set(names) <= ALLOWED_MAIL_HEADERS, f"mail headers {names}")
    check(b"X-Injected" not in raw.split(b"\r\n\r\n", 1)[0], "no injected header")
    check(msg["Bcc"] is None and "evil" not in (msg["To"] + str(msg["Cc"] or "")),
          "no injected recipient")
    check("\r" not in msg["Subject"] and "\n" not in msg["Subject"], "subject on one line")
    download_id = re.search(r"/d/([a-z2-7]{26})", text_of(msg)).group(1)

    rec = Client(base)
    status, unlocked = rec.call("POST", f"/api/v1/downloads/{download_id}/unlock",
                                {"password": password})
    check(status == 200, f"unlock {status} {unlocked}")
    listed = [f["name"] for f in unlocked["files"]]
    check(len(listed) == len(HOSTILE_NAMES), f"every file listed: {listed}")
    for f in unlocked["files"]:
        status, data, headers = rec.call(
            "GET", f"/api/v1/downloads/{download_id}/files/{f['id']}", raw=True)
        check(status == 200, f"download {f['name']!r}: {status}")
        disposition = headers["Content-Disposition"]
        check(all(32 <= ord(c) < 127 for c in disposition),
              f"Content-Disposition is printable ASCII: {disposition!r}")
        fallback = re.search(r'filename="([^"]*)"', disposition)
        check(fallback and "/" not in fallback.group(1) and "\\" not in fallback.group(1),
              f"no path in the fallback name: {disposition!r}")
    status, data, _ = rec.call("GET", f"/api/v1/downloads/{download_id}/checksums", raw=True)
    lines = data.decode().split("\n")
    check(lines[-1] == "" and len(lines) - 1 == len(HOSTILE_NAMES),
          f"one checksums line per file: {data!r}")
    check(b"\r" not in data, "no CR in the checksums file")
    status, data, _ = rec.call("GET", f"/api/v1/downloads/{download_id}/zip", raw=True)
    check(status == 200, f"zip {status}")
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        entries = z.namelist()
    check(len(entries) == len(set(e.lower() for e in entries)), f"unique names {entries}")
    for entry in entries:
        check("/" not in entry and "\\" not in entry and entry not in (".", "..")
              and not entry.startswith(".."), f"ZIP entry without a path: {entry!r}")
        check(all(ord(c) >= 32 and ord(c) != 127 and not 0x202a <= ord(c) <= 0x202e
                  for c in entry), f"ZIP entry without control characters: {entry!r}")
    zpath = os.path.join(work, "names.zip")
    with open(zpath, "wb") as f:
        f.write(data)
    out = subprocess.run(["unzip", "-tq", zpath], capture_output=True)
    check(out.returncode == 0, f"unzip -t {out.stdout} {out.stderr}")
    return anna, rec, tid, download_id, unlocked, created


def tampering(base, anna, rec, download_id, unlocked):
    step("cookie and Origin tampering")
    file_id = unlocked["files"][0]["id"]
    cookie = rec.cookie("sp_access")
    middle = len(cookie) // 2
    for changed in (cookie[:middle] + ("A" if cookie[middle] != "A" else "B") + cookie[middle + 1:],
                    cookie[::-1], "", cookie + "x", "x" * len(cookie)):
        other = Client(base, {"Cookie": f"sp_access={changed}"})
        status, _, _ = other.call("GET", f"/api/v1/downloads/{download_id}/files/{file_id}",
                                  raw=True)
        check(status == 401, f"a changed sp_access cookie opens nothing: {status}")
    client_cookie = anna.cookie("sp_client")
    # sp_client is base64url(client id, 16 bytes | client key, 32 bytes); the
    # 128-bit random id is what names the browser's record, so change a byte of
    # it.
    # The key part (bytes 16-47, characters 22 on) changed with the id kept is
    # nobody either.
    for changed in (client_cookie[:5] + ("A" if client_cookie[5] != "A" else "B")
                    + client_cookie[6:], client_cookie[::-1], client_cookie[:10],
                    client_cookie[:40] + ("A" if client_cookie[40] != "A" else "B")
                    + client_cookie[41:]):
        other = Client(base, {"Cookie": f"sp_client={changed}"})
        status, body = other.call("GET", "/api/v1/senders")
        check(status in (200, 401) and (status == 401 or body["senders"] == []),
              f"a changed sp_client cookie is nobody: {status} {body}")
    for origin in ("http://evil.example", "null", base + ".evil.example", base.replace("http", "https")):
        status, body = anna.call("POST", "/api/v1/transfers",
                                 {"sender": SENDER, "recipients": "bo@example.com",
                                  "password_mode": "generated"}, headers={"Origin": origin})
        check(status == 403, f"Origin {origin}: 403, got {status}")
        status, body = rec.call("POST", f"/api/v1/downloads/{download_id}/unlock",
                                {"password": "wrong"}, headers={"Origin": origin})
        check(status == 403, f"unlock from Origin {origin}: 403, got {status}")


WRONG_VALUES = [1, -1, 2 ** 70, 1.5, True, None, "yes", "", "\u0000", "a\r\nb", [], {},
                ["x"], {"a": 1}, "x" * 5000]
MEMBERS = ["email", "name", "phone", "code", "password", "activate_quick", "sender",
           "recipients", "cc", "bcc", "retention_days", "language", "message", "notification",
           "password_mode", "notify_on_provided", "notify_on_download", "show_filenames",
           "subject", "body", "name", "size", "username", "totp", "partner", "label"]


def hostile_bodies():
    yield "empty", b""
    yield "truncated", b'{"email": "a'
    yield "not an object", b"[1, 2, 3]"
    yield "a string", b'"text"'
    yield "invalid UTF-8", b'{"name": "\xff\xfe", "email": "\xc0\xaf"}'
    yield "lone surrogate", b'{"name": "\\ud800", "password": "\\udfff"}'
    yield "NUL escape", b'{"name": "a\\u0000b", "password": "\\u0000"}'
    yield "deep arrays", b"[" * 100000 + b"]" * 100000
    yield "deep objects", b'{"a":' * 50000 + b"1" + b"}" * 50000
    yield "deep member", b'{"recipients":' + b"[" * 20000 + b"]" * 20000 + b"}"
    yield "huge number", b'{"retention_days": 1e999999, "size": -1e999999}'
    yield "duplicate members", b'{"password": "a", "password": 1}'
    yield "2 MiB", b'{"message": "' + b"x" * (2 << 20) + b'"}'
    yield "many members", ("{" + ",".join(f'"k{i}": {i}' for i in range(50000)) + "}").encode()
    for value in WRONG_VALUES:
        yield f"every member {value!r}"[:60], json.dumps({m: value for m in MEMBERS}).encode()


def json_everywhere(base, port, anna, rec, tid, download_id, unlocked, created):
    step("malformed, oversized, deep and wrongly typed JSON on every endpoint with a body")
    spec = json.loads(open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                                        "src", "openapi", "openapi.json")).read())
    status, verification = Client(base).call("POST", "/api/v1/verifications",
                                             {"email": "nils@akademiska.se", "name": "N"})
    ids = {"verification_id": verification.get("verification_id", "x" * 26), "email": SENDER,
           "id": tid, "file_id": unlocked["files"][0]["id"], "download_id": download_id}
    routes = []
    for path, methods in spec["paths"].items():
        for method, op in methods.items():
            if method in ("post", "put", "patch") and "requestBody" in op:
                routes.append((method.upper(), re.sub(r"\{(\w+)\}", lambda m: ids[m.group(1)],
                                                      path)))
    check(len(routes) >= 10, f"the OpenAPI document lists the body routes: {routes}")
    cookies = "; ".join(f"{c.name}={c.value}" for client in (anna, rec) for c in client.jar)
    for method, path in routes:
        for what, body in hostile_bodies():
            head = (f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                    f"Origin: {base}\r\nCookie: {cookies}\r\nConnection: close\r\n"
                    f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n")
            out, closed = raw_exchange(port, head.encode() + body, timeout=60)
            answer_head = out.split(b"\r\n\r\n", 1)[0].decode("latin-1")
            check(answer_head.startswith("HTTP/1.1 "),
                  f"{method} {path} with {what}: an answer, got {out[:80]!r}")
            status = int(answer_head.split()[1])
            check(status < 500, f"{method} {path} with {what}: {status} {out[:300]!r}")
            if status >= 400 and status != 429:
                check("content-type: application/problem+json" in answer_head.lower(),
                      f"{method} {path} with {what}: {status} not problem+json {answer_head!r}")
    # Nesting is refused before parsing: copying or walking a deep value
    # recurses per level, and 300,000 levels fit in a body of 600 kB.
    for what, body in (("deep member", b'{"recipients":' + b"[" * 300000 + b"]" * 300000 + b"}"),
                       ("33 levels", b'{"a":' * 33 + b"1" + b"}" * 33)):
        head = (f"POST /api/v1/transfers HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                f"Origin: {base}\r\nCookie: {cookies}\r\nConnection: close\r\n"
                f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n")
        out, closed = raw_exchange(port, head.encode() + body, timeout=60)
        check(out.startswith(b"HTTP/1.1 400") and b"nested more than 32 levels" in out,
              f"{what}: 400 nested too deep, got {out[:200]!r}")
    out, closed = raw_exchange(port, b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    check(out.startswith(b"HTTP/1.1 200"), "the server still answers")


def guessing(base, work):
    step("guessing passwords and codes from one address: 429 with Retry-After")
    guesser = Client(base)
    # Passwords: two guesses per transfer (a third would lock it), until the
    # address's limit answers. Then codes: four wrong ones per verification.
    anna = verify_sender(base, work, "olle@regionuppsala.se")
    statuses = []
    for _ in range(25):
        status, created = anna.call("POST", "/api/v1/transfers", {
            "sender": "olle@regionuppsala.se", "recipients": "bo@example.com",
            "password_mode": "manual", "password": "Tr4nsfer-Secret-Wolf"})
        check(status == 201, f"create {status} {created}")
        tus_upload(anna, base, created["upload_url"], b"a.txt", b"a")
        links = notified(work)
        status, _ = anna.call("POST", f"/api/v1/transfers/{created['id']}/submit")
        check(status == 200, "submit")
        deadline = time.time() + 20
        while notified(work) == links and time.time() < deadline:
            time.sleep(0.1)
        (did,) = notified(work) - links
        for _ in range(2):
            status, body, headers = guesser.call("POST", f"/api/v1/downloads/{did}/unlock",
                                                 {"password": "Wrong-Guess-9x"}, raw=True)
            statuses.append(status)
            if status == 429:
                check(headers.get("Retry-After", "").isdigit(), "Retry-After on 429")
                guessing_codes(base)
                return
    raise AssertionError(f"password guesses were never rate limited: {statuses}")


def guessing_codes(base):
    guesser = Client(base)
    answers = []
    for i in range(8):
        status, body = guesser.call("POST", "/api/v1/verifications",
                                    {"email": f"guess{i}@akademiska.se", "name": "G"})
        if status != 202:
            break
        vid = body["verification_id"]
        for _ in range(4):
            status, body, headers = guesser.call("POST", f"/api/v1/verifications/{vid}",
                                                 {"code": "00000000"}, raw=True)
            answers.append((status, headers.get("Retry-After")))
    limited = [a for a in answers if a[0] == 429]
    check(limited, f"wrong codes are rate limited: {[a[0] for a in answers]}")
    check(all(a[1] and a[1].isdigit() and int(a[1]) > 0 for a in limited),
          f"429 carries Retry-After: {limited}")


def guessing_links(base):
    step("guessing download ids from one address, 60 at once: 429 with Retry-After")
    # Invariant: one address learns "unknown" (404) for at most 30 ids per 10
    # minutes (the unknown_link_ip bucket), however many it sends in
    # parallel; every other answer is 429 with Retry-After.
    import concurrent.futures

    def guess(i):
        name = "".join("abcdefghijklmnopqrstuvwxyz234567"[(i * 7 + k * 13) % 32]
                       for k in range(26))
        status, _, headers = Client(base).call("GET", f"/api/v1/downloads/{name}", raw=True)
        return status, headers.get("Retry-After", "")

    with concurrent.futures.ThreadPoolExecutor(max_workers=16) as pool:
        answers = list(pool.map(guess, range(60)))
    unknown = [a for a in answers if a[0] == 404]
    limited = [a for a in answers if a[0] == 429]
    check(len(unknown) + len(limited) == len(answers), f"only 404 or 429: {answers}")
    check(20 <= len(unknown) <= 30, f"at most 30 unknown links answered: {len(unknown)}")
    check(all(a[1].isdigit() and int(a[1]) > 0 for a in limited),
          f"every 429 carries Retry-After: {limited}")


def from_address(port, source, path, cookie=None):
    """GET `path` from the loopback address `source` (all of 127.0.0.0/8 is
    this machine, so every source address is a different client to sealpost);
    returns (status, body, Retry-After)."""
    import http.client
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=60, source_address=(source, 0))
    try:
        c.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        r = c.getresponse()
        return r.status, r.read(), r.getheader("Retry-After", "")
    finally:
        c.close()


def guess_name(i):
    return "".join("abcdefghijklmnopqrstuvwxyz234567"[(i * 11 + k * 17 + i // 32) % 32]
                   for k in range(26))


def guessing_links_shared(port, rec, download_id, unlocked):
    step("an address out of link guesses: 429 for every link without access; its recipient's "
         "unlocked download still served; other addresses unaffected, 600 requests at once")
    import concurrent.futures
    access = "sp_access=" + rec.cookie("sp_access")
    file_path = f"/api/v1/downloads/{download_id}/files/{unlocked['files'][0]['id']}"
    # Invariant 1: from the exhausted address (127.0.0.1), the known link
    # without an access cookie answers exactly like an unknown one (429), and
    # the recipient's cookie does not open other ids: guessing stays limited.
    for i in range(5):  # use up whatever refilled meanwhile
        from_address(port, "127.0.0.1", f"/api/v1/downloads/{guess_name(1000 + i)}")
    status, _, retry = from_address(port, "127.0.0.1", f"/api/v1/downloads/{download_id}")
    check(status == 429 and retry.isdigit(), f"known link, no cookie, exhausted: 429, got {status}")
    status, _, _ = from_address(port, "127.0.0.1", f"/api/v1/downloads/{guess_name(2000)}",
                                access)
    check(status == 429, f"unknown id with another download's cookie: 429, got {status}")
    # Invariant 2, under concurrency: 12 other addresses guess 40 ids each at
    # once and each learns "unknown" for at most 30 (the rest 429); 12 fresh
    # addresses open the known link (200); and the recipient at the exhausted
    # address, whose sp_access cookie opens that download, is served every time.
    jobs = []
    for a in range(12):
        jobs += [("guess", f"127.0.0.{50 + a}",
                  f"/api/v1/downloads/{guess_name(3000 + a * 40 + i)}", None) for i in range(40)]
        jobs += [("fresh", f"127.0.0.{70 + a}", f"/api/v1/downloads/{download_id}", None)
                 for _ in range(2)]
    jobs += [("holder", "127.0.0.1", path, access)
             for path in [f"/api/v1/downloads/{download_id}", file_path] * 30]
    jobs.sort(key=lambda j: hash(j[2]))  # interleave the kinds

    def run(job):
        kind, source, path, cookie = job
        return kind, source, from_address(port, source, path, cookie)

    with concurrent.futures.ThreadPoolExecutor(max_workers=32) as pool:
        results = list(pool.map(run, jobs))
    unknown = {}
    for kind, source, (status, _, retry) in results:
        if kind == "guess":
            check(status in (404, 429), f"a guess is 404 or 429: {status}")
            check(status == 404 or retry.isdigit(), "429 carries Retry-After")
            unknown[source] = unknown.get(source, 0) + (status == 404)
        else:
            check(status == 200, f"{kind} from {source}: 200, got {status}")
    check(all(n <= 30 for n in unknown.values()), f"at most 30 unknown per address: {unknown}")
    check(sum(unknown.values()) >= 12 * 20, f"the guessers did get answers: {unknown}")


def client_cookie_concurrency(port, anna, tid):
    step("sp_client with the genuine client id and another key, 200 at once from 20 addresses")
    # Invariant: the 128-bit client id alone authenticates nobody: a cookie
    # with the genuine id and any other key (random, one bit flipped, another
    # browser's) or a non-canonical spelling is 401 on a sender route, however
    # many arrive in parallel, while the genuine cookie, interleaved with them,
    # is the sender every time.
    import concurrent.futures
    genuine = anna.cookie("sp_client")
    raw = base64.urlsafe_b64decode(genuine + "=" * (-len(genuine) % 4))
    check(len(raw) == 48, "sp_client is 16 bytes of id and 32 of key")

    def encode(b):
        return base64.urlsafe_b64encode(b).decode().rstrip("=")

    forged = []
    for i in range(200):
        if i % 3 == 0:
            key = os.urandom(32)
        elif i % 3 == 1:
            key = bytearray(raw[16:])
            key[i % 32] ^= 1 << (i % 8)
            key = bytes(key)
        else:
            key = raw[16:][::-1]
        forged.append(encode(raw[:16] + key))
    forged += [genuine + "=", genuine[:-1] + "=", genuine.replace("-", "+").replace("_", "/")]
    forged = [f for f in forged if f != genuine]
    path = f"/api/v1/transfers/{tid}"
    jobs = [(False, f"127.0.0.{100 + i % 20}", f) for i, f in enumerate(forged)]
    jobs += [(True, f"127.0.0.{100 + i % 20}", genuine) for i in range(20)]
    jobs.sort(key=lambda j: hash(j[2]))

    def run(job):
        is_genuine, source, cookie = job
        return is_genuine, from_address(port, source, path, f"sp_client={cookie}")[0]

    with concurrent.futures.ThreadPoolExecutor(max_workers=32) as pool:
        results = list(pool.map(run, jobs))
    for is_genuine, status in results:
        if is_genuine:
            check(status == 200, f"the genuine cookie is the sender: {status}")
        else:
            check(status == 401, f"a forged key is nobody: {status}")


def notified(work):
    """The download ids of every notification to bo@example.com so far."""
    return {re.search(r"/d/([a-z2-7]{26})", text_of(m)).group(1)
            for _, m in spool_messages(work)
            if "bo@example.com" in (m["To"] or "") and "/d/" in text_of(m)}


def main():
    work = tempfile.mkdtemp(prefix="sealpost-hostile-")
    port = free_port()
    server, base = start_server(work, port)
    try:
        smuggling(port)
        crlf_fields(base)
        anna, rec, tid, download_id, unlocked, created = hostile_names(base, work)
        tampering(base, anna, rec, download_id, unlocked)
        json_everywhere(base, port, anna, rec, tid, download_id, unlocked, created)
        guessing(base, work)
        guessing_links(base)
        guessing_links_shared(port, rec, download_id, unlocked)
        client_cookie_concurrency(port, anna, tid)
    finally:
        server.send_signal(signal.SIGTERM)
        code = server.wait(timeout=60)
        log = open(os.path.join(work, "server.log")).read()
        print(log[-3000:], file=sys.stderr)
    check(code == 0, f"server exit code {code}")
    check('"handler_failed"' not in log, "no handler failed")
    subprocess.run(["rm", "-rf", work])
    print("hostile input: all checks passed")


if __name__ == "__main__":
    main()
