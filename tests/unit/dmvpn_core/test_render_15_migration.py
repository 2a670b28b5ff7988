"""VyOS 1.5's rendering against VyOS's own rules and its 1.4 -> 1.5 NHRP migration (issue 20).

- A DHCP spoke names its WAN as the tunnel's source-interface (FRR nhrpd takes the NBMA address
  from it), except on a dynamic interface (ppp, pppoe, sstpc, l2tp, ipoe), where VyOS refuses
  the commit ("Can not source ... from dynamic interface"): there it stays source-address 0.0.0.0.
- Every NHRP tunnel gets registration-no-unique, as the migration sets it.
- The first converge after an upgrade from 1.4 changes only what we render differently on
  purpose (source-interface, routes naming the tunnel), never removes what the migration set.

migrated_spoke1() is what vyos/vyos-1x src/migration-scripts/nhrp/0-to-1 (d9492c2) makes of
tests/fixtures/versions/1.4/spoke1.set, read off its steps by hand (its NHRP entry comes out
the same as ours, line for line, so it is taken from test_render.SPOKE1_15): cisco-authentication ->
authentication, network-id 1 (first tunnel), the register map -> nhs tunnel-ip, the address -> /32
plus the tunnel subnet via the NHS at distance 250, multicast nhs -> the NHS's NBMA address,
registration-no-unique; the tunnel's source-address and the other routes untouched.
"""

import os

import pytest

from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import configtree as ct
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import diff as df
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import gather as gt
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import render as rd
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.versions import syntax_for

from seed_models import model  # tests/fixtures/seed_models.py
from test_render import SPOKE1_15  # tests/unit/dmvpn_core/test_render.py

FIXTURES = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "fixtures")

# SPOKE1's tunnel and NHRP entry on 1.5 with its WAN on eth0 (test_render.SPOKE1_15 pins the
# whole configuration), and the same spoke on pppoe0.
TUNNEL_AND_NHRP_ETH0 = "".join(line + "\n" for line in SPOKE1_15.splitlines()
                               if line.startswith(("set interfaces tunnel ", "set protocols nhrp ")))
TUNNEL_AND_NHRP_PPPOE0 = TUNNEL_AND_NHRP_ETH0.replace("source-interface eth0", "source-address 0.0.0.0")
# The NHRP entry the migration writes is ours line for line.
NHRP_15 = "".join(line + "\n" for line in TUNNEL_AND_NHRP_ETH0.splitlines() if line.startswith("set protocols nhrp "))
# What the migration changes outside the NHRP entry: the address, the tunnel subnet via the NHS.
MIGRATION_ADDS = """\
set interfaces tunnel tun0 address 10.0.0.2/32
set protocols static route 10.0.0.0/24 next-hop 10.0.0.1 distance 250
"""


def migrated_spoke1(wan):
    """tests/fixtures/versions/1.4/spoke1.set (DMVPN part, IPsec on ``wan``) as the migration
    leaves it: its tunnel address and NHRP entry replaced, the rest as it was."""
    with open(os.path.join(FIXTURES, "versions", "1.4", "spoke1.set")) as handle:
        lines = handle.read().splitlines()
    kept = [line.replace("ipsec interface eth0", "ipsec interface " + wan) for line in lines
            if not line.startswith(("set interfaces ethernet ", "set system ", "set protocols nhrp ",
                                    "set interfaces tunnel tun0 address "))]
    return ct.parse_set_lines(kept + (MIGRATION_ADDS + NHRP_15).splitlines())


# What we render differently from the migration on purpose (docs/vyos-versions.md): routes via
# a tunnel address name the tunnel.
ROUTES_NAME_THE_TUNNEL = [
    "set protocols static route 10.0.0.0/24 next-hop 10.0.0.1 interface 'tun0'",
    "set protocols static route 192.168.1.0/24 next-hop 10.0.0.1 interface 'tun0'",
    "set protocols static route 192.168.3.0/24 next-hop 10.0.0.3 interface 'tun0'",
]


def spoke_on(wan):
    """The guide's SPOKE1 (a DHCP spoke: source_address 0.0.0.0) with its WAN on ``wan``."""
    data = model("spoke1")
    data["ipsec"]["interface"] = wan
    return data


def tunnel_and_nhrp(tree):
    """The paths of ``tree`` below ``interfaces tunnel`` and ``protocols nhrp``."""
    return sorted(path for path in tree.paths() if path[:2] in (("interfaces", "tunnel"), ("protocols", "nhrp")))


