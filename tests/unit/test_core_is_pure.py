"""The core under plugins/module_utils/dmvpn_core must not depend on Ansible."""

import ast
import os

import pytest

CORE = os.path.join(os.path.dirname(__file__), "..", "..", "plugins", "module_utils", "dmvpn_core")
CORE_FILES = sorted(f for f in os.listdir(CORE) if f.endswith(".py"))


@pytest.mark.parametrize("name", CORE_FILES)
def test_core_module_imports_no_ansible(name):
    with open(os.path.join(CORE, name)) as handle:
        tree = ast.parse(handle.read(), name)
    imported = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            imported.append(node.module or "")
    own = "ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core"
    offenders = [mod for mod in imported
                 if mod.split(".")[0] in ("ansible", "ansible_collections") and not mod.startswith(own)]
    assert not offenders, "%s imports %s" % (name, offenders)
