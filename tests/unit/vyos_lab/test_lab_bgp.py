"""BGP state computed across lab routers: sessions over the DMVPN, route reflection, eBGP, show output."""

import ipaddress

import pytest

from vyos_lab.cli import LocalConsole as Console
from vyos_lab.lab import Lab, RouterSpec

HUBS = {"HUB1": ("10.0.0.1", "198.51.100.41", "192.168.1.0/24"),
        "HUB2": ("10.0.0.2", "198.51.100.45", "192.168.2.0/24")}
SPOKES = {"SPOKE1": ("10.0.0.11", "192.168.11.0/24"),
          "SPOKE2": ("10.0.0.12", "192.168.12.0/24")}


def _gateway(prefix):
    net = ipaddress.IPv4Network(prefix)
    return "%s/%d" % (net.network_address + 1, net.prefixlen)


def _tunnel_lines(version, address, local):
    mask = 32 if version == "1.5" else 24
    lines = ["set interfaces tunnel tun0 address %s/%d" % (address, mask),
             "set interfaces tunnel tun0 encapsulation gre",
             "set interfaces tunnel tun0 %s %s" % ("local-ip" if version == "1.2" else "source-address", local),
             "set interfaces tunnel tun0 parameters ip key 1"]
    auth = "authentication" if version == "1.5" else "cisco-authentication"
    if version == "1.5":
        lines.append("set protocols nhrp tunnel tun0 network-id 1")
    return lines + ["set protocols nhrp tunnel tun0 %s SECRET" % auth]


def hub_lines(version, name):
    address, nbma, lan = HUBS[name]
    return ["set interfaces ethernet eth0 address %s/30" % nbma,
            "set interfaces ethernet eth1 address %s" % _gateway(lan)] + _tunnel_lines(version, address, nbma) + [
        "set protocols nhrp tunnel tun0 multicast dynamic",
        "set protocols nhrp tunnel tun0 redirect"]


def spoke_lines(version, name, hubs=("HUB1", "HUB2")):
    address, lan = SPOKES[name]
    lines = ["set interfaces ethernet eth0 address dhcp",
             "set interfaces ethernet eth1 address %s" % _gateway(lan)] + _tunnel_lines(version, address, "0.0.0.0")
    for hub in hubs:
        tip, nbma, _lan = HUBS[hub]
        if version == "1.5":
            lines.append("set protocols nhrp tunnel tun0 nhs tunnel-ip %s nbma %s" % (tip, nbma))
        else:
            lines += ["set protocols nhrp tunnel tun0 map %s/24 nbma-address %s" % (tip, nbma),
                      "set protocols nhrp tunnel tun0 map %s/24 register" % tip]
    return lines + ["set protocols nhrp tunnel tun0 shortcut"]


def bgp_lines(version, asn, lines):
    """``lines`` below the BGP base (``neighbor ...``) in the version's syntax."""
    if version in ("1.2", "1.3"):
        return ["set protocols bgp %d %s" % (asn, line) for line in lines]
    return ["set protocols bgp system-as %d" % asn] + ["set protocols bgp %s" % line for line in lines]


def rr_hub_bgp(name, extra=()):
    """An iBGP route reflector: spokes come in through a listen range."""
    return ["parameters router-id %s" % HUBS[name][0],
            "peer-group SPOKES remote-as internal",
            "peer-group SPOKES address-family ipv4-unicast route-reflector-client",
            "listen range 10.0.0.0/24 peer-group SPOKES",
            "address-family ipv4-unicast network %s" % HUBS[name][2]] + list(extra)


def spoke_bgp(name, hubs=("HUB1", "HUB2"), remote_as="internal", ipv4=True, extra=()):
    lines = ["peer-group HUBS remote-as %s" % remote_as]
    if ipv4:
        lines.append("peer-group HUBS address-family ipv4-unicast")
    lines += ["neighbor %s peer-group HUBS" % HUBS[hub][0] for hub in hubs]
    return lines + ["address-family ipv4-unicast network %s" % SPOKES[name][1]] + list(extra)


def build(version, configs):
    """A lab of routers ``{name: lines}`` with those lines committed."""
    lab = Lab([RouterSpec(name, version) for name in configs])
    consoles = {}
    for name, lines in configs.items():
        cli = Console(lab.routers[name], lab)
        assert cli.configure(lines) == {}, name
        assert cli("commit") == "", name
        cli("exit")
        consoles[name] = cli
    return lab, consoles


