"""Hub-to-hub reachability (issue 21 item 6): in every routing mode each hub reaches every other
hub's LANs. Hubs do not register with each other, so each maps the others' tunnel addresses
to their public addresses (a static NHRP map without registration); in static modes a hub
routes the other hubs' LANs via their tunnel addresses; with BGP the hubs peer with each other
(iBGP) as explicit neighbors outside the spokes' peer group. Design, per-version rendering,
the model's checks, reading back, ownership and verify's expectations."""

import copy

import pytest
from core_converge import converge, lines
from seed_inventory import hosts

from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import design as ds
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import gather as gt
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import model as md
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import render as rd
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import status as st
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.checker import ModelError
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.configtree import ConfigTree

VERSIONS = ("1.2", "1.3", "1.4", "1.5")


def network(routing="full_mesh", version=None, hubs=2, spoke_asns=(65000, 65000)):
    """The guide's network (HUB 10.0.0.1, spokes .2/.3) plus HUB2 (10.0.0.254) and, with
    ``hubs=3``, HUB3 (10.0.0.253)."""
    inventory = hosts()
    extra = [("HUB2", "10.0.0.254", "198.51.100.45", "192.168.254.0/24"),
             ("HUB3", "10.0.0.253", "198.51.100.49", "192.168.253.0/24")][:hubs - 1]
    for name, tunnel_ip, nbma, lan in extra:
        inventory[name] = dict(copy.deepcopy(inventory["HUB"]), dmvpn_tunnel_address=tunnel_ip,
                               dmvpn_public_address=nbma, dmvpn_lan_prefixes=[lan])
        del inventory[name]["dmvpn_upstream_gateway"]
    for hv in inventory.values():
        hv["dmvpn_routing"] = routing
        if version:
            hv["dmvpn_vyos_version"] = version
        if routing == "bgp":
            hv["dmvpn_bgp_asn"] = 65000
    if routing == "bgp":
        inventory["SPOKE1"]["dmvpn_bgp_asn"], inventory["SPOKE2"]["dmvpn_bgp_asn"] = spoke_asns
    return inventory


def routes(endpoint):
    return [(r["prefix"], r["next_hop"]) for r in endpoint["static_routes"]]


# -- design -------------------------------------------------------------------------------
@pytest.mark.parametrize("routing", ["full_mesh", "via_hub"])
def test_in_static_modes_each_hub_routes_the_other_hubs_lans_via_their_tunnel_address(routing):
    plan = ds.design(network(routing, hubs=3))
    hub, hub2 = plan.endpoint("HUB"), plan.endpoint("HUB2")
    assert routes(hub) == [("192.168.2.0/24", "10.0.0.2"), ("192.168.3.0/24", "10.0.0.3"),
                           ("192.168.254.0/24", "10.0.0.254"), ("192.168.253.0/24", "10.0.0.253"),
                           ("0.0.0.0/0", "1.1.1.2")]
    assert ("192.168.1.0/24", "10.0.0.1") in routes(hub2) and ("192.168.253.0/24", "10.0.0.253") in routes(hub2)
    # each hub maps every other hub (it cannot resolve them: they do not register with it)
    assert hub["nhrp"]["maps"] == [{"tunnel_ip": "10.0.0.254", "nbma": "198.51.100.45"},
                                   {"tunnel_ip": "10.0.0.253", "nbma": "198.51.100.49"}]
    assert hub2["nhrp"]["maps"] == [{"tunnel_ip": "10.0.0.1", "nbma": "198.51.100.41"},
                                    {"tunnel_ip": "10.0.0.253", "nbma": "198.51.100.49"}]
    # the spokes keep their routes to every hub's LAN via that hub, and map nothing
    spoke = plan.endpoint("SPOKE1")
    for lan, hub_ip in (("192.168.1.0/24", "10.0.0.1"), ("192.168.254.0/24", "10.0.0.254"),
                        ("192.168.253.0/24", "10.0.0.253")):
        assert (lan, hub_ip) in routes(spoke)
    assert "maps" not in spoke["nhrp"]


def test_a_single_hub_maps_nothing_and_names_no_hub_neighbor():
    plan = ds.design(network("bgp", hubs=1))
    assert plan.endpoint("HUB")["nhrp"]["maps"] == []
    assert plan.endpoint("HUB")["bgp"]["hub_neighbors"] == []
    assert ("protocols", "nhrp", "tunnel", "tun0", "map") not in rd.render_endpoint(plan.endpoint("HUB"), "1.4").paths()


