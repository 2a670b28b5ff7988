"""Only versions.py compares VyOS version strings: everything else asks its Syntax.

At b303f4c three comparisons outside versions.py (``router.version == "1.5"`` and others)
made the design drop the NHRP network id for ``dmvpn_vyos_version: auto``. The emulated lab
(vyos_lab/) is left out on purpose: it is the oracle, written from VyOS's sources, and must
not ask the product's table what VyOS does.
"""

import ast
import os
import re

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
VERSION_RE = re.compile(r"^v?1\.\d+(?:\.\d+)?\Z")  # VyOS 1.x
ALLOWED = {
    os.path.join("plugins", "module_utils", "dmvpn_core", "versions.py"),
    # version_names.py was split out of versions.py: it names the supported versions and reads
    # version strings (``1.4.0``, ``sagitta``, dated rolling builds) into one of them, so the
    # version literals it holds are the names themselves, not per-version facts; what differs
    # between versions stays in versions.py's table, which every other file asks.
    os.path.join("plugins", "module_utils", "dmvpn_core", "version_names.py"),
}


def product_python_files():
    for top in ("plugins",):
        for folder, dummy, names in os.walk(os.path.join(REPO, top)):
            for name in sorted(names):
                rel = os.path.relpath(os.path.join(folder, name), REPO)
                if name.endswith(".py") and rel not in ALLOWED:
                    yield rel


def _is_version_literal(node):
    if isinstance(node, ast.Constant) and isinstance(node.value, (str, float)):
        return bool(VERSION_RE.match(str(node.value)))
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return any(_is_version_literal(item) for item in node.elts)
    return False


def version_comparisons(source, name="<source>"):
    """(line, text) of every comparison with a version literal (``x == "1.5"``, ``v in ("1.2",
    "1.3")``) and of every other version literal (``"1.4" if auto else v`` stands one version
    in for another): a version named in code is a per-version fact, and those live in versions.py."""
    tree = ast.parse(source, name)
    found, inside = [], set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare) and any(_is_version_literal(side) for side in [node.left] + node.comparators):
            found.append((node.lineno, ast.get_source_segment(source, node)))
            inside.update(id(sub) for sub in ast.walk(node))
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and id(node) not in inside and _is_version_literal(node):
            found.append((node.lineno, ast.get_source_segment(source, node)))
    return found


@pytest.mark.parametrize("rel", list(product_python_files()))
def test_no_version_string_comparison_outside_versions_py(rel):
    with open(os.path.join(REPO, rel)) as handle:
        found = version_comparisons(handle.read(), rel)
    assert not found, "%s compares version strings (ask versions.Syntax instead): %s" % (rel, found)


def test_roles_and_playbooks_compare_no_version_either():
    pattern = re.compile(r"""version\S*\s*(==|!=|in\s*\[)\s*['"]?\d+\.\d+""")
    offenders = []
    for top in ("roles", "playbooks"):
        for folder, dummy, names in os.walk(os.path.join(REPO, top)):
            for name in names:
                if name.endswith((".yml", ".yaml", ".j2")):
                    path = os.path.join(folder, name)
                    with open(path) as handle:
                        offenders += ["%s:%d" % (os.path.relpath(path, REPO), number)
                                      for number, line in enumerate(handle, 1) if pattern.search(line)]
    assert not offenders


@pytest.mark.parametrize("source, count", [
    ('if router.version == "1.5": pass', 1),
    ('x = "1.4" if v == "auto" else v', 1),
    ("ok = version in ('1.2', '1.3')", 1),
    ('ok = "1.2" != version', 1),
    ("ok = syntax.has_network_id", 0),
])
def test_the_scan_finds_the_comparisons_it_is_for(source, count):
    assert len(version_comparisons(source)) == count
