# -*- coding: utf-8 -*-
# Copyright: dmvpn.vyos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Endpoint model → VyOS configuration tree, and the scope the module owns on a router.

Pure Python, no Ansible imports. Every word that differs between VyOS versions comes from
:mod:`versions`; this module only decides the structure.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress

from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import leaf_tables as lt
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.configtree import ConfigTree
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.extra_config import render_extra
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.gather import is_multipoint_gre
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.model import (
    any_source_interface,
    tunnel_network,
    validated,
)
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.model_bgp import is_ebgp
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.render_firewall import (
    KIND_FW_ATTACH,
    KIND_FW_GROUP,
    KIND_FW_RULES,
    firewall_objects,
    render_firewall,
)
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.versions import (
    BGP_AF,
    BGP_NETWORKS,
    BGP_ROUTER_ID,
    syntax_for,
)

# Kinds of owned objects, in the order ``set`` lines create them (referenced things first).
KIND_TUNNEL = "tunnel"
KIND_IPSEC_INTERFACE = "ipsec_interface"
KIND_IKE_GROUP = "ike_group"
KIND_ESP_GROUP = "esp_group"
KIND_PROFILE = "profile"
KIND_NHRP = "nhrp"
KIND_ROUTE = "route"
KIND_BGP = "bgp"
KINDS = (KIND_TUNNEL, KIND_IPSEC_INTERFACE, KIND_IKE_GROUP, KIND_ESP_GROUP, KIND_PROFILE,
         KIND_NHRP, KIND_ROUTE, KIND_BGP, KIND_FW_GROUP, KIND_FW_RULES, KIND_FW_ATTACH)


class OwnedObject:
    """A subtree the module manages: its kind and its path."""

    __slots__ = ("kind", "path")

    def __init__(self, kind, path):
        self.kind = kind
        self.path = tuple(path)

    def __eq__(self, other):
        return isinstance(other, OwnedObject) and (self.kind, self.path) == (other.kind, other.path)

    def __hash__(self):
        return hash((self.kind, self.path))

    def __repr__(self):
        return "OwnedObject(%r, %r)" % (self.kind, self.path)


def _render_tunnel(tree, endpoint, syntax):
    tunnel = endpoint["tunnel"]
    base = syntax.tunnel_path(tunnel["name"])
    iface = ipaddress.IPv4Interface(tunnel["address"])
    tree.set(base + ("address",), syntax.tunnel_address(iface.ip, iface.network.prefixlen))
    tree.set(base + ("encapsulation",), "gre")
    wan = any_source_interface(endpoint) if tunnel["source_address"] == "0.0.0.0" else None
    if wan and syntax.binds_source_interface(wan):
        tree.set(base + (syntax.any_source_tunnel_leaf,), wan)
    else:
        tree.set(base + (syntax.tunnel_local_leaf,), tunnel["source_address"])
    if tunnel["multicast"]:
        tree.set(base + syntax.multicast_words, syntax.multicast_value)
    lt.render_leaves(tree, base, lt.TUNNEL, tunnel, syntax)


def _render_nhrp(tree, endpoint, syntax):
    nhrp = endpoint["nhrp"]
    base = syntax.nhrp_path(endpoint["tunnel"]["name"])
    hub = nhrp["role"] == "hub"
    lt.render_leaves(tree, base, lt.NHRP_SETTINGS, nhrp, syntax)
    if syntax.is_frr_nhrp:
        for entry in nhrp["nhs"]:
            tree.set(base + ("nhs", "tunnel-ip", entry["tunnel_ip"], "nbma"), entry["nbma"])
        if hub:
            tree.set(base + ("multicast",), "dynamic")
        else:
            for entry in nhrp["nhs"]:
                tree.set(base + ("multicast",), entry["nbma"])
    else:
        prefixlen = tunnel_network(endpoint).prefixlen
        for entry in nhrp["nhs"]:
            tag = base + ("map", syntax.nhrp_map_prefix(entry["tunnel_ip"], prefixlen))
            tree.set(tag + ("nbma-address",), entry["nbma"])
            tree.set(tag + ("register",))
        tree.set(base + ("multicast",), "dynamic" if hub else "nhs")
    _render_nhrp_maps(tree, base, nhrp.get("maps") or [], syntax)
    lt.render_leaves(tree, base, lt.NHRP_FLAGS, nhrp, syntax)
    if syntax.nhrp_registration_no_unique:
        tree.set(base + ("registration-no-unique",))


