"""BGP over the tunnel and dual hubs: design, model checks, per-version rendering, ownership
(static <-> BGP switches leave nothing behind) and gathering."""

import copy

import pytest
from core_converge import converge, lines
from seed_inventory import hosts

from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import checker as ck
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import design as ds
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import diff as df
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import gather as gt
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import leftovers as lo
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import model as md
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import render as rd
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import resources as rs
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.configtree import ConfigTree

VERSIONS = ("1.2", "1.3", "1.4", "1.5")


def dual_hub(routing="bgp", spoke_asns=(65000, 65000), version=None):
    """The guide's network plus a second hub (10.0.0.254); every router in ``routing`` mode."""
    inventory = hosts()
    inventory["HUB2"] = dict(copy.deepcopy(inventory["HUB"]), dmvpn_tunnel_address="10.0.0.254",
                             dmvpn_public_address="198.51.100.45", dmvpn_lan_prefixes=["192.168.254.0/24"])
    del inventory["HUB2"]["dmvpn_upstream_gateway"]
    for name, hv in inventory.items():
        hv["dmvpn_routing"] = routing
        if routing == "bgp":
            hv["dmvpn_bgp_asn"] = 65000
        if version:
            hv["dmvpn_vyos_version"] = version
    if routing == "bgp":
        inventory["SPOKE1"]["dmvpn_bgp_asn"], inventory["SPOKE2"]["dmvpn_bgp_asn"] = spoke_asns
        inventory["SPOKE1"]["dmvpn_bgp_timers"] = {"keepalive": 10, "holdtime": 30}
    return inventory


# -- design -------------------------------------------------------------------------------
def test_ibgp_dual_hub_design_hubs_reflect_spokes_peer_with_every_hub():
    plan = ds.design(dual_hub())
    hub = plan.endpoint("HUB")["bgp"]
    assert hub == {"asn": 65000, "peer_group": {"name": "DMVPN", "remote_as": "65000", "route_reflector_client": True,
                                                "next_hop_unchanged": False},
                   "listen_ranges": ["10.0.0.0/24"], "neighbors": [], "networks": ["192.168.1.0/24"],
                   "dynamic_neighbors": [{"address": "10.0.0.2", "remote_as": "65000"},
                                         {"address": "10.0.0.3", "remote_as": "65000"}],
                   # the other hub: an explicit iBGP neighbor (both hubs listen on the subnet)
                   "hub_neighbors": [{"address": "10.0.0.254", "remote_as": "65000"}]}
    assert plan.endpoint("HUB2")["bgp"]["hub_neighbors"] == [{"address": "10.0.0.1", "remote_as": "65000"}]
    # hubs do not register with each other: each maps the other's tunnel address to its NBMA
    assert plan.endpoint("HUB")["nhrp"]["maps"] == [{"tunnel_ip": "10.0.0.254", "nbma": "198.51.100.45"}]
    assert plan.endpoint("HUB2")["nhrp"]["maps"] == [{"tunnel_ip": "10.0.0.1", "nbma": "198.51.100.41"}]
    # where listen ranges exist the named spokes are not rendered: the range takes them
    assert md.validate_endpoint(plan.endpoint("HUB"), "1.3")["bgp"]["neighbors"] == []
    spoke = plan.endpoint("SPOKE1")
    assert spoke["bgp"]["neighbors"] == [{"address": "10.0.0.1", "remote_as": "65000"},
                                         {"address": "10.0.0.254", "remote_as": "65000"}]
    assert (spoke["bgp"]["keepalive"], spoke["bgp"]["holdtime"]) == (10, 30)
    assert [entry["tunnel_ip"] for entry in spoke["nhrp"]["nhs"]] == ["10.0.0.1", "10.0.0.254"]
    # BGP carries every LAN: no static route towards a spoke or a hub LAN is left
    assert spoke["static_routes"] == []
    assert plan.endpoint("HUB")["static_routes"] == [{"prefix": "0.0.0.0/0", "next_hop": "1.1.1.2"}]
    assert plan.endpoint("HUB2")["static_routes"] == []


def test_ebgp_design_hubs_keep_the_next_hop_so_spokes_can_take_shortcuts():
    plan = ds.design(dual_hub(spoke_asns=(65001, 65002)))
    group = plan.endpoint("HUB2")["bgp"]["peer_group"]
    assert group == {"name": "DMVPN", "remote_as": "external", "route_reflector_client": False,
                     "next_hop_unchanged": True}
    assert plan.endpoint("SPOKE2")["bgp"]["asn"] == 65002


