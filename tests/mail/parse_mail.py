"""Reads one rendered message with Python's standard e-mail parser (an
independent implementation of RFC 5322, MIME and RFC 2047) and prints what it
understood as JSON, for tests/mail to compare with what was put in."""
import email
import email.header
import email.policy
import email.utils
import json
import sys


def mailboxes(header):
    if header is None:
        return []
    return [{"name": a.display_name, "address": a.addr_spec} for a in header.addresses]


def mailboxes_rfc2047(message, name):
    """The same, decoded by email.header, which follows RFC 2047 §6.2 and
    ignores white space between adjacent encoded-words. (The address parser
    of policy.default keeps it as a space inside display names.)"""
    raw = [" ".join(v.replace("\r", "").split("\n")) for v in message.get_all(name, [])]
    return [{"name": str(email.header.make_header(email.header.decode_header(n))),
             "address": a} for n, a in email.utils.getaddresses(raw)]


def main():
    with open(sys.argv[1], "rb") as f:
        data = f.read()
    message = email.message_from_bytes(data, policy=email.policy.default)
    raw = email.message_from_bytes(data, policy=email.policy.compat32)
    defects = [type(d).__name__ for d in message.defects]
    for name, value in message.items():
        defects += [f"{name}: {type(d).__name__}" for d in value.defects]
    parts = []
    for part in message.walk():
        if part.is_multipart():
            continue
        parts.append({
            "type": part.get_content_type(),
            "charset": part.get_content_charset(),
            "encoding": part.get("Content-Transfer-Encoding"),
            # Hard line breaks are CRLF on the wire; compare them as "\n".
            "content": part.get_content().replace("\r\n", "\n"),
        })
    print(json.dumps({
        "header_names": list(message.keys()),
        "headers": [[name, str(value)] for name, value in message.items()],
        "defects": defects + [d for p in message.walk() for d in map(str, p.defects)],
        "subject": str(message["Subject"]) if message["Subject"] is not None else None,
        "from": mailboxes(message["From"]),
        "to": mailboxes(message["To"]),
        "cc": mailboxes(message["Cc"]),
        "reply_to": mailboxes(message["Reply-To"]),
        "from_rfc2047": mailboxes_rfc2047(raw, "From"),
        "to_rfc2047": mailboxes_rfc2047(raw, "To"),
        "multipart": message.is_multipart(),
        "content_type": message.get_content_type(),
        "parts": parts,
    }))


main()
