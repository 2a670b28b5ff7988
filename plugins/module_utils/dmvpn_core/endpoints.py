# -*- coding: utf-8 -*-
# Copyright: dmvpn.vyos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Endpoints: from the routers of a checked inventory to each router's DMVPN endpoint (the
``config`` of the dmvpn module): tunnel, NHRP with the hubs as next hop servers, IPsec,
the static routes towards the other routers' LANs, and BGP.

Pure Python, no Ansible imports. The routers come from ``inventory_checks.read_router``
and are only fit to build from once ``design.check`` found no problem.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import spec_inventory as si
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.model_firewall import peer_addresses
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.inventory_checks import (
    ipv4_address,
    ipv4_network,
)

DEFAULT_IKE_GROUP = si.DEFAULT_IKE_GROUP
DEFAULT_ESP_GROUP = si.DEFAULT_ESP_GROUP


class Roles:
    """The routers split by role, computed once per design."""

    def __init__(self, routers):
        self.all = routers
        self.hubs = [r for r in routers if r.role == "hub"]
        self.spokes = [r for r in routers if r.role == "spoke"]
        self.nhs = [{"tunnel_ip": str(h.tunnel_ip), "nbma": str(h.nbma)} for h in self.hubs]


def other_hubs(router, roles):
    """The hubs other than ``router`` (a hub), in inventory order."""
    return [hub for hub in roles.hubs if hub is not router]


def static_routes(router, roles):
    """The static routes of ``router``: towards the other routers' LANs (none with BGP), the
    summary prefixes via the hubs (``via_hub``) and a hub's default route. A hub routes the
    spokes' LANs and every other hub's LANs, each via that router's tunnel address."""
    hubs = roles.hubs
    routes = []
    if router.role == "hub":
        if router.routing != "bgp":  # with BGP the spokes and the other hubs announce their LANs
            for other in roles.spokes + other_hubs(router, roles):
                routes += [{"prefix": str(net), "next_hop": str(other.tunnel_ip)} for net in other.lans]
        gateway = router.vars.get("dmvpn_upstream_gateway")
        if gateway:
            routes.append({"prefix": "0.0.0.0/0", "next_hop": str(ipv4_address(gateway))})
        return routes
    if router.routing == "bgp":
        return routes
    for hub in hubs:
        routes += [{"prefix": str(net), "next_hop": str(hub.tunnel_ip)} for net in hub.lans]
    if router.routing == "via_hub":
        for prefix in router.vars.get("dmvpn_summary_prefixes") or []:
            for hub in hubs:
                routes.append({"prefix": str(ipv4_network(prefix)), "next_hop": str(hub.tunnel_ip)})
        return routes
    for other in roles.spokes:
        if other is not router:
            routes += [{"prefix": str(net), "next_hop": str(other.tunnel_ip)} for net in other.lans]
    return routes


def _ipsec(router):
    hv = router.vars
    if not si.value(hv, "dmvpn_ipsec_enabled"):
        return None
    return {
        "interface": si.value(hv, "dmvpn_wan_interface"),
        "ike_group": hv.get("dmvpn_ike_group") or DEFAULT_IKE_GROUP,
        "esp_group": hv.get("dmvpn_esp_group") or DEFAULT_ESP_GROUP,
        "profile": {"name": si.value(hv, "dmvpn_ipsec_profile"),
                    "pre_shared_secret": str(hv.get("dmvpn_ipsec_psk"))},
    }


def announced(router):
    """What ``router`` announces in BGP: its LANs, then dmvpn_bgp_networks (each once)."""
    networks = [str(net) for net in router.lans]
    for prefix in router.vars.get("dmvpn_bgp_networks") or []:
        if str(ipv4_network(prefix)) not in networks:
            networks.append(str(ipv4_network(prefix)))
    return networks


