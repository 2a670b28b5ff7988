"""verify names causes, not symptoms (issue 19 item 12): dmvpn_verify_report on the seed
topology (HUB, SPOKE1, SPOKE2) with dmvpn_status results written out here. A failed ping is
put down to the router whose state explains it (the target's router down or not registered,
a hub without the route there or back); only a failure nothing else explains marks the
pinging spoke FAIL. Also: what verify pings (dmvpn_verify_pings), and the route table parser."""

import copy

import pytest

from ansible_collections.dmvpn.vyos.plugins.filter import dmvpn as flt
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import design as ds
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import status as st

import seed_inventory  # tests/fixtures/seed_inventory.py

HOSTS = ["HUB", "SPOKE1", "SPOKE2"]
HUB_ROUTES = """Codes: K - kernel route, C - connected, S - static, N - NHRP, B - BGP,
       > - selected route, * - FIB route

S>* 0.0.0.0/0 [1/0] via 1.1.1.2, eth0, weight 1, 00:10:02
C>* 10.0.0.0/24 is directly connected, tun0, 00:10:03
C>* 192.168.1.0/24 is directly connected, eth1, 00:10:03
S>* 192.168.2.0/24 [1/0] via 10.0.0.2, tun0, weight 1, 00:10:02
S>* 192.168.3.0/24 [1/0] via 10.0.0.3, tun0, weight 1, 00:10:02
"""


def _spoke_seen(ping, source):
    return {"changed": False, "version": "1.4", "ping": ping, "ping_source": source,
            "nhrp": [{"interface": "tun0", "type": "static", "protocol": "10.0.0.1", "nbma": "198.51.100.41", "up": True}],
            "ipsec_sa": [{"connection": "dmvpn-NHRPVPN-tun0-child", "state": "up", "remote": "198.51.100.41"}]}


def observed(hub_routes=HUB_ROUTES, spoke1_ping=True, spoke2_ping=True):
    """The three routers' results as verify registers them, all well."""
    hub = {"changed": False, "version": "1.4", "ping": {}, "ping_source": None,
           "nhrp": [{"interface": "tun0", "type": "dynamic", "protocol": p, "nbma": n, "up": True}
                    for p, n in (("10.0.0.2", "203.0.113.2"), ("10.0.0.3", "203.0.113.3"))],
           "ipsec_sa": [{"connection": "dmvpn-NHRPVPN-tun0-child", "state": "up", "remote": r}
                        for r in ("203.0.113.2", "203.0.113.3")],
           "routes": st.parse_route_table(hub_routes)}
    return {"HUB": hub, "SPOKE1": _spoke_seen({"192.168.3.1": spoke1_ping}, "192.168.2.1"),
            "SPOKE2": _spoke_seen({"192.168.2.1": spoke2_ping}, "192.168.3.1")}


def report(states, checked=None):
    hostvars = seed_inventory.hosts()
    for name, seen in states.items():
        if seen is not None:
            hostvars[name]["dmvpn_observed"] = seen
    return flt.dmvpn_verify_report(hostvars, HOSTS, checked=checked)


def statuses(result):
    return {row["host"]: row["status"] for row in result["rows"]}


def test_all_well_is_ok_everywhere():
    result = report(observed())
    assert result["ok"] and statuses(result) == {"HUB": "OK", "SPOKE1": "OK", "SPOKE2": "OK"}


DOWN = [  # how verify registers a router it cannot log into: the module's failure, made ok by
          # failed_when: false, or (ignore_unreachable) Ansible's unreachable result
    {"changed": False, "failed": False, "failed_when_result": False,
     "msg": "could not read the DMVPN state: ssh connection failed: ssh connect failed: Connection refused"},
    {"changed": False, "unreachable": True, "msg": "could not read the DMVPN state: ssh connect failed: Connection refused"},
]


