# -*- coding: utf-8 -*-
# Copyright: dmvpn.vyos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the collection does not model inside the objects it owns (issue 21 item 7).

Two questions, one answer. Validation: does a declared extra line (extra_config.py) set what
the collection models? Then it would fight the model, and is refused naming the field to use.
The report: which leaves does a run delete from an owned object that stays, that the model
does not render (added by hand, or an extra line no longer declared)? Those are named in the
run's warnings and result, so nobody finds them gone later.

Both ask the renderer and the gatherer (and with them the leaf tables of leaf_tables.py),
never a list of their own, so a leaf the collection comes to model is recognised as modelled
without a change here: a leaf is modelled when the collection renders it (the leaf itself or
another value of it), or when adding it to the rendered tree changes what
``gather.gather_endpoint`` reads (a flag, a number, a proposal, an NHS entry).

Pure Python, no Ansible imports.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress

from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import extra_config as ec
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import leaf_tables as lt
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import model as md
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import spec_inventory as si
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.checker import Checker, ModelError
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.configtree import quote_word, sendable
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.gather import gather_endpoint, tunnel_networks
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.masking import MASK
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.render import render_endpoint
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.versions import syntax_for


def _difference(old, new, field=""):
    """The dotted field where two gathered endpoints first differ (None when equal)."""
    if isinstance(old, dict) and isinstance(new, dict):
        for key in list(old) + [k for k in new if k not in old]:
            found = _difference(old.get(key), new.get(key), "%s.%s" % (field, key) if field else key)
            if found:
                return found
        return None
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        for index, (a, b) in enumerate(zip(old, new)):
            found = _difference(a, b, "%s[%d]" % (field, index))
            if found:
                return found
        return None
    return field if old != new else None


def _table_field(kind, relative, syntax):
    """The model field of a leaf table entry whose node is ``relative`` (the leaf's words below
    the object, without a value), or None."""
    tables = {"tunnel": (lt.TUNNEL,), "nhrp": (lt.NHRP_SETTINGS, lt.NHRP_FLAGS),
              "ike_group": (lt.IKE_GROUP,), "esp_group": (lt.ESP_GROUP,), "profile": ()}
    prefix = {"tunnel": "tunnel", "nhrp": "nhrp", "ike_group": "ipsec.ike_group", "esp_group": "ipsec.esp_group",
              "profile": "ipsec.profile"}[kind]
    for table in tables[kind]:
        for leaf in table:
            words = leaf.words(syntax)
            if words is not None and tuple(relative[:len(words)]) == tuple(words):
                return "%s.%s" % (prefix, leaf.field)
    return None


class Probe:
    """Tells whether a leaf inside the endpoint's objects is one the collection models, by
    asking the rendered tree ``want`` and what ``gather_endpoint`` reads from it."""

    def __init__(self, want, version, tunnel_name):
        self.want, self.version, self.name = want, version, tunnel_name
        self.gathered = gather_endpoint(want, version, tunnel_name)

    def field(self, kind, base, path, is_value, syntax):
        """The model field that ``path`` (a full path; its last word a value when ``is_value``)
        belongs to: a leaf the collection renders itself, or one whose presence changes what
        gather reads. ``"rendered"`` when the renderer sets it outside any table; None when
        the collection does not model it."""
        path = tuple(path)
        node = path[:-1] if is_value else path
        relative = node[len(base):]
        if self.want.exists(path) or (is_value and self.want.values(node)):
            return _table_field(kind, relative, syntax) or "rendered"
        probe = self.want.copy()
        if is_value:
            probe.set(node, path[-1], checked=False)
        else:
            probe.set(path, checked=False)
        changed = _difference(self.gathered, gather_endpoint(probe, self.version, self.name))
        if changed:
            return _table_field(kind, relative, syntax) or changed
        return _table_field(kind, relative, syntax)


def _inventory_variable(field):
    """The inventory variable behind a model field (design.inventory_field's mapping; design
    imports this module), or None."""
    for prefix, variable in si.model_fields():
        if field == prefix or field.startswith(prefix + ".") or field.startswith(prefix + "["):
            return variable if variable.endswith(")") else variable + field[len(prefix):]
    return None


def check_not_modelled(check, endpoint, version):
    """Refuse each extra line that sets what the collection models (it would fight the model:
    every run would put the modelled value back, or gather would read the line as a modelled
    field). ``endpoint``: the validated endpoint (an Endpoint)."""
    extra = endpoint.get("extra") or {}
    if not any(extra.get(kind) for kind in ec.KINDS):
        return
    bare = type(endpoint)(dict(endpoint, extra=dict((kind, []) for kind in ec.KINDS)), endpoint.version)
    probe = Probe(render_endpoint(bare, version), version, endpoint["tunnel"]["name"])
    for kind in ec.KINDS:
        base = ec.object_path(kind, endpoint, check.syntax)
        for index, words in enumerate(extra.get(kind) or []):
            path = base + tuple(words)
            field = probe.field(kind, base, path, len(words) > 1, check.syntax)
            if field is None:
                continue
            where = "extra.%s[%d]" % (kind, index)
            if field == "rendered":
                check.add(where, "'%s' sets %s, which the collection renders itself"
                          % (" ".join(words), " ".join(path[:-1] if len(words) > 1 else path)),
                          "remove the line: the collection sets this leaf from the endpoint's other fields")
                continue
            variable = _inventory_variable(field)
            check.add(where, "'%s' sets %s, which the collection models (it would fight the model)"
                      % (" ".join(words), field),
                      "set %s instead%s and remove the line" % (
                          field, " (inventory: %s)" % variable if variable else ""))


