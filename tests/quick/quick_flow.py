"""QUICK end to end (README, "QUICK") against the real `sealpost serve`, a real
SMTP server on loopback (aiosmtpd) and independent cookie jars standing for
browsers:

  anna   A's browser (anna@regionuppsala.se), sends
  bo     B's browser (bo@akademiska.se), activates QUICK
  bo2    B's new browser after the cookie was lost: re-activation by password
  bo3    B's third browser: re-activation by activation code
  guest  a browser without keys (never verified): still needs the password
  eve    a browser verified for another address

Invariants checked: an invitation opens with its password only and activation
needs a browser verified for the recipient's own address (refused before the
password is evaluated, so not counted); after activation every A→B transfer
carrying W_q[B] opens in B's browser with no password (the magic) and later
transfers in both directions need none; a code works once, for the address it
was made for; wrong passwords on an invitation count toward the lock; wrong
activation codes entered in parallel from many addresses are counted exactly
(5 tries per code) and the right code entered in parallel restores in exactly
one browser. Exits non-zero on the first failed check, naming it."""
import concurrent.futures
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "flow"))
import transfer_flow  # noqa: E402
from transfer_flow import (EXE, Client, Mailbox, SmtpServer, check, free_port,  # noqa: E402
                           step, text_of, verify)

ANNA = "anna@regionuppsala.se"
BO = "bo@akademiska.se"
EVE = "eve@akademiska.se"


def start_server(work, port, smtp_port):
    # Behind a trusted proxy (the concurrency checks send X-Forwarded-For from
    # many addresses), with a short lock.
    return transfer_flow.start_server(work, port, smtp_port, extra_config="""
[security]
trusted_proxies = ["127.0.0.1"]
lock_after = 3
""")


def put_file(client, upload_url, name, data):
    req = urllib.request.Request(client.base + upload_url + "/" + name, data=data, method="PUT",
                                 headers={"Origin": client.base,
                                          "Content-Type": "application/octet-stream"})
    try:
        with client.opener.open(req, timeout=60) as res:
            status = res.status
    except urllib.error.HTTPError as e:
        status = e.code
    check(status in (200, 201, 204), f"upload of {name}: {status}")


class Links:
    """The personal links mailed to each address, in the order they came."""

    def __init__(self, mailbox):
        self.mailbox = mailbox
        self.seen = set()

    def next(self, address):
        deadline = time.time() + 30
        while time.time() < deadline:
            for meta, msg, raw in self.mailbox.all():
                if address not in meta["rcpt_tos"]:
                    continue
                found = re.search(r"/d/([a-z2-7]{26})", text_of(msg))
                if found and found.group(1) not in self.seen:
                    self.seen.add(found.group(1))
                    return found.group(1), text_of(msg)
            time.sleep(0.2)
        raise AssertionError(f"no new link mailed to {address}")


def send(client, sender, recipient, data, password=None, links=None, fallback=None):
    body = {"sender": sender, "recipients": [recipient], "password_mode": "quick",
            "message": "QUICK message"}
    if password:
        body["password"] = password
    if fallback:
        body["quick_fallback"] = fallback
    status, created = client.call("POST", "/api/v1/transfers", body)
    check(status == 201, f"create {sender}->{recipient}: {status} {created}")
    put_file(client, created["upload_url"], "report.txt", data)
    status, provided = client.call("POST", f"/api/v1/transfers/{created['id']}/submit")
    check(status == 200, f"submit {status} {provided}")
    download_id, text = links.next(recipient)
    return created, download_id, text


def file_bytes(client, download_id, unlocked):
    f = unlocked["files"][0]
    status, payload, _ = client.call("GET", f"/api/v1/downloads/{download_id}/files/{f['id']}",
                                     raw=True)
    check(status == 200, f"download {status}")
    return payload


def opens_without_password(client, download_id, data):
    status, info = client.call("GET", f"/api/v1/downloads/{download_id}")
    check(status == 200 and info["password_required"] is False, f"no password needed: {info}")
    status, unlocked = client.call("POST", f"/api/v1/downloads/{download_id}/unlock", {})
    check(status == 200 and unlocked.get("quick") is True, f"unlock by QUICK {status} {unlocked}")
    check(file_bytes(client, download_id, unlocked) == data, "the right bytes by QUICK")