def _render_nhrp_maps(tree, base, maps, syntax):
    """Static NHRP mappings without registration: how a hub reaches every other hub's tunnel
    address. FRR nhrpd (1.5): ``map tunnel-ip X nbma Y``, rendered as ``ip nhrp map X Y``
    (aapostoliuk/vyos-1x 74ba38b interface-definitions/protocols_nhrp.xml.in,
    data/templates/frr/nhrpd.frr.j2). opennhrp (1.2-1.4): ``map X/32 nbma-address Y`` with no
    ``register`` (vyos-nhrp crux templates-cfg .../map, scripts/vyos-update-nhrp.pl; vyos-1x
    sagitta c3f688653 data/templates/nhrp/opennhrp.conf.j2), /32 so that it names that one
    peer and no subnet. A map makes VyOS type the tunnel "spoke" for its opennhrp script,
    which then starts IPsec towards a mapped peer coming up (opennhrp-script.py peer_up)."""
    for entry in maps:
        if syntax.is_frr_nhrp:
            tree.set(base + ("map", "tunnel-ip", entry["tunnel_ip"], "nbma"), entry["nbma"])
        else:
            tree.set(base + ("map", syntax.nhrp_map_prefix(entry["tunnel_ip"], 32), "nbma-address"), entry["nbma"])


def render_group(tree, base, group, proposal_table, group_table, syntax):
    for proposal in group["proposal"]:
        tag = base + ("proposal", str(proposal["proposal_id"]))
        lt.render_leaves(tree, tag, proposal_table, proposal, syntax)
    lt.render_leaves(tree, base, group_table, group, syntax)
    if group.get("dead_peer_detection"):
        lt.render_leaves(tree, base + lt.IKE_DPD_WORDS, lt.IKE_DPD, group["dead_peer_detection"], syntax)


def _render_ipsec(tree, endpoint, syntax):
    ipsec = endpoint["ipsec"]
    tree.set(syntax.ipsec_interface_path, ipsec["interface"])
    ike, esp, profile = ipsec["ike_group"], ipsec["esp_group"], ipsec["profile"]
    render_group(tree, syntax.ike_group_path(ike["name"]), ike, lt.IKE_PROPOSAL, lt.IKE_GROUP, syntax)
    render_group(tree, syntax.esp_group_path(esp["name"]), esp, lt.ESP_PROPOSAL, lt.ESP_GROUP, syntax)
    base = syntax.profile_path(profile["name"])
    tree.set(base + ("authentication", "mode"), "pre-shared-secret")
    tree.set(base + ("authentication", "pre-shared-secret"), profile["pre_shared_secret"])
    tree.set(base + ("bind", "tunnel"), endpoint["tunnel"]["name"])
    tree.set(base + ("esp-group",), esp["name"])
    tree.set(base + ("ike-group",), ike["name"])


def _render_routes(tree, endpoint, syntax):
    tunnel = endpoint.get("tunnel")
    network = tunnel_network(endpoint) if tunnel else None
    for route in endpoint["static_routes"]:
        path = syntax.route_path(route["prefix"], route["next_hop"])
        tree.set(path)
        lt.render_leaves(tree, path, lt.ROUTE, route, syntax)
        if (syntax.tunnel_routes_name_interface and network is not None
                and ipaddress.IPv4Address(route["next_hop"]) in network):
            tree.set(path + ("interface",), tunnel["name"])


