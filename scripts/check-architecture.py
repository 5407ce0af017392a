#!/usr/bin/env python3
"""Checks that the code keeps the layout docs/ARCHITECTURE.md describes.

1. The allowed-imports table in docs/ARCHITECTURE.md and Package.swift's target dependencies
   name the same modules, both ways (the diagram cannot drift from the manifest).
2. Every `import` in Sources/<Module>/ names a module that table allows for <Module> (or a
   toolchain module), so a dependency added to Package.swift without the document, or an
   import that only builds because of a transitive dependency, fails.
   The fuzz targets (Fuzz/<Target>/, declared in Package.swift only when JWTBENCH_FUZZ is set)
   are held the same way: the manifest is read with JWTBENCH_FUZZ=1, and their rows are in the
   same table.
3. No Swift file in Sources/ or Fuzz/ is over 500 lines, and the CLI (Sources/jwtbench) stays under
   900 lines: the CLI parses and calls, it holds no engine.

Usage: scripts/check-architecture.py [--root DIR] [--manifest dump.json]
Without --manifest it runs `swift package dump-package` in the root (default: this repository;
scripts/check-architecture-selftest.sh points it at planted violations). Exit 0 when all holds, 1 with one
line per violation otherwise, 2 when the inputs cannot be read.
"""
import json
import os
import re
import subprocess
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
# Modules of the toolchain and the platform, importable everywhere.
TOOLCHAIN = {
    "Foundation", "FoundationEssentials", "FoundationNetworking", "FoundationXML", "Glibc",
    "Darwin", "Musl", "Dispatch", "Synchronization", "_Concurrency", "Testing", "XCTest",
}
MAX_FILE_LINES = 500
MAX_CLI_LINES = 900
IMPORT = re.compile(r"^\s*(?:@[\w()]+\s+)*import\s+(?:(?:struct|class|enum|protocol|func|var|let|typealias)\s+)?(\w+)", re.M)


def fail(message):
    print(f"check-architecture: {message}", file=sys.stderr)
    sys.exit(2)


def allowed_table():
    """module -> (ours, external) from the marked table in docs/ARCHITECTURE.md."""
    DOC = os.path.join(ROOT, "docs", "ARCHITECTURE.md")
    try:
        text = open(DOC, encoding="utf-8").read()
    except OSError as e:
        fail(f"cannot read {DOC}: {e.strerror}")
    m = re.search(r"<!-- allowed-imports:begin -->(.*?)<!-- allowed-imports:end -->", text, re.S)
    if not m:
        fail(f"{DOC} has no allowed-imports table (<!-- allowed-imports:begin --> ... end -->)")
    table = {}
    for line in m.group(1).splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 3 or cells[0] in ("module", "") or set(cells[0]) <= set("-: "):
            continue
        split = lambda c: {x.strip().strip("`") for x in c.split(",") if x.strip() and x.strip() != "-"}
        table[cells[0].strip("`")] = (split(cells[1]), split(cells[2]))
    if not table:
        fail(f"the allowed-imports table in {DOC} has no rows")
    return table


def manifest(path):
    """target -> (ours, products) from Package.swift, for Sources/ targets."""
    if path:
        data = json.load(open(path, encoding="utf-8"))
    else:
        # With the fuzz targets declared, so they are checked too; no manifest cache, so the
        # normal build's cached manifest (without them) is neither used nor replaced.
        env = dict(os.environ, JWTBENCH_FUZZ="1")
        out = subprocess.run(["swift", "package", "--manifest-cache", "none", "dump-package"], cwd=ROOT,
                             capture_output=True, text=True, env=env)
        if out.returncode != 0:
            fail(f"swift package dump-package failed: {out.stderr.strip().splitlines()[-1:]}")
        data = json.loads(out.stdout)
    targets = {}
    for t in data["targets"]:
        if t["type"] == "test":
            continue
        ours, products = set(), set()
        for dep in t.get("dependencies", []):
            if "byName" in dep:
                ours.add(dep["byName"][0])
            elif "target" in dep:
                ours.add(dep["target"][0])
            elif "product" in dep:
                products.add(dep["product"][0])
        targets[t["name"]] = (ours, products)
    return targets


