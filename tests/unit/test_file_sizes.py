"""The collection's source layout: no Python file under plugins/ over 450 lines, no import
circle between the files under plugins/module_utils/.

A file over the limit holds more than one job (issue 18): split it by job rather than raise
the limit. Module files (plugins/modules/*.py) and the doc fragments (written by
tools/generate.py from the input spec) are exempt: their bulk is documentation. An import circle only works by luck of import order.
"""

import ast
import os

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MAX_LINES = 450
EXEMPT_FOLDERS = (os.path.join("plugins", "modules"), os.path.join("plugins", "doc_fragments"))
PACKAGE = "ansible_collections.dmvpn.vyos."


def plugin_files():
    """Every .py file under plugins/ (paths relative to the repository), modules and doc
    fragments left out."""
    found = []
    for folder, dummy, names in os.walk(os.path.join(REPO, "plugins")):
        rel_folder = os.path.relpath(folder, REPO)
        if rel_folder in EXEMPT_FOLDERS:
            continue
        found += [os.path.join(rel_folder, name) for name in names if name.endswith(".py")]
    return sorted(found)


@pytest.mark.parametrize("rel", plugin_files())
def test_no_plugin_file_is_over_the_limit(rel):
    with open(os.path.join(REPO, rel)) as handle:
        count = sum(1 for dummy in handle)
    assert count <= MAX_LINES, "%s has %d lines (at most %d): split it by job" % (rel, count, MAX_LINES)


def test_the_size_check_sees_the_module_utils_and_skips_the_modules_and_fragments():
    files = plugin_files()
    assert os.path.join("plugins", "module_utils", "dmvpn_core", "model.py") in files
    assert os.path.join("plugins", "filter", "dmvpn.py") in files
    assert not [rel for rel in files if os.path.dirname(rel) in EXEMPT_FOLDERS]


def module_utils_imports():
    """{module: the module_utils modules it imports}, modules named by their dotted path below
    plugins/ (``module_utils.dmvpn_core.model``), imports inside functions included."""
    graph = {}
    for rel in plugin_files():
        if not rel.startswith(os.path.join("plugins", "module_utils", "")):
            continue
        name = rel[len("plugins") + 1:-3].replace(os.sep, ".")
        with open(os.path.join(REPO, rel)) as handle:
            tree = ast.parse(handle.read(), rel)
        targets = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").startswith(PACKAGE):
                module = node.module[len(PACKAGE) + len("plugins."):]
                targets.add(module)
                targets.update("%s.%s" % (module, alias.name) for alias in node.names)
            elif isinstance(node, ast.Import):
                targets.update(alias.name[len(PACKAGE) + len("plugins."):] for alias in node.names
                               if alias.name.startswith(PACKAGE))
        graph[name] = targets
    return {name: targets & set(graph) - {name} for name, targets in graph.items()}


def test_no_import_circle_in_module_utils():
    graph = module_utils_imports()
    assert "module_utils.dmvpn_core.checker" in graph["module_utils.dmvpn_core.model"]
    circles = []

    def visit(name, path):
        for target in sorted(graph[name]):
            if target in path:
                circles.append(path[path.index(target):] + [target])
            else:
                visit(target, path + [target])

    for name in sorted(graph):
        visit(name, [name])
    assert not circles, "import circles: %s" % sorted(set(" -> ".join(circle) for circle in circles))
