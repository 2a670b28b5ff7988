# -*- coding: utf-8 -*-
# Copyright: dmvpn.vyos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The endpoint's ``firewall`` section: the WAN rules that let the DMVPN in (opt-in).

Pure Python, no Ansible imports. ``firewall`` is None (the collection manages no firewall
rules, and removes the ones it made) or::

    {"interface": "eth0", "peers": ["198.51.100.41", ...], "rule_set": "DMVPN-WAN",
     "address_group": "DMVPN-PEERS", "drop_other": False, "ssh_port": 22}

``peers`` empty: any source (a DMVPN with DHCP routers, whose addresses nobody knows).
``rule_set`` is used on 1.2/1.3 only, for the WAN interface's local rule set when it has none
(:func:`resolve_with_router` takes the interface's own set when it has one).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress
import re

from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.checker import ModelError, Problem
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.name_patterns import INTERFACE_NAME_RE
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.versions_firewall import (
    NAME_RE,
    NAME_TEXT,
    RESERVED_RE,
    firewall_syntax,
    in_range,
)

KEYS = ("interface", "peers", "rule_set", "address_group", "drop_other", "ssh_port")
DEFAULT_RULE_SET = "DMVPN-WAN"
DEFAULT_ADDRESS_GROUP = "DMVPN-PEERS"
# 1.2/1.3 attach rule sets to interfaces by their type; the collection writes ethernet ones.
_ETHERNET_RE = re.compile(r"^eth[0-9]+\Z")


def _name(check, value, field, default):
    text = check.string(value, field, required=False)
    if text is None:
        return default if value is None else None
    if not NAME_RE.match(text) or RESERVED_RE.search(text):
        check.add(field, "%r is not a usable name" % text, "use %s, no VyOS chain word" % NAME_TEXT)
        return None
    return text


def _peers(check, value):
    result = []
    for index, entry in enumerate(check.sequence(value, "firewall.peers")):
        address = check.ipv4(entry, "firewall.peers[%d]" % index)
        if address is None:
            continue
        if address.is_unspecified or address.is_multicast or address.is_loopback:
            check.add("firewall.peers[%d]" % index, "%s is not a router's public address" % address,
                      "list the other DMVPN routers' public (NBMA) addresses, or none for any source")
            continue
        if address not in result:
            result.append(address)
    return [str(address) for address in sorted(result)]


def check_firewall(check, data, ipsec):
    """The normalised ``firewall`` section (None when absent); problems go to ``check``."""
    if data is None:
        return None
    fw = check.mapping(data, "firewall", KEYS)
    if fw is None:
        return None
    syntax = firewall_syntax(check.syntax.version)
    result = {}
    interface = fw.get("interface")
    if interface is None and ipsec:
        interface = ipsec.get("interface")
    result["interface"] = check.word(interface, "firewall.interface", INTERFACE_NAME_RE,
                                     "the WAN interface's name, e.g. eth0")
    if syntax.named and result["interface"] and not _ETHERNET_RE.match(result["interface"]):
        check.add("firewall.interface", "%s: on VyOS %s the collection attaches its rules to an ethernet "
                  "interface's local rule set only" % (result["interface"], syntax.version),
                  "use the ethernet WAN interface (ethN), or leave dmvpn_manage_firewall off and write the rules yourself")
        result["interface"] = None
    result["peers"] = _peers(check, fw.get("peers"))
    rule_set = _name(check, fw.get("rule_set"), "firewall.rule_set", DEFAULT_RULE_SET)
    group = _name(check, fw.get("address_group"), "firewall.address_group", DEFAULT_ADDRESS_GROUP)
    # (checked on every version, kept where it is used: one value fits a DMVPN of mixed versions)
    result["rule_set"] = rule_set if syntax.named else None
    result["address_group"] = group if result["peers"] else None
    result["drop_other"] = check.boolean(fw.get("drop_other"), "firewall.drop_other", False)
    result["ssh_port"] = check.integer(fw.get("ssh_port"), "firewall.ssh_port", (1, 65535))
    if result["ssh_port"] is None and fw.get("ssh_port") is None:
        result["ssh_port"] = 22
    result["own_set"] = True  # 1.2/1.3: the rule set is ours (resolve_with_router may say otherwise)
    return result


def only_our_rules(tree, rule_set):
    """True when the 1.2/1.3 rule set ``rule_set`` in ``tree`` holds nothing but rules in the
    collection's range (and its default action and description): a set the collection made."""
    base = ("firewall", "name", rule_set)
    for child in tree.children(base):
        if child == "rule":
            if not all(in_range(number) for number in tree.children(base + ("rule",))):
                return False
        elif child not in ("default-action", "description"):
            return False
    return True


def resolve_with_router(endpoint, have):
    """1.2/1.3: point ``endpoint``'s firewall at the WAN interface's own local rule set when it
    has one that is not the collection's (the operator's rules stay, ours go in at 9900-9999);
    the collection's own set (``rule_set``) otherwise. Changes ``endpoint`` in place."""
    fw = endpoint.get("firewall") if endpoint else None
    if not fw or have is None or not firewall_syntax(endpoint.version).named:
        return endpoint
    current = have.values(firewall_syntax(endpoint.version).attach_path(fw["interface"]))
    if current and not only_our_rules(have, current[0]):
        fw["rule_set"], fw["own_set"] = current[0], False
    elif current:
        fw["rule_set"], fw["own_set"] = current[0], True
    elif not only_our_rules(have, fw["rule_set"]):
        # a set of that name with someone else's rules, not on the WAN: taking it over as ours
        # would attach it and, with overridden, delete its rules
        raise ModelError([Problem("firewall.rule_set", "%s is a rule set on the router with rules of its own, and "
                                  "not the local rule set of %s" % (fw["rule_set"], fw["interface"]),
                                  "choose another name (dmvpn_firewall_rule_set), or attach that set to %s as its "
                                  "local rule set so the rules go into it" % fw["interface"])])
    return endpoint


def peer_addresses(routers_nbma):
    """The ``peers`` of a router from the other routers' public addresses (None for a DHCP
    router): [] (any source) as soon as one of them has no fixed address."""
    if any(address is None for address in routers_nbma):
        return []
    return sorted(set(str(address) for address in routers_nbma), key=ipaddress.IPv4Address)
