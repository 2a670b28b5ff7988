"""Unit tests of the renderer (endpoint model -> VyOS tree per version) and ownership scope."""


import pytest

from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import configtree as ct
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import render as rd
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.checker import ModelError
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.version_names import SUPPORTED_VERSIONS

from seed_models import model  # tests/fixtures/seed_models.py


def dmvpn_part(lines):
    """The seed lines that belong to DMVPN (not ethernet addressing or the host name)."""
    return [line for line in lines
            if not line.startswith(("set interfaces ethernet ", "set system host-name "))]


def with_version(lines, version):
    """The seed's 1.2 lines rewritten with a later version's tunnel and IPsec words."""
    out = []
    for line in lines:
        if version != "1.2":
            line = line.replace(" local-ip ", " source-address ")
        if version in ("1.4", "1.5"):
            line = line.replace("tun0 multicast enable", "tun0 enable-multicast")
            line = line.replace("vpn ipsec ipsec-interfaces interface", "vpn ipsec interface")
        out.append(line)
    return out


# -- the seed, exactly ------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["hub", "spoke1", "spoke2"])
def test_seed_models_render_exactly_the_guide_for_1_2(seed_lines, name):
    expected = ct.parse_set_lines(dmvpn_part(seed_lines[name]))
    tree = rd.render_endpoint(model(name), "1.2")
    assert sorted(tree.paths()) == sorted(expected.paths())
    assert tree == expected


@pytest.mark.parametrize("version", ["1.3", "1.4"])
@pytest.mark.parametrize("name", ["hub", "spoke1", "spoke2"])
def test_seed_models_render_for_opennhrp_versions(seed_lines, name, version):
    expected = ct.parse_set_lines(with_version(dmvpn_part(seed_lines[name]), version))
    assert rd.render_endpoint(model(name), version) == expected


HUB_13 = """\
set interfaces tunnel tun0 address '10.0.0.1/24'
set interfaces tunnel tun0 encapsulation 'gre'
set interfaces tunnel tun0 source-address '198.51.100.41'
set interfaces tunnel tun0 multicast 'enable'
set interfaces tunnel tun0 parameters ip key '1'
set protocols nhrp tunnel tun0 cisco-authentication 'SECRET'
set protocols nhrp tunnel tun0 holding-time '300'
set protocols nhrp tunnel tun0 multicast 'dynamic'
set protocols nhrp tunnel tun0 redirect
set protocols static route 0.0.0.0/0 next-hop 1.1.1.2
set protocols static route 192.168.2.0/24 next-hop 10.0.0.2
set protocols static route 192.168.3.0/24 next-hop 10.0.0.3
set vpn ipsec ipsec-interfaces interface 'eth0'
set vpn ipsec ike-group IKE-HUB proposal 1 encryption 'aes256'
set vpn ipsec ike-group IKE-HUB proposal 1 hash 'sha1'
set vpn ipsec ike-group IKE-HUB proposal 2 encryption 'aes128'
set vpn ipsec ike-group IKE-HUB proposal 2 hash 'sha1'
set vpn ipsec ike-group IKE-HUB lifetime '3600'
set vpn ipsec esp-group ESP-HUB proposal 1 encryption 'aes256'
set vpn ipsec esp-group ESP-HUB proposal 1 hash 'sha1'
set vpn ipsec esp-group ESP-HUB proposal 2 encryption '3des'
set vpn ipsec esp-group ESP-HUB proposal 2 hash 'md5'
set vpn ipsec esp-group ESP-HUB lifetime '1800'
set vpn ipsec esp-group ESP-HUB pfs 'dh-group2'
set vpn ipsec profile NHRPVPN authentication mode 'pre-shared-secret'
set vpn ipsec profile NHRPVPN authentication pre-shared-secret 'SECRET'
set vpn ipsec profile NHRPVPN bind tunnel 'tun0'
set vpn ipsec profile NHRPVPN esp-group 'ESP-HUB'
set vpn ipsec profile NHRPVPN ike-group 'IKE-HUB'
"""


def test_hub_13_exact_commands_with_quoting():
    assert rd.render_endpoint(model("hub"), "1.3").to_commands() == HUB_13.splitlines()


