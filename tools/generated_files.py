"""What tools/generate.py and tools/golden.py share: comparing files a tool generates with
the committed ones, and the --check/--write command line around it."""

from __future__ import annotations

import argparse
import difflib
import os
import sys


def stale(files, root, label="(from the spec)", shown=""):
    """Unified diffs of ``files`` ({path relative to root: text}) that differ from the files
    under ``root`` (empty: all current); ``shown`` prefixes the paths in the diffs."""
    diffs = []
    for rel, text in sorted(files.items()):
        path = os.path.join(root, rel)
        old = open(path).read() if os.path.exists(path) else ""
        if old != text:
            diffs.append("".join(difflib.unified_diff(old.splitlines(True), text.splitlines(True),
                                                      shown + rel + " (committed)", shown + rel + " " + label)))
    return diffs


def splice(path, begin, end, body, name):
    """The text of ``path`` with what stands between the ``begin`` and ``end`` markers (the
    markers included) replaced by ``body``."""
    with open(path) as handle:
        text = handle.read()
    if begin not in text or end not in text:
        raise SystemExit("%s: %s has no %r ... %r markers" % (name, os.path.basename(path), begin, end))
    head, rest = text.split(begin, 1)
    dummy, tail = rest.split(end, 1)
    return head + body + tail


def main(argv, description, name, generate, root, check=None):
    """``--check`` (exit 1 and print the diffs) or ``--write`` the files ``generate()`` returns."""
    parser = argparse.ArgumentParser(description=description)
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--check", action="store_true", help="exit 1 when a generated file is stale")
    group.add_argument("--write", action="store_true", help="rewrite the generated files")
    args = parser.parse_args(argv)
    files = generate()
    if args.write:
        for rel, text in files.items():
            path = os.path.join(root, rel)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w") as handle:
                handle.write(text)
        print("%s: wrote %d files" % (name, len(files)))
        return 0
    diffs = check(files) if check is not None else stale(files, root)
    sys.stdout.write("".join(diffs))
    print("%s: %d of %d files stale" % (name, len(diffs), len(files)))
    return 1 if diffs else 0