@pytest.mark.parametrize("down", DOWN, ids=["module-failed", "unreachable"])
def test_a_ping_target_whose_router_is_down_blames_that_router_not_the_spoke(down):
    states = observed(spoke1_ping=False)
    states["SPOKE2"] = down
    states["HUB"]["nhrp"] = states["HUB"]["nhrp"][:1]            # SPOKE2 registered nowhere
    states["HUB"]["ipsec_sa"] = states["HUB"]["ipsec_sa"][:1]
    result = report(states)
    assert not result["ok"]
    assert statuses(result) == {
        "HUB": "spoke 10.0.0.3: cause at SPOKE2 (unreachable)",
        "SPOKE1": "ping 192.168.3.1 failed: cause at SPOKE2 (unreachable)",
        "SPOKE2": "FAIL"}
    assert result["problems"] == {"SPOKE2": ["could not read the state: " + down["msg"]]}


def test_a_hub_without_the_route_back_to_the_spokes_lan_is_the_fault():
    routes = HUB_ROUTES.replace("S>* 192.168.2.0/24 [1/0] via 10.0.0.2, tun0, weight 1, 00:10:02\n", "")
    result = report(observed(hub_routes=routes, spoke1_ping=False, spoke2_ping=False))
    assert statuses(result) == {
        "HUB": "FAIL",
        "SPOKE1": "ping 192.168.3.1 failed: cause at HUB (no route to 192.168.2.0/24)",
        "SPOKE2": "ping 192.168.2.1 failed: cause at HUB (no route to 192.168.2.0/24)"}
    assert result["problems"] == {"HUB": ["no route to 192.168.2.0/24 (SPOKE1's ping of 192.168.3.1 fails)",
                                          "no route to 192.168.2.0/24 (SPOKE2's ping of 192.168.2.1 fails)"]}


def test_a_route_to_the_spokes_lan_outside_the_tunnel_is_no_route_back():
    """The hub's default route to its upstream gateway covers the LAN, but not through the DMVPN."""
    routes = HUB_ROUTES.replace("S>* 192.168.3.0/24 [1/0] via 10.0.0.3, tun0, weight 1, 00:10:02\n",
                                "S>* 192.168.3.0/24 [1/0] via 1.1.1.2, eth0, weight 1, 00:10:02\n")
    result = report(observed(hub_routes=routes, spoke1_ping=False))
    assert statuses(result)["SPOKE1"] == "ping 192.168.3.1 failed: cause at HUB (no route to 192.168.3.0/24)"
    assert result["problems"] == {"HUB": ["no route to 192.168.3.0/24 (SPOKE1's ping of 192.168.3.1 fails)"]}


def test_a_target_not_registered_at_the_hub_is_the_fault():
    states = observed(spoke1_ping=False)
    states["HUB"]["nhrp"][1]["up"] = False
    result = report(states)
    assert statuses(result) == {"HUB": "FAIL", "SPOKE1": "ping 192.168.3.1 failed: cause at SPOKE2 (not registered at HUB)",
                                "SPOKE2": "FAIL"}
    assert result["problems"] == {"HUB": ["NHRP: spoke 10.0.0.3 is down"],
                                  "SPOKE2": ["not registered at HUB (SPOKE1's ping of 192.168.3.1 fails)"]}


def test_a_router_whose_read_failed_otherwise_is_not_called_unreachable():
    states = observed(spoke1_ping=False)
    states["SPOKE2"] = {"changed": False, "failed": False, "failed_when_result": False,
                        "msg": "could not read the DMVPN state: unsupported VyOS version 1.9"}
    result = report(states)
    assert statuses(result)["SPOKE1"] == "ping 192.168.3.1 failed: cause at SPOKE2 (its state could not be read)"


def test_a_failed_ping_nothing_else_explains_is_the_spokes_fault():
    result = report(observed(spoke1_ping=False))
    assert statuses(result) == {"HUB": "OK", "SPOKE1": "FAIL", "SPOKE2": "OK"}
    assert result["problems"] == {"SPOKE1": ["ping 192.168.3.1: no reply"]}