SPOKE1_14 = """\
set interfaces tunnel tun0 address '10.0.0.2/24'
set interfaces tunnel tun0 encapsulation 'gre'
set interfaces tunnel tun0 source-address '0.0.0.0'
set interfaces tunnel tun0 enable-multicast
set interfaces tunnel tun0 parameters ip key '1'
set protocols nhrp tunnel tun0 cisco-authentication 'SECRET'
set protocols nhrp tunnel tun0 map 10.0.0.1/24 nbma-address '198.51.100.41'
set protocols nhrp tunnel tun0 map 10.0.0.1/24 register
set protocols nhrp tunnel tun0 multicast 'nhs'
set protocols nhrp tunnel tun0 redirect
set protocols nhrp tunnel tun0 shortcut
set protocols static route 192.168.1.0/24 next-hop 10.0.0.1
set protocols static route 192.168.3.0/24 next-hop 10.0.0.3
set vpn ipsec interface 'eth0'
set vpn ipsec ike-group IKE-SPOKE proposal 1 encryption 'aes256'
set vpn ipsec ike-group IKE-SPOKE proposal 1 hash 'sha1'
set vpn ipsec ike-group IKE-SPOKE proposal 2 encryption 'aes128'
set vpn ipsec ike-group IKE-SPOKE proposal 2 hash 'sha1'
set vpn ipsec ike-group IKE-SPOKE lifetime '3600'
set vpn ipsec esp-group ESP-SPOKE proposal 1 encryption 'aes256'
set vpn ipsec esp-group ESP-SPOKE proposal 1 hash 'sha1'
set vpn ipsec esp-group ESP-SPOKE proposal 2 encryption '3des'
set vpn ipsec esp-group ESP-SPOKE proposal 2 hash 'md5'
set vpn ipsec esp-group ESP-SPOKE lifetime '1800'
set vpn ipsec esp-group ESP-SPOKE pfs 'dh-group2'
set vpn ipsec profile NHRPVPN authentication mode 'pre-shared-secret'
set vpn ipsec profile NHRPVPN authentication pre-shared-secret 'SECRET'
set vpn ipsec profile NHRPVPN bind tunnel 'tun0'
set vpn ipsec profile NHRPVPN esp-group 'ESP-SPOKE'
set vpn ipsec profile NHRPVPN ike-group 'IKE-SPOKE'
"""


def test_spoke1_14_exact_commands_with_quoting():
    assert rd.render_endpoint(model("spoke1"), "1.4").to_commands() == SPOKE1_14.splitlines()


HUB_15 = """\
set interfaces tunnel tun0 address 10.0.0.1/32
set interfaces tunnel tun0 encapsulation gre
set interfaces tunnel tun0 source-address 198.51.100.41
set interfaces tunnel tun0 enable-multicast
set interfaces tunnel tun0 parameters ip key 1
set protocols nhrp tunnel tun0 authentication SECRET
set protocols nhrp tunnel tun0 holdtime 300
set protocols nhrp tunnel tun0 multicast dynamic
set protocols nhrp tunnel tun0 network-id 1
set protocols nhrp tunnel tun0 redirect
set protocols nhrp tunnel tun0 registration-no-unique
set vpn ipsec interface eth0
set vpn ipsec ike-group IKE-HUB proposal 1 encryption aes256
set vpn ipsec ike-group IKE-HUB proposal 1 hash sha1
set vpn ipsec ike-group IKE-HUB proposal 2 encryption aes128
set vpn ipsec ike-group IKE-HUB proposal 2 hash sha1
set vpn ipsec ike-group IKE-HUB lifetime 3600
set vpn ipsec esp-group ESP-HUB proposal 1 encryption aes256
set vpn ipsec esp-group ESP-HUB proposal 1 hash sha1
set vpn ipsec esp-group ESP-HUB proposal 2 encryption 3des
set vpn ipsec esp-group ESP-HUB proposal 2 hash md5
set vpn ipsec esp-group ESP-HUB lifetime 1800
set vpn ipsec esp-group ESP-HUB pfs dh-group2
set vpn ipsec profile NHRPVPN authentication mode pre-shared-secret
set vpn ipsec profile NHRPVPN authentication pre-shared-secret SECRET
set vpn ipsec profile NHRPVPN bind tunnel tun0
set vpn ipsec profile NHRPVPN esp-group ESP-HUB
set vpn ipsec profile NHRPVPN ike-group IKE-HUB
set protocols static route 0.0.0.0/0 next-hop 1.1.1.2
set protocols static route 192.168.2.0/24 next-hop 10.0.0.2 interface tun0
set protocols static route 192.168.3.0/24 next-hop 10.0.0.3 interface tun0
"""

