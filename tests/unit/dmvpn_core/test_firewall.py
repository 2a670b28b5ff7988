"""The WAN firewall rules (issue 21 item 4): model, rendering per version, gathering, what the
collection owns of the firewall, and the inventory side (dmvpn_manage_firewall).

Words per version (versions_firewall.py): 1.2/1.3 named rule sets attached with
``interfaces ethernet X firewall local name`` (vyatta-cfg-firewall templates and
gen-interface-templates.pl), 1.4/1.5 ``firewall ipv4 input filter`` with ``inbound-interface
name`` (vyos-1x firewall.xml.in, sagitta c3f688653 / current 3710c5879)."""

import copy

import pytest
from operator_firewall import OPERATOR
from seed_inventory import hosts
from seed_models import model

from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import design as ds
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import diff as df
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import gather as gt
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import model as md
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import render as rd
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import resources as rs
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.configtree import ConfigTree, parse_set_lines
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.version_names import SUPPORTED_VERSIONS

PEERS = ["203.0.113.3", "203.0.113.2"]
OLD, NEW = ("1.2", "1.3"), ("1.4", "1.5")


def hub(**firewall):
    data = model("hub")
    data["firewall"] = dict({"peers": list(PEERS)}, **firewall)
    return data


def fw_lines(tree):
    """The firewall's value lines (an emptied node, which VyOS drops, prints without a value)."""
    return [line for line in tree.to_commands() if " firewall " in line and "'" in line]


def converge(data, version, have):
    """The commands of one overridden run and the router's configuration after it."""
    endpoint = rs.DMVPN.validate(data, version, have, "overridden")
    want = rd.render_endpoint(endpoint, version)
    commands = df.plan_commands(have, want, rs.DMVPN.objects(endpoint, version, have, "overridden"), version,
                                "overridden")
    return commands, df.apply_commands(have, commands, version)


def rule_lines(prefix, number, *leaves):
    return ["set %s rule %s %s" % (prefix, number, leaf) for leaf in leaves]


def expected(version, drop_other=False, rule_set="DMVPN-WAN"):
    """The lines the hub must get, written out per version family."""
    if version in OLD:
        state = ["state established 'enable'", "state related 'enable'"]
        prefix, wan = "firewall name %s" % rule_set, []
    else:
        prefix, wan, state = "firewall ipv4 input filter", ["inbound-interface name 'eth0'"], [
            "state 'established'", "state 'related'"]
    group = ["source group address-group 'DMVPN-PEERS'"]
    lines = ["set firewall group address-group DMVPN-PEERS address '203.0.113.2'",
             "set firewall group address-group DMVPN-PEERS address '203.0.113.3'"]
    if version in OLD:
        lines += ["set %s default-action 'accept'" % prefix, "set %s description 'dmvpn.vyos: DMVPN WAN local'" % prefix]
    desc = "description 'dmvpn.vyos: %s'"
    lines += rule_lines(prefix, 9900, "action 'accept'", desc % "established/related", *(wan + state))
    lines += rule_lines(prefix, 9901, "action 'accept'", desc % "GRE from DMVPN peers", *(wan + ["protocol 'gre'"] + group))
    lines += rule_lines(prefix, 9902, "action 'accept'", desc % "ESP from DMVPN peers", *(wan + ["protocol 'esp'"] + group))
    lines += rule_lines(prefix, 9903, "action 'accept'", desc % "IKE from DMVPN peers",
                        *(wan + ["protocol 'udp'", "destination port '500'"] + group))
    lines += rule_lines(prefix, 9904, "action 'accept'", desc % "NAT-T from DMVPN peers",
                        *(wan + ["protocol 'udp'", "destination port '4500'"] + group))
    if drop_other:
        lines += rule_lines(prefix, 9905, "action 'accept'", desc % "SSH", *(wan + ["protocol 'tcp'", "destination port '2222'"]))
        lines += rule_lines(prefix, 9999, "action 'drop'", desc % "drop the rest on the WAN", *wan)
    if version in OLD:
        lines.append("set interfaces ethernet eth0 firewall local name '%s'" % rule_set)
    return lines


@pytest.mark.parametrize("version", SUPPORTED_VERSIONS)
@pytest.mark.parametrize("drop_other", [False, True])
def test_the_rules_per_version(version, drop_other):
    data = hub(drop_other=drop_other, ssh_port=2222)
    commands, dummy = converge(data, version, ConfigTree())
    assert [line for line in commands if " firewall " in line] == expected(version, drop_other)