@pytest.mark.parametrize("version", ["1.2", "auto"])
def test_a_1_2_hub_lists_the_spokes_as_neighbors_it_has_no_listen_range(version):
    # The design is the same whatever the version (so auto works on a 1.2 hub too); the model
    # of VyOS 1.2, which has no listen ranges (vyatta-cfg-quagga crux), turns the named
    # spokes into neighbors of the peer group.
    endpoint = ds.design(dual_hub(version=version)).endpoint("HUB")
    hub = md.validate_endpoint(endpoint, "1.2")["bgp"]
    assert hub["listen_ranges"] == []
    assert hub["neighbors"] == [{"address": "10.0.0.2", "remote_as": None}, {"address": "10.0.0.3", "remote_as": None}]
    tree = rd.render_endpoint(endpoint, "1.2")
    assert tree.exists(("protocols", "bgp", "65000", "neighbor", "10.0.0.2", "peer-group", "DMVPN"))
    assert tree.values(("protocols", "bgp", "65000", "peer-group", "DMVPN", "remote-as")) == ["65000"]
    assert not tree.exists(("protocols", "bgp", "65000", "listen"))


def test_a_1_2_ebgp_hub_gives_each_spoke_neighbor_its_own_as():
    endpoint = ds.design(dual_hub(version="1.2", spoke_asns=(65001, 65002))).endpoint("HUB")
    assert endpoint["bgp"]["peer_group"]["remote_as"] == "external"  # intent, as on every version
    hub = md.validate_endpoint(endpoint, "1.2")["bgp"]
    assert hub["peer_group"]["remote_as"] is None
    assert hub["neighbors"] == [{"address": "10.0.0.2", "remote_as": "65001"},
                                {"address": "10.0.0.3", "remote_as": "65002"}]
    # 1.3+ keep the listen range and "external"
    newer = md.validate_endpoint(endpoint, "1.3")["bgp"]
    assert (newer["peer_group"]["remote_as"], newer["listen_ranges"], newer["neighbors"]) == (
        "external", ["10.0.0.0/24"], [])


def test_a_listen_range_without_named_peers_is_refused_on_1_2():
    endpoint = ds.design(dual_hub(version="1.2")).endpoint("HUB")
    del endpoint["bgp"]["dynamic_neighbors"]
    with pytest.raises(ck.ModelError) as err:
        md.validate_endpoint(endpoint, "1.2")
    assert err.value.fields() == ["bgp.listen_ranges[0]"]


@pytest.mark.parametrize("change, host, field, words", [
    ({"SPOKE2": {"dmvpn_routing": "full_mesh"}}, "SPOKE2", "dmvpn_routing", "other routers of the DMVPN use bgp"),
    ({"SPOKE1": {"dmvpn_bgp_asn": None}}, "SPOKE1", "dmvpn_bgp_asn", "is required"),
    ({"SPOKE1": {"dmvpn_bgp_asn": 0}}, "SPOKE1", "dmvpn_bgp_asn", "is not an AS number"),
    ({"SPOKE1": {"dmvpn_bgp_asn": "65000"}}, "SPOKE1", "dmvpn_bgp_asn", "is not an AS number"),
    ({"HUB2": {"dmvpn_bgp_asn": 65100}}, "HUB2", "dmvpn_bgp_asn", "differs from hub HUB's AS 65000"),
    ({"SPOKE1": {"dmvpn_bgp_asn": 65001}}, "SPOKE1", "dmvpn_bgp_asn", "mixes iBGP and eBGP spokes"),
    ({"SPOKE1": {"dmvpn_bgp_asn": 65001}, "SPOKE2": {"dmvpn_bgp_asn": 65001}}, "SPOKE2", "dmvpn_bgp_asn",
     "AS-path loops"),
    ({"SPOKE1": {"dmvpn_bgp_networks": ["10.20.0.1/16"]}}, "SPOKE1", "dmvpn_bgp_networks[0]", "not an IPv4 network"),
    ({"SPOKE1": {"dmvpn_bgp_timers": {"keepalive": 10, "holdtime": 20}}}, "SPOKE1", "dmvpn_bgp_timers.holdtime",
     "less than three keepalives"),
    ({"HUB": {"dmvpn_bgp_peer_group": "DMVPN GROUP"}}, "HUB", "dmvpn_bgp_peer_group", "is not a valid value"),
])
def test_bgp_inventory_problems_name_the_host_and_the_variable(change, host, field, words):
    inventory = dual_hub()
    for name, values in change.items():
        inventory[name].update(values)
        for key, value in values.items():
            if value is None:
                del inventory[name][key]
    found = [p for p in ds.inventory_problems(inventory) if p["host"] == host and p["field"] == field]
    assert found, ds.inventory_problems(inventory)
    assert words in found[0]["message"]
    assert found[0]["fix"]