SPOKE1_15 = """\
set interfaces tunnel tun0 address 10.0.0.2/32
set interfaces tunnel tun0 encapsulation gre
set interfaces tunnel tun0 source-interface eth0
set interfaces tunnel tun0 enable-multicast
set interfaces tunnel tun0 parameters ip key 1
set protocols nhrp tunnel tun0 authentication SECRET
set protocols nhrp tunnel tun0 nhs tunnel-ip 10.0.0.1 nbma 198.51.100.41
set protocols nhrp tunnel tun0 multicast 198.51.100.41
set protocols nhrp tunnel tun0 network-id 1
set protocols nhrp tunnel tun0 redirect
set protocols nhrp tunnel tun0 shortcut
set protocols nhrp tunnel tun0 registration-no-unique
set vpn ipsec interface eth0
set vpn ipsec ike-group IKE-SPOKE proposal 1 encryption aes256
set vpn ipsec ike-group IKE-SPOKE proposal 1 hash sha1
set vpn ipsec ike-group IKE-SPOKE proposal 2 encryption aes128
set vpn ipsec ike-group IKE-SPOKE proposal 2 hash sha1
set vpn ipsec ike-group IKE-SPOKE lifetime 3600
set vpn ipsec esp-group ESP-SPOKE proposal 1 encryption aes256
set vpn ipsec esp-group ESP-SPOKE proposal 1 hash sha1
set vpn ipsec esp-group ESP-SPOKE proposal 2 encryption 3des
set vpn ipsec esp-group ESP-SPOKE proposal 2 hash md5
set vpn ipsec esp-group ESP-SPOKE lifetime 1800
set vpn ipsec esp-group ESP-SPOKE pfs dh-group2
set vpn ipsec profile NHRPVPN authentication mode pre-shared-secret
set vpn ipsec profile NHRPVPN authentication pre-shared-secret SECRET
set vpn ipsec profile NHRPVPN bind tunnel tun0
set vpn ipsec profile NHRPVPN esp-group ESP-SPOKE
set vpn ipsec profile NHRPVPN ike-group IKE-SPOKE
set protocols static route 192.168.1.0/24 next-hop 10.0.0.1 interface tun0
set protocols static route 192.168.3.0/24 next-hop 10.0.0.3 interface tun0
set protocols static route 10.0.0.0/24 next-hop 10.0.0.1 distance 250
set protocols static route 10.0.0.0/24 next-hop 10.0.0.1 interface tun0
"""


@pytest.mark.parametrize("name, expected", [("hub", HUB_15), ("spoke1", SPOKE1_15)])
def test_15_renders_host_address_and_frr_nhrp(name, expected):
    tree = rd.render_endpoint(model(name), "1.5")
    assert sorted(tree.paths()) == sorted(ct.parse_set_lines(expected).paths())
    commands = "\n".join(tree.to_commands())
    for word in ("cisco-authentication", "holding-time", "nbma-address", "register", "multicast 'nhs'",
                 "local-ip", "ipsec-interfaces", "/24'"):
        assert word not in commands


@pytest.mark.parametrize("version", SUPPORTED_VERSIONS)
def test_exact_line_count_per_version(version):
    # hub: 5 tunnel + NHRP (4; 1.5 adds network-id and registration-no-unique) + 3 routes + 1
    # interface + 5 ike + 6 esp + 5 profile
    assert len(rd.render_endpoint(model("hub"), version)) == (31 if version == "1.5" else 29)
    # spoke1: 5 tunnel + NHRP (6 opennhrp, 5 FRR + network-id + registration-no-unique) + 2
    # routes (1.5: + the tunnel subnet via the NHS, distance and interface) + 1 + 5 + 6 + 5
    assert len(rd.render_endpoint(model("spoke1"), version)) == (33 if version == "1.5" else 30)