@pytest.mark.parametrize("version", SUPPORTED_VERSIONS)
def test_off_by_default_nothing_of_the_firewall(version):
    assert fw_lines(rd.render_endpoint(model("hub"), version)) == []
    assert md.validate_endpoint(model("hub"), version)["firewall"] is None


@pytest.mark.parametrize("version", SUPPORTED_VERSIONS)
def test_any_source_without_peers(version):
    lines = fw_lines(rd.render_endpoint(hub(peers=[]), version))
    assert not [line for line in lines if "address-group" in line]
    assert [line for line in lines if "protocol 'gre'" in line]


@pytest.mark.parametrize("version", SUPPORTED_VERSIONS)
def test_gathered_as_rendered(version):
    endpoint = md.validate_endpoint(hub(drop_other=True, ssh_port=2200), version)
    gathered = gt.gather_endpoint(rd.render_endpoint(endpoint, version), version, "tun0")["firewall"]
    mine = dict(endpoint["firewall"])
    del mine["own_set"]
    assert gathered == mine
    assert gathered["rule_set"] == ("DMVPN-WAN" if version in OLD else None)


@pytest.mark.parametrize("version", SUPPORTED_VERSIONS)
def test_on_rerun_off_keeps_the_operators_rules(version):
    """On: our rules beside the operator's rule 10 (1.2/1.3: in the interface's own set OPS,
    VyOS takes one local set per interface); a re-run changes nothing; off: ours go, 10 stays."""
    have = parse_set_lines(OPERATOR[version])
    commands, after = converge(hub(), version, have)
    prefix = "firewall name OPS" if version in OLD else "firewall ipv4 input filter"
    assert [line for line in commands if " firewall " in line] == [
        line.replace("firewall name DMVPN-WAN", prefix) for line in expected(version)
        if "DMVPN WAN local" not in line and "default-action" not in line and "interfaces ethernet" not in line]
    assert converge(hub(), version, after)[0] == []
    commands, off = converge(model("hub"), version, after)
    assert [line for line in commands if " firewall " in line] == [
        "delete %s rule %d" % (prefix, number) for number in range(9900, 9905)] + [
        "delete firewall group address-group DMVPN-PEERS"]
    assert fw_lines(off) == fw_lines(have)


@pytest.mark.parametrize("version", OLD)
def test_our_own_set_goes_whole_with_its_attachment(version):
    dummy, after = converge(hub(), version, ConfigTree())
    assert converge(hub(), version, after)[0] == []
    commands, off = converge(model("hub"), version, after)
    assert commands[:3] == ["delete interfaces ethernet eth0 firewall local name", "delete firewall name DMVPN-WAN",
                            "delete firewall group address-group DMVPN-PEERS"]
    assert fw_lines(off) == []


@pytest.mark.parametrize("version", SUPPORTED_VERSIONS)
def test_a_rule_in_our_range_left_by_hand_goes_the_others_stay(version):
    prefix = "firewall name OPS" if version in OLD else "firewall ipv4 input filter"
    have = parse_set_lines(OPERATOR[version] + ["set %s rule 9950 action 'accept'" % prefix,
                                                "set %s rule 9899 action 'accept'" % prefix])
    commands, after = converge(hub(), version, have)
    assert "delete %s rule 9950" % prefix in commands
    assert after.exists(tuple(prefix.split()) + ("rule", "9899"))
    assert not [line for line in commands if " rule 10 " in line or " rule 9899" in line]


@pytest.mark.parametrize("version", SUPPORTED_VERSIONS)
def test_an_address_group_an_operator_rule_uses_stays(version):
    prefix = "firewall name OPS" if version in OLD else "firewall ipv4 input filter"
    have = parse_set_lines(OPERATOR[version] + ["set %s rule 20 action 'accept'" % prefix,
                                                "set %s rule 20 source group address-group 'DMVPN-PEERS'" % prefix])
    dummy, after = converge(hub(), version, have)
    commands, dummy = converge(model("hub"), version, after)
    assert "delete firewall group address-group DMVPN-PEERS" not in commands


@pytest.mark.parametrize("field, value, version", [
    ("firewall.peers[0]", "203.0.113.300", "1.4"),
    ("firewall.peers[0]", "0.0.0.0", "1.4"),
    ("firewall.rule_set", "-bad", "1.2"),
    ("firewall.rule_set", "MYINPUT", "1.3"),     # crux/equuleus refuse chain words in a set name
    ("firewall.rule_set", "x" * 29, "1.4"),     # checked on every version (mixed DMVPNs)
    ("firewall.address_group", "a;b", "1.5"),
    ("firewall.interface", "pppoe0", "1.2"),    # 1.2/1.3: ethernet local rule sets only
    ("firewall.interface", "eth0 x", "1.4"),
    ("firewall.ssh_port", 0, "1.4"),
    ("firewall.drop_other", "yes", "1.4"),
])
def test_bad_firewall_input_is_named(field, value, version):
    data = hub()
    key = field.split(".")[1].split("[")[0]
    data["firewall"][key] = [value] if field.endswith("[0]") else value
    with pytest.raises(md.ModelError) as info:
        md.validate_endpoint(data, version)
    assert [problem.field for problem in info.value.problems] == [field]


