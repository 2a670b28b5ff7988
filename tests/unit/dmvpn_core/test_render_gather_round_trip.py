"""What the dmvpn resource renders it reads back (issue 18, Build 4).

The field-to-leaf mappings live once, in dmvpn_core/leaf_tables.py, for rendering and
gathering alike. These tests check the rest too, on endpoints that set every optional field
(static routes with distances, BGP as iBGP and eBGP, every IPsec option), for every version:

- every node the renderer writes is read by gather_endpoint (a tracing tree records each
  lookup), unless it is listed in DERIVED with the reason it carries no model field;
- every field of every table reads back as the value the validated endpoint holds.
"""

import copy
import ipaddress

import pytest
from seed_inventory import hosts

from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import design as ds
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import diff as df
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import gather as gt
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import leaf_tables as lt
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import model as md
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import render as rd
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import resources as rs
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.configtree import ConfigTree
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.version_names import SUPPORTED_VERSIONS
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.versions import syntax_for

# Rendered nodes no model field comes from, so gathering has nothing to read ("*" is any word).
DERIVED = {
    ("interfaces", "tunnel", "*", "encapsulation", "gre"): "a DMVPN tunnel is always GRE",
    ("protocols", "nhrp", "tunnel", "*", "multicast", "*"): "from the role: dynamic on a hub, the NHS on a spoke",
    ("protocols", "nhrp", "tunnel", "*", "registration-no-unique"): "1.5: every NHRP tunnel, as VyOS's migration sets it",
    ("vpn", "ipsec", "profile", "*", "authentication", "mode", "pre-shared-secret"): "the only mode modelled",
    ("vpn", "ipsec", "profile", "*", "bind", "tunnel", "*"): "the profile is found by the tunnel it binds",
    ("vpn", "ipsec", "profile", "*", "esp-group", "*"): "the group is gathered under its own name",
    ("vpn", "ipsec", "profile", "*", "ike-group", "*"): "the group is gathered under its own name",
    ("protocols", "static", "route", "*", "next-hop", "*", "interface", "*"): "1.5: the tunnel the next hop is in",
    ("protocols", "bgp", "*", "parameters", "router-id", "*"): "defaults to the tunnel address when not given",
}
BGP_DERIVED = ("address-family", "disable-connected-check", "system-as")  # family, eBGP on /32, 1.4+ AS leaf


def _matches(pattern, path):
    return len(pattern) == len(path) and all(p in ("*", w) for p, w in zip(pattern, path))


def derived(path, endpoint):
    if any(_matches(pattern, path) for pattern in DERIVED):
        return True
    if path[:3] == ("protocols", "static", "route") and path[5] in outside_routes(endpoint):
        # a route of the model whose next hop is outside the tunnel (dmvpn_upstream_gateway):
        # nothing on the router ties it to the tunnel, so gathered does not return it and
        # state deleted leaves it (the WAN's default route); the model's own runs own it
        return True
    return path[:2] == ("protocols", "bgp") and any(word in BGP_DERIVED for word in path)


def outside_routes(endpoint):
    network = md.tunnel_network(endpoint)
    return [route["next_hop"] for route in endpoint["static_routes"]
            if ipaddress.IPv4Address(route["next_hop"]) not in network]


class TracingTree(ConfigTree):
    """A ConfigTree that records every path looked up and every value list read."""

    def __init__(self, tree):
        super(TracingTree, self).__init__()
        self.merge(tree)
        self.looked_up, self.listed = set(), set()

    def exists(self, path):
        self.looked_up.add(tuple(path))
        return super(TracingTree, self).exists(path)

    def values(self, path):
        self.listed.add(tuple(path))
        return super(TracingTree, self).values(path)

    def children(self, path=()):
        self.listed.add(tuple(path))
        return super(TracingTree, self).children(path)


def unread(tree, version, endpoint):
    """The rendered leaves gather_endpoint never read (neither the node nor its parent's list)."""
    traced = TracingTree(tree)
    gt.gather_endpoint(traced, version, "tun0")
    return [path for path, dummy in tree.leaves()
            if path not in traced.looked_up and path[:-1] not in traced.listed and not derived(path, endpoint)]


