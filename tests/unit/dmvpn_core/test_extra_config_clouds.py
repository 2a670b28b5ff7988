"""Extra lines and the report of hand-added leaves with two clouds on one router (one endpoint
per cloud, one commit: clouds_resource.py): each endpoint's lines are checked against its own
model, and a hand-added leaf in either cloud's objects is named once."""

import json

import dual_cloud_inventory as dual  # tests/fixtures/dual_cloud_inventory.py
import pytest

from ansible_collections.dmvpn.vyos.plugins.filter import dmvpn as flt
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.checker import ModelError
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.clouds_resource import CLOUDS
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.configtree import ConfigTree, parse_show_commands
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.diff import apply_commands, plan_commands


def spoke1(**extra):
    config = json.loads(json.dumps(flt.dmvpn_networks_check(dual.hosts(), dual.GROUPS, dual.NETWORKS)["endpoints"]["SPOKE1"]))
    for endpoint, lines in zip(config["endpoints"], (extra.get("first"), extra.get("second"))):
        if lines:
            endpoint["extra"] = lines
    return config


def run(config, have, version="1.4"):
    wanted = CLOUDS.validate(config, version, have, "overridden")
    want = CLOUDS.render(wanted, version)
    objects = CLOUDS.objects(wanted, version, have, "overridden")
    commands = plan_commands(have, want, objects, version, "overridden")
    after = apply_commands(have, commands, version)
    return commands, CLOUDS.removed_unmanaged(have, want, after, objects, wanted, version)


def test_each_endpoints_lines_are_checked_against_the_model():
    with pytest.raises(ModelError) as info:
        CLOUDS.validate(spoke1(second={"tunnel": ["mtu 1400"]}), "1.4")
    assert [(p.field, p.fix) for p in info.value.problems] == [
        ("endpoints[1].extra.tunnel[0]", "set tunnel.mtu instead (inventory: dmvpn_tunnel_mtu) and remove the line")]


def test_hand_added_leaves_of_both_clouds_are_named_once_and_declared_ones_stay():
    config = spoke1()
    first, second = (endpoint["tunnel"]["name"] for endpoint in config["endpoints"])
    have = apply_commands(ConfigTree(), run(config, ConfigTree())[0], "1.4")
    hand = ["set interfaces tunnel %s parameters ip tos '16'" % name for name in (first, second)]
    have = parse_show_commands("\n".join(have.to_show_commands() + hand))
    commands, (names, warnings) = run(config, have)
    assert sorted(commands) == sorted("delete interfaces tunnel %s parameters ip tos" % n for n in (first, second))
    assert names == ["interfaces tunnel %s parameters ip tos 16" % n for n in (first, second)]
    assert len(warnings) == 2
    kept = spoke1(second={"tunnel": ["parameters ip tos 16"]})
    commands, (names, dummy) = run(kept, have)
    assert commands == ["delete interfaces tunnel %s parameters ip tos" % first]
    assert names == ["interfaces tunnel %s parameters ip tos 16" % first]


def test_dmvpn_extra_config_per_cloud_reaches_that_clouds_endpoint_only():
    hosts = dual.hosts()
    for hv in hosts.values():
        hv["dmvpn_clouds"]["cloud2"]["dmvpn_extra_config"] = {"tunnel": ["parameters ip tos 16"]}
    hosts["SPOKE1"]["dmvpn_cloud_host_vars"]["cloud1"] = {"dmvpn_extra_config": {"nhrp": ["non-caching"]}}
    checked = flt.dmvpn_networks_check(hosts, dual.GROUPS, dual.NETWORKS)
    first, second = checked["endpoints"]["SPOKE1"]["endpoints"]
    assert (first["tunnel"]["name"], first.get("extra")) == ("tun0", {"nhrp": ["non-caching"]})
    assert (second["tunnel"]["name"], second.get("extra")) == ("tun1", {"tunnel": ["parameters ip tos 16"]})
