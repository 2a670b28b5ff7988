"""Unit tests of diff.plan_summary: what a change does to the owned objects, for the plan report
(playbooks/plan.yml): objects added and removed whole, and the leaves that go from an object
that stays without another value in their place."""

from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import configtree as ct
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import diff as df
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.render import owned_objects, render_endpoint

from seed_models import model  # tests/fixtures/seed_models.py

VERSION = "1.4"


def summary(have_lines, endpoint):
    have = ct.parse_set_lines(have_lines)
    want = render_endpoint(endpoint, VERSION)
    objects = owned_objects(endpoint, VERSION, have)
    commands = df.plan_commands(have, want, objects, VERSION, "overridden")
    return df.plan_summary(have, df.apply_commands(have, commands, VERSION), objects), commands


def test_a_converged_router_has_nothing_in_its_plan():
    endpoint = model("spoke1")
    got, commands = summary(render_endpoint(endpoint, VERSION).to_commands(), endpoint)
    assert commands == []
    assert got == {"objects_added": [], "objects_removed": [], "leaves_removed": []}


def test_a_hand_added_leaf_goes_a_changed_value_and_an_added_address_do_not():
    """mtu added by hand goes (the inventory does not set it); the PSK and the tunnel address
    (multi-value: the old one is deleted, a new one set) are changes, not leaves that go."""
    endpoint = model("spoke1")
    have = render_endpoint(endpoint, VERSION).to_commands() + ["set interfaces tunnel tun0 mtu '1400'"]
    endpoint["ipsec"]["profile"]["pre_shared_secret"] = "Canary-rotated"
    endpoint["tunnel"]["address"] = "10.0.0.7/24"
    got, commands = summary(have, endpoint)
    assert "delete interfaces tunnel tun0 mtu" in commands
    assert "delete interfaces tunnel tun0 address '10.0.0.2/24'" in commands
    assert got == {"objects_added": [], "objects_removed": [], "leaves_removed": ["set interfaces tunnel tun0 mtu '1400'"]}


def test_objects_added_and_removed_whole():
    """A route to a new spoke's LAN is added, the route to a spoke that left is removed."""
    endpoint = model("spoke1")
    have = render_endpoint(endpoint, VERSION).to_commands()
    endpoint["static_routes"] = [route for route in endpoint["static_routes"] if route["prefix"] != "192.168.3.0/24"]
    endpoint["static_routes"].append({"prefix": "192.168.4.0/24", "next_hop": "10.0.0.4"})
    got, dummy = summary(have, endpoint)
    assert got == {"objects_added": ["route: protocols static route 192.168.4.0/24 next-hop 10.0.0.4"],
                   "objects_removed": ["route: protocols static route 192.168.3.0/24 next-hop 10.0.0.3"],
                   "leaves_removed": []}
