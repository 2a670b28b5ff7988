"""Unit tests of the per-version syntax table and version detection."""

import pytest

from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import version_names as vn
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import versions as vs

SHOW_VERSION_14 = """\
Version:          VyOS 1.4.0
Release train:    sagitta
Release flavor:   generic

Built by:         autobuild@vyos.net
Built on:         Mon 10 Jun 2024 08:00 UTC
Build UUID:       7d2e7a1a-0000-0000-0000-000000000000
Build commit ID:  abcdef012345

Architecture:     x86_64
Boot via:         installed image
System type:      KVM guest

Hardware vendor:  QEMU
Hardware model:   Standard PC (i440FX + PIIX, 1996)
Hardware S/N:
Hardware UUID:    00000000-0000-0000-0000-000000000000

Copyright:        VyOS maintainers and contributors
"""


def show_version(version, train=None):
    text = "Version:          VyOS %s\n" % version
    if train:
        text += "Release train:    %s\n" % train
    return text + "\nBuilt by:         someone\nArchitecture:     x86_64\n"


def test_supported_versions():
    assert vn.SUPPORTED_VERSIONS == ("1.2", "1.3", "1.4", "1.5")


@pytest.mark.parametrize(
    "value, family",
    [
        ("1.2", "1.2"),
        ("1.3", "1.3"),
        ("1.4", "1.4"),
        ("1.5", "1.5"),
        ("1.4.0", "1.4"),
        ("1.3.8", "1.3"),
        ("1.2.9-S1", "1.2"),
        ("1.5-rolling-202410210020", "1.5"),
        ("1.4-rolling-202308240020", "1.4"),
        (" 1.4.0 ", "1.4"),
        ("VyOS 1.3.8", "1.3"),
        ("v1.4", "1.4"),
        (1.2, "1.2"),
        (1.3, "1.3"),
        (1.4, "1.4"),
        (1.5, "1.5"),
        ("equuleus", "1.3"),
        ("sagitta", "1.4"),
        ("circinus", "1.5"),
        ("crux", "1.2"),
        ("2025.01.07-0021-rolling", "1.5"),
    ],
)
def test_normalize_version_accepts(value, family):
    assert vn.normalize_version(value) == family


@pytest.mark.parametrize(
    "value",
    ["1.1", "1.1.8", "1.6", "1.10", "2.0", "", "abc", "1", "one.two", None, True, 1, 1.45, 1.1, ["1.4"]],
)
def test_normalize_version_rejects_and_names_supported_list(value):
    with pytest.raises(ValueError) as err:
        vn.normalize_version(value)
    assert "1.2, 1.3, 1.4, 1.5" in str(err.value)


@pytest.mark.parametrize(
    "text, family",
    [
        (SHOW_VERSION_14, "1.4"),
        (show_version("1.2.9-S1"), "1.2"),
        (show_version("1.3.8", "equuleus"), "1.3"),
        (show_version("1.4.0", "sagitta"), "1.4"),
        (show_version("1.5-rolling-202410210020", "current"), "1.5"),
        (show_version("2025.02.10-0020-rolling", "current"), "1.5"),
        # A build whose version string carries no number: the release train decides.
        (show_version("custom-build", "sagitta"), "1.4"),
        ("\r\nVersion:          VyOS 1.3.8\r\n", "1.3"),
    ],
)
def test_version_from_show_version(text, family):
    assert vn.version_from_show_version(text) == family


def test_show_version_rejects_unsupported_version_with_clear_message():
    with pytest.raises(ValueError) as err:
        vn.version_from_show_version(show_version("1.1.8"))
    assert "1.1" in str(err.value)
    assert "supported versions are 1.2, 1.3, 1.4, 1.5" in str(err.value)


def test_show_version_train_does_not_override_a_readable_unsupported_number():
    with pytest.raises(ValueError):
        vn.version_from_show_version(show_version("1.1.8", "sagitta"))


