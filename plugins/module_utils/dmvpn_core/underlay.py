# -*- coding: utf-8 -*-
# Copyright: dmvpn.vyos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The underlay resource (module dmvpn.vyos.underlay): the host name and the ethernet
addresses the roles set with dmvpn_manage_underlay.

Pure Python, no Ansible imports. Why a module of our own and not vyos.vyos's vyos_hostname and
vyos_l3_interfaces: both pass ``warnings`` to ``exit_json`` (vyos_l3_interfaces in its own
execute_module, vyos.vyos 6.0.0; vyos_hostname through ansible.netcommon's ResourceModule up to
8.2.0, fixed in 8.7.1 with emit_warnings), which ansible-core 2.19 and later report as a
``[DEPRECATION WARNING]`` on every run. Only ``merged`` changes the router: it adds what is
missing and deletes nothing, because a replaced address list could cut off the address
Ansible reaches the router on.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress

from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.checker import ModelError, Problem
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.configtree import ConfigTree
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.name_patterns import ETHERNET_RE, HOST_NAME_RE
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.diff import KIND_OTHER
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.render import OwnedObject

# The states that do not change the router, besides merged (the one that does).
READ_STATES = ("gathered", "rendered", "parsed")
HOST_NAME_PATH = ("system", "host-name")
# ``address`` is a multi leaf (a set adds one, versions.py lists it): vyatta-cfg-system crux e966d337
# templates/interfaces/ethernet/node.tag/address/node.def ("multi:"); vyos-1x
# include/interface/address-ipv4-ipv6-dhcp.xml.i (<multi/>), equuleus a79b59070, sagitta
# c3f688653, current 3710c5879. So merged adds addresses and never replaces one.
# (a kind of its own in the diff's ordering; the underlay module sets nothing else)
KIND_UNDERLAY = KIND_OTHER


def address_path(name):
    return ("interfaces", "ethernet", name, "address")


def address_problem(address):
    """Why ``address`` (text) is not an underlay address (IPv4 with prefix length, or dhcp), or None."""
    if address == "dhcp":
        return None
    try:
        ipaddress.IPv4Interface(address)
    except (ValueError, TypeError):
        return "is not an IPv4 address with prefix length, or dhcp"
    if "/" not in address:
        return "has no prefix length"
    return None


def validate(config, state):
    """``config`` normalised ({hostname, interfaces: [{name, address: [...]}]}) or ModelError
    naming every bad field."""
    problems = []
    if state not in ("merged",) + READ_STATES:
        problems.append(Problem("state", "%s is not supported by the underlay module" % state,
                                "use state merged (it adds and sets, and deletes nothing), or remove what you "
                                "no longer want with vyos.vyos.vyos_config"))
        raise ModelError(problems)
    if not isinstance(config, dict):
        raise ModelError([Problem("config", "must be a mapping", "give config: {hostname: R1, interfaces: [...]}")])
    hostname = config.get("hostname")
    if hostname is not None and (not isinstance(hostname, str) or not HOST_NAME_RE.match(hostname)):
        problems.append(Problem("config.hostname", "is not a host name VyOS accepts",
                                "use letters, digits, '-' and '.', 1 to 63 characters, e.g. SPOKE1"))
    interfaces = []
    seen = set()
    for index, item in enumerate(config.get("interfaces") or []):
        field = "config.interfaces[%d]" % index
        if not isinstance(item, dict):
            problems.append(Problem(field, "must be a mapping", "give {name: eth0, address: [192.0.2.1/24]}"))
            continue
        name = item.get("name")
        if not isinstance(name, str) or not ETHERNET_RE.match(name):
            problems.append(Problem(field + ".name", "is not an ethernet interface (ethN)",
                                    "give e.g. eth0; other interface kinds are not set by this module"))
        elif name in seen:
            problems.append(Problem(field + ".name", "%s is listed twice" % name, "list each interface once"))
        seen.add(name)
        addresses = item.get("address")
        addresses = addresses if isinstance(addresses, list) else [addresses]
        for address in addresses:
            problem = address_problem(address) if isinstance(address, str) else "must be text"
            if problem:
                problems.append(Problem(field + ".address", problem, "give e.g. 192.168.2.1/24 or dhcp"))
        interfaces.append({"name": name, "address": [a for a in addresses if isinstance(a, str)]})
    if problems:
        raise ModelError(problems)
    return {"hostname": hostname, "interfaces": interfaces}


class UnderlayResource:
    """Host name and ethernet addresses; merged only (see the module's docs)."""

    name = "underlay"

    def validates_with_router(self, config, state):
        return False

    def removed_unmanaged(self, have, want, after, objects, config, version):
        return None, []

    def validate(self, config, version, have=None, state="merged"):
        return validate(config, state)

    def render(self, config, version):
        tree = ConfigTree()
        if config["hostname"]:
            tree.set(HOST_NAME_PATH, config["hostname"])
        for item in config["interfaces"]:
            for address in item["address"]:
                tree.set(address_path(item["name"]), address)
        return tree

    def objects(self, config, version, have, state):
        # merged only: the paths it sets, never anything to delete
        objects = [OwnedObject(KIND_UNDERLAY, HOST_NAME_PATH)] if config["hostname"] else []
        return objects + [OwnedObject(KIND_UNDERLAY, address_path(item["name"])) for item in config["interfaces"]]

    def gather(self, tree, version, config=None):
        names = sorted(tree.children(("interfaces", "ethernet")))
        if isinstance(config, dict):  # a run's before/after: the interfaces it names
            names = [item["name"] for item in config["interfaces"]]
        hostname = tree.values(HOST_NAME_PATH)
        return {"hostname": hostname[0] if hostname else None,
                "interfaces": [{"name": name, "address": tree.values(address_path(name))} for name in names
                               if tree.values(address_path(name))]}

    def secrets(self, config):
        return []


UNDERLAY = UnderlayResource()
