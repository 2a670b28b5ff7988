"""The product's per-version values (dmvpn_core/versions.py, ipsec_values.py) against VyOS's
own facts (vyos_lab/facts/vyos_facts.json, derived from VyOS's sources by
tools/derive_vyos_facts.py): every Syntax value list equals the facts' enumeration of that
version, every range the facts' range, unless the range is a stated product policy (POLICY)."""

import os
import sys

import pytest

from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import versions as vs

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
sys.path.insert(0, REPO)
from vyos_lab import facts  # noqa: E402

VERSIONS = ("1.2", "1.3", "1.4", "1.5")
ESP = "vpn ipsec esp-group * "
IKE = "vpn ipsec ike-group * "

# Syntax attribute -> the paths whose enumeration it must equal.
ENUMS = {
    "encryption_values": (ESP + "proposal * encryption", IKE + "proposal * encryption"),
    "hash_values": (ESP + "proposal * hash", IKE + "proposal * hash"),
    "pfs_values": (ESP + "pfs",),
    "key_exchange_values": (IKE + "key-exchange",),
    "esp_modes": (ESP + "mode",),
}
# Syntax attribute -> paths whose range it must equal (the tag's own value for a tag path).
RANGES = {
    "lifetime_range": (ESP + "lifetime",),
    "mtu_range": ("interfaces tunnel * mtu",),
    "key_range": ("interfaces tunnel * parameters ip key",),
    "proposal_id_range": (ESP + "proposal", IKE + "proposal"),
    "distance_range": ("protocols static route * next-hop * distance",),
}
# Ranges the product keeps narrower than VyOS on purpose (said so next to them in versions.py):
# NHRP holding time (1.2-1.4 take any u32; the product keeps 1.5 nhrpd's 1-65000 everywhere) and
# network-id (no constraint in the FRR-era XML).
POLICY = {"holding_time_range", "network_id_range"}
UNCONSTRAINED = {("proposal_id_range", ESP + "proposal"), ("proposal_id_range", IKE + "proposal")}


def constraint(version, path):
    entry = facts.fact(version, path)
    assert entry and "kind" in entry, "%s is not on VyOS %s" % (path, version)
    return entry.get("constraint") or {}


def one_range(version, path):
    ranges = constraint(version, path)["ranges"]
    assert len(ranges) == 1, (path, ranges)
    return tuple(ranges[0])


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("attribute", sorted(ENUMS))
def test_value_lists_are_vyos_enumerations(version, attribute):
    mine = getattr(vs.syntax_for(version), attribute)
    for path in ENUMS[attribute]:
        assert sorted(mine) == sorted(constraint(version, path)["enum"]), (attribute, path)


@pytest.mark.parametrize("version", VERSIONS)
def test_dh_groups_are_the_vyos_groups(version):
    spec = constraint(version, IKE + "proposal * dh-group")
    if "enum" in spec:
        groups = spec["enum"]
    else:
        groups = [str(n) for low, high in spec["ranges"] for n in range(low, high + 1)]
    assert sorted(vs.syntax_for(version).dh_groups, key=int) == sorted(groups, key=int)


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("attribute", sorted(RANGES))
def test_ranges_are_vyos_ranges(version, attribute):
    for path in RANGES[attribute]:
        if not constraint(version, path) and (attribute, path) in UNCONSTRAINED:
            continue  # VyOS takes any value here; the product's range is its policy
        assert getattr(vs.syntax_for(version), attribute) == one_range(version, path), (attribute, path)


def test_the_unconstrained_paths_are_unconstrained_from_1_4():
    """vyos-1x vpn_ipsec.xml.in (sagitta c3f688653, current 3710c5879): the proposal tags have no
    constraint; 1.2/1.3 templates say 1-65535 (what the product keeps everywhere)."""
    for attribute, path in UNCONSTRAINED:
        assert constraint("1.2", path)["ranges"] == [[1, 65535]]
        assert not constraint("1.4", path) and not constraint("1.5", path)


