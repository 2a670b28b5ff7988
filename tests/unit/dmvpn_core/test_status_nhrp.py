"""The NHRP peer list each VyOS version prints, read back (issue 20): 1.2/1.3 show
opennhrpctl's ``Key: value`` blocks, 1.4 shows ``Status: ok`` and a tabulate table of them
(vyos-1x src/op_mode/nhrp.py show_tunnel, sagitta c3f688653). The outputs are the files in
tests/fixtures/nhrp: opennhrpctl's output written from opennhrp's admin.c, and the 1.4 table
made from it with tabulate by make_fixtures.py there (derived from the sources: no VyOS image
runs here)."""

import pytest

from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import status as st

from fixture_files import nhrp_entry as peer, text


def fixture(name):
    return text("nhrp", name)


EXPECTED = {
    "hub": [peer("local", "10.0.0.1", None), peer("dynamic", "10.0.0.2", "198.51.100.42"),
            peer("dynamic", "10.0.0.3", "203.0.113.7")],
    "spoke-shortcut": [peer("local", "10.0.0.2", None), peer("static", "10.0.0.1", "198.51.100.41"),
                       peer("cached", "10.0.0.3", "198.51.100.43"), peer("shortcut-route", "192.168.3.0", None)],
    "spoke-hub-down": [peer("local", "10.0.0.3", None), peer("static", "10.0.0.1", "198.51.100.41", up=False)],
    "empty": [],
}


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_the_1_4_table_and_the_blocks_it_was_made_of_give_the_same_peers(case):
    """1.4's table is read peer by peer; 1.2/1.3 read opennhrpctl's blocks it was made of."""
    table = fixture("show-nhrp-tunnel-1.4-%s.txt" % case)
    blocks = fixture("opennhrpctl-show-%s.txt" % case)
    assert [st.parse_nhrp(table, "1.4"), st.parse_nhrp(blocks, "1.2"), st.parse_nhrp(blocks, "1.3")] == \
        [EXPECTED[case]] * 3


def test_the_table_survives_a_terminal_that_cuts_trailing_spaces_and_uses_crlf():
    text = fixture("show-nhrp-tunnel-1.4-spoke-shortcut.txt")
    assert st.parse_nhrp(text.replace("\n", "  \r\n"), "1.4") == EXPECTED["spoke-shortcut"]


def test_a_hub_reading_its_1_4_table_finds_both_spokes_registered():
    """What verify concluded on a 1.4 hub before: every spoke "not registered"."""
    expected = {"role": "hub", "nhrp_peers": {"10.0.0.2": "198.51.100.42", "10.0.0.3": "203.0.113.7"},
                "ipsec": False, "ipsec_peers": 0}
    assert st.check(expected, st.parse_nhrp(fixture("show-nhrp-tunnel-1.4-hub.txt"), "1.4"), []) == []


def test_a_1_4_spoke_whose_hub_has_no_flags_is_down():
    expected = {"role": "spoke", "nhrp_peers": {"10.0.0.1": "198.51.100.41"}, "ipsec": False, "ipsec_peers": 0}
    nhrp = st.parse_nhrp(fixture("show-nhrp-tunnel-1.4-spoke-hub-down.txt"), "1.4")
    assert st.check(expected, nhrp, []) == ["NHRP: hub 10.0.0.1 is down"]
