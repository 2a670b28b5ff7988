"""Two DMVPN clouds per router (dmvpn_clouds, dmvpn_core/clouds.py) through the filters
site.yml and verify.yml call: each cloud designed over its routers' cloud variables, one
endpoint per cloud for a router in two, the tunnels of the clouds a router is not in, and
every problem across a router's clouds named by host, variable and fix."""

import copy

import dual_cloud_inventory as dual  # tests/fixtures/dual_cloud_inventory.py
import pytest

from ansible_collections.dmvpn.vyos.plugins.filter import dmvpn as flt
from ansible_collections.dmvpn.vyos.plugins.filter import dmvpn_clouds as flc


def check(hostvars, groups=None):
    return flt.dmvpn_networks_check(hostvars, groups or dual.GROUPS, dual.NETWORKS)


def summary(endpoint):
    tunnel, ipsec = endpoint["tunnel"], endpoint["ipsec"]
    return (tunnel["name"], tunnel["address"], tunnel["source_address"], tunnel["key"], endpoint["nhrp"]["network_id"],
            ipsec["interface"], ipsec["profile"]["name"], ipsec["profile"]["pre_shared_secret"],
            endpoint["nhrp"]["authentication"])


def test_each_router_gets_one_endpoint_per_cloud_and_the_tunnels_of_the_others():
    result = check(dual.hosts())
    assert result["problems"] == []
    got = {host: ([summary(e) for e in value["endpoints"]], value["absent_tunnels"])
           for host, value in result["endpoints"].items()}
    cloud1 = ("tun0", 1, 1, "DMVPN-CLOUD1", "Canary-psk", "Canary-1")
    cloud2 = ("tun1", 2, 2, "DMVPN-CLOUD2", "Canary-psk", "Canary-2")

    def row(cloud, address, source, wan):
        name, key, network_id, profile, psk, secret = cloud
        return (name, address, source, key, network_id, wan, profile, psk, secret)

    assert got == {
        "HUB1": ([row(cloud1, "10.1.0.1/24", "198.51.100.1", "eth0")], ["tun1"]),
        "HUB2": ([row(cloud2, "10.2.0.1/24", "203.0.113.2", "eth0")], ["tun0"]),
        "SPOKE1": ([row(cloud1, "10.1.0.11/24", "198.51.100.11", "eth0"),
                    row(cloud2, "10.2.0.11/24", "203.0.113.11", "eth2")], []),
        "SPOKE2": ([row(cloud1, "10.1.0.12/24", "198.51.100.12", "eth0"),
                    row(cloud2, "10.2.0.12/24", "203.0.113.12", "eth2")], []),
    }
    spoke1 = result["endpoints"]["SPOKE1"]["endpoints"]
    # each cloud's spoke registers at its own hub and routes via its own cloud
    assert [e["nhrp"]["nhs"] for e in spoke1] == [[{"tunnel_ip": "10.1.0.1", "nbma": "198.51.100.1"}],
                                                  [{"tunnel_ip": "10.2.0.1", "nbma": "203.0.113.2"}]]
    assert [e["static_routes"] for e in spoke1] == [
        [{"prefix": "192.168.1.0/24", "next_hop": "10.1.0.1"}, {"prefix": "192.168.12.0/24", "next_hop": "10.1.0.12"}],
        [{"prefix": "192.168.2.0/24", "next_hop": "10.2.0.1"}, {"prefix": "192.168.12.0/24", "next_hop": "10.2.0.12"}]]


def test_a_single_cloud_inventory_keeps_one_endpoint_per_router():
    hostvars = dual.hosts()
    for hv in hostvars.values():
        hv.pop("dmvpn_clouds")
        hv.pop("dmvpn_cloud_host_vars", None)
        hv.update(dual.CLOUDS["cloud1"])
    groups = dict(dual.GROUPS, dmvpn=["HUB1", "SPOKE1", "SPOKE2"])
    endpoints = flt.dmvpn_networks_check(hostvars, groups, ["dmvpn"])["endpoints"]
    assert sorted(endpoints) == ["HUB1", "SPOKE1", "SPOKE2"]
    assert all("tunnel" in endpoint and "endpoints" not in endpoint for endpoint in endpoints.values())


def _with(**clouds):
    hostvars = dual.hosts()
    for hv in hostvars.values():
        for cloud, values in clouds.items():
            hv["dmvpn_clouds"][cloud].update(values)
    return hostvars


