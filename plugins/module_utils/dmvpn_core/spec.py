# -*- coding: utf-8 -*-
# Copyright: dmvpn.vyos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the one input spec (spec_options.py, spec_inventory.py) becomes: argument specs for
the modules, option docs for their doc fragments, the roles' argument specs, defaults.

Pure Python, no Ansible imports. Everything that states an input's type, default, choices
or description asks these functions, so no two places can disagree.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import spec_inventory as si
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import spec_options as so

# Keys of an argument spec, in the order the documentation lists them.
_FACTS = ("type", "description", "elements", "choices", "default", "required", "no_log")


def _convert(options, drop, sub_key):
    """``options`` with the facts in ``drop`` left out and suboptions under ``sub_key``."""
    out = {}
    for name, option in options.items():
        entry = {key: option[key] for key in _FACTS if key in option and key not in drop}
        if "options" in option:
            entry[sub_key] = _convert(option["options"], drop, sub_key)
        out[name] = entry
    return out


def argument_spec(options):
    """An Ansible argument spec (``AnsibleModule(argument_spec=...)``) of ``options``."""
    return _convert(options, ("description",), "options")


def module_doc(options):
    """The DOCUMENTATION ``options`` of a module for ``options`` (``suboptions`` below the top)."""
    return _convert(options, ("no_log",), "suboptions")


def module_argument_spec(module):
    """The whole argument spec of resource module ``module`` (dmvpn, tunnel, nhrp, ipsec)."""
    spec = argument_spec(so.COMMON)
    spec["config"] = argument_spec({"config": so.CONFIG[module]})["config"]
    spec.update(argument_spec(so.EXTRA.get(module, {})))
    return spec


def doc_fragment(module):
    """The doc fragment of ``module``'s config option: ``{"options": {"config": ...}}``."""
    options = dict({"config": so.CONFIG[module]}, **so.EXTRA.get(module, {}))
    return {"options": module_doc(options)}


def common_doc_fragment():
    """The doc fragment of the options (and notes) every module shares."""
    return {"options": module_doc(so.COMMON), "notes": list(so.COMMON_NOTES)}


def _role_option(option, overrides):
    entry = {key: option[key] for key in _FACTS if key in option}
    entry.update(overrides)
    if "options" in option:
        entry["options"] = {name: _role_option(sub, {}) for name, sub in option["options"].items()}
    return entry


def role_options(role):
    """The ``options`` of role ``dmvpn_<role>``'s argument spec (hub, spoke or endpoint)."""
    return {name: _role_option(option, (option.get("roles") or {}).get(role, {}))
            for name, option in si.VARIABLES.items()}


def role_argument_specs(role):
    """The whole ``meta/argument_specs.yml`` content of role ``dmvpn_<role>``."""
    main = dict(si.ROLES[role])
    main["options"] = role_options(role)
    return {"argument_specs": {"main": main}}


def default(variable):
    """The default of an inventory variable (None when it has none)."""
    return si.default(variable)
