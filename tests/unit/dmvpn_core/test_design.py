"""The design: inventory variables -> endpoints, routes, NHRP maps; every inventory problem."""

import ipaddress
import random

import pytest
from seed_inventory import hosts, spoke
from seed_models import model

from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import design as ds
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import inventory_cross_checks as xc
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import render as rd


@pytest.mark.parametrize("host, key", [("HUB", "hub"), ("SPOKE1", "spoke1"), ("SPOKE2", "spoke2")])
@pytest.mark.parametrize("version", ["1.2", "1.3", "1.4", "1.5"])
def test_the_guides_inventory_designs_the_guides_routers(host, key, version):
    endpoint = ds.design(hosts()).endpoint(host)
    assert rd.render_endpoint(endpoint, version) == rd.render_endpoint(model(key), version)


def test_adding_a_spoke_full_mesh_adds_one_route_per_existing_spoke():
    before = ds.design(hosts())
    inventory = hosts()
    inventory["SPOKE3"] = spoke(4, "192.168.4.0/24")
    after = ds.design(inventory)
    assert after.static_routes("HUB")[-2:] == [{"prefix": "192.168.4.0/24", "next_hop": "10.0.0.4"},
                                               {"prefix": "0.0.0.0/0", "next_hop": "1.1.1.2"}]
    for name in ("SPOKE1", "SPOKE2"):
        added = [r for r in after.static_routes(name) if r not in before.static_routes(name)]
        assert added == [{"prefix": "192.168.4.0/24", "next_hop": "10.0.0.4"}]
    assert after.spoke_maps()["SPOKE3"] == [{"tunnel_ip": "10.0.0.1", "nbma": "198.51.100.41"}]


def test_adding_a_spoke_via_hub_changes_only_the_hub_and_the_new_spoke():
    inventory = hosts()
    for hv in inventory.values():
        hv["dmvpn_routing"] = "via_hub"
    before = ds.design(inventory)
    inventory["SPOKE3"] = dict(spoke(4, "192.168.4.0/24"), dmvpn_routing="via_hub")
    after = ds.design(inventory)
    assert after.endpoint("SPOKE1") == before.endpoint("SPOKE1")
    assert after.endpoint("SPOKE2") == before.endpoint("SPOKE2")
    assert after.endpoint("HUB") != before.endpoint("HUB")
    assert after.static_routes("SPOKE3") == [{"prefix": "192.168.1.0/24", "next_hop": "10.0.0.1"},
                                             {"prefix": "192.168.0.0/16", "next_hop": "10.0.0.1"}]


def test_two_hubs_every_spoke_registers_with_both():
    inventory = hosts()
    inventory["HUB2"] = dict(inventory["HUB"], dmvpn_tunnel_address="10.0.0.254", dmvpn_public_address="203.0.113.7",
                             dmvpn_lan_prefixes=["192.168.100.0/24"])
    design = ds.design(inventory)
    assert design.spoke_maps()["SPOKE1"] == [{"tunnel_ip": "10.0.0.1", "nbma": "198.51.100.41"},
                                             {"tunnel_ip": "10.0.0.254", "nbma": "203.0.113.7"}]
    routes = design.static_routes("SPOKE1")
    assert {"prefix": "192.168.100.0/24", "next_hop": "10.0.0.254"} in routes


def test_removed_router_is_left_out():
    inventory = hosts()
    inventory["SPOKE2"]["dmvpn_present"] = False
    design = ds.design(inventory)
    assert "SPOKE2" not in design.by_name
    assert all(r["next_hop"] != "10.0.0.3" for r in design.static_routes("HUB"))


def test_tunnel_address_helper():
    assert ds.tunnel_address("10.0.0.0/24", host_id=7) == "10.0.0.7/24"
    assert ds.tunnel_address("10.0.0.0/24", address="10.0.0.9") == "10.0.0.9/24"
    with pytest.raises(ValueError):
        ds.tunnel_address("10.0.0.0/24", host_id=255)