@pytest.mark.parametrize("text", ["", "Linux router 5.4.0", "Version: 1.4.0", "VyOS 1.4.0", None])
def test_show_version_unparsable(text):
    with pytest.raises(ValueError) as err:
        vn.version_from_show_version(text)
    assert "show version" in str(err.value)


@pytest.mark.parametrize("version", vn.SUPPORTED_VERSIONS)
def test_syntax_for_is_one_object_per_family(version):
    syntax = vs.syntax_for(version)
    assert syntax.version == version
    assert vs.syntax_for(version + ".0") is syntax
    assert repr(syntax) == "Syntax(%r)" % version


def test_syntax_for_rejects_unsupported():
    with pytest.raises(ValueError):
        vs.syntax_for("1.1")


# version -> the facts that differ
FACTS = {
    "1.2": dict(
        tunnel_local_leaf="local-ip",
        tunnel_remote_leaf="remote-ip",
        multicast_words=("multicast",),
        multicast_value="enable",
        ipsec_interface_path=("vpn", "ipsec", "ipsec-interfaces", "interface"),
        nhrp_flavour="opennhrp",
        nhrp_auth_leaf="cisco-authentication",
        nhrp_holdtime_leaf="holding-time",
        nhrp_network_id_leaf=None,
        tunnel_address_host=False,
        mtu_range=(64, 8024),
        description_length=(1, 256),
        key_required_for_any_source=False,
    ),
    "1.3": dict(
        tunnel_local_leaf="source-address",
        tunnel_remote_leaf="remote",
        multicast_words=("multicast",),
        multicast_value="enable",
        ipsec_interface_path=("vpn", "ipsec", "ipsec-interfaces", "interface"),
        nhrp_flavour="opennhrp",
        nhrp_auth_leaf="cisco-authentication",
        nhrp_holdtime_leaf="holding-time",
        nhrp_network_id_leaf=None,
        tunnel_address_host=False,
        mtu_range=(64, 8024),
        description_length=(1, 256),
        key_required_for_any_source=False,
    ),
    "1.4": dict(
        tunnel_local_leaf="source-address",
        tunnel_remote_leaf="remote",
        multicast_words=("enable-multicast",),
        multicast_value=None,
        ipsec_interface_path=("vpn", "ipsec", "interface"),
        nhrp_flavour="opennhrp",
        nhrp_auth_leaf="cisco-authentication",
        nhrp_holdtime_leaf="holding-time",
        nhrp_network_id_leaf=None,
        tunnel_address_host=False,
        mtu_range=(68, 16000),
        description_length=(0, 255),
        key_required_for_any_source=True,
    ),
    "1.5": dict(
        tunnel_local_leaf="source-address",
        tunnel_remote_leaf="remote",
        multicast_words=("enable-multicast",),
        multicast_value=None,
        ipsec_interface_path=("vpn", "ipsec", "interface"),
        nhrp_flavour="frr",
        nhrp_auth_leaf="authentication",
        nhrp_holdtime_leaf="holdtime",
        nhrp_network_id_leaf="network-id",
        tunnel_address_host=True,
        mtu_range=(68, 16000),
        description_length=(0, 255),
        key_required_for_any_source=True,
    ),
}


@pytest.mark.parametrize("version", vn.SUPPORTED_VERSIONS)
def test_per_version_facts(version):
    syntax = vs.syntax_for(version)
    for name, value in FACTS[version].items():
        assert getattr(syntax, name) == value, name
    assert syntax.has_network_id == (version == "1.5")
    assert syntax.is_frr_nhrp == (version == "1.5")


