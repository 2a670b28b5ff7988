"""Unit tests of the DMVPN endpoint model: validation, normalisation, problem reporting."""

import copy

import pytest

from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import checker as ck
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import model as md
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.version_names import SUPPORTED_VERSIONS


def groups(role):
    suffix = role.upper()
    return {
        "ike_group": {
            "name": "IKE-" + suffix,
            "lifetime": 3600,
            "proposal": [
                {"proposal_id": 1, "encryption": "aes256", "hash": "sha1"},
                {"proposal_id": 2, "encryption": "aes128", "hash": "sha1"},
            ],
        },
        "esp_group": {
            "name": "ESP-" + suffix,
            "lifetime": 1800,
            "pfs": "dh-group2",
            "proposal": [
                {"proposal_id": 1, "encryption": "aes256", "hash": "sha1"},
                {"proposal_id": 2, "encryption": "3des", "hash": "md5"},
            ],
        },
    }


def hub():
    ipsec = {"interface": "eth0", "profile": {"name": "NHRPVPN", "pre_shared_secret": "SECRET"}}
    ipsec.update(groups("hub"))
    return {
        "tunnel": {"name": "tun0", "address": "10.0.0.1/24", "source_address": "198.51.100.41", "key": 1},
        "nhrp": {"role": "hub", "authentication": "SECRET", "holding_time": 300},
        "ipsec": ipsec,
        "static_routes": [
            {"prefix": "0.0.0.0/0", "next_hop": "1.1.1.2"},
            {"prefix": "192.168.2.0/24", "next_hop": "10.0.0.2"},
            {"prefix": "192.168.3.0/24", "next_hop": "10.0.0.3"},
        ],
    }


def spoke():
    ipsec = {"interface": "eth0", "profile": {"name": "NHRPVPN", "pre_shared_secret": "SECRET"}}
    ipsec.update(groups("spoke"))
    return {
        "tunnel": {"name": "tun0", "address": "10.0.0.2/24", "source_address": "0.0.0.0", "key": 1},
        "nhrp": {"role": "spoke", "authentication": "SECRET",
                 "nhs": [{"tunnel_ip": "10.0.0.1", "nbma": "198.51.100.41"}]},
        "ipsec": ipsec,
        "static_routes": [
            {"prefix": "192.168.1.0/24", "next_hop": "10.0.0.1"},
            {"prefix": "192.168.3.0/24", "next_hop": "10.0.0.3"},
        ],
    }


def problems(data, version="1.4"):
    with pytest.raises(ck.ModelError) as err:
        md.validate_endpoint(data, version)
    return err.value


def fields(data, version="1.4"):
    return problems(data, version).fields()


def changed(base, path, value):
    """A deep copy of ``base`` with the dotted ``path`` set to ``value`` (``[n]`` indexes)."""
    data = copy.deepcopy(base)
    node = data
    parts = path.replace("[", ".").replace("]", "").split(".")
    for part in parts[:-1]:
        node = node[int(part)] if part.isdigit() else node[part]
    last = parts[-1]
    if last.isdigit():
        node[int(last)] = value
    else:
        node[last] = value
    return data


# -- the valid seed endpoints --------------------------------------------------------------
@pytest.mark.parametrize("version", SUPPORTED_VERSIONS)
def test_hub_is_valid_and_fully_normalised(version):
    result = md.validate_endpoint(hub(), version)
    assert result == {
        "tunnel": {"name": "tun0", "address": "10.0.0.1/24", "source_address": "198.51.100.41",
                   "source_interface": None, "key": 1, "description": None, "mtu": None, "multicast": True,
                   "adjust_mss": None},
        # FRR's nhrpd (1.5) leaves NHRP off without a network-id: 1 unless given
        "nhrp": {"role": "hub", "authentication": "SECRET", "holding_time": 300,
                 "network_id": 1 if version == "1.5" else None,
                 "redirect": True, "shortcut": False, "nhs": [], "maps": []},
        "ipsec": {
            "interface": "eth0",
            "ike_group": {"name": "IKE-HUB", "key_exchange": None, "lifetime": 3600, "proposal": [
                {"proposal_id": 1, "encryption": "aes256", "hash": "sha1", "dh_group": None},
                {"proposal_id": 2, "encryption": "aes128", "hash": "sha1", "dh_group": None}],
                "dead_peer_detection": None, "close_action": None, "ikev2_reauth": False, "disable_mobike": False},
            "esp_group": {"name": "ESP-HUB", "lifetime": 1800, "mode": None, "pfs": "dh-group2", "proposal": [
                {"proposal_id": 1, "encryption": "aes256", "hash": "sha1"},
                {"proposal_id": 2, "encryption": "3des", "hash": "md5"}],
                "compression": False, "life_bytes": None, "life_packets": None},
            "profile": {"name": "NHRPVPN", "pre_shared_secret": "SECRET"},
        },
        "static_routes": [
            {"prefix": "0.0.0.0/0", "next_hop": "1.1.1.2", "distance": None},
            {"prefix": "192.168.2.0/24", "next_hop": "10.0.0.2", "distance": None},
            {"prefix": "192.168.3.0/24", "next_hop": "10.0.0.3", "distance": None},
        ],
        "bgp": None,
        "firewall": None,
        "extra": {"tunnel": [], "nhrp": [], "ike_group": [], "esp_group": [], "profile": []},
    }