def _set(host, key, value):
    def change(inventory):
        if value is _DELETE:
            inventory[host].pop(key, None)
        else:
            inventory[host][key] = value
    return change


_DELETE = object()

# (name, change, host, field, words in the message)
BAD = [
    ("no role", _set("SPOKE1", "dmvpn_role", _DELETE), "SPOKE1", "dmvpn_role", "not set"),
    ("unknown role", _set("SPOKE1", "dmvpn_role", "leaf"), "SPOKE1", "dmvpn_role", "'leaf'"),
    ("duplicate tunnel ip", _set("SPOKE2", "dmvpn_spoke_id", 2), "SPOKE2", "dmvpn_spoke_id", "also the tunnel address"),
    ("explicit duplicate", _set("SPOKE2", "dmvpn_tunnel_address", "10.0.0.1"), "SPOKE2", "dmvpn_tunnel_address",
     "also the tunnel address of HUB"),
    ("tunnel ip outside subnet", _set("SPOKE1", "dmvpn_tunnel_address", "10.9.0.2"), "SPOKE1",
     "dmvpn_tunnel_address", "outside the tunnel subnet"),
    ("spoke id outside subnet", _set("SPOKE1", "dmvpn_spoke_id", 300), "SPOKE1", "dmvpn_spoke_id", "outside"),
    ("broadcast tunnel ip", _set("SPOKE1", "dmvpn_spoke_id", 255), "SPOKE1", "dmvpn_spoke_id", "broadcast"),
    ("spoke id not a number", _set("SPOKE1", "dmvpn_spoke_id", "two"), "SPOKE1", "dmvpn_spoke_id", "whole number"),
    ("no tunnel address at all", _set("SPOKE1", "dmvpn_spoke_id", _DELETE), "SPOKE1", "dmvpn_tunnel_address",
     "not set"),
    ("bad tunnel ip", _set("SPOKE1", "dmvpn_tunnel_address", "10.0.0.999"), "SPOKE1", "dmvpn_tunnel_address",
     "not an IPv4 address"),
    ("bad subnet", _set("SPOKE1", "dmvpn_tunnel_subnet", "10.0.0.1/24"), "SPOKE1", "dmvpn_tunnel_subnet",
     "not an IPv4 network"),
    ("tiny subnet", _set("SPOKE1", "dmvpn_tunnel_subnet", "10.0.0.0/31"), "SPOKE1", "dmvpn_tunnel_subnet", "too small"),
    ("subnet differs", _set("SPOKE1", "dmvpn_tunnel_subnet", "10.0.0.0/16"), "SPOKE1", "dmvpn_tunnel_subnet", "differs"),
    ("overlapping LANs", _set("SPOKE2", "dmvpn_lan_prefixes", ["192.168.2.128/25"]), "SPOKE2", "dmvpn_lan_prefixes",
     "overlaps 192.168.2.0/24 of SPOKE1"),
    ("LAN inside the tunnel subnet", _set("SPOKE1", "dmvpn_lan_prefixes", ["10.0.0.128/25"]), "SPOKE1",
     "dmvpn_lan_prefixes", "overlaps the tunnel subnet"),
    ("LAN with host bits", _set("SPOKE1", "dmvpn_lan_prefixes", ["192.168.2.1/24"]), "SPOKE1",
     "dmvpn_lan_prefixes[0]", "not an IPv4 network"),
    ("LAN not a list", _set("SPOKE1", "dmvpn_lan_prefixes", "192.168.2.0/24"), "SPOKE1", "dmvpn_lan_prefixes",
     "must be a list"),
    ("spoke without hub", _set("HUB", "dmvpn_role", "spoke"), "SPOKE1", "dmvpn_role", "no hub"),
    ("hub without public address", _set("HUB", "dmvpn_public_address", _DELETE), "HUB", "dmvpn_public_address",
     "fixed public"),
    ("hub on dhcp", _set("HUB", "dmvpn_public_address", "dhcp"), "HUB", "dmvpn_public_address", "fixed public"),
    ("bad public address", _set("SPOKE1", "dmvpn_public_address", "198.51.100.300"), "SPOKE1",
     "dmvpn_public_address", "not an IPv4 address"),
    ("missing PSK", _set("SPOKE1", "dmvpn_ipsec_psk", _DELETE), "SPOKE1", "dmvpn_ipsec_psk", "not set"),
    ("short PSK", _set("SPOKE1", "dmvpn_ipsec_psk", "abc"), "SPOKE1", "dmvpn_ipsec_psk", "too short"),
    ("PSK with a space", _set("SPOKE1", "dmvpn_ipsec_psk", "two words"), "SPOKE1", "dmvpn_ipsec_psk",
     "does not accept"),
    ("PSK differs", _set("SPOKE1", "dmvpn_ipsec_psk", "SECRET2"), "SPOKE1", "dmvpn_ipsec_psk", "differs"),
    ("missing NHRP secret", _set("SPOKE1", "dmvpn_nhrp_secret", _DELETE), "SPOKE1", "dmvpn_nhrp_secret", "not set"),
    ("short NHRP secret", _set("SPOKE1", "dmvpn_nhrp_secret", "ab"), "SPOKE1", "dmvpn_nhrp_secret", "too short"),
    ("long NHRP secret", _set("SPOKE1", "dmvpn_nhrp_secret", "muchtoolong"), "SPOKE1", "dmvpn_nhrp_secret",
     "too long"),
    ("GRE key out of range", _set("SPOKE1", "dmvpn_gre_key", 4294967296), "SPOKE1", "dmvpn_gre_key", "out of range"),
    ("GRE key negative", _set("SPOKE1", "dmvpn_gre_key", -1), "SPOKE1", "dmvpn_gre_key", "out of range"),
    ("GRE key differs", _set("SPOKE1", "dmvpn_gre_key", 2), "SPOKE1", "dmvpn_gre_key", "differs"),
    ("bad WAN interface", _set("SPOKE1", "dmvpn_wan_interface", "wan0"), "SPOKE1", "dmvpn_wan_interface",
     "not an interface name"),
    ("bad tunnel name", _set("SPOKE1", "dmvpn_tunnel_name", "tunnel0"), "SPOKE1", "dmvpn_tunnel_name",
     "not a tunnel interface name"),
    ("unknown VyOS version", _set("SPOKE1", "dmvpn_vyos_version", "1.1"), "SPOKE1", "dmvpn_vyos_version",
     "not a supported VyOS version"),
    ("unknown routing", _set("SPOKE1", "dmvpn_routing", "ospf"), "SPOKE1", "dmvpn_routing", "not a routing mode"),
    ("via_hub without summary", lambda inv: [inv["SPOKE1"].update(dmvpn_routing="via_hub"),
                                             inv["SPOKE1"].pop("dmvpn_summary_prefixes")],
     "SPOKE1", "dmvpn_summary_prefixes", "required"),
    ("bad upstream gateway", _set("HUB", "dmvpn_upstream_gateway", "gateway"), "HUB", "dmvpn_upstream_gateway",
     "not an IPv4 address"),
    ("duplicate hub NBMA", lambda inv: inv.update(HUB2=dict(inv["HUB"], dmvpn_tunnel_address="10.0.0.254",
                                                            dmvpn_lan_prefixes=[])),
     "HUB2", "dmvpn_public_address", "also the public address of hub HUB"),
    ("bad IKE proposal", lambda inv: inv["SPOKE1"]["dmvpn_ike_group"]["proposal"][0].update(encryption="rot13"),
     "SPOKE1", "dmvpn_ike_group.proposal[0].encryption", "not allowed"),
    ("bad ESP lifetime", lambda inv: inv["SPOKE1"]["dmvpn_esp_group"].update(lifetime=5),
     "SPOKE1", "dmvpn_esp_group.lifetime", "out of range"),
    ("spoke with the hub's public address", _set("SPOKE1", "dmvpn_public_address", "198.51.100.41"), "SPOKE1",
     "dmvpn_public_address", "also the public address of hub HUB"),
    ("summary prefix not a network",
     lambda inv: inv["SPOKE1"].update(dmvpn_routing="via_hub", dmvpn_summary_prefixes=["192.168.0.1/16"]),
     "SPOKE1", "dmvpn_summary_prefixes[0]", "not an IPv4 network"),
    ("underlay host name", _set("SPOKE1", "dmvpn_underlay", {"hostname": "spoke;reboot"}), "SPOKE1",
     "dmvpn_underlay.hostname", "not a host name"),
    ("underlay interface name", _set("SPOKE1", "dmvpn_underlay", {"interfaces": [{"name": "eth1 x", "address": "dhcp"}]}),
     "SPOKE1", "dmvpn_underlay.interfaces[0].name", "not an ethernet interface name"),
    # (dmvpn.vyos.underlay sets ethernet addresses only: a bridge is refused before any router is touched)
    ("underlay interface not ethernet", _set("SPOKE1", "dmvpn_underlay", {"interfaces": [{"name": "br0", "address": "dhcp"}]}),
     "SPOKE1", "dmvpn_underlay.interfaces[0].name", "'br0' is not an ethernet interface name"),
    ("underlay address without prefix", _set("SPOKE1", "dmvpn_underlay", {"interfaces": [{"name": "eth1", "address": "192.168.2.1"}]}),
     "SPOKE1", "dmvpn_underlay.interfaces[0].address", "with prefix length"),
    ("commit comment on two lines", _set("HUB", "dmvpn_commit_comment", "one\ntwo"), "HUB", "dmvpn_commit_comment",
     "control character"),
    ("commit comment too long", _set("HUB", "dmvpn_commit_comment", "c" * 300), "HUB", "dmvpn_commit_comment",
     "300 characters"),
    ("tunnel MTU out of range", _set("HUB", "dmvpn_tunnel_mtu", 20), "HUB", "dmvpn_tunnel_mtu", "out of range"),
    # with dmvpn_vyos_version auto the router may run 1.2/1.3, whose tunnel has no ip adjust-mss
    ("adjust-mss where the version may lack it", _set("HUB", "dmvpn_tunnel_adjust_mss", 1360), "HUB",
     "dmvpn_tunnel_adjust_mss", "which VyOS has from 1.4 on (on VyOS 1.2, 1.3;"),
    ("adjust-mss above the MTU less 40", lambda inv: inv["HUB"].update(
        dmvpn_tunnel_mtu=1400, dmvpn_tunnel_adjust_mss=1400, dmvpn_vyos_version="1.4"), "HUB",
     "dmvpn_tunnel_adjust_mss", "more than the tunnel MTU 1400 less 40"),
    ("group name too long", lambda inv: inv["SPOKE1"]["dmvpn_ike_group"].update(name="G" * 65),
     "SPOKE1", "dmvpn_ike_group.name", "(65 characters)"),
    # issue 19 item 6: junk after an address is refused, not cut off (at b303f4c everything
    # after the first "/" was dropped, and a hub's /25 silently became the subnet's /24)
    ("public address with junk after it", _set("SPOKE1", "dmvpn_public_address", "198.51.100.7/garbage"), "SPOKE1",
     "dmvpn_public_address", "'198.51.100.7/garbage' is not an IPv4 address"),
    ("public address with a prefix", _set("SPOKE1", "dmvpn_public_address", "198.51.100.7/24"), "SPOKE1",
     "dmvpn_public_address", "'198.51.100.7/24' is not an IPv4 address"),
    ("tunnel address with junk after it", _set("SPOKE1", "dmvpn_tunnel_address", "10.0.0.2/garbage"), "SPOKE1",
     "dmvpn_tunnel_address", "'10.0.0.2/garbage' is not an IPv4 address"),
    ("hub tunnel prefix differs from the subnet", _set("HUB", "dmvpn_tunnel_address", "10.0.0.1/25"), "HUB",
     "dmvpn_tunnel_address", "'10.0.0.1/25' has prefix length /25 but dmvpn_tunnel_subnet is 10.0.0.0/24"),
    ("upstream gateway with a prefix", _set("HUB", "dmvpn_upstream_gateway", "1.1.1.2/30"), "HUB",
     "dmvpn_upstream_gateway", "not an IPv4 address"),
    ("commit-confirm negative", _set("HUB", "dmvpn_commit_confirm", -5), "HUB", "dmvpn_commit_confirm",
     "-5 is negative: VyOS refuses a negative commit-confirm time"),
    ("commit-confirm for years", _set("HUB", "dmvpn_commit_confirm", 99999999), "HUB", "dmvpn_commit_confirm",
     "99999999 minutes is more than a day"),
    # a secret inside a rendered word: Ansible's no_log would print 'pre-shared-********'
    ("PSK inside the keyword pre-shared-secret",
     lambda inv: [hv.update(dmvpn_ipsec_psk="secret") for hv in inv.values()], "HUB", "dmvpn_ipsec_psk",
     "occurs inside a word of the configuration the collection writes (after 'vpn ipsec profile NHRPVPN "
     "authentication mode')"),
    ("NHRP key inside the keyword nhrp",
     lambda inv: [hv.update(dmvpn_nhrp_secret="nhrp") for hv in inv.values()], "SPOKE1", "dmvpn_nhrp_secret",
     "occurs inside a word of the configuration the collection writes (after 'protocols')"),
]


