"""The lab prints ``show vpn ipsec sa`` the way each VyOS version's op-mode script does (issue
20): 1.2 a row per connection from ``ipsec statusall``, 1.3 a row per connection from vici
(its last IKE SA), 1.4/1.5 a row per child SA. The expected texts are tests/fixtures/ipsec,
made with tabulate itself by make_fixtures.py there (which names the scripts and commits)."""


import pytest

from vyos_lab import opmode_show
from vyos_lab.cli import LocalConsole as Console
from vyos_lab.lab import Lab, RouterSpec
from fixture_files import text

CONN = "dmvpn-NHRPVPN-tun0"
# case -> the lab's SA entries (IKE connection, peer address, state), in the fixtures' order
ENTRIES = {
    "hub": [(CONN, "198.51.100.42", "up"), (CONN, "198.51.100.43", "up")],
    "spoke-wrong-key": [(CONN, "198.51.100.41", "down")],
    "none": [],
}


def fixture(name):
    return text("ipsec", name)


@pytest.mark.parametrize("version", ["1.2", "1.3", "1.4", "1.5"])
@pytest.mark.parametrize("case", sorted(ENTRIES))
def test_the_lab_prints_what_the_versions_script_prints(version, case):
    assert opmode_show.ipsec_sa(version, ENTRIES[case], True) + "\n" == \
        fixture("show-vpn-ipsec-sa-%s-%s.txt" % (version, case))


def test_a_1_2_hub_shows_one_row_for_all_its_spokes():
    """show_ipsec_sa.py (crux 5e67704be) reads one ESTABLISHED line per connection."""
    lines = fixture("show-vpn-ipsec-sa-1.2-hub.txt").splitlines()
    assert len(lines) == 3 and lines[2].split()[:2] == [CONN, "up"]


def test_without_charon_each_version_prints_its_sentence():
    """vyatta-op-vpn templates/show/vpn/ipsec/sa/node.def (crux 18d6073, equuleus 1312905):
    echo -e "IPSec Process NOT Running\\n"; vyos-1x vpn-ipsec.xml.in (sagitta c3f688653)."""
    assert opmode_show.ipsec_sa("1.2", [], False) == "IPSec Process NOT Running\n"
    assert opmode_show.ipsec_sa("1.3", [], False) == "IPSec Process NOT Running\n"
    assert opmode_show.ipsec_sa("1.4", [], False) == "IPsec process not running"
    assert opmode_show.ipsec_sa("1.5", [], False) == "IPsec process not running"


def test_a_1_3_connection_shows_its_last_listed_sa():
    """equuleus show_ipsec_sa.py keeps the IKE SAs in a dict by name: the last one wins."""
    out = opmode_show.ipsec_sa("1.3", [(CONN, "198.51.100.42", "up"), (CONN, "198.51.100.43", "down")], True)
    assert out.splitlines()[2].split()[:2] == ["dmvpn", "down"]


@pytest.mark.parametrize("version, command, printed", [
    # vyos/vyos-nhrp templates-op/show/nhrp/tunnel/node.def (crux b428efd): || echo ...
    ("1.2", "show nhrp tunnel", "OpenNHRP is not running."),
    # vyos-1x src/op_mode/nhrp.py show_tunnel (sagitta c3f688653): UnconfiguredSubsystem
    ("1.4", "show nhrp tunnel", "OpenNHRP is not running."),
    # FRRouting/frr nhrpd/nhrp_vty.c show_ip_nhrp: no entry, "% No entries"
    ("1.5", "show ip nhrp cache", "% No entries"),
    # no such command: opennhrp versions have no show ip nhrp; 1.5's has no command of its own
    # (FRR-era op-mode-definitions/nhrp.xml.in, dozenos/dozenos-1x 020ab1d)
    ("1.4", "show ip nhrp", "\n  Invalid command: [show ip nhrp]\n"),
    ("1.5", "show ip nhrp", "\n  Invalid command: [show ip nhrp]\n"),
    ("1.5", "show nhrp tunnel", "\n  Invalid command: [show nhrp tunnel]\n"),
    ("1.3", "show vpn ipsec sa", "IPSec Process NOT Running\n"),
    ("1.5", "show vpn ipsec sa", "IPsec process not running"),
])
def test_a_router_without_nhrp_or_ipsec_prints_what_its_op_mode_prints(version, command, printed):
    lab = Lab([RouterSpec("R1", version)])
    assert Console(lab.routers["R1"], lab)(command) == printed