@pytest.mark.parametrize("version", VERSIONS)
def test_description_length_is_the_vyos_one(version):
    pattern = constraint(version, "interfaces tunnel * description")["regex"][0]
    low, high = pattern.split("{")[1].split("}")[0].split(",")
    assert vs.syntax_for(version).description_length == (int(low), int(high))


@pytest.mark.parametrize("version", VERSIONS)
def test_psk_charset_is_vyos_one(version):
    """Every printable ASCII character: on 1.2/1.3 the product takes it in a PSK exactly when
    VyOS does (the template's pattern); on 1.4+ VyOS takes any text and the product keeps the
    1.2/1.3 charset as its policy (ipsec_values._PSK)."""
    entry = facts.fact(version, "vpn ipsec profile * authentication pre-shared-secret")
    mine = vs.syntax_for(version).psk_allowed_re
    for char in map(chr, range(32, 127)):
        vyos = facts.verdict(entry, "ab" + char)
        if "regex" in entry.get("constraint", {}):
            assert bool(mine.match("ab" + char)) == vyos, (version, char)
        else:  # policy: the product's charset is a subset of VyOS's (any text)
            assert vyos is True
    assert not mine.match("")


@pytest.mark.parametrize("version", VERSIONS)
def test_policy_ranges_stay_inside_what_vyos_accepts(version):
    syntax = vs.syntax_for(version)
    holding = syntax.nhrp_holdtime_leaf
    entry = facts.fact(version, "protocols nhrp tunnel * " + holding)
    for value in syntax.holding_time_range:
        assert facts.verdict(entry, str(value)) is True
    if syntax.has_network_id:
        entry = facts.fact(version, "protocols nhrp tunnel * network-id")
        assert all(facts.verdict(entry, str(v)) for v in syntax.network_id_range)
    assert POLICY == {"holding_time_range", "network_id_range"}


# -- IKE/ESP group options (ipsec_values *_GROUP_OPTIONS) ----------------------------------
@pytest.mark.parametrize("version", VERSIONS)
def test_dpd_actions_and_range_are_vyos_ones(version):
    """1.2-1.4: the enumeration of dead-peer-detection action; 1.5: only clear, a subset (the
    FRR-era profile.j2, aapostoliuk/vyos-1x 74ba38b, forces dpd_action = clear)."""
    syntax = vs.syntax_for(version)
    vyos = constraint(version, IKE + "dead-peer-detection action")["enum"]
    if version == "1.5":
        assert syntax.dpd_actions == ("clear",) and "clear" in vyos
    else:
        assert sorted(syntax.dpd_actions) == sorted(vyos)
    for leaf in ("interval", "timeout"):
        assert syntax.dpd_range == one_range(version, IKE + "dead-peer-detection " + leaf)
    # the migrated words are the 1.2/1.3 ones, written as 1.4's (sagitta 12-to-13)
    for old, new in syntax.migrated_dpd_actions.items():
        assert old in constraint("1.3", IKE + "dead-peer-detection action")["enum"] and new in vyos


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("switch", ["ikev2_reauth_switch", "disable_mobike_switch", "compression_switch"])
def test_switches_are_vyos_nodes(version, switch):
    """A switch is a valueless leaf (1.4+) or a leaf whose enumeration holds its word (1.2/1.3)."""
    words, word = getattr(vs.syntax_for(version), switch)
    base = ESP if switch == "compression_switch" else IKE
    entry = facts.fact(version, base + " ".join(words))
    if word is None:
        assert entry.get("kind") == "flag", (version, words, entry)
    else:
        assert entry.get("kind") == "leaf" and word in entry["constraint"]["enum"], (version, words, entry)


@pytest.mark.parametrize("version", VERSIONS)
def test_esp_life_counts_exist_exactly_where_the_product_knows_their_range(version):
    syntax = vs.syntax_for(version)
    for attribute, path in (("life_bytes_range", ESP + "life-bytes"), ("life_packets_range", ESP + "life-packets")):
        entry = facts.fact(version, path)
        if getattr(syntax, attribute) is None:
            assert entry.get("absent"), (version, path)
        else:
            assert getattr(syntax, attribute) == one_range(version, path)