@pytest.mark.parametrize("values, field, words", [
    ({"dmvpn_tunnel_name": "tun0"}, "dmvpn_clouds.cloud2.dmvpn_tunnel_name", "tun0 is also the tunnel of cloud cloud1"),
    ({"dmvpn_tunnel_subnet": "10.1.0.0/16"}, "dmvpn_clouds.cloud2.dmvpn_tunnel_subnet", "overlaps 10.1.0.0/24 of cloud cloud1"),
    ({"dmvpn_ipsec_profile": "DMVPN-CLOUD1"}, "dmvpn_clouds.cloud2.dmvpn_ipsec_profile",
     "DMVPN-CLOUD1 is also the IPsec profile of cloud cloud1"),
    ({"dmvpn_esp_group": {"name": "ESP-DMVPN", "lifetime": 900, "pfs": "dh-group14",
                          "proposal": [{"proposal_id": 1, "encryption": "aes256", "hash": "sha256"}]}},
     "dmvpn_clouds.cloud2.dmvpn_esp_group", "ESP-DMVPN is also a group of cloud cloud1 on this router, with other"),
])
def test_what_two_clouds_cannot_share_on_one_router_is_named_per_spoke(values, field, words):
    problems = check(_with(cloud2=values))["problems"]
    mine = [p for p in problems if p["field"] == field]
    assert [p["host"] for p in mine] == ["SPOKE1", "SPOKE2"], problems
    assert all(words in p["message"] and p["fix"] for p in mine), mine
    assert check(_with(cloud2=values))["endpoints"] == {}


def test_the_same_gre_key_on_one_source_address_is_refused_as_vyos_does():
    # vyos-1x interfaces_tunnel.py verify(): one source address, one key per GRE tunnel (T2920)
    hostvars = _with(cloud2={"dmvpn_gre_key": 1})
    for name in ("SPOKE1", "SPOKE2"):
        hostvars[name]["dmvpn_cloud_host_vars"]["cloud2"].pop("dmvpn_public_address")
    problems = [p for p in check(hostvars)["problems"] if p["field"] == "dmvpn_clouds.cloud2.dmvpn_gre_key"]
    assert [p["host"] for p in problems] == ["SPOKE1", "SPOKE2"]
    assert "same source address (198.51.100.11) and GRE key (1)" in problems[0]["message"]
    # their own public address per cloud: two sources, one key is fine
    assert check(_with(cloud2={"dmvpn_gre_key": 1}))["problems"] == []


def test_two_psks_on_one_router_are_refused_as_vyos_would_use_one_for_both():
    # VyOS writes ike-dmvpn-<tunnel> secrets with no id (vyos-1x swanctl.conf.j2, current
    # 3710c5879): strongSwan takes one of them for both clouds, so a router in two clouds needs
    # one PSK; a hub in one cloud only is not named
    problems = check(_with(cloud2={"dmvpn_ipsec_psk": "Canary-psk-two"}))["problems"]
    field = "dmvpn_clouds.cloud2.dmvpn_ipsec_psk"
    assert [(p["host"], p["field"]) for p in problems] == [("SPOKE1", field), ("SPOKE2", field)]
    assert all("differs from the PSK of cloud cloud1" in p["message"] and "swanctl.conf.j2" in p["message"]
               and "same dmvpn_ipsec_psk" in p["fix"] for p in problems), problems
    assert not [p for p in problems if "Canary-psk" in str(p)]  # the keys themselves are never shown
    # one PSK given per cloud, the same value in both: accepted
    same = _with(cloud1={"dmvpn_ipsec_psk": "Canary-psk-two"}, cloud2={"dmvpn_ipsec_psk": "Canary-psk-two"})
    assert check(same)["problems"] == []


