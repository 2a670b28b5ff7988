"""Unit tests of the differ (ordered delete/set commands per state) and of secret masking."""


import pytest

from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import configtree as ct
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import diff as df
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import masking as mk
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.checker import ModelError
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import leftovers as lo
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.render import owned_objects, render_endpoint
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.version_names import SUPPORTED_VERSIONS
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.versions import syntax_for

from seed_models import model  # tests/fixtures/seed_models.py

STATES_KEEPING = ("merged", "replaced", "overridden")

# Configuration that is not ours and must survive every state.
FOREIGN = [
    "set interfaces ethernet eth0 address 'dhcp'",
    "set interfaces tunnel tun1 address '10.9.0.1/24'",
    "set interfaces tunnel tun1 encapsulation 'gre'",
    "set protocols nhrp tunnel tun1 multicast 'dynamic'",
    "set protocols static route 192.168.50.0/24 next-hop 192.0.2.1",
    "set firewall name WAN default-action 'drop'",
    "set system login user vyos authentication encrypted-password '$6$abc'",
]
FOREIGN_ROOTS = [
    ("interfaces", "ethernet"),
    ("interfaces", "tunnel", "tun1"),
    ("protocols", "nhrp", "tunnel", "tun1"),
    ("protocols", "static", "route", "192.168.50.0/24"),
    ("firewall",),
    ("system",),
]


def tree_of(*parts):
    tree = ct.ConfigTree()
    for part in parts:
        if isinstance(part, ct.ConfigTree):
            tree.merge(part)
        else:
            tree.merge(ct.parse_set_lines(part))
    return tree


def router(name, version, extra=()):
    """A router already configured with ``name``'s endpoint plus foreign configuration."""
    return tree_of(render_endpoint(model(name), version), FOREIGN, list(extra))


def apply(have, commands, version):
    """Apply CLI lines the way VyOS would (single values replaced, deletes must exist)."""
    syntax = syntax_for(version)
    tree = have.copy()
    for line in commands:
        tokens = ct.tokenize(line)
        verb, words = tokens[0].text, [token.text for token in tokens[1:]]
        if verb == "delete":
            assert tree.exists(words), "VyOS would refuse: nothing to delete at %r" % line
            tree.delete(words)
            parent = words[:-1]
            # empty plain nodes vanish; tag entries (route P, next-hop NH, ...) stay
            while parent and not tree.children(parent) and not syntax.is_multi_value(parent[:-1]):
                tree.delete(parent)
                parent = parent[:-1]
        else:
            assert verb == "set", line
            if tokens[-1].quoted:
                parent = words[:-1]
                if not syntax.is_multi_value(parent):
                    for old in tree.values(parent):
                        tree.delete(parent + [old])
                tree.set(parent, words[-1])
            else:
                tree.set(words)
    return tree


def run(have, data, version, state):
    """compute_commands for a model, plus a check that the commands converge."""
    want = render_endpoint(data, version)
    commands = df.compute_commands(have, want, data, version, state)
    after = apply(have, commands, version)
    assert df.compute_commands(after, want, data, version, state) == [], "not idempotent"
    return commands, after


DELETE_ORDER = ["protocols static", "protocols nhrp", "vpn ipsec profile", "vpn ipsec ipsec-interfaces",
                "vpn ipsec interface", "vpn ipsec esp-group", "vpn ipsec ike-group", "interfaces tunnel"]
SET_ORDER = ["interfaces tunnel", "vpn ipsec ipsec-interfaces", "vpn ipsec interface", "vpn ipsec ike-group",
             "vpn ipsec esp-group", "vpn ipsec profile", "protocols nhrp", "protocols static"]


def assert_ordered(commands):
    """Deletes before sets; deletes users first; sets referenced things first."""
    verbs = [line.split()[0] for line in commands]
    assert verbs == sorted(verbs), "deletes must come before sets"

    def rank(line, order):
        body = line.split(" ", 1)[1]
        return min(index for index, prefix in enumerate(order) if body.startswith(prefix))

    deletes = [rank(line, DELETE_ORDER) for line in commands if line.startswith("delete ")]
    sets = [rank(line, SET_ORDER) for line in commands if line.startswith("set ")]
    assert deletes == sorted(deletes)
    assert sets == sorted(sets)


def assert_foreign_untouched(before, after):
    for root in FOREIGN_ROOTS:
        assert after.subtree(root) == before.subtree(root), root


# -- no difference -----------------------------------------------------------------------------
@pytest.mark.parametrize("state", STATES_KEEPING)
@pytest.mark.parametrize("name", ["hub", "spoke1", "spoke2"])
def test_seed_round_trip_is_empty(seed_lines, name, state):
    have = ct.parse_set_lines(seed_lines[name])
    want = render_endpoint(model(name), "1.2")
    assert df.compute_commands(have, want, model(name), "1.2", state) == []


@pytest.mark.parametrize("version", SUPPORTED_VERSIONS)
@pytest.mark.parametrize("state", STATES_KEEPING)
@pytest.mark.parametrize("name", ["hub", "spoke1", "spoke2"])
def test_configured_router_is_empty_in_every_version(name, state, version):
    have = router(name, version)
    assert df.compute_commands(have, render_endpoint(model(name), version), model(name), version, state) == []


