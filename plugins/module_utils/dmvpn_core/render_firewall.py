# -*- coding: utf-8 -*-
# Copyright: dmvpn.vyos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The WAN firewall rules: rendering, what the collection owns of them, and gathering.

Pure Python, no Ansible imports. The words per version are versions_firewall.py. The rules,
all accepting on the WAN's way into the router (1.2/1.3: the interface's local rule set;
1.4+: ``firewall ipv4 input filter`` with ``inbound-interface name``):

    9900 established/related   9901 GRE (47)   9902 ESP (50)   9903 IKE (UDP 500)
    9904 NAT-T (UDP 4500)      with drop_other: 9905 SSH (TCP ssh_port), 9999 drop

GRE/ESP/IKE/NAT-T only from the DMVPN's peers (an address group) unless ``peers`` is empty.
Owned: every rule numbered 9900-9999 in the rule set our rules go to (1.4+: the input chain);
on 1.2/1.3 the whole set and its attachment when the set holds nothing else (ours); an
address group that only rules in the range use. Nothing else in ``firewall`` is ever touched.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.model_firewall import only_our_rules
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.versions_firewall import (
    OFFSETS,
    RULE_RANGE,
    firewall_syntax,
    in_range,
)

# Kinds of owned firewall objects: deletes go attachment, rules/sets, group; sets the other way.
KIND_FW_ATTACH = "firewall_attach"
KIND_FW_RULES = "firewall_rules"
KIND_FW_GROUP = "firewall_group"
DELETE_RANK = {KIND_FW_ATTACH: -3, KIND_FW_RULES: -2, KIND_FW_GROUP: -1}
SET_RANK = {KIND_FW_GROUP: 9, KIND_FW_RULES: 10, KIND_FW_ATTACH: 11}

_DESCRIPTION = "dmvpn.vyos: %s"


def rule_number(name):
    return str(RULE_RANGE[0] + OFFSETS[name]) if name != "drop" else str(RULE_RANGE[1])


def _rules(fw):
    """(name, description, protocol, port, from peers only) of each rule, in order."""
    rules = [("established", "established/related", None, None, False),
             ("gre", "GRE from DMVPN peers", "gre", None, True),
             ("esp", "ESP from DMVPN peers", "esp", None, True),
             ("ike", "IKE from DMVPN peers", "udp", "500", True),
             ("nat_t", "NAT-T from DMVPN peers", "udp", "4500", True)]
    if fw["drop_other"]:
        rules += [("ssh", "SSH", "tcp", str(fw["ssh_port"]), False),
                  ("drop", "drop the rest on the WAN", None, None, False)]
    return rules


def render_firewall(tree, endpoint, version):
    fw = endpoint.get("firewall")
    if not fw:
        return
    syntax = firewall_syntax(version)
    if fw["address_group"]:
        for address in fw["peers"]:
            tree.set(syntax.group_path(fw["address_group"]) + ("address",), address)
    if syntax.named and fw["own_set"]:
        base = syntax.rule_set_path(fw["rule_set"])
        # crux/equuleus default a set's default-action to drop: ours lets through what no rule
        # matches (the operator's choice is drop_other), so attaching it locks nobody out.
        tree.set(base + ("default-action",), "accept")
        tree.set(base + ("description",), _DESCRIPTION % "DMVPN WAN local")
    for name, description, protocol, port, from_peers in _rules(fw):
        path = syntax.rules_path(fw["rule_set"]) + (rule_number(name),)
        tree.set(path + ("action",), "drop" if name == "drop" else "accept")
        tree.set(path + ("description",), _DESCRIPTION % description)
        if not syntax.named:
            tree.set(path + syntax.INBOUND, fw["interface"])
        if protocol:
            tree.set(path + ("protocol",), protocol)
        if port:
            tree.set(path + ("destination", "port"), port)
        if from_peers and fw["address_group"]:
            tree.set(path + syntax.GROUP_REFERENCE, fw["address_group"])
        if name == "established":
            for words, value in syntax.state_leaves():
                tree.set(path + words, value)
    if syntax.named and fw["own_set"]:
        tree.set(syntax.attach_path(fw["interface"]), fw["rule_set"])


