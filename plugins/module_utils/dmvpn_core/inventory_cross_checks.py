# -*- coding: utf-8 -*-
# Copyright: dmvpn.vyos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Inventory cross checks: what the routers of one DMVPN must agree on (a hub at least, their
own tunnel and public addresses, LANs that do not overlap, the shared variables, one BGP
plan), every problem naming the host, the variable and the fix.

Pure Python, no Ansible imports. Each router's own variables are checked first, by
``inventory_checks.py``; ``design.check`` runs both.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.inventory_checks import bgp_asn

# Variables that must be the same on every router of one DMVPN.
SHARED = ("dmvpn_tunnel_name", "dmvpn_tunnel_subnet", "dmvpn_gre_key", "dmvpn_nhrp_secret",
          "dmvpn_ipsec_psk", "dmvpn_ipsec_enabled")


def _bgp_cross_checks(problems, routers):
    """BGP goes all the way or not at all; hubs share one AS; spokes are either all in it
    (iBGP, hubs reflect) or each in an AS of its own (eBGP, an AS-path loop would drop the
    routes of spokes sharing an AS)."""
    modes = set(r.routing for r in routers)
    if "bgp" not in modes:
        return
    if len(modes) > 1:
        for r in routers:
            if r.routing != "bgp":
                problems.add(r.name, "dmvpn_routing", "is %s while other routers of the DMVPN use bgp" % r.routing,
                             "use dmvpn_routing: bgp on every router of the DMVPN (set it in the group's vars)")
        return
    hubs = [r for r in routers if r.role == "hub" and bgp_asn(r.vars.get("dmvpn_bgp_asn"))]
    hub_asns = sorted(set(r.vars["dmvpn_bgp_asn"] for r in hubs))
    if len(hub_asns) > 1:
        for r in hubs[1:]:
            if r.vars["dmvpn_bgp_asn"] != hubs[0].vars["dmvpn_bgp_asn"]:
                problems.add(r.name, "dmvpn_bgp_asn", "%d differs from hub %s's AS %d"
                             % (r.vars["dmvpn_bgp_asn"], hubs[0].name, hubs[0].vars["dmvpn_bgp_asn"]),
                             "give every hub the same AS number")
        return
    if not hub_asns:
        return
    spokes = [r for r in routers if r.role == "spoke" and bgp_asn(r.vars.get("dmvpn_bgp_asn"))]
    internal = [r for r in spokes if r.vars["dmvpn_bgp_asn"] == hub_asns[0]]
    external = [r for r in spokes if r not in internal]
    if internal and external:
        minority = external if len(external) <= len(internal) else internal
        for r in minority:
            problems.add(r.name, "dmvpn_bgp_asn", "mixes iBGP and eBGP spokes: %d spokes are in the hubs' AS %d, "
                         "%d are not" % (len(internal), hub_asns[0], len(external)),
                         "put every spoke in the hubs' AS (iBGP) or every spoke in an AS of its own (eBGP)")
        return
    owners = {}
    for r in external:
        owners.setdefault(r.vars["dmvpn_bgp_asn"], []).append(r.name)
    for asn, names in sorted(owners.items()):
        for name in names[1:]:
            problems.add(name, "dmvpn_bgp_asn", "AS %d is also the AS of spoke %s: with eBGP, the spokes' routes "
                         "would be dropped as AS-path loops" % (asn, names[0]),
                         "give every spoke its own AS number (e.g. 65001, 65002, ...) or use the hubs' AS (iBGP)")


def _overlaps(items):
    """Pairs of (owner, network) that overlap, found in O(n log n)."""
    ordered = sorted(items, key=lambda item: (int(item[1].network_address), item[1].prefixlen))
    found = []
    widest = None  # the item reaching furthest so far
    for item in ordered:
        if widest is not None and int(item[1].network_address) <= int(widest[1].broadcast_address):
            found.append((widest, item))
            if int(item[1].broadcast_address) <= int(widest[1].broadcast_address):
                continue
        widest = item
    return found


def cross_checks(problems, routers):
    """The checks across ``routers`` (each read by ``inventory_checks.read_router``)."""
    hubs = [r for r in routers if r.role == "hub"]
    if routers and not hubs:
        for r in routers:
            problems.add(r.name, "dmvpn_role", "this spoke has no hub: no router in the DMVPN is a hub",
                         "make at least one router a hub (dmvpn_role: hub)")
    seen = {}
    for r in routers:
        if r.tunnel_ip is None:
            continue
        if r.tunnel_ip in seen:
            problems.add(r.name, r.tunnel_ip_field, "%s is also the tunnel address of %s" % (r.tunnel_ip, seen[r.tunnel_ip]),
                         "give every router its own tunnel address (dmvpn_tunnel_address or dmvpn_spoke_id)")
        else:
            seen[r.tunnel_ip] = r.name
    nbmas = {}
    for r in sorted(routers, key=lambda router: router.role != "hub"):  # hubs first
        if r.nbma is not None:
            if r.nbma in nbmas:
                owner = nbmas[r.nbma]
                problems.add(r.name, "dmvpn_public_address", "%s is also the public address of %s %s"
                             % (r.nbma, owner.role, owner.name), "give every router its own public address")
            else:
                nbmas[r.nbma] = r
    _bgp_cross_checks(problems, routers)
    lans = [(r.name, net) for r in routers for net in r.lans]
    for (owner_a, net_a), (owner_b, net_b) in _overlaps(lans):
        problems.add(owner_b, "dmvpn_lan_prefixes", "%s overlaps %s of %s" % (net_b, net_a, owner_a),
                     "give every LAN its own prefix")
    for r in routers:
        for net in r.lans:
            if r.subnet is not None and net.overlaps(r.subnet):
                problems.add(r.name, "dmvpn_lan_prefixes", "%s overlaps the tunnel subnet %s" % (net, r.subnet),
                             "keep LAN prefixes outside the tunnel subnet")
    for field in SHARED:
        values = {}
        for r in routers:
            value = r.vars.get(field)
            if value is not None:
                values.setdefault(str(value) if not isinstance(value, bool) else value, []).append(r.name)
        if len(values) > 1:
            counts = sorted(values.values(), key=len, reverse=True)
            for minority in counts[1:]:
                for host in minority:
                    problems.add(host, field, "differs from the other DMVPN routers (%s)" % ", ".join(counts[0][:3]),
                                 "use the same %s on every router of the DMVPN" % field)
