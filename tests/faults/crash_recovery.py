"""kill -9 of the real `sealpost serve` at the worst moments, then a restart on
the same data folder. Invariants, checked after every restart:
  - nothing committed is lost: every transfer, file and state change whose
    answer reached the client is still there;
  - nothing half-written is served: a file whose upload was cut is not listed
    for download until it is complete, and what is downloaded is byte-exact;
  - uploads resume: tus HEAD answers the offset that is on disk and the upload
    goes on from there;
  - the audit log holds every event whose answer reached the client (records
    are synced before the answer is sent), and its chain verifies;
  - a submit cut by the crash after its commit is reported at the restart: each
    recipient's notification is delivered exactly once, and transfer_provided
    is in the audit log once."""
import glob
import os
import random
import socket
import threading
import time

from harness import (Api, Server, check, download_id, fetch_file, run, sha256, spool_mails,
                     step, unlock, workdir)

MiB = 1 << 20


def raw_patch(server, api, location, offset, total_length, send):
    """Opens a PATCH with Content-Length total_length and sends only `send`; the
    socket is returned still open (the body never completes)."""
    s = socket.create_connection(("127.0.0.1", server.port))
    head = (f"PATCH {location} HTTP/1.1\r\nHost: 127.0.0.1\r\nTus-Resumable: 1.0.0\r\n"
            f"{list(api.auth)[0]}: {list(api.auth.values())[0]}\r\n"
            f"Upload-Offset: {offset}\r\nContent-Type: application/offset+octet-stream\r\n"
            f"Content-Length: {total_length}\r\n\r\n")
    s.sendall(head.encode() + send)
    return s


def kill_during_upload(server, api):
    step("kill -9 in the middle of a tus PATCH: HEAD gives the stored offset, the upload "
         "resumes from it, the file is served only when complete and byte-exact")
    data = os.urandom(9 * MiB + 12345)
    created = api.create(recipients=["upload-cut@example.com"])
    location = api.tus_create(created["upload_url"], len(data), "cut.bin")
    sock = raw_patch(server, api, location, 0, len(data), data[:6 * MiB])
    # The body stalls after 6 MiB. While a PATCH runs, the server makes what it
    # wrote durable and records the offset every second once 1 MiB is waiting:
    # 2.5 s leave it two such ticks.
    time.sleep(2.5)
    server.kill9()
    sock.close()
    server.start()
    status, offset = api.tus_offset(location)
    check(status == 200 and 4 * MiB <= offset <= 6 * MiB and offset % 65536 == 0,
          f"HEAD after the crash gives the durable progress of the cut PATCH (at least "
          f"4 MiB of the 6 MiB sent, whole 64 KiB chunks): {status} {offset}")
    print(f"    stored offset after the crash: {offset} of {6 * MiB} sent", flush=True)
    # Nothing half-written can be submitted: the transfer has an incomplete file.
    status, body = api.submit(created["id"])
    check(status == 409, f"submit with an incomplete file is refused: {status} {body}")
    status, body, _ = api.tus_patch(location, offset, data[offset:])
    check(status == 204, f"the upload resumes at {offset}: {status} {body[:200]}")
    status, body = api.submit(created["id"])
    check(status == 200, f"submit after the resumed upload: {status} {body}")
    dl = download_id(server, "upload-cut@example.com")
    status, unlocked = unlock(server, dl)
    check(status == 200 and len(unlocked["files"]) == 1, f"unlock {status} {unlocked}")
    f = unlocked["files"][0]
    check(f["size"] == len(data) and f["sha256"] == sha256(data), "listed size and checksum")
    status, got, _ = fetch_file(server, dl, f["id"])
    check(status == 200 and got == data, "the resumed file downloads byte-exact")


def kill_during_submit(server, api, rounds):
    step(f"kill -9 while submit runs ({rounds} rounds at random moments): afterwards the "
         "transfer is open (and submits) or provided (and is mailed exactly once, audited "
         "once, and downloads), never between")
    outcomes = {"open": 0, "provided": 0, "answered": 0, "report resumed at start": 0}
    for i in range(rounds):
        address = f"submit-{i}@example.com"
        created = api.create(recipients=[address])
        data = os.urandom(200_000 + i)
        api.upload(created["upload_url"], data, f"s{i}.bin")
        s = socket.create_connection(("127.0.0.1", server.port))
        s.sendall((f"POST /api/v1/transfers/{created['id']}/submit HTTP/1.1\r\n"
                   f"Host: 127.0.0.1\r\n{list(api.auth)[0]}: {list(api.auth.values())[0]}\r\n"
                   "Content-Length: 0\r\n\r\n").encode())
        # Before the request is read, around the commit, or while the report
        # is being stored.
        time.sleep(random.choice([0.0, random.uniform(0, 0.004), random.uniform(0, 0.03)]))
        server.kill9()
        s.settimeout(0.5)
        try:
            answered = s.recv(65536)
        except OSError:
            answered = b""
        s.close()
        server.start()
        outcomes["report resumed at start"] += server.log().count(' report_resumed ')
        status, st = api.status(created["id"])
        check(status == 200 and st["status"] in ("open", "provided"), f"state after the crash {st}")
        outcomes[st["status"]] += 1
        if answered.startswith(b"HTTP/1.1 200"):
            outcomes["answered"] += 1
            check(st["status"] == "provided", "a submit answered 200 is provided after restart")
        if st["status"] == "open":
            status, body = api.submit(created["id"])
            check(status == 200, f"an interrupted submit can be repeated: {status} {body}")
        else:
            status, body = api.submit(created["id"])
            check(status == 409, f"a provided transfer is not submitted twice: {status}")
        # Every provided transfer is mailed: a submit cut after its commit is
        # reported again at the restart.
        dl = download_id(server, address, timeout=30)
        events = [e["event"] for e in server.audit(created["id"])]
        check(events.count("transfer_provided") == 1,
              f"transfer_provided once for {created['id']}: {events}")
        status, unlocked = unlock(server, dl)
        check(status == 200, f"unlock after the crash {status} {unlocked}")
        status, got, _ = fetch_file(server, dl, unlocked["files"][0]["id"])
        check(status == 200 and got == data, "the submitted file downloads byte-exact")
    # Exactly once: the restarts (each of which resumes the pending reports)
    # never queue a notification twice.
    time.sleep(1.0)
    for i in range(rounds):
        address = f"submit-{i}@example.com"
        mails = [m for m in spool_mails(server) if address in m[0]]
        check(len(mails) == 1, f"{address}: one notification, not {len(mails)}")
    left = glob.glob(os.path.join(server.data, "keys", "wraps", "**", "*.up"), recursive=True)
    check(not left, f"no upload wrap is left once every transfer is submitted and reported: {left}")
    print(f"    outcomes: {outcomes}", flush=True)
    return outcomes