@pytest.mark.parametrize("spoke_asns", [(65000, 65000), (65001, 65002)], ids=["ibgp", "ebgp"])
def test_with_bgp_hubs_peer_with_each_other_outside_the_spokes_peer_group(spoke_asns):
    plan = ds.design(network("bgp", spoke_asns=spoke_asns))
    hub = plan.endpoint("HUB")
    assert hub["bgp"]["hub_neighbors"] == [{"address": "10.0.0.254", "remote_as": "65000"}]
    assert plan.endpoint("HUB2")["bgp"]["hub_neighbors"] == [{"address": "10.0.0.1", "remote_as": "65000"}]
    # BGP carries the other hub's LAN: no static route to it; the NHRP map stays (the session needs it)
    assert routes(hub) == [("0.0.0.0/0", "1.1.1.2")]
    assert hub["nhrp"]["maps"] == [{"tunnel_ip": "10.0.0.254", "nbma": "198.51.100.45"}]


# -- per-version rendering ----------------------------------------------------------------
# opennhrp (1.2-1.4): map <ip>/32 nbma-address without register (vyos-nhrp crux templates-cfg
# .../map; vyos-1x sagitta data/templates/nhrp/opennhrp.conf.j2 writes "map X Y" with
# " register" only when set); FRR nhrpd (1.5): map tunnel-ip X nbma Y (aapostoliuk/vyos-1x
# 74ba38b protocols_nhrp.xml.in, nhrpd.frr.j2 "ip nhrp map X Y").
MAP_LINES = {
    "1.2": ["set protocols nhrp tunnel tun0 map 10.0.0.254/32 nbma-address '198.51.100.45'"],
    "1.3": ["set protocols nhrp tunnel tun0 map 10.0.0.254/32 nbma-address '198.51.100.45'"],
    "1.4": ["set protocols nhrp tunnel tun0 map 10.0.0.254/32 nbma-address '198.51.100.45'"],
    "1.5": ["set protocols nhrp tunnel tun0 map tunnel-ip 10.0.0.254 nbma '198.51.100.45'"],
}


@pytest.mark.parametrize("version", VERSIONS)
def test_the_hub_map_and_route_lines_per_version(version):
    hub = ds.design(network(version=version)).endpoint("HUB")
    sent = lines(hub, version)
    assert [line for line in sent if " map " in line] == MAP_LINES[version]
    assert not any("register" in line for line in sent)
    route = [line for line in sent if "route 192.168.254.0/24" in line]
    # 1.5 names the tunnel on routes via a tunnel address (its /32 tunnels have no subnet)
    assert route == ["set protocols static route 192.168.254.0/24 next-hop 10.0.0.254" + (
        " interface 'tun0'" if version == "1.5" else "")]


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("spoke_asns", [(65000, 65000), (65001, 65002)], ids=["ibgp", "ebgp"])
def test_the_hub_neighbor_lines_per_version(version, spoke_asns):
    hub = ds.design(network("bgp", version=version, spoke_asns=spoke_asns)).endpoint("HUB")
    prefix = "set protocols bgp %s" % ("65000 " if version in ("1.2", "1.3") else "")
    sent = lines(hub, version)
    # iBGP between the hubs: remote-as and the IPv4 family of its own, no peer group, no
    # disable-connected-check (that is for eBGP over /32 tunnels)
    assert [line for line in sent if "neighbor 10.0.0.254" in line] == [
        prefix + "neighbor 10.0.0.254 remote-as '65000'", prefix + "neighbor 10.0.0.254 address-family ipv4-unicast"]
    if version == "1.2":  # no listen ranges: the spokes are the group's neighbors, the hub is not
        assert prefix + "neighbor 10.0.0.2 peer-group 'DMVPN'" in sent


# -- the model's checks ---------------------------------------------------------------------
def hub_endpoint(version="1.4", **changes):
    endpoint = ds.design(network("bgp", version=version)).endpoint("HUB")
    for key, value in changes.items():
        section, name = key.split("__")
        endpoint[section][name] = value
    return endpoint


@pytest.mark.parametrize("changes,field,words", [
    ({"nhrp__maps": [{"tunnel_ip": "10.9.0.1", "nbma": "198.51.100.45"}]}, "nhrp.maps[0].tunnel_ip",
     "outside the tunnel subnet"),
    ({"nhrp__maps": [{"tunnel_ip": "10.0.0.1", "nbma": "198.51.100.45"}]}, "nhrp.maps[0].tunnel_ip",
     "own tunnel address"),
    ({"nhrp__maps": [{"tunnel_ip": "10.0.0.254", "nbma": "198.51.100.41"}]}, "nhrp.maps[0].nbma",
     "own source_address"),
    ({"nhrp__maps": [{"tunnel_ip": "10.0.0.254", "nbma": "198.51.100.45"}] * 2}, "nhrp.maps[1].tunnel_ip",
     "listed twice"),
    ({"nhrp__maps": [{"tunnel_ip": "10.0.0.254", "nbma": "not-an-address"}]}, "nhrp.maps[0].nbma", "IPv4"),
    ({"nhrp__maps": [{"tunnel_ip": "10.0.0.254"}]}, "nhrp.maps[0].nbma", "required"),
    ({"bgp__hub_neighbors": [{"address": "10.0.0.254"}]}, "bgp.hub_neighbors[0].remote_as", "required"),
    ({"bgp__hub_neighbors": [{"address": "10.0.0.2", "remote_as": "65000"}]}, "bgp.hub_neighbors[0].address",
     "also a spoke's neighbor"),
])
def test_map_and_hub_neighbor_problems_name_the_field(changes, field, words):
    with pytest.raises(ModelError) as caught:
        md.validate_endpoint(hub_endpoint(**changes), "1.4")
    found = [p for p in caught.value.problems if p.field == field]
    assert found, caught.value.problems
    assert words in found[0].message, found[0].message


