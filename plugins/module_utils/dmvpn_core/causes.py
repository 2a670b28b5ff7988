# -*- coding: utf-8 -*-
# Copyright: dmvpn.vyos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Causes, not symptoms (issue 19 item 12): before verify blames a router for what it saw
(a ping without a reply, a peer missing from its NHRP table), it looks for the cause in the
other routers' observed state. A spoke whose ping target's router is down, or whose hub has
no route back to the spoke's LAN, is not at fault: the router that is, is.

Pure Python, no Ansible imports. ``states`` are the registered dmvpn_status results of the
routers verify read ({host: result}); a router outside ``--limit`` has none, and so is never
named as a cause (nothing was seen of it).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress
import re

from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import spec_inventory as si

UNREACHABLE = "unreachable"
UNREAD = "its state could not be read"
# what network_cli (ansible.netcommon) says when no SSH session to the router could be opened
_CONNECT_FAILED = re.compile(r"ssh connect failed|connection refused|timed out|no route to host|"
                             r"unable to connect|name or service not known", re.I)


def unread_reason(seen):
    """Why ``seen`` (a registered dmvpn_status result) holds no state of the router, or None
    when it does. verify registers the module's failure as ok (``failed_when: false``) and an
    unreachable host with ``unreachable: true``: either way the result has no ``nhrp``, which
    a read always returns. A router whose SSH session could not be opened is unreachable."""
    if not seen:
        return UNREAD
    if seen.get("unreachable") or _CONNECT_FAILED.search(str(seen.get("msg") or "")) and "nhrp" not in seen:
        return UNREACHABLE
    if seen.get("failed") or "nhrp" not in seen:
        return UNREAD
    return None


def without_unread_peers(design, name, expected, unread):
    """``(expected, notes)``: what ``name`` should see (status.expectations) without the peers
    whose state could not be read: a router that is down is registered nowhere, and that is
    its own row's failure, not each of its peers'. One note per peer left out."""
    me = design.by_name[name]
    peers = dict(expected["nhrp_peers"])
    notes = []
    for router in design.routers:
        if router is not me and router.name in unread and str(router.tunnel_ip) in peers:
            del peers[str(router.tunnel_ip)]
            notes.append("%s %s: cause at %s (%s)" % (router.role, router.tunnel_ip, router.name,
                                                      unread[router.name]))
    expected = dict(expected, nhrp_peers=peers, ipsec_peers=len(peers) if expected["ipsec"] else 0)
    return expected, notes


def _owner(design, me, address):
    """The router (other than ``me``) whose LAN or tunnel address ``address`` is, or None."""
    for router in design.routers:
        if router is not me and (router.tunnel_ip == address or any(address in lan for lan in router.lans)):
            return router
    return None


def _network_of(router, address):
    """The LAN of ``router`` holding ``address`` (the address alone when none does)."""
    lans = [lan for lan in (router.lans if router is not None else []) if address in lan]
    return lans[0] if lans else ipaddress.IPv4Network(address)


def routes_through_tunnel(routes, network, router):
    """Does ``router``'s routing table (status.parse_route_table) send ``network`` into the
    DMVPN? Its longest selected route covering ``network`` must go via an address of the
    tunnel subnet or out of the tunnel interface (a default route to the upstream gateway
    covers every LAN, but not through the tunnel)."""
    best = None
    for route in routes:
        try:
            prefix = ipaddress.IPv4Network(route["prefix"])
        except ValueError:
            continue
        if route["selected"] and network.subnet_of(prefix) and (best is None or prefix.prefixlen > best[0].prefixlen):
            best = (prefix, route)
    if best is None:
        return False
    route = best[1]
    if route.get("interface") is not None and route["interface"] == si.value(router.vars, "dmvpn_tunnel_name"):
        return True
    try:
        return router.subnet is not None and ipaddress.IPv4Address(route.get("via") or "") in router.subnet
    except ValueError:
        return False


def ping_causes(design, name, target, source, states, unread):
    """``[(router, reason)]``: what in the other routers' state explains why ``name``'s ping of
    ``target`` (from ``source``, an address of its LAN, or None: its tunnel address) got no
    reply; ``[]`` when nothing does (then ``name`` is at fault). In this order: the target's
    router could not be read (down); a hub could not be read; the target's router (a spoke)
    is missing from a hub's NHRP table; a hub has no route through the tunnel to the target
    (the way there) or to the source's LAN (the way back)."""
    me = design.by_name[name]
    address = ipaddress.IPv4Address(target)
    owner = _owner(design, me, address)
    hubs = [router for router in design.routers if router.role == "hub" and router is not me]
    if owner is not None and owner.name in unread:
        return [(owner.name, unread[owner.name])]
    down = [(hub.name, unread[hub.name]) for hub in hubs if hub.name in unread]
    if down:
        return down
    read = [(hub, states[hub.name]) for hub in hubs if states.get(hub.name)]
    if owner is not None and owner.role == "spoke":
        missing = [hub.name for hub, seen in read
                   if not any(entry["protocol"] == str(owner.tunnel_ip) and entry["up"] and entry["type"] != "local"
                              for entry in seen.get("nhrp") or [])]
        if missing:
            return [(owner.name, "not registered at %s" % ", ".join(missing))]
    ways = [] if owner is not None and owner.role == "hub" else [_network_of(owner, address)]
    if source is not None:
        ways.append(_network_of(me, ipaddress.IPv4Address(source)))
    causes = []
    for hub, seen in read:
        if "routes" not in seen:
            continue
        causes += [(hub.name, "no route to %s" % network) for network in ways
                   if hub is not owner and not routes_through_tunnel(seen["routes"], network, hub)]
    return causes


def explain_pings(design, states, unread):
    """Every failed ping of the routers read, with its causes: ``(blamed, notes, unexplained)``.
    ``blamed``: {router: [problem]} for each router found at fault (one that could not be read
    says so on its own row already); ``notes``: {router: ["ping T failed: cause at R (why)"]}
    for the pinging routers the causes clear; ``unexplained``: {router: ["ping T: no reply"]},
    the pinging router's own failures."""
    blamed, notes, unexplained = {}, {}, {}
    for name in sorted(states):
        seen = states[name]
        if name in unread or name not in design.by_name:
            continue
        for target, reached in sorted((seen.get("ping") or {}).items()):
            if reached:
                continue
            causes = ping_causes(design, name, target, seen.get("ping_source"), states, unread)
            if not causes:
                unexplained.setdefault(name, []).append("ping %s: no reply" % target)
                continue
            notes.setdefault(name, []).append("ping %s failed: cause at %s" % (
                target, ", ".join("%s (%s)" % cause for cause in causes)))
            for culprit, reason in causes:
                if culprit not in unread:
                    blamed.setdefault(culprit, []).append("%s (%s's ping of %s fails)" % (reason, name, target))
    return blamed, notes, unexplained
