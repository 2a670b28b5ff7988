"""The lab's source layout: no import circle between vyos_lab modules, no file over 450 lines.

An import circle (cli <-> router once) only works by luck of import order or with imports
hidden inside functions; a file over the limit holds more than one job (issue 18).
"""

import ast
import os

import pytest

LAB = os.path.join(os.path.dirname(__file__), "..", "..", "..", "vyos_lab")
FILES = sorted(name for name in os.listdir(LAB) if name.endswith(".py"))
MODULES = {name[:-3] for name in FILES}
MAX_LINES = 450


def lab_imports(name):
    """The vyos_lab modules ``name`` imports, at module level or inside functions."""
    with open(os.path.join(LAB, name)) as handle:
        tree = ast.parse(handle.read(), name)
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names if alias.name.startswith("vyos_lab.")]
            found.update(target.split(".")[1] for target in targets)
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0 and not (node.module or "").startswith("vyos_lab"):
                continue
            module = (node.module or "").split(".")
            if node.level == 0:
                module = module[1:]  # drop "vyos_lab"
            if module and module[0]:
                found.add(module[0])
            else:  # "from . import opmode": the names are the modules
                found.update(alias.name for alias in node.names)
    return found & MODULES - {name[:-3]}


def import_graph():
    return {name[:-3]: lab_imports(name) for name in FILES}


def find_cycle(graph):
    """One import circle as a list of modules (first == last), or None."""
    state = {}  # module -> "open" while on the DFS stack, "done" after
    stack = []

    def visit(module):
        state[module] = "open"
        stack.append(module)
        for other in sorted(graph.get(module, ())):
            if state.get(other) == "open":
                return stack[stack.index(other):] + [other]
            if other not in state:
                cycle = visit(other)
                if cycle:
                    return cycle
        stack.pop()
        state[module] = "done"
        return None

    for module in sorted(graph):
        if module not in state:
            cycle = visit(module)
            if cycle:
                return cycle
    return None


def test_the_graph_sees_the_lab_imports():
    # guards the parser: an empty graph would pass the circle test vacuously
    graph = import_graph()
    assert {"cli", "router", "shell"} <= graph["lab"]
    assert "opmode" in graph["cli"]  # "from . import opmode"


def test_find_cycle_reports_a_circle():
    assert find_cycle({"cli": {"router"}, "router": {"shell", "cli"}, "shell": set()}) == ["cli", "router", "cli"]
    assert find_cycle({"cli": {"router", "shell"}, "router": {"shell"}, "shell": set()}) is None


def test_no_import_circle_between_lab_modules():
    cycle = find_cycle(import_graph())
    assert cycle is None, "import circle: %s" % " -> ".join(cycle)


@pytest.mark.parametrize("name", FILES)
def test_lab_file_is_at_most_450_lines(name):
    with open(os.path.join(LAB, name)) as handle:
        count = sum(1 for _line in handle)
    assert count <= MAX_LINES, "vyos_lab/%s has %d lines (at most %d): split it by job" % (name, count, MAX_LINES)