def main():
    work = tempfile.mkdtemp(prefix="sealpost-quick-")
    mail_dir = os.path.join(work, "smtp")
    os.makedirs(mail_dir)
    smtp = SmtpServer(mail_dir)
    server, base = start_server(work, free_port(), smtp.port)
    try:
        run(base, Mailbox(mail_dir))
        administration(work)
    finally:
        server.send_signal(signal.SIGTERM)
        code = server.wait(timeout=60)
        print(open(os.path.join(work, "server.log")).read()[-4000:], file=sys.stderr)
        smtp.stop()
    check(code == 0, f"server exit code {code}")
    subprocess.run(["rm", "-rf", work])
    print("QUICK flow: all checks passed")


def run(base, mailbox):
    links = Links(mailbox)
    anna, bo, bo2, bo3, guest, eve = (Client(base) for _ in range(6))
    status, cfg = guest.call("GET", "/api/v1/config")
    check(cfg["quick_enabled"] is True, "QUICK is on by default")

    step("cookies: the test cookie comes back from a browser that keeps cookies")
    status, body = guest.call("GET", "/api/v1/cookies")
    check(status == 200 and body["returned"] is False, f"first call {body}")
    status, body = guest.call("GET", "/api/v1/cookies")
    check(status == 200 and body["returned"] is True, f"second call {body}")

    verify(anna, mailbox, ANNA, "Anna Berg", "+46 70 111 22 33")

    step("QUICK needs a browser: an API token cannot send with it; no password, no invitation")
    status, body = anna.call("POST", "/api/v1/transfers",
                             {"sender": ANNA, "recipients": [BO], "password_mode": "quick"})
    check(status == 400 and body["failed_recipients"][0]["reason"] == "quick_not_connected",
          f"an unconnected recipient needs an invitation password: {status} {body}")
    status, body = anna.call("POST", "/api/v1/policy/check", {"sender": ANNA, "recipients": [BO]})
    check(body["quick_connected"] == [], f"not connected yet {body}")

    step("A→B transfer 1 (P1) and transfer 2 (P2), both invitations")
    p1, p2 = "Bright-Quokka-Pass-91", "Second-Quick-Pass-82"
    d1, d2 = os.urandom(70_001), os.urandom(12_345)
    t1, link1, mail1 = send(anna, ANNA, BO, d1, p1, links)
    check(t1["recipients"] == [{"email": BO, "quick": False}], f"invitation {t1}")
    check("not in this e-mail" in mail1, "an invitation's mail says the password comes separately")
    t2, link2, _ = send(anna, ANNA, BO, d2, p2, links)

    step("B's browser: activation refused until it is verified for B's address (uncounted)")
    status, info = bo.call("GET", f"/api/v1/downloads/{link2}")
    check(info["password_required"] and info["quick_invitation"] and not info["quick_identity"]
          and info["recipient"] == BO, f"download info {info}")
    status, body = bo.call("POST", f"/api/v1/downloads/{link2}/unlock",
                           {"password": p2, "activate_quick": True})
    check(status == 403 and body["reason"] == "quick_identity_required" and body["email"] == BO,
          f"activation needs B's identity {status} {body}")
    step("a browser verified for another address cannot activate B's connection")
    verify(eve, mailbox, EVE, "Eve", "")
    status, body = eve.call("POST", f"/api/v1/downloads/{link1}/unlock",
                            {"password": p1, "activate_quick": True})
    check(status == 403 and body["reason"] == "quick_identity_required", f"eve {status} {body}")
    status, st = anna.call("GET", f"/api/v1/transfers/{t1['id']}")
    check(st["failed_attempts"] == 0, "refused activations were not counted as attempts")

    verify(bo, mailbox, BO, "Bo", "")
    status, info = bo.call("GET", f"/api/v1/downloads/{link2}")
    check(info["quick_identity"] and info["password_required"], f"verified, not connected {info}")
    status, unlocked = bo.call("POST", f"/api/v1/downloads/{link2}/unlock",
                               {"password": p2, "activate_quick": True})
    check(status == 200 and unlocked["quick_activated"] is True, f"activate {status} {unlocked}")
    check(file_bytes(bo, link2, unlocked) == d2, "transfer 2's bytes")

    step("the magic: transfer 1 (another password) opens in B's browser without one")
    opens_without_password(bo, link1, d1)
    status, body = bo.call("GET", "/api/v1/quick")
    check([(c["email"], c["partner"]) for c in body["connections"]] == [(BO, ANNA)],
          f"B's connections {body}")

    step("a third A→B transfer needs no password; the mail and the status say QUICK")
    status, body = anna.call("POST", "/api/v1/policy/check", {"sender": ANNA, "recipients": [BO]})
    check(body["quick_connected"] == [BO], f"connected now {body}")
    d3 = os.urandom(5000)
    t3, link3, mail3 = send(anna, ANNA, BO, d3, None, links)
    check(t3["recipients"] == [{"email": BO, "quick": True}], f"QUICK reception {t3}")
    check("No password is needed" in mail3, "the mail says no password is needed")
    opens_without_password(bo, link3, d3)
    status, st = anna.call("GET", f"/api/v1/transfers/{t3['id']}")
    check(st["recipients"][0]["quick"] is True, f"status shows QUICK {st}")

    step("B→A needs no password either (A's browser holds the key since transfer 1)")
    d4 = os.urandom(777)
    t4, link4, _ = send(bo, BO, ANNA, d4, None, links)
    check(t4["recipients"] == [{"email": ANNA, "quick": True}], f"B→A {t4}")
    opens_without_password(anna, link4, d4)

    step("a browser without keys still needs the password; a QUICK-only transfer has none")
    status, info = guest.call("GET", f"/api/v1/downloads/{link1}")
    check(info["password_required"] is True, "guest needs the password")
    status, body = guest.call("POST", f"/api/v1/downloads/{link1}/unlock", {})
    check(status == 400, f"no password, no QUICK: {status}")
    status, info = guest.call("GET", f"/api/v1/downloads/{link3}")
    check(info["password_required"] and info["quick_only"], f"quick only {info}")
    status, body = guest.call("POST", f"/api/v1/downloads/{link3}/unlock", {"password": p1})
    check(status == 400 and body["reason"] == "quick_only", f"no password to guess {body}")

    step("wrong passwords on an invitation count toward the lock")
    status, body = guest.call("POST", f"/api/v1/downloads/{link1}/unlock", {"password": "Wrong-1"})
    check(status == 401 and body["attempts_left"] == 2, f"counted {status} {body}")
    status, st = anna.call("GET", f"/api/v1/transfers/{t1['id']}")
    check(st["failed_attempts"] == 1, "the failure is on the transfer")

    step("B's cookie is lost: re-activation by password in a new browser")
    verify(bo2, mailbox, BO, "Bo", "")
    status, info = bo2.call("GET", f"/api/v1/downloads/{link3}")
    check(info["password_required"], "the new browser holds no key")
    status, unlocked = bo2.call("POST", f"/api/v1/downloads/{link1}/unlock",
                                {"password": p1, "activate_quick": True})
    check(status == 200 and unlocked["quick_activated"], f"re-activation {status} {unlocked}")
    opens_without_password(bo2, link3, d3)

    step("re-activation by code: made in a browser with the keys, entered once in another")
    status, code = bo.call("POST", "/api/v1/quick/activation-codes", {"email": BO})
    check(status == 201 and re.fullmatch(r"[0-9A-Z]{4}(-[0-9A-Z]{4}){4}", code["code"]),
          f"code {status} {code}")
    status, body = guest.call("POST", "/api/v1/quick/activation-codes", {"email": BO})
    check(status == 403, "only a browser verified for the address makes a code")
    status, body = eve.call("POST", "/api/v1/quick/reactivate", {"email": BO, "code": code["code"]})
    check(status == 403 and body["reason"] == "quick_identity_required",
          "a browser verified for another address cannot enter B's code")
    verify(bo3, mailbox, BO, "Bo", "")
    status, body = bo3.call("POST", "/api/v1/quick/reactivate", {"email": BO, "code": "0000-0000"})
    check(status == 400 and body["attempts_left"] == 4, f"wrong code counted {status} {body}")
    status, body = bo3.call("POST", "/api/v1/quick/reactivate",
                            {"email": BO, "code": code["code"].lower()})
    check(status == 200 and body["restored"] == 1, f"restored {status} {body}")
    opens_without_password(bo3, link1, d1)
    status, body = bo3.call("POST", "/api/v1/quick/reactivate", {"email": BO, "code": code["code"]})
    check(status == 410, f"a code works once: {status}")

    step("parallel wrong codes from 30 addresses: exactly 5 evaluated, then the code is gone")
    status, code = bo.call("POST", "/api/v1/quick/activation-codes", {"email": BO})
    check(status == 201, "a second code")

    def enter(i, value, client):
        return client.call("POST", "/api/v1/quick/reactivate", {"email": BO, "code": value},
                           headers={"X-Forwarded-For": f"198.51.100.{i + 1}"})

    with concurrent.futures.ThreadPoolExecutor(30) as pool:
        answers = list(pool.map(lambda i: enter(i, f"WRONG-{i:04d}-XXXX", bo3), range(30)))
    statuses = [s for s, _ in answers]
    check(statuses.count(400) + statuses.count(410) == 30, f"answers {statuses}")
    lefts = sorted(b["attempts_left"] for s, b in answers if s == 400)
    check(lefts == [1, 2, 3, 4], f"4 wrong answered 400 with 4..1 left, got {lefts}")
    status, body = enter(40, code["code"], bo3)
    check(status == 410, f"the right code after five wrong ones is refused: {status}")

    step("removing the identity from a browser forgets its QUICK keys there")
    status, _ = bo2.call("DELETE", f"/api/v1/senders/{BO}")
    check(status == 204, "identity removed")
    verify(bo2, mailbox, BO, "Bo", "")
    status, info = bo2.call("GET", f"/api/v1/downloads/{link3}")
    check(info["password_required"], "the keys went with the identity")

    step("deleting a connection in a browser")
    status, _ = bo3.call("DELETE", f"/api/v1/quick/{BO}/{ANNA}")
    check(status == 204, "connection forgotten in bo3")
    status, info = bo3.call("GET", f"/api/v1/downloads/{link3}")
    check(info["password_required"], "bo3 no longer opens it")
    opens_without_password(bo, link3, d3)  # B's first browser still does

    step("the right code entered in three keyless browsers at once restores in exactly one")
    # (Verification codes are limited to 5 per address and hour: bo2 and bo3
    # hold no key now, bo5 is the fifth browser verified for B.)
    bo5 = Client(base)
    verify(bo5, mailbox, BO, "Bo", "")
    status, code = bo.call("POST", "/api/v1/quick/activation-codes", {"email": BO})
    check(status == 201, "a third code")
    keyless = [bo2, bo3, bo5]
    with concurrent.futures.ThreadPoolExecutor(3) as pool:
        answers = list(pool.map(lambda ib: enter(50 + ib[0], code["code"], ib[1]),
                                enumerate(keyless)))
    check(sorted(s for s, _ in answers) == [200, 410, 410], f"answers {answers}")
    opening = 0
    for b in keyless:
        status, info = b.call("GET", f"/api/v1/downloads/{link3}")
        opening += info["password_required"] is False
    check(opening == 1, f"exactly one browser holds the key, {opening} do")