def everything(inventory, name, version):
    """The designed endpoint of ``name`` with every optional field the model has set."""
    endpoint = copy.deepcopy(ds.design(inventory).endpoint(name))
    endpoint["tunnel"].update(description="DMVPN cloud", mtu=1400)
    endpoint["nhrp"].update(holding_time=600, network_id=7)
    ipsec = endpoint["ipsec"]
    ipsec["ike_group"].update(key_exchange="ikev2")
    for proposal in ipsec["ike_group"]["proposal"]:
        proposal["dh_group"] = "14"
    ipsec["esp_group"].update(mode="transport", pfs="dh-group14")
    syntax = syntax_for(version)
    ipsec["ike_group"]["dead_peer_detection"] = {"action": syntax.dpd_actions[-1], "interval": 15, "timeout": 90}
    # the switches this version's DMVPN connection uses (the others are refused: test_model_ipsec_options)
    for group, name in (("ike_group", "ikev2_reauth"), ("ike_group", "disable_mobike"), ("esp_group", "compression")):
        if name not in syntax.unused_group_options:
            ipsec[group][name] = True
    for route in endpoint["static_routes"]:
        route["distance"] = 5
    return md.validate_endpoint(endpoint, version)


def bgp_inventory(ebgp):
    inventory = hosts()
    for hv in inventory.values():
        hv.update(dmvpn_routing="bgp", dmvpn_bgp_asn=65000)
    if ebgp:
        inventory["SPOKE1"]["dmvpn_bgp_asn"], inventory["SPOKE2"]["dmvpn_bgp_asn"] = 65102, 65103
    inventory["SPOKE1"]["dmvpn_bgp_timers"] = {"keepalive": 10, "holdtime": 30}
    return inventory


CASES = {"static": hosts, "ibgp": lambda: bgp_inventory(False), "ebgp": lambda: bgp_inventory(True)}


@pytest.mark.parametrize("version", SUPPORTED_VERSIONS)
@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("name", ["HUB", "SPOKE1"])
def test_every_rendered_node_is_read_back(version, case, name):
    endpoint = everything(CASES[case](), name, version)
    tree = rd.render_endpoint(endpoint, version)
    assert len(tree) > 20
    assert unread(tree, version, endpoint) == []


@pytest.mark.parametrize("version", SUPPORTED_VERSIONS)
def test_every_table_field_reads_back_as_the_endpoint_holds_it(version):
    endpoint = everything(hosts(), "SPOKE1", version)
    gathered = gt.gather_endpoint(rd.render_endpoint(endpoint, version), version, "tun0")
    pairs = [(lt.TUNNEL, endpoint["tunnel"], gathered["tunnel"]),
             (lt.NHRP_SETTINGS + lt.NHRP_FLAGS, endpoint["nhrp"], gathered["nhrp"]),
             (lt.IKE_GROUP, endpoint["ipsec"]["ike_group"], gathered["ipsec"]["ike_group"]),
             (lt.ESP_GROUP, endpoint["ipsec"]["esp_group"], gathered["ipsec"]["esp_group"]),
             (lt.IKE_DPD, endpoint["ipsec"]["ike_group"]["dead_peer_detection"],
              gathered["ipsec"]["ike_group"]["dead_peer_detection"])]
    pairs += [(lt.IKE_PROPOSAL, want, got) for want, got in
              zip(endpoint["ipsec"]["ike_group"]["proposal"], gathered["ipsec"]["ike_group"]["proposal"])]
    pairs += [(lt.ROUTE, want, got) for want, got in zip(endpoint["static_routes"], gathered["static_routes"])]
    checked = 0
    for table, want, got in pairs:
        for leaf in table:
            expected = want[leaf.field] if leaf.words(syntax_for(version)) is not None else None
            assert got[leaf.field] == expected, (leaf.field, version)
            checked += 1
    assert checked >= 20
    # (1.5's NHRP has a network id, 1.2-1.4's opennhrp none: versions.Syntax.has_network_id)
    assert gathered["nhrp"]["network_id"] == (7 if syntax_for(version).has_network_id else None)


def test_a_rendered_node_gather_does_not_read_is_reported():
    """The check can fail: a leaf rendered outside the tables and never gathered is named."""
    endpoint = everything(hosts(), "HUB", "1.4")
    tree = rd.render_endpoint(endpoint, "1.4")
    tree.set(("interfaces", "tunnel", "tun0", "ip", "adjust-mss"), "1360")
    assert unread(tree, "1.4", endpoint) == [("interfaces", "tunnel", "tun0", "ip", "adjust-mss", "1360")]


