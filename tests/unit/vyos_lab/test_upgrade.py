"""The lab's 1.4 -> 1.5 image upgrade (vyos_lab/upgrade.py): the saved config migrated as VyOS's
migration scripts rewrite it, then the router runs as 1.5.

Every expected text below is read off vyos/vyos-1x src/migration-scripts/nhrp/0-to-1 at d9492c2,
step by step (the only sagitta -> circinus step that touches what the lab models: upgrade.py's
docstring lists the others and why they do not apply). Lines come out in the order the script's
config tree holds them: a node set anew goes last among its siblings.
"""

import os

import pytest

from vyos_lab.lab import Lab, LabThread, RouterSpec
from vyos_lab.router import Router
from vyos_lab.upgrade import installed_version, migrate_14_to_15, parse, render, upgrade_router

from conftest import fixture_lines

from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import configtree as ct
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import diff as df
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import render as rd

from seed_models import model  # tests/fixtures/seed_models.py

HUB_14 = """\
set interfaces tunnel tun0 address '10.0.0.1/24'
set interfaces tunnel tun0 encapsulation 'gre'
set interfaces tunnel tun0 source-address '198.51.100.41'
set protocols nhrp tunnel tun0 cisco-authentication 'KEY'
set protocols nhrp tunnel tun0 holding-time '300'
set protocols nhrp tunnel tun0 multicast 'dynamic'
set protocols nhrp tunnel tun0 redirect
set protocols static route 192.168.2.0/24 next-hop 10.0.0.2
"""
# cisco-authentication -> authentication and holding-time -> holdtime (deleted, set anew: last),
# network-id 1 (the first tunnel), registration-no-unique on every tunnel, the address a /32;
# multicast 'dynamic' stays; no NHS, so no route; the source address untouched.
HUB_15 = """\
set interfaces tunnel tun0 encapsulation 'gre'
set interfaces tunnel tun0 source-address '198.51.100.41'
set interfaces tunnel tun0 address '10.0.0.1/32'
set protocols nhrp tunnel tun0 multicast 'dynamic'
set protocols nhrp tunnel tun0 redirect
set protocols nhrp tunnel tun0 authentication 'KEY'
set protocols nhrp tunnel tun0 holdtime '300'
set protocols nhrp tunnel tun0 network-id '1'
set protocols nhrp tunnel tun0 registration-no-unique
set protocols static route 192.168.2.0/24 next-hop 10.0.0.2
"""

SPOKE_14 = """\
set interfaces tunnel tun0 address '10.0.0.2/24'
set interfaces tunnel tun0 source-address '0.0.0.0'
set protocols nhrp tunnel tun0 cisco-authentication 'KEY'
set protocols nhrp tunnel tun0 map 10.0.0.1/24 nbma-address '198.51.100.41'
set protocols nhrp tunnel tun0 map 10.0.0.1/24 register
set protocols nhrp tunnel tun0 multicast 'nhs'
set protocols nhrp tunnel tun0 shortcut
"""
# The register map -> nhs tunnel-ip (prefix length dropped); multicast nhs -> the NHS's NBMA
# address; the tunnel subnet via the NHS at distance 250; source-address 0.0.0.0 kept.
SPOKE_15 = """\
set interfaces tunnel tun0 source-address '0.0.0.0'
set interfaces tunnel tun0 address '10.0.0.2/32'
set protocols nhrp tunnel tun0 shortcut
set protocols nhrp tunnel tun0 authentication 'KEY'
set protocols nhrp tunnel tun0 network-id '1'
set protocols nhrp tunnel tun0 nhs tunnel-ip 10.0.0.1 nbma '198.51.100.41'
set protocols nhrp tunnel tun0 multicast '198.51.100.41'
set protocols nhrp tunnel tun0 registration-no-unique
set protocols static route 10.0.0.0/24 next-hop 10.0.0.1 distance '250'
"""

