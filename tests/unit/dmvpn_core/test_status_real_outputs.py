"""The status parsers on what real FRR prints (issue 20): tests/fixtures/dataplane holds the
outputs the dataplane lab's VMs printed (Debian 12's FRR 8.4 nhrpd/bgpd/zebra, the same
commands VyOS 1.5 runs through vtysh), recorded by its capture mode (dataplane/capture.py).
The names say phase, router and command. A parser that misreads a real output fails here."""


from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import status as st

from fixture_files import nhrp_entry as entry, text


def real(name):
    return text("dataplane", name)


def test_a_hubs_cache_lists_every_registered_spoke_as_up():
    """nhrpd flags a registered spoke T (and A while authenticated), never U without traffic:
    up means bound to an NBMA address, not the U flag (the reader wanted U before: on a real
    1.5 hub every spoke was "down")."""
    assert st.parse_frr_nhrp(real("static-HUB-show-ip-nhrp-cache.txt")) == [
        entry("local", "10.0.0.1", "198.51.100.41"), entry("dynamic", "10.0.0.12", "203.0.113.12"),
        entry("dynamic", "10.0.0.13", "203.0.113.13"), entry("dynamic", "10.0.0.11", "203.0.113.11")]


def test_a_spokes_cache_lists_its_hub_as_nhs_and_its_shortcut_peers_as_dynamic():
    entries = st.parse_frr_nhrp(real("static-SPOKE1-show-ip-nhrp-cache.txt"))
    assert entries[:4] == [entry("nhs", "10.0.0.1", "198.51.100.41"), entry("dynamic", "10.0.0.12", "203.0.113.12"),
                           entry("dynamic", "10.0.0.13", "203.0.113.13"), entry("local", "10.0.0.11", "203.0.113.11")]
    # (and the LAN hosts the shortcuts resolved)
    assert [e["protocol"] for e in entries[4:]] == ["192.168.12.10", "192.168.13.10"]


def test_verify_passes_on_the_real_hub_and_sees_the_new_dhcp_address():
    expected = {"role": "hub", "ipsec": False, "ipsec_peers": 0,
                "nhrp_peers": {"10.0.0.11": None, "10.0.0.12": None, "10.0.0.13": None}}
    assert st.check(expected, st.parse_nhrp(real("static-HUB-show-ip-nhrp-cache.txt"), "1.5"), []) == []
    moved = {e["protocol"]: e["nbma"] for e in st.parse_frr_nhrp(real("static-new-lease-HUB-show-ip-nhrp-cache.txt"))}
    assert moved["10.0.0.12"] == "203.0.113.112"


def test_the_shortcut_table_and_no_entries():
    assert st.parse_frr_nhrp_shortcut(real("static-SPOKE1-show-ip-nhrp-shortcut.txt")) == [
        {"type": "dynamic", "prefix": "192.168.12.0/24", "via": "10.0.0.12"},
        {"type": "dynamic", "prefix": "192.168.13.0/24", "via": "10.0.0.13"}]
    assert real("static-HUB-show-ip-nhrp-shortcut.txt") == "% No entries"
    assert st.parse_frr_nhrp_shortcut(real("static-HUB-show-ip-nhrp-shortcut.txt")) == []
    assert st.parse_frr_nhrp(real("static-HUB-show-ip-nhrp-nhs.txt")) == []


def test_the_route_table():
    routes = {r["prefix"]: r for r in st.parse_route_table(real("static-SPOKE1-show-ip-route.txt"))}
    assert routes["10.0.0.0/24"] == {"code": "S", "prefix": "10.0.0.0/24", "selected": True, "via": "10.0.0.1",
                                     "interface": "tun0"}
    assert routes["192.168.13.0/24"]["code"] == "N" and routes["192.168.13.0/24"]["via"] == "10.0.0.13"
    assert routes["192.168.11.0/24"]["interface"] == "eth1" and routes["192.168.11.0/24"]["via"] is None
    assert st.parse_routes(real("static-SPOKE1-show-ip-route.txt"), codes="N") == [
        "10.0.0.1/32", "10.0.0.13/32", "192.168.13.0/24", "192.168.13.10/32"]