def rr_topology(version, spoke_extra=()):
    configs = {hub: hub_lines(version, hub) + bgp_lines(version, 65000, rr_hub_bgp(hub)) for hub in HUBS}
    for spoke in SPOKES:
        configs[spoke] = spoke_lines(version, spoke) + bgp_lines(version, 65000, spoke_bgp(spoke, extra=spoke_extra))
    return build(version, configs)


def ebgp_topology(unchanged=True, spoke1_remote_as="65000", spoke2_asn=65002):
    hub_bgp = ["peer-group SPOKES remote-as external",
               "peer-group SPOKES address-family ipv4-unicast",
               "listen range 10.0.0.0/24 peer-group SPOKES",
               "address-family ipv4-unicast network 192.168.1.0/24"]
    if unchanged:
        hub_bgp.append("peer-group SPOKES address-family ipv4-unicast attribute-unchanged next-hop")
    configs = {"HUB1": hub_lines("1.4", "HUB1") + bgp_lines("1.4", 65000, hub_bgp),
               "SPOKE1": spoke_lines("1.4", "SPOKE1", ("HUB1",))
               + bgp_lines("1.4", 65001, spoke_bgp("SPOKE1", ("HUB1",), spoke1_remote_as)),
               "SPOKE2": spoke_lines("1.4", "SPOKE2", ("HUB1",))
               + bgp_lines("1.4", spoke2_asn, spoke_bgp("SPOKE2", ("HUB1",), "65000"))}
    return build("1.4", configs)


def routes(lab, name):
    return {str(net): nh for net, nh in lab.bgp_routes(lab.routers[name])}


def paths(lab, name):
    """{prefix: Path} of the router's best learned paths."""
    return {str(path.prefix): path for path in lab.bgp_view().best_paths(lab.routers[name])}


# Not 1.2: crux has no 'protocols bgp <asn> listen' (vyatta-cfg-quagga crux, vyos_facts.json).
@pytest.mark.parametrize("version", ["1.3", "1.4", "1.5"])
def test_route_reflector_hubs_reflect_spoke_lans_with_the_spokes_next_hop(version):
    lab, cli = rr_topology(version)
    bgp = lab.bgp_view()
    for spoke in SPOKES:
        for hub in HUBS:
            row = bgp.neighbor(lab.routers[spoke], HUBS[hub][0])
            assert row.established and row.reason is None, (spoke, hub, row)
    for hub in HUBS:
        assert routes(lab, hub) == {"192.168.11.0/24": "10.0.0.11", "192.168.12.0/24": "10.0.0.12"}
        dynamic = [row.address for row in bgp.neighbors(lab.routers[hub]) if row.dynamic]
        assert dynamic == ["10.0.0.11", "10.0.0.12"]
    assert routes(lab, "SPOKE1") == {"192.168.1.0/24": "10.0.0.1", "192.168.2.0/24": "10.0.0.2",
                                     "192.168.12.0/24": "10.0.0.12"}
    assert routes(lab, "SPOKE2")["192.168.11.0/24"] == "10.0.0.11"
    reflected = paths(lab, "SPOKE1")["192.168.12.0/24"]
    assert (reflected.source, reflected.as_path, reflected.peer, reflected.origin) == ("ibgp", (), "10.0.0.1", "SPOKE2")
    # both hubs reflected it: two paths, the one from the lower router id is best
    table = [(str(path.prefix), path.peer, best) for path, best in bgp.table(lab.routers["SPOKE1"])]
    assert ("192.168.12.0/24", "10.0.0.1", True) in table and ("192.168.12.0/24", "10.0.0.2", False) in table
    assert "B>* 192.168.12.0/24 [200/0] via 10.0.0.12" in cli["SPOKE1"]("show ip route")


