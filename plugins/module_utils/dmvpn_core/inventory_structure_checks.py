# -*- coding: utf-8 -*-
# Copyright: dmvpn.vyos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Inventory structure checks: mistakes in how the inventory is put together that leave every
variable valid on its own and still build a broken DMVPN: a host in both role groups, two
inventory hosts that reach one router, a LAN or summary prefix that covers a router's public
address (the tunnel would be routed over itself), a hub and a spoke without an IKE or ESP
proposal in common.

Pure Python, no Ansible imports. ``design.check`` runs these after the cross checks.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress

from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import spec_inventory as si

ROLE_GROUPS = ("dmvpn_hubs", "dmvpn_spokes")
# Names every system resolves to the loopback address without asking DNS.
_LOOPBACK_NAMES = ("localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback")
DEFAULT_SSH_PORT = 22
_DEFAULT_GROUPS = {"dmvpn_ike_group": si.DEFAULT_IKE_GROUP, "dmvpn_esp_group": si.DEFAULT_ESP_GROUP}


def _role_groups(problems, routers):
    for r in routers:
        groups = r.vars.get("group_names") or []
        if all(group in groups for group in ROLE_GROUPS):
            problems.add(r.name, "dmvpn_role", "the host is in both dmvpn_hubs and dmvpn_spokes, so its role "
                         "depends on which group's variables win", "put the host in one of the two groups")


def router_address(hv, name):
    """The router an inventory host reaches, as ``(address, port)``: ansible_host (or the
    host's name) and ansible_port (22), the loopback names and literal IP addresses written
    one way. Other names are compared as written (in lower case): resolving them would ask
    DNS during the check."""
    host = str(hv.get("ansible_host") or name).strip().lower().rstrip(".")
    if host in _LOOPBACK_NAMES:
        host = "127.0.0.1" if host.startswith("localhost") else "::1"
    try:
        host = str(ipaddress.ip_address(host))
    except ValueError:
        pass
    port = hv.get("ansible_port") or hv.get("ansible_ssh_port") or DEFAULT_SSH_PORT
    try:
        port = int(port)
    except (TypeError, ValueError):
        pass
    return host, port


def _same_router(problems, routers):
    seen = {}
    for r in routers:
        key = router_address(r.vars, r.name)
        if key in seen:
            problems.add(r.name, "ansible_host", "reaches the same router as %s (%s port %s)" % (seen[key], key[0], key[1]),
                         "give each inventory host its own router (ansible_host, ansible_port), or remove one")
        else:
            seen[key] = r.name


def _prefixes(router, variable):
    found = []
    for value in router.vars.get(variable) or []:
        try:
            found.append(ipaddress.IPv4Network(str(value)))
        except ValueError:
            continue  # reported by the router's own checks
    return found


def _prefixes_over_public_addresses(problems, routers):
    publics = [(r, r.nbma) for r in routers if r.nbma is not None]
    for r in routers:
        for variable in ("dmvpn_lan_prefixes", "dmvpn_summary_prefixes"):
            for prefix in _prefixes(r, variable):
                covered = [(owner, address) for owner, address in publics if address in prefix]
                if covered:
                    owner, address = covered[0]
                    problems.add(r.name, variable, "%s covers the public address %s of %s %s: the tunnel to it would "
                                 "be routed through the tunnel itself" % (prefix, address, owner.role, owner.name),
                                 "use prefixes that leave out every router's public (NBMA) address")


def _proposals(router, variable, keys):
    group = router.vars.get(variable) or _DEFAULT_GROUPS[variable]
    proposals = group.get("proposal") if isinstance(group, dict) else None
    if not isinstance(proposals, list):
        return None
    found = set()
    for proposal in proposals:
        if not isinstance(proposal, dict):
            return None
        found.add(tuple(str(proposal.get(key)) for key in keys))
    return found


def common_proposal_checks(problems, routers):
    """Each spoke must share at least one IKE and one ESP proposal with every hub, or IPsec
    to that hub never comes up (both sides propose only what their groups list). Run on the
    routers without problems only (a malformed proposal is reported as such)."""
    if not all(si.value(r.vars, "dmvpn_ipsec_enabled") for r in routers):
        return
    for variable, keys in (("dmvpn_ike_group", ("encryption", "hash", "dh_group")),
                           ("dmvpn_esp_group", ("encryption", "hash"))):
        hubs = [(h, _proposals(h, variable, keys)) for h in routers if h.role == "hub"]
        for spoke in (r for r in routers if r.role == "spoke"):
            mine = _proposals(spoke, variable, keys)
            for hub, theirs in hubs:
                if mine is not None and theirs is not None and not mine & theirs:
                    problems.add(spoke.name, variable, "has no proposal in common with hub %s (%s here, %s there)"
                                 % (hub.name, _shown(mine), _shown(theirs)),
                                 "give the spoke and the hubs at least one identical proposal")


def _shown(proposals):
    return ", ".join(sorted("/".join(p for p in proposal if p != "None") for proposal in proposals))


def structure_checks(problems, routers):
    """The checks of the inventory's structure across ``routers`` (the proposals in common:
    :func:`common_proposal_checks`, once the routers' own values are known to be sound)."""
    _role_groups(problems, routers)
    _same_router(problems, routers)
    _prefixes_over_public_addresses(problems, routers)