@pytest.mark.parametrize("version", vn.SUPPORTED_VERSIONS)
def test_facts_shared_by_every_version(version):
    syntax = vs.syntax_for(version)
    assert syntax.key_range == (0, 4294967295)
    assert syntax.lifetime_range == (30, 86400)
    assert syntax.proposal_id_range == (1, 65535)
    assert syntax.holding_time_range == (1, 65000)
    assert syntax.distance_range == (1, 255)
    assert syntax.nhrp_auth_max_length == 8
    assert syntax.key_exchange_values == ("ikev1", "ikev2")
    assert syntax.esp_modes == ("tunnel", "transport")
    assert "dh-group2" in syntax.pfs_values and "enable" in syntax.pfs_values
    assert "dh-group3" not in syntax.pfs_values
    for value in ("aes256", "aes128", "3des", "aes256gcm128", "chacha20poly1305"):
        assert value in syntax.encryption_values
    for value in ("sha1", "md5", "sha256", "sha512"):
        assert value in syntax.hash_values


def test_value_lists_have_no_duplicates():
    for version in vn.SUPPORTED_VERSIONS:
        syntax = vs.syntax_for(version)
        for values in (syntax.encryption_values, syntax.hash_values, syntax.dh_groups, syntax.pfs_values):
            assert len(values) == len(set(values))


# 1.2/1.3: vyatta-cfg-vpn crux/equuleus profile/node.tag/authentication/pre-shared-secret/node.def;
# 1.4/1.5 keep it as the product's policy (VyOS sets no constraint there).
@pytest.mark.parametrize("version", vn.SUPPORTED_VERSIONS)
@pytest.mark.parametrize("secret", ["SECRET", "a-b+c&d!e@f#g$h%i^j*k(l)m,n.o:p_q", "x"])
def test_psk_charset_accepts(version, secret):
    assert vs.syntax_for(version).psk_allowed_re.match(secret)


@pytest.mark.parametrize("version", vn.SUPPORTED_VERSIONS)
@pytest.mark.parametrize("secret", ["", "with space", "quo'te", 'dq"', "semi;colon", "back\\slash", "nl\n", "tab\t"])
def test_psk_charset_rejects(version, secret):
    assert not vs.syntax_for(version).psk_allowed_re.match(secret)


@pytest.mark.parametrize(
    "version, path, secret",
    [
        ("1.2", ("protocols", "nhrp", "tunnel", "tun0", "cisco-authentication"), True),
        ("1.4", ("protocols", "nhrp", "tunnel", "tun7", "cisco-authentication"), True),
        ("1.5", ("protocols", "nhrp", "tunnel", "tun0", "authentication"), True),
        ("1.5", ("protocols", "nhrp", "tunnel", "tun0", "cisco-authentication"), False),
        ("1.3", ("protocols", "nhrp", "tunnel", "tun0", "authentication"), False),
        ("1.3", ("vpn", "ipsec", "profile", "NHRPVPN", "authentication", "pre-shared-secret"), True),
        ("1.5", ("vpn", "ipsec", "profile", "X", "authentication", "pre-shared-secret"), True),
        ("1.4", ("vpn", "ipsec", "profile", "X", "authentication", "mode"), False),
        ("1.4", ("vpn", "ipsec", "authentication", "psk", "peer1", "secret"), True),
        ("1.2", ("system", "login", "user", "vyos", "authentication", "encrypted-password"), True),
        ("1.4", ("protocols", "nhrp", "tunnel", "tun0"), False),
        ("1.4", ("vpn", "ipsec", "profile", "X", "authentication", "pre-shared-secret", "extra"), False),
    ],
)
def test_secret_paths(version, path, secret):
    assert vs.syntax_for(version).is_secret_path(path) is secret


