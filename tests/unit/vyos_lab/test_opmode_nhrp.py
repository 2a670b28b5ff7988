"""The lab prints ``show nhrp tunnel`` the way each VyOS version does (issue 20): 1.4 as
vyos-1x src/op_mode/nhrp.py's tabulate table, 1.2/1.3 as opennhrpctl's blocks. The expected
texts are tests/fixtures/nhrp: made with tabulate itself (make_fixtures.py there)."""

import os

import pytest

from vyos_lab import opmode_show
from vyos_lab.cli import LocalConsole as Console
from vyos_lab.lab import Lab, RouterSpec

FIXTURES = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                        "fixtures", "nhrp")
CASES = ["empty", "hub", "spoke-hub-down", "spoke-shortcut"]


def fixture(name):
    with open(os.path.join(FIXTURES, name)) as handle:
        return handle.read()


def peers_of(output):
    """opennhrpctl's blocks as the lab's (key, value) lists, and the status."""
    parts = output.strip().split("\n\n")
    peers = [[tuple(part.strip() for part in line.split(":", 1)) for line in block.splitlines()]
             for block in parts[1:]]
    return parts[0].split(": ", 1)[1], peers


@pytest.mark.parametrize("case", CASES)
def test_the_1_4_table_is_what_tabulate_prints(case):
    status, peers = peers_of(fixture("opennhrpctl-show-%s.txt" % case))
    assert opmode_show.opennhrp_table(status, peers) + "\n" == fixture("show-nhrp-tunnel-1.4-%s.txt" % case)


@pytest.mark.parametrize("case", CASES)
def test_the_blocks_are_what_opennhrpctl_prints(case):
    status, peers = peers_of(fixture("opennhrpctl-show-%s.txt" % case))
    assert opmode_show.opennhrp_blocks(status, peers) == fixture("opennhrpctl-show-%s.txt" % case).rstrip("\n")


def _outputs(config_lines, version, mutate=lambda name, lines: lines):
    lab = Lab([RouterSpec(n, version) for n in ("HUB", "SPOKE1", "SPOKE2")])
    outputs = {}
    for name in ("HUB", "SPOKE1", "SPOKE2"):
        cli = Console(lab.routers[name], lab)
        assert cli.configure(mutate(name, config_lines(version, name.lower()))) == {}
        assert cli("commit") == "", name
        cli("exit")
        outputs[name] = cli
    return {name: cli("show nhrp tunnel") for name, cli in outputs.items()}


def test_a_1_4_hub_prints_its_peers_as_a_table(config_lines):
    """The seed's spokes take their WAN address by DHCP (the lab derives it from the name)."""
    assert _outputs(config_lines, "1.4")["HUB"].splitlines() == [
        "Status: ok",
        "Interface    Type     Protocol-Address    Alias-Address    Flags    NBMA-Address",
        "-----------  -------  ------------------  ---------------  -------  ---------------",
        "tun0         local    10.0.0.1/32         10.0.0.1         up",
        "tun0         dynamic  10.0.0.2/32                          up       100.99.133.1",
        "tun0         dynamic  10.0.0.3/32                          up       100.106.212.187",
    ]


def _wrong_psk(name, lines):
    if name != "SPOKE2":
        return lines
    return [line.replace("pre-shared-secret SECRET", "pre-shared-secret WRONG") for line in lines]


def test_a_1_3_spoke_whose_hub_is_not_up_prints_its_block_without_flags(config_lines):
    """opennhrp prints no Flags line when no flag is set (the lab printed ``Flags: down``,
    a flag opennhrp does not have)."""
    spoke2 = _outputs(config_lines, "1.3", _wrong_psk)["SPOKE2"]
    assert spoke2.split("\n\n")[2] == "Interface: tun0\nType: static\nProtocol-Address: 10.0.0.1/32\n" \
        "NBMA-Address: 198.51.100.41"