def test_show_commands_have_equals_typed_have(seed_lines):
    # have read from the router (every value quoted) behaves like the typed seed
    shown = "\n".join(ct.parse_set_lines(seed_lines["hub"]).to_show_commands())
    have = ct.parse_show_commands(shown)
    assert df.compute_commands(have, render_endpoint(model("hub"), "1.2"), model("hub"), "1.2", "overridden") == []


# -- single changes ---------------------------------------------------------------------------------
@pytest.mark.parametrize("version", SUPPORTED_VERSIONS)
@pytest.mark.parametrize("state", STATES_KEEPING)
def test_changed_psk_is_exactly_one_set(version, state):
    data = model("spoke1")
    data["ipsec"]["profile"]["pre_shared_secret"] = "N3W-s3cret"
    commands, dummy = run(router("spoke1", version), data, version, state)
    assert commands == ["set vpn ipsec profile NHRPVPN authentication pre-shared-secret 'N3W-s3cret'"]


@pytest.mark.parametrize("version", SUPPORTED_VERSIONS)
@pytest.mark.parametrize("state", STATES_KEEPING)
def test_changed_holding_time_is_exactly_one_set(version, state):
    data = model("hub")
    data["nhrp"]["holding_time"] = 600
    commands, dummy = run(router("hub", version), data, version, state)
    leaf = "holdtime" if version == "1.5" else "holding-time"
    assert commands == ["set protocols nhrp tunnel tun0 %s '600'" % leaf]


@pytest.mark.parametrize("version", SUPPORTED_VERSIONS)
def test_removed_holding_time(version):
    data = model("hub")
    data["nhrp"]["holding_time"] = None
    leaf = "holdtime" if version == "1.5" else "holding-time"
    assert run(router("hub", version), data, version, "merged")[0] == []
    for state in ("replaced", "overridden"):
        assert run(router("hub", version), data, version, state)[0] == [
            "delete protocols nhrp tunnel tun0 %s" % leaf]


@pytest.mark.parametrize("version", SUPPORTED_VERSIONS)
def test_removed_nhrp_key_is_deleted_without_showing_it(version):
    data = model("hub")
    data["nhrp"]["authentication"] = None
    commands, dummy = run(router("hub", version), data, version, "replaced")
    leaf = "authentication" if version == "1.5" else "cisco-authentication"
    assert commands == ["delete protocols nhrp tunnel tun0 %s" % leaf]


@pytest.mark.parametrize("version", SUPPORTED_VERSIONS)
def test_multi_value_address_change(version):
    data = model("hub")
    data["tunnel"]["address"] = "10.0.0.5/24"
    old, new = ("10.0.0.1/32", "10.0.0.5/32") if version == "1.5" else ("10.0.0.1/24", "10.0.0.5/24")
    commands, after = run(router("hub", version), data, version, "merged")
    assert commands == ["set interfaces tunnel tun0 address '%s'" % new]
    assert after.values(("interfaces", "tunnel", "tun0", "address")) == [old, new]
    for state in ("replaced", "overridden"):
        commands, after = run(router("hub", version), data, version, state)
        assert commands == ["delete interfaces tunnel tun0 address '%s'" % old,
                            "set interfaces tunnel tun0 address '%s'" % new]
        assert after.values(("interfaces", "tunnel", "tun0", "address")) == [new]


@pytest.mark.parametrize("version", SUPPORTED_VERSIONS)
def test_single_value_change_needs_no_delete(version):
    data = model("spoke1")
    data["tunnel"]["key"] = 9
    data["ipsec"]["esp_group"]["pfs"] = "dh-group14"
    for state in STATES_KEEPING:
        assert run(router("spoke1", version), data, version, state)[0] == [
            "set interfaces tunnel tun0 parameters ip key '9'",
            "set vpn ipsec esp-group ESP-SPOKE pfs 'dh-group14'",
        ]


def test_stale_subtree_deleted_at_its_highest_node():
    have = router("hub", "1.4", ["set interfaces tunnel tun0 parameters ip ttl '64'",
                                 "set interfaces tunnel tun0 parameters ip tos '8'"])
    data = model("hub")
    data["tunnel"]["key"] = None
    commands, dummy = run(have, data, "1.4", "replaced")
    assert commands == ["delete interfaces tunnel tun0 parameters"]
    # keeping the key: only the extra leaves go, one by one
    commands, dummy = run(have, model("hub"), "1.4", "replaced")
    assert commands == ["delete interfaces tunnel tun0 parameters ip ttl",
                        "delete interfaces tunnel tun0 parameters ip tos"]
    assert run(have, data, "1.4", "merged")[0] == []


@pytest.mark.parametrize("version", SUPPORTED_VERSIONS)
def test_stale_proposal_and_flags(version):
    have = router("spoke1", version, [
        "set vpn ipsec ike-group IKE-SPOKE proposal 3 encryption 'aes128gcm128'",
        "set vpn ipsec ike-group IKE-SPOKE proposal 3 hash 'sha256'",
        "set protocols nhrp tunnel tun0 non-caching",
    ])
    data = model("spoke1")
    data["nhrp"]["shortcut"] = False
    commands, dummy = run(have, data, version, "replaced")
    assert commands == [
        "delete protocols nhrp tunnel tun0 shortcut",
        "delete protocols nhrp tunnel tun0 non-caching",
        "delete vpn ipsec ike-group IKE-SPOKE proposal 3",
    ]
    assert_ordered(commands)