def test_one_hub_down_spokes_still_reach_each_other_through_the_other():
    lab, cli = rr_topology("1.4")
    lab.routers["HUB1"].faults.down = True
    bgp = lab.bgp_view()
    spoke1 = lab.routers["SPOKE1"]
    assert bgp.neighbor(spoke1, "10.0.0.1").reason == "peer down"
    assert bgp.neighbor(spoke1, "10.0.0.2").established
    assert routes(lab, "SPOKE1") == {"192.168.2.0/24": "10.0.0.2", "192.168.12.0/24": "10.0.0.12"}
    assert paths(lab, "SPOKE1")["192.168.12.0/24"].peer == "10.0.0.2"
    reached, path = lab.forward(spoke1, "192.168.12.1")
    assert reached and path[0] == "SPOKE1" and path[-1] == "SPOKE2" and "HUB1" not in path, path
    assert "1 received" in cli["SPOKE1"]("ping 192.168.12.1 count 1")


def test_a_down_hub_has_no_sessions():
    lab, _cli = rr_topology("1.4")
    hub = lab.routers["HUB1"]
    hub.faults.down = True
    assert lab.bgp_routes(hub) == []
    assert lab.bgp_summary(hub) == "% No BGP neighbors found in VRF default"


def test_forward_computes_bgp_once_per_view():
    lab, _cli = rr_topology("1.4")
    calls = []
    original = lab.bgp_view

    def counting(view=None):
        calls.append(view)
        return original(view)

    lab.bgp_view = counting
    assert lab.forward(lab.routers["SPOKE1"], "192.168.12.1")[0]
    views = {id(view) for view in calls}
    assert len(calls) >= 2 and len(views) == 1
    assert calls[0].bgp is original(calls[0])


def test_ebgp_next_hop_unchanged_keeps_the_spoke_and_prepends_the_hub_as():
    lab, cli = ebgp_topology(unchanged=True)
    learned = paths(lab, "SPOKE1")["192.168.12.0/24"]
    assert (learned.next_hop, learned.as_path, learned.source) == ("10.0.0.12", (65000, 65002), "ebgp")
    assert paths(lab, "SPOKE1")["192.168.1.0/24"].next_hop == "10.0.0.1"
    assert paths(lab, "HUB1")["192.168.11.0/24"].as_path == (65001,)
    assert "B>* 192.168.12.0/24 [20/0] via 10.0.0.12" in cli["SPOKE1"]("show ip route")
    table = cli["SPOKE1"]("show ip bgp")
    assert "*> 192.168.12.0/24  10.0.0.12                0             0 65000 65002 i" in table, table
    assert "*> 192.168.11.0/24  0.0.0.0                  0         32768 i" in table, table
    assert table.startswith("BGP table version is 3, local router ID is 10.0.0.11, vrf id 0\n"
                            "Default local pref 100, local AS 65001\n"), table
    assert table.endswith("\nDisplayed  3 routes and 3 total paths"), table
    # spoke2's route never comes back to it: its own AS is in the path
    assert "192.168.12.0/24" not in routes(lab, "SPOKE2")


def test_ebgp_without_attribute_unchanged_rewrites_the_next_hop_to_the_hub():
    lab, _cli = ebgp_topology(unchanged=False)
    assert routes(lab, "SPOKE1")["192.168.12.0/24"] == "10.0.0.1"
    assert paths(lab, "SPOKE1")["192.168.12.0/24"].as_path == (65000, 65002)
    # the packet then goes through the hub
    assert lab.forward(lab.routers["SPOKE1"], "192.168.12.1") == (True, ["SPOKE1", "HUB1", "SPOKE2"])


def test_ebgp_spokes_sharing_an_as_reject_each_others_routes():
    lab, _cli = ebgp_topology(spoke2_asn=65001)
    assert routes(lab, "SPOKE2") == {"192.168.1.0/24": "10.0.0.1"}
    row = lab.bgp_view().neighbor(lab.routers["SPOKE2"], "10.0.0.1")
    assert row.established and (row.received, row.sent) == (1, 1)


def test_remote_as_mismatch_keeps_the_session_down():
    lab, cli = ebgp_topology(spoke1_remote_as="65009")
    bgp = lab.bgp_view()
    row = bgp.neighbor(lab.routers["SPOKE1"], "10.0.0.1")
    assert not row.established and row.reason == "remote-as mismatch: 65009 vs 65000"
    assert routes(lab, "SPOKE1") == {}
    assert "192.168.11.0/24" not in routes(lab, "HUB1")
    assert [row.address for row in bgp.neighbors(lab.routers["HUB1"])] == ["10.0.0.12"]
    summary = cli["SPOKE1"]("show ip bgp summary")
    assert "10.0.0.1        4      65009         0         0        0    0    0    never       Active        0 N/A" \
        in summary, summary


