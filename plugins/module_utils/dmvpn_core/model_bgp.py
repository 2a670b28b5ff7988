# -*- coding: utf-8 -*-
# Copyright: dmvpn.vyos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The BGP section of the endpoint model: the AS, the peer group, listen ranges, neighbors,
timers and networks, checked and normalised (and, where VyOS has no listen ranges, the
peers a range is for turned into neighbors).

Pure Python, no Ansible imports. ``model.validate_endpoint`` calls :func:`check_bgp` with
its :class:`checker.Checker`; :func:`is_ebgp` also serves the rendering.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

# The keys each mapping of the BGP section may have.
_KEYS = {
    "bgp": ("asn", "router_id", "peer_group", "listen_ranges", "dynamic_neighbors", "neighbors", "hub_neighbors",
            "networks", "keepalive", "holdtime"),
    "peer_group": ("name", "remote_as", "route_reflector_client", "next_hop_unchanged"),
    "neighbor": ("address", "remote_as"),
}
REMOTE_AS_WORDS = ("internal", "external")


def _remote_as(check, value, field, required):
    """``internal``, ``external`` or an AS number (as text), or None."""
    if value is None:
        if required:
            check.add(field, "is required", "give the peer's AS number, or internal/external")
        return None
    if isinstance(value, str) and value in REMOTE_AS_WORDS:
        return value
    number = check.integer(value, field, check.syntax.asn_range)
    return str(number) if number is not None else None


def is_ebgp(remote_as, asn):
    """True when a peer with ``remote_as`` (internal, external, an AS as text, or None) is an
    eBGP peer of a router in ``asn``."""
    return remote_as == "external" or (remote_as not in (None, "internal") and asn is not None and
                                       remote_as != str(asn))


def _bgp_peer_group(check, data, asn):
    syntax = check.syntax
    group = check.mapping(data, "bgp.peer_group", _KEYS["peer_group"], required=False)
    if group is None:
        return None
    result = {"name": check.word(group.get("name"), "bgp.peer_group.name", syntax.bgp_peer_group_re,
                                 syntax.bgp_peer_group_text),
              "remote_as": _remote_as(check, group.get("remote_as"), "bgp.peer_group.remote_as", False),
              "route_reflector_client": check.boolean(group.get("route_reflector_client"),
                                                      "bgp.peer_group.route_reflector_client", False),
              "next_hop_unchanged": check.boolean(group.get("next_hop_unchanged"),
                                                  "bgp.peer_group.next_hop_unchanged", False)}
    if result["route_reflector_client"]:
        if is_ebgp(result["remote_as"], asn):
            check.add("bgp.peer_group.route_reflector_client", "route reflection is for iBGP peers, but the peer "
                      "group is eBGP (remote_as %s)" % result["remote_as"],
                      "use the router's own AS as remote_as, or turn route_reflector_client off")
        elif result["remote_as"] != str(asn) and not syntax.bgp_rr_takes_internal:
            check.add("bgp.peer_group.remote_as", "VyOS %s reflects routes only to a peer group whose remote-as is "
                      "the router's own AS number" % syntax.version, "set remote_as to %s" % asn)
    return result


def _bgp_neighbors(check, value, iface, group, asn, name="bgp.neighbors"):
    result, seen = [], set()
    group_as = group.get("remote_as") if group else None
    for index, entry in enumerate(check.sequence(value, name)):
        field = "%s[%d]" % (name, index)
        entry = check.mapping(entry, field, _KEYS["neighbor"])
        if entry is None:
            continue
        address = check.address_in_subnet(entry.get("address"), field + ".address", iface,
                                          "the peer's tunnel address")
        remote_as = _remote_as(check, entry.get("remote_as"), field + ".remote_as", group_as is None)
        if remote_as is not None and group_as is not None:
            check.add(field + ".remote_as", "is also set by the peer group (%s)" % group_as,
                      "set remote_as on the peer group or on its neighbors, not both")
        if group and remote_as is not None and group["route_reflector_client"] and is_ebgp(remote_as, asn):
            check.add(field + ".remote_as", "%s is an eBGP peer in a route-reflector peer group" % remote_as,
                      "give the neighbor the router's own AS, or use a peer group without route reflection")
        if address is None:
            continue
        if address in seen:
            check.add(field + ".address", "%s is listed twice" % address, "list every peer once")
            continue
        seen.add(address)
        result.append({"address": str(address), "remote_as": remote_as})
    return result


def _hub_neighbors(check, value, iface, asn, others):
    """The other hubs: neighbors outside any peer group (each with its own remote-as and the
    IPv4 family), so a hub's peer group stays the spokes' whatever they are (iBGP or eBGP)."""
    result = _bgp_neighbors(check, value, iface, None, asn, "bgp.hub_neighbors")
    taken = set(peer["address"] for peer in others)
    for index, peer in enumerate(result):
        if peer["address"] in taken:
            check.add("bgp.hub_neighbors[%d].address" % index, "%s is also a spoke's neighbor" % peer["address"],
                      "list a peer once: as a hub neighbor or as a (dynamic) neighbor")
    return [peer for peer in result if peer["address"] not in taken]


