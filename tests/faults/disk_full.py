"""A full disk under the real binary: the data folder on a small tmpfs (mounted
here, so this test needs root; without it, it exits 77 and meson reports it
skipped). Invariants:
  - an upload that meets a full disk is answered 507 problem+json (whether the
    free-space check refuses it or a write hits ENOSPC), never 500 or a hang;
  - the server keeps answering (/healthz, status of existing transfers);
  - the index stays intact: after a restart every transfer is there and the
    audit chain verifies;
  - once space is freed, uploads work again."""
import json
import os
import subprocess
import sys

from harness import Api, Server, check, run, step, workdir

MiB = 1 << 20


def mount_tmpfs(path, size):
    os.makedirs(path, exist_ok=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", path],
                   check=True)


def problem(status, body, headers, code):
    check(status == code, f"expected {code}, got {status} {body[:300]}")
    check(headers.get("content-type", "").startswith("application/problem+json"),
          f"problem+json: {headers}")
    parsed = json.loads(body)
    check(parsed["status"] == code, f"status in the problem: {parsed}")
    return parsed


def main():
    if os.geteuid() != 0:
        print("disk full: needs root to mount a tmpfs; skipped")
        sys.exit(77)
    work = workdir("diskfull")
    data = os.path.join(work, "data")
    mount_tmpfs(data, "40m")
    server = Server(work, extra='[limits]\nmin_free_disk = "2MiB"\n')
    filler = os.path.join(data, "filler")
    try:
        server.start()
        api = Api(server, server.token())
        kept = api.create(recipients=["kept@example.com"])
        api.upload(kept["upload_url"], os.urandom(3 * MiB))
        check(api.submit(kept["id"])[0] == 200, "a transfer before the disk fills")

        step("the free-space check: creating an upload larger than the free space → 507")
        t = api.create(recipients=["full@example.com"])
        status, body, headers = server.request(
            "POST", t["upload_url"], b"", dict(api.auth, **{
                "Tus-Resumable": "1.0.0", "Upload-Length": str(100 * MiB)}))
        problem(status, body, headers, 507)

        step("a write that hits ENOSPC in the middle of a PATCH → 507, the partial upload "
             "stays resumable")
        size = 8 * MiB
        location = api.tus_create(t["upload_url"], size, "big.bin")
        free = os.statvfs(data).f_bavail * os.statvfs(data).f_frsize
        # Leave about 1 MiB: the PATCH runs out of space half way.
        with open(filler, "wb") as f:
            f.write(b"\0" * max(0, free - 3 * MiB // 2))
        payload = os.urandom(size)
        status, body, headers = api.tus_patch(location, 0, payload)
        problem(status, body, headers, 507)
        print(f"    PATCH on a full disk: {status} {json.loads(body)['detail']}", flush=True)

        step("the server still answers; existing transfers are intact")
        check(server.request("GET", "/healthz")[0] == 200, "/healthz on a full disk")
        status, st = api.status(kept["id"])
        check(status == 200 and st["status"] == "provided", f"status on a full disk: {st}")

        step("space freed: the upload resumes and completes; a restart finds everything")
        os.remove(filler)
        status, offset = api.tus_offset(location)
        check(status == 200 and 0 <= offset < size, f"HEAD after the failure: {status} {offset}")
        status, body, _ = api.tus_patch(location, offset, payload[offset:])
        check(status == 204, f"the upload completes once space is free: {status} {body[:300]}")
        check(api.submit(t["id"])[0] == 200, "submit after the disk was full")
        server.stop()
        server.start()
        for tid in (kept["id"], t["id"]):
            status, st = api.status(tid)
            check(status == 200 and st["status"] == "provided", f"{tid} after restart: {st}")
        ok, text = server.audit_verifies()
        check(ok, f"the audit chain verifies after the full disk: {text}")
    except Exception:
        print(server.log()[-4000:])
        raise
    finally:
        try:
            server.stop()
        finally:
            subprocess.run(["umount", "-l", data])
    print("disk full: all checks passed")


if __name__ == "__main__":
    run(main)
