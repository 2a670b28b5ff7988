"""The blast-radius guard (dmvpn_core/mass_delete.py): a change that removes more than
max(limit, share) of a router's static routes or BGP peers, or more than share of its NHRP
entries, is refused unless allowed; each case pins its counts. The routers' configurations
are the design's (a full inventory of 2 hubs and 40 spokes) as render_endpoint writes them,
and a run of a part of that inventory (an AWX job slice) is diffed against
them exactly as the dmvpn module does (runner.Runner.change); awx_slice below takes the hosts
of one slice the way AWX does."""

import copy

import pytest
from seed_inventory import hosts, spoke

from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import design as ds
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import diff as df
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import mass_delete as md
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.render import owned_objects, render_endpoint

VERSION = "1.4"
SPOKES = 40


def network(spokes=SPOKES, routing="full_mesh"):
    """{host: variables}: HUB (10.0.0.1), HUB2 (10.0.0.254) and spokes S01.. (10.0.0.2..)."""
    inventory = hosts()
    del inventory["SPOKE1"], inventory["SPOKE2"]
    inventory["HUB2"] = dict(inventory["HUB"], dmvpn_tunnel_address="10.0.0.254", dmvpn_public_address="203.0.113.7",
                             dmvpn_lan_prefixes=["192.168.200.0/24"])
    for index in range(spokes):
        inventory["S%02d" % (index + 1)] = spoke(index + 2, "192.168.%d.0/24" % (10 + index))
    for hv in inventory.values():
        hv["dmvpn_routing"] = routing
        if routing == "bgp":
            hv["dmvpn_bgp_asn"] = 65000
    return inventory


def configured(inventory):
    """{host: ConfigTree} of every router after a full run of ``inventory``."""
    plan = ds.design(inventory)
    return {name: render_endpoint(plan.endpoint(name), VERSION) for name in inventory}


def change(have, endpoint, state="overridden", **guard):
    """(commands, refusal message or None, removals) of the module's diff of ``have`` to ``endpoint``."""
    want = render_endpoint(endpoint, VERSION)
    objects = owned_objects(endpoint, VERSION, have)
    commands = df.plan_commands(have, want, objects, VERSION, state)
    after = df.apply_commands(have, commands, VERSION)
    found = md.removals(have, after, objects, guard.get("limit"), guard.get("share"))
    return commands, md.refusal(have, after, objects, state, **guard), found


def awx_slice(inventory, number, count):
    """The hosts of slice ``number`` (1-based) of ``count``: AWX orders the inventory's hosts by
    name and takes every count-th from number-1 (ansible/awx awx/main/models/inventory.py,
    Inventory.get_script_data: order_by('name'), hosts[offset::slice_count])."""
    names = sorted(inventory)[number - 1::count]
    return {name: copy.deepcopy(inventory[name]) for name in names}


def test_a_slice_with_one_hub_refuses_the_hub_and_every_spoke_naming_the_counts():
    """Slice 1 of 4: HUB and 10 spokes. HUB would keep the routes of its 10 spokes and its
    default only: 31 of its 42 static routes (40 spoke LANs, HUB2's LAN, the default) go, where
    max(5, 25% of 42 = 10) may; and its map to HUB2, its only NHRP entry. Each spoke would lose
    31 of its 41 routes (30 other spokes' LANs and HUB2's) and HUB2's NHS (1 of its 2 NHRP
    entries, 50% > 25%)."""
    full = network()
    have = configured(full)
    part = awx_slice(full, 1, 4)
    assert sorted(part)[:3] == ["HUB", "S03", "S07"] and len(part) == 11
    plan = ds.design(part)
    commands, refused, found = change(have["HUB"], plan.endpoint("HUB"))
    assert any(line.startswith("delete protocols static route") for line in commands)
    assert {item["kind"]: (item["removed"], item["held"], item["allowed"], item["refused"]) for item in found} == {
        md.ROUTES: (31, 42, 10, True), md.NHRP_ENTRIES: (1, 1, 0, True)}
    assert refused == ("mass delete refused (nothing was committed): this run would remove 31 of its 42 static routes "
                       "(at most 10 may go: max(5, 25%)); 1 of its 1 NHRP entries (at most 0 may go: 25%). Fix: "
                       + md.FIX)
    assert "dmvpn_allow_mass_delete" in refused and "docs/job-slicing.md" in refused
    for name in sorted(part)[1:]:
        dummy, refused, found = change(have[name], plan.endpoint(name))
        counts = dict((item["kind"], (item["removed"], item["held"])) for item in found)
        assert counts == {md.ROUTES: (31, 41), md.NHRP_ENTRIES: (1, 2)}, (name, counts)
        assert refused is not None