# -- values vs valueless leaves -----------------------------------------------------------------
@pytest.mark.parametrize("version", SUPPORTED_VERSIONS)
def test_valueless_leaves_and_tag_nodes_are_not_values(version):
    tree = rd.render_endpoint(model("spoke1"), version)
    base = ("protocols", "nhrp", "tunnel", "tun0")
    leaves = dict(tree.leaves())
    assert leaves[base + ("redirect",)] is False
    assert leaves[base + ("shortcut",)] is False
    route = ("protocols", "static", "route", "192.168.1.0/24", "next-hop", "10.0.0.1")
    if version == "1.5":  # the next hop names the tunnel interface
        assert leaves[route + ("interface", "tun0")] is True
    else:
        assert leaves[route] is False
    assert leaves[("vpn", "ipsec", "profile", "NHRPVPN", "authentication", "pre-shared-secret", "SECRET")] is True
    assert leaves[("interfaces", "tunnel", "tun0", "parameters", "ip", "key", "1")] is True
    if version in ("1.4", "1.5"):
        assert leaves[("interfaces", "tunnel", "tun0", "enable-multicast")] is False
    else:
        assert leaves[("interfaces", "tunnel", "tun0", "multicast", "enable")] is True
        assert leaves[base + ("map", "10.0.0.1/24", "register")] is False
    for line in tree.to_commands():
        assert line.endswith(("redirect", "shortcut", "register", "enable-multicast", "registration-no-unique",
                              "'", "10.0.0.1", "10.0.0.3"))


# -- optional parts ------------------------------------------------------------------------------
@pytest.mark.parametrize("version", SUPPORTED_VERSIONS)
def test_optional_values_render_when_given(version):
    data = model("spoke1")
    data["tunnel"].update({"description": "DMVPN 'spoke'; one", "mtu": 1400, "key": 7})
    data["nhrp"].update({"holding_time": 600, "redirect": False, "shortcut": False})
    data["ipsec"]["ike_group"].update({"key_exchange": "ikev1"})
    data["ipsec"]["ike_group"]["proposal"][0]["dh_group"] = 14
    data["ipsec"]["esp_group"].update({"mode": "transport", "pfs": None, "lifetime": None})
    data["static_routes"][0]["distance"] = 250
    if version == "1.5":
        data["nhrp"]["network_id"] = 42
    tree = rd.render_endpoint(data, version)
    tunnel = ("interfaces", "tunnel", "tun0")
    assert tree.value(tunnel + ("description",)) == "DMVPN 'spoke'; one"
    assert tree.value(tunnel + ("mtu",)) == "1400"
    assert tree.value(tunnel + ("parameters", "ip", "key")) == "7"
    nhrp = ("protocols", "nhrp", "tunnel", "tun0")
    assert tree.value(nhrp + ("holdtime" if version == "1.5" else "holding-time",)) == "600"
    assert not tree.exists(nhrp + ("redirect",))
    assert not tree.exists(nhrp + ("shortcut",))
    assert tree.value(nhrp + ("network-id",)) == ("42" if version == "1.5" else None)
    assert tree.value(("vpn", "ipsec", "ike-group", "IKE-SPOKE", "key-exchange")) == "ikev1"
    assert tree.value(("vpn", "ipsec", "ike-group", "IKE-SPOKE", "proposal", "1", "dh-group")) == "14"
    assert not tree.exists(("vpn", "ipsec", "ike-group", "IKE-SPOKE", "proposal", "2", "dh-group"))
    assert tree.value(("vpn", "ipsec", "esp-group", "ESP-SPOKE", "mode")) == "transport"
    assert not tree.exists(("vpn", "ipsec", "esp-group", "ESP-SPOKE", "pfs"))
    assert not tree.exists(("vpn", "ipsec", "esp-group", "ESP-SPOKE", "lifetime"))
    assert tree.value(("protocols", "static", "route", "192.168.1.0/24", "next-hop", "10.0.0.1", "distance")) == "250"
    # the description goes out as one quoted value that reads back exactly
    line = [cmd for cmd in tree.to_commands() if " description " in cmd][0]
    assert ct.parse_set_lines([line]).value(tunnel + ("description",)) == "DMVPN 'spoke'; one"


