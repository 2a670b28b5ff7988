"""IKE/ESP group options per VyOS version (issue 21 item 1): what the model takes, how it is
rendered, and what it refuses, for every version.

The sources behind each expectation are named in dmvpn_core/ipsec_values.py: 1.2/1.3's DMVPN
connection is written by vyatta-cfg-vpn scripts/dmvpn-config.pl (it reads dead-peer-detection,
ikev2-reauth yes, mobike, compression enable; not close-action), 1.4's by vyos-1x
data/templates/ipsec/swanctl/profile.j2 (sagitta c3f688653: dead-peer-detection only), 1.5's by
the FRR-era profile.j2 (aapostoliuk/vyos-1x 74ba38b: dpd_action forced to clear)."""

import pytest
from test_model import hub, problems

from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import model as md
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import render as rd

VERSIONS = ("1.2", "1.3", "1.4", "1.5")


def with_options(ike=None, esp=None):
    data = hub()
    data["ipsec"]["ike_group"].update(ike or {})
    data["ipsec"]["esp_group"].update(esp or {})
    return data


def group_lines(data, version, kind="ike-group"):
    endpoint = md.validate_endpoint(data, version)
    lines = rd.render_endpoint(endpoint, version).to_commands()
    return [line for line in lines if line.startswith("set vpn ipsec %s " % kind)]


def messages(data, version):
    return {p.field: p.message for p in problems(data, version).problems}


# -- dead peer detection --------------------------------------------------------------------
@pytest.mark.parametrize("version, given, written", [
    ("1.2", "hold", "hold"), ("1.2", "restart", "restart"), ("1.3", "clear", "clear"),
    # 1.4: hold is written as trap, as VyOS's 12-to-13 migration rewrites it
    ("1.4", "hold", "trap"), ("1.4", "trap", "trap"), ("1.4", "restart", "restart"),
    ("1.5", "clear", "clear"),
])
def test_dpd_is_rendered_in_the_words_of_the_version(version, given, written):
    data = with_options(ike={"dead_peer_detection": {"action": given, "interval": 10, "timeout": 60}})
    lines = group_lines(data, version)
    base = "set vpn ipsec ike-group IKE-HUB dead-peer-detection "
    assert [line for line in lines if "dead-peer-detection" in line] == [
        base + "action '%s'" % written, base + "interval '10'", base + "timeout '60'"]


def test_dpd_with_only_some_keys_renders_only_those():
    data = with_options(ike={"dead_peer_detection": {"interval": 20}})
    assert [line for line in group_lines(data, "1.4") if "dead-peer" in line] == [
        "set vpn ipsec ike-group IKE-HUB dead-peer-detection interval '20'"]


@pytest.mark.parametrize("version, action, text", [
    ("1.2", "trap", "VyOS 1.2 has no 'trap'"),          # 1.4's word: the error names 1.2's
    ("1.3", "start", "'start' is not allowed"),
    ("1.5", "restart", "'restart' is not allowed"),     # 1.5 forces clear
    ("1.5", "hold", "'hold' is not allowed"),
])
def test_dpd_actions_the_version_lacks_are_refused(version, action, text):
    found = messages(with_options(ike={"dead_peer_detection": {"action": action}}), version)
    assert text in found["ipsec.ike_group.dead_peer_detection.action"]


def test_the_1_2_refusal_names_the_word_to_use():
    problem = problems(with_options(ike={"dead_peer_detection": {"action": "trap"}}), "1.3").problems[0]
    assert problem.fix == "use 'hold', its word for the same action"


@pytest.mark.parametrize("version", VERSIONS)
def test_dpd_ranges_and_empty_dict_are_refused_all_at_once(version):
    found = messages(with_options(ike={"dead_peer_detection": {"interval": 1, "timeout": 86401}},
                                  esp={"life_packets": 5}), version)
    assert "out of range" in found["ipsec.ike_group.dead_peer_detection.interval"]
    assert "out of range" in found["ipsec.ike_group.dead_peer_detection.timeout"]
    assert "ipsec.esp_group.life_packets" in found  # and the other problem, in the same report
    empty = messages(with_options(ike={"dead_peer_detection": {}}), version)
    assert empty == {"ipsec.ike_group.dead_peer_detection": "is empty"}


def test_an_unknown_dpd_key_is_refused():
    found = messages(with_options(ike={"dead_peer_detection": {"delay": 5}}), "1.4")
    assert "ipsec.ike_group.dead_peer_detection.delay" in found


# -- the switches ---------------------------------------------------------------------------
@pytest.mark.parametrize("version", ("1.2", "1.3"))
def test_old_versions_write_the_switches_with_their_words(version):
    data = with_options(ike={"ikev2_reauth": True, "disable_mobike": True}, esp={"compression": True})
    assert "set vpn ipsec ike-group IKE-HUB ikev2-reauth 'yes'" in group_lines(data, version)
    assert "set vpn ipsec ike-group IKE-HUB mobike 'disable'" in group_lines(data, version)
    assert "set vpn ipsec esp-group ESP-HUB compression 'enable'" in group_lines(data, version, "esp-group")


@pytest.mark.parametrize("version", VERSIONS)
def test_false_switches_render_nothing(version):
    data = with_options(ike={"ikev2_reauth": False, "disable_mobike": False}, esp={"compression": False})
    lines = group_lines(data, version) + group_lines(data, version, "esp-group")
    assert not any(word in line for line in lines for word in ("reauth", "mobike", "compression"))