@pytest.mark.parametrize("name, change, host, field, words", BAD, ids=[b[0] for b in BAD])
def test_bad_inventory_is_reported_with_host_field_and_fix(name, change, host, field, words):
    inventory = hosts()
    change(inventory)
    problems = ds.inventory_problems(inventory)
    matching = [p for p in problems if p["host"] == host and p["field"] == field and words in p["message"]]
    assert matching, problems
    assert all(p["fix"] for p in problems)
    with pytest.raises(ds.DesignError) as err:
        ds.design(inventory)
    assert "no router was touched" in str(err.value) and host in str(err.value)


@pytest.mark.parametrize("model_field, variable", [
    ("tunnel.mtu", "dmvpn_tunnel_mtu"),
    ("ipsec.ike_group.proposal[0].hash", "dmvpn_ike_group.proposal[0].hash"),
    ("ipsec.profile.pre_shared_secret", "dmvpn_ipsec_psk"),
    ("nhrp.nhs[1].nbma", "dmvpn_public_address (of a hub)"),
    ("tunnel.multicastx", "tunnel.multicastx"),
    ("something.else", "something.else"),
])
def test_model_fields_are_named_by_the_inventory_variable(model_field, variable):
    assert ds.inventory_field(model_field) == variable


def test_a_sound_router_is_checked_even_when_another_one_has_problems():
    inventory = hosts()
    inventory["SPOKE1"]["dmvpn_gre_key"] = -5              # a design problem on SPOKE1
    inventory["SPOKE2"]["dmvpn_tunnel_mtu"] = 99999        # a model problem on SPOKE2
    fields = {(p["host"], p["field"]) for p in ds.inventory_problems(inventory)}
    assert ("SPOKE2", "dmvpn_tunnel_mtu") in fields and ("SPOKE1", "dmvpn_gre_key") in fields


