# -*- coding: utf-8 -*-
# Copyright: dmvpn.vyos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Gathering: the structured configuration (the modules' ``config`` form) found in a
ConfigTree: tunnels, NHRP, IPsec, BGP and whole DMVPN endpoints.

Pure Python, no Ansible imports. Secrets are included: callers mask them. The resources
(``resources.py``) gather with these functions.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress

from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import leaf_tables as lt
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.versions import (
    BGP_NETWORKS,
    BGP_ROUTER_ID,
    syntax_for,
)


def first_value(tree, path):
    """The first value at ``path`` in ``tree``, or None."""
    values = tree.values(path)
    return values[0] if values else None


def _int(value):
    return int(value) if value is not None and value.isdigit() else value


def gather_tunnel(tree, version, name):
    syntax = syntax_for(version)
    base = syntax.tunnel_path(name)
    if not tree.exists(base):
        return None
    addresses = [a for a in tree.values(base + ("address",)) if ":" not in a]
    source_interface = None
    if syntax.any_source_tunnel_leaf is not None:
        source_interface = first_value(tree, base + (syntax.any_source_tunnel_leaf,))
    any_source = "0.0.0.0" if source_interface else None
    if syntax.multicast_value is None:
        multicast = tree.exists(base + syntax.multicast_words)
    else:
        multicast = first_value(tree, base + syntax.multicast_words) == syntax.multicast_value
    tunnel = {
        "name": name,
        "address": addresses[0] if addresses else None,
        "source_address": first_value(tree, base + (syntax.tunnel_local_leaf,)) or any_source,
        "source_interface": source_interface,
    }
    tunnel.update(lt.gather_leaves(tree, base, lt.TUNNEL, syntax))
    tunnel["multicast"] = multicast
    return tunnel


def is_multipoint_gre(tree, version, name):
    """A DMVPN-style tunnel: GRE encapsulation and no remote end."""
    syntax = syntax_for(version)
    base = syntax.tunnel_path(name)
    return first_value(tree, base + ("encapsulation",)) == "gre" and \
        not tree.exists(base + (syntax.tunnel_remote_leaf,))


def gather_nhrp(tree, version, name):
    syntax = syntax_for(version)
    base = syntax.nhrp_path(name)
    if not tree.exists(base):
        return None
    nhs, maps = [], []
    if syntax.is_frr_nhrp:
        for tunnel_ip in tree.children(base + ("nhs", "tunnel-ip")):
            for nbma in tree.values(base + ("nhs", "tunnel-ip", tunnel_ip, "nbma")):
                nhs.append({"tunnel_ip": tunnel_ip, "nbma": nbma})
        for tunnel_ip in tree.children(base + ("map", "tunnel-ip")):
            maps.append({"tunnel_ip": tunnel_ip, "nbma": first_value(tree, base + ("map", "tunnel-ip", tunnel_ip, "nbma"))})
    else:
        # a map that registers names a next hop server; one that does not, a static peer
        for prefix in tree.children(base + ("map",)):
            entry = {"tunnel_ip": prefix.split("/")[0], "nbma": first_value(tree, base + ("map", prefix, "nbma-address"))}
            (nhs if tree.exists(base + ("map", prefix, "register")) else maps).append(entry)
    nhrp = {"tunnel": name, "role": "spoke" if nhs else "hub"}
    nhrp.update(lt.gather_leaves(tree, base, lt.NHRP_SETTINGS, syntax))
    nhrp.update(lt.gather_leaves(tree, base, lt.NHRP_FLAGS, syntax))
    nhrp["nhs"] = nhs
    nhrp["maps"] = maps
    return nhrp