@pytest.mark.parametrize("version", SUPPORTED_VERSIONS)
def test_unset_optionals_render_nothing(version):
    data = model("hub")
    data["tunnel"].update({"key": None, "multicast": False})
    data["nhrp"].update({"authentication": None, "holding_time": None})
    data["ipsec"]["ike_group"]["lifetime"] = None
    tree = rd.render_endpoint(data, version)
    local = "local-ip" if version == "1.2" else "source-address"
    assert tree.children(("interfaces", "tunnel", "tun0")) == ["address", "encapsulation", local]
    assert sorted(tree.children(("protocols", "nhrp", "tunnel", "tun0"))) == (
        ["multicast", "network-id", "redirect", "registration-no-unique"] if version == "1.5"
        else ["multicast", "redirect"])
    assert not tree.exists(("vpn", "ipsec", "ike-group", "IKE-HUB", "lifetime"))


@pytest.mark.parametrize("version", SUPPORTED_VERSIONS)
def test_ipsec_off_renders_no_vpn(version):
    data = model("spoke1")
    data["ipsec"] = None
    data["tunnel"]["source_interface"] = "eth0"  # 1.5: otherwise named by ipsec.interface
    tree = rd.render_endpoint(data, version)
    assert not tree.exists(("vpn",))
    assert tree.exists(("interfaces", "tunnel", "tun0"))


def test_two_hubs_opennhrp():
    data = model("spoke1")
    data["nhrp"]["nhs"].append({"tunnel_ip": "10.0.0.4", "nbma": "203.0.113.4"})
    tree = rd.render_endpoint(data, "1.4")
    base = ("protocols", "nhrp", "tunnel", "tun0")
    assert tree.children(base + ("map",)) == ["10.0.0.1/24", "10.0.0.4/24"]
    assert tree.value(base + ("map", "10.0.0.4/24", "nbma-address")) == "203.0.113.4"
    assert tree.exists(base + ("map", "10.0.0.4/24", "register"))
    assert tree.values(base + ("multicast",)) == ["nhs"]


def test_two_hubs_frr():
    data = model("spoke1")
    data["nhrp"]["nhs"].append({"tunnel_ip": "10.0.0.4", "nbma": "203.0.113.4"})
    tree = rd.render_endpoint(data, "1.5")
    base = ("protocols", "nhrp", "tunnel", "tun0")
    assert tree.children(base + ("nhs", "tunnel-ip")) == ["10.0.0.1", "10.0.0.4"]
    assert tree.values(base + ("nhs", "tunnel-ip", "10.0.0.4", "nbma")) == ["203.0.113.4"]
    assert tree.values(base + ("multicast",)) == ["198.51.100.41", "203.0.113.4"]
    assert not tree.exists(base + ("map",))


def test_map_prefix_follows_the_subnet():
    data = model("spoke1")
    data["tunnel"]["address"] = "172.16.253.130/29"
    data["nhrp"]["nhs"] = [{"tunnel_ip": "172.16.253.134", "nbma": "198.51.100.41"}]
    data["static_routes"] = []
    tree = rd.render_endpoint(data, "1.3")
    assert tree.children(("protocols", "nhrp", "tunnel", "tun0", "map")) == ["172.16.253.134/29"]
    assert tree.values(("interfaces", "tunnel", "tun0", "address")) == ["172.16.253.130/29"]
    assert rd.render_endpoint(data, "1.5").values(("interfaces", "tunnel", "tun0", "address")) == [
        "172.16.253.130/32"]


@pytest.mark.parametrize("hostile", ["x\ndelete system", "x;reboot", "x'y", 'x"y'])
@pytest.mark.parametrize("path", [("tunnel", "name"), ("ipsec", "interface"), ("nhrp", "authentication"),
                                  ("ipsec", "profile", "pre_shared_secret")])
def test_render_validates_first(hostile, path):
    data = model("hub")
    node = data
    for word in path[:-1]:
        node = node[word]
    node[path[-1]] = hostile
    with pytest.raises(ModelError):
        rd.render_endpoint(data, "1.4")