def test_at_least_thirty_distinct_cases():
    assert len(BAD) >= 30 and len({b[0] for b in BAD}) == len(BAD)


def test_all_problems_are_reported_at_once():
    inventory = hosts()
    inventory["SPOKE1"]["dmvpn_gre_key"] = 99999999999
    inventory["SPOKE2"]["dmvpn_lan_prefixes"] = ["192.168.1.0/25"]
    inventory["HUB"]["dmvpn_public_address"] = None
    fields = {(p["host"], p["field"]) for p in ds.inventory_problems(inventory)}
    assert {("SPOKE1", "dmvpn_gre_key"), ("SPOKE2", "dmvpn_lan_prefixes"), ("HUB", "dmvpn_public_address")} <= fields


def test_secrets_never_appear_in_problems():
    inventory = hosts()
    inventory["SPOKE1"]["dmvpn_ipsec_psk"] = "Short"
    inventory["SPOKE2"]["dmvpn_nhrp_secret"] = "Way-Too-Long-Secret"
    text = ds.format_problems(ds.inventory_problems(inventory))
    assert "Short" not in text and "Way-Too-Long-Secret" not in text


def test_overlap_detection_matches_a_naive_check():
    rng = random.Random(7)
    for _round in range(30):
        nets = []
        for index in range(40):
            plen = rng.choice([22, 23, 24, 25, 26])
            base = ipaddress.IPv4Address("172.16.0.0") + rng.randrange(0, 1 << 14) * 64
            nets.append(("H%d" % index, ipaddress.IPv4Network("%s/%d" % (base, plen), strict=False)))
        naive = any(a[1].overlaps(b[1]) for i, a in enumerate(nets) for b in nets[i + 1:])
        assert bool(xc._overlaps(nets)) == naive