@pytest.mark.parametrize("wan, expected", [("eth0", TUNNEL_AND_NHRP_ETH0), ("pppoe0", TUNNEL_AND_NHRP_PPPOE0)])
def test_a_dhcp_spoke_on_15_is_bound_to_its_wan_unless_the_wan_is_dynamic(wan, expected):
    tree = rd.render_endpoint(spoke_on(wan), "1.5")
    assert tunnel_and_nhrp(tree) == sorted(ct.parse_set_lines(expected.splitlines()).paths())
    assert tree.values(("vpn", "ipsec", "interface")) == [wan]


@pytest.mark.parametrize("wan", ["pppoe0", "pppoe12"])
def test_a_pppoe_wan_keeps_source_address_0000(wan):
    """(pppoe is the one dynamic kind the model's interface names take: name_patterns.py.)"""
    base = ("interfaces", "tunnel", "tun0")
    data = spoke_on("eth0")
    data["tunnel"]["source_interface"] = wan
    tree = rd.render_endpoint(data, "1.5")
    assert tree.value(base + ("source-address",)) == "0.0.0.0"
    assert not tree.exists(base + ("source-interface",))


@pytest.mark.parametrize("wan", ["eth0", "eth0.100", "bond0", "br0", "wg0", "eth1"])
def test_an_interface_with_its_own_address_is_named_as_source_interface(wan):
    data = spoke_on("eth0")
    data["tunnel"]["source_interface"] = wan
    tree = rd.render_endpoint(data, "1.5")
    assert tree.value(("interfaces", "tunnel", "tun0", "source-interface")) == wan
    assert not tree.exists(("interfaces", "tunnel", "tun0", "source-address"))


@pytest.mark.parametrize("wan, binds", [
    ("eth0", True), ("eth0.100", True), ("bond0", True), ("l2tpeth0", True), ("wwan0", True),
    ("ppp0", False), ("pppoe0", False), ("pppoe12", False), ("sstpc0", False), ("l2tp3", False), ("ipoe1", False),
])
def test_the_dynamic_interfaces_are_vyos_own_list(wan, binds):
    """VyOS's dynamic_interface_pattern (vyos/vyos-1x python/vyos/configverify.py), matched from
    the start of the name: an L2TPv3 interface (l2tpeth0) is not dynamic."""
    assert syntax_for("1.5").binds_source_interface(wan) is binds


def test_before_15_no_version_binds_an_any_source_tunnel():
    for version in ("1.2", "1.3", "1.4"):
        assert syntax_for(version).binds_source_interface("eth0") is False


@pytest.mark.parametrize("name", ["hub", "spoke1"])
def test_registration_no_unique_on_every_15_tunnel_and_no_other_version(name):
    for version in ("1.2", "1.3", "1.4", "1.5"):
        tree = rd.render_endpoint(model(name), version)
        assert tree.exists(("protocols", "nhrp", "tunnel", "tun0", "registration-no-unique")) is (version == "1.5")


@pytest.mark.parametrize("wan", ["eth0", "pppoe0"])
def test_gather_reads_back_the_dhcp_spoke_and_a_second_converge_plans_nothing(wan):
    endpoint = spoke_on(wan)
    tree = rd.render_endpoint(endpoint, "1.5")
    gathered = gt.gather_endpoint(tree, "1.5", "tun0")
    assert gathered["tunnel"]["source_address"] == "0.0.0.0"
    assert gathered["tunnel"]["source_interface"] == (None if wan == "pppoe0" else wan)
    assert gathered["ipsec"]["interface"] == wan
    assert df.compute_commands(tree, rd.render_endpoint(endpoint, "1.5"), endpoint, "1.5", "overridden") == []


@pytest.mark.parametrize("wan, tunnel_lines", [
    ("eth0", ["delete interfaces tunnel tun0 source-address",
              "set interfaces tunnel tun0 source-interface 'eth0'"]),
    ("pppoe0", []),
])
def test_the_first_converge_after_the_15_migration_keeps_what_it_set(wan, tunnel_lines):
    """From the router as the migration leaves it: registration-no-unique stays; only the
    routes gain ``interface tun0`` and, on eth0, the tunnel is bound to it (dataplane finding 2)."""
    have = migrated_spoke1(wan)
    assert have.exists(("protocols", "nhrp", "tunnel", "tun0", "registration-no-unique"))  # the migration's
    endpoint = spoke_on(wan)
    commands = df.compute_commands(have, rd.render_endpoint(endpoint, "1.5"), endpoint, "1.5", "overridden")
    assert sorted(commands) == sorted(tunnel_lines + ROUTES_NAME_THE_TUNNEL)
    # and the converge after that one: nothing
    now = df.apply_commands(have, commands, "1.5")
    assert df.compute_commands(now, rd.render_endpoint(endpoint, "1.5"), endpoint, "1.5", "overridden") == []