def test_a_spoke_mapping_its_nhs_again_is_refused():
    spoke = ds.design(network(version="1.4")).endpoint("SPOKE1")
    spoke["nhrp"]["maps"] = [{"tunnel_ip": "10.0.0.1", "nbma": "198.51.100.41"}]
    with pytest.raises(ModelError) as caught:
        md.validate_endpoint(spoke, "1.4")
    assert [p.field for p in caught.value.problems] == ["nhrp.maps[0].tunnel_ip"]


# -- reading back, ownership, idempotence -----------------------------------------------------
@pytest.mark.parametrize("version", VERSIONS)
def test_maps_and_hub_neighbors_read_back_as_rendered(version):
    hub = md.validate_endpoint(ds.design(network("bgp", version=version)).endpoint("HUB"), version)
    tree = converge(ConfigTree(), hub, version)
    gathered = gt.gather_endpoint(tree, version, "tun0")
    assert gathered["nhrp"]["maps"] == hub["nhrp"]["maps"] == [{"tunnel_ip": "10.0.0.254", "nbma": "198.51.100.45"}]
    assert gathered["nhrp"]["nhs"] == []
    assert gathered["bgp"]["hub_neighbors"] == [{"address": "10.0.0.254", "remote_as": "65000"}]
    assert all(n["address"] != "10.0.0.254" for n in gathered["bgp"]["neighbors"])
    # a spoke's NHS entries stay nhs, its neighbors stay neighbors
    spoke = ds.design(network("bgp", version=version)).endpoint("SPOKE1")
    back = gt.gather_endpoint(converge(ConfigTree(), spoke, version), version, "tun0")
    assert back["nhrp"]["maps"] == [] and len(back["nhrp"]["nhs"]) == 2
    assert back["bgp"]["hub_neighbors"] == [] and len(back["bgp"]["neighbors"]) == 2


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("routing", ["full_mesh", "bgp"])
def test_a_removed_hub_leaves_nothing_on_the_other_hub(version, routing):
    two = ds.design(network(routing, version=version)).endpoint("HUB")
    one = ds.design(network(routing, version=version, hubs=1)).endpoint("HUB")
    on_two = converge(ConfigTree(), two, version)
    assert lines(two, version, on_two) == []   # idempotent
    on_one = converge(on_two, one, version)
    assert not [line for line in on_one.to_commands() if "10.0.0.254" in line or "198.51.100.45" in line]
    # (the tag node emptied in memory, ``neighbor`` with no address left, is no configuration)
    left = [line for line in on_one.to_commands() if not line.endswith(" neighbor")]
    assert sorted(left) == sorted(converge(ConfigTree(), one, version).to_commands())


# -- verify's expectations --------------------------------------------------------------------
def test_verify_expects_a_hub_to_peer_with_the_other_hub_and_learn_its_lan():
    design = ds.design(network("bgp"))
    expected = st.bgp_expectations(design, "HUB")
    assert sorted(expected["peers"]) == ["10.0.0.2", "10.0.0.254", "10.0.0.3"]
    assert sorted(expected["prefixes"]) == ["192.168.2.0/24", "192.168.254.0/24", "192.168.3.0/24"]
    assert sorted(st.bgp_expectations(design, "SPOKE1")["peers"]) == ["10.0.0.1", "10.0.0.254"]


def test_verify_has_each_hub_ping_the_next_hubs_lan_from_its_own():
    design = ds.design(network(hubs=3))
    order = [r.name for r in design.routers if r.role == "hub"]
    first = {"HUB": "192.168.1.1", "HUB2": "192.168.254.1", "HUB3": "192.168.253.1"}
    for index, name in enumerate(order):
        following = order[(index + 1) % len(order)]
        # whatever the shortcut pings: these are the hubs' own
        for shortcuts in (True, False):
            assert st.ping_plan(design, name, shortcuts) == {"targets": [first[following]], "source": first[name]}
    # the spokes' plan is unchanged: the next spoke only
    assert st.ping_plan(design, "SPOKE1")["targets"] == ["192.168.3.1"]
    # one hub pings nothing; dmvpn_verify_ping_targets still decides alone
    assert st.ping_plan(ds.design(network(hubs=1)), "HUB") == {"targets": [], "source": None}
    inventory = network()
    inventory["HUB"]["dmvpn_verify_ping_targets"] = []
    assert st.ping_plan(ds.design(inventory), "HUB")["targets"] == []
