"""The dmvpn module's endpoints of several clouds (dmvpn_core/clouds_resource.py): the union
of the endpoints in one change, ownership per tunnel (one cloud's stale-object discovery
never takes the other cloud's tunnel, NHRP, profile or routes), shared groups once, dropping
a cloud with absent_tunnels, and the checks across the endpoints."""

import json

import dual_cloud_inventory as dual  # tests/fixtures/dual_cloud_inventory.py
import pytest

from ansible_collections.dmvpn.vyos.plugins.filter import dmvpn as flt
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.checker import ModelError
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.clouds_resource import CLOUDS
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.configtree import ConfigTree, parse_show_commands
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.diff import apply_commands, plan_commands
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.render import render_endpoint
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.resources import DMVPN

VERSIONS = ("1.2", "1.3", "1.4", "1.5")


def spoke1():
    # (through JSON, as Ansible hands it over: the endpoints share the default IKE/ESP groups)
    return json.loads(json.dumps(flt.dmvpn_networks_check(dual.hosts(), dual.GROUPS, dual.NETWORKS)["endpoints"]["SPOKE1"]))


def plan(config, version, have, state="overridden", resource=CLOUDS):
    wanted = resource.validate(config, version, have, state)
    want = ConfigTree() if state == "deleted" else resource.render(wanted, version)
    return plan_commands(have, want, resource.objects(wanted, version, have, state), version, state)


def converged(version):
    have = ConfigTree()
    return apply_commands(have, plan(spoke1(), version, have), version)


def with_lines(tree, lines):
    return parse_show_commands("\n".join(tree.to_show_commands() + lines))


@pytest.mark.parametrize("version", VERSIONS)
def test_both_clouds_in_one_change_shared_groups_once_then_nothing(version):
    config = spoke1()
    commands = plan(config, version, ConfigTree())
    each = [set(render_endpoint(endpoint, version).to_commands()) for endpoint in config["endpoints"]]
    assert set(commands) == each[0] | each[1]
    assert len(commands) == len(set(commands))
    # the IKE and ESP groups both profiles name are one object, set once
    assert len([line for line in commands if line.startswith("set vpn ipsec ike-group IKE-DMVPN lifetime")]) == 1
    assert len([line for line in commands if line.startswith("set vpn ipsec esp-group ESP-DMVPN lifetime")]) == 1
    assert plan(config, version, apply_commands(ConfigTree(), commands, version)) == []


@pytest.mark.parametrize("version", VERSIONS)
def test_a_profile_binding_the_other_clouds_tunnel_does_not_make_it_a_renamed_tunnel(version):
    quote = "" if version in ("1.2", "1.3") else "'"
    have = with_lines(converged(version), ["set vpn ipsec profile DMVPN-CLOUD1 bind tunnel %stun1%s" % (quote, quote)])
    assert plan(spoke1(), version, have) == ["delete vpn ipsec profile DMVPN-CLOUD1 bind tunnel %stun1%s" % (quote, quote)]
    # (one endpoint alone would take tun1 for cloud1's renamed tunnel and delete it)
    alone = plan(spoke1()["endpoints"][0], version, have, resource=DMVPN)
    assert "delete interfaces tunnel tun1" in alone and "delete protocols nhrp tunnel tun1" in alone


def test_dropping_cloud2_deletes_only_its_objects():
    version = "1.4"
    config = spoke1()
    cloud1_only = {"endpoints": config["endpoints"][:1], "absent_tunnels": ["tun1"]}
    # (the route to SPOKE2's LAN keeps its cloud1 next hop; the shared IKE/ESP groups stay, the
    # cloud1 profile names them; eth2 carried only cloud2's IPsec)
    assert plan(cloud1_only, version, converged(version)) == [
        "delete protocols static route 192.168.12.0/24 next-hop 10.2.0.12",
        "delete protocols static route 192.168.2.0/24",
        "delete protocols nhrp tunnel tun1",
        "delete vpn ipsec profile DMVPN-CLOUD2",
        "delete vpn ipsec interface eth2",
        "delete interfaces tunnel tun1",
    ]
    # without naming it absent, the other cloud's tunnel is not this run's: left alone
    assert plan({"endpoints": config["endpoints"][:1], "absent_tunnels": []}, version, converged(version)) == []