@pytest.mark.parametrize("version", ("1.4", "1.5"))
@pytest.mark.parametrize("group, field", [("ike_group", "ikev2_reauth"), ("ike_group", "disable_mobike"),
                                          ("esp_group", "compression")])
def test_switches_1_4_and_1_5_never_use_are_refused(version, group, field):
    found = messages(with_options(**{group[:3]: {field: True}}), version)
    assert found == {"ipsec.%s.%s" % (group, field): found["ipsec.%s.%s" % (group, field)]}
    assert "not supported on VyOS %s" % version in found["ipsec.%s.%s" % (group, field)]
    assert "profile.j2" in found["ipsec.%s.%s" % (group, field)]


@pytest.mark.parametrize("version", VERSIONS)
def test_switches_must_be_booleans(version):
    found = messages(with_options(ike={"ikev2_reauth": "yes"}), version)
    assert found["ipsec.ike_group.ikev2_reauth"] == "must be true or false, got 'yes'"


# -- options no version's DMVPN connection reads ------------------------------------------
@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("group, field, value", [("ike_group", "close_action", "none"),
                                                 ("esp_group", "life_bytes", 1048576),
                                                 ("esp_group", "life_packets", 100000)])
def test_close_action_and_life_counts_are_refused_everywhere(version, group, field, value):
    found = messages(with_options(**{group[:3]: {field: value}}), version)
    assert "not supported on VyOS %s" % version in found["ipsec.%s.%s" % (group, field)]


@pytest.mark.parametrize("version", VERSIONS)
def test_without_options_nothing_new_is_rendered(version):
    lines = group_lines(hub(), version) + group_lines(hub(), version, "esp-group")
    assert not any(word in line for line in lines
                   for word in ("dead-peer", "close-action", "reauth", "mobike", "compression", "life-"))


# -- from the inventory: dmvpn_ike_group / dmvpn_esp_group take the same keys ---------------
def test_inventory_groups_take_the_options_and_auto_reports_the_versions_that_refuse_them():
    from seed_inventory import hosts

    from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import design as ds

    inventory = hosts()
    dpd = {"action": "clear", "interval": 30}
    inventory["HUB"]["dmvpn_ike_group"].update(disable_mobike=True, dead_peer_detection=dpd)
    found = [p for p in ds.inventory_problems(inventory) if p["host"] == "HUB"]
    # dmvpn_vyos_version auto: the router may run 1.4 or 1.5, whose connection ignores MOBIKE
    assert sorted(p["field"] for p in found) == ["dmvpn_ike_group.disable_mobike"] * 2
    assert all("on VyOS 1.4" in p["message"] or "on VyOS 1.5" in p["message"] for p in found)
    assert all("set dmvpn_vyos_version to the router's version" in p["fix"] for p in found)
    inventory["HUB"]["dmvpn_vyos_version"] = "1.3"
    assert [p for p in ds.inventory_problems(inventory) if p["host"] == "HUB"] == []
    endpoint = md.validate_endpoint(ds.design(inventory).endpoint("HUB"), "1.3")
    assert endpoint["ipsec"]["ike_group"]["disable_mobike"] is True
    assert endpoint["ipsec"]["ike_group"]["dead_peer_detection"] == {"action": "clear", "interval": 30, "timeout": None}


def test_the_default_ike_group_runs_dead_peer_detection_on_every_version():
    """spec_inventory.DEFAULT_IKE_GROUP: clear (what 1.5 forces), VyOS's own 30 s / 120 s."""
    from seed_inventory import hosts

    from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import design as ds

    inventory = hosts()
    for hv in inventory.values():
        hv.pop("dmvpn_ike_group", None)
    endpoint = ds.design(inventory).endpoint("SPOKE1")
    for version in VERSIONS:
        lines = rd.render_endpoint(md.validate_endpoint(endpoint, version), version).to_commands()
        assert [line for line in lines if "dead-peer" in line] == [
            "set vpn ipsec ike-group IKE-DMVPN dead-peer-detection action 'clear'",
            "set vpn ipsec ike-group IKE-DMVPN dead-peer-detection interval '30'",
            "set vpn ipsec ike-group IKE-DMVPN dead-peer-detection timeout '120'"], version


# -- gather: the switches as a router holds them ----------------------------------------------
@pytest.mark.parametrize("version, lines, expected", [
    ("1.2", ["ikev2-reauth 'yes'", "mobike 'disable'"], (True, True)),
    # VyOS's other values (the defaults) read as false: rendering false writes nothing
    ("1.3", ["ikev2-reauth 'no'", "mobike 'enable'"], (False, False)),
    ("1.4", ["ikev2-reauth", "disable-mobike"], (True, True)),
    ("1.5", [], (False, False)),
])
def test_gather_reads_the_switches_in_the_words_of_the_version(version, lines, expected):
    from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import configtree as ct
    from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import gather as gt

    tree = rd.render_endpoint(md.validate_endpoint(hub(), version), version)
    extra = ct.parse_set_lines(["set vpn ipsec ike-group IKE-HUB " + line for line in lines])
    tree.merge(extra)
    ike = gt.gather_endpoint(tree, version, "tun0")["ipsec"]["ike_group"]
    assert (ike["ikev2_reauth"], ike["disable_mobike"]) == expected
    assert ike["dead_peer_detection"] is None
