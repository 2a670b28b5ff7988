"""DMVPN state computed across lab routers: registrations, IPsec SAs, shortcuts, mismatches."""

import pytest

from vyos_lab.cli import LocalConsole as Console
from vyos_lab.lab import Lab, RouterSpec

VERSIONS = ["1.2", "1.3", "1.4", "1.5"]
# The command listing NHRP peers: 1.2-1.4 show nhrp tunnel (opennhrp); 1.5 show ip nhrp cache
# (FRR-era op-mode-definitions/nhrp.xml.in, dozenos/dozenos-1x 020ab1d).
NHRP_COMMAND = {"1.2": "show nhrp tunnel", "1.3": "show nhrp tunnel", "1.4": "show nhrp tunnel",
                "1.5": "show ip nhrp cache"}
# show vpn ipsec sa: 1.2/1.3 a row per connection, named dmvpn-<profile>-<tunnel> (1.2) or by
# its child dmvpn (1.3); 1.4/1.5 a row per child SA, dmvpn (1.4) or dmvpn-<profile>-<tunnel>-child
# (1.5) (vyos_lab/opmode_show.py names the scripts; tests/fixtures/ipsec).
SA_ROWS = {"1.2": ("dmvpn-NHRPVPN-tun0", 1), "1.3": ("dmvpn", 1), "1.4": ("dmvpn", 2),
           "1.5": ("dmvpn-NHRPVPN-tun0-child", 2)}


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
    hub = cli["HUB"](NHRP_COMMAND[version])
    assert hub.count("dynamic") == 2, hub
    assert "10.0.0.2" in hub and "10.0.0.3" in hub
    spoke = cli["SPOKE1"](NHRP_COMMAND[version])
    assert "198.51.100.41" in spoke
    name, rows = SA_ROWS[version]
    sa = cli["HUB"]("show vpn ipsec sa").splitlines()
    assert [line.split()[:2] for line in sa[2:]] == [[name, "up"]] * rows, sa


@pytest.mark.parametrize("version", ["1.2", "1.4", "1.5"])
def test_mismatched_psk_shows_the_spoke_down(config_lines, version):
    """1.2: the spoke's connection row is down, the hub's up (its other spoke); 1.4/1.5 list
    child SAs only: the spoke has no row, the hub one (ipsec.py show_sa, sagitta c3f688653)."""
    def wrong_psk(name, lines):
        if name != "SPOKE2":
            return lines
        return [line.replace("pre-shared-secret SECRET", "pre-shared-secret WRONG") for line in lines]

    lab, cli = build(version, config_lines, wrong_psk)
    name = SA_ROWS[version][0]
    sa = cli["SPOKE2"]("show vpn ipsec sa").splitlines()
    assert [line.split()[:2] for line in sa[2:]] == ([[name, "down"]] if version == "1.2" else []), sa
    hub_sa = cli["HUB"]("show vpn ipsec sa").splitlines()
    assert [line.split()[:2] for line in hub_sa[2:]] == [[name, "up"]], hub_sa
    assert "10.0.0.3" not in cli["HUB"](NHRP_COMMAND[version])


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
    # opennhrp lists the other spoke as "cached"; nhrpd lists the shortcut (show ip nhrp
    # shortcut: type dynamic, the other spoke's LAN via its tunnel address)
    nhrp_cmd, mark = ("show ip nhrp shortcut", "192.168.3.0/24") if version == "1.5" else ("show nhrp tunnel", "cached")
    assert mark not in cli["SPOKE1"](nhrp_cmd)
    out = cli["SPOKE1"]("ping 192.168.3.1 count 2")
    assert "2 received" in out, out
    assert lab.forward(lab.routers["SPOKE1"], "192.168.3.1") == (True, ["SPOKE1", "SPOKE2"])
    if version == "1.5":
        assert cli["SPOKE1"](nhrp_cmd).splitlines()[1].split() == ["dynamic", "192.168.3.0/24", "10.0.0.3"]
        assert cli["SPOKE2"](nhrp_cmd).splitlines()[1].split() == ["dynamic", "192.168.2.0/24", "10.0.0.2"]
    else:
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