def _gather_group(tree, path, ike, syntax):
    if not tree.exists(path):
        return None
    proposal_table, group_table = (lt.IKE_PROPOSAL, lt.IKE_GROUP) if ike else (lt.ESP_PROPOSAL, lt.ESP_GROUP)
    proposals = []
    for pid in sorted(tree.children(path + ("proposal",)), key=lambda p: int(p) if p.isdigit() else 0):
        entry = {"proposal_id": _int(pid)}
        entry.update(lt.gather_leaves(tree, path + ("proposal", pid), proposal_table, syntax))
        proposals.append(entry)
    group = {"name": path[-1]}
    group.update(lt.gather_leaves(tree, path, group_table, syntax))
    if ike:
        dpd = lt.gather_leaves(tree, path + lt.IKE_DPD_WORDS, lt.IKE_DPD, syntax)
        group["dead_peer_detection"] = dpd if any(value is not None for value in dpd.values()) else None
    group["proposal"] = proposals
    return group


def bound_tunnels(tree, profile):
    """The tunnels the IPsec ``profile`` is bound to."""
    return tree.children(("vpn", "ipsec", "profile", profile, "bind", "tunnel"))


def gather_ipsec(tree, version):
    """The IPsec resource: interfaces, groups and profiles (vyos_vpn_ipsec naming)."""
    syntax = syntax_for(version)
    ike_groups = [_gather_group(tree, syntax.ike_group_path(n), True, syntax)
                  for n in tree.children(("vpn", "ipsec", "ike-group"))]
    esp_groups = [_gather_group(tree, syntax.esp_group_path(n), False, syntax)
                  for n in tree.children(("vpn", "ipsec", "esp-group"))]
    profiles = []
    for name in tree.children(("vpn", "ipsec", "profile")):
        base = syntax.profile_path(name)
        profiles.append({
            "name": name,
            "authentication": {"mode": first_value(tree, base + ("authentication", "mode")),
                               "pre_shared_secret": first_value(tree, base + ("authentication", "pre-shared-secret"))},
            "bind_tunnel": bound_tunnels(tree, name),
            "esp_group": first_value(tree, base + ("esp-group",)),
            "ike_group": first_value(tree, base + ("ike-group",)),
        })
    return {"interface": tree.values(syntax.ipsec_interface_path), "ike_group": ike_groups,
            "esp_group": esp_groups, "profile": profiles}


def gather_endpoint(tree, version, name):
    """The DMVPN endpoint of tunnel ``name`` found in ``tree`` (None when there is none)."""
    syntax = syntax_for(version)
    tunnel = gather_tunnel(tree, version, name)
    if tunnel is None:
        return None
    nhrp = gather_nhrp(tree, version, name)
    if nhrp is not None:
        del nhrp["tunnel"]
    ipsec = None
    for profile in tree.children(("vpn", "ipsec", "profile")):
        if name in bound_tunnels(tree, profile):
            base = syntax.profile_path(profile)
            ike = first_value(tree, base + ("ike-group",))
            esp = first_value(tree, base + ("esp-group",))
            ifaces = tree.values(syntax.ipsec_interface_path)
            ipsec = {
                "interface": ifaces[0] if ifaces else None,
                "ike_group": _gather_group(tree, syntax.ike_group_path(ike), True, syntax) if ike else None,
                "esp_group": _gather_group(tree, syntax.esp_group_path(esp), False, syntax) if esp else None,
                "profile": {"name": profile,
                            "pre_shared_secret": first_value(tree, base + ("authentication", "pre-shared-secret"))},
            }
            break
    networks = tunnel_networks(tree, syntax, name)
    routes = []
    for prefix, hop in routes_of_tunnel(tree, syntax, name, networks):
        route = {"prefix": prefix, "next_hop": hop}
        route.update(lt.gather_leaves(tree, syntax.route_path(prefix, hop), lt.ROUTE, syntax))
        routes.append(route)
    return {"tunnel": tunnel, "nhrp": nhrp, "ipsec": ipsec, "static_routes": routes,
            "bgp": gather_bgp(tree, version, networks)}


def _network(value):
    try:
        return ipaddress.IPv4Network(value, strict=False)
    except ValueError:
        return None