# -- removed hub ------------------------------------------------------------------------------------
def two_hub_spoke():
    data = model("spoke1")
    data["nhrp"]["nhs"].append({"tunnel_ip": "10.0.0.4", "nbma": "203.0.113.4"})
    return data


@pytest.mark.parametrize("version", ["1.2", "1.3", "1.4"])
def test_removed_hub_opennhrp(version):
    have = tree_of(render_endpoint(two_hub_spoke(), version), FOREIGN)
    assert run(have, model("spoke1"), version, "merged")[0] == []
    for state in ("replaced", "overridden"):
        commands, after = run(have, model("spoke1"), version, state)
        assert commands == ["delete protocols nhrp tunnel tun0 map 10.0.0.4/24"]
        assert_foreign_untouched(have, after)


def test_removed_hub_frr():
    have = tree_of(render_endpoint(two_hub_spoke(), "1.5"), FOREIGN)
    assert run(have, model("spoke1"), "1.5", "merged")[0] == []
    for state in ("replaced", "overridden"):
        commands, after = run(have, model("spoke1"), "1.5", state)
        # overridden also drops nhrpd's route to the tunnel subnet via that NHS (replaced
        # keeps routes that are not in the config)
        assert commands == ([
            "delete protocols static route 10.0.0.0/24 next-hop 10.0.0.4",
        ] if state == "overridden" else []) + [
            "delete protocols nhrp tunnel tun0 nhs tunnel-ip 10.0.0.4",
            "delete protocols nhrp tunnel tun0 multicast '203.0.113.4'",
        ]
        assert after.values(("protocols", "nhrp", "tunnel", "tun0", "multicast")) == ["198.51.100.41"]


@pytest.mark.parametrize("version", SUPPORTED_VERSIONS)
def test_added_hub_only_sets(version):
    have = router("spoke1", version)
    for state in STATES_KEEPING:
        commands, dummy = run(have, two_hub_spoke(), version, state)
        if version == "1.5":
            assert commands == [
                "set protocols nhrp tunnel tun0 nhs tunnel-ip 10.0.0.4 nbma '203.0.113.4'",
                "set protocols nhrp tunnel tun0 multicast '203.0.113.4'",
                "set protocols static route 10.0.0.0/24 next-hop 10.0.0.4 distance '250'",
                "set protocols static route 10.0.0.0/24 next-hop 10.0.0.4 interface 'tun0'",
            ]
        else:
            assert commands == [
                "set protocols nhrp tunnel tun0 map 10.0.0.4/24 nbma-address '203.0.113.4'",
                "set protocols nhrp tunnel tun0 map 10.0.0.4/24 register",
            ]


def test_changed_hub_nbma_frr_deletes_old_value():
    data = model("spoke1")
    data["nhrp"]["nhs"][0]["nbma"] = "203.0.113.9"
    commands, dummy = run(router("spoke1", "1.5"), data, "1.5", "replaced")
    assert commands == [
        "delete protocols nhrp tunnel tun0 nhs tunnel-ip 10.0.0.1 nbma '198.51.100.41'",
        "delete protocols nhrp tunnel tun0 multicast '198.51.100.41'",
        "set protocols nhrp tunnel tun0 nhs tunnel-ip 10.0.0.1 nbma '203.0.113.9'",
        "set protocols nhrp tunnel tun0 multicast '203.0.113.9'",
    ]


def test_changed_hub_nbma_opennhrp_is_a_single_set():
    data = model("spoke1")
    data["nhrp"]["nhs"][0]["nbma"] = "203.0.113.9"
    assert run(router("spoke1", "1.4"), data, "1.4", "replaced")[0] == [
        "set protocols nhrp tunnel tun0 map 10.0.0.1/24 nbma-address '203.0.113.9'"]


# -- foreign configuration and routes ---------------------------------------------------------------
@pytest.mark.parametrize("version", SUPPORTED_VERSIONS)
@pytest.mark.parametrize("state", STATES_KEEPING)
def test_foreign_route_and_tunnel_left_alone(version, state):
    have = router("spoke1", version, ["set protocols static route 0.0.0.0/0 next-hop 192.0.2.1",
                                      "set protocols nhrp tunnel tun1 map 10.9.0.7/24 nbma-address '192.0.2.7'"])
    commands, after = run(have, model("spoke1"), version, state)
    assert commands == []
    assert_foreign_untouched(have, after)


@pytest.mark.parametrize("version", SUPPORTED_VERSIONS)
def test_stale_route_via_tunnel_subnet(version):
    have = router("spoke1", version, ["set protocols static route 192.168.9.0/24 next-hop 10.0.0.9"])
    assert run(have, model("spoke1"), version, "merged")[0] == []
    assert run(have, model("spoke1"), version, "replaced")[0] == []
    commands, after = run(have, model("spoke1"), version, "overridden")
    assert commands == ["delete protocols static route 192.168.9.0/24"]
    assert_foreign_untouched(have, after)