def test_with_a_limit_the_routers_left_out_explain_nothing():
    states = observed(spoke1_ping=False)
    result = report({"SPOKE1": states["SPOKE1"]}, checked=["SPOKE1"])
    assert statuses(result) == {"HUB": "not checked (outside --limit)", "SPOKE1": "FAIL",
                                "SPOKE2": "not checked (outside --limit)"}
    assert result["problems"] == {"SPOKE1": ["ping 192.168.3.1: no reply"]}


def test_a_spoke_at_fault_itself_still_lists_the_cause_found_elsewhere():
    states = observed(spoke1_ping=False)
    states["SPOKE2"] = DOWN[0]
    states["SPOKE1"]["ipsec_sa"] = []
    result = report(states)
    assert statuses(result)["SPOKE1"] == "FAIL"
    assert result["problems"]["SPOKE1"] == ["IPsec: 0 of 1 SAs up"]
    assert "    - ping 192.168.3.1 failed: cause at SPOKE2 (unreachable)" in result["table"].split("\n")


# -- what verify pings ---------------------------------------------------------------------------
def test_verify_pings_the_next_spoke_from_the_spokes_own_lan_by_default():
    hostvars = seed_inventory.hosts()
    assert flt.dmvpn_verify_pings(hostvars, HOSTS, "SPOKE1") == {"targets": ["192.168.3.1"], "source": "192.168.2.1"}
    assert flt.dmvpn_verify_pings(hostvars, HOSTS, "HUB") == {"targets": [], "source": None}
    assert flt.dmvpn_verify_pings(hostvars, HOSTS, "SPOKE1", shortcuts=False) == {"targets": [], "source": None}


def test_the_ping_targets_are_configurable_per_host():
    hostvars = seed_inventory.hosts()
    hostvars["SPOKE1"]["dmvpn_verify_ping_targets"] = ["192.168.1.1", "192.168.3.9"]
    hostvars["HUB"]["dmvpn_verify_ping_targets"] = ["192.168.2.1"]
    hostvars["SPOKE2"]["dmvpn_verify_ping_targets"] = []
    assert flt.dmvpn_verify_pings(hostvars, HOSTS, "SPOKE1", shortcuts=False) == {
        "targets": ["192.168.1.1", "192.168.3.9"], "source": "192.168.2.1"}
    assert flt.dmvpn_verify_pings(hostvars, HOSTS, "HUB") == {"targets": ["192.168.2.1"], "source": "192.168.1.1"}
    assert flt.dmvpn_verify_pings(hostvars, HOSTS, "SPOKE2") == {"targets": [], "source": None}


@pytest.mark.parametrize("value, field, message", [
    (["192.168.3.300"], "dmvpn_verify_ping_targets[0]", "'192.168.3.300' is not an IPv4 address"),
    (["192.168.3.1", "192.168.3.0/24"], "dmvpn_verify_ping_targets[1]", "'192.168.3.0/24' is not an IPv4 address"),
    ("192.168.3.1", "dmvpn_verify_ping_targets", "must be a list"),
])
def test_a_ping_target_that_is_not_an_ipv4_address_is_refused(value, field, message):
    hostvars = seed_inventory.hosts()
    hostvars["SPOKE1"]["dmvpn_verify_ping_targets"] = value
    problems = [(p["host"], p["field"], p["message"]) for p in ds.inventory_problems(copy.deepcopy(hostvars))]
    assert problems == [("SPOKE1", field, message)]


def test_the_route_table_is_read_with_next_hops_and_interfaces():
    assert st.parse_route_table(HUB_ROUTES + "S   192.168.9.0/24 [1/0] unreachable (blackhole), weight 1\n") == [
        {"code": "S", "prefix": "0.0.0.0/0", "selected": True, "via": "1.1.1.2", "interface": "eth0"},
        {"code": "C", "prefix": "10.0.0.0/24", "selected": True, "via": None, "interface": "tun0"},
        {"code": "C", "prefix": "192.168.1.0/24", "selected": True, "via": None, "interface": "eth1"},
        {"code": "S", "prefix": "192.168.2.0/24", "selected": True, "via": "10.0.0.2", "interface": "tun0"},
        {"code": "S", "prefix": "192.168.3.0/24", "selected": True, "via": "10.0.0.3", "interface": "tun0"},
        {"code": "S", "prefix": "192.168.9.0/24", "selected": False, "via": None, "interface": None}]


