"""Everything that states an input's type, default or description comes from the one spec
(plugins/module_utils/dmvpn_core/spec_inventory.py and spec_options.py)."""

import os
import re
import sys

import pytest
import yaml

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(REPO, "tools"))

import generate  # noqa: E402  (tools/generate.py)

from ansible_collections.dmvpn.vyos.plugins.doc_fragments import config as config_fragment  # noqa: E402
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import spec  # noqa: E402
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import spec_inventory as si  # noqa: E402
from ansible_collections.dmvpn.vyos.plugins.module_utils.network import argspec  # noqa: E402


def test_role_argument_specs_doc_fragments_and_the_inventory_reference_are_generated_from_the_spec():
    diffs = generate.stale(generate.generated())
    assert not diffs, "stale generated files (python tools/generate.py --write):\n" + "".join(diffs)


def test_a_changed_default_shows_as_stale(monkeypatch):
    monkeypatch.setitem(si.VARIABLES, "dmvpn_tunnel_name", dict(si.VARIABLES["dmvpn_tunnel_name"], default="tun9"))
    stale = "".join(generate.stale(generate.generated()))
    assert "+        default: tun9" in stale
    assert "roles/dmvpn_hub/meta/argument_specs.yml" in stale and "docs/inventory.md" in stale


def test_the_three_role_specs_differ_only_where_the_spec_says():
    hub, spoke = spec.role_options("hub"), spec.role_options("spoke")
    differ = sorted(name for name in hub if hub[name] != spoke[name])
    assert differ == sorted(name for name, option in si.VARIABLES.items() if option.get("roles"))
    assert hub["dmvpn_public_address"]["required"] is True and "required" not in spoke["dmvpn_public_address"]


def _task_defaults():
    """(variable, default text) of every ``dmvpn_x | default(...)`` in the roles' tasks and playbooks."""
    found = []
    for top in ("roles", "playbooks"):
        for folder, dummy, names in os.walk(os.path.join(REPO, top)):
            for name in names:
                if name.endswith(".yml") and "meta" not in folder:
                    with open(os.path.join(folder, name)) as handle:
                        found += re.findall(r"\b(dmvpn_\w+) \| default\(((?:[^()]|\([^()]*\))*)\)", handle.read())
    return found


def test_defaults_written_in_tasks_are_the_spec_defaults():
    checked = 0
    for variable, text in _task_defaults():
        if variable not in si.VARIABLES or "default" not in si.VARIABLES[variable]:
            continue  # a playbook's own variable, or a computed default (the commit comment)
        want = si.VARIABLES[variable]["default"]
        if isinstance(want, str) and want.startswith("{{"):
            assert "{{ %s }}" % text == want, variable
        else:
            assert yaml.safe_load(text) == want, "%s: default(%s) in a task, %r in the spec" % (variable, text, want)
        checked += 1
    assert checked >= 8


def test_the_modules_argument_specs_are_the_spec():
    assert argspec.DMVPN_ARGUMENT_SPEC["config"]["options"]["nhrp"]["options"]["authentication"]["no_log"] is True
    assert argspec.NHRP_ARGUMENT_SPEC["config"]["options"]["network_id"] == {"type": "int"}
    assert argspec.DMVPN_ARGUMENT_SPEC["version"] == {"type": "str", "default": "auto"}
    # dmvpn's tunnel options and the tunnel module's are one definition
    assert argspec.DMVPN_ARGUMENT_SPEC["config"]["options"]["tunnel"]["options"] == \
        argspec.TUNNEL_ARGUMENT_SPEC["config"]["options"]


@pytest.mark.parametrize("module", ["dmvpn", "tunnel", "nhrp", "ipsec", "underlay"])
def test_each_documented_option_is_accepted_and_each_accepted_option_documented(module):
    # (the text ansible-doc reads: the generated doc fragment file, checked current by
    # test_role_argument_specs_doc_fragments_and_the_inventory_reference_are_generated_from_the_spec)
    doc = yaml.safe_load(getattr(config_fragment.ModuleDocFragment, module.upper()))["options"]["config"]
    args = argspec.__dict__["%s_ARGUMENT_SPEC" % module.upper()]["config"]

    def walk(doc_option, arg_option, path):
        assert doc_option["type"] == arg_option["type"], path
        assert doc_option.get("choices") == arg_option.get("choices"), path
        assert doc_option.get("default") == arg_option.get("default"), path
        subs, arg_subs = doc_option.get("suboptions") or {}, arg_option.get("options") or {}
        assert sorted(subs) == sorted(arg_subs), path
        for name in subs:
            walk(subs[name], arg_subs[name], path + "." + name)

    walk(doc, args, "config")