def test_an_absent_tunnel_that_is_not_a_dmvpn_tunnel_is_left_alone():
    version = "1.4"
    have = with_lines(ConfigTree(), ["set interfaces tunnel tun1 encapsulation 'gre'",
                                     "set interfaces tunnel tun1 remote '192.0.2.9'",
                                     "set interfaces tunnel tun1 source-address '198.51.100.11'"])
    config = spoke1()
    commands = plan({"endpoints": config["endpoints"][:1], "absent_tunnels": ["tun1"]}, version, have)
    assert commands and not any("tun1" in line for line in commands)


def test_deleted_removes_every_named_tunnel_and_what_it_owns():
    version = "1.4"
    names = {"endpoints": [{"tunnel": {"name": "tun0"}}, {"tunnel": {"name": "tun1"}}]}
    assert plan(names, version, converged(version), state="deleted") == [
        "delete protocols static route 192.168.1.0/24", "delete protocols static route 192.168.12.0/24",
        "delete protocols static route 192.168.2.0/24", "delete protocols nhrp tunnel tun0",
        "delete protocols nhrp tunnel tun1", "delete vpn ipsec profile DMVPN-CLOUD1",
        "delete vpn ipsec profile DMVPN-CLOUD2", "delete vpn ipsec interface 'eth0'",
        "delete vpn ipsec interface 'eth2'", "delete vpn ipsec esp-group ESP-DMVPN",
        "delete vpn ipsec ike-group IKE-DMVPN", "delete interfaces tunnel tun0", "delete interfaces tunnel tun1"]


@pytest.mark.parametrize("change, field", [
    (lambda c: c["endpoints"][1]["tunnel"].update(name="tun0"), "endpoints[1].tunnel.name"),
    (lambda c: c["endpoints"][1]["tunnel"].update(address="10.2.0.11/14"), "endpoints[1].tunnel.address"),
    (lambda c: c["endpoints"][1]["ipsec"]["profile"].update(name="DMVPN-CLOUD1"), "endpoints[1].ipsec.profile.name"),
    (lambda c: c["endpoints"][1]["ipsec"]["ike_group"].update(lifetime=7200), "endpoints[1].ipsec.ike_group"),
    # VyOS's id-less secrets (swanctl.conf.j2): one PSK per router
    (lambda c: c["endpoints"][1]["ipsec"]["profile"].update(pre_shared_secret="Canary-psk-two"),
     "endpoints[1].ipsec.profile.pre_shared_secret"),
    (lambda c: c.update(absent_tunnels=["tun1"]), "absent_tunnels"),
    (lambda c: c.update(absent_tunnels=["tun1; rm"]), "absent_tunnels[0]"),
    (lambda c: c["endpoints"][0]["tunnel"].update(key="x"), "endpoints[0].tunnel.key"),
    (lambda c: c.update(endpoints=[]), "endpoints"),
])
def test_what_one_router_cannot_hold_for_two_endpoints_is_refused(change, field):
    config = spoke1()
    change(config)
    with pytest.raises(ModelError) as err:
        CLOUDS.validate(config, "1.4")
    assert field in [problem.field for problem in err.value.problems], err.value


def test_bgp_with_several_endpoints_is_refused():
    config = spoke1()
    config["endpoints"][0]["bgp"] = {"asn": 65000, "neighbors": [{"address": "10.1.0.1", "remote_as": "65000"}],
                                     "networks": ["192.168.11.0/24"]}
    with pytest.raises(ModelError) as err:
        CLOUDS.validate(config, "1.4")
    assert [p.field for p in err.value.problems] == ["endpoints[0].bgp"]


def test_the_secrets_of_every_endpoint_are_masked():
    config = spoke1()  # (the inventory gives both clouds one PSK; each endpoint's own is masked)
    config["endpoints"][1]["ipsec"]["profile"]["pre_shared_secret"] = "Canary-psk-two"
    assert sorted(CLOUDS.secrets(config)) == ["Canary-1", "Canary-2", "Canary-psk", "Canary-psk-two"]
