"""Hub-to-hub reachability on the lab: two hubs built by the design (the roles' path: design,
then the module's validate and render) reach each other's LANs in every routing mode, over
the tunnel (static routes via the other hub's tunnel address, resolved by a static NHRP map)
or by BGP (an iBGP session between the hubs). The lab's forwarding decides "reaches": a ping
from one hub's LAN address to the other's and the reply back (Forwarding.round_trip)."""

import copy

import pytest
from seed_inventory import hosts

from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import design as ds
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import render as rd
from vyos_lab.cli import LocalConsole as Console
from vyos_lab.lab import Lab, RouterSpec

LANS = {"HUB": "192.168.1.1/24", "HUB2": "192.168.254.1/24", "SPOKE1": "192.168.2.1/24", "SPOKE2": "192.168.3.1/24"}
WAN = {"HUB": "198.51.100.41/30", "HUB2": "198.51.100.45/30", "SPOKE1": "dhcp", "SPOKE2": "dhcp"}
# every version alike, and the bgp_dual_hub inventory's mix (hubs 1.4 and 1.5)
MIXES = [dict.fromkeys(LANS, version) for version in ("1.2", "1.3", "1.4", "1.5")] + [
    {"HUB": "1.4", "HUB2": "1.5", "SPOKE1": "1.3", "SPOKE2": "1.5"}]
MIX_IDS = ["1.2", "1.3", "1.4", "1.5", "mixed"]


def two_hubs(routing, versions):
    """The guide's network with a second hub (10.0.0.254, LAN 192.168.254.0/24), in ``routing``
    (``ebgp``: bgp with each spoke in an AS of its own)."""
    ebgp = routing == "ebgp"
    routing = "bgp" if ebgp else routing
    inventory = hosts()
    inventory["HUB2"] = dict(copy.deepcopy(inventory["HUB"]), dmvpn_tunnel_address="10.0.0.254",
                             dmvpn_public_address="198.51.100.45", dmvpn_lan_prefixes=["192.168.254.0/24"])
    for name, hv in inventory.items():
        hv.pop("dmvpn_upstream_gateway", None)
        hv.update(dmvpn_routing=routing, dmvpn_vyos_version=versions[name])
        if routing == "bgp":
            hv["dmvpn_bgp_asn"] = 65000
    if ebgp:
        inventory["SPOKE1"]["dmvpn_bgp_asn"], inventory["SPOKE2"]["dmvpn_bgp_asn"] = 65001, 65002
    return inventory


def build(routing, versions, leave_out=()):
    """A lab whose routers got their underlay and their designed endpoint (``leave_out``: lines
    dropped by a predicate, to show what the test needs)."""
    plan = ds.design(two_hubs(routing, versions))
    lab = Lab([RouterSpec(name, version) for name, version in versions.items()])
    for name, version in versions.items():
        lines = ["set interfaces ethernet eth0 address '%s'" % WAN[name],
                 "set interfaces ethernet eth1 address '%s'" % LANS[name]]
        lines += rd.render_endpoint(plan.endpoint(name), version).to_commands()
        lines = [line for line in lines if not any(drop(name, line) for drop in leave_out)]
        cli = Console(lab.routers[name], lab)
        assert cli.configure(lines) == {}, name
        assert cli("commit") == "", name
        cli("exit")
    return lab


def reaches(lab, source, target):
    """A ping from ``source``'s LAN address to ``target``'s LAN address comes back."""
    reached, path = lab.round_trip(lab.routers[source], LANS[target].split("/")[0], LANS[source].split("/")[0])
    return reached, path


@pytest.mark.parametrize("routing", ["full_mesh", "via_hub", "bgp", "ebgp"])
@pytest.mark.parametrize("versions", MIXES, ids=MIX_IDS)
def test_each_hub_reaches_the_other_hubs_lan(routing, versions):
    lab = build(routing, versions)
    assert reaches(lab, "HUB", "HUB2") == (True, ["HUB", "HUB2", "HUB"])
    assert reaches(lab, "HUB2", "HUB") == (True, ["HUB2", "HUB", "HUB2"])
    # and the spokes still reach both hubs' LANs and each other's
    for spoke in ("SPOKE1", "SPOKE2"):
        for target in ("HUB", "HUB2"):
            assert reaches(lab, spoke, target)[0], (spoke, target)
    assert reaches(lab, "SPOKE1", "SPOKE2")[0]


def _nhrp_map_to_a_hub(name, line):
    """The hub-to-hub NHRP map lines (not a spoke's NHS entries, which register)."""
    return name.startswith("HUB") and " nhrp tunnel tun0 map " in line


@pytest.mark.parametrize("routing", ["full_mesh", "bgp"])
@pytest.mark.parametrize("versions", MIXES[1:4:2], ids=["1.3", "1.5"])
def test_without_the_static_nhrp_map_a_hub_cannot_reach_the_other_hub(routing, versions):
    # A hub resolves tunnel addresses only from the spokes registered at it: without the map
    # neither a static route nor a BGP session to the other hub's tunnel address gets there.
    lab = build(routing, versions, leave_out=(_nhrp_map_to_a_hub,))
    assert reaches(lab, "HUB", "HUB2")[0] is False
    assert reaches(lab, "HUB2", "HUB")[0] is False
