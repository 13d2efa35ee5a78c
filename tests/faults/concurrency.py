"""Races against the real binary, each with the invariant it must keep.

1. Parallel wrong passwords against one download link, each from its own
   client address (X-Forwarded-For from a trusted proxy on loopback, so the
   per-IP limit does not hide the race):
   INVARIANT: attempts are counted exactly — a burst evaluates exactly
   security.lock_after wrong passwords and then refuses unevaluated while
   locked (423); the transfer is deleted after exactly security.delete_after
   evaluated wrong passwords in total, never earlier; the audit log holds one
   password_failed per evaluated attempt, one transfer_locked per lock and
   one transfer_deleted_attempts.
2. Parallel submit, revoke (DELETE), administrator delete (`sealpost admin
   delete` from another process), tus creation and PATCH on one transfer:
   INVARIANT: exactly one end state — at most one submit answers 200; once a
   revoke or delete answered, the transfer is gone for good (410 to the link,
   no blob of it left, no upload accepted afterwards); exactly one deletion
   record in the audit log; a 200 submit means transfer_provided once."""
import concurrent.futures
import glob
import os
import subprocess
import threading
import time

from harness import (EXE, PASSWORD, Api, Server, check, download_id, run, step, unlock,
                     workdir)

LOCK_AFTER, DELETE_AFTER = 3, 10


def burst(server, dl, count, first_ip, password="Wrong-Password-Burst-1"):
    gate = threading.Barrier(count)

    def one(i):
        gate.wait()
        ip = f"198.51.{(first_ip + i) // 250}.{(first_ip + i) % 250 + 1}"
        return unlock(server, dl, password, ip=ip)[0]

    with concurrent.futures.ThreadPoolExecutor(count) as pool:
        return list(pool.map(one, range(count)))


def admin_unlock(server, tid):
    server.admin("unlock", tid)


def wrong_password_bursts(server, api):
    step("parallel wrong passwords from many addresses: counted exactly, locked after "
         f"{LOCK_AFTER}, deleted after exactly {DELETE_AFTER}")
    created = api.create(recipients=["burst@example.com"])
    api.upload(created["upload_url"], os.urandom(4096))
    check(api.submit(created["id"])[0] == 200, "submit")
    tid = created["id"]
    dl = download_id(server, "burst@example.com")
    evaluated = 0
    ip = 0
    locks = 0
    while True:
        statuses = burst(server, dl, 25, ip)
        ip += 25
        status, st = api.status(tid)
        counts = {s: statuses.count(s) for s in set(statuses)}
        print(f"    burst of 25 after {evaluated} counted: {counts}", flush=True)
        check(200 not in statuses, "a wrong password never unlocks")
        check(set(counts) <= {401, 423, 410, 503}, f"only 401, 423, 410 or 503 (busy): {counts}")
        if evaluated + LOCK_AFTER >= DELETE_AFTER and 410 in counts:
            # The burst that reaches delete_after deletes, and nothing more is counted.
            check(status in (404, 410) or st["status"] == "deleted",
                  f"deleted after exactly {DELETE_AFTER}: {status} {st}")
            check(server.json("GET", f"/api/v1/downloads/{dl}")[0] == 410, "link gone")
            break
        check(status == 200 and st["status"] == "provided",
              f"not deleted after {st.get('failed_attempts')} wrong passwords: {st}")
        delta = st["failed_attempts"] - evaluated
        # Exactly the attempts up to the lock are evaluated; the 503s (the bounded
        # Argon2id queue was full) and the 423s (locked) are not counted.
        if st.get("locked_until"):
            check(delta == LOCK_AFTER, f"a lock after exactly {LOCK_AFTER} more: {delta} {counts}")
            check(counts.get(401, 0) <= LOCK_AFTER, f"at most {LOCK_AFTER} answered 401: {counts}")
            locks += 1
        else:
            check(delta == counts.get(401, 0) < LOCK_AFTER,
                  f"without a lock every counted attempt answered 401: {delta} {counts}")
        evaluated = st["failed_attempts"]
        check(evaluated < DELETE_AFTER, f"not deleted at {evaluated}")
        admin_unlock(server, tid)
    events = [e["event"] for e in server.audit(tid)]
    check(events.count("password_failed") == DELETE_AFTER,
          f"{DELETE_AFTER} password_failed records, got {events.count('password_failed')}")
    check(events.count("transfer_locked") == locks,
          f"one transfer_locked per lock ({locks}): {events.count('transfer_locked')}")
    check(events.count("transfer_deleted_attempts") == 1, f"one deletion record: {events}")


def right_password_in_a_burst(server, api):
    step("the right password in a burst of wrong ones: it unlocks only if evaluated before "
         "the lock; the count stays exact")
    created = api.create(recipients=["mixed@example.com"])
    api.upload(created["upload_url"], os.urandom(4096))
    check(api.submit(created["id"])[0] == 200, "submit")
    dl = download_id(server, "mixed@example.com")
    gate = threading.Barrier(16)

    def one(i):
        gate.wait()
        return unlock(server, dl, PASSWORD if i == 7 else f"Wrong-Password-{i}x",
                      ip=f"203.0.113.{i + 1}")[0]

    with concurrent.futures.ThreadPoolExecutor(16) as pool:
        statuses = list(pool.map(one, range(16)))
    right = statuses[7]
    check(right in (200, 423, 503),
          f"the right password: 200, or refused unevaluated (locked, busy), got {right}")
    st = api.status(created["id"])[1]
    n401 = statuses.count(401)
    # Each evaluated wrong password answers 401, except the one that sets the lock,
    # which may answer 423; nothing refused unevaluated is counted.
    expected = (n401, n401 + 1) if st["locked_until"] else (n401,)
    check(st["failed_attempts"] in expected,
          f"the wrong attempts are counted exactly: {st['failed_attempts']} {statuses}")


