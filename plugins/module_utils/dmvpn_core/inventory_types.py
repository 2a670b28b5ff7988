# -*- coding: utf-8 -*-
# Copyright: dmvpn.vyos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Text inputs that YAML did not read as text. An unquoted ``01234567`` is the integer 342391
to YAML 1.1 (octal), ``yes`` is True, ``0x1F`` 31, ``10:20:30`` 37230 (base 60), ``1.5e+10`` a
float, ``2026-12-01`` a date: turned back into text they are another value than the one
written (a PSK ``342391``, a description ``True``). Every input the spec types ``str``, also
inside dicts and lists, must arrive as a string; anything else is refused with "quote it",
without showing the value (it may be a secret).

Pure Python, no Ansible imports. ``design.check`` runs this first for each router; the other
checks of a refused variable are then left out (one problem per variable).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime

from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import spec_inventory as si

_KINDS = ((bool, "a boolean (YAML reads unquoted yes, no, on, off, true and false so)"),
          (int, "a number (YAML reads unquoted digits so, a leading 0 as octal, 0x as hex, a:b:c in base 60)"),
          (float, "a number (YAML reads unquoted 1.5, 1e+5 and .inf so)"),
          (datetime.date, "a date (YAML reads unquoted 2026-12-01 so)"))


def _kind(value):
    for cls, text in _KINDS:
        if isinstance(value, cls):
            return text
    return "a %s" % type(value).__name__


def _walk(found, path, value, option):
    if value is None:
        return
    kind = option.get("type")
    if kind == "str":
        if not isinstance(value, str):
            found.append((path, _kind(value)))
    elif kind == "dict" and isinstance(value, dict):
        for key, sub in (option.get("options") or {}).items():
            if key in value:
                _walk(found, "%s.%s" % (path, key), value[key], sub)
    elif kind == "list" and isinstance(value, list):
        element = dict(option, type=option.get("elements"))
        for index, item in enumerate(value):
            _walk(found, "%s[%d]" % (path, index), item, element)


def text_type_problems(problems, name, hv):
    """Add a problem for every ``str`` input of host ``name`` that is not a string; returns the
    variables (top-level names) refused."""
    refused = set()
    for variable, option in si.VARIABLES.items():
        found = []
        _walk(found, variable, hv.get(variable), option)
        for path, kind in found:
            problems.add(name, path, "is %s, not text" % kind,
                         "quote it in the YAML file (%s: '...'), so it reaches the router as written"
                         % path.split(".")[-1].split("[")[0])
            refused.add(variable)
    return refused