def _render_bgp(tree, endpoint, syntax):
    """BGP over the tunnel. A peer group (hubs) holds the dynamic neighbors of the listen
    ranges and any explicit neighbors, and carries remote-as, the IPv4 unicast family and
    route reflection or next-hop-unchanged; neighbors outside a group (spokes) carry those
    and the timers themselves. Where tunnels are /32 (VyOS 1.5), eBGP peers are never
    directly connected: ``disable-connected-check``."""
    bgp = endpoint["bgp"]
    asn = bgp["asn"]
    base = syntax.bgp_base(asn)
    if syntax.bgp_asn_leaf is not None:
        tree.set(syntax.bgp_asn_path(asn), str(asn))
    tunnel = ipaddress.IPv4Interface(endpoint["tunnel"]["address"])
    tree.set(base + BGP_ROUTER_ID, bgp["router_id"] or str(tunnel.ip))
    group = bgp["peer_group"]
    if group is not None:
        group_base = base + ("peer-group", group["name"])
        lt.render_leaves(tree, group_base, lt.PEER_GROUP_REMOTE, group, syntax)
        tree.set(group_base + BGP_AF)
        lt.render_leaves(tree, group_base, lt.PEER_GROUP_FLAGS, group, syntax)
        if syntax.tunnel_address_host and is_ebgp(group["remote_as"], asn):
            tree.set(group_base + ("disable-connected-check",))
        for prefix in bgp["listen_ranges"]:
            tree.set(base + ("listen", "range", prefix, "peer-group"), group["name"])
    for neighbor in bgp["neighbors"]:
        path = base + ("neighbor", neighbor["address"])
        if group is not None:
            if neighbor["remote_as"] is not None:
                tree.set(path + ("remote-as",), neighbor["remote_as"])
            tree.set(path + ("peer-group",), group["name"])
            continue
        _render_own_neighbor(tree, path, neighbor, asn, syntax)
        if bgp["keepalive"] is not None:
            tree.set(path + ("timers", "keepalive"), str(bgp["keepalive"]))
            tree.set(path + ("timers", "holdtime"), str(bgp["holdtime"]))
    # The other hubs: outside the spokes' peer group, whatever its remote-as. An explicit
    # neighbor inside a listen range is that neighbor, not a dynamic one (FRR bgpd/bgp_network.c
    # bgp_accept(): peer_lookup() before peer_lookup_dynamic_neighbor()), and VyOS's verify()
    # has no rule against it (vyos-1x sagitta c3f688653 src/conf_mode/protocols_bgp.py).
    for neighbor in bgp.get("hub_neighbors") or []:
        _render_own_neighbor(tree, base + ("neighbor", neighbor["address"]), neighbor, asn, syntax)
    # (On /32 tunnels (1.5) other spokes' tunnel addresses, the BGP next hops, resolve through
    # each spoke's static route to the tunnel subnet via its NHS (model.py); a hub announcing
    # the subnet in BGP would hide that route behind one nhrpd cannot use for shortcuts.)
    for prefix in bgp["networks"]:
        tree.set(base + BGP_NETWORKS + (prefix,))


def _render_own_neighbor(tree, path, neighbor, asn, syntax):
    """A neighbor outside a peer group: its remote-as and the IPv4 family (and, on /32 tunnels,
    eBGP's ``disable-connected-check``)."""
    if neighbor["remote_as"] is not None:
        tree.set(path + ("remote-as",), neighbor["remote_as"])
    tree.set(path + BGP_AF)
    if syntax.tunnel_address_host and is_ebgp(neighbor["remote_as"], asn):
        tree.set(path + ("disable-connected-check",))


def render_endpoint(endpoint, version):
    """The configuration tree of one DMVPN endpoint for a VyOS version.

    An endpoint that is not yet an Endpoint of this version (model.validated) is validated
    first (ModelError on any problem), so nothing unchecked reaches a command line.
    """
    syntax = syntax_for(version)
    endpoint = validated(endpoint, version)
    tree = ConfigTree()
    _render_tunnel(tree, endpoint, syntax)
    _render_nhrp(tree, endpoint, syntax)
    if endpoint["ipsec"] is not None:
        _render_ipsec(tree, endpoint, syntax)
    _render_routes(tree, endpoint, syntax)
    if endpoint["bgp"] is not None:
        _render_bgp(tree, endpoint, syntax)
    render_firewall(tree, endpoint, version)
    render_extra(tree, endpoint, syntax)  # declared lines the model does not cover (extra_config.py)
    return tree


def _tunnel_networks(endpoint, have_tree, syntax):
    """The DMVPN subnet of the model and of the tunnel's current address(es) on the router
    (so routes via the old subnet stay ours when the subnet changes). Host addresses (/31,
    /32, as with FRR NHRP) tell nothing about the subnet and are skipped."""
    networks = [tunnel_network(endpoint)]
    for value in have_tree.children(syntax.tunnel_path(endpoint["tunnel"]["name"]) + ("address",)):
        try:
            network = ipaddress.IPv4Interface(value).network
        except ValueError:
            continue
        if network.prefixlen <= 30 and network not in networks:
            networks.append(network)
    return networks