def validated_endpoint(data, version):
    """:func:`model.validate_endpoint`, then the check of the declared extra lines against the
    model (:func:`check_not_modelled`): the validation of the dmvpn module and the inventory."""
    endpoint = md.validate_endpoint(data, version)
    check = Checker(syntax_for(version))
    check_not_modelled(check, endpoint, version)
    if check.problems:
        raise ModelError(check.problems)
    return endpoint


def _shown(path, syntax):
    """A leaf as the report names it: its words, a secret value masked."""
    words = list(path)
    for index in range(1, len(words)):
        if syntax.is_secret_path(words[:index]):
            return " ".join(words[:index] + [MASK])
    return " ".join(words)


def removed_leaves(have, want, after, objects, endpoint, version):
    """The leaves a change deletes from the owned objects extra lines may go in (tunnel, NHRP,
    IKE/ESP groups, profile) that stay (in ``want`` and ``after``), and that the collection
    does not model: ``[(kind, object path, leaf path, is_value), ...]``. A leaf whose value is
    replaced by another, and whole objects that go (a stale route, a renamed group), are not
    in it."""
    if not isinstance(endpoint, dict) or not (endpoint.get("tunnel") or {}).get("name"):
        return []
    syntax = syntax_for(version)
    probe = None
    found = []
    for obj in objects:
        if obj.kind not in ec.KINDS or not (have.exists(obj.path) and want.exists(obj.path) and after.exists(obj.path)):
            continue
        for path, is_value in have.subtree(obj.path).leaves():
            node = path[:-1] if is_value else path
            if after.exists(path) or (is_value and after.values(node)):
                continue  # kept, or its value replaced
            probe = probe or Probe(want, version, endpoint["tunnel"]["name"])
            if probe.field(obj.kind, obj.path, path, is_value, syntax) is None:
                found.append((obj.kind, obj.path, path, is_value))
    return found


def report(removed, version):
    """``(names, warnings)`` of :func:`removed_leaves`: each leaf by its path (secrets masked),
    and a warning per leaf saying how to keep it."""
    syntax = syntax_for(version)
    names, warnings = [], []
    for kind, base, path, dummy in removed:
        name = _shown(path, syntax)
        relative = name[len(" ".join(base)) + 1:]
        names.append(name)
        warnings.append("this change removes '%s', which is not part of the collection's model and was not declared: "
                        "to keep it, declare '%s' in %s.%s (the dmvpn module's config.extra.%s), or use dmvpn_state "
                        "merged" % (name, relative, ec.INVENTORY_VARIABLE, kind, kind))
    return names, warnings


def _line(words):
    """A leaf below its object as an extra line: each word bare where it can be, quoted where
    it needs it (check_extra splits it back into the same words)."""
    return " ".join(quote_word(word) for word in words)


def _with_subnet(tree, version, tunnel):
    """The gathered tunnel with the DMVPN subnet's prefix on its address, which the model asks
    for: a host address (1.5 renders the /32) takes the prefix of the subnet the router shows
    (gather.tunnel_networks), else /24; that prefix changes nothing of what is rendered inside
    the objects extra lines go in."""
    if not isinstance(tunnel, dict) or not isinstance(tunnel.get("address"), str):
        return tunnel
    try:
        interface = ipaddress.IPv4Interface(tunnel["address"])
    except ValueError:
        return tunnel
    if interface.network.prefixlen <= 30:
        return tunnel
    networks = [net for net in tunnel_networks(tree, syntax_for(version), tunnel.get("name"))
                if interface.ip in net]
    return dict(tunnel, address="%s/%d" % (interface.ip, networks[0].prefixlen if networks else 24))


def found_extra(tree, version, gathered):
    """The leaves inside the objects of the endpoint ``gathered`` (gather_endpoint's dict, read
    from ``tree``) that the collection does not model, as extra lines per object: what a
    config taken from ``gathered`` needs in ``extra`` to keep them. None when ``gathered`` is
    not a valid endpoint of ``version`` (nothing to render it against); {} when none."""
    config = dict((key, gathered.get(key)) for key in ("tunnel", "nhrp", "ipsec", "static_routes", "bgp"))
    config["tunnel"] = _with_subnet(tree, version, config.get("tunnel"))
    try:
        endpoint = md.validate_endpoint(config, version)
    except (ModelError, ValueError, TypeError, AttributeError, KeyError):
        return None
    syntax = syntax_for(version)
    want = render_endpoint(endpoint, version)
    probe = Probe(want, version, endpoint["tunnel"]["name"])
    found = {}
    for kind in ec.KINDS:
        base = ec.object_path(kind, endpoint, syntax)
        if base is None:
            continue
        for path, is_value in tree.subtree(base).leaves():
            if syntax.is_secret_path(path[:-1]) or not all(sendable(word) for word in path):
                continue  # (never shown unmasked; a word no CLI line carries cannot be declared)
            if probe.field(kind, base, path, is_value, syntax) is None:
                found.setdefault(kind, []).append(_line(path[len(base):]))
    return found