def test_allowed_with_the_flag_the_same_change_passes():
    full = network()
    have = configured(full)
    plan = ds.design(awx_slice(full, 1, 4))
    commands, refused, dummy = change(have["HUB"], plan.endpoint("HUB"), allow=True)
    assert refused is None and commands


@pytest.mark.parametrize("routing", ["via_hub", "bgp"])
def test_every_routing_mode_a_spoke_that_sees_one_hub_of_two_is_refused(routing):
    """via_hub and BGP spokes hold few routes, but lose HUB2's NHS (1 of 2): refused; in BGP
    the hub keeps its listen range (it names no spoke) and loses only HUB2, its iBGP neighbor
    and map: refused for the map."""
    full = network(routing=routing)
    have = configured(full)
    plan = ds.design(awx_slice(full, 1, 4))
    for name in ("HUB", "S03"):
        dummy, refused, found = change(have[name], plan.endpoint(name))
        kinds = dict((item["kind"], item["refused"]) for item in found)
        assert kinds.get(md.NHRP_ENTRIES) is True and refused is not None, (routing, name, found)
    if routing == "bgp":
        dummy, dummy, found = change(have["HUB"], plan.endpoint("HUB"))
        assert {item["kind"]: item["removed"] for item in found} == {md.BGP_PEERS: 1, md.NHRP_ENTRIES: 1}


def test_removing_one_or_two_spokes_passes():
    """The everyday change: two spokes leave a full-mesh DMVPN of 40; the hubs lose 2 routes of
    42, every spoke 2 of 42, nothing of the NHRP entries."""
    full = network()
    have = configured(full)
    smaller = {name: hv for name, hv in full.items() if name not in ("S39", "S40")}
    plan = ds.design(smaller)
    for name in ("HUB", "HUB2", "S01"):
        commands, refused, found = change(have[name], plan.endpoint(name))
        assert refused is None and [(item["kind"], item["removed"]) for item in found] == [(md.ROUTES, 2)], name
        assert len([line for line in commands if line.startswith("delete")]) == 2


def _hub_losing(routes_held, removed, **guard):
    """A hub holding ``routes_held`` routes to spokes (no second hub) whose run loses ``removed``."""
    full = network(spokes=routes_held - 1)   # + the default route
    del full["HUB2"]
    have = configured(full)
    gone = sorted(name for name in full if name.startswith("S"))[:removed]
    plan = ds.design({name: hv for name, hv in full.items() if name not in gone})
    dummy, refused, found = change(have["HUB"], plan.endpoint("HUB"), **guard)
    assert [(item["kind"], item["removed"], item["held"]) for item in found] == [(md.ROUTES, removed, routes_held)]
    return refused


def test_at_the_threshold_exactly_passes_one_more_is_refused():
    """40 routes: 25% is 10, so 10 may go and 11 may not; with 20 routes max(5, 5) = 5 and 6."""
    assert _hub_losing(40, 10) is None
    assert "11 of its 40 static routes (at most 10 may go" in _hub_losing(40, 11)
    assert _hub_losing(20, 5) is None
    assert "6 of its 20 static routes (at most 5 may go" in _hub_losing(20, 6)
    # the count alone decides for small routers: a hub of 8 routes may lose 5 (62%)
    assert _hub_losing(8, 5) is None


def test_the_limit_and_share_are_settings():
    assert _hub_losing(40, 11, share=50) is None
    assert "(at most 0 may go: max(0, 0%)" in _hub_losing(40, 1, limit=0, share=0)
    assert _hub_losing(20, 8, limit=8) is None


