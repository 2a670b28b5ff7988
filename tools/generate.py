"""Files generated from the one input spec (plugins/module_utils/dmvpn_core/spec_*.py).

- roles/dmvpn_{hub,spoke,endpoint}/meta/argument_specs.yml (ansible-doc -t role reads them,
  and the roles check their inputs with them);
- plugins/doc_fragments/{config,common}.py (the modules' option docs: ansible-doc and the
  sanity tests read them as YAML text in the file, so they are written out, not computed);
- the variable table in docs/inventory.md (the inventory reference), between the ``generated: inventory variables`` markers.

The modules' argument specs are built from the same spec when they are imported, so they need
no file. A unit test runs ``--check``.

    python tools/generate.py --check    # exit 1 and show what is stale
    python tools/generate.py --write
"""

from __future__ import annotations

import os
import re
import sys

import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import generated_files  # noqa: E402  (tools/generated_files.py)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
INVENTORY_DOC = "docs/inventory.md"  # README.md held the table before issue 22
BEGIN = "<!-- generated: inventory variables (python tools/generate.py --write); edit spec_inventory.py -->"
END = "<!-- end of generated: inventory variables -->"


def _spec():
    link_root = os.path.join(ROOT, ".venv", "collections")
    if os.path.isdir(link_root) and link_root not in sys.path:
        sys.path.insert(0, link_root)
    from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import spec, spec_inventory

    return spec, spec_inventory


class _Dumper(yaml.SafeDumper):
    """Block lists indented under their key, no aliases (each role file reads on its own)."""

    def increase_indent(self, flow=False, indentless=False):
        return super(_Dumper, self).increase_indent(flow, False)

    def ignore_aliases(self, data):
        return True


def role_specs():
    """{path relative to the repository: text} of the three role argument specs."""
    spec, dummy = _spec()
    files = {}
    for role in ("hub", "spoke", "endpoint"):
        text = yaml.dump(spec.role_argument_specs(role), Dumper=_Dumper, sort_keys=False, width=110,
                         default_flow_style=False)
        files["roles/dmvpn_%s/meta/argument_specs.yml" % role] = (
            "---\n# Generated from plugins/module_utils/dmvpn_core/spec_inventory.py by tools/generate.py: "
            "edit the spec, not this file.\n" + text)
    return files


FRAGMENT_HEAD = '''# -*- coding: utf-8 -*-
# Copyright: dmvpn.vyos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# Generated from plugins/module_utils/dmvpn_core/spec_options.py by tools/generate.py: edit the
# spec, not this file (the modules' argument specs come from the same data).

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    """%s"""
'''
QUOTES = "'" * 3


def _fragment_attribute(name, data):
    text = yaml.dump(data, Dumper=_Dumper, sort_keys=False, width=110, default_flow_style=False)
    if QUOTES in text:
        raise SystemExit("generate: the documentation of %s holds %s" % (name, QUOTES))
    return "\n    %s = r%s\n%s%s\n" % (name, QUOTES, text, QUOTES)


def doc_fragments():
    """{path: text} of the modules' doc fragments: each resource's config option, and the
    options and notes every module shares."""
    spec, dummy = _spec()
    config = FRAGMENT_HEAD % "The config option of each resource module."
    for module in ("dmvpn", "tunnel", "nhrp", "ipsec", "underlay"):
        config += _fragment_attribute(module.upper(), spec.doc_fragment(module))
    common = FRAGMENT_HEAD % "Options every dmvpn.vyos module shares: state, version and how to commit."
    common += _fragment_attribute("DOCUMENTATION", spec.common_doc_fragment())
    return {"plugins/doc_fragments/config.py": config, "plugins/doc_fragments/common.py": common}


def _cell(value):
    return str(value).replace("|", "\\|").replace("\n", " ")


def _markdown(text):
    """The spec's doc markup (C(x), I(x), B(x)) as Markdown."""
    text = re.sub(r"C\(([^()]*)\)", r"`\1`", text)
    text = re.sub(r"[IB]\(([^()]*)\)", r"*\1*", text)
    return text


def _kind(option):
    return option["type"] + ("" if "elements" not in option else " of %s" % option["elements"])


def _default(option):
    if "default" in option:
        shown = "`%s`" % (option["default"] if option["default"] != [] else "[]")
        return shown.replace("`True`", "`true`").replace("`False`", "`false`")
    return "required" if option.get("required") else ""


def _meaning(option):
    meaning = " ".join(option["description"])
    if option.get("choices"):
        meaning += " Choices: %s." % ", ".join("`%s`" % choice for choice in option["choices"])
    return _markdown(meaning)


def _key_rows(options, prefix):
    """One row per key of a dict input, nested keys as a dotted path (``[]`` marks a list's items)."""
    rows = []
    for key, option in options.items():
        path = prefix + key
        cells = (path, _kind(option), _cell(_default(option)), _cell(_meaning(option)))
        rows.append("| `%s` | %s | %s | %s |" % cells)
        if option.get("options"):
            rows += _key_rows(option["options"], path + ("[]." if option["type"] == "list" else "."))
    return rows


def variable_table():
    """The inventory reference (docs/inventory.md): one row per variable, as the spec has them,
    then the keys of every dict variable."""
    dummy, inventory = _spec()
    rows = [BEGIN, "| variable | type | default | where | meaning |", "|---|---|---|---|---|"]
    for name, option in inventory.VARIABLES.items():
        meaning = _meaning(option)
        if option.get("options"):
            meaning += " Keys: %s (see [its keys](#%s))." % (
                ", ".join("`%s`" % key for key in option["options"]), name)
        cells = (name, _kind(option), _cell(_default(option)), _cell(option.get("where", "")), _cell(meaning))
        rows.append("| `%s` | %s | %s | %s | %s |" % cells)
    rows += ["", "## Keys of the dict variables", ""]
    for name, option in inventory.VARIABLES.items():
        if not option.get("options"):
            continue
        rows += ["### %s" % name, "", "| key | type | default | meaning |", "|---|---|---|---|"]
        rows += _key_rows(option["options"], "")
        rows.append("")
    rows.append(END)
    return "\n".join(rows)


def inventory_doc_text():
    return generated_files.splice(os.path.join(ROOT, INVENTORY_DOC), BEGIN, END, variable_table(), "generate")


def generated():
    files = role_specs()
    files.update(doc_fragments())
    files[INVENTORY_DOC] = inventory_doc_text()
    return files


def stale(files):
    return generated_files.stale(files, ROOT)


if __name__ == "__main__":
    sys.exit(generated_files.main(None, __doc__.splitlines()[0], "generate", generated, ROOT))