def kill_right_after_answers(server, api, rounds):
    step(f"kill -9 right after a download, a wrong password and a revoke were answered "
         f"({rounds} rounds): each answered event is in the audit log after restart")
    for i in range(rounds):
        address = f"answered-{i}@example.com"
        created = api.create(recipients=[address])
        data = os.urandom(50_000)
        api.upload(created["upload_url"], data)
        check(api.submit(created["id"])[0] == 200, "submit")
        dl = download_id(server, address)
        status, unlocked = unlock(server, dl)
        check(status == 200, "unlock")
        server.kill9()
        server.start()
        status, got, _ = fetch_file(server, dl, unlocked["files"][0]["id"])
        check(status == 200 and got == data, "download")
        server.kill9()  # the answer reached us: its record must be on disk
        server.start()
        events = [e["event"] for e in server.audit(created["id"])]
        check("file_downloaded" in events, f"file_downloaded survives the crash: {events}")
        status, body = unlock(server, dl, "Wrong-Password-Here-1")
        check(status == 401, f"a wrong password {status} {body}")
        server.kill9()
        server.start()
        events = [e["event"] for e in server.audit(created["id"])]
        check("password_failed" in events, f"password_failed survives the crash: {events}")
        status, _ = server.json("DELETE", f"/api/v1/transfers/{created['id']}", None, api.auth)
        check(status == 204, f"revoke {status}")
        server.kill9()
        server.start()
        events = [e["event"] for e in server.audit(created["id"])]
        check("transfer_revoked" in events, f"transfer_revoked survives the crash: {events}")
        check(server.json("GET", f"/api/v1/downloads/{dl}")[0] == 410, "revoked stays revoked")


def kill_during_index_writes(server, api):
    step("kill -9 during a burst of index writes (40 creations from 8 threads): every "
         "transfer whose 201 arrived exists after restart, the index opens, nothing else is lost")
    acknowledged, lock = [], threading.Lock()
    stop = threading.Event()

    def writer(n):
        k = 0
        while not stop.is_set():
            try:
                status, body = server.json(
                    "POST", "/api/v1/transfers",
                    {"sender": "robot@regionuppsala.se", "recipients": f"w{n}-{k}@example.com",
                     "password_mode": "manual", "password": "Fault-Test-Wolf-73"},
                    api.auth, timeout=10)
            except OSError:
                return
            if status == 201:
                with lock:
                    acknowledged.append(body["id"])
            k += 1

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    deadline = time.time() + 20
    while time.time() < deadline and len(acknowledged) < 40:
        time.sleep(0.01)
    server.kill9()
    stop.set()
    for t in threads:
        t.join()
    check(len(acknowledged) >= 40, f"the burst ran: {len(acknowledged)}")
    server.start()
    missing = [t for t in acknowledged if api.status(t)[0] != 200]
    check(not missing, f"acknowledged transfers lost by the crash: {missing}")
    events = server.audit(event="transfer_created")
    recorded = {e["transfer_id"] for e in events}
    check(set(acknowledged) <= recorded,
          f"transfer_created of acknowledged transfers missing: {set(acknowledged) - recorded}")
    print(f"    {len(acknowledged)} acknowledged creations, all present", flush=True)


def main():
    work = workdir("crash")
    server = Server(work).start()
    try:
        api = Api(server, server.token())
        kill_during_upload(server, api)
        kill_during_submit(server, api, rounds=10)
        kill_right_after_answers(server, api, rounds=2)
        kill_during_index_writes(server, api)
        ok, text = server.audit_verifies()
        check(ok, f"the audit chain verifies after all the crashes: {text}")
    except Exception:
        print(server.log()[-4000:])
        raise
    finally:
        server.stop()
    print("crash recovery: all checks passed")


if __name__ == "__main__":
    run(main)