@pytest.mark.parametrize("version", SUPPORTED_VERSIONS)
def test_spoke_defaults(version):
    result = md.validate_endpoint(spoke(), version)
    assert result["nhrp"]["redirect"] is True
    assert result["nhrp"]["shortcut"] is True  # spokes default to shortcut, hubs do not
    assert result["nhrp"]["holding_time"] is None
    assert result["nhrp"]["nhs"] == [{"tunnel_ip": "10.0.0.1", "nbma": "198.51.100.41"}]
    assert result["tunnel"]["source_address"] == "0.0.0.0"


@pytest.mark.parametrize("make", [hub, spoke])
def test_validation_is_idempotent_and_does_not_touch_input(make):
    data = make()
    before = copy.deepcopy(data)
    once = md.validate_endpoint(data, "1.4")
    assert data == before
    assert md.validate_endpoint(once, "1.4") == once
    assert once is not data


def test_ipsec_may_be_off():
    data = hub()
    data["ipsec"] = None
    assert md.validate_endpoint(data, "1.3")["ipsec"] is None
    del data["ipsec"]
    assert md.validate_endpoint(data, "1.3")["ipsec"] is None


def test_static_routes_default_to_empty():
    data = hub()
    del data["static_routes"]
    assert md.validate_endpoint(data, "1.4")["static_routes"] == []


# -- normalisation ---------------------------------------------------------------------------
def test_normalisation_of_numbers_addresses_and_groups():
    data = spoke()
    data["tunnel"].update({"key": "42", "address": "10.0.0.2/255.255.255.0", "mtu": "1400"})
    data["nhrp"]["holding_time"] = "600"
    data["ipsec"]["ike_group"]["proposal"][0]["dh_group"] = 14
    data["ipsec"]["ike_group"]["proposal"][1]["dh_group"] = "2"
    data["ipsec"]["ike_group"]["proposal"][0]["proposal_id"] = "1"
    data["static_routes"] = [{"prefix": "192.0.2.7", "next_hop": "10.0.0.1", "distance": "250"}]
    result = md.validate_endpoint(data, "1.4")
    assert result["tunnel"]["key"] == 42
    assert result["tunnel"]["mtu"] == 1400
    assert result["tunnel"]["address"] == "10.0.0.2/24"
    assert result["nhrp"]["holding_time"] == 600
    assert [p["dh_group"] for p in result["ipsec"]["ike_group"]["proposal"]] == ["14", "2"]
    assert result["ipsec"]["ike_group"]["proposal"][0]["proposal_id"] == 1
    assert result["static_routes"] == [{"prefix": "192.0.2.7/32", "next_hop": "10.0.0.1", "distance": 250}]


def test_tunnel_network_and_secrets():
    result = md.validate_endpoint(spoke(), "1.4")
    assert str(md.tunnel_network(result)) == "10.0.0.0/24"
    data = spoke()
    data["nhrp"]["authentication"] = "NHRPKEY"
    data["ipsec"]["profile"]["pre_shared_secret"] = "PSK-1"
    assert md.endpoint_secrets(md.validate_endpoint(data, "1.4")) == ["NHRPKEY", "PSK-1"]
    assert md.endpoint_secrets(result) == ["SECRET"]
    assert md.endpoint_secrets(None) == []
    assert md.endpoint_secrets({"nhrp": None, "ipsec": None}) == []