def test_stale_route_next_hop_only_when_the_route_keeps_other_children():
    have = router("spoke1", "1.4", [
        "set protocols static route 192.168.9.0/24 next-hop 10.0.0.9",
        "set protocols static route 192.168.9.0/24 next-hop 192.0.2.1",
        "set protocols static route 192.168.8.0/24 next-hop 10.0.0.8 distance '10'",
        "set protocols static route 192.168.8.0/24 description 'kept'",
        "set protocols static route 192.168.7.0/24 next-hop 10.0.0.7",
        "set protocols static route 192.168.7.0/24 next-hop 10.0.0.6",
    ])
    commands, after = run(have, model("spoke1"), "1.4", "overridden")
    assert commands == [
        "delete protocols static route 192.168.9.0/24 next-hop 10.0.0.9",
        "delete protocols static route 192.168.8.0/24 next-hop 10.0.0.8",
        "delete protocols static route 192.168.7.0/24",
    ]
    assert after.children(("protocols", "static", "route", "192.168.9.0/24", "next-hop")) == ["192.0.2.1"]
    assert after.value(("protocols", "static", "route", "192.168.8.0/24", "description")) == "kept"


def test_route_moves_to_a_new_next_hop():
    data = model("spoke1")
    data["static_routes"][1]["next_hop"] = "10.0.0.4"
    have = router("spoke1", "1.4")
    assert run(have, data, "1.4", "merged")[0] == [
        "set protocols static route 192.168.3.0/24 next-hop 10.0.0.4"]
    # replaced leaves objects not in want alone: the old next hop stays
    assert run(have, data, "1.4", "replaced")[0] == [
        "set protocols static route 192.168.3.0/24 next-hop 10.0.0.4"]
    # overridden removes the old next hop only (the route itself is still wanted)
    assert run(have, data, "1.4", "overridden")[0] == [
        "delete protocols static route 192.168.3.0/24 next-hop 10.0.0.3",
        "set protocols static route 192.168.3.0/24 next-hop 10.0.0.4",
    ]


def test_route_distance_changes():
    data = model("hub")
    data["static_routes"][1]["distance"] = 20
    have = router("hub", "1.4")
    assert run(have, data, "1.4", "merged")[0] == [
        "set protocols static route 192.168.2.0/24 next-hop 10.0.0.2 distance '20'"]
    have = apply(have, ["set protocols static route 192.168.2.0/24 next-hop 10.0.0.2 distance '20'"], "1.4")
    assert run(have, model("hub"), "1.4", "replaced")[0] == [
        "delete protocols static route 192.168.2.0/24 next-hop 10.0.0.2 distance"]


def test_stale_profile_binding_only_our_tunnel():
    extra = ["set vpn ipsec profile OLD authentication mode 'pre-shared-secret'",
             "set vpn ipsec profile OLD bind tunnel 'tun0'",
             "set vpn ipsec profile SHARED bind tunnel 'tun0'",
             "set vpn ipsec profile SHARED bind tunnel 'tun1'"]
    have = router("spoke1", "1.4", extra)
    assert run(have, model("spoke1"), "1.4", "replaced")[0] == []
    commands, after = run(have, model("spoke1"), "1.4", "overridden")
    assert commands == ["delete vpn ipsec profile OLD"]
    assert after.exists(("vpn", "ipsec", "profile", "SHARED"))


def test_ipsec_off_overridden_removes_our_profile_only():
    data = model("spoke1")
    data["ipsec"] = None
    have = router("spoke1", "1.4")
    assert run(have, data, "1.4", "replaced")[0] == []
    assert run(have, data, "1.4", "overridden")[0] == ["delete vpn ipsec profile NHRPVPN"]


# -- remote end -> multipoint -----------------------------------------------------------------------
@pytest.mark.parametrize("version", SUPPORTED_VERSIONS)
@pytest.mark.parametrize("state", STATES_KEEPING)
def test_remote_endpoint_forces_delete_and_recreate(version, state):
    remote = syntax_for(version).tunnel_remote_leaf
    have = router("spoke1", version, ["set interfaces tunnel tun0 %s '198.51.100.41'" % remote])
    commands, after = run(have, model("spoke1"), version, state)
    want = render_endpoint(model("spoke1"), version)
    tunnel = want.subtree(("interfaces", "tunnel", "tun0")).to_commands()
    nhrp = want.subtree(("protocols", "nhrp", "tunnel", "tun0")).to_commands()
    assert commands == ["delete protocols nhrp tunnel tun0", "delete interfaces tunnel tun0"] + tunnel + nhrp
    assert not after.exists(("interfaces", "tunnel", "tun0", remote))
    assert_ordered(commands)
    assert_foreign_untouched(have, after)


def test_remote_endpoint_without_nhrp_entry_deletes_only_the_tunnel():
    have = ct.parse_set_lines([
        "set interfaces tunnel tun0 address 10.0.0.2/24",
        "set interfaces tunnel tun0 encapsulation gre",
        "set interfaces tunnel tun0 remote-ip 198.51.100.41",
    ])
    data = model("spoke1")
    data["ipsec"] = None
    data["static_routes"] = []
    commands, dummy = run(have, data, "1.2", "merged")
    assert commands[0] == "delete interfaces tunnel tun0"
    assert not any(line.startswith("delete protocols") for line in commands)
    assert "set interfaces tunnel tun0 address '10.0.0.2/24'" in commands