def test_check_mode_is_refused_alike_and_states_deleted_and_merged_are_not_guarded():
    """The module asks the guard before it sends anything, check mode or not (runner.change);
    deleted removes the router's own endpoint on purpose, merged deletes nothing."""
    full = network()
    have = configured(full)
    plan = ds.design(awx_slice(full, 1, 4))
    assert change(have["HUB"], plan.endpoint("HUB"), state="replaced")[1] is not None
    assert change(have["HUB"], plan.endpoint("HUB"), state="merged")[1] is None
    assert md.refusal(have["HUB"], df.apply_commands(have["HUB"], ["delete protocols static"], VERSION),
                      owned_objects(plan.endpoint("HUB"), VERSION, have["HUB"]), "deleted") is None


def test_a_change_of_form_removes_nothing():
    """The entries are counted by identity: 1.4's NHRP map 10.0.0.1/24 and 1.5's nhs tunnel-ip
    10.0.0.1 are one entry; a renamed tunnel keeps its routes' and maps' addresses."""
    full = network(spokes=3)
    plan = ds.design(full)
    endpoint = plan.endpoint("S01")
    tree14, tree15 = render_endpoint(endpoint, "1.4"), render_endpoint(endpoint, "1.5")
    objects14, objects15 = owned_objects(endpoint, "1.4", tree14), owned_objects(endpoint, "1.5", tree15)
    assert md.entries(tree14, objects14)[md.NHRP_ENTRIES] == md.entries(tree15, objects15)[md.NHRP_ENTRIES] == set(
        ["10.0.0.1", "10.0.0.254"])
    renamed = copy.deepcopy(endpoint)
    renamed["tunnel"]["name"] = "tun7"
    dummy, refused, found = change(tree14, renamed, limit=0, share=0)
    assert refused is None and found == []


@pytest.mark.parametrize("limit, share, field", [(-1, 25, "mass_delete_limit"), (5, 101, "mass_delete_share"),
                                                 (True, 25, "mass_delete_limit"), (5, "25", "mass_delete_share")])
def test_bad_settings_are_refused_naming_the_option(limit, share, field):
    with pytest.raises(ValueError, match=field):
        md.checked_settings(limit, share)


def test_the_inventory_check_reports_bad_settings_with_every_other_problem():
    """Out of range in the inventory: reported by site.yml's validation, before any router is
    touched, with the variable and the fix; -e gives text, which counts when it is digits."""
    inventory = network(spokes=2)
    inventory["HUB"]["dmvpn_mass_delete_limit"] = -1
    inventory["HUB"]["dmvpn_mass_delete_share"] = 250
    inventory["S01"]["dmvpn_mass_delete_share"] = "10"
    inventory["S02"]["dmvpn_gre_key"] = -3
    found = [(p["host"], p["field"], p["message"], p["fix"]) for p in ds.inventory_problems(inventory)]
    assert found == [
        ("HUB", "dmvpn_mass_delete_limit", "-1 is not a count", "give a whole number of entries, 0 or more (default 5)"),
        ("HUB", "dmvpn_mass_delete_share", "250 is not a percentage", "give a whole number from 0 to 100 (default 25)"),
        ("S02", "dmvpn_gre_key", "-3 is out of range", "use a whole number from 0 to 4294967295"),
        ("S02", "dmvpn_gre_key", "differs from the other DMVPN routers (HUB, HUB2, S01)",
         "use the same dmvpn_gre_key on every router of the DMVPN")]


def test_a_tunnel_deleted_whole_takes_its_nhrp_entries_on_purpose():
    """A spoke leaving a cloud (clouds_resource: absent_tunnels) loses that tunnel's NHS with the
    tunnel: not counted; the same NHS lost from a tunnel that stays is."""
    full = network(spokes=3)
    endpoint = ds.design(full).endpoint("S01")
    have = render_endpoint(endpoint, VERSION)
    objects = owned_objects(endpoint, VERSION, have)
    without_tunnel = df.apply_commands(have, ["delete protocols nhrp tunnel tun0", "delete interfaces tunnel tun0"],
                                       VERSION)
    assert md.removals(have, without_tunnel, objects) == []
    one_nhs_less = df.apply_commands(have, ["delete protocols nhrp tunnel tun0 map 10.0.0.254/24"], VERSION)
    assert md.removals(have, one_nhs_less, objects) == [
        {"kind": md.NHRP_ENTRIES, "removed": 1, "held": 2, "allowed": 0, "refused": True}]