def test_internal_peer_group_against_another_as_is_a_mismatch_at_the_peer():
    lab, _cli = ebgp_topology()
    hub = lab.routers["HUB1"]
    cli = Console(hub, lab)
    cli.configure(["set protocols bgp peer-group SPOKES remote-as internal"])
    assert cli("commit") == ""
    row = lab.bgp_view().neighbor(lab.routers["SPOKE2"], "10.0.0.1")
    assert row.reason == "remote-as mismatch at peer: internal vs 65002"
    assert lab.bgp_summary(hub) == "% No BGP neighbors found in VRF default"


def test_not_accepted_without_listen_range_and_no_session_without_registration():
    configs = {"HUB1": hub_lines("1.4", "HUB1") + bgp_lines("1.4", 65000, ["neighbor 10.0.0.12 remote-as internal"]),
               "SPOKE1": spoke_lines("1.4", "SPOKE1", ("HUB1",))
               + bgp_lines("1.4", 65000, spoke_bgp("SPOKE1", ("HUB1",))),
               # registers at HUB2, which does not exist
               "SPOKE2": spoke_lines("1.4", "SPOKE2", ("HUB2",))
               + bgp_lines("1.4", 65000, spoke_bgp("SPOKE2", ("HUB1",)))}
    lab, _cli = build("1.4", configs)
    bgp = lab.bgp_view()
    reason = bgp.neighbor(lab.routers["SPOKE1"], "10.0.0.1").reason
    assert reason == "not accepted by peer (no neighbor or listen range)"
    assert bgp.neighbor(lab.routers["SPOKE2"], "10.0.0.1").reason == "no NHRP registration"
    assert bgp.neighbor(lab.routers["HUB1"], "10.0.0.12").reason == "no NHRP registration"


def test_with_network_import_check_only_networks_in_the_routing_table_are_originated():
    extra = ["address-family ipv4-unicast network 192.168.99.0/24",
             "address-family ipv4-unicast network 192.168.98.0/24", "parameters network-import-check"]
    lab, _cli = rr_topology("1.4", spoke_extra=extra)
    cli = Console(lab.routers["SPOKE1"], lab)
    cli.configure(["set protocols static route 192.168.98.0/24 blackhole"])
    assert cli("commit") == ""
    learned = routes(lab, "SPOKE2")
    assert learned["192.168.98.0/24"] == "10.0.0.11"
    assert "192.168.99.0/24" not in learned
    # the spoke never installs its own networks
    assert "192.168.11.0/24" not in routes(lab, "SPOKE1")


def test_without_network_import_check_every_network_is_originated():
    extra = ["address-family ipv4-unicast network 192.168.99.0/24"]
    lab, _cli = rr_topology("1.4", spoke_extra=extra)
    # both spokes announce it (no route to it anywhere); the hubs learn it
    assert routes(lab, "HUB1")["192.168.99.0/24"] in ("10.0.0.11", "10.0.0.12")


def test_without_address_family_the_session_is_up_with_no_prefixes():
    configs = {hub: hub_lines("1.4", hub) + bgp_lines("1.4", 65000, rr_hub_bgp(hub)) for hub in HUBS}
    configs["SPOKE1"] = spoke_lines("1.4", "SPOKE1") + bgp_lines("1.4", 65000, spoke_bgp("SPOKE1"))
    configs["SPOKE2"] = spoke_lines("1.4", "SPOKE2") + bgp_lines("1.4", 65000, spoke_bgp("SPOKE2", ipv4=False))
    lab, cli = build("1.4", configs)
    bgp = lab.bgp_view()
    row = bgp.neighbor(lab.routers["SPOKE2"], "10.0.0.1")
    assert row.established and (row.received, row.sent) == (0, 0)
    assert routes(lab, "SPOKE2") == {}
    assert "192.168.12.0/24" not in routes(lab, "SPOKE1")
    hub_row = bgp.neighbor(lab.routers["HUB1"], "10.0.0.12")
    assert hub_row.dynamic and hub_row.established and hub_row.received == 0


