"""Damaged storage under the real binary:
  - a flipped byte in a blob: the download fails (500 before the head when
    the age header is hit; the response is cut short when a payload chunk is
    hit) — never a complete response with wrong bytes, also not in the ZIP and
    not through a Range;
  - a corrupt or truncated data/index/data.mdb: `sealpost serve` refuses to
    start, says what is wrong and what to do, and the file is left as it was
    (no silent re-initialisation, no data loss).
Not covered: random bytes inside a B-tree page of an otherwise whole file. LMDB
keeps no page checksums, the start-up sweep does not read every page, and such
a file starts (found by hand: README, "Reliability and security")."""
import http.client
import os
import shutil
import subprocess

from harness import (EXE, Api, Server, check, download_id, run, sha256, step, unlock,
                     workdir, PASSWORD)

CHUNK = 64 * 1024


def read_all(server, path, headers):
    """(status, body, complete): complete is False when the body was cut short."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    try:
        conn.request("GET", path, headers=headers)
        res = conn.getresponse()
        try:
            body = res.read()
            return res.status, body, True
        except http.client.IncompleteRead as e:
            return res.status, e.partial, False
    except (http.client.RemoteDisconnected, ConnectionError) as e:
        return 0, b"", False
    finally:
        conn.close()


def blob_path(server, file_id):
    return os.path.join(server.data, "blobs", f"{file_id}.age")


def flip(path, offset):
    with open(path, "r+b") as f:
        f.seek(offset)
        b = f.read(1)
        f.seek(offset)
        f.write(bytes([b[0] ^ 0x01]))


def flipped_bytes(server, api):
    step("a flipped byte in a blob: an error, never wrong bytes")
    cases = {"payload chunk in the middle": lambda size: size // 2,
             "the last chunk": lambda size: size - 5,
             "the age header": lambda size: 40}
    for i, (where, offset_of) in enumerate(cases.items()):
        address = f"flip-{i}@example.com"
        data = os.urandom(5 * CHUNK + 999)
        created = api.create(recipients=[address])
        api.upload(created["upload_url"], data, "flip.bin")
        check(api.submit(created["id"])[0] == 200, "submit")
        dl = download_id(server, address)
        status, unlocked = unlock(server, dl)
        check(status == 200, "unlock")
        file_id = unlocked["files"][0]["id"]
        path = blob_path(server, file_id)
        flip(path, offset_of(os.path.getsize(path)))
        headers = {"X-Sealpost-Password": PASSWORD}
        for label, url, extra in [
                ("file", f"/api/v1/downloads/{dl}/files/{file_id}", {}),
                ("range", f"/api/v1/downloads/{dl}/files/{file_id}",
                 {"Range": f"bytes={len(data) // 2 - 10}-"}),
                ("zip", f"/api/v1/downloads/{dl}/zip", {})]:
            status, body, complete = read_all(server, url, dict(headers, **extra))
            if label == "range" and where == "the last chunk":
                pass  # the range covers the last chunk too
            wrong = complete and status in (200, 206)
            check(not wrong, f"{where}, {label}: a complete {status} response from a damaged "
                  f"blob ({len(body)} bytes)")
            if where == "the age header" and label != "zip":
                check(status >= 500, f"{where}, {label}: 5xx before the head, got {status}")
            print(f"    {where}, {label}: status {status}, "
                  f"{'cut after ' + str(len(body)) + ' bytes' if not complete else 'refused'}",
                  flush=True)
        check(server.request("GET", "/healthz")[0] == 200, "the server still answers")


def start_fails(server, what):
    out = subprocess.run([EXE, "serve", "--config", server.config], capture_output=True,
                         text=True, timeout=60)
    text = out.stdout + out.stderr
    check(out.returncode != 0, f"{what}: serve must refuse to start, exit {out.returncode}")
    return text


def corrupt_index(server, api):
    step("a corrupt or truncated data.mdb: a clear refusal to start, the file left alone")
    keep = [api.create(recipients=[f"keep-{i}@example.com"])["id"] for i in range(5)]
    server.stop()
    index = os.path.join(server.data, "index", "data.mdb")
    good = os.path.join(server.work, "data.mdb.good")
    shutil.copy2(index, good)
    size = os.path.getsize(good)
    page = 4096
    damages = {
        "truncated to its first two pages": lambda f: f.truncate(2 * page),
        "truncated in the middle": lambda f: f.truncate(max(3 * page, size // 2 // page * page)),
        "truncated to zero bytes": lambda f: f.truncate(0),
        "both meta pages overwritten": lambda f: (f.seek(0), f.write(os.urandom(2 * page))),
    }
    for what, damage in damages.items():
        shutil.copy2(good, index)
        with open(index, "r+b") as f:
            damage(f)
        before = open(index, "rb").read()
        text = start_fails(server, what)
        check("data.mdb" in text or "index" in text, f"{what}: names the index: {text[-800:]}")
        check("backup" in text.lower() or "restore" in text.lower(),
              f"{what}: says what to do: {text[-800:]}")
        check(open(index, "rb").read() == before, f"{what}: the damaged file is left as it was")
        print(f"    {what}: refused: {text.strip().splitlines()[-1][:200]}", flush=True)
    shutil.copy2(good, index)
    server.start()
    for tid in keep:
        check(api.status(tid)[0] == 200, f"{tid} back after restoring the good copy")


def main():
    work = workdir("storage")
    server = Server(work).start()
    try:
        api = Api(server, server.token())
        flipped_bytes(server, api)
        corrupt_index(server, api)
    except Exception:
        print(server.log()[-4000:])
        raise
    finally:
        server.stop()
    print("storage faults: all checks passed")


if __name__ == "__main__":
    run(main)