# Every branch of the script: dynamic-map dropped; a map without register -> map tunnel-ip, a
# map without nbma-address dropped, ``cisco`` dropped; two register maps -> two NHS, two
# multicast NBMA addresses and a route via each; two addresses of one host -> one /32, routes
# for the first; non-caching dropped; shortcut-destination and shortcut-target -> shortcut (set
# once, kept where it was); the second tunnel gets network-id 2 and no route (no NHS).
MANY_14 = """\
set interfaces tunnel tun0 address '10.0.0.2/24'
set interfaces tunnel tun0 address '10.0.0.2/25'
set interfaces tunnel tun0 encapsulation 'gre'
set interfaces tunnel tun1 address '10.1.0.2/24'
set protocols nhrp tunnel tun0 cisco-authentication 'KEY'
set protocols nhrp tunnel tun0 dynamic-map 10.0.0.9/24 nbma-domain-name 'hub.example.net'
set protocols nhrp tunnel tun0 holding-time '600'
set protocols nhrp tunnel tun0 map 10.0.0.1/24 cisco
set protocols nhrp tunnel tun0 map 10.0.0.1/24 nbma-address '198.51.100.41'
set protocols nhrp tunnel tun0 map 10.0.0.1/24 register
set protocols nhrp tunnel tun0 map 10.0.0.5/24 nbma-address '192.0.2.5'
set protocols nhrp tunnel tun0 map 10.0.0.6/24 register
set protocols nhrp tunnel tun0 map 10.0.0.7/24 nbma-address '203.0.113.7'
set protocols nhrp tunnel tun0 map 10.0.0.7/24 register
set protocols nhrp tunnel tun0 multicast 'nhs'
set protocols nhrp tunnel tun0 non-caching
set protocols nhrp tunnel tun0 shortcut-destination
set protocols nhrp tunnel tun0 shortcut-target 10.0.0.0/24 holding-time '300'
set protocols nhrp tunnel tun1 multicast 'dynamic'
set protocols nhrp tunnel tun1 shortcut
set protocols nhrp tunnel tun1 shortcut-target 10.1.0.0/24
"""
MANY_15 = """\
set interfaces tunnel tun0 encapsulation 'gre'
set interfaces tunnel tun0 address '10.0.0.2/32'
set interfaces tunnel tun1 address '10.1.0.2/32'
set protocols nhrp tunnel tun0 authentication 'KEY'
set protocols nhrp tunnel tun0 holdtime '600'
set protocols nhrp tunnel tun0 network-id '1'
set protocols nhrp tunnel tun0 nhs tunnel-ip 10.0.0.1 nbma '198.51.100.41'
set protocols nhrp tunnel tun0 nhs tunnel-ip 10.0.0.7 nbma '203.0.113.7'
set protocols nhrp tunnel tun0 map tunnel-ip 10.0.0.5 nbma '192.0.2.5'
set protocols nhrp tunnel tun0 multicast '198.51.100.41'
set protocols nhrp tunnel tun0 multicast '203.0.113.7'
set protocols nhrp tunnel tun0 shortcut
set protocols nhrp tunnel tun0 registration-no-unique
set protocols nhrp tunnel tun1 multicast 'dynamic'
set protocols nhrp tunnel tun1 shortcut
set protocols nhrp tunnel tun1 network-id '2'
set protocols nhrp tunnel tun1 registration-no-unique
set protocols static route 10.0.0.0/24 next-hop 10.0.0.1 distance '250'
set protocols static route 10.0.0.0/24 next-hop 10.0.0.7 distance '250'
"""


@pytest.mark.parametrize("before, after", [(HUB_14, HUB_15), (SPOKE_14, SPOKE_15), (MANY_14, MANY_15)],
                         ids=["hub", "spoke", "every-branch"])
def test_the_migration_rewrites_the_config_as_nhrp_0_to_1_does(before, after):
    assert migrate_14_to_15(before) == after


def test_a_config_without_nhrp_comes_out_unchanged():
    """(The script returns at once without protocols nhrp tunnel: a plain tunnel keeps its /24.)"""
    text = ("set interfaces tunnel tun5 address '10.9.0.1/24'\n"
            "set interfaces tunnel tun5 remote '192.0.2.1'\n"
            "set system host-name 'R1'\n")
    assert migrate_14_to_15(text) == text


def test_values_are_what_is_quoted_names_what_is_bare():
    """VyOS prints a value in single quotes and a node or tag bare: ``lo`` and ``redirect`` are
    nodes, ``eth0`` is a value; a multi-value leaf keeps its values in order."""
    text = ("set interfaces loopback lo\n"
            "set protocols nhrp tunnel tun0 redirect\n"
            "set vpn ipsec interface 'eth1'\n"
            "set vpn ipsec interface 'eth0'\n")
    tree = parse(text)
    assert tree["vpn"]["ipsec"]["interface"] == {None: ["eth1", "eth0"]}
    assert tree["interfaces"]["loopback"]["lo"] == {}
    assert render(tree) == text


# -- the lab router upgraded ------------------------------------------------------------------


def spoke1_14(state_dir=None):
    return Router("SPOKE1", "1.4", fixture_lines("1.4", "spoke1"), state_dir=state_dir)


def test_the_router_boots_15_with_its_saved_config_migrated(tmp_path):
    router = spoke1_14(str(tmp_path))
    session = router.open_config_session()
    session.set(["interfaces", "tunnel", "tun0", "mtu", "1400"])
    router.commit(session)          # committed, not saved: the upgrade takes config.boot
    expected = migrate_14_to_15("".join(line + "\n" for line in router.saved.commands()))
    assert upgrade_router(router, "1.5") == 12
    assert router.version == "1.5" and router.running.version == "1.5"
    assert router.running.commands() == router.saved.commands()
    assert sorted(router.running.commands()) == sorted(expected.splitlines())
    assert not router.running.exists(["interfaces", "tunnel", "tun0", "mtu"])
    assert len(router.history) == 1 and router.history[0].via == "boot-config-loader"
    assert installed_version(str(tmp_path)) == "1.5"
    with open(os.path.join(str(tmp_path), "config.boot")) as handle:
        assert handle.read().splitlines() == router.saved.commands()