def _routes_via(have_tree, networks):
    """``(prefix, next_hop)`` of every static route in ``have_tree`` via one of ``networks``."""
    found = []
    base = ("protocols", "static", "route")
    for prefix in have_tree.children(base):
        for next_hop in have_tree.children(base + (prefix, "next-hop")):
            try:
                address = ipaddress.IPv4Address(next_hop)
            except ValueError:
                continue
            if any(address in network for network in networks):
                found.append((prefix, next_hop))
    return found


def _renamed_objects(have_tree, syntax, name, ipsec, profiles):
    """What the endpoint's previous names left on the router, reachable from its profiles:
    the IKE/ESP groups they name that the endpoint no longer uses (a renamed group), and the
    other multipoint GRE tunnels with NHRP they bind (a renamed tunnel) with their NHRP. The
    diff deletes them unless something else still uses them (diff.py)."""
    found = []
    for profile in profiles:
        base = syntax.profile_path(profile)
        for kind, words, path_of, wanted in ((KIND_IKE_GROUP, "ike-group", syntax.ike_group_path, ipsec["ike_group"]["name"]),
                                             (KIND_ESP_GROUP, "esp-group", syntax.esp_group_path, ipsec["esp_group"]["name"])):
            old = have_tree.value(base + (words,))
            if old and old != wanted:
                found.append(OwnedObject(kind, path_of(old)))
        for tunnel in have_tree.children(base + ("bind", "tunnel")):
            if (tunnel != name and is_multipoint_gre(have_tree, syntax.version, tunnel)
                    and have_tree.exists(syntax.nhrp_path(tunnel))):
                found += [OwnedObject(KIND_NHRP, syntax.nhrp_path(tunnel)),
                          OwnedObject(KIND_TUNNEL, syntax.tunnel_path(tunnel))]
    return found


def _stale_profiles(have_tree, tunnel_name, keep):
    """Profiles in ``have_tree`` (other than ``keep``) that bind only this tunnel."""
    found = []
    base = ("vpn", "ipsec", "profile")
    for name in have_tree.children(base):
        if name == keep:
            continue
        bound = have_tree.children(base + (name, "bind", "tunnel"))
        if bound == [tunnel_name]:
            found.append(name)
    return found


def _inside(value, networks):
    try:
        network = ipaddress.IPv4Network(value)
    except ValueError:
        return False
    return any(network.subnet_of(net) for net in networks)


# What may remain of a BGP instance that only ever served the DMVPN (its AS, router id and
# advertised networks): when nothing else is left, the whole instance is ours.
_BGP_INSTANCE_LEFTOVERS = (("system-as",), BGP_ROUTER_ID, BGP_NETWORKS)


def _bgp_peers_of_tunnel(have_tree, base, networks, group_name):
    """Paths below ``base`` of the DMVPN's BGP peers on the router: neighbors and listen
    ranges inside the tunnel subnet(s), and the peer groups only they use."""
    owned, groups = [], set([group_name]) if group_name else set()
    for prefix in have_tree.children(base + ("listen", "range")):
        group = have_tree.value(base + ("listen", "range", prefix, "peer-group"))
        if _inside(prefix, networks) or (group_name and group == group_name):
            owned.append(base + ("listen", "range", prefix))
            groups.add(group)
    others = []
    for address in have_tree.children(base + ("neighbor",)):
        group = have_tree.value(base + ("neighbor", address, "peer-group"))
        if _inside(address, networks):
            owned.append(base + ("neighbor", address))
            groups.add(group)
        else:
            others.append(group)
    for group in sorted(g for g in groups if g and g not in others):
        if have_tree.exists(base + ("peer-group", group)):
            owned.append(base + ("peer-group", group))
    return owned


def _bgp_instance_is_ours(have_tree, base, owned):
    for path in have_tree.subtree(base).paths():
        below = path[len(base):]
        if any(path[:len(mine)] == mine for mine in owned):
            continue
        if not any(below[:len(keep)] == keep for keep in _BGP_INSTANCE_LEFTOVERS):
            return False
    return True


