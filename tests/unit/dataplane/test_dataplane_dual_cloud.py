"""The translator on what the collection renders for two clouds (tests/unit/dataplane/dual_cloud:
inventories/dual_cloud on VyOS 1.5, converged by site.yml on the emulated lab)."""

import os

import pytest

from dataplane import translate as tr

FIXTURES = os.path.join(os.path.dirname(__file__), "dual_cloud")


def guest(router):
    with open(os.path.join(FIXTURES, "%s.txt" % router)) as fh:
        return tr.translate(fh.read())


@pytest.mark.parametrize("router, tunnels, wans", [
    ("HUB1", ["tun0"], [("eth0", "198.51.100.1")]),
    ("HUB2", ["tun1"], [("eth0", "203.0.113.2")]),
    ("SPOKE1", ["tun0", "tun1"], [("eth0", "198.51.100.11"), ("eth2", "203.0.113.11")]),
    ("SPOKE2", ["tun0", "tun1"], [("eth0", "198.51.100.12"), ("eth2", "203.0.113.12")]),
])
def test_each_router_of_two_clouds_translates(router, tunnels, wans):
    g = guest(router)
    assert sorted(g.tunnels) == tunnels and sorted(g.wans) == wans and len(g.lans) == 1
    assert sorted(g.ipsec_children) == tunnels
    # the collection's default IKE group carries DPD (clear/30/120) into each cloud's connection
    assert sorted(g.dpd) == ["dmvpn-DMVPN-CLOUD%s-%s" % ("1" if t == "tun0" else "2", t) for t in tunnels]


def test_a_spoke_runs_each_cloud_over_its_own_isp():
    g = guest("SPOKE1")
    assert "ip tunnel add tun0 mode gre local 198.51.100.11 key 1 tos inherit ttl 64" in g.commands
    assert "ip tunnel add tun1 mode gre local 203.0.113.11 key 2 tos inherit ttl 64" in g.commands
    assert g.nhrp["tun0"]["nhs"] == [("10.1.0.1", "198.51.100.1")] and g.nhrp["tun0"]["network_id"] == "1"
    assert g.nhrp["tun1"]["nhs"] == [("10.2.0.1", "203.0.113.2")] and g.nhrp["tun1"]["network_id"] == "2"
    conf = g.files["/etc/swanctl/conf.d/vyos.conf"]
    # swanctl.conf.j2: one id-less secret per bound tunnel, each its profile's key (the
    # inventory gives both clouds one PSK: strongSwan would use one id-less key for both)
    assert "    ike-dmvpn-tun0 {\n        secret = PSK-1\n" in conf
    assert "    ike-dmvpn-tun1 {\n        secret = PSK-1\n" in conf
    assert g.files["/etc/strongswan.d/interfaces_use.conf"] == "charon {\n    interfaces_use = eth0,eth2\n}\n"
    frr = g.files["/etc/frr/frr.conf"].splitlines()
    assert "ip route 192.168.12.0/24 10.1.0.12 tun0" in frr and "ip route 192.168.12.0/24 10.2.0.12 tun1" in frr


def all_guests():
    return {r: guest(r) for r in ("HUB1", "HUB2", "SPOKE1", "SPOKE2")}


def test_each_isp_gets_its_own_bridge():
    from dataplane import clouds
    assert clouds.bridges_of(all_guests()) == {
        "HUB1": {"eth0": "dpwan"}, "HUB2": {"eth0": "dpwan2"},
        "SPOKE1": {"eth0": "dpwan", "eth2": "dpwan2"}, "SPOKE2": {"eth0": "dpwan", "eth2": "dpwan2"}}


def test_clouds_hubs_and_nbma_addresses():
    from dataplane import clouds
    guests = all_guests()
    assert clouds.clouds_of(guests) == {"tun0": ("HUB1", ["SPOKE1", "SPOKE2"]), "tun1": ("HUB2", ["SPOKE1", "SPOKE2"])}
    assert clouds.source_of(guests["SPOKE1"], "tun1") == "203.0.113.11"
    assert clouds.source_of(guests["HUB2"], "tun1") == "203.0.113.2"


def test_the_capture_counts_esp_per_cloud_between_the_spokes_sources_of_that_cloud():
    from dataplane import clouds
    text = "\n".join([
        "1.0 IP 198.51.100.11 > 198.51.100.12: ESP(spi=0x1,seq=0x1), length 120",   # tun0's shortcut
        "1.1 IP 198.51.100.12 > 198.51.100.11: ESP(spi=0x2,seq=0x1), length 120",
        "1.2 IP 203.0.113.11 > 203.0.113.2: ESP(spi=0x3,seq=0x1), length 120",      # tun1 via its hub only
        "1.3 IP 203.0.113.11.500 > 203.0.113.12.500: isakmp: parent_sa ikev2_init[I]",
        "1.31 IP 203.0.113.12.4500 > 203.0.113.11.4500: UDP-encap: ESP(spi=0x4,seq=0x1), length 136",
        "1.4 IP 203.0.113.11 > 203.0.113.12: GREv0, key=0x2, length 88",            # cleartext GRE
        "1.5 IP 192.168.11.10 > 192.168.12.10: ICMP echo request, id 1, seq 1, length 64"])
    kinds, rows = clouds.spoke_esp(all_guests(), text)
    assert kinds == {"esp": 3, "gre": 1, "ike": 2, "lan": 1, "other": 0}
    assert rows == [("tun0", "SPOKE1", "SPOKE2", "198.51.100.11", "198.51.100.12", 2, 0),
                    ("tun1", "SPOKE1", "SPOKE2", "203.0.113.11", "203.0.113.12", 0, 1)]


def test_wiring_of_the_dual_inventory(monkeypatch):
    from dataplane import run as dprun
    monkeypatch.setattr(dprun, "INVENTORY", dprun.INVENTORY_DUAL)
    specs = {s["name"]: s for s in dprun.wiring(all_guests())}
    assert specs["SPOKE1"]["wan"] == "198.51.100.11" and specs["SPOKE1"]["bridges"]["eth2"] == "dpwan2"
    assert specs["HUB2"]["bridges"] == {"eth0": "dpwan2"} and specs["HUB2"]["gateway"] is None
    assert str(specs["SPOKE2"]["lan"]) == "192.168.12.1/24"


def test_single_cloud_wiring_is_all_on_dpwan():
    from dataplane import clouds
    from test_dataplane_translate import SPOKE, HUB_BGP  # pylint: disable=import-error
    guests = {"HUB": tr.translate(HUB_BGP),
              "SPOKE1": tr.translate(SPOKE)}
    assert clouds.bridges_of(guests) == {"HUB": {"eth0": "dpwan"}, "SPOKE1": {}}
