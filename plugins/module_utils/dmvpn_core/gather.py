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

from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.versions import (
    BGP_NETWORKS,
    BGP_NEXT_HOP_UNCHANGED,
    BGP_ROUTER_ID,
    BGP_RR_CLIENT,
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
    return {
        "name": name,
        "address": addresses[0] if addresses else None,
        "source_address": first_value(tree, base + (syntax.tunnel_local_leaf,)) or any_source,
        "source_interface": source_interface,
        "key": _int(first_value(tree, base + ("parameters", "ip", "key"))),
        "description": first_value(tree, base + ("description",)),
        "mtu": _int(first_value(tree, base + ("mtu",))),
        "multicast": multicast,
    }


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
    nhs = []
    if syntax.is_frr_nhrp:
        for tunnel_ip in tree.children(base + ("nhs", "tunnel-ip")):
            for nbma in tree.values(base + ("nhs", "tunnel-ip", tunnel_ip, "nbma")):
                nhs.append({"tunnel_ip": tunnel_ip, "nbma": nbma})
    else:
        for prefix in tree.children(base + ("map",)):
            if tree.exists(base + ("map", prefix, "register")):
                nhs.append({"tunnel_ip": prefix.split("/")[0],
                            "nbma": first_value(tree, base + ("map", prefix, "nbma-address"))})
    network_id = None
    if syntax.has_network_id:
        network_id = _int(first_value(tree, base + (syntax.nhrp_network_id_leaf,)))
    return {
        "tunnel": name,
        "role": "spoke" if nhs else "hub",
        "authentication": first_value(tree, base + (syntax.nhrp_auth_leaf,)),
        "holding_time": _int(first_value(tree, base + (syntax.nhrp_holdtime_leaf,))),
        "network_id": network_id,
        "redirect": tree.exists(base + ("redirect",)),
        "shortcut": tree.exists(base + ("shortcut",)),
        "nhs": nhs,
    }


def _gather_group(tree, path, ike):
    if not tree.exists(path):
        return None
    proposals = []
    for pid in sorted(tree.children(path + ("proposal",)), key=lambda p: int(p) if p.isdigit() else 0):
        entry = {"proposal_id": _int(pid),
                 "encryption": first_value(tree, path + ("proposal", pid, "encryption")),
                 "hash": first_value(tree, path + ("proposal", pid, "hash"))}
        if ike:
            entry["dh_group"] = first_value(tree, path + ("proposal", pid, "dh-group"))
        proposals.append(entry)
    group = {"name": path[-1], "lifetime": _int(first_value(tree, path + ("lifetime",))), "proposal": proposals}
    if ike:
        group["key_exchange"] = first_value(tree, path + ("key-exchange",))
    else:
        group["mode"] = first_value(tree, path + ("mode",))
        group["pfs"] = first_value(tree, path + ("pfs",))
    return group


def bound_tunnels(tree, profile):
    """The tunnels the IPsec ``profile`` is bound to."""
    return tree.children(("vpn", "ipsec", "profile", profile, "bind", "tunnel"))


def gather_ipsec(tree, version):
    """The IPsec resource: interfaces, groups and profiles (vyos_vpn_ipsec naming)."""
    syntax = syntax_for(version)
    ike_groups = [_gather_group(tree, syntax.ike_group_path(n), True)
                  for n in tree.children(("vpn", "ipsec", "ike-group"))]
    esp_groups = [_gather_group(tree, syntax.esp_group_path(n), False)
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
                "ike_group": _gather_group(tree, syntax.ike_group_path(ike), True) if ike else None,
                "esp_group": _gather_group(tree, syntax.esp_group_path(esp), False) if esp else None,
                "profile": {"name": profile,
                            "pre_shared_secret": first_value(tree, base + ("authentication", "pre-shared-secret"))},
            }
            break
    routes = []
    networks = []
    for address in tree.values(syntax.tunnel_path(name) + ("address",)):
        try:
            network = ipaddress.IPv4Interface(address).network
        except ValueError:
            continue
        networks.append(network)
    for prefix in tree.children(("protocols", "static", "route")):
        for hop in tree.children(("protocols", "static", "route", prefix, "next-hop")):
            try:
                inside = any(ipaddress.IPv4Address(hop) in net for net in networks if net.prefixlen < 32)
            except ValueError:
                inside = False
            if inside:
                routes.append({"prefix": prefix, "next_hop": hop, "distance": _int(first_value(
                    tree, ("protocols", "static", "route", prefix, "next-hop", hop, "distance")))})
    return {"tunnel": tunnel, "nhrp": nhrp, "ipsec": ipsec, "static_routes": routes,
            "bgp": gather_bgp(tree, version, networks)}


def gather_bgp(tree, version, networks):
    """The DMVPN's BGP found in ``tree``: the instance, and its peers inside the tunnel
    subnet(s) ``networks`` (neighbors, listen ranges and their peer group); None without them."""
    syntax = syntax_for(version)
    inside = [net for net in networks if net.prefixlen < 32]
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
            peer_group = {"name": group, "remote_as": first_value(tree, gbase + ("remote-as",)),
                          "route_reflector_client": tree.exists(gbase + BGP_RR_CLIENT),
                          "next_hop_unchanged": tree.exists(gbase + BGP_NEXT_HOP_UNCHANGED)}
        timers = [base + ("neighbor", a, "timers") for a in neighbors]
        return {"asn": _int(asn), "router_id": first_value(tree, base + BGP_ROUTER_ID), "peer_group": peer_group,
                "listen_ranges": ranges,
                "neighbors": [{"address": a, "remote_as": first_value(tree, base + ("neighbor", a, "remote-as"))}
                              for a in neighbors],
                "networks": tree.children(base + BGP_NETWORKS),
                "keepalive": _int(next((first_value(tree, t + ("keepalive",)) for t in timers), None)),
                "holdtime": _int(next((first_value(tree, t + ("holdtime",)) for t in timers), None))}
    return None
