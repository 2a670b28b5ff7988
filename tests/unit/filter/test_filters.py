"""Unit tests of the filter plugin's own logic (the design itself is tested in dmvpn_core):
the role check, endpoints computed once, and role inputs checked against the roles'
argument specs."""

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.dmvpn.vyos.plugins.filter import dmvpn as flt

import seed_inventory  # tests/fixtures/seed_inventory.py

GROUPS = {"dmvpn": ["HUB", "SPOKE1", "SPOKE2"], "dmvpn_hubs": ["HUB"], "dmvpn_spokes": ["SPOKE1", "SPOKE2"]}


def test_endpoint_refuses_the_other_role_naming_host_and_fix():
    hostvars = seed_inventory.hosts()
    with pytest.raises(AnsibleFilterError) as err:
        flt.dmvpn_endpoint(hostvars, GROUPS["dmvpn"], "SPOKE1", role="hub")
    message = str(err.value)
    assert message.startswith("SPOKE1: dmvpn_role is 'spoke'")
    assert "dmvpn_hubs group" in message and "dmvpn.vyos.dmvpn_spoke" in message
    del hostvars["HUB"]["dmvpn_role"]
    with pytest.raises(AnsibleFilterError, match="dmvpn_role is 'unset'"):
        flt.dmvpn_endpoint(hostvars, GROUPS["dmvpn"], "HUB", role="hub")


def test_endpoints_computed_once_equal_the_per_router_ones():
    hostvars = seed_inventory.hosts()
    endpoints = flt.dmvpn_networks_endpoints(hostvars, GROUPS, ["dmvpn"])
    assert sorted(endpoints) == GROUPS["dmvpn"]
    for host in GROUPS["dmvpn"]:
        assert endpoints[host] == flt.dmvpn_endpoint(hostvars, GROUPS["dmvpn"], host)
        # Given ahead, the endpoint is taken as is (the design is not computed again).
        assert flt.dmvpn_endpoint({host: hostvars[host]}, None, host, endpoint=endpoints[host]) == endpoints[host]


def test_a_host_in_two_dmvpns_is_left_to_its_role():
    hostvars = seed_inventory.hosts()
    for hv in hostvars.values():
        hv["dmvpn_present"] = True
    groups = dict(GROUPS, other=["HUB", "SPOKE1", "SPOKE2"])
    assert flt.dmvpn_networks_endpoints(hostvars, groups, ["dmvpn", "other"]) == {}


def test_absent_endpoint_is_only_the_tunnel_name():
    hostvars = seed_inventory.hosts()
    assert flt.dmvpn_endpoint(hostvars, GROUPS["dmvpn"], "SPOKE2", role="spoke", present=False) == {"tunnel": {"name": "tun0"}}


@pytest.mark.parametrize("field, value, words", [
    ("dmvpn_save", "maybe", "bool"),
    ("dmvpn_state", "purged", "one of"),
    ("dmvpn_manage_underlay", "perhaps", "bool"),
    ("dmvpn_underlay", "eth0", "dict"),
])
def test_role_inputs_are_checked_for_every_router_at_once(field, value, words):
    hostvars = seed_inventory.hosts()
    hostvars["SPOKE2"][field] = value
    hostvars["HUB"][field] = value
    problems = flt.dmvpn_networks_problems(hostvars, GROUPS, ["dmvpn"])
    assert [(p["host"], p["field"]) for p in problems] == [("HUB", field), ("SPOKE2", field)], [p["message"] for p in problems]
    assert all(words in p["message"] for p in problems)
    assert "ansible-doc -t role dmvpn.vyos.dmvpn_hub" in problems[0]["fix"]
    assert "ansible-doc -t role dmvpn.vyos.dmvpn_spoke" in problems[1]["fix"]


def test_commit_confirm_is_checked_by_the_design_once_with_its_range():
    hostvars = seed_inventory.hosts()
    hostvars["HUB"]["dmvpn_commit_confirm"] = "soon"
    hostvars["SPOKE2"]["dmvpn_commit_confirm"] = 1441
    hostvars["SPOKE1"]["dmvpn_commit_confirm"] = "2"  # (-e dmvpn_commit_confirm=2 is text: taken, as the role takes it)
    problems = flt.dmvpn_networks_problems(hostvars, GROUPS, ["dmvpn"])
    assert [(p["host"], p["field"], p["message"], p["fix"]) for p in problems] == [
        ("HUB", "dmvpn_commit_confirm", "'soon' is not a whole number of minutes",
         "use 0 (plain commit) or 1 to 1440 minutes"),
        ("SPOKE2", "dmvpn_commit_confirm", "1441 minutes is more than a day: the rollback would not protect a lost "
         "session (the router would run unconfirmed that long)", "use 0 (plain commit) or 1 to 1440 minutes")]