# -- empty router, ordering ------------------------------------------------------------------------
@pytest.mark.parametrize("version", SUPPORTED_VERSIONS)
@pytest.mark.parametrize("state", STATES_KEEPING)
def test_empty_router_gets_everything_in_dependency_order(version, state):
    have = tree_of(FOREIGN)
    commands, after = run(have, model("spoke1"), version, state)
    want = render_endpoint(model("spoke1"), version)
    assert len(commands) == len(want)
    assert all(line.startswith("set ") for line in commands)
    assert_ordered(commands)
    assert commands[0].startswith("set interfaces tunnel tun0 address")
    assert commands[-1].startswith("set protocols static route ")
    assert "set protocols static route 192.168.3.0/24 next-hop 10.0.0.3" in [c.split(" distance")[0].split(" interface")[0]
                                                                             for c in commands]
    assert_foreign_untouched(have, after)
    for path in want.paths():
        assert after.exists(path)


def test_group_rename_sets_new_groups_before_the_profile():
    data = model("hub")
    data["ipsec"]["ike_group"]["name"] = "IKE2"
    data["ipsec"]["esp_group"]["name"] = "ESP2"
    commands, after = run(router("hub", "1.4"), data, "1.4", "overridden")
    assert_ordered(commands)
    assert commands[-2:] == ["set vpn ipsec profile NHRPVPN esp-group 'ESP2'",
                             "set vpn ipsec profile NHRPVPN ike-group 'IKE2'"]
    # the old groups, which only our profile used, go in the same commit (issue 19 item 5: at
    # b303f4c they stayed for ever); run() checks that a second run changes nothing
    assert "delete vpn ipsec ike-group IKE-HUB" in commands and "delete vpn ipsec esp-group ESP-HUB" in commands
    assert not after.exists(("vpn", "ipsec", "ike-group", "IKE-HUB"))
    assert not after.exists(("vpn", "ipsec", "esp-group", "ESP-HUB"))


def test_a_renamed_group_something_else_uses_stays():
    have = router("hub", "1.3", ["set vpn ipsec site-to-site peer 192.0.2.9 ike-group 'IKE-HUB'"])
    data = model("hub")
    data["ipsec"]["ike_group"]["name"] = "IKE2"
    commands, after = run(have, data, "1.3", "overridden")
    assert after.exists(("vpn", "ipsec", "ike-group", "IKE-HUB"))   # the peer still uses it
    assert not any("ike-group IKE-HUB" in line for line in commands if line.startswith("delete"))
    # ... and the run says so (issue 19 item 5: kept with a warning)
    want = render_endpoint(data, "1.3")
    objects = owned_objects(data, "1.3", have)
    assert lo.kept_warnings(have, want, objects, "1.3", "overridden", False) == [
        "IKE group IKE-HUB is no longer this DMVPN's but stays: 'vpn ipsec site-to-site peer 192.0.2.9 ike-group' "
        "still uses it"]
    assert lo.kept_warnings(have, want, objects, "1.3", "merged", False) == []  # (merged removes nothing)


@pytest.mark.parametrize("version", SUPPORTED_VERSIONS)
def test_a_renamed_tunnel_takes_its_old_tunnel_and_nhrp_with_it(version):
    """tun0 -> tun5: the old tunnel (bound by our profile, multipoint GRE with NHRP) and its
    NHRP go in the same commit; at b303f4c they stayed, a second DMVPN endpoint on the router."""
    have = router("hub", version, [])
    data = model("hub")
    data["tunnel"]["name"] = "tun5"
    commands, after = run(have, data, version, "overridden")
    syntax = syntax_for(version)
    assert not after.exists(syntax.tunnel_path("tun0")) and not after.exists(syntax.nhrp_path("tun0"))
    assert after.exists(syntax.tunnel_path("tun5")) and after.exists(syntax.nhrp_path("tun5"))
    assert after.children(("vpn", "ipsec", "profile", "NHRPVPN", "bind", "tunnel")) == ["tun5"]


# -- deleted ------------------------------------------------------------------------------------------
def test_deleted_seed_hub_1_2(seed_lines):
    have = ct.parse_set_lines(seed_lines["hub"])
    data = model("hub")
    commands = df.compute_commands(have, render_endpoint(data, "1.2"), data, "1.2", "deleted")
    assert commands == [
        "delete protocols static route 0.0.0.0/0",
        "delete protocols static route 192.168.2.0/24",
        "delete protocols static route 192.168.3.0/24",
        "delete protocols nhrp tunnel tun0",
        "delete vpn ipsec profile NHRPVPN",
        "delete vpn ipsec ipsec-interfaces interface eth0",
        "delete vpn ipsec esp-group ESP-HUB",
        "delete vpn ipsec ike-group IKE-HUB",
        "delete interfaces tunnel tun0",
    ]
    after = apply(have, commands, "1.2")
    assert after == ct.parse_set_lines(seed_lines["hub"][:3])  # ethernet and host name only
    assert df.compute_commands(after, render_endpoint(data, "1.2"), data, "1.2", "deleted") == []