def blobs_of(server, file_ids):
    return [p for f in file_ids for p in glob.glob(os.path.join(server.data, "blobs", f + ".*"))]


def lifecycle_race(server, api, rounds):
    step(f"parallel submit, revoke, admin delete, tus create and PATCH on one transfer "
         f"({rounds} rounds): one end state")
    for r in range(rounds):
        address = f"race-{r}@example.com"
        created = api.create(recipients=[address])
        tid = created["id"]
        api.upload(created["upload_url"], os.urandom(100_000), "first.bin")
        # Odd rounds: three uploads still open, so a submit can only win after the
        # PATCHes; even rounds: everything complete, submit and revoke race head on.
        pending = [api.tus_create(created["upload_url"], 300_000, f"p{i}.bin")
                   for i in range(3 if r % 2 else 0)]
        gate = threading.Barrier(12)
        results = {}

        def act(kind, i):
            gate.wait()
            time.sleep(0.001 * i)
            if kind == "submit":
                return kind, api.submit(tid)[0]
            if kind == "revoke":
                return kind, server.json("DELETE", f"/api/v1/transfers/{tid}", None, api.auth)[0]
            if kind == "admin":
                out = subprocess.run([EXE, "admin", "delete", tid, "--data", server.data],
                                     capture_output=True, text=True, timeout=60)
                check(out.returncode in (0, 3), f"admin delete: {out.returncode} {out.stderr}")
                return kind, out.returncode
            if kind == "create":
                # Empty files: complete at creation, so they never hold the submit up.
                status, _, _ = server.request("POST", created["upload_url"], b"", dict(
                    api.auth, **{"Tus-Resumable": "1.0.0", "Upload-Length": "0"}))
                return kind, status
            if not pending:
                status, _, _ = server.request("POST", created["upload_url"], b"", dict(
                    api.auth, **{"Tus-Resumable": "1.0.0", "Upload-Length": "0"}))
                return kind, status
            status, _, _ = api.tus_patch(pending[i % 3], 0, os.urandom(300_000))
            return kind, status

        plan = (["submit"] * 3 + ["revoke"] * 2 + (["admin"] if r % 3 == 0 else ["submit"])
                + ["create"] * 3 + ["patch"] * 3)
        with concurrent.futures.ThreadPoolExecutor(12) as pool:
            for kind, status in pool.map(act, plan, range(12)):
                results.setdefault(kind, []).append(status)
        print(f"    round {r}: {results}", flush=True)
        check(results["submit"].count(200) <= 1, f"at most one submit succeeds: {results}")
        deleted = 204 in results["revoke"] or 0 in results.get("admin", [])
        check(deleted, f"a revoke or delete won (the transfer existed): {results}")
        check(results["revoke"].count(204) + results.get("admin", []).count(0) == 1,
              f"exactly one deletion succeeded, the others found it gone: {results}")
        status, st = api.status(tid)
        check(status in (404, 410) or st["status"] in ("revoked", "deleted"),
              f"gone for good: {status} {st}")
        # Nothing is accepted any more, and nothing of it is left on disk.
        for location in pending:
            status, _, _ = api.tus_patch(location, 0, b"x" * 10)
            check(status in (404, 409, 410), f"no upload after the deletion: {status}")
        status, _, _ = server.request("POST", created["upload_url"], b"", dict(
            api.auth, **{"Tus-Resumable": "1.0.0", "Upload-Length": "10"}))
        check(status in (404, 409, 410), f"no new upload after the deletion: {status}")
        time.sleep(0.5)
        st_files = [f["id"] for f in st.get("files", [])] if isinstance(st, dict) else []
        leftovers = blobs_of(server, st_files + [p.rsplit("/", 1)[-1] for p in pending])
        check(not leftovers, f"no blob of a deleted transfer left: {leftovers}")
        events = [e["event"] for e in server.audit(tid)]
        deletions = [e for e in events if e in ("transfer_revoked", "admin_deleted")]
        check(len(deletions) == 1, f"exactly one deletion record: {events}")
        check(events.count("transfer_provided") == results["submit"].count(200),
              f"transfer_provided once per 200 submit: {events}")
        if results["submit"].count(200):
            dl = download_id(server, address)
            check(server.json("GET", f"/api/v1/downloads/{dl}")[0] == 410, "its link is gone")


def main():
    work = workdir("race")
    server = Server(work, extra='[security]\ntrusted_proxies = ["127.0.0.1"]\n').start()
    try:
        api = Api(server, server.token())
        wrong_password_bursts(server, api)
        right_password_in_a_burst(server, api)
        lifecycle_race(server, api, rounds=6)
        ok, text = server.audit_verifies()
        check(ok, f"the audit chain verifies: {text}")
    except Exception:
        print(server.log()[-4000:])
        raise
    finally:
        server.stop()
    print("concurrency: all checks passed")


if __name__ == "__main__":
    run(main)