def test_the_example_inventory_designs_without_problems():
    import glob
    import os

    import yaml

    base = os.path.join(os.path.dirname(__file__), "..", "..", "..", "inventories", "example")
    common = {}
    for path in glob.glob(os.path.join(base, "group_vars", "dmvpn", "*.yml")):
        common.update(yaml.safe_load(open(path)))
    inventory = yaml.safe_load(open(os.path.join(base, "hosts.yml")))
    hosts_ = {}
    for group, data in inventory["all"]["children"]["dmvpn"]["children"].items():
        group_vars = yaml.safe_load(open(os.path.join(base, "group_vars", group + ".yml")))
        for name in data["hosts"]:
            hv = dict(common, **group_vars)
            hv.update(yaml.safe_load(open(os.path.join(base, "host_vars", name + ".yml"))))
            hv.update(dmvpn_nhrp_secret="Ex4mple", dmvpn_ipsec_psk="Example-PSK-0001")
            hosts_[name] = hv
    assert ds.inventory_problems(hosts_) == []
    assert len(ds.design(hosts_).spoke_maps()["branch-001"]) == 2


# -- version-free design: the inventory states intent, the router's version picks the form --
@pytest.mark.parametrize("version", ["auto", "1.5"])
def test_the_nhrp_network_id_reaches_a_1_5_router_whatever_dmvpn_vyos_version_says(version):
    # At b303f4c the design passed network_id only for a literal "1.5": with the default
    # auto a 1.5 router asked for network-id 7 got network-id '1'.
    inventory = hosts()
    for hv in inventory.values():
        hv.update(dmvpn_vyos_version=version, dmvpn_nhrp_network_id=7)
    endpoint = ds.design(inventory).endpoint("SPOKE1")
    tree = rd.render_endpoint(endpoint, "1.5")
    assert tree.values(("protocols", "nhrp", "tunnel", "tun0", "network-id")) == ["7"]