@pytest.mark.parametrize("version", SUPPORTED_VERSIONS)
def test_deleted_keeps_foreign_and_shared(version):
    interface = " ".join(syntax_for(version).ipsec_interface_path)
    have = router("spoke1", version, [
        "set vpn ipsec profile OTHER bind tunnel 'tun1'",
        "set vpn ipsec profile OTHER ike-group 'IKE-SPOKE'",
        "set vpn ipsec profile OTHER esp-group 'ESP-OTHER'",
        "set protocols static route 192.168.9.0/24 next-hop 10.0.0.9",
    ])
    commands, after = run(have, model("spoke1"), version, "deleted")
    frr_subnet_route = ["delete protocols static route 10.0.0.0/24"] if version == "1.5" else []
    assert commands == [
        "delete protocols static route 192.168.1.0/24",
        "delete protocols static route 192.168.3.0/24",
    ] + frr_subnet_route + [
        "delete protocols static route 192.168.9.0/24",
        "delete protocols nhrp tunnel tun0",
        "delete vpn ipsec profile NHRPVPN",
        "delete vpn ipsec esp-group ESP-SPOKE",
        "delete interfaces tunnel tun0",
    ]
    assert after.exists(("vpn", "ipsec", "ike-group", "IKE-SPOKE"))  # still used by OTHER
    assert after.exists(tuple(interface.split()) + ("eth0",))  # still needed by OTHER
    assert_foreign_untouched(have, after)


def test_deleted_keeps_groups_used_by_site_to_site():
    have = router("spoke1", "1.3", [
        "set vpn ipsec site-to-site peer 192.0.2.9 ike-group 'IKE-SPOKE'",
        "set vpn ipsec site-to-site peer 192.0.2.9 default-esp-group 'ESP-SPOKE'",
    ])
    commands, dummy = run(have, model("spoke1"), "1.3", "deleted")
    assert not any("group" in line for line in commands)
    assert not any("ipsec-interfaces" in line for line in commands)


def test_deleted_on_an_empty_router_is_empty():
    assert df.compute_commands(tree_of(FOREIGN), ct.ConfigTree(), model("hub"), "1.4", "deleted") == []


def test_deleted_never_shows_secrets():
    commands, dummy = run(router("hub", "1.5"), model("hub"), "1.5", "deleted")
    assert not any("SECRET" in line for line in commands)


# -- convergence over a matrix ----------------------------------------------------------------------
SCENARIOS = {
    "as-is": lambda data: data,
    "new-psk": lambda data: _set(data, ("ipsec", "profile", "pre_shared_secret"), "Another-1"),
    # without IPsec a 1.5 tunnel from 0.0.0.0 names its WAN interface itself
    "no-ipsec": lambda data: _set(_set(data, ("ipsec",), None), ("tunnel", "source_interface"), "eth0"),
    "description": lambda data: _set(data, ("tunnel", "description"), "it's 'ours'; ok"),
    "mtu": lambda data: _set(data, ("tunnel", "mtu"), 1400),
    "no-multicast": lambda data: _set(data, ("tunnel", "multicast"), False),
    "no-routes": lambda data: _set(data, ("static_routes",), []),
    "new-subnet": lambda data: _set(_set(_set(data, ("tunnel", "address"), "10.1.0.2/24"),
                                         ("nhrp", "nhs"), [{"tunnel_ip": "10.1.0.1", "nbma": "198.51.100.41"}]),
                                    ("static_routes",), [{"prefix": "192.168.1.0/24", "next_hop": "10.1.0.1"}]),
    "proposal": lambda data: _set(data, ("ipsec", "esp_group", "proposal"),
                                  [{"proposal_id": 5, "encryption": "aes256gcm128", "hash": "sha256"}]),
}


def _set(data, path, value):
    node = data
    for word in path[:-1]:
        node = node[word]
    node[path[-1]] = value
    return data


@pytest.mark.parametrize("version", SUPPORTED_VERSIONS)
@pytest.mark.parametrize("state", STATES_KEEPING)
@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_convergence_matrix(scenario, state, version):
    have = router("spoke1", version, ["set protocols static route 192.168.9.0/24 next-hop 10.0.0.9"])
    data = SCENARIOS[scenario](model("spoke1"))
    commands, after = run(have, data, version, state)
    assert_ordered(commands)
    assert_foreign_untouched(have, after)
    want = render_endpoint(data, version)
    for path in want.paths():
        assert after.exists(path), path
    if state != "merged":
        for root in (("interfaces", "tunnel", "tun0"), ("protocols", "nhrp", "tunnel", "tun0")):
            assert after.subtree(root) == want.subtree(root)
    if state == "merged":
        assert not any(line.startswith("delete ") for line in commands)
    # the stale route via the tunnel subnet goes in overridden; after a subnet change on 1.5
    # the router's /32 tunnel address no longer tells the old subnet, so it is not ours
    stale_is_ours = not (scenario == "new-subnet" and version == "1.5")
    assert after.exists(("protocols", "static", "route", "192.168.9.0/24")) == (
        state != "overridden" or not stale_is_ours)


@pytest.mark.parametrize("version", ["1.2", "1.3", "1.4"])
def test_routes_via_the_old_subnet_stay_owned_after_a_subnet_change(version):
    data = SCENARIOS["new-subnet"](model("spoke1"))
    have = router("spoke1", version)
    commands, dummy = run(have, data, version, "overridden")
    assert commands[:2] == ["delete protocols static route 192.168.1.0/24 next-hop 10.0.0.1",
                            "delete protocols static route 192.168.3.0/24"]
    assert run(have, data, version, "replaced")[0][0].startswith("delete protocols nhrp tunnel tun0 map")


# -- arguments ------------------------------------------------------------------------------------------
def test_unknown_state():
    with pytest.raises(ValueError, match="unknown state"):
        df.compute_commands(ct.ConfigTree(), ct.ConfigTree(), model("hub"), "1.4", "purged")