@pytest.mark.parametrize("version", vn.SUPPORTED_VERSIONS)
def test_multi_value_nodes_common(version):
    syntax = vs.syntax_for(version)
    for path in [
        ("interfaces", "tunnel", "tun0", "address"),
        ("protocols", "static", "route", "192.168.2.0/24", "next-hop"),
        ("vpn", "ipsec", "profile", "NHRPVPN", "bind", "tunnel"),
        syntax.ipsec_interface_path,
        ("vpn", "ipsec", "ike-group", "IKE", "proposal"),
    ]:
        assert syntax.is_multi_value(path), path
    for path in [
        ("interfaces", "tunnel", "tun0", "description"),
        ("interfaces", "tunnel", "tun0", "parameters", "ip", "key"),
        ("interfaces", "tunnel", "tun0", syntax.tunnel_local_leaf),
        ("protocols", "nhrp", "tunnel", "tun0", syntax.nhrp_holdtime_leaf),
        ("protocols", "nhrp", "tunnel", "tun0", syntax.nhrp_auth_leaf),
        ("vpn", "ipsec", "esp-group", "ESP", "pfs"),
        ("vpn", "ipsec", "profile", "NHRPVPN", "authentication", "pre-shared-secret"),
        ("protocols", "static", "route", "0.0.0.0/0", "next-hop", "1.1.1.2", "distance"),
    ]:
        assert not syntax.is_multi_value(path), path


@pytest.mark.parametrize("version", ["1.2", "1.3", "1.4"])
def test_multi_value_nodes_opennhrp(version):
    syntax = vs.syntax_for(version)
    assert syntax.is_multi_value(("protocols", "nhrp", "tunnel", "tun0", "map"))
    # opennhrp's multicast is one value (dynamic | nhs)
    assert not syntax.is_multi_value(("protocols", "nhrp", "tunnel", "tun0", "multicast"))
    assert not syntax.is_multi_value(("protocols", "nhrp", "tunnel", "tun0", "map", "10.0.0.1/24", "nbma-address"))


def test_multi_value_nodes_frr():
    syntax = vs.syntax_for("1.5")
    base = ("protocols", "nhrp", "tunnel", "tun0")
    for path in [
        base + ("nhs", "tunnel-ip"),
        base + ("nhs", "tunnel-ip", "10.0.0.1", "nbma"),
        base + ("map", "tunnel-ip"),
        base + ("map", "tunnel-ip", "10.0.0.1", "nbma"),
        base + ("multicast",),
    ]:
        assert syntax.is_multi_value(path), path


@pytest.mark.parametrize(
    "version, expected", [("1.2", "10.0.0.1/24"), ("1.3", "10.0.0.1/24"), ("1.4", "10.0.0.1/24"), ("1.5", "10.0.0.1/32")]
)
def test_tunnel_address_form(version, expected):
    assert vs.syntax_for(version).tunnel_address("10.0.0.1", 24) == expected


def test_paths_and_map_prefix():
    syntax = vs.syntax_for("1.4")
    assert syntax.tunnel_path("tun0") == ("interfaces", "tunnel", "tun0")
    assert syntax.nhrp_path("tun0") == ("protocols", "nhrp", "tunnel", "tun0")
    assert syntax.profile_path("P") == ("vpn", "ipsec", "profile", "P")
    assert syntax.ike_group_path("I") == ("vpn", "ipsec", "ike-group", "I")
    assert syntax.esp_group_path("E") == ("vpn", "ipsec", "esp-group", "E")
    assert syntax.route_path("192.168.2.0/24") == ("protocols", "static", "route", "192.168.2.0/24")
    assert syntax.route_path("192.168.2.0/24", "10.0.0.2") == (
        "protocols", "static", "route", "192.168.2.0/24", "next-hop", "10.0.0.2")
    assert syntax.ipsec_interface_entry("eth0") == ("vpn", "ipsec", "interface", "eth0")
    assert vs.syntax_for("1.2").ipsec_interface_entry("eth0") == (
        "vpn", "ipsec", "ipsec-interfaces", "interface", "eth0")
    assert syntax.nhrp_map_prefix("10.0.0.1", 24) == "10.0.0.1/24"


def test_match_path_wildcards():
    assert vs.match_path(("a", "*", "c"), ("a", "b", "c"))
    assert not vs.match_path(("a", "*", "c"), ("a", "b", "d"))
    assert not vs.match_path(("a", "*"), ("a", "b", "c"))
    assert vs.match_path((), ())
