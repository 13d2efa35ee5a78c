"""The SMTP relay down and flapping, with the real binary and a real SMTP server
(aiosmtpd, tests/mail/smtp_server.py) started and stopped on one port.
Invariant: every mail is delivered exactly once — each recipient gets one
link mail, no Message-ID arrives twice, nothing is lost while the relay is
down or goes away between attempts, and the outbox is empty at the end."""
import email
import email.policy
import glob
import json
import os
import signal
import subprocess
import time

from harness import Api, Server, check, free_port, run, step, workdir

SMTP_SCRIPT = os.environ["SEALPOST_SMTP_SERVER"]


class Smtp:
    def __init__(self, port, root):
        self.port, self.root, self.proc, self.runs = port, root, None, 0

    def up(self):
        if self.proc:
            return
        self.runs += 1
        directory = os.path.join(self.root, f"run-{self.runs}")
        os.makedirs(directory)
        self.proc = subprocess.Popen(["/usr/bin/python3", SMTP_SCRIPT, "--dir", directory,
                                      "--port", str(self.port)], stdout=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        check(line.startswith("PORT "), f"SMTP server did not start: {line!r}")

    def down(self):
        if self.proc:
            self.proc.send_signal(signal.SIGTERM)
            self.proc.wait(timeout=20)
            self.proc = None

    def received(self):
        out = []
        for meta_path in glob.glob(os.path.join(self.root, "run-*", "*.json")):
            meta = json.load(open(meta_path))
            raw = open(meta_path[:-5] + ".eml", "rb").read()
            msg = email.message_from_bytes(raw, policy=email.policy.default)
            out.append((meta["rcpt_tos"], str(msg["Message-ID"]),
                        msg.get_body(preferencelist=("plain",)).get_content()))
        return out


def main():
    work = workdir("smtp")
    smtp_port = free_port()
    smtp = Smtp(smtp_port, os.path.join(work, "smtp"))
    server = Server(work, extra=f"""
[mail]
transport = "smtp"
from = "sealpost <noreply@regionuppsala.se>"
admin_address = "security@regionuppsala.se"
smtp_url = "smtp://127.0.0.1:{smtp_port}"
smtp_starttls = false
smtp_timeout = "3s"
retry_first_delay = "1s"
""")
    recipients = []
    try:
        server.start()
        api = Api(server, server.token())

        def transfer(n):
            address = f"flap-{n}@example.com"
            created = api.create(recipients=[address])
            api.upload(created["upload_url"], os.urandom(1000))
            check(api.submit(created["id"])[0] == 200, "submit")
            recipients.append(address)

        step("the relay is down: transfers are submitted, their mail waits in the outbox")
        for n in range(4):
            transfer(n)
        time.sleep(2)
        step("the relay flaps: up 1 s, down 2 s, five times, more transfers in between")
        for cycle in range(5):
            smtp.up()
            transfer(100 + cycle)
            time.sleep(1)
            smtp.down()
            transfer(200 + cycle)
            time.sleep(2)
        step("the relay stays up: every mail arrives, exactly once")
        smtp.up()
        deadline = time.time() + 120
        while time.time() < deadline:
            got = {r for rcpts, _, _ in smtp.received() for r in rcpts}
            if set(recipients) <= got:
                break
            time.sleep(0.5)
        time.sleep(3)  # anything still to come would be a duplicate
        received = smtp.received()
        for address in recipients:
            links = [m for m in received if address in m[0] and "/d/" in m[2]]
            check(len(links) == 1, f"{address}: {len(links)} link mails (expected exactly 1)")
        ids = [mid for _, mid, _ in received]
        check(len(ids) == len(set(ids)), f"a Message-ID arrived twice: "
              f"{sorted(i for i in ids if ids.count(i) > 1)}")
        sent = server.audit(event="notification_sent")
        check(len(sent) == len(received),
              f"notification_sent records {len(sent)} = messages received {len(received)}")
        print(f"    {len(recipients)} transfers, {len(received)} messages over "
              f"{smtp.runs} SMTP server runs, none twice, none lost", flush=True)
    except Exception:
        print(server.log()[-4000:])
        raise
    finally:
        smtp.down()
        server.stop()
    print("mail flapping: all checks passed")


if __name__ == "__main__":
    run(main)