def _attached_sets(have):
    """(interface, rule set) of every ethernet interface's local IPv4 rule set (1.2/1.3)."""
    found = []
    for interface in have.children(("interfaces", "ethernet")):
        for name in have.values(("interfaces", "ethernet", interface, "firewall", "local", "name")):
            found.append((interface, name))
    return found


def _group_users(have, name, skip):
    """Rules in ``have`` outside ``skip`` (rule paths) that use address group ``name``."""
    users = []
    for path in have.subtree(("firewall",)).paths():
        for index in range(len(path) - 2):
            if index >= 1 and path[index:index + 3] == ("group", "address-group", name) and path[index - 1] == "source" \
                    and not any(path[:len(mine)] == mine for mine in skip):
                users.append(path)
    return users


def firewall_objects(endpoint, version, have):
    """(kind, path) of everything the collection owns of the WAN rules: from the model (when it
    has a firewall) and, with ``have``, what the range holds on the router."""
    syntax = firewall_syntax(version)
    fw = endpoint.get("firewall")
    found = []

    def add(kind, path):
        if (kind, path) not in found:
            found.append((kind, tuple(path)))

    if fw:
        if syntax.named and fw["own_set"]:
            add(KIND_FW_ATTACH, syntax.attach_path(fw["interface"]))
            add(KIND_FW_RULES, syntax.rule_set_path(fw["rule_set"]))
        else:
            for name, dummy, dummy, dummy, dummy in _rules(fw):
                add(KIND_FW_RULES, syntax.rules_path(fw["rule_set"]) + (rule_number(name),))
        if fw["address_group"]:
            add(KIND_FW_GROUP, syntax.group_path(fw["address_group"]))
    if have is None:
        return found
    rule_bases = []
    if syntax.named:
        for interface, name in _attached_sets(have):
            if only_our_rules(have, name) and have.children(syntax.rules_path(name)):
                add(KIND_FW_ATTACH, syntax.attach_path(interface))
                add(KIND_FW_RULES, syntax.rule_set_path(name))
            rule_bases.append(syntax.rules_path(name))
    else:
        rule_bases.append(syntax.rules_path())
    mine = []
    for base in rule_bases:
        for number in have.children(base):
            if in_range(number):
                mine.append(base + (number,))
                if not any(kind == KIND_FW_RULES and (base + (number,))[:len(path)] == path
                           for kind, path in found):
                    add(KIND_FW_RULES, base + (number,))
    for path in mine:
        for group in have.values(path + syntax.GROUP_REFERENCE):
            if not _group_users(have, group, mine) and have.exists(syntax.group_path(group)):
                add(KIND_FW_GROUP, syntax.group_path(group))
    return found


def gather_firewall(tree, version):
    """The ``firewall`` section found in ``tree`` (None when no rule of the range is there)."""
    syntax = firewall_syntax(version)
    if syntax.named:
        candidates = [(interface, name, syntax.rules_path(name)) for interface, name in _attached_sets(tree)]
    else:
        candidates = [(None, None, syntax.rules_path())]
    for interface, rule_set, base in candidates:
        gre = base + (rule_number("gre"),)
        if not tree.exists(gre):
            continue
        if not syntax.named:
            values = tree.values(gre + syntax.INBOUND)
            interface = values[0] if values else None
        groups = tree.values(gre + syntax.GROUP_REFERENCE)
        group = groups[0] if groups else None
        ssh = tree.values(base + (rule_number("ssh"), "destination", "port"))
        return {
            "interface": interface,
            "peers": tree.values(syntax.group_path(group) + ("address",)) if group else [],
            "rule_set": rule_set,
            "address_group": group,
            "drop_other": tree.exists(base + (rule_number("drop"),)),
            "ssh_port": int(ssh[0]) if ssh and ssh[0].isdigit() else 22,
        }
    return None
