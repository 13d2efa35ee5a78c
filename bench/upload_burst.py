#!/usr/bin/env python3
"""Many uploads at once, one connection each, all started together.

    upload_burst.py sealpost PORT UPLOAD_URL AUTH --count N --size BYTES [--idle K]
    upload_burst.py nginx PORT /dav/prefix --count N --size BYTES [--idle K]

sealpost: N tus files are created first (POST, not timed, 16 at a time), then
N connections each send one PATCH with the whole file. nginx: N WebDAV PUTs.
With --idle K, K keep-alive connections are opened first (each answers one
GET, then stays open and silent) and held until the uploads are done.
Prints one JSON line: wall seconds, p50/p99 latency, errors, idle connections
still open at the end. Loopback only.
"""
import argparse
import asyncio
import base64
import json
import os
import resource
import sys
import time


async def request(port, head, body=b""):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(head.encode() + body)
        await writer.drain()
        status, headers = await read_head(reader)
        length = int(headers.get("content-length", "0"))
        if length:
            await reader.readexactly(length)
        return status, headers
    finally:
        writer.close()


async def read_head(reader):
    raw = await reader.readuntil(b"\r\n\r\n")
    lines = raw.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            k, v = line.split(":", 1)
            headers[k.strip().lower()] = v.strip()
    return status, headers


async def create_files(args):
    sem = asyncio.Semaphore(16)
    meta = "filename " + base64.b64encode(b"part.bin").decode()

    async def one(_):
        async with sem:
            status, headers = await request(
                args.port,
                f"POST {args.target} HTTP/1.1\r\nHost: 127.0.0.1\r\nTus-Resumable: 1.0.0\r\n"
                f"Authorization: {args.auth}\r\nUpload-Length: {args.size}\r\n"
                f"Upload-Metadata: {meta}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            if status != 201:
                raise SystemExit(f"tus creation: HTTP {status}")
            location = headers["location"]
            if location.startswith("http"):
                location = "/" + location.split("/", 3)[3]
            return location

    return await asyncio.gather(*(one(i) for i in range(args.count)))


async def open_idle(port, count):
    sem = asyncio.Semaphore(200)
    conns = []

    async def one():
        async with sem:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            await writer.drain()
            status, headers = await read_head(reader)
            await reader.readexactly(int(headers.get("content-length", "0")))
            if status != 200:
                raise SystemExit(f"idle connection: HTTP {status}")
            conns.append((reader, writer))

    await asyncio.gather(*(one() for _ in range(count)))
    return conns


async def main():
    p = argparse.ArgumentParser()
    p.add_argument("server", choices=["sealpost", "nginx"])
    p.add_argument("port", type=int)
    p.add_argument("target")
    p.add_argument("auth", nargs="?", default="")
    p.add_argument("--count", type=int, default=1000)
    p.add_argument("--size", type=int, default=1 << 20)
    p.add_argument("--idle", type=int, default=0)
    args = p.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = args.count + args.idle + 256
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(max(want, soft), hard), hard))

    if args.server == "sealpost":
        paths = await create_files(args)
        extra = "Tus-Resumable: 1.0.0\r\nContent-Type: application/offset+octet-stream\r\n" \
                "Upload-Offset: 0\r\n" + f"Authorization: {args.auth}\r\n"
        method = "PATCH"
        ok = (204,)
    else:
        paths = [f"{args.target}/{os.getpid()}-{i}.bin" for i in range(args.count)]
        extra = ""
        method = "PUT"
        ok = (201, 204)
    idle = await open_idle(args.port, args.idle) if args.idle else []
    body = os.urandom(args.size)
    latencies, errors = [], []
    start_gate = asyncio.Event()

    async def upload(path):
        reader, writer = await asyncio.open_connection("127.0.0.1", args.port)
        await start_gate.wait()
        t0 = time.monotonic()
        try:
            writer.write(f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{extra}"
                         f"Content-Length: {args.size}\r\nConnection: close\r\n\r\n".encode())
            writer.write(body)
            await writer.drain()
            status, headers = await read_head(reader)
            if status not in ok:
                errors.append(status)
            latencies.append(time.monotonic() - t0)
        except Exception as e:  # a reset or a refused connection is an error
            errors.append(type(e).__name__)
        finally:
            writer.close()

    tasks = [asyncio.create_task(upload(path)) for path in paths]
    await asyncio.sleep(0.5)  # every connection is open (or failed) before the start
    t0 = time.monotonic()
    start_gate.set()
    await asyncio.gather(*tasks)
    wall = time.monotonic() - t0
    still_open = 0
    for reader, writer in idle:
        if not reader.at_eof() and not writer.is_closing():
            still_open += 1
        writer.close()
    latencies.sort()

    def pct(q):
        return latencies[min(len(latencies) - 1, int(q * len(latencies)))] if latencies else 0

    print(json.dumps({"wall_s": round(wall, 3), "p50_s": round(pct(0.50), 3),
                      "p99_s": round(pct(0.99), 3), "errors": len(errors),
                      "error_kinds": sorted(set(map(str, errors)))[:5],
                      "idle_open": still_open, "idle": args.idle}))


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
