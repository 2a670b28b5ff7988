"""``show vpn ipsec sa`` read back per version (issue 20), from tests/fixtures/ipsec (made with
tabulate from each version's op-mode script by make_fixtures.py there, which cites them):
1.2/1.3 list one row per connection, so a hub with two spokes has one up row and is fine;
1.4/1.5 list one row per child SA, and a peer whose IKE SA does not establish has no row."""

import pytest

from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import status as st
from fixture_files import text


def fixture(version, case):
    return text("ipsec", "show-vpn-ipsec-sa-%s-%s.txt" % (version, case))


def row(connection, state, remote, scope):
    return {"connection": connection, "state": state, "remote": remote, "scope": scope}


HUB = {
    "1.2": [row("dmvpn-NHRPVPN-tun0", "up", "198.51.100.42", "connection")],
    "1.3": [row("dmvpn", "up", "198.51.100.43", "connection")],
    "1.4": [row("dmvpn", "up", "198.51.100.42", "sa"), row("dmvpn", "up", "198.51.100.43", "sa")],
    "1.5": [row("dmvpn-NHRPVPN-tun0-child", "up", "198.51.100.42", "sa"),
            row("dmvpn-NHRPVPN-tun0-child", "up", "198.51.100.43", "sa")],
}
WRONG_KEY = {
    "1.2": [row("dmvpn-NHRPVPN-tun0", "down", None, "connection")],
    "1.3": [row("dmvpn", "down", None, "connection")],
    "1.4": [],
    "1.5": [],
}
HUB_EXPECTED = {"role": "hub", "nhrp_peers": {}, "ipsec": True, "ipsec_peers": 2}
SPOKE_EXPECTED = {"role": "spoke", "nhrp_peers": {}, "ipsec": True, "ipsec_peers": 1}


@pytest.mark.parametrize("version", sorted(HUB))
def test_each_versions_table_is_read_row_by_row(version):
    assert st.parse_ipsec_sa(fixture(version, "hub"), version) == HUB[version]
    assert st.parse_ipsec_sa(fixture(version, "spoke-wrong-key"), version) == WRONG_KEY[version]
    assert st.parse_ipsec_sa(fixture(version, "none"), version) == []


@pytest.mark.parametrize("version", sorted(HUB))
def test_a_hub_with_both_spokes_up_has_no_problem(version):
    """1.2/1.3: one up row stands for the connection; 1.4/1.5: one up row per spoke."""
    assert st.check(HUB_EXPECTED, [], st.parse_ipsec_sa(fixture(version, "hub"), version)) == []


@pytest.mark.parametrize("version, problems", [
    ("1.2", ["IPsec: connection dmvpn-NHRPVPN-tun0 is down", "IPsec: 0 of 1 SAs up"]),
    ("1.3", ["IPsec: connection dmvpn is down", "IPsec: 0 of 1 SAs up"]),
    ("1.4", ["IPsec: 0 of 1 SAs up"]),
    ("1.5", ["IPsec: 0 of 1 SAs up"]),
])
def test_a_spoke_with_a_wrong_key_is_reported(version, problems):
    assert st.check(SPOKE_EXPECTED, [], st.parse_ipsec_sa(fixture(version, "spoke-wrong-key"), version)) == problems


def test_a_1_4_hub_missing_a_spoke_row_is_short_of_one():
    one = fixture("1.4", "hub").splitlines()[:3]
    assert st.check(HUB_EXPECTED, [], st.parse_ipsec_sa("\n".join(one), "1.4")) == ["IPsec: 1 of 2 SAs up"]


@pytest.mark.parametrize("version, text", [("1.2", "IPSec Process NOT Running\n"), ("1.4", "IPsec process not running")])
def test_no_charon_gives_no_rows(version, text):
    assert st.parse_ipsec_sa(text, version) == []