# -- problem reporting -------------------------------------------------------------------------
def test_all_problems_are_collected_in_one_pass():
    data = spoke()
    data["tunnel"]["name"] = "tunnel0"
    data["tunnel"]["key"] = -1
    data["nhrp"]["nhs"][0]["nbma"] = "not-an-ip"
    data["ipsec"]["profile"]["pre_shared_secret"] = "has space"
    data["static_routes"][0]["next_hop"] = "10.0.0.300"
    err = problems(data)
    assert err.fields() == [
        "tunnel.name",
        "tunnel.key",
        "nhrp.nhs[0].nbma",
        "ipsec.profile.pre_shared_secret",
        "static_routes[0].next_hop",
    ]
    for problem in err.problems:
        assert problem.message and problem.fix
        assert set(problem.as_dict()) == {"field", "message", "fix"}
    assert err.as_list()[0]["field"] == "tunnel.name"
    text = str(err)
    assert text.startswith("5 problems in the DMVPN endpoint:")
    assert "nhrp.nhs[0].nbma" in text and "fix:" in text


def test_model_error_is_a_value_error_and_problem_api():
    err = ck.ModelError([ck.Problem("a.b", "is wrong", "make it right")])
    assert isinstance(err, ValueError)
    assert str(err) == "1 problem in the DMVPN endpoint:\n- a.b: is wrong (fix: make it right)"
    assert err.problems[0] == ck.Problem("a.b", "is wrong", "make it right")
    assert "a.b" in repr(err.problems[0])


@pytest.mark.parametrize("version", ["1.1", "2.0", None, "x"])
def test_unsupported_version_is_a_problem(version):
    err = problems(hub(), version)
    assert err.fields() == ["version"]
    assert "1.2, 1.3, 1.4, 1.5" in str(err)


@pytest.mark.parametrize("data", [None, "tun0", ["tunnel"], 3])
def test_endpoint_must_be_a_mapping(data):
    assert problems(data).fields() in (["config"], [""])


def test_required_sections():
    assert fields({}) == ["tunnel", "nhrp"]
    assert fields({"tunnel": hub()["tunnel"]}) == ["nhrp"]


def test_unknown_keys_are_reported_with_their_place():
    data = hub()
    data["bogus"] = 1
    data["tunnel"]["remote"] = "192.0.2.1"
    data["nhrp"]["holdingtime"] = 300
    data["ipsec"]["ike_group"]["proposal"][0]["prf"] = "prfsha1"
    assert fields(data) == ["bogus", "tunnel.remote", "nhrp.holdingtime", "ipsec.ike_group.proposal[0].prf"]


