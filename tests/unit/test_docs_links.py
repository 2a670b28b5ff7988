"""The documentation's links hold: every relative link in the Markdown files of the
repository (README.md, docs/, roles', inventories', dataplane's READMEs) names a file that
exists and, with a #fragment, a heading of that file (GitHub's anchors). The README's sections
moved into docs/ (issue 22); this keeps the links between the pages from going stale."""

import os
import re
import sys

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SKIP_DIRS = {".venv", ".venv-matrix", ".git", "build", ".cache", ".ansible", "node_modules"}
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")
FENCE = re.compile(r"^\s*(```|~~~)")
# Pages other helpers of issue 22 write at the same time (EE, GUARD, SIDE); docs/README.md and
# docs/awx.md link them. Until they are merged their absence is not a broken link; once they
# exist their links and anchors are checked like any other. The lead may empty this set after merging.
PENDING = set()


def markdown_files():
    found = []
    for folder, dirs, names in os.walk(REPO):
        dirs[:] = [d for d in dirs if d not in SKIP_DIRS]
        found += [os.path.relpath(os.path.join(folder, n), REPO) for n in names if n.endswith(".md")]
    return sorted(found)


def slug(heading):
    """GitHub's anchor of a heading: lower case, punctuation dropped, spaces as hyphens."""
    text = re.sub(r"`|\*\*|\*", "", heading.strip()).lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def outside_fences(text):
    lines, fenced = [], False
    for line in text.splitlines():
        if FENCE.match(line):
            fenced = not fenced
            continue
        if not fenced:
            lines.append(line)
    return lines


def anchors(rel):
    seen, found = {}, set()
    with open(os.path.join(REPO, rel), encoding="utf-8") as handle:
        for line in outside_fences(handle.read()):
            match = re.match(r"^#{1,6} (.*)$", line)
            if match:
                base = slug(match.group(1))
                count = seen.get(base, 0)
                seen[base] = count + 1
                found.add(base if not count else "%s-%d" % (base, count))
    return found


def links(rel):
    with open(os.path.join(REPO, rel), encoding="utf-8") as handle:
        lines = outside_fences(handle.read())
    for line in lines:
        for match in LINK.finditer(re.sub(r"`[^`]*`", "", line)):
            yield match.group(1)


def broken(rel):
    problems = []
    for target in links(rel):
        if re.match(r"^[a-z]+:", target):
            continue  # http(s), mailto: not checked offline
        path, dummy, fragment = target.partition("#")
        dest = rel if not path else os.path.normpath(os.path.join(os.path.dirname(rel), path))
        if not os.path.exists(os.path.join(REPO, dest)):
            if dest not in PENDING:
                problems.append("%s: %s: no such file %s" % (rel, target, dest))
            continue
        if fragment and dest.endswith(".md") and fragment not in anchors(dest):
            problems.append("%s: %s: %s has no heading with anchor #%s" % (rel, target, dest, fragment))
    return problems


def test_the_docs_pages_exist_and_the_front_page_links_them():
    with open(os.path.join(REPO, "README.md"), encoding="utf-8") as handle:
        front = handle.read()
    pages = sorted(n for n in os.listdir(os.path.join(REPO, "docs")) if n.endswith(".md"))
    for page in ("getting-started.md", "inventory.md", "day2.md", "vyos-versions.md", "awx.md", "testing.md",
                 "README.md"):
        assert page in pages, page
    assert "(docs/README.md)" in front
    unlinked = [p for p in pages if p != "README.md" and "(%s)" % p not in open(os.path.join(REPO, "docs", "README.md")).read()]
    assert not unlinked, "docs/README.md does not link %s" % unlinked


@pytest.mark.parametrize("rel", markdown_files())
def test_every_relative_link_and_anchor_resolves(rel):
    assert not broken(rel), "\n".join(broken(rel))


def test_a_broken_anchor_is_found(tmp_path, monkeypatch):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.md").write_text("# A\n\n## Two words\n\n[ok](#two-words) [bad](#three-words) [gone](b.md)\n")
    monkeypatch.setattr(sys.modules[__name__], "REPO", str(tmp_path))
    assert broken("docs/a.md") == ["docs/a.md: #three-words: docs/a.md has no heading with anchor #three-words",
                                   "docs/a.md: b.md: no such file docs/b.md"]