def test_a_field_the_design_reports_is_not_reported_twice():
    hostvars = seed_inventory.hosts()
    hostvars["SPOKE1"]["dmvpn_gre_key"] = "seven"
    problems = flt.dmvpn_networks_problems(hostvars, GROUPS, ["dmvpn"])
    assert problems == flt.dmvpn_inventory_problems(hostvars, GROUPS["dmvpn"])  # the design's, nothing more
    assert {(p["host"], p["field"]) for p in problems} == {("SPOKE1", "dmvpn_gre_key")}


def test_the_seed_inventory_has_no_problems():
    assert flt.dmvpn_networks_problems(seed_inventory.hosts(), GROUPS, ["dmvpn"]) == []


def test_a_misspelt_dmvpn_variable_is_reported_with_the_right_name():
    hostvars = seed_inventory.hosts()
    hostvars["SPOKE2"]["dmvpn_lan_prefix"] = ["192.168.3.0/24"]
    hostvars["HUB"]["dmvpn_my_own_thing"] = 1
    problems = {(p["host"], p["field"]): p for p in flt.dmvpn_networks_problems(hostvars, GROUPS, ["dmvpn"])}
    assert "did you mean dmvpn_lan_prefixes" in problems[("SPOKE2", "dmvpn_lan_prefix")]["fix"]
    assert "without the dmvpn_ prefix" in problems[("HUB", "dmvpn_my_own_thing")]["fix"]
    assert len(problems) == 2


def test_variables_the_playbooks_use_are_not_typos():
    hostvars = seed_inventory.hosts()
    for name in flt.PLAYBOOK_VARIABLES:
        hostvars["SPOKE1"][name] = None
    assert flt.dmvpn_networks_problems(hostvars, GROUPS, ["dmvpn"]) == []


def test_unknown_keys_inside_dict_inputs_are_named_with_their_path():
    hostvars = seed_inventory.hosts()
    hostvars["HUB"]["dmvpn_esp_group"] = dict(hostvars["HUB"]["dmvpn_esp_group"], pfs_group="dh-group14")
    hostvars["SPOKE1"]["dmvpn_underlay"] = {"hostname": "SPOKE1", "interfaces": [{"name": "eth1", "address": "dhcp", "mtu": 1400}]}
    problems = {(p["host"], p["field"]): p for p in flt.dmvpn_networks_problems(hostvars, GROUPS, ["dmvpn"])}
    assert "did you mean pfs" in problems[("HUB", "dmvpn_esp_group.pfs_group")]["fix"]
    underlay = problems[("SPOKE1", "dmvpn_underlay.interfaces.mtu")]
    assert "is not a key of dmvpn_underlay.interfaces (it knows address, name)" == underlay["message"]


@pytest.mark.parametrize("version, per_router", [("1.4", ["1.4"]), ("auto", ["1.2", "1.3", "1.4", "1.5"])])
def test_the_check_validates_each_endpoint_once_per_version_it_may_run(monkeypatch, version, per_router):
    # At b303f4c site.yml's first play checked the whole inventory twice (problems, then the
    # endpoints' design), and "auto" routers were checked as 1.4 only.
    from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import model as md

    calls = []
    real = md.validate_endpoint

    def counting(data, checked):
        calls.append((data["tunnel"]["address"], checked))
        return real(data, checked)

    monkeypatch.setattr(md, "validate_endpoint", counting)
    hostvars = seed_inventory.hosts()
    for hv in hostvars.values():
        hv["dmvpn_vyos_version"] = version
    result = flt.dmvpn_networks_check(hostvars, GROUPS, ["dmvpn"])
    assert result["problems"] == []
    assert sorted(result["endpoints"]) == GROUPS["dmvpn"]
    assert sorted(calls) == sorted((address, v) for address in ("10.0.0.1/24", "10.0.0.2/24", "10.0.0.3/24")
                                   for v in per_router)


def test_the_check_returns_no_endpoint_while_there_is_a_problem():
    hostvars = seed_inventory.hosts()
    hostvars["SPOKE2"]["dmvpn_lan_prefixes"] = ["192.168.2.0/24"]  # SPOKE1's LAN
    result = flt.dmvpn_networks_check(hostvars, GROUPS, ["dmvpn"])
    assert [(p["host"], p["field"]) for p in result["problems"]] == [("SPOKE2", "dmvpn_lan_prefixes")]
    assert result["endpoints"] == {}
    with pytest.raises(AnsibleFilterError, match="SPOKE2: dmvpn_lan_prefixes"):
        flt.dmvpn_networks_endpoints(hostvars, GROUPS, ["dmvpn"])