def test_bad_cloud_dicts_name_the_entry_to_change():
    hostvars = dual.hosts()
    for hv in hostvars.values():
        hv["dmvpn_clouds"]["cloud3"] = {"dmvpn_tunnel_name": "tun2"}
        hv["dmvpn_clouds"]["cloud2"]["dmvpn_role"] = "hub"
    hostvars["HUB1"]["dmvpn_cloud_host_vars"] = {"cloud2": {"dmvpn_public_address": "192.0.2.1"}}
    hostvars["SPOKE1"]["dmvpn_cloud_host_vars"]["cloud2"]["dmvpn_gre_key"] = 7
    hostvars["SPOKE2"]["dmvpn_cloud_host_vars"]["cloud2"]["dmvpn_spoke_id"] = "many"
    lines = flt.dmvpn_problem_lines(check(hostvars)["problems"])
    for expected in (
            "HUB1: dmvpn_clouds.cloud3: is not a cloud of dmvpn_network_groups (cloud1, cloud2)",
            "SPOKE2: dmvpn_clouds.cloud2.dmvpn_role: is not a variable dmvpn_clouds sets per cloud",
            "HUB1: dmvpn_cloud_host_vars.cloud2: the host is not in the group cloud2",
            "SPOKE1: dmvpn_cloud_host_vars.cloud2.dmvpn_gre_key: is not a variable dmvpn_cloud_host_vars sets per cloud",
            # a value the design refuses names the dict entry that set it
            "SPOKE2: dmvpn_cloud_host_vars.cloud2.dmvpn_spoke_id: "):
        assert any(line.startswith(expected) for line in lines), (expected, lines)
    assert all("(fix: " in line for line in lines)


def test_a_router_in_no_cloud_is_a_problem():
    groups = copy.deepcopy(dual.GROUPS)
    groups["cloud1"].remove("SPOKE2")
    groups["cloud2"].remove("SPOKE2")
    problems = check(dual.hosts(), groups)["problems"]
    assert [(p["host"], p["field"]) for p in problems] == [("SPOKE2", "group_names")]


def test_bgp_in_two_clouds_of_one_router_is_refused():
    hostvars = _with(cloud1={"dmvpn_routing": "bgp"})
    for hv in hostvars.values():
        hv["dmvpn_bgp_asn"] = 65000
    problems = [p for p in check(hostvars)["problems"] if p["field"] == "dmvpn_clouds.cloud1.dmvpn_routing"]
    assert [p["host"] for p in problems] == ["SPOKE1", "SPOKE2"]


def test_dropping_a_spoke_from_a_cloud_gives_it_that_clouds_tunnel_to_delete():
    groups = copy.deepcopy(dual.GROUPS)
    groups["cloud2"].remove("SPOKE2")
    hostvars = dual.hosts()
    hostvars["SPOKE2"].pop("dmvpn_cloud_host_vars")
    result = check(hostvars, groups)
    assert result["problems"] == []
    spoke2 = result["endpoints"]["SPOKE2"]
    assert [e["tunnel"]["name"] for e in spoke2["endpoints"]] == ["tun0"] and spoke2["absent_tunnels"] == ["tun1"]
    # and HUB2 no longer routes to SPOKE2's LAN
    assert [r["prefix"] for r in result["endpoints"]["HUB2"]["endpoints"][0]["static_routes"]] == ["192.168.11.0/24"]


def test_the_role_filter_hands_the_module_the_clouds():
    hostvars = dual.hosts()
    computed = check(hostvars)["endpoints"]["SPOKE1"]
    assert flc.dmvpn_endpoint_clouds(hostvars, "SPOKE1", computed, role="spoke") == computed
    with pytest.raises(Exception, match="dmvpn_role is 'spoke'"):
        flc.dmvpn_endpoint_clouds(hostvars, "SPOKE1", computed, role="hub")
    # removing the router: every cloud's tunnel, names only
    assert flc.dmvpn_endpoint_clouds(hostvars, "HUB1", None, role="hub", present=False) == {
        "endpoints": [{"tunnel": {"name": "tun0"}}, {"tunnel": {"name": "tun1"}}], "absent_tunnels": []}
    with pytest.raises(Exception, match="Run playbooks/site.yml"):
        flc.dmvpn_endpoint_clouds(hostvars, "SPOKE1", None)
    for hv in hostvars.values():
        hv.pop("dmvpn_clouds")
    assert flc.dmvpn_endpoint_clouds(hostvars, "SPOKE1", {"tunnel": {"name": "tun0"}}) is None


def _nhrp(interface, protocol, nbma):
    return {"interface": interface, "type": "dynamic", "protocol": protocol, "nbma": nbma, "up": True}


def _sa(remote):
    return {"connection": "dmvpn", "state": "up", "remote": remote, "scope": "sa"}


