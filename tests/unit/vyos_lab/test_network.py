"""DMVPN state computed across lab routers: registrations, IPsec SAs, shortcuts, mismatches."""

import pytest

from vyos_lab.cli import LocalConsole as Console
from vyos_lab.lab import Lab, RouterSpec

VERSIONS = ["1.2", "1.3", "1.4", "1.5"]


def build(version, config_lines, mutate=None):
    lab = Lab([RouterSpec(n, version) for n in ("HUB", "SPOKE1", "SPOKE2")])
    consoles = {}
    for name in ("HUB", "SPOKE1", "SPOKE2"):
        cli = Console(lab.routers[name], lab)
        lines = config_lines(version, name.lower())
        if mutate:
            lines = mutate(name, lines)
        assert cli.configure(lines) == {}
        assert cli("commit") == "", name
        cli("exit")
        consoles[name] = cli
    return lab, consoles


@pytest.mark.parametrize("version", VERSIONS)
def test_seed_topology_registers_and_brings_up_ipsec(config_lines, version):
    lab, cli = build(version, config_lines)
    nhrp_cmd = "show ip nhrp" if version == "1.5" else "show nhrp tunnel"
    hub = cli["HUB"](nhrp_cmd)
    assert hub.count("dynamic") == 2, hub
    assert "10.0.0.2" in hub and "10.0.0.3" in hub
    spoke = cli["SPOKE1"](nhrp_cmd)
    assert "198.51.100.41" in spoke
    sa = cli["HUB"]("show vpn ipsec sa")
    assert sa.count(" up ") == 2, sa
    assert "dmvpn-NHRPVPN-tun0-child" in sa


@pytest.mark.parametrize("version", ["1.2", "1.4", "1.5"])
def test_mismatched_psk_shows_the_spoke_down(config_lines, version):
    def wrong_psk(name, lines):
        if name != "SPOKE2":
            return lines
        return [line.replace("pre-shared-secret SECRET", "pre-shared-secret WRONG") for line in lines]

    lab, cli = build(version, config_lines, wrong_psk)
    sa = cli["SPOKE2"]("show vpn ipsec sa")
    assert " down " in sa and " up " not in sa, sa
    hub_sa = cli["HUB"]("show vpn ipsec sa")
    assert hub_sa.count(" up ") == 1 and hub_sa.count(" down ") == 1, hub_sa
    nhrp_cmd = "show ip nhrp" if version == "1.5" else "show nhrp tunnel"
    assert "10.0.0.3" not in cli["HUB"](nhrp_cmd)


def test_mismatched_gre_key_and_nhrp_secret(config_lines):
    def bad(name, lines):
        if name == "SPOKE1":
            return [line.replace("parameters ip key 1", "parameters ip key 2") for line in lines]
        if name == "SPOKE2":
            return [line.replace("cisco-authentication SECRET", "cisco-authentication OTHER")
                    .replace("cisco-authentication 'SECRET'", "cisco-authentication 'OTHER'") for line in lines]
        return lines

    lab, cli = build("1.4", config_lines, bad)
    hub = cli["HUB"]("show nhrp tunnel")
    assert "dynamic" not in hub, hub


@pytest.mark.parametrize("version", ["1.2", "1.4", "1.5"])
def test_spoke_to_spoke_traffic_creates_a_shortcut(config_lines, version):
    lab, cli = build(version, config_lines)
    nhrp_cmd = "show ip nhrp" if version == "1.5" else "show nhrp tunnel"
    assert "cached" not in cli["SPOKE1"](nhrp_cmd)
    out = cli["SPOKE1"]("ping 192.168.3.1 count 2")
    assert "2 received" in out, out
    assert lab.forward(lab.routers["SPOKE1"], "192.168.3.1") == (True, ["SPOKE1", "SPOKE2"])
    assert "cached" in cli["SPOKE1"](nhrp_cmd)
    assert "cached" in cli["SPOKE2"](nhrp_cmd)


def test_no_shortcut_without_redirect_on_the_hub(config_lines):
    def no_redirect(name, lines):
        return [line for line in lines if not (name == "HUB" and line.endswith("redirect"))]

    lab, cli = build("1.4", config_lines, no_redirect)
    assert "2 received" in cli["SPOKE1"]("ping 192.168.3.1 count 2")
    assert lab.forward(lab.routers["SPOKE1"], "192.168.3.1")[1] == ["SPOKE1", "HUB", "SPOKE2"]
    assert "cached" not in cli["SPOKE1"]("show nhrp tunnel")


def test_ping_fails_without_a_route_or_with_the_hub_down(config_lines):
    lab, cli = build("1.4", config_lines)
    assert "100% packet loss" in cli["SPOKE1"]("ping 192.168.99.1 count 1")
    lab.routers["HUB"].faults.down = True
    assert "100% packet loss" in cli["SPOKE1"]("ping 192.168.1.1 count 1")
    assert "dynamic" not in cli["SPOKE1"]("show nhrp tunnel")


def test_a_ping_from_the_lan_needs_the_hubs_route_back_to_that_lan(config_lines):
    """The ping follows the way back too: from SPOKE2 to SPOKE1's LAN address through the hub,
    which has no route to 192.168.2.0/24 (only its default route to the upstream gateway), so
    the reply is lost; from SPOKE1's tunnel address (the hub's connected tunnel subnet) it comes
    back. A source address the router does not have gets no reply."""
    def no_route_back(name, lines):
        return [line for line in lines if not (name == "HUB" and "route 192.168.2.0/24" in line)]

    lab, cli = build("1.4", config_lines, no_route_back)
    spoke1 = lab.routers["SPOKE1"]
    assert "0 received" in cli["SPOKE1"]("ping 192.168.3.1 count 2 source-address 192.168.2.1")
    assert lab.round_trip(spoke1, "192.168.3.1", "192.168.2.1") == (False, ["SPOKE1", "HUB", "SPOKE2", "HUB"])
    assert "cached" not in cli["SPOKE1"]("show nhrp tunnel")   # no shortcut from a ping that never came back
    assert "0 received" in cli["SPOKE1"]("ping 192.168.3.1 count 2 source-address 192.168.9.1")
    assert "2 received" in cli["SPOKE1"]("ping 192.168.3.1 count 2")
    assert lab.round_trip(spoke1, "192.168.3.1") == (True, ["SPOKE1", "SPOKE2", "SPOKE1"])