@pytest.mark.parametrize("version", ["1.2", "1.3", "1.4"])
def test_opennhrp_versions_have_no_network_id_and_leave_it_out(version):
    # vyatta-cfg-vpn / vyos-1x (1.2-1.4 opennhrp): protocols nhrp tunnel has no network-id node
    inventory = hosts()
    for hv in inventory.values():
        hv["dmvpn_nhrp_network_id"] = 7
    assert ds.inventory_problems(inventory) == []
    tree = rd.render_endpoint(ds.design(inventory).endpoint("HUB"), version)
    assert not tree.exists(("protocols", "nhrp", "tunnel", "tun0", "network-id"))


def test_design_endpoints_do_not_depend_on_dmvpn_vyos_version():
    def endpoints(version):
        inventory = hosts()
        for hv in inventory.values():
            hv["dmvpn_vyos_version"] = version
        plan = ds.design(inventory)
        return {name: plan.endpoint(name) for name in plan.by_name}

    assert endpoints("auto") == endpoints("1.2") == endpoints("1.3") == endpoints("1.4") == endpoints("1.5")


def test_auto_routers_are_checked_against_every_version_they_may_run():
    # vyatta-cfg-quagga (1.2/1.3) refuses '-' in a BGP peer-group name; vyos-1x (1.4+) takes it.
    inventory = hosts()
    for hv in inventory.values():
        hv.update(dmvpn_routing="bgp", dmvpn_bgp_asn=65000)
    inventory["HUB"]["dmvpn_bgp_peer_group"] = "DMVPN-PEERS"
    found = [p for p in ds.inventory_problems(inventory) if p["host"] == "HUB"]
    assert [p["field"] for p in found] == ["dmvpn_bgp_peer_group"]
    assert "on VyOS 1.2, 1.3; dmvpn_vyos_version is auto" in found[0]["message"]
    assert found[0]["fix"].endswith("or set dmvpn_vyos_version to the router's version")
    inventory["HUB"]["dmvpn_vyos_version"] = "1.4"
    assert ds.inventory_problems(inventory) == []
    inventory["HUB"]["dmvpn_vyos_version"] = "1.3"
    found = ds.inventory_problems(inventory)
    assert [p["field"] for p in found] == ["dmvpn_bgp_peer_group"]
    assert "auto" not in found[0]["message"]


