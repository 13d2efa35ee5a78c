"""Every command the binary's parser knows (`sealpost --list-commands`) answers
--help with its usage and exit code 0, refuses an unknown option with exit code 2,
and is documented: the man page (docs/sealpost.1) names it and the bash
completion (contrib/bash-completion/sealpost) offers each of its words."""
import os
import re
import subprocess
import sys

EXE = os.environ["SEALPOST_EXE"]
ROOT = os.environ["SEALPOST_SOURCE_ROOT"]


def main():
    listed = subprocess.run([EXE, "--list-commands"], capture_output=True, text=True)
    assert listed.returncode == 0, listed.stderr
    commands = [line.split("\t")[0] for line in listed.stdout.splitlines() if line.strip()]
    for expected in ("serve", "check-config", "send", "download", "admin token create",
                     "admin export-identity", "audit verify"):
        assert expected in commands, f"{expected} missing from --list-commands: {commands}"
    # roff writes "-" as "\-" and switches fonts with \fB, \fI, \fR, \fP.
    man = open(os.path.join(ROOT, "docs", "sealpost.1"), encoding="utf-8").read()
    man = re.sub(r"\\f[BIRP]", "", man).replace("\\-", "-")
    man = re.sub(r"\s+", " ", re.sub(r"^\.[A-Z]+ ?", "", man, flags=re.M))
    completion = open(os.path.join(ROOT, "contrib", "bash-completion", "sealpost")).read()
    problems = []
    for command in commands:
        words = command.split()
        r = subprocess.run([EXE, *words, "--help"], capture_output=True, text=True, timeout=30)
        if r.returncode != 0 or "usage" not in r.stdout.lower():
            problems.append(f"`sealpost {command} --help`: exit {r.returncode}, {r.stdout[:200]!r}")
        r = subprocess.run([EXE, *words, "--no-such-option"], capture_output=True, text=True,
                           timeout=30, stdin=subprocess.DEVNULL)
        if r.returncode != 2 or "--no-such-option" not in r.stderr:
            problems.append(f"`sealpost {command} --no-such-option`: exit {r.returncode}")
        if command not in man:
            problems.append(f"the man page does not mention `{command}`")
        for word in words:
            if not re.search(r"(^|[\s'])" + re.escape(word) + r"($|[\s'|)])", completion):
                problems.append(f"the bash completion does not offer `{word}` ({command})")
    if problems:
        print("FAILED:\n  " + "\n  ".join(problems), file=sys.stderr)
        sys.exit(1)
    print(f"{len(commands)} commands: --help, usage errors, man page and completion checked")


if __name__ == "__main__":
    main()