def main():
    global ROOT
    dump = None
    args = sys.argv[1:]
    while args:
        if len(args) >= 2 and args[0] == "--manifest":
            dump, args = args[1], args[2:]
        elif len(args) >= 2 and args[0] == "--root":
            ROOT, args = os.path.abspath(args[1]), args[2:]
        else:
            fail("usage: scripts/check-architecture.py [--root DIR] [--manifest dump.json]")
    table = allowed_table()
    targets = manifest(dump)
    problems = []

    # 1. The document and the manifest agree.
    for name in sorted(set(targets) | set(table)):
        if name not in table:
            problems.append(f"Package.swift has target {name}; docs/ARCHITECTURE.md's table does not")
            continue
        if name not in targets:
            problems.append(f"docs/ARCHITECTURE.md lists {name}; Package.swift has no such target")
            continue
        (doc_ours, doc_ext), (pkg_ours, pkg_ext) = table[name], targets[name]
        # CJemalloc is left out of the TSan build's manifest (scripts/tsan.sh); the document
        # describes the normal build.
        pkg_ours_cmp = pkg_ours | ({"CJemalloc"} & doc_ours if os.environ.get("JWTBENCH_NO_JEMALLOC") else set())
        for m in sorted(pkg_ours_cmp - doc_ours):
            problems.append(f"{name}: Package.swift depends on {m}; docs/ARCHITECTURE.md does not allow it")
        for m in sorted(doc_ours - pkg_ours_cmp):
            problems.append(f"{name}: docs/ARCHITECTURE.md allows {m}; Package.swift does not depend on it")
        for m in sorted(pkg_ext ^ doc_ext):
            side = "Package.swift" if m in pkg_ext else "docs/ARCHITECTURE.md"
            problems.append(f"{name}: external product {m} is only in {side}")

    # 2. Imports stay within what the table allows.
    for name, (ours, ext) in sorted(table.items()):
        folder = os.path.join(ROOT, "Sources", name)
        if not os.path.isdir(folder):
            folder = os.path.join(ROOT, "Fuzz", name)
        if not os.path.isdir(folder):
            continue
        allowed = ours | ext | TOOLCHAIN | {name}
        for dirpath, _, files in os.walk(folder):
            for f in sorted(files):
                if not f.endswith(".swift"):
                    continue
                path = os.path.join(dirpath, f)
                rel = os.path.relpath(path, ROOT)
                text = open(path, encoding="utf-8").read()
                for m in IMPORT.finditer(text):
                    if m.group(1) not in allowed:
                        line = text.count("\n", 0, m.start()) + 1
                        problems.append(f"{rel}:{line}: imports {m.group(1)}, which {name} may not import")

    # 3. File sizes.
    cli_lines = 0
    for dirpath, _, files in [w for top in ("Sources", "Fuzz") for w in os.walk(os.path.join(ROOT, top))]:
        for f in files:
            if not f.endswith(".swift"):
                continue
            path = os.path.join(dirpath, f)
            n = sum(1 for _ in open(path, encoding="utf-8"))
            if n > MAX_FILE_LINES:
                problems.append(f"{os.path.relpath(path, ROOT)}: {n} lines; the limit is {MAX_FILE_LINES}")
            if os.path.relpath(path, ROOT).startswith(os.path.join("Sources", "jwtbench") + os.sep):
                cli_lines += n
    if cli_lines >= MAX_CLI_LINES:
        problems.append(f"Sources/jwtbench: {cli_lines} lines; the CLI must stay under {MAX_CLI_LINES}")

    for p in problems:
        print(p)
    if problems:
        print(f"check-architecture: {len(problems)} problem(s)")
        sys.exit(1)
    print(f"check-architecture: {len(targets)} targets match docs/ARCHITECTURE.md; imports within bounds; "
          f"no Swift file over {MAX_FILE_LINES} lines; CLI {cli_lines} lines")


if __name__ == "__main__":
    main()