def test_trees_required():
    with pytest.raises(TypeError):
        df.compute_commands("set a b", ct.ConfigTree(), model("hub"), "1.4", "merged")


@pytest.mark.parametrize("hostile", ["tun0\nset system host-name x", "tun0;reboot", "tun0'", 'tun0"'])
def test_hostile_model_rejected_before_any_command(hostile):
    data = model("hub")
    data["tunnel"]["name"] = hostile
    with pytest.raises(ModelError):
        df.compute_commands(ct.ConfigTree(), ct.ConfigTree(), data, "1.4", "merged")


def test_extra_want_leaves_outside_owned_objects_are_only_added():
    want = render_endpoint(model("hub"), "1.4")
    want.set(("system", "host-name"), "HUB")
    have = router("hub", "1.4")
    assert df.compute_commands(have, want, model("hub"), "1.4", "overridden") == ["set system host-name 'HUB'"]


def test_description_quoting_round_trips():
    data = model("hub")
    data["tunnel"]["description"] = "it's 'the' hub; $(x)"
    commands, after = run(router("hub", "1.4"), data, "1.4", "merged")
    assert commands == ["set interfaces tunnel tun0 description 'it'\\''s '\\''the'\\'' hub; $(x)'"]
    assert after.value(("interfaces", "tunnel", "tun0", "description")) == "it's 'the' hub; $(x)"


# -- masking ----------------------------------------------------------------------------------------------
PSK = "Top-S3cret!"
KEY = "nhrpK3y"


def secret_model():
    data = model("spoke1")
    data["ipsec"]["profile"]["pre_shared_secret"] = PSK
    data["nhrp"]["authentication"] = KEY
    return data


@pytest.mark.parametrize("version", SUPPORTED_VERSIONS)
def test_mask_commands(version):
    data = secret_model()
    commands, dummy = run(tree_of(FOREIGN), data, version, "merged")
    assert any(PSK in line for line in commands) and any(KEY in line for line in commands)
    masked = mk.mask_secrets(commands, version)
    assert len(masked) == len(commands)
    assert not any(PSK in line or KEY in line for line in masked)
    auth = "authentication" if version == "1.5" else "cisco-authentication"
    assert "set protocols nhrp tunnel tun0 %s '********'" % auth in masked
    assert "set vpn ipsec profile NHRPVPN authentication pre-shared-secret '********'" in masked
    # everything else is unchanged
    assert [a for a, b in zip(commands, masked) if a == b] == [
        line for line in commands if PSK not in line and KEY not in line]


@pytest.mark.parametrize("version", SUPPORTED_VERSIONS)
def test_mask_tree_and_show_output(version):
    tree = render_endpoint(secret_model(), version)
    masked = mk.mask_secrets(tree, version)
    assert isinstance(masked, ct.ConfigTree)
    assert len(masked) == len(tree)
    text = "\n".join(masked.to_show_commands())
    assert PSK not in text and KEY not in text and "'********'" in text
    assert tree.value(("vpn", "ipsec", "profile", "NHRPVPN", "authentication", "pre-shared-secret")) == PSK
    shown = "\n".join(tree.to_show_commands()) + "\n"
    masked_text = mk.mask_secrets(shown, version)
    assert PSK not in masked_text and KEY not in masked_text
    assert masked_text.count("\n") == shown.count("\n")
    assert masked_text.replace("'********'", "").count("'") == shown.replace("'%s'" % PSK, "").replace(
        "'%s'" % KEY, "").count("'")


def test_mask_lines_in_every_form():
    lines = [
        "set vpn ipsec profile NHRPVPN authentication pre-shared-secret SECRET",     # typed, bare
        "set protocols nhrp tunnel tun0 cisco-authentication 'SECRET'",              # quoted
        "  set vpn ipsec profile P authentication pre-shared-secret \"SE CRET\"",    # indented, dq
        "set vpn ipsec profile P authentication pre-shared-secret 'it's odd'",       # show output
        "vpn ipsec profile P authentication pre-shared-secret SECRET",               # no verb
        "delete protocols nhrp tunnel tun0 cisco-authentication",                    # nothing to mask
        "set system login user vyos authentication encrypted-password '$6$abc'",
        "set interfaces tunnel tun0 description 'SECRET is not a secret here'",
        "",
    ]
    assert mk.mask_secrets(lines, "1.3") == [
        "set vpn ipsec profile NHRPVPN authentication pre-shared-secret '********'",
        "set protocols nhrp tunnel tun0 cisco-authentication '********'",
        "  set vpn ipsec profile P authentication pre-shared-secret '********'",
        "set vpn ipsec profile P authentication pre-shared-secret '********'",
        "vpn ipsec profile P authentication pre-shared-secret '********'",
        "delete protocols nhrp tunnel tun0 cisco-authentication",
        "set system login user vyos authentication encrypted-password '********'",
        "set interfaces tunnel tun0 description 'SECRET is not a secret here'",
        "",
    ]