def administration(work):
    """The audit trail and an administrator's view and deletion (command line,
    on the data folder while the server runs)."""
    import json
    data = os.path.join(work, "data")

    def admin(*args):
        out = subprocess.run([EXE, "admin", *args, "--data", data], capture_output=True,
                             text=True, timeout=60)
        return out.returncode, out.stdout, out.stderr

    step("audit: activation, re-activations, codes, deleted connection")
    rc, out, err = admin("audit")
    check(rc == 0, f"admin audit {rc} {err}")
    events = [json.loads(line) for line in out.splitlines() if line.strip()]
    names = [e["event"] for e in events]
    check(names.count("quick_activated") == 1, f"one activation, got {names.count('quick_activated')}")
    reactivated = [e for e in events if e["event"] == "quick_reactivated"]
    check(sorted(e["detail"]["route"] for e in reactivated) == ["code", "code", "password"],
          f"re-activations {[e['detail'] for e in reactivated]}")
    check(names.count("quick_code_created") == 3, "three codes made")
    check(names.count("quick_code_failed") == 1 + 1 + 30 + 1 + 2,
          f"failed code entries counted: {names.count('quick_code_failed')}")
    check(names.count("quick_connection_deleted") == 1, "one connection deleted")
    check(all(e["email"] for e in events if e["event"].startswith("quick_")), "actor addresses")

    step("an administrator lists and deletes the connection; nothing creates one")
    rc, out, err = admin("quick", "list", "--email", BO)
    check(rc == 0, f"quick list {rc} {err}")
    rows = [json.loads(line) for line in out.splitlines()]
    pairs = {(r["email"], r["partner"]): r["browsers"] for r in rows}
    check(pairs.get((BO, ANNA), 0) >= 2 and pairs.get((ANNA, BO)) == 1, f"connections {rows}")
    rc, out, err = admin("quick", "delete", ANNA, BO)
    check(rc == 0 and "deleted" in out, f"quick delete {rc} {out} {err}")
    rc, out, err = admin("quick", "list")
    check(rc == 0 and out.strip() == "", f"no connection left: {out}")
    rc, out, err = admin("quick", "delete", ANNA, BO)
    check(rc == 3, "deleting again: no such connection")


if __name__ == "__main__":
    try:
        main()
    except AssertionError as e:
        print(f"FAILED: {e}", file=sys.stderr)
        sys.exit(1)