def bgp_objects(endpoint, syntax, have_tree, networks):
    """The BGP paths the endpoint owns. With ``bgp`` in the model: its AS (and, on 1.2/1.3, an
    instance of another AS, which VyOS would not run beside it), router id, peer group, listen
    ranges, neighbors and the IPv4 network statements. From the router: every neighbor and
    listen range inside the tunnel subnet, with the peer groups only they use; without
    ``bgp`` in the model, the whole instance when nothing else is left in it."""
    bgp = endpoint.get("bgp")
    instances = syntax.bgp_instances(have_tree) if have_tree is not None else []
    paths = []
    if bgp is not None:
        base = syntax.bgp_base(bgp["asn"])
        group = bgp["peer_group"]["name"] if bgp["peer_group"] else None
        if syntax.bgp_asn_leaf is not None:
            paths.append(syntax.bgp_asn_path(bgp["asn"]))
        paths += [base + BGP_ROUTER_ID, base + BGP_NETWORKS]
        paths += [base + ("peer-group", group)] if group else []
        paths += [base + ("listen", "range", prefix) for prefix in bgp["listen_ranges"]]
        paths += [base + ("neighbor", neighbor["address"]) for neighbor in bgp["neighbors"] + bgp["hub_neighbors"]]
        for dummy_asn, path in instances:
            if path != base:
                paths.append(path)  # 1.2/1.3: the instance of another AS number
            else:
                paths += _bgp_peers_of_tunnel(have_tree, base, networks, group)
    else:
        for dummy_asn, base in instances:
            owned = _bgp_peers_of_tunnel(have_tree, base, networks, None)
            paths += [base] if owned and _bgp_instance_is_ours(have_tree, base, owned) else owned
    unique = []
    for path in paths:
        if path not in unique:
            unique.append(path)
    return [OwnedObject(KIND_BGP, path) for path in unique]


def owned_objects(endpoint, version, have_tree=None):
    """The subtrees this endpoint owns on a router, as :class:`OwnedObject` s.

    From the model: the tunnel, its NHRP entry, the IPsec interface entry, the IKE and ESP
    groups, the profile and every static route (``route P next-hop NH``). From ``have_tree``
    (the router's configuration): every static route whose next hop lies inside the tunnel
    subnet (the model's, or the one of the tunnel's current address on the router), any
    other IPsec profile that binds this tunnel and nothing else, and the BGP paths of
    :func:`bgp_objects`; the WAN firewall rules 9900-9999, our rule set and address group
    (render_firewall.firewall_objects). Nothing else (other tunnels, other firewall rules,
    users, routes via other gateways, BGP peers outside the tunnel subnet) is ever owned.
    """
    syntax = syntax_for(version)
    endpoint = validated(endpoint, version)
    name = endpoint["tunnel"]["name"]
    objects = [
        OwnedObject(KIND_TUNNEL, syntax.tunnel_path(name)),
        OwnedObject(KIND_NHRP, syntax.nhrp_path(name)),
    ]
    ipsec = endpoint["ipsec"]
    profile_name = None
    if ipsec is not None:
        profile_name = ipsec["profile"]["name"]
        objects += [
            OwnedObject(KIND_IPSEC_INTERFACE, syntax.ipsec_interface_entry(ipsec["interface"])),
            OwnedObject(KIND_IKE_GROUP, syntax.ike_group_path(ipsec["ike_group"]["name"])),
            OwnedObject(KIND_ESP_GROUP, syntax.esp_group_path(ipsec["esp_group"]["name"])),
            OwnedObject(KIND_PROFILE, syntax.profile_path(profile_name)),
        ]
    routes = [(route["prefix"], route["next_hop"]) for route in endpoint["static_routes"]]
    if have_tree is not None:
        stale_profiles = _stale_profiles(have_tree, name, profile_name)
        objects += [OwnedObject(KIND_PROFILE, syntax.profile_path(stale)) for stale in stale_profiles]
        if ipsec is not None:
            objects += _renamed_objects(have_tree, syntax, name, ipsec, [profile_name] + stale_profiles)
        networks = _tunnel_networks(endpoint, have_tree, syntax)
        routes += [route for route in _routes_via(have_tree, networks) if route not in routes]
    objects += [OwnedObject(KIND_ROUTE, syntax.route_path(prefix, next_hop))
                for prefix, next_hop in routes]
    networks = _tunnel_networks(endpoint, have_tree, syntax) if have_tree is not None else []
    objects += bgp_objects(endpoint, syntax, have_tree, networks)
    # the WAN rules (render_firewall.py): ours by rule number, with or without a model firewall
    objects += [OwnedObject(kind, path) for kind, path in firewall_objects(endpoint, version, have_tree)]
    return objects


def owned_paths(endpoint, version, have_tree=None):
    """The paths of :func:`owned_objects` (tuples of words)."""
    return [obj.path for obj in owned_objects(endpoint, version, have_tree)]