def test_a_good_bgp_inventory_has_no_problems():
    assert ds.inventory_problems(dual_hub()) == []
    assert ds.inventory_problems(dual_hub(spoke_asns=(65001, 65002))) == []


# -- rendering per version ------------------------------------------------------------------
def test_rendered_bgp_lines_per_version():
    plan = ds.design(dual_hub())
    hub, spoke = plan.endpoint("HUB"), plan.endpoint("SPOKE1")
    assert [line for line in lines(hub, "1.3") if " bgp " in line] == [
        "set protocols bgp 65000 parameters router-id '10.0.0.1'",
        "set protocols bgp 65000 address-family ipv4-unicast network 192.168.1.0/24",
        "set protocols bgp 65000 peer-group DMVPN remote-as '65000'",
        "set protocols bgp 65000 peer-group DMVPN address-family ipv4-unicast route-reflector-client",
        "set protocols bgp 65000 listen range 10.0.0.0/24 peer-group 'DMVPN'",
        "set protocols bgp 65000 neighbor 10.0.0.254 remote-as '65000'",
        "set protocols bgp 65000 neighbor 10.0.0.254 address-family ipv4-unicast",
    ]
    assert [line for line in lines(spoke, "1.4") if " bgp " in line] == [
        "set protocols bgp system-as '65000'",
        "set protocols bgp parameters router-id '10.0.0.2'",
        "set protocols bgp address-family ipv4-unicast network 192.168.2.0/24",
        "set protocols bgp neighbor 10.0.0.1 remote-as '65000'",
        "set protocols bgp neighbor 10.0.0.1 address-family ipv4-unicast",
        "set protocols bgp neighbor 10.0.0.1 timers keepalive '10'",
        "set protocols bgp neighbor 10.0.0.1 timers holdtime '30'",
        "set protocols bgp neighbor 10.0.0.254 remote-as '65000'",
        "set protocols bgp neighbor 10.0.0.254 address-family ipv4-unicast",
        "set protocols bgp neighbor 10.0.0.254 timers keepalive '10'",
        "set protocols bgp neighbor 10.0.0.254 timers holdtime '30'",
    ]


def test_1_5_next_hops_resolve_by_static_route_and_ebgp_peers_skip_the_connected_check():
    plan = ds.design(dual_hub(spoke_asns=(65001, 65002)))
    hub = rd.render_endpoint(plan.endpoint("HUB"), "1.5")
    # the tunnel subnet is not in BGP (the dataplane lab: a BGP route to it hides the spokes'
    # static route via the NHS, which nhrpd needs to answer and take shortcuts)
    assert not hub.exists(("protocols", "bgp", "address-family", "ipv4-unicast", "network", "10.0.0.0/24"))
    assert hub.exists(("protocols", "bgp", "peer-group", "DMVPN", "disable-connected-check"))
    assert hub.exists(("protocols", "bgp", "peer-group", "DMVPN", "address-family", "ipv4-unicast",
                       "attribute-unchanged", "next-hop"))
    spoke = rd.render_endpoint(plan.endpoint("SPOKE1"), "1.5")
    assert spoke.exists(("protocols", "bgp", "neighbor", "10.0.0.1", "disable-connected-check"))
    for hub_ip in ("10.0.0.1", "10.0.0.254"):
        assert spoke.value(("protocols", "static", "route", "10.0.0.0/24", "next-hop", hub_ip, "interface")) == "tun0"
    for version in ("1.3", "1.4"):
        tree = rd.render_endpoint(plan.endpoint("HUB"), version)
        assert "disable-connected-check" not in " ".join(" ".join(p) for p in tree.paths())
        assert not tree.exists(tuple(list(rd.syntax_for(version).bgp_base(65000))
                                     + ["address-family", "ipv4-unicast", "network", "10.0.0.0/24"]))


# -- the model's checks ----------------------------------------------------------------------
def bgp_endpoint(**bgp):
    endpoint = ds.design(dual_hub()).endpoint("SPOKE1")
    endpoint["bgp"] = dict(endpoint["bgp"], **bgp)
    return endpoint