def test_render_rejects_unsupported_version():
    with pytest.raises(ValueError):
        rd.render_endpoint(model("hub"), "1.1")


# -- ownership ------------------------------------------------------------------------------------
FOREIGN_14 = """\
set interfaces ethernet eth0 address 'dhcp'
set interfaces tunnel tun1 address '10.9.0.1/24'
set interfaces tunnel tun1 encapsulation 'gre'
set protocols nhrp tunnel tun1 multicast 'dynamic'
set protocols static route 0.0.0.0/0 next-hop 192.0.2.1
set protocols static route 192.168.9.0/24 next-hop 10.0.0.9
set protocols static route 192.168.9.0/24 next-hop 192.0.2.1
set protocols static route 192.168.10.0/24 blackhole
set firewall name WAN default-action 'drop'
set system login user vyos authentication encrypted-password '$6$abc'
set vpn ipsec profile OLD bind tunnel 'tun0'
set vpn ipsec profile OLD authentication pre-shared-secret 'x'
set vpn ipsec profile SHARED bind tunnel 'tun0'
set vpn ipsec profile SHARED bind tunnel 'tun1'
set vpn ipsec profile OTHER bind tunnel 'tun1'
"""


def test_owned_paths_from_the_model_only():
    paths = rd.owned_paths(model("spoke1"), "1.4")
    assert paths == [
        ("interfaces", "tunnel", "tun0"),
        ("protocols", "nhrp", "tunnel", "tun0"),
        ("vpn", "ipsec", "interface", "eth0"),
        ("vpn", "ipsec", "ike-group", "IKE-SPOKE"),
        ("vpn", "ipsec", "esp-group", "ESP-SPOKE"),
        ("vpn", "ipsec", "profile", "NHRPVPN"),
        ("protocols", "static", "route", "192.168.1.0/24", "next-hop", "10.0.0.1"),
        ("protocols", "static", "route", "192.168.3.0/24", "next-hop", "10.0.0.3"),
    ]


def test_owned_paths_with_have_adds_tunnel_subnet_routes_and_stale_profiles_only():
    have = ct.parse_show_commands(FOREIGN_14)
    paths = rd.owned_paths(model("spoke1"), "1.4", have)
    assert paths == [
        ("interfaces", "tunnel", "tun0"),
        ("protocols", "nhrp", "tunnel", "tun0"),
        ("vpn", "ipsec", "interface", "eth0"),
        ("vpn", "ipsec", "ike-group", "IKE-SPOKE"),
        ("vpn", "ipsec", "esp-group", "ESP-SPOKE"),
        ("vpn", "ipsec", "profile", "NHRPVPN"),
        ("vpn", "ipsec", "profile", "OLD"),  # binds tun0 and nothing else
        ("protocols", "static", "route", "192.168.1.0/24", "next-hop", "10.0.0.1"),
        ("protocols", "static", "route", "192.168.3.0/24", "next-hop", "10.0.0.3"),
        ("protocols", "static", "route", "192.168.9.0/24", "next-hop", "10.0.0.9"),
    ]
    for path in paths:
        assert "tun1" not in path and "192.0.2.1" not in path
        assert path[0] not in ("firewall", "system")
    kinds = [obj.kind for obj in rd.owned_objects(model("spoke1"), "1.4", have)]
    assert kinds == ["tunnel", "nhrp", "ipsec_interface", "ike_group", "esp_group", "profile", "profile",
                     "route", "route", "route"]


@pytest.mark.parametrize("version, entry", [
    ("1.2", ("vpn", "ipsec", "ipsec-interfaces", "interface", "eth0")),
    ("1.3", ("vpn", "ipsec", "ipsec-interfaces", "interface", "eth0")),
    ("1.4", ("vpn", "ipsec", "interface", "eth0")),
    ("1.5", ("vpn", "ipsec", "interface", "eth0")),
])
def test_owned_ipsec_interface_entry_per_version(version, entry):
    assert entry in rd.owned_paths(model("hub"), version)