def test_a_problem_of_every_version_is_reported_once_without_a_version_list():
    inventory = hosts()
    inventory["HUB"]["dmvpn_nhrp_holding_time"] = 0
    found = ds.inventory_problems(inventory)
    assert [(p["host"], p["field"]) for p in found] == [("HUB", "dmvpn_nhrp_holding_time")]
    assert "on VyOS" not in found[0]["message"]


def test_the_inventory_takes_the_nhrp_key_length_vyos_takes_on_the_routers_versions(monkeypatch):
    """The maximum of dmvpn_nhrp_secret is versions.Syntax's, the one the modules check, taken
    over every version the router may run (with auto: all): a version that took fewer
    characters would refuse a key the others take, before any router is touched."""
    from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import versions

    inventory = hosts()
    for hv in inventory.values():
        hv["dmvpn_nhrp_secret"] = "SECRET2"  # 7 characters: every version takes up to 8
    assert ds.inventory_problems(inventory) == []
    monkeypatch.setattr(versions.syntax_for("1.5"), "nhrp_auth_max_length", 6)
    problems = ds.inventory_problems(inventory)
    assert {(p["host"], p["field"], p["message"]) for p in problems} == {
        (name, "dmvpn_nhrp_secret", "is too long (7 characters); VyOS allows 6") for name in inventory}
    for hv in inventory.values():
        hv["dmvpn_vyos_version"] = "1.4"  # a 1.4 router is not held to 1.5's limit
    assert ds.inventory_problems(inventory) == []


def test_check_mode_problems_that_name_a_pending_router_wait_for_it():
    """verify in --check: the hub's problems about a spoke whose change is pending (its tunnel
    or public address, an address in its LAN) wait for that change; the others fail."""
    from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import status as st

    plan = ds.design(hosts())
    problems = ["NHRP: spoke 10.0.0.2 is not registered", "ping 192.168.2.1: no reply",
                "NHRP: spoke 10.0.0.3 is not registered", "IPsec: 1 of 2 SAs up"]
    assert st.split_pending(plan, "HUB", problems, {"SPOKE1"}) == (
        ["NHRP: spoke 10.0.0.3 is not registered", "IPsec: 1 of 2 SAs up"],
        ["NHRP: spoke 10.0.0.2 is not registered", "ping 192.168.2.1: no reply"])
    # a pending router's own problems all wait; nothing pending, nothing waits
    assert st.split_pending(plan, "SPOKE1", problems, {"SPOKE1"}) == ([], problems)
    assert st.split_pending(plan, "HUB", problems, set()) == (problems, [])