# (dotted path to change, new value, version, expected problem field)
INVALID = [
    # tunnel
    ("tunnel.name", "eth0", "1.4", "tunnel.name"),
    ("tunnel.name", "tun", "1.4", "tunnel.name"),
    ("tunnel.name", None, "1.4", "tunnel.name"),
    ("tunnel.name", 0, "1.4", "tunnel.name"),
    ("tunnel.address", "10.0.0.1", "1.4", "tunnel.address"),
    ("tunnel.address", "10.0.0.0/24", "1.4", "tunnel.address"),
    ("tunnel.address", "10.0.0.255/24", "1.4", "tunnel.address"),
    ("tunnel.address", "10.0.0.1/32", "1.5", "tunnel.address"),
    ("tunnel.address", "10.0.0.1/31", "1.4", "tunnel.address"),
    ("tunnel.address", "224.0.0.1/24", "1.4", "tunnel.address"),
    ("tunnel.address", "127.0.0.1/8", "1.4", "tunnel.address"),
    ("tunnel.address", "2001:db8::1/64", "1.4", "tunnel.address"),
    ("tunnel.address", "10.0.0.1/33", "1.4", "tunnel.address"),
    ("tunnel.source_address", "198.51.100.300", "1.4", "tunnel.source_address"),
    ("tunnel.source_address", "198.51.100.41/30", "1.4", "tunnel.source_address"),
    ("tunnel.source_address", "0.0.0.0", "1.4", "tunnel.source_address"),  # hub needs a real address
    ("tunnel.source_address", "239.1.1.1", "1.4", "tunnel.source_address"),
    ("tunnel.source_address", None, "1.4", "tunnel.source_address"),
    ("tunnel.key", 4294967296, "1.4", "tunnel.key"),
    ("tunnel.key", -1, "1.4", "tunnel.key"),
    ("tunnel.key", "one", "1.4", "tunnel.key"),
    ("tunnel.key", True, "1.4", "tunnel.key"),
    ("tunnel.key", 1.5, "1.4", "tunnel.key"),
    ("tunnel.mtu", 64, "1.4", "tunnel.mtu"),
    ("tunnel.mtu", 67, "1.5", "tunnel.mtu"),
    ("tunnel.mtu", 8025, "1.3", "tunnel.mtu"),
    ("tunnel.mtu", 16001, "1.4", "tunnel.mtu"),
    ("tunnel.mtu", 63, "1.2", "tunnel.mtu"),
    # ip adjust-mss: vyos-1x include/interface/adjust-mss.xml.i (sagitta/current) 536-65535 or
    # clamp-mss-to-pmtu; not on the 1.2/1.3 tunnel (equuleus ipv4-options.xml.i has none)
    ("tunnel.adjust_mss", 1360, "1.2", "tunnel.adjust_mss"),
    ("tunnel.adjust_mss", 1360, "1.3", "tunnel.adjust_mss"),
    ("tunnel.adjust_mss", 535, "1.4", "tunnel.adjust_mss"),
    ("tunnel.adjust_mss", 1437, "1.5", "tunnel.adjust_mss"),  # over the default MTU 1476 less 40
    ("tunnel.adjust_mss", "clamp", "1.4", "tunnel.adjust_mss"),
    ("tunnel.adjust_mss", True, "1.4", "tunnel.adjust_mss"),
    ("tunnel.description", "x" * 256, "1.4", "tunnel.description"),
    ("tunnel.description", "x" * 257, "1.3", "tunnel.description"),
    ("tunnel.description", "", "1.3", "tunnel.description"),
    ("tunnel.description", "", "1.2", "tunnel.description"),
    ("tunnel.description", "two\nlines", "1.4", "tunnel.description"),
    ("tunnel.description", "bell\x07", "1.4", "tunnel.description"),
    ("tunnel.description", 5, "1.4", "tunnel.description"),
    ("tunnel.multicast", "yes", "1.4", "tunnel.multicast"),
    # nhrp
    ("nhrp.role", "server", "1.4", "nhrp.role"),
    ("nhrp.role", None, "1.4", "nhrp.role"),
    ("nhrp.authentication", "123456789", "1.4", "nhrp.authentication"),
    ("nhrp.authentication", "", "1.4", "nhrp.authentication"),
    ("nhrp.authentication", "a b", "1.4", "nhrp.authentication"),
    ("nhrp.authentication", "ab'c", "1.2", "nhrp.authentication"),
    ("nhrp.authentication", 'ab"c', "1.5", "nhrp.authentication"),
    ("nhrp.authentication", "ab;c", "1.3", "nhrp.authentication"),
    ("nhrp.holding_time", 0, "1.4", "nhrp.holding_time"),
    ("nhrp.holding_time", 65001, "1.5", "nhrp.holding_time"),
    ("nhrp.network_id", 0, "1.4", "nhrp.network_id"),  # checked on every version, rendered on 1.5 only
    ("nhrp.network_id", 0, "1.5", "nhrp.network_id"),
    ("nhrp.redirect", "true", "1.4", "nhrp.redirect"),
    ("nhrp.shortcut", 1, "1.4", "nhrp.shortcut"),
    ("nhrp.nhs", [{"tunnel_ip": "10.0.0.9", "nbma": "192.0.2.9"}], "1.4", "nhrp.nhs"),  # hub with nhs
    ("nhrp.nhs", "10.0.0.9", "1.4", "nhrp.nhs"),
    # ipsec
    ("ipsec.interface", "eth0; reboot", "1.4", "ipsec.interface"),
    ("ipsec.interface", "tun0", "1.4", "ipsec.interface"),
    ("ipsec.interface", None, "1.4", "ipsec.interface"),
    ("ipsec", "on", "1.4", "ipsec"),
    ("ipsec.ike_group", None, "1.4", "ipsec.ike_group"),
    ("ipsec.ike_group.name", "IKE HUB", "1.4", "ipsec.ike_group.name"),
    ("ipsec.ike_group.name", "", "1.4", "ipsec.ike_group.name"),
    ("ipsec.ike_group.key_exchange", "ikev3", "1.4", "ipsec.ike_group.key_exchange"),
    ("ipsec.ike_group.lifetime", 29, "1.4", "ipsec.ike_group.lifetime"),
    ("ipsec.ike_group.lifetime", 86401, "1.4", "ipsec.ike_group.lifetime"),
    ("ipsec.ike_group.proposal", [], "1.4", "ipsec.ike_group.proposal"),
    ("ipsec.ike_group.proposal", None, "1.4", "ipsec.ike_group.proposal"),
    ("ipsec.ike_group.proposal[0].proposal_id", 0, "1.4", "ipsec.ike_group.proposal[0].proposal_id"),
    ("ipsec.ike_group.proposal[0].proposal_id", 65536, "1.4", "ipsec.ike_group.proposal[0].proposal_id"),
    ("ipsec.ike_group.proposal[0].proposal_id", 2, "1.4", "ipsec.ike_group.proposal[1].proposal_id"),  # duplicate
    ("ipsec.ike_group.proposal[0].encryption", "aes512", "1.4", "ipsec.ike_group.proposal[0].encryption"),
    ("ipsec.ike_group.proposal[0].encryption", None, "1.4", "ipsec.ike_group.proposal[0].encryption"),
    ("ipsec.ike_group.proposal[0].hash", "sha3", "1.4", "ipsec.ike_group.proposal[0].hash"),
    ("ipsec.ike_group.proposal[0].dh_group", 3, "1.4", "ipsec.ike_group.proposal[0].dh_group"),
    ("ipsec.ike_group.proposal[0].dh_group", "33", "1.4", "ipsec.ike_group.proposal[0].dh_group"),
    ("ipsec.esp_group.name", "ESP/HUB", "1.4", "ipsec.esp_group.name"),
    ("ipsec.esp_group.mode", "tunel", "1.4", "ipsec.esp_group.mode"),
    ("ipsec.esp_group.pfs", "dh-group3", "1.4", "ipsec.esp_group.pfs"),
    ("ipsec.esp_group.pfs", "yes", "1.4", "ipsec.esp_group.pfs"),
    ("ipsec.esp_group.lifetime", 0, "1.4", "ipsec.esp_group.lifetime"),
    ("ipsec.esp_group.proposal[1].hash", "md4", "1.4", "ipsec.esp_group.proposal[1].hash"),
    ("ipsec.esp_group.proposal[1]", "aes256-sha1", "1.4", "ipsec.esp_group.proposal[1]"),
    ("ipsec.profile.name", "1VPN", "1.4", "ipsec.profile.name"),
    ("ipsec.profile.name", "N", "1.4", "ipsec.profile.name"),
    ("ipsec.profile.name", "NHRP.VPN", "1.4", "ipsec.profile.name"),
    ("ipsec.profile.pre_shared_secret", "", "1.4", "ipsec.profile.pre_shared_secret"),
    ("ipsec.profile.pre_shared_secret", None, "1.4", "ipsec.profile.pre_shared_secret"),
    ("ipsec.profile.pre_shared_secret", "sec ret", "1.4", "ipsec.profile.pre_shared_secret"),
    ("ipsec.profile.pre_shared_secret", "sec'ret", "1.4", "ipsec.profile.pre_shared_secret"),
    ("ipsec.profile.pre_shared_secret", 'sec"ret', "1.4", "ipsec.profile.pre_shared_secret"),
    ("ipsec.profile.pre_shared_secret", "sec;ret", "1.4", "ipsec.profile.pre_shared_secret"),
    ("ipsec.profile.pre_shared_secret", "sec\\ret", "1.4", "ipsec.profile.pre_shared_secret"),
    ("ipsec.profile.pre_shared_secret", "sec`ret`", "1.4", "ipsec.profile.pre_shared_secret"),
    ("ipsec.profile.pre_shared_secret", "secret\n", "1.4", "ipsec.profile.pre_shared_secret"),
    # static routes
    ("static_routes[1].prefix", "192.168.2.1/24", "1.4", "static_routes[1].prefix"),
    ("static_routes[1].prefix", "192.168.2.0/33", "1.4", "static_routes[1].prefix"),
    ("static_routes[1].prefix", None, "1.4", "static_routes[1].prefix"),
    ("static_routes[1].next_hop", "10.0.0.1", "1.4", "static_routes[1].next_hop"),  # own address
    ("static_routes[1].next_hop", "0.0.0.0", "1.4", "static_routes[1].next_hop"),
    ("static_routes[1].next_hop", "10.0.0.2/24", "1.4", "static_routes[1].next_hop"),
    ("static_routes[1].distance", 0, "1.4", "static_routes[1].distance"),
    ("static_routes[1].distance", 256, "1.4", "static_routes[1].distance"),
    ("static_routes[2]", {"prefix": "192.168.2.0/24", "next_hop": "10.0.0.2"}, "1.4", "static_routes[2]"),
    ("static_routes", {"prefix": "192.168.2.0/24"}, "1.4", "static_routes"),
]