def test_owned_paths_without_ipsec():
    data = model("hub")
    data["ipsec"] = None
    assert rd.owned_paths(data, "1.4") == [
        ("interfaces", "tunnel", "tun0"),
        ("protocols", "nhrp", "tunnel", "tun0"),
        ("protocols", "static", "route", "0.0.0.0/0", "next-hop", "1.1.1.2"),
        ("protocols", "static", "route", "192.168.2.0/24", "next-hop", "10.0.0.2"),
        ("protocols", "static", "route", "192.168.3.0/24", "next-hop", "10.0.0.3"),
    ]


def test_owned_route_not_duplicated_when_in_model_and_have():
    have = ct.parse_set_lines(["set protocols static route 192.168.1.0/24 next-hop 10.0.0.1"])
    paths = rd.owned_paths(model("spoke1"), "1.4", have)
    assert paths.count(("protocols", "static", "route", "192.168.1.0/24", "next-hop", "10.0.0.1")) == 1


def test_owned_object_value_semantics():
    one = rd.OwnedObject("tunnel", ["interfaces", "tunnel", "tun0"])
    assert one == rd.OwnedObject("tunnel", ("interfaces", "tunnel", "tun0"))
    assert one != rd.OwnedObject("nhrp", ("interfaces", "tunnel", "tun0"))
    assert len({one, rd.OwnedObject("tunnel", ("interfaces", "tunnel", "tun0"))}) == 1
    assert "tun0" in repr(one)


def test_routes_via_the_routers_current_tunnel_subnet_are_owned():
    data = model("spoke1")
    data["tunnel"]["address"] = "10.1.0.2/24"
    data["nhrp"]["nhs"] = [{"tunnel_ip": "10.1.0.1", "nbma": "198.51.100.41"}]
    data["static_routes"] = []
    have = ct.parse_set_lines([
        "set interfaces tunnel tun0 address 10.0.0.2/24",
        "set interfaces tunnel tun0 address 10.0.0.2/32",
        "set interfaces tunnel tun0 address 10.0.0.2/31",
        "set protocols static route 192.168.9.0/24 next-hop 10.0.0.9",
        "set protocols static route 192.168.8.0/24 next-hop 10.1.0.8",
        "set protocols static route 192.168.7.0/24 next-hop 192.0.2.1",
    ])
    routes = [path for path in rd.owned_paths(data, "1.4", have) if path[:2] == ("protocols", "static")]
    assert routes == [
        ("protocols", "static", "route", "192.168.9.0/24", "next-hop", "10.0.0.9"),
        ("protocols", "static", "route", "192.168.8.0/24", "next-hop", "10.1.0.8"),
    ]
    # a /32 on the router (VyOS 1.5) says nothing about the old subnet
    have_15 = ct.parse_set_lines(["set interfaces tunnel tun0 address 10.0.0.2/32",
                                  "set protocols static route 192.168.9.0/24 next-hop 10.0.0.9"])
    # (only the model's own route to the tunnel subnet via the NHS)
    assert [path for path in rd.owned_paths(data, "1.5", have_15) if path[:2] == ("protocols", "static")] == [
        ("protocols", "static", "route", "10.1.0.0/24", "next-hop", "10.1.0.1")]


@pytest.mark.parametrize("version, mss, line", [
    # vyos-1x include/interface/adjust-mss.xml.i in interfaces_tunnel.xml.in (sagitta, current)
    ("1.4", 1360, "set interfaces tunnel tun0 ip adjust-mss '1360'"),
    ("1.5", "clamp-mss-to-pmtu", "set interfaces tunnel tun0 ip adjust-mss 'clamp-mss-to-pmtu'"),
])
def test_adjust_mss_renders_on_the_tunnel(version, mss, line):
    data = model("spoke1")
    data["tunnel"].update({"mtu": 1400, "adjust_mss": mss})
    if version == "1.5":
        data["tunnel"]["key"] = 1
    lines = rd.render_endpoint(data, version).to_commands()
    assert [text for text in lines if "adjust-mss" in text] == [line]


@pytest.mark.parametrize("version", SUPPORTED_VERSIONS)
def test_no_adjust_mss_and_no_mtu_unless_given(version):
    """Off by default: the module renders only what it is given (VyOS keeps its MTU 1476)."""
    lines = rd.render_endpoint(model("spoke1"), version).to_commands()
    assert not [text for text in lines if " mtu " in text or "adjust-mss" in text]
