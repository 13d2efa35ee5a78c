"""What the Python tests that drive the real `sealpost serve` share: progress
lines, checks that raise AssertionError naming what failed, a free loopback
port, and the test configuration (loopback only, a cheap Argon2id cost)."""
import os
import socket


def step(text):
    print(f"--- {text}", flush=True)


def check(condition, what):
    if not condition:
        raise AssertionError(what)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def write_config(path, port, data_dir, extra=""):
    """A sealpost.toml for `serve` on 127.0.0.1:port with its data in data_dir;
    `extra` (more TOML sections) is appended."""
    with open(path, "w") as f:
        f.write(f"""
[server]
listen = "127.0.0.1:{port}"
public_url = "http://127.0.0.1:{port}"
data_dir = "{data_dir}"
[policy]
internal_domains = ["regionuppsala.se", "akademiska.se"]
[kdf]
opslimit = 1
memlimit = "8MiB"
{extra}
""")
    return path


SUPPORT_DIR = os.path.dirname(os.path.abspath(__file__))