@pytest.mark.parametrize("path, value, version, field", INVALID)
def test_invalid_hub_values(path, value, version, field):
    err = problems(changed(hub(), path, value), version)
    assert field in err.fields(), str(err)
    for problem in err.problems:
        assert problem.fix


SPOKE_INVALID = [
    ("nhrp.nhs", [], "1.4", "nhrp.nhs"),
    ("nhrp.nhs", None, "1.4", "nhrp.nhs"),
    ("nhrp.nhs[0].tunnel_ip", "10.0.1.1", "1.4", "nhrp.nhs[0].tunnel_ip"),  # outside the subnet
    ("nhrp.nhs[0].tunnel_ip", "10.0.0.2", "1.4", "nhrp.nhs[0].tunnel_ip"),  # own address
    ("nhrp.nhs[0].tunnel_ip", "10.0.0.255", "1.4", "nhrp.nhs[0].tunnel_ip"),
    ("nhrp.nhs[0].tunnel_ip", "10.0.0.0", "1.4", "nhrp.nhs[0].tunnel_ip"),
    ("nhrp.nhs[0].tunnel_ip", None, "1.4", "nhrp.nhs[0].tunnel_ip"),
    ("nhrp.nhs[0].nbma", "0.0.0.0", "1.4", "nhrp.nhs[0].nbma"),
    ("nhrp.nhs[0].nbma", "hub.example.net", "1.4", "nhrp.nhs[0].nbma"),
    ("nhrp.nhs[0].nbma", None, "1.4", "nhrp.nhs[0].nbma"),
    ("nhrp.nhs[0].extra", 1, "1.4", "nhrp.nhs[0].extra"),
    ("nhrp.nhs[0]", "10.0.0.1", "1.4", "nhrp.nhs[0]"),
    ("tunnel.key", None, "1.4", "tunnel.key"),  # 0.0.0.0 source needs a GRE key on 1.4+
    ("tunnel.key", None, "1.5", "tunnel.key"),
]