def test_pppoe_is_fine_on_14():
    assert md.validate_endpoint(hub(interface="pppoe0"), "1.4")["firewall"]["interface"] == "pppoe0"


def inventory(**extra):
    inv = hosts()
    for hv in inv.values():
        hv.update(dmvpn_manage_firewall=True, **extra)
    return inv


def test_inventory_peers_are_the_other_routers_or_anyone_with_a_dhcp_router():
    """The seed's spokes have DHCP WANs: every router takes GRE/IPsec from anywhere."""
    design = ds.design(inventory())
    assert design.endpoint("HUB")["firewall"]["peers"] == []
    inv = inventory()
    inv["SPOKE1"]["dmvpn_public_address"], inv["SPOKE2"]["dmvpn_public_address"] = "203.0.113.2", "203.0.113.3"
    design = ds.design(inv)
    assert design.endpoint("HUB")["firewall"]["peers"] == ["203.0.113.2", "203.0.113.3"]
    assert design.endpoint("SPOKE1")["firewall"]["peers"] == ["198.51.100.41", "203.0.113.3"]


def test_inventory_off_by_default_and_its_variables_reach_the_model():
    assert ds.design(hosts()).endpoint("HUB")["firewall"] is None
    endpoint = ds.design(inventory(dmvpn_firewall_wan_drop_other=True, dmvpn_firewall_ssh_port=2222)).endpoint("HUB")
    assert copy.deepcopy(endpoint["firewall"]) == {"interface": "eth0", "peers": [], "rule_set": "DMVPN-WAN",
                                                   "drop_other": True, "ssh_port": 2222}


@pytest.mark.parametrize("variable, value, words", [
    ("dmvpn_firewall_ssh_port", 70000, "out of range"),
    ("dmvpn_firewall_rule_set", "FORWARD-X", "not a usable name"),
])
def test_a_bad_firewall_variable_names_the_variable(variable, value, words):
    problems = ds.inventory_problems(inventory(**{variable: value}))
    assert [p["field"] for p in problems if words in p["message"] and p["host"] == "HUB"] == [variable]
    assert all(p["fix"] for p in problems)


@pytest.mark.parametrize("version", SUPPORTED_VERSIONS)
def test_state_deleted_takes_the_rules_along(version):
    """dmvpn_present: false (state deleted by tunnel name) leaves no rule of the range, no rule
    set or address group of ours, and the operator's rule 10."""
    dummy, after = converge(hub(), version, parse_set_lines(OPERATOR[version]))
    objects = rs.DMVPN.objects({"name": "tun0"}, version, after, "deleted")
    commands = df.plan_commands(after, ConfigTree(), objects, version, "deleted")
    gone = df.apply_commands(after, commands, version)
    assert fw_lines(gone) == fw_lines(parse_set_lines(OPERATOR[version]))


@pytest.mark.parametrize("version", OLD)
def test_a_set_of_our_name_with_other_rules_not_on_the_wan_is_not_taken_over(version):
    have = parse_set_lines(["set firewall name DMVPN-WAN rule 10 action 'accept'"])
    with pytest.raises(md.ModelError) as info:
        rs.DMVPN.validate(hub(), version, have, "overridden")
    (problem,) = info.value.problems
    assert problem.field == "firewall.rule_set" and "dmvpn_firewall_rule_set" in problem.fix


def test_several_endpoints_cannot_each_own_the_wan_rules():
    from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.clouds_resource import CLOUDS
    second = model("hub")
    second["tunnel"].update(name="tun1", address="10.0.9.1/24")
    second["ipsec"]["profile"]["name"] = "OTHER"
    with pytest.raises(md.ModelError) as info:
        CLOUDS.validate({"endpoints": [hub(), second]}, "1.4", ConfigTree(), "overridden")
    assert [problem.field for problem in info.value.problems] == ["endpoints[0].firewall"]
    assert CLOUDS.validate({"endpoints": [hub()]}, "1.4", ConfigTree(), "overridden")["endpoints"][0]["firewall"]