@pytest.mark.parametrize("version, bgp, field, words", [
    ("1.2", {"peer_group": {"name": "DMVPN", "remote_as": "65000"}, "listen_ranges": ["10.0.0.0/24"], "keepalive": None,
             "holdtime": None, "neighbors": []}, "bgp.listen_ranges[0]", "no BGP listen ranges"),
    ("1.4", {"peer_group": {"name": "DMVPN"}, "listen_ranges": ["10.0.0.0/24"], "keepalive": None, "holdtime": None},
     "bgp.peer_group.remote_as", "required with listen ranges"),
    ("1.4", {"peer_group": {"name": "DMVPN", "remote_as": "internal"}, "listen_ranges": ["10.1.0.0/24"],
             "keepalive": None, "holdtime": None}, "bgp.listen_ranges[0]", "outside the tunnel subnet"),
    ("1.4", {"peer_group": {"name": "DMVPN", "remote_as": "65000"}}, "bgp.keepalive", "not on neighbors of a peer group"),
    ("1.4", {"peer_group": {"name": "DMVPN", "remote_as": "external", "route_reflector_client": True},
             "keepalive": None, "holdtime": None, "neighbors": [{"address": "10.0.0.1"}]},
     "bgp.peer_group.route_reflector_client", "route reflection is for iBGP"),
    ("1.2", {"peer_group": {"name": "DMVPN", "remote_as": "internal", "route_reflector_client": True},
             "keepalive": None, "holdtime": None, "neighbors": [{"address": "10.0.0.1"}]},
     "bgp.peer_group.remote_as", "own AS number"),
    ("1.3", {"peer_group": {"name": "DM-VPN", "remote_as": "65000"}, "keepalive": None, "holdtime": None,
             "neighbors": [{"address": "10.0.0.1"}]}, "bgp.peer_group.name", "is not a valid value"),
    ("1.3", {"peer_group": {"name": "ABC", "remote_as": "65000"}, "keepalive": None, "holdtime": None,
             "neighbors": [{"address": "10.0.0.1"}]}, "bgp.peer_group.name", "is not a valid value"),
    ("1.4", {"peer_group": {"name": "DMVPN", "remote_as": "65000"}, "keepalive": None, "holdtime": None},
     "bgp.neighbors[0].remote_as", "also set by the peer group"),
    ("1.4", {"neighbors": [{"address": "10.0.0.1"}]}, "bgp.neighbors[0].remote_as", "is required"),
    ("1.4", {"neighbors": [{"address": "10.0.0.2", "remote_as": "65000"}]}, "bgp.neighbors[0].address",
     "own tunnel address"),
    ("1.4", {"neighbors": [], "listen_ranges": []}, "bgp", "has no peers"),
    ("1.4", {"asn": 0}, "bgp.asn", "out of range"),
    ("1.4", {"keepalive": 10, "holdtime": None}, "bgp.holdtime", "go together"),
    ("1.4", {"networks": ["192.168.2.1/24"]}, "bgp.networks[0]", "host bits"),
])
def test_bgp_model_problems(version, bgp, field, words):
    with pytest.raises(ck.ModelError) as caught:
        md.validate_endpoint(bgp_endpoint(**bgp), version)
    found = [p for p in caught.value.problems if p.field == field]
    assert found, caught.value.problems
    assert words in found[0].message


def test_the_1_3_peer_group_name_rules_still_take_underscores():
    md.validate_endpoint(bgp_endpoint(peer_group={"name": "DMVPN_1", "remote_as": "65000"}, keepalive=None,
                                      holdtime=None, neighbors=[{"address": "10.0.0.1"}]), "1.3")


# -- converge, idempotence and switches without leftovers -------------------------------------
@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("host", ["HUB", "SPOKE1"])
def test_bgp_converges_in_one_pass_and_is_idempotent(version, host):
    endpoint = ds.design(dual_hub(version=version)).endpoint(host)
    after = converge(ConfigTree(), endpoint, version)
    assert lines(endpoint, version, after) == []


def static_and_bgp_routes(tree, version):
    # routes via the tunnel, but not a 1.5 spoke's route to the tunnel subnet itself (nhrpd's)
    routes = [p for p in tree.paths() if p[:3] == ("protocols", "static", "route") and "next-hop" in p
              and p[p.index("next-hop") + 1].startswith("10.0.0.") and p[3] != "10.0.0.0/24"]
    return routes, tree.exists(("protocols", "bgp"))


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("host", ["HUB", "SPOKE1"])
def test_static_to_bgp_and_back_leaves_nothing_behind(version, host):
    static = ds.design(dual_hub(routing="full_mesh", version=version)).endpoint(host)
    bgp = ds.design(dual_hub(version=version)).endpoint(host)
    on_static = converge(ConfigTree(), static, version)
    assert static_and_bgp_routes(on_static, version)[0]
    on_bgp = converge(on_static, bgp, version)
    routes, has_bgp = static_and_bgp_routes(on_bgp, version)
    assert routes == [] and has_bgp
    assert lines(bgp, version, on_bgp) == []
    back = converge(on_bgp, static, version)
    # not a word of BGP left (1.2/1.3 delete the instance, ``protocols bgp <asn>``: the empty
    # tag node is not configuration), the routes back
    assert not back.children(("protocols", "bgp"))
    assert set(back.paths()) - {("protocols", "bgp")} == set(on_static.paths())