def test_a_lab_started_again_on_the_state_boots_the_upgraded_version(tmp_path):
    lab = Lab([RouterSpec("SPOKE1", "1.4", initial_lines=fixture_lines("1.4", "spoke1"))], state_dir=str(tmp_path))
    migrated = lab.routers["SPOKE1"]
    upgrade_router(migrated, "1.5")
    again = Lab([RouterSpec("SPOKE1", "1.4")], state_dir=str(tmp_path))
    assert again.routers["SPOKE1"].version == "1.5"
    assert again.routers["SPOKE1"].running.commands() == migrated.running.commands()


def test_the_control_api_upgrades_and_the_router_answers_as_15(tmp_path):
    """(python -m vyos_lab upgrade sends this request.) Version and op mode follow: 1.4's
    ``show nhrp tunnel`` is gone, nhrpd's ``show ip nhrp cache`` table answers (the FRR-era op
    mode has only cache, nhs and shortcut under show ip nhrp: vyos-1x op-mode-definitions
    nhrp.xml.in, dozenos/dozenos-1x 020ab1d)."""
    thread = LabThread([RouterSpec("SPOKE1", "1.4", initial_lines=fixture_lines("1.4", "spoke1"))],
                       state_dir=str(tmp_path))
    with thread:
        result = thread.control(op="upgrade", router="SPOKE1", version="1.5")
        assert result == {"router": "SPOKE1", "from": "1.4", "to": "1.5", "lines_changed": 12}
        assert thread.control(op="status")["routers"][0]["version"] == "1.5"
        shown = thread.control(op="command", router="SPOKE1", command="show version")
        assert shown.splitlines()[:2] == ["Version:          VyOS 1.5-rolling-202410210000",
                                          "Release train:    circinus"]
        old = thread.control(op="command", router="SPOKE1", command="show nhrp tunnel")
        assert old == "\n  Invalid command: [show nhrp tunnel]\n"
        table = thread.control(op="command", router="SPOKE1", command="show ip nhrp cache")
        assert table.splitlines()[0].split() == ["Iface", "Type", "Protocol", "NBMA", "Claimed", "NBMA", "Flags",
                                                 "Identity"]


@pytest.mark.parametrize("version, target", [("1.4", "1.4"), ("1.3", "1.5"), ("1.5", "1.5")])
def test_only_the_14_to_15_upgrade_exists(version, target):
    router = Router("R1", version)
    before = router.running.commands()
    with pytest.raises(ValueError) as info:
        upgrade_router(router, target)
    assert str(info.value) == "the lab upgrades 1.4 -> 1.5 only (not %s -> %s)" % (version, target)
    assert router.version == version and router.running.commands() == before


def test_a_pending_commit_confirm_does_not_survive_the_upgrade():
    router = spoke1_14()
    session = router.open_config_session()
    session.set(["interfaces", "tunnel", "tun0", "mtu", "1400"])
    router.commit_confirm(session, 10)
    upgrade_router(router, "1.5")
    assert router.confirm_timer is None
    assert not router.running.exists(["interfaces", "tunnel", "tun0", "mtu"])


# -- the product's first converge on the migrated router ----------------------------------------

# What our 1.5 rendering keeps different from the migration (docs/vyos-versions.md "Upgrading a router from 1.4
# to 1.5", versions.py _FRR): routes via a tunnel address name the tunnel; a DHCP spoke's tunnel
# is bound to its WAN instead of 0.0.0.0. The molecule scenario `upgrade` pins the same lines.
FIRST_CONVERGE = {
    "hub": [
        "set protocols static route 192.168.2.0/24 next-hop 10.0.0.2 interface 'tun0'",
        "set protocols static route 192.168.3.0/24 next-hop 10.0.0.3 interface 'tun0'",
    ],
    "spoke1": [
        "delete interfaces tunnel tun0 source-address",
        "set interfaces tunnel tun0 source-interface 'eth0'",
        "set protocols static route 10.0.0.0/24 next-hop 10.0.0.1 interface 'tun0'",
        "set protocols static route 192.168.1.0/24 next-hop 10.0.0.1 interface 'tun0'",
        "set protocols static route 192.168.3.0/24 next-hop 10.0.0.3 interface 'tun0'",
    ],
}


@pytest.mark.parametrize("name", sorted(FIRST_CONVERGE))
def test_the_first_converge_on_the_migrated_router_changes_only_the_documented_differences(name):
    router = Router(name.upper(), "1.4", fixture_lines("1.4", name))
    upgrade_router(router, "1.5")
    have = ct.parse_set_lines(router.running.commands())
    endpoint = model(name)
    want = rd.render_endpoint(endpoint, "1.5")
    commands = df.compute_commands(have, want, endpoint, "1.5", "overridden")
    assert sorted(commands) == sorted(FIRST_CONVERGE[name])
    after = df.apply_commands(have, commands, "1.5")
    assert df.compute_commands(after, want, endpoint, "1.5", "overridden") == []
