#!/usr/bin/env python3
"""The storage layer stands below HTTP and the routes: no file in src/store/
includes a header of http/, tus/, download/, transfer/, admin/ or app/, and
its meson.build names no http_dep. Exits 1 naming each offending line."""
import pathlib
import re
import sys

store = pathlib.Path(sys.argv[1])
above = re.compile(r'#include\s+"(http|tus|download|transfer|admin|app|identity)/')
bad = []
for path in sorted(store.iterdir()):
    if path.suffix in (".hxx", ".cxx"):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if above.search(line):
                bad.append(f"{path.name}:{number}: {line.strip()}")
build = [l.split("#")[0] for l in (store / "meson.build").read_text().splitlines()]
if any("http_dep" in l for l in build):
    bad.append("meson.build: the store library depends on http_dep")
for line in bad:
    print(line)
print(f"{len(bad)} layering violations in {store}")
sys.exit(1 if bad else 0)