def test_summary_text():
    lab, cli = rr_topology("1.4", spoke_extra=["neighbor 10.0.0.9 peer-group HUBS"])
    hub = cli["HUB1"]("show ip bgp summary")
    assert hub.splitlines()[:6] == [
        "IPv4 Unicast Summary (VRF default):",
        "BGP router identifier 10.0.0.1, local AS number 65000 vrf-id 0",
        "BGP table version 3",
        "RIB entries 3, using 576 bytes of memory",
        "Peers 2, using 1446 KiB of memory",
        "Peer groups 1, using 64 bytes of memory"], hub
    rows = hub.splitlines()[7:10]
    assert rows == [
        "Neighbor        V         AS   MsgRcvd   MsgSent   TblVer  InQ OutQ  Up/Down State/PfxRcd   PfxSnt Desc",
        "*10.0.0.11      4      65000        13        14        3    0    0 00:05:12            1        2 N/A",
        "*10.0.0.12      4      65000        13        14        3    0    0 00:05:12            1        2 N/A"], hub
    assert hub.endswith("\n\nTotal number of neighbors 2\n* - dynamic neighbor\n2 dynamic neighbor(s), limit 100"), hub
    spoke = cli["SPOKE1"]("show bgp summary")
    active = "10.0.0.9        4      65000         0         0        0    0    0    never       Active        0 N/A"
    assert active in spoke.splitlines(), spoke
    assert "\n10.0.0.1        4      65000" in spoke and "dynamic" not in spoke
    assert spoke.endswith("Total number of neighbors 3"), spoke


def test_summary_without_neighbors_or_without_bgp():
    lab, cli = build("1.4", {"HUB1": hub_lines("1.4", "HUB1") + bgp_lines("1.4", 65000, rr_hub_bgp("HUB1")),
                             "SPOKE1": spoke_lines("1.4", "SPOKE1", ("HUB1",))})
    assert cli["HUB1"]("show ip bgp summary") == "% No BGP neighbors found in VRF default"
    assert cli["SPOKE1"]("show ip bgp summary") == "% BGP instance not found"
    assert cli["SPOKE1"]("show ip bgp") == "% BGP instance not found"
    assert "\n*> 192.168.1.0/24   0.0.0.0                  0         32768 i\n" in cli["HUB1"]("show ip bgp")


def test_show_ip_bgp_lists_every_path_best_first():
    lab, cli = rr_topology("1.4")
    table = cli["SPOKE1"]("show ip bgp").splitlines()
    header = table.index("   Network          Next Hop            Metric LocPrf Weight Path")
    assert table[header + 1:] == [
        "*>i192.168.1.0/24   10.0.0.1                 0    100      0 i",
        "*>i192.168.2.0/24   10.0.0.2                 0    100      0 i",
        "*> 192.168.11.0/24  0.0.0.0                  0         32768 i",
        "*>i192.168.12.0/24  10.0.0.12                0    100      0 i",
        "* i                 10.0.0.12                0    100      0 i",
        "",
        "Displayed  4 routes and 5 total paths"]


@pytest.mark.parametrize("version", ["1.3", "1.5"])
def test_router_id_defaults_to_the_tunnel_address(version):
    configs = {"HUB1": hub_lines(version, "HUB1") + bgp_lines(version, 65000, rr_hub_bgp("HUB1")[1:])}
    lab, cli = build(version, configs)
    assert "BGP router identifier" not in cli["HUB1"]("show ip bgp summary")
    assert "local router ID is 10.0.0.1," in cli["HUB1"]("show ip bgp")


def test_a_next_hop_through_a_hub_that_is_down_loses_the_packet():
    """SPOKE1 routes SPOKE2's LAN via HUB1's tunnel address (a static route, over the BGP one):
    with HUB1 down the packet is lost. (The lab used to hand it to HUB2, the first hub it was
    registered at, as if HUB2 were the next hop.)"""
    lab, _cli = rr_topology("1.4")
    cli = Console(lab.routers["SPOKE1"], lab)
    cli.configure(["set protocols static route 192.168.12.0/24 next-hop 10.0.0.1"])
    assert cli("commit") == ""
    cli("exit")
    assert lab.forward(lab.routers["SPOKE1"], "192.168.12.1") == (True, ["SPOKE1", "HUB1", "SPOKE2"])
    lab.routers["HUB1"].faults.down = True
    assert lab.forward(lab.routers["SPOKE1"], "192.168.12.1") == (False, ["SPOKE1"])
    assert "0 received, 100% packet loss" in cli("ping 192.168.12.1 count 1 source-address 192.168.11.1")
