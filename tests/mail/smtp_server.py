"""A real SMTP server (aiosmtpd) on loopback for the mail tests. Every
accepted message is written to --dir as N.eml (the DATA bytes exactly as
received) and N.json ({"mail_from", "rcpt_tos", "tls", "auth"}), the .json
last, so a reader that sees it sees the whole message. Prints "PORT <n>" once
it listens, then serves until SIGTERM or SIGINT.

Options: --port N (0 = any free port), --tls-cert/--tls-key with --starttls
(STARTTLS required before MAIL) or --implicit-tls (smtps), --auth USER:PASS
(AUTH required), --reject-rcpt ADDR (550), --tempfail-rcpt ADDR (451)."""
import argparse
import asyncio
import json
import os
import signal
import ssl
import sys

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


class Handler:
    def __init__(self, args):
        self.args = args
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.args.reject_rcpt:
            return "550 5.1.1 no such user"
        if address in self.args.tempfail_rcpt:
            return "451 4.3.0 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        base = os.path.join(self.args.dir, str(self.count))
        with open(base + ".eml.tmp", "wb") as f:
            f.write(envelope.original_content or envelope.content)
        os.rename(base + ".eml.tmp", base + ".eml")
        meta = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "tls": session.ssl is not None
            or server.transport.get_extra_info("ssl_object") is not None,
            "auth": session.authenticated is True,
        }
        with open(base + ".json.tmp", "w") as f:
            json.dump(meta, f)
        os.rename(base + ".json.tmp", base + ".json")
        return "250 OK queued"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", required=True)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--tls-cert")
    parser.add_argument("--tls-key")
    parser.add_argument("--starttls", action="store_true")
    parser.add_argument("--implicit-tls", action="store_true")
    parser.add_argument("--auth")
    parser.add_argument("--reject-rcpt", action="append", default=[])
    parser.add_argument("--tempfail-rcpt", action="append", default=[])
    args = parser.parse_args()

    context = None
    if args.tls_cert:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args.tls_cert, args.tls_key)

    def authenticate(server, session, envelope, mechanism, auth_data):
        if not isinstance(auth_data, LoginPassword):
            return AuthResult(success=False, handled=False)
        user, password = args.auth.encode().split(b":", 1)
        ok = auth_data.login == user and auth_data.password == password
        return AuthResult(success=ok, handled=False)

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    handler = Handler(args)

    def factory():
        return SMTP(handler,
                    hostname="mail.test",
                    loop=loop,
                    tls_context=context if args.starttls else None,
                    require_starttls=args.starttls,
                    authenticator=authenticate if args.auth else None,
                    auth_required=bool(args.auth),
                    auth_require_tls=bool(args.starttls or args.implicit_tls))

    server = loop.run_until_complete(loop.create_server(
        factory, host="127.0.0.1", port=args.port,
        ssl=context if args.implicit_tls else None))
    print("PORT", server.sockets[0].getsockname()[1], flush=True)
    loop.add_signal_handler(signal.SIGTERM, loop.stop)
    loop.add_signal_handler(signal.SIGINT, loop.stop)
    loop.run_forever()
    server.close()
    loop.run_until_complete(server.wait_closed())


main()
