# -*- coding: utf-8 -*-
# Copyright: dmvpn.vyos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""One table per resource of the leaves that map one model field to one VyOS node: rendering
(render.py) and gathering (gather.py) both walk these tables, so a leaf cannot be written
without being read back (the rm_templates idea, with the words taken from versions.Syntax).

What is not a plain field-to-leaf mapping (tag nodes such as NHS entries, proposals, routes,
BGP neighbours; values computed from others, such as the tunnel address's prefix on 1.5) stays
code in render.py and gather.py; tests/unit/dmvpn_core/test_render_gather_round_trip.py checks
that everything rendered, tables and code alike, is read back.

Pure Python, no Ansible imports.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.versions import (
    BGP_NEXT_HOP_UNCHANGED,
    BGP_RR_CLIENT,
)

TEXT = "text"  # a value node, stored as it is
NUMBER = "number"  # a value node holding an integer field
FLAG = "flag"  # a valueless node: present (True) or absent (False)
# True <-> a node that is valueless on one version and holds a fixed word on another
# (``ikev2-reauth`` on 1.4+, ``ikev2-reauth yes`` on 1.2/1.3): ``words(syntax)`` gives
# ``(words, value word or None)``, from the version's ``*_switch`` fact.
SWITCH = "switch"


class Leaf:
    """Model field ``field`` ↔ the node ``words(syntax)`` below the resource's base path
    (None: this VyOS version has no such node, the field is neither rendered nor gathered)."""

    __slots__ = ("field", "words", "kind")

    def __init__(self, field, words, kind):
        self.field = field
        self.words = words if callable(words) else (lambda syntax, fixed=tuple(words): fixed)
        self.kind = kind

    def __repr__(self):
        return "Leaf(%r, %s)" % (self.field, self.kind)


# interfaces tunnel <name> ... (after address, encapsulation, source and multicast: render.py)
TUNNEL = (
    Leaf("key", ("parameters", "ip", "key"), NUMBER),
    Leaf("description", ("description",), TEXT),
    Leaf("mtu", ("mtu",), NUMBER),
)

# protocols nhrp tunnel <name> ... before the NHS entries and multicast ...
NHRP_SETTINGS = (
    Leaf("authentication", lambda syntax: (syntax.nhrp_auth_leaf,), TEXT),
    Leaf("holding_time", lambda syntax: (syntax.nhrp_holdtime_leaf,), NUMBER),
    Leaf("network_id", lambda syntax: (syntax.nhrp_network_id_leaf,) if syntax.has_network_id else None, NUMBER),
)
# ... and after them
NHRP_FLAGS = (
    Leaf("redirect", ("redirect",), FLAG),
    Leaf("shortcut", ("shortcut",), FLAG),
)

# vpn ipsec {ike,esp}-group <name> proposal <id> ...
IKE_PROPOSAL = (
    Leaf("encryption", ("encryption",), TEXT),
    Leaf("hash", ("hash",), TEXT),
    Leaf("dh_group", ("dh-group",), TEXT),
)
ESP_PROPOSAL = IKE_PROPOSAL[:2]

# vpn ipsec {ike,esp}-group <name> ... (after the proposals)
IKE_GROUP = (
    Leaf("lifetime", ("lifetime",), NUMBER),
    Leaf("key_exchange", ("key-exchange",), TEXT),
    Leaf("close_action", ("close-action",), TEXT),
    Leaf("ikev2_reauth", lambda syntax: syntax.ikev2_reauth_switch, SWITCH),
    Leaf("disable_mobike", lambda syntax: syntax.disable_mobike_switch, SWITCH),
)
# vpn ipsec ike-group <name> dead-peer-detection ... (the model's dead_peer_detection dict)
IKE_DPD_WORDS = ("dead-peer-detection",)
IKE_DPD = (
    Leaf("action", ("action",), TEXT),
    Leaf("interval", ("interval",), NUMBER),
    Leaf("timeout", ("timeout",), NUMBER),
)
ESP_GROUP = (
    Leaf("lifetime", ("lifetime",), NUMBER),
    Leaf("mode", ("mode",), TEXT),
    Leaf("pfs", ("pfs",), TEXT),
    Leaf("compression", lambda syntax: syntax.compression_switch, SWITCH),
    Leaf("life_bytes", lambda syntax: ("life-bytes",) if syntax.life_bytes_range else None, NUMBER),
    Leaf("life_packets", lambda syntax: ("life-packets",) if syntax.life_packets_range else None, NUMBER),
)

# protocols static route <prefix> next-hop <address> ...
ROUTE = (
    Leaf("distance", ("distance",), NUMBER),
)

# protocols bgp ... peer-group <name> ... (remote-as first, then the address family: render.py)
PEER_GROUP_REMOTE = (
    Leaf("remote_as", ("remote-as",), TEXT),
)
PEER_GROUP_FLAGS = (
    Leaf("route_reflector_client", BGP_RR_CLIENT, FLAG),
    Leaf("next_hop_unchanged", BGP_NEXT_HOP_UNCHANGED, FLAG),
)


def render_leaves(tree, base, table, data, syntax):
    """Set the nodes of ``table`` below ``base`` for the fields of ``data`` that have a value."""
    for leaf in table:
        words = leaf.words(syntax)
        value = data.get(leaf.field)
        if words is None or value is None or value is False:
            continue
        if leaf.kind == FLAG:
            tree.set(base + words)
        elif leaf.kind == SWITCH:
            tree.set(base + words[0], words[1])
        else:
            tree.set(base + words, str(value))


def _number(value):
    return int(value) if value is not None and value.isdigit() else value


def gather_leaves(tree, base, table, syntax):
    """{field: value} of ``table`` read below ``base`` (None, or False for a flag, when absent)."""
    found = {}
    for leaf in table:
        words = leaf.words(syntax)
        if leaf.kind == FLAG:
            found[leaf.field] = words is not None and tree.exists(base + words)
            continue
        if leaf.kind == SWITCH:
            path, word = (base + words[0], words[1]) if words is not None else (None, None)
            found[leaf.field] = path is not None and (
                word in tree.values(path) if word is not None else tree.exists(path))
            continue
        values = tree.values(base + words) if words is not None else []
        value = values[0] if values else None
        found[leaf.field] = _number(value) if leaf.kind == NUMBER else value
    return found