@pytest.mark.parametrize("path, value, version, field", SPOKE_INVALID)
def test_invalid_spoke_values(path, value, version, field):
    assert field in fields(changed(spoke(), path, value), version)


def test_duplicate_hub_is_a_problem():
    data = spoke()
    data["nhrp"]["nhs"].append(dict(data["nhrp"]["nhs"][0]))
    assert fields(data) == ["nhrp.nhs[1].tunnel_ip"]


def test_nbma_must_not_be_own_source_address():
    data = spoke()
    data["tunnel"]["source_address"] = "198.51.100.41"
    assert fields(data) == ["nhrp.nhs[0].nbma"]


# (dotted path, value, version) that must be accepted
VALID = [
    ("tunnel.mtu", 64, "1.2"),
    ("tunnel.mtu", 8024, "1.3"),
    ("tunnel.mtu", 68, "1.4"),
    ("tunnel.mtu", 16000, "1.5"),
    ("tunnel.adjust_mss", 1436, "1.4"),  # the default MTU 1476 less 40
    ("tunnel.adjust_mss", 536, "1.5"),
    ("tunnel.adjust_mss", "clamp-mss-to-pmtu", "1.5"),
    ("tunnel.adjust_mss", None, "1.2"),
    ("tunnel.description", "x" * 256, "1.3"),
    ("tunnel.description", "x" * 255, "1.4"),
    ("tunnel.description", "", "1.4"),
    ("tunnel.description", "DMVPN hub: it's 'the' core; $(no) `shell`", "1.4"),
    ("tunnel.description", "ünïcødé", "1.5"),
    ("tunnel.key", 0, "1.4"),
    ("tunnel.key", 4294967295, "1.4"),
    ("tunnel.key", None, "1.4"),  # a hub with a fixed source needs no key
    ("tunnel.multicast", False, "1.4"),
    ("tunnel.address", "172.16.253.134/29", "1.4"),
    ("tunnel.address", "10.0.0.1/30", "1.5"),
    ("nhrp.authentication", "12345678", "1.4"),
    ("nhrp.authentication", "a", "1.5"),
    ("nhrp.authentication", None, "1.4"),
    ("nhrp.holding_time", 1, "1.2"),
    ("nhrp.holding_time", 65000, "1.5"),
    ("nhrp.holding_time", None, "1.4"),
    ("nhrp.network_id", 1, "1.5"),
    ("nhrp.network_id", 4294967295, "1.5"),
    ("nhrp.network_id", None, "1.4"),
    ("nhrp.redirect", False, "1.4"),
    ("nhrp.shortcut", True, "1.4"),
    ("nhrp.nhs", [], "1.4"),
    ("ipsec.interface", "eth1.100", "1.4"),
    ("ipsec.interface", "bond0", "1.4"),
    ("ipsec.interface", "pppoe0", "1.3"),
    ("ipsec.ike_group.name", "IKE.v1_hub-2", "1.4"),
    ("ipsec.ike_group.key_exchange", "ikev2", "1.4"),
    ("ipsec.ike_group.lifetime", 30, "1.4"),
    ("ipsec.ike_group.lifetime", 86400, "1.4"),
    ("ipsec.ike_group.lifetime", None, "1.4"),
    ("ipsec.ike_group.proposal[0].dh_group", "14", "1.4"),
    ("ipsec.ike_group.proposal[0].dh_group", 32, "1.4"),
    ("ipsec.ike_group.proposal[0].proposal_id", 65535, "1.4"),
    ("ipsec.esp_group.mode", "transport", "1.4"),
    ("ipsec.esp_group.pfs", "enable", "1.3"),
    ("ipsec.esp_group.pfs", None, "1.3"),
    ("ipsec.esp_group.proposal[0].encryption", "aes256gcm128", "1.4"),
    ("ipsec.profile.name", "DM", "1.4"),
    ("ipsec.profile.name", "dmvpn_profile-1", "1.4"),
    ("ipsec.profile.pre_shared_secret", "-+&!@#$%^*(),.:_aZ09", "1.4"),
    ("static_routes[1].distance", 1, "1.4"),
    ("static_routes[1].distance", 255, "1.4"),
    ("static_routes[1].next_hop", "192.0.2.1", "1.4"),  # a route via another gateway is allowed
]