def test_mask_text_replaces_literal_secrets():
    message = ("Commit failed: set vpn ipsec profile NHRPVPN authentication pre-shared-secret "
               "'Top-S3cret!' rejected; key nhrpK3y too long\r\n")
    masked = mk.mask_text(message, [PSK, KEY])
    assert PSK not in masked and KEY not in masked
    assert masked.count("********") == 2
    assert mk.mask_text(None, [PSK]) is None
    assert mk.mask_text("nothing here", []) == "nothing here"
    assert mk.mask_text("abc", ["", None]) == "abc"
    # a secret with a quote is also hidden in its CLI-quoted form
    assert "it" not in mk.mask_text("x 'it'\\''s' y", ["it's"]).replace("********", "")
    # the longer secret wins when one contains another
    assert mk.mask_text("abcdef", ["abc", "abcdef"]) == "********"


def test_apply_commands_replaces_single_values_and_adds_multi_values():
    have = ct.parse_show_commands(
        "set protocols nhrp tunnel tun0 holding-time '300'\nset interfaces tunnel tun0 address '10.0.0.1/24'\n")
    after = df.apply_commands(have, [
        "set protocols nhrp tunnel tun0 holding-time '600'",
        "set interfaces tunnel tun0 address '10.0.1.1/24'",
        "delete protocols nhrp tunnel tun0 holding-time"], "1.4")
    assert not after.exists(("protocols", "nhrp", "tunnel", "tun0", "holding-time"))
    assert after.values(("interfaces", "tunnel", "tun0", "address")) == ["10.0.0.1/24", "10.0.1.1/24"]
    replaced = df.apply_commands(have, ["set protocols nhrp tunnel tun0 holding-time '600'"], "1.4")
    assert replaced.values(("protocols", "nhrp", "tunnel", "tun0", "holding-time")) == ["600"]
    with pytest.raises(ValueError):
        df.apply_commands(have, ["show version"], "1.4")


# -- values with line-breaking characters on the router (issue 19 item 6) --------------------------
# VyOS stores and prints a description as given; Python's str.splitlines would break the line
# of `show configuration commands` at NEL (U+0085) or U+2028. At b303f4c the parser did, so a
# foreign interface's description made the tunnel look changed on every run, or the router
# unreadable.
@pytest.mark.parametrize("char", ["\x85", "\u2028", "\u2029", "\x1c"])
def test_a_foreign_value_with_a_line_breaking_character_is_read_as_one_value_and_left_alone(char):
    description = "LAN" + char + "set interfaces tunnel tun0 remote 192.0.2.1"
    have = router("hub", "1.4", [])
    text = "\n".join(have.to_show_commands() + ["set interfaces ethernet eth1 description '%s'" % description])
    parsed = ct.parse_show_commands(text)
    assert parsed.values(("interfaces", "ethernet", "eth1", "description")) == [description]
    assert not parsed.exists(("interfaces", "tunnel", "tun0", "remote"))
    data = model("hub")
    assert df.compute_commands(parsed, render_endpoint(data, "1.4"), data, "1.4", "overridden") == []


def test_an_owned_value_no_cli_line_can_carry_is_replaced_without_typing_it():
    """Someone put U+2028 into the tunnel's description by hand: the router's configuration
    still reads, and the wanted description replaces it with one set line (a single-value
    leaf: set replaces the value), the old value never typed."""
    data = model("hub")
    data["tunnel"]["description"] = "DMVPN"
    lines = router("hub", "1.4", []).to_show_commands()
    lines = [line for line in lines if " description " not in line]
    have = ct.parse_show_commands("\n".join(lines + ["set interfaces tunnel tun0 description 'hub\u2028uplink'"]))
    commands = df.compute_commands(have, render_endpoint(data, "1.4"), data, "1.4", "overridden")
    assert commands == ["set interfaces tunnel tun0 description 'DMVPN'"]


def test_a_multi_value_leaf_holding_a_value_no_cli_line_can_carry_is_deleted_by_name_and_set_again():
    """An owned multi-value leaf (the tunnel's addresses) with such a value: the leaf is
    deleted by its name and every wanted value set again, in the same commit."""
    data = model("hub")
    have = ct.parse_show_commands("\n".join(router("hub", "1.4", []).to_show_commands()
                                            + ["set interfaces tunnel tun0 address '10.0.0.9/24\u2028'"]))
    commands = df.compute_commands(have, render_endpoint(data, "1.4"), data, "1.4", "overridden")
    assert commands == ["delete interfaces tunnel tun0 address",
                        "set interfaces tunnel tun0 address '10.0.0.1/24'"]


def test_a_changed_secret_shows_as_a_changed_masked_line_in_the_diff():
    """Issue 19 item 2: masked alike on both sides, a rotated (or drifted) PSK left the diff
    empty; its after line now says (changed), the value still masked."""
    before = ["set vpn ipsec profile NHRPVPN authentication pre-shared-secret 'Top-S3cret!'",
              "set interfaces tunnel tun0 description 'hub'"]
    after = ["set vpn ipsec profile NHRPVPN authentication pre-shared-secret 'N3W-s3cret'",
             "set interfaces tunnel tun0 description 'hub'"]
    shown_before, shown_after = mk.masked_diff(before, after, "1.4")
    assert shown_before == ["set vpn ipsec profile NHRPVPN authentication pre-shared-secret '********'",
                            "set interfaces tunnel tun0 description 'hub'"]
    assert shown_after == ["set vpn ipsec profile NHRPVPN authentication pre-shared-secret '********' (changed)",
                           "set interfaces tunnel tun0 description 'hub'"]
    # the same key on both sides: no mark
    assert mk.masked_diff(before, before, "1.4") == (shown_before, shown_before)