@pytest.mark.parametrize("version, kind", [("1.4", "cached"), ("1.5", "dynamic")])
def test_the_shortcuts_column_counts_the_other_spokes_entry(version, kind):
    """opennhrp lists a shortcut peer as "cached", nhrpd (1.5) as "dynamic" (the dataplane
    lab's real cache: tests/fixtures/dataplane/static-SPOKE1-show-ip-nhrp-cache.txt); a LAN
    host nhrpd resolved on the way (192.168.3.10) is no shortcut."""
    states = observed()
    states["SPOKE1"]["version"] = version
    states["SPOKE1"]["nhrp"] += [{"interface": "tun0", "type": kind, "protocol": address, "nbma": "203.0.113.3",
                                  "up": True} for address in ("10.0.0.3", "192.168.3.10")]
    rows = {row["host"]: row for row in report(states)["rows"]}
    assert (rows["SPOKE1"]["shortcuts"], rows["SPOKE2"]["shortcuts"], rows["HUB"]["shortcuts"]) == (1, 0, 0)


def _hub_without_spoke1(states):
    states["HUB"]["nhrp"] = [e for e in states["HUB"]["nhrp"] if e["protocol"] != "10.0.0.2"]
    return states


def _check_report(registered, check_mode=True):
    """The hub's NHRP table lacks SPOKE1 (as when SPOKE1's change is still to come); ``registered``:
    {host: {variable: value}} the run registered."""
    hostvars = seed_inventory.hosts()
    for name, seen in _hub_without_spoke1(observed()).items():
        hostvars[name]["dmvpn_observed"] = seen
    for name, values in registered.items():
        hostvars[name].update(values)
    return flt.dmvpn_verify_report(hostvars, HOSTS, check_mode=check_mode)


# The fleet task runs once; Ansible registers its one result on every host of the play.
FLEET_RESULT = {"changed": True, "summary": {"changed": 1, "ok": 2, "failed": 0, "unreachable": 0},
                "routers": {"SPOKE1": {"changed": True, "failed": False, "unreachable": False,
                                       "commands": ["set interfaces tunnel tun0 address '10.0.0.2/24'"]}}}


@pytest.mark.parametrize("registered", [
    {"SPOKE1": {"dmvpn_endpoint_applied": {"changed": True}}},     # network_cli: the role's task
    {name: {"dmvpn_fleet_applied": FLEET_RESULT} for name in HOSTS},  # fleet: the one task
], ids=["network_cli", "fleet"])
def test_in_check_mode_a_router_whose_change_is_pending_is_pending_not_failed(registered):
    result = _check_report(registered)
    assert statuses(result) == {"HUB": "OK", "SPOKE1": "PENDING", "SPOKE2": "OK"}
    assert result["ok"] and result["problems"] == {}
    assert "    - pending: NHRP: spoke 10.0.0.2 is not registered" in result["table"].split("\n")


def test_without_a_pending_change_or_outside_check_mode_the_same_state_fails():
    assert statuses(_check_report({})) == {"HUB": "FAIL", "SPOKE1": "OK", "SPOKE2": "OK"}
    fleet = {name: {"dmvpn_fleet_applied": FLEET_RESULT} for name in HOSTS}
    assert statuses(_check_report(fleet, check_mode=False)) == {"HUB": "FAIL", "SPOKE1": "OK", "SPOKE2": "OK"}
    unchanged = dict(FLEET_RESULT, routers={"SPOKE2": dict(FLEET_RESULT["routers"]["SPOKE1"])})
    assert statuses(_check_report({name: {"dmvpn_fleet_applied": unchanged} for name in HOSTS})) == \
        {"HUB": "FAIL", "SPOKE1": "OK", "SPOKE2": "PENDING"}