@pytest.mark.parametrize("version", VERSIONS)
def test_leaving_bgp_keeps_the_routers_other_bgp_peers(version):
    syntax = rd.syntax_for(version)
    static = ds.design(dual_hub(routing="full_mesh", version=version)).endpoint("SPOKE1")
    bgp = ds.design(dual_hub(version=version)).endpoint("SPOKE1")
    on_bgp = converge(ConfigTree(), bgp, version)
    upstream = syntax.bgp_base(65000) + ("neighbor", "203.0.113.1", "remote-as")
    on_bgp.set(upstream, "64512")
    back = converge(on_bgp, static, version)
    assert back.values(upstream) == ["64512"]
    assert back.children(syntax.bgp_base(65000) + ("neighbor",)) == ["203.0.113.1"]
    # issue 19 item 5: the instance's router id and network statements stay with the other
    # peer (they may need them; a new router id would reset their sessions), and the run says so
    base = syntax.bgp_base(65000)
    assert back.values(base + ("parameters", "router-id")) == ["10.0.0.2"]
    assert back.children(base + ("address-family", "ipv4-unicast", "network")) == ["192.168.2.0/24"]
    objects = rd.owned_objects(static, version, on_bgp)
    assert lo.kept_warnings(on_bgp, rd.render_endpoint(static, version), objects, version, "overridden", False) == [
        "BGP AS 65000 keeps router-id 10.0.0.2, network 192.168.2.0/24: the DMVPN's peers are removed, but it still "
        "has other peers (203.0.113.1), which may need them; remove them by hand if not"]
    # the next run: nothing to change, nothing to say
    assert lines(static, version, back) == []
    assert lo.kept_warnings(back, rd.render_endpoint(static, version), rd.owned_objects(static, version, back),
                            version, "overridden", False) == []


def test_an_as_change_on_1_3_replaces_the_instance():
    endpoint = ds.design(dual_hub(version="1.3")).endpoint("SPOKE1")
    have = converge(ConfigTree(), endpoint, "1.3")
    endpoint["bgp"]["asn"] = 65010
    commands = lines(endpoint, "1.3", have)
    assert commands[0] == "delete protocols bgp 65000"
    assert df.apply_commands(have, commands, "1.3").children(("protocols", "bgp")) == ["65010"]


def test_deleting_the_endpoint_removes_its_bgp():
    endpoint = ds.design(dual_hub(version="1.4")).endpoint("HUB")
    have = converge(ConfigTree(), endpoint, "1.4")
    objects = rs.DMVPN.objects({"name": "tun0"}, "1.4", have, "deleted")
    commands = df.plan_commands(have, ConfigTree(), objects, "1.4", "deleted")
    assert "delete protocols bgp" in commands
    assert not df.apply_commands(have, commands, "1.4").exists(("protocols", "bgp"))


# 1.5 tunnels carry /32 addresses: a router's configuration does not tell the DMVPN subnet, so
# neither BGP peers nor static routes of the DMVPN can be told from others when gathering.
@pytest.mark.parametrize("version", ("1.2", "1.3", "1.4"))
def test_gathered_bgp_reads_back_what_was_rendered(version):
    endpoint = md.validate_endpoint(ds.design(dual_hub(version=version)).endpoint("SPOKE1"), version)
    tree = rd.render_endpoint(endpoint, version)
    gathered = gt.gather_endpoint(tree, version, "tun0")["bgp"]
    assert gathered == dict(endpoint["bgp"], router_id="10.0.0.2")
    hub = md.validate_endpoint(ds.design(dual_hub(version=version)).endpoint("HUB"), version)
    gathered = gt.gather_endpoint(rd.render_endpoint(hub, version), version, "tun0")["bgp"]
    assert gathered["peer_group"] == hub["bgp"]["peer_group"]
    assert gathered["listen_ranges"] == hub["bgp"]["listen_ranges"]
    assert gathered["neighbors"] == hub["bgp"]["neighbors"]