def _bgp(router, roles):
    """The BGP section of a router's endpoint (None unless dmvpn_routing is bgp).

    Hubs take the spokes into one peer group: dynamic neighbors through a listen range over
    the tunnel subnet (on VyOS 1.2, which has none, the model lists them as neighbors). With the
    spokes in the hubs' AS (iBGP) the hubs reflect routes; with each spoke in an AS of its own
    (eBGP) the hubs leave the next hop unchanged. Either way a spoke learns another spoke's
    LAN with that spoke's tunnel address as next hop, so NHRP can build the direct shortcut.
    Spokes peer with every hub's tunnel address and set the timers (a session uses the lower
    holdtime of its two ends)."""
    if router.routing != "bgp":
        return None
    hv = router.vars
    asn = hv.get("dmvpn_bgp_asn")
    result = {"asn": asn, "peer_group": None, "listen_ranges": [], "neighbors": [], "networks": announced(router)}
    if router.role == "hub":
        internal = all(spoke.vars.get("dmvpn_bgp_asn") == asn for spoke in roles.spokes)
        result["peer_group"] = {"name": si.value(hv, "dmvpn_bgp_peer_group"),
                                "remote_as": str(asn) if internal else "external",
                                "route_reflector_client": internal, "next_hop_unchanged": not internal}
        # The spokes come through a listen range; they are also named, for the VyOS versions
        # without listen ranges (1.2), where the model lists them as the group's neighbors.
        result["listen_ranges"] = [str(router.subnet)]
        result["dynamic_neighbors"] = [{"address": str(spoke.tunnel_ip), "remote_as": str(spoke.vars.get("dmvpn_bgp_asn"))}
                                       for spoke in roles.spokes]
        # The other hubs (one AS for all hubs: iBGP), as explicit neighbors outside the group:
        # the listen range on both hubs would only wait for the other to connect.
        result["hub_neighbors"] = [{"address": str(hub.tunnel_ip), "remote_as": str(hub.vars.get("dmvpn_bgp_asn"))}
                                   for hub in other_hubs(router, roles)]
    else:
        timers = hv.get("dmvpn_bgp_timers") or {}
        result.update(keepalive=timers.get("keepalive"), holdtime=timers.get("holdtime"),
                      neighbors=[{"address": str(hub.tunnel_ip), "remote_as": str(hub.vars.get("dmvpn_bgp_asn"))}
                                 for hub in roles.hubs])
    return result


def _firewall(router, roles):
    """The WAN rules (dmvpn_manage_firewall): from every other router of the DMVPN, whose GRE,
    IPsec and shortcuts reach this one; from anywhere once one of them has a DHCP WAN."""
    hv = router.vars
    if not si.value(hv, "dmvpn_manage_firewall"):
        return None
    others = [other.nbma for other in list(roles.hubs) + list(roles.spokes) if other.name != router.name]
    return {"interface": si.value(hv, "dmvpn_wan_interface"), "peers": peer_addresses(others),
            "rule_set": si.value(hv, "dmvpn_firewall_rule_set"),
            "drop_other": si.value(hv, "dmvpn_firewall_wan_drop_other"),
            "ssh_port": si.value(hv, "dmvpn_firewall_ssh_port")}


def build_endpoint(router, roles, with_routes=True):
    """The endpoint (the dmvpn module's ``config``) of ``router`` among ``roles``."""
    hv = router.vars
    nhrp = {"role": router.role, "authentication": str(hv.get("dmvpn_nhrp_secret")),
            "holding_time": hv.get("dmvpn_nhrp_holding_time"),
            "redirect": si.value(hv, "dmvpn_nhrp_redirect"),
            "shortcut": hv.get("dmvpn_nhrp_shortcut", router.role == "spoke")}
    if hv.get("dmvpn_nhrp_network_id") is not None:  # the model keeps it where VyOS has one
        nhrp["network_id"] = hv.get("dmvpn_nhrp_network_id")
    if router.role == "spoke":
        nhrp["nhs"] = [dict(entry) for entry in roles.nhs]
    else:  # hubs do not register with each other: each maps the others' addresses
        nhrp["maps"] = [{"tunnel_ip": str(hub.tunnel_ip), "nbma": str(hub.nbma)} for hub in other_hubs(router, roles)]
    extra = {"extra": hv["dmvpn_extra_config"]} if hv.get("dmvpn_extra_config") is not None else {}
    return dict({
        "tunnel": {
            "name": si.value(hv, "dmvpn_tunnel_name"),
            "address": "%s/%d" % (router.tunnel_ip, router.subnet.prefixlen),
            "source_address": str(router.nbma) if router.nbma is not None else "0.0.0.0",
            "source_interface": si.value(hv, "dmvpn_wan_interface") if router.nbma is None else None,
            "key": hv.get("dmvpn_gre_key"),
            "description": hv.get("dmvpn_tunnel_description"),
            "mtu": hv.get("dmvpn_tunnel_mtu"),
            "adjust_mss": hv.get("dmvpn_tunnel_adjust_mss"),
            "multicast": si.value(hv, "dmvpn_tunnel_multicast"),
        },
        "nhrp": nhrp,
        "ipsec": _ipsec(router),
        "static_routes": static_routes(router, roles) if with_routes else [],
        "bgp": _bgp(router, roles),
        "firewall": _firewall(router, roles),
    }, **extra)