@pytest.mark.parametrize("path, value, version", VALID)
def test_valid_hub_values(path, value, version):
    md.validate_endpoint(changed(hub(), path, value), version)


@pytest.mark.parametrize(
    "path",
    [
        "tunnel.name",
        "tunnel.address",
        "tunnel.source_address",
        "tunnel.description",
        "nhrp.role",
        "nhrp.authentication",
        "ipsec.interface",
        "ipsec.ike_group.name",
        "ipsec.ike_group.proposal[0].encryption",
        "ipsec.esp_group.name",
        "ipsec.esp_group.pfs",
        "ipsec.profile.name",
        "ipsec.profile.pre_shared_secret",
        "static_routes[1].prefix",
        "static_routes[1].next_hop",
    ],
)
# (and what Python's str.splitlines breaks lines at besides \n and \r: \x0b, \x0c, \x1c-\x1e,
# NEL, U+2028, U+2029; and the zero-width and bidirectional controls, which make one value
# look like another: issue 19 item 6; at b303f4c the non-ASCII ones were accepted)
@pytest.mark.parametrize("hostile", ["\n", "\r", "\x00", "\x1b[2J", "\x0b", "\x1c", "\x85", "\u2028", "\u2029",
                                     "\u200b", "\u202e", "\u2066", "\ufeff"])
def test_control_characters_are_rejected_everywhere(path, hostile):
    err = problems(changed(hub(), path, "x" + hostile + "delete system"))
    assert err.fields() == [path]


