#!/usr/bin/env python3
"""Uploads a file with one HTTP/1.1 PUT whose body goes out with sendfile(2).

A client that copies nothing in user space, so that the server rather than the
client limits an upload over loopback. Prints "STATUS BYTES SECONDS" like
curl's -w '%{http_code} %{size_upload} %{time_total}'.

usage: put_sendfile.py URL FILE      (URL: http://127.0.0.1:PORT/path)
"""
import os
import socket
import sys
import time
import urllib.parse


def main() -> int:
    url, path = sys.argv[1], sys.argv[2]
    parts = urllib.parse.urlsplit(url)
    if parts.scheme != "http" or parts.hostname not in ("127.0.0.1", "localhost"):
        print("put_sendfile.py: loopback http:// URLs only", file=sys.stderr)
        return 2
    size = os.path.getsize(path)
    start = time.monotonic()
    with socket.create_connection((parts.hostname, parts.port), timeout=120) as sock:
        head = (f"PUT {parts.path or '/'} HTTP/1.1\r\nHost: {parts.netloc}\r\n"
                f"Content-Length: {size}\r\nConnection: close\r\n\r\n")
        sock.sendall(head.encode())
        with open(path, "rb") as body:
            sent = sock.sendfile(body)
        response = b""
        while chunk := sock.recv(65536):
            response += chunk
    seconds = time.monotonic() - start
    status_line = response.split(b"\r\n", 1)[0].decode(errors="replace")
    fields = status_line.split(" ")
    status = fields[1] if len(fields) > 1 else "000"
    print(f"{status} {sent} {seconds:.6f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