def test_verify_reports_each_cloud_from_the_part_of_the_state_its_tunnel_holds():
    hostvars = dual.hosts()
    state = {
        "HUB1": {"nhrp": [_nhrp("tun0", "10.1.0.11", "198.51.100.11"), _nhrp("tun0", "10.1.0.12", "198.51.100.12")],
                 "ipsec_sa": [_sa("198.51.100.11"), _sa("198.51.100.12")]},
        "HUB2": {"nhrp": [_nhrp("tun1", "10.2.0.11", "203.0.113.11")], "ipsec_sa": [_sa("203.0.113.11")]},
    }
    for number in (1, 2):
        state["SPOKE%d" % number] = {
            "nhrp": [_nhrp("tun0", "10.1.0.1", "198.51.100.1"), _nhrp("tun1", "10.2.0.1", "203.0.113.2")],
            "ipsec_sa": [_sa("198.51.100.1")] + ([_sa("203.0.113.2")] if number == 1 else [])}
    # SPOKE2's cloud2 is down: not registered at HUB2, no SA with it
    state["SPOKE2"]["nhrp"] = state["SPOKE2"]["nhrp"][:1]
    for name, seen in state.items():
        hostvars[name]["dmvpn_observed"] = seen
    report = flt.dmvpn_networks_report(hostvars, dual.GROUPS, dual.NETWORKS)
    rows = {(row["network"], row["host"]): (row["nhrp"], row["ipsec"], row["status"]) for row in report["rows"]}
    assert rows == {
        ("cloud1", "HUB1"): ("2/2", "2/2", "OK"), ("cloud1", "SPOKE1"): ("1/1", "1/1", "OK"),
        ("cloud1", "SPOKE2"): ("1/1", "1/1", "OK"),
        ("cloud2", "HUB2"): ("1/2", "1/2", "FAIL"), ("cloud2", "SPOKE1"): ("1/1", "1/1", "OK"),
        ("cloud2", "SPOKE2"): ("0/1", "0/1", "FAIL"),
    }
    assert "DMVPN cloud1" in report["table"] and "DMVPN cloud2" in report["table"]
    assert not report["ok"]


def test_verify_pings_what_each_cloud_has_the_router_ping():
    hostvars = dual.hosts()
    plan = flt.dmvpn_verify_pings(hostvars, dual.GROUPS["dmvpn"], "SPOKE1", groups=dual.GROUPS,
                                  network_groups=dual.NETWORKS)
    # both clouds have SPOKE1 ping SPOKE2's LAN: once, from SPOKE1's LAN
    assert plan == {"targets": ["192.168.12.1"], "source": "192.168.11.1"}


def test_a_limit_that_leaves_out_a_router_built_from_a_limited_one_is_named_in_each_cloud():
    # HUB2 routes to SPOKE2's LAN via SPOKE2's cloud2 address; HUB1 via its cloud1 address
    result = flt.dmvpn_networks_check(dual.hosts(), dual.GROUPS, dual.NETWORKS, limit=["SPOKE2"])
    assert sorted(p["host"] for p in result["problems"]) == ["HUB1", "HUB2", "SPOKE1"]
    assert all(p["field"] == "--limit" and "SPOKE2" in p["message"] for p in result["problems"])
    assert flt.dmvpn_networks_check(dual.hosts(), dual.GROUPS, dual.NETWORKS, limit=list(dual.PORTS))["problems"] == []


def test_an_emptied_cloud_leaves_every_router_its_tunnel_to_delete():
    groups = dict(copy.deepcopy(dual.GROUPS), cloud2=[])
    hostvars = dual.hosts()
    for name in ("SPOKE1", "SPOKE2"):
        hostvars[name].pop("dmvpn_cloud_host_vars")
    hostvars.pop("HUB2")
    groups = dict(groups, dmvpn=["HUB1", "SPOKE1", "SPOKE2"], dmvpn_hubs=["HUB1"])
    result = check(hostvars, groups)
    assert result["problems"] == []
    assert {host: (len(entry["endpoints"]), entry["absent_tunnels"]) for host, entry in result["endpoints"].items()} == {
        "HUB1": (1, ["tun1"]), "SPOKE1": (1, ["tun1"]), "SPOKE2": (1, ["tun1"])}


def test_the_wan_firewall_on_a_router_of_two_clouds_is_refused():
    """The WAN rules 9900-9999 are one set per router (render_firewall.py)."""
    hostvars = dual.hosts()
    for hv in hostvars.values():
        hv["dmvpn_manage_firewall"] = True
    problems = [p for p in check(hostvars)["problems"] if p["field"] == "dmvpn_manage_firewall"]
    assert [p["host"] for p in problems] == ["SPOKE1", "SPOKE2"], check(hostvars)["problems"]
    assert all("one set per router" in p["message"] and p["fix"] for p in problems)