def tunnel_networks(tree, syntax, name):
    """The DMVPN subnet(s) of tunnel ``name`` as the router shows them: the tunnel's own
    addresses when they are subnets (1.2-1.4). Where the tunnel address is a /32 (1.5, FRR's
    nhrpd) the subnet is the prefix of a route via the tunnel (``interface <name>``: a spoke's
    route to the subnet via its NHS) or of a BGP listen range (a hub) that holds that address."""
    base = syntax.tunnel_path(name)
    own, networks = [], []
    for address in tree.values(base + ("address",)):
        try:
            interface = ipaddress.IPv4Interface(address)
        except ValueError:
            continue
        own.append(interface.ip)
        if interface.network.prefixlen <= 30 and interface.network not in networks:
            networks.append(interface.network)
    candidates = [prefix for prefix, hop in _routes_naming(tree, name)]
    for asn, bgp_base in syntax.bgp_instances(tree):
        candidates += tree.children(bgp_base + ("listen", "range"))
    for prefix in candidates:
        network = _network(prefix)
        if network is not None and 0 < network.prefixlen <= 30 and network not in networks \
                and any(address in network for address in own):
            networks.append(network)
    return networks


def _routes_naming(tree, name):
    """(prefix, next hop) of the static routes whose next hop names interface ``name``."""
    base = ("protocols", "static", "route")
    return [(prefix, hop) for prefix in tree.children(base) for hop in tree.children(base + (prefix, "next-hop"))
            if name in tree.values(base + (prefix, "next-hop", hop, "interface"))]


def routes_of_tunnel(tree, syntax, name, networks):
    """(prefix, next hop) of the static routes via tunnel ``name``: a next hop inside one of
    ``networks`` or naming the tunnel as its interface (1.5)."""
    base = ("protocols", "static", "route")
    naming = set(_routes_naming(tree, name))
    found = []
    for prefix in tree.children(base):
        for hop in tree.children(base + (prefix, "next-hop")):
            try:
                inside = any(ipaddress.IPv4Address(hop) in net for net in networks)
            except ValueError:
                inside = False
            if inside or (prefix, hop) in naming:
                found.append((prefix, hop))
    return found


def gather_bgp(tree, version, networks):
    """The DMVPN's BGP found in ``tree``: the instance, and its peers inside the tunnel
    subnet(s) ``networks`` (neighbors, listen ranges and their peer group); None without them."""
    syntax = syntax_for(version)
    inside = list(networks)
    for asn, base in syntax.bgp_instances(tree):
        ranges = [p for p in tree.children(base + ("listen", "range"))
                  if any(ipaddress.IPv4Network(p).subnet_of(net) for net in inside)]
        neighbors = [a for a in tree.children(base + ("neighbor",))
                     if any(ipaddress.IPv4Address(a) in net for net in inside)]
        if not ranges and not neighbors:
            continue
        groups = [first_value(tree, base + ("listen", "range", p, "peer-group")) for p in ranges]
        groups += [first_value(tree, base + ("neighbor", a, "peer-group")) for a in neighbors]
        group = next((g for g in groups if g), None)
        peer_group = None
        if group is not None:
            gbase = base + ("peer-group", group)
            peer_group = {"name": group}
            peer_group.update(lt.gather_leaves(tree, gbase, lt.PEER_GROUP_REMOTE, syntax))
            peer_group.update(lt.gather_leaves(tree, gbase, lt.PEER_GROUP_FLAGS, syntax))
        timers = [base + ("neighbor", a, "timers") for a in neighbors]
        # beside a peer group, a neighbor outside it is another hub (endpoints.py)
        hubs = [a for a in neighbors if peer_group is not None and tree.exists(base + ("neighbor", a, "remote-as"))
                and not tree.exists(base + ("neighbor", a, "peer-group"))]

        def peers(addresses):
            return [{"address": a, "remote_as": first_value(tree, base + ("neighbor", a, "remote-as"))} for a in addresses]
        return {"asn": _int(asn), "router_id": first_value(tree, base + BGP_ROUTER_ID), "peer_group": peer_group,
                "listen_ranges": ranges,
                "neighbors": peers(a for a in neighbors if a not in hubs), "hub_neighbors": peers(hubs),
                "networks": tree.children(base + BGP_NETWORKS),
                "keepalive": _int(next((first_value(tree, t + ("keepalive",)) for t in timers), None)),
                "holdtime": _int(next((first_value(tree, t + ("holdtime",)) for t in timers), None))}
    return None
