"""The clock and expiry, with the real binary under libfaketime (Debian's
faketime package, preloaded into `sealpost serve` only):
  - the wall clock steps forward while the server runs (the monotonic clock
    the timers run on does not move, as with an NTP step): an expired transfer
    is refused at once (410, and expired on that access), and the expiry timer
    (re-armed at least every minute) expires the others within a minute, each
    audited once;
  - kill -9 during the start-up expiry sweep, at random moments: after a
    restart every due transfer is gone exactly once (status expired, no blob
    left, one transfer_expired audit record each)."""
import glob
import os
import random
import time

from harness import Api, Server, check, download_id, run, spool_mails, step, unlock, workdir

LIB = "/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1"


def faked_env(clock_file, monotonic=True):
    env = dict(os.environ, LD_PRELOAD=LIB, FAKETIME_TIMESTAMP_FILE=clock_file,
               FAKETIME_NO_CACHE="1")
    if not monotonic:
        env["FAKETIME_DONT_FAKE_MONOTONIC"] = "1"
    # Under AddressSanitizer (tools/test's second build) the preloaded library
    # comes before the ASan runtime, which ASan refuses unless told not to check.
    asan = env.get("ASAN_OPTIONS", "")
    env["ASAN_OPTIONS"] = (asan + ":" if asan else "") + "verify_asan_link_order=0"
    return env


def set_clock(clock_file, offset):
    with open(clock_file, "w") as f:
        f.write(offset + "\n")


def provided(server, api, address, retention_days=1):
    created = api.create(recipients=[address], retention_days=retention_days)
    api.upload(created["upload_url"], os.urandom(30_000))
    check(api.submit(created["id"])[0] == 200, "submit")
    return created["id"], download_id(server, address)


def wait_for(predicate, what, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(what)


def blob_count(server):
    return len([p for p in glob.glob(os.path.join(server.data, "blobs", "**", "*"), recursive=True)
                if os.path.isfile(p)])


def clock_steps_forward():
    step("the wall clock steps 3 days forward while the server runs (the monotonic clock "
         "does not, as with an NTP step): expired transfers are refused at once and expiry "
         "runs within a minute")
    work = workdir("clock")
    clock = os.path.join(work, "clock")
    set_clock(clock, "+0")
    server = Server(work, env=faked_env(clock, monotonic=False)).start()
    try:
        api = Api(server, server.token())
        accessed = provided(server, api, "accessed@example.com", 1)
        untouched = [provided(server, api, f"untouched-{i}@example.com", 1) for i in range(2)]
        long_ = provided(server, api, "long@example.com", 10)
        set_clock(clock, "+3d")
        tid, dl = accessed
        status, body = server.json("GET", f"/api/v1/downloads/{dl}")
        check(status == 410, f"an expired transfer is not offered: {status} {body}")
        status, body = unlock(server, dl)
        check(status == 410, f"an expired transfer does not unlock: {status} {body}")
        wait_for(lambda: api.status(tid)[1]["status"] == "expired", "expired on access")
        started = time.time()
        for tid, dl in untouched:
            wait_for(lambda tid=tid: api.status(tid)[1]["status"] == "expired",
                     f"transfer {tid} expired by the timer after the step", timeout=90)
        print(f"    untouched transfers expired {time.time() - started:.0f} s after the step",
              flush=True)
        for tid, dl in [accessed] + untouched:
            events = [e["event"] for e in server.audit(tid)]
            check(events.count("transfer_expired") == 1, f"one transfer_expired: {events}")
            check(server.json("GET", f"/api/v1/downloads/{dl}")[0] == 410, "link gone")
        check(server.json("GET", f"/api/v1/downloads/{long_[1]}")[0] == 200,
              "a transfer with retention left is untouched")
    except Exception:
        print(server.log()[-4000:])
        raise
    finally:
        server.stop()


def kill_during_sweep(rounds):
    step(f"kill -9 during the start-up expiry sweep ({rounds} rounds): every due transfer "
         "is expired exactly once after restart, its blobs gone, one transfer_expired audit "
         "record and one expiry notice to the sender each")
    work = workdir("sweep")
    clock = os.path.join(work, "clock")
    set_clock(clock, "+0")
    server = Server(work, env=faked_env(clock))
    server.start()
    api = Api(server, server.token())
    due = []
    for r in range(rounds):
        due.append([provided(server, api, f"sweep-{r}-{i}@example.com") for i in range(6)])
    server.stop()
    offset_days = 2
    for r in range(rounds):
        set_clock(clock, f"+{offset_days}d")
        server.start(wait=False)
        time.sleep(random.uniform(0.0, 0.3))
        server.kill9()
    server.start()
    try:
        for batch in due:
            for tid, dl in batch:
                wait_for(lambda tid=tid: api.status(tid)[1]["status"] == "expired",
                         f"{tid} expired after the interrupted sweeps")
                check(server.json("GET", f"/api/v1/downloads/{dl}")[0] == 410, "link gone")
                # A kill -9 after the expiry's index commit and before its audit
                # append leaves the report pending in the index; the restart makes
                # it, and never a second time.
                wait_for(lambda tid=tid: [e["event"] for e in server.audit(tid)]
                         .count("transfer_expired") == 1,
                         f"one transfer_expired for {tid}: "
                         f"{[e['event'] for e in server.audit(tid)]}")
        check(blob_count(server) == 0, f"no blob left: {blob_count(server)}")
        # One expiry notice per transfer (to the sender, naming the transfer).
        time.sleep(1.0)
        notices = [subject + "\n" + text for to, subject, text in spool_mails(server)
                   if "robot@" in to and "expired" in subject.lower()]
        for batch in due:
            for tid, _ in batch:
                count = sum(tid in text for text in notices)
                check(count == 1, f"one expiry notice for {tid}, not {count}")
        print(f"    {sum(len(b) for b in due)} due transfers expired, each audited and "
              "noticed once", flush=True)
    except Exception:
        print(server.log()[-4000:])
        raise
    finally:
        server.stop()


def main():
    check(os.path.exists(LIB), f"{LIB} (Debian package faketime) is needed")
    clock_steps_forward()
    kill_during_sweep(rounds=3)
    print("expiry and clock: all checks passed")


if __name__ == "__main__":
    run(main)