def _listen_as_neighbors(result, dynamic, asn):
    """Where VyOS has no listen ranges (1.2), the peers a listen range is for become neighbors
    of the peer group: an iBGP group keeps its remote-as; an eBGP group gives it to each
    neighbor (its own AS), since such a group has no single remote AS to name."""
    group = result["peer_group"]
    ebgp = group is not None and is_ebgp(group["remote_as"], asn)
    if ebgp:
        group["remote_as"] = None
    known = set(neighbor["address"] for neighbor in result["neighbors"])
    for peer in dynamic:
        if peer["address"] not in known:
            result["neighbors"].append({"address": peer["address"], "remote_as": peer["remote_as"] if ebgp else None})
    result["listen_ranges"] = []


def _bgp_timers(check, bgp, group, neighbors):
    syntax = check.syntax
    keepalive = check.integer(bgp.get("keepalive"), "bgp.keepalive", syntax.bgp_timer_range)
    holdtime = check.integer(bgp.get("holdtime"), "bgp.holdtime", syntax.bgp_timer_range)
    if keepalive is None and holdtime is None:
        return None, None
    if (keepalive is None) != (holdtime is None):
        check.add("bgp.holdtime" if holdtime is None else "bgp.keepalive", "keepalive and holdtime go together",
                  "set both (e.g. keepalive 10, holdtime 30) or neither")
    elif holdtime != 0 and holdtime < 3 * max(keepalive, 1):
        check.add("bgp.holdtime", "%d is less than three keepalives (%d)" % (holdtime, keepalive),
                  "use a holdtime of at least 3 x keepalive, e.g. keepalive 10, holdtime 30")
    elif group is not None:
        check.add("bgp.keepalive", "VyOS sets timers per neighbor, and not on neighbors of a peer group",
                  "leave the timers to the routers without a peer group (spokes): a session uses the lower "
                  "holdtime of its two ends")
    elif not neighbors:
        check.add("bgp.keepalive", "there is no neighbor to set the timers on", "remove keepalive and holdtime")
    return keepalive, holdtime


def check_bgp(check, data, iface):
    """BGP over the tunnel: the AS, an optional peer group with dynamic neighbors (listen
    ranges) and/or explicit neighbors (its members when there is a group, with their own
    address family and timers when there is not), and the advertised networks."""
    bgp = check.mapping(data, "bgp", _KEYS["bgp"], required=False)
    if bgp is None:
        return None
    syntax = check.syntax
    asn = check.integer(bgp.get("asn"), "bgp.asn", syntax.asn_range, required=True)
    result = {"asn": asn, "router_id": None, "peer_group": _bgp_peer_group(check, bgp.get("peer_group"), asn)}
    if bgp.get("router_id") is not None:
        router_id = check.ipv4(bgp.get("router_id"), "bgp.router_id")
        result["router_id"] = str(router_id) if router_id is not None else None
    result["listen_ranges"] = []
    for index, value in enumerate(check.sequence(bgp.get("listen_ranges"), "bgp.listen_ranges")):
        field = "bgp.listen_ranges[%d]" % index
        network = check.prefix(value, field)
        if network is None:
            continue
        if not syntax.bgp_listen_range:
            if not bgp.get("dynamic_neighbors"):
                check.add(field, "VyOS %s has no BGP listen ranges (dynamic neighbors came with 1.3.3)"
                          % syntax.version, "give the peers the range is for as dynamic_neighbors (they are then "
                          "listed as neighbors of the peer group), or list them as neighbors")
        elif iface is not None and not network.subnet_of(iface.network):
            check.add(field, "%s is outside the tunnel subnet %s" % (network, iface.network),
                      "listen for DMVPN peers inside %s" % iface.network)
        elif result["peer_group"] is None or result["peer_group"]["remote_as"] is None:
            check.add("bgp.peer_group.remote_as", "is required with listen ranges (dynamic neighbors take it "
                      "from the peer group)", "set remote_as to internal, external or the peers' AS number")
        elif str(network) not in result["listen_ranges"]:
            result["listen_ranges"].append(str(network))
    result["neighbors"] = _bgp_neighbors(check, bgp.get("neighbors"), iface, result["peer_group"], asn)
    dynamic = _bgp_neighbors(check, bgp.get("dynamic_neighbors"), iface, None, asn, "bgp.dynamic_neighbors")
    result["hub_neighbors"] = _hub_neighbors(check, bgp.get("hub_neighbors"), iface, asn,
                                             result["neighbors"] + dynamic)
    if bgp.get("listen_ranges") and not syntax.bgp_listen_range and dynamic:
        _listen_as_neighbors(result, dynamic, asn)
    result["keepalive"], result["holdtime"] = _bgp_timers(check, bgp, result["peer_group"], result["neighbors"])
    result["networks"] = []
    for index, value in enumerate(check.sequence(bgp.get("networks"), "bgp.networks")):
        network = check.prefix(value, "bgp.networks[%d]" % index)
        if network is not None and str(network) not in result["networks"]:
            result["networks"].append(str(network))
    if not bgp.get("listen_ranges") and not bgp.get("neighbors") and not result["hub_neighbors"]:
        check.add("bgp", "has no peers", "give neighbors (a spoke: every hub) or listen_ranges (a hub)")
    return result