@pytest.mark.parametrize(
    "path",
    [
        "tunnel.name",
        "tunnel.address",
        "tunnel.source_address",
        "nhrp.role",
        "nhrp.authentication",
        "ipsec.interface",
        "ipsec.ike_group.name",
        "ipsec.ike_group.key_exchange",
        "ipsec.esp_group.name",
        "ipsec.esp_group.mode",
        "ipsec.profile.name",
        "ipsec.profile.pre_shared_secret",
        "static_routes[1].prefix",
        "static_routes[1].next_hop",
    ],
)
@pytest.mark.parametrize("hostile", [";", "'", '"', " "])
def test_quotes_and_separators_are_rejected_outside_free_text(path, hostile):
    err = problems(changed(hub(), path, "ab" + hostile + "c"))
    assert err.fields() == [path]


def test_spoke_problem_for_unspecified_hub_source():
    data = hub()
    data["tunnel"]["source_address"] = "0.0.0.0"
    err = problems(data, "1.2")
    assert err.fields() == ["tunnel.source_address"]
    assert "hub" in err.problems[0].message


@pytest.mark.parametrize("version", ["1.2", "1.3"])
def test_dhcp_spoke_without_key_is_fine_before_1_4(version):
    data = spoke()
    data["tunnel"]["key"] = None
    assert md.validate_endpoint(data, version)["tunnel"]["key"] is None


@pytest.mark.parametrize("version", SUPPORTED_VERSIONS)
@pytest.mark.parametrize("description", ['say "hi"', "back\\slash"])
def test_a_description_vyos_cannot_print_back_is_refused(version, description):
    """VyOS stores a double quote or a backslash in a description but does not print it back
    as stored (model.py _description cites vyatta-cfg cnode-algorithm.cpp and vyos-1x
    configtree.py): every run would send it again, so it is refused on every version."""
    err = problems(changed(hub(), "tunnel.description", description), version)
    assert [(p.field, p.message) for p in err.problems] == [
        ("tunnel.description", "contains a double quote or a backslash, which VyOS does not print back as stored "
                               "(every run would send it again)")]


# crux (1.2) refuses these: vyatta-cfg-vpn crux 03e70cd8690a templates/vpn/ipsec/esp-group/node.tag/
# proposal/node.tag/encryption, ike-group/.../dh-group (2, 5, 14-26) and esp-group/node.tag/pfs.
CRUX_REFUSES = [
    ("ipsec.esp_group.proposal[0].encryption", "aes192ctr", "ipsec.esp_group.proposal[0].encryption",
     "aes128, aes256, aes128gcm128, aes256gcm128, 3des, chacha20poly1305"),
    ("ipsec.ike_group.proposal[0].dh_group", "1", "ipsec.ike_group.proposal[0].dh_group", "2, 5, 14, 15,"),
    ("ipsec.esp_group.pfs", "dh-group31", "ipsec.esp_group.pfs", "dh-group25, dh-group26"),
    ("ipsec.esp_group.proposal[0].hash", "sha256_96", "ipsec.esp_group.proposal[0].hash",
     "md5, sha1, sha256, sha384, sha512"),
]


@pytest.mark.parametrize("path, value, field, allowed", CRUX_REFUSES)
def test_crux_refuses_what_its_templates_refuse_and_lists_its_values(path, value, field, allowed):
    err = problems(changed(hub(), path, value), "1.2")
    assert field in err.fields(), str(err)
    assert allowed in str(err) and "dh-group27" not in str(err)
    changed(hub(), path, value) and md.validate_endpoint(changed(hub(), path, value), "1.3")  # 1.3 takes it


@pytest.mark.parametrize("mss, ok", [(1360, True), (1361, False)])
def test_adjust_mss_is_at_most_the_mtu_less_40(mss, ok):
    """The VyOS DMVPN documentation's pair (mtu 1400, adjust-mss 1360) is the limit."""
    data = hub()
    data["tunnel"].update(mtu=1400, adjust_mss=mss)
    if ok:
        assert md.validate_endpoint(data, "1.4")["tunnel"]["adjust_mss"] == mss
        return
    with pytest.raises(md.ModelError) as info:
        md.validate_endpoint(data, "1.4")
    (problem,) = info.value.problems
    assert (problem.field, problem.message) == (
        "tunnel.adjust_mss", "1361 is more than the tunnel MTU 1400 less 40 bytes of IPv4 and TCP headers (1360)")
    assert "at most 1360" in problem.fix