@pytest.mark.parametrize("version", SUPPORTED_VERSIONS)
@pytest.mark.parametrize("name", ["HUB", "SPOKE1"])
def test_state_deleted_by_tunnel_name_removes_every_route_and_bgp_peer_of_the_endpoint(version, name):
    """``state: deleted`` with only the tunnel's name (what remove_spoke.yml sends) reads the
    endpoint from the router: on 1.5 too, where the tunnel address is a /32 and the routes name
    ``interface tun0`` (at b303f4c those routes and BGP peers stayed; issue 19 item 4)."""
    endpoint = everything(bgp_inventory(False), name, version)
    have = rd.render_endpoint(endpoint, version)
    outside = outside_routes(endpoint)
    objects = rs.RESOURCES["dmvpn"].objects({"name": "tun0"}, version, have, "deleted")
    after = df.apply_commands(have, df.plan_commands(have, ConfigTree(), objects, version, "deleted"), version)
    # (apply_commands keeps the emptied parents, e.g. "interfaces tunnel"; VyOS drops them)
    left = [" ".join(path) for path, is_value in after.leaves() if is_value]
    # only the route the model has outside the tunnel (the WAN's default route) remains
    assert [line for line in left if not any(hop in line for hop in outside)] == [], left
    gathered = rs.RESOURCES["dmvpn"].gather(have, version, {"name": "tun0"})
    assert sorted((r["prefix"], r["next_hop"]) for r in gathered["static_routes"]) == \
        sorted((r["prefix"], r["next_hop"]) for r in endpoint["static_routes"] if r["next_hop"] not in outside)
    assert gathered["bgp"]["asn"] == 65000


# The resource modules (tunnel, nhrp, ipsec) render and gather their own way around the same
# tables: the same check for each, every optional field set.
RESOURCE_CONFIGS = {
    "tunnel": [{"name": "tun0", "address": "10.0.0.2/24", "source_address": "198.51.100.42", "key": 1,
                "description": "DMVPN cloud", "mtu": 1400}],
    "nhrp": [{"tunnel": "tun0", "tunnel_address": "10.0.0.2/24", "role": "spoke", "authentication": "SECRET", "holding_time": 600, "network_id": 7,
              "redirect": True, "shortcut": True, "nhs": [{"tunnel_ip": "10.0.0.1", "nbma": "198.51.100.41"}]}],
    "ipsec": {
        "interface": ["eth0"],
        "ike_group": [{"name": "IKE-DMVPN", "lifetime": 3600, "key_exchange": "ikev2",
                       "dead_peer_detection": {"action": "clear", "interval": 15, "timeout": 90},
                       "proposal": [{"proposal_id": 1, "encryption": "aes256", "hash": "sha256", "dh_group": "14"}]}],
        "esp_group": [{"name": "ESP-DMVPN", "lifetime": 1800, "pfs": "dh-group14", "mode": "transport",
                       "proposal": [{"proposal_id": 1, "encryption": "aes256", "hash": "sha256"}]}],
        "profile": [{"name": "NHRPVPN", "authentication": {"pre_shared_secret": "SECRET"},
                     "bind_tunnel": ["tun0"], "esp_group": "ESP-DMVPN", "ike_group": "IKE-DMVPN"}]},
}
# Rendered nodes the resource's gather has nothing to read for (see DERIVED above).
RESOURCE_DERIVED = {
    ("interfaces", "tunnel", "*", "encapsulation", "gre"): "a DMVPN tunnel is always GRE",
    ("protocols", "nhrp", "tunnel", "*", "multicast", "*"): "from the role",
    ("protocols", "nhrp", "tunnel", "*", "registration-no-unique"): "1.5: every NHRP tunnel",
}


@pytest.mark.parametrize("version", SUPPORTED_VERSIONS)
@pytest.mark.parametrize("resource", sorted(RESOURCE_CONFIGS))
def test_every_node_a_resource_module_renders_is_read_back(version, resource):
    module = rs.RESOURCES[resource]
    config = module.validate(copy.deepcopy(RESOURCE_CONFIGS[resource]), version)
    tree = module.render(config, version)
    traced = TracingTree(tree)
    module.gather(traced, version)
    missed = [path for path, dummy in tree.leaves()
              if path not in traced.looked_up and path[:-1] not in traced.listed
              and not any(_matches(pattern, path) for pattern in RESOURCE_DERIVED)]
    assert missed == []
