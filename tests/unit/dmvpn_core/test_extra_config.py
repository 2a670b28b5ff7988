"""Declared extra lines (config.extra / dmvpn_extra_config) and the report of hand-added leaves
a run removes (issue 21 item 7): each refusal with its message, rendering, the differ keeping
declared lines, and the report naming exactly the hand-added leaves."""

import pytest
from seed_inventory import hosts
from seed_models import model

from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import design as ds
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import extra_config as ec
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import render as rd
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import unmanaged
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.checker import ModelError
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.configtree import parse_show_commands
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.diff import (
    apply_commands,
    compute_commands,
)
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.version_names import SUPPORTED_VERSIONS

# The IKEv1 phase 1 mode: an IKE group option of every version (vyos/vyatta-cfg-vpn crux 03e70cd
# templates/vpn/ipsec/ike-group/node.tag/mode/node.def, vyos/vyos-1x sagitta c3f688653
# interface-definitions/vpn_ipsec.xml.in) that the collection does not model.
OPTION = "mode main"
PRF = "proposal 1 prf prfsha256"  # (a leaf below a modelled proposal that gather does not read)


def hub(**extra):
    endpoint = model("hub")
    if extra:
        endpoint["extra"] = extra
    return endpoint


def problems(endpoint, version="1.4"):
    with pytest.raises(ModelError) as info:
        unmanaged.validated_endpoint(endpoint, version)
    return [(p.field, p.message, p.fix) for p in info.value.problems]


def only(endpoint, version="1.4"):
    found = problems(endpoint, version)
    assert len(found) == 1, found
    return found[0]


def test_the_kinds_are_the_renderers_kinds():
    assert ec.KINDS == (rd.KIND_TUNNEL, rd.KIND_NHRP, rd.KIND_IKE_GROUP, rd.KIND_ESP_GROUP, rd.KIND_PROFILE)


# -- what is accepted ---------------------------------------------------------------------------
def test_relative_and_full_lines_give_the_same_words():
    ike = model("hub")["ipsec"]["ike_group"]["name"]
    relative = unmanaged.validated_endpoint(hub(ike_group=[OPTION, "proposal 1 prf 'prfsha256'"]), "1.4")
    full = unmanaged.validated_endpoint(hub(ike_group=["set vpn ipsec ike-group %s %s" % (ike, OPTION),
                                                       "vpn ipsec ike-group %s %s" % (ike, PRF)]), "1.4")
    assert relative["extra"]["ike_group"] == full["extra"]["ike_group"] == [
        ["mode", "main"], ["proposal", "1", "prf", "prfsha256"]]
    assert relative["extra"]["tunnel"] == []


@pytest.mark.parametrize("version", SUPPORTED_VERSIONS)
def test_declared_lines_render_below_their_object_values_quoted(version):
    endpoint = hub(ike_group=[OPTION], tunnel=["parameters ip tos 16"], nhrp=["shortcut-destination"])
    lines = rd.render_endpoint(unmanaged.validated_endpoint(endpoint, version), version).to_commands()
    ike = rd.syntax_for(version).ike_group_path(endpoint["ipsec"]["ike_group"]["name"])
    assert "set %s mode 'main'" % " ".join(ike) in lines
    assert "set %s parameters ip tos '16'" % " ".join(rd.syntax_for(version).tunnel_path("tun0")) in lines
    assert "set %s shortcut-destination" % " ".join(rd.syntax_for(version).nhrp_path("tun0")) in lines


@pytest.mark.parametrize("version", SUPPORTED_VERSIONS)
def test_declared_lines_read_back_are_no_change_and_dropped_ones_are_deleted(version):
    endpoint = unmanaged.validated_endpoint(hub(ike_group=[OPTION]), version)
    want = rd.render_endpoint(endpoint, version)
    have = parse_show_commands("\n".join(want.to_show_commands()))
    for state in ("merged", "replaced", "overridden"):
        assert compute_commands(have, want, endpoint, version, state) == []
    bare = unmanaged.validated_endpoint(hub(), version)
    commands = compute_commands(have, rd.render_endpoint(bare, version), bare, version, "overridden")
    ike = " ".join(rd.syntax_for(version).ike_group_path(bare["ipsec"]["ike_group"]["name"]))
    assert commands == ["delete %s mode" % ike]


# -- what is refused, each with its message ---------------------------------------------------
@pytest.mark.parametrize("line, shown", [
    (OPTION + "; reboot", "';'"), ("mode main | tee", "'|'"), ("mode main && x", "'&'"), ("mode `id`", "'`'"),
    ("mode $(id)", "'$('"), ('mode "main"', "'\"'"), ("mode main > x", "'>'"),
])
def test_shell_metacharacters_are_refused(line, shown):
    field, message, fix = only(hub(ike_group=[line]))
    assert field == "extra.ike_group[0]"
    assert shown in message and "may not contain" in message
    assert "one option per line" in fix


def test_an_unterminated_quote_and_an_empty_line_are_refused():
    found = problems(hub(tunnel=["description 'half", "", "parameters ip tos ''"]))
    assert [(f, m.split(":")[0]) for f, m, dummy in found] == [
        ("extra.tunnel[0]", "\"description 'half\" cannot be split into words"),
        ("extra.tunnel[1]", "is empty"),
        ("extra.tunnel[2]", "\"parameters ip tos ''\" has an empty word ('')")]


def test_a_line_outside_its_object_is_refused():
    field, message, fix = only(hub(ike_group=["set vpn ipsec esp-group ESP-HUB compression"]))
    assert field == "extra.ike_group[0]"
    assert message == ("'set vpn ipsec esp-group ESP-HUB compression' is outside vpn ipsec ike-group IKE-HUB, "
                       "the object these lines go in")
    assert "relative to that object" in fix


def test_a_delete_line_is_refused():
    assert only(hub(tunnel=["delete mtu"]))[1] == "'delete mtu' is not a set line"


@pytest.mark.parametrize("kind, line, field", [
    ("nhrp", "cisco-authentication Canary-Nh1", "nhrp.authentication"),
    ("profile", "authentication pre-shared-secret Canary-Psk1", "ipsec.profile.pre_shared_secret"),
    ("tunnel", "some-password abc", "nhrp.authentication"),
])
def test_secret_looking_leaves_are_refused(kind, line, field):
    where, message, fix = only(hub(**{kind: [line]}))
    assert where == "extra.%s[0]" % kind
    assert "sets a secret" in message and "unmasked" in message
    assert fix == "secrets are modelled and masked: use %s (kept in Ansible Vault)" % field


@pytest.mark.parametrize("kind, line, field, variable", [
    ("tunnel", "mtu 1400", "tunnel.mtu", "dmvpn_tunnel_mtu"),                 # unset in the model: gather reads it
    ("ike_group", "dead-peer-detection action restart", "ipsec.ike_group.dead_peer_detection",
     "dmvpn_ike_group.dead_peer_detection"),                                  # modelled, rendered in code
    ("ike_group", "lifetime 600", "ipsec.ike_group.lifetime", "dmvpn_ike_group.lifetime"),  # from a table
    ("ike_group", "proposal 9 encryption aes128", "ipsec.ike_group.proposal", "dmvpn_ike_group.proposal"),
    ("nhrp", "shortcut", "nhrp.shortcut", "dmvpn_nhrp_shortcut"),              # a flag the hub leaves off
])
def test_a_line_that_sets_a_modelled_field_is_refused_naming_the_field(kind, line, field, variable):
    where, message, fix = only(hub(**{kind: [line]}))
    assert where == "extra.%s[0]" % kind
    assert message == "'%s' sets %s, which the collection models (it would fight the model)" % (line, field)
    assert fix == "set %s instead (inventory: %s) and remove the line" % (field, variable)


@pytest.mark.parametrize("kind, line", [("tunnel", "encapsulation gretap"), ("profile", "bind tunnel tun9"),
                                        ("nhrp", "multicast nhs")])
def test_a_line_on_a_leaf_the_renderer_sets_is_refused(kind, line):
    where, message, fix = only(hub(**{kind: [line]}))
    assert "which the collection renders itself" in message
    assert fix.startswith("remove the line")


def test_every_problem_is_reported_at_once_and_twice_listed_lines_too():
    found = problems(hub(tunnel=["parameters ip tos 16", "parameters ip tos 16"], esp_group=["x; y"], bogus=[]))
    assert sorted(f for f, dummy, dummy2 in found) == ["extra.bogus", "extra.esp_group[0]", "extra.tunnel[1]"]


def test_ipsec_lines_without_ipsec_are_refused():
    endpoint = hub(esp_group=["compression"])
    endpoint["ipsec"] = None
    assert only(endpoint)[:2] == ("extra.esp_group", "there is no esp group: the endpoint has no IPsec")


def test_the_inventory_names_its_variable():
    inventory = hosts()
    inventory["HUB"]["dmvpn_extra_config"] = {"tunnel": ["mtu 1400"], "ike_group": [OPTION]}
    found = [p for p in ds.inventory_problems(inventory) if p["host"] == "HUB"]
    assert [(p["field"], p["fix"]) for p in found] == [
        ("dmvpn_extra_config.tunnel[0]", "set tunnel.mtu instead (inventory: dmvpn_tunnel_mtu) and remove the line")]
    inventory["HUB"]["dmvpn_extra_config"] = {"ike_group": [OPTION]}
    assert ds.inventory_problems(inventory) == []
    assert ds.design(inventory).endpoint("HUB")["extra"] == {"ike_group": [OPTION]}


# -- the report of hand-added leaves --------------------------------------------------------------
def _run(have_lines, endpoint, version="1.4", state="overridden"):
    endpoint = unmanaged.validated_endpoint(endpoint, version)
    want = rd.render_endpoint(endpoint, version)
    have = parse_show_commands("\n".join(have_lines))
    objects = rd.owned_objects(endpoint, version, have)
    commands = compute_commands(have, want, endpoint, version, state)
    after = apply_commands(have, commands, version)
    return commands, unmanaged.report(unmanaged.removed_leaves(have, want, after, objects, endpoint, version), version)


def test_the_report_names_exactly_the_hand_added_leaves():
    bare = unmanaged.validated_endpoint(hub(), "1.4")
    lines = rd.render_endpoint(bare, "1.4").to_show_commands()
    ike = "vpn ipsec ike-group IKE-HUB"
    lines += [
        "set %s mode 'main'" % ike,                                     # hand-added: reported
        "set %s proposal 1 prf 'prfsha256'" % ike,                      # hand-added: reported
        "set interfaces tunnel tun0 mtu '1400'",                        # modelled (left by an earlier inventory)
        "set %s proposal 7 encryption 'aes128'" % ike,                  # a modelled proposal that goes
        "set interfaces tunnel tun0 address '10.0.0.9/24'",             # a second value of a modelled leaf
        "set protocols static route 192.168.9.0/24 next-hop 10.0.0.9",  # a stale route: a whole object
        "set vpn ipsec profile NHRPVPN authentication pre-shared-secret 'OLD'",  # a replaced value
    ]
    commands, (names, warnings) = _run(lines, hub())
    assert "delete %s mode" % ike in commands and "delete %s proposal 1 prf" % ike in commands
    assert names == ["%s proposal 1 prf prfsha256" % ike, "%s mode main" % ike]  # (in the router's order)
    assert warnings[1] == (
        "this change removes '%s mode main', which is not part of the collection's model and was not declared: to "
        "keep it, declare 'mode main' in dmvpn_extra_config.ike_group (the dmvpn module's config.extra.ike_group), or "
        "use dmvpn_state merged" % ike)


def test_declared_lines_are_not_reported_and_merged_removes_nothing():
    lines = rd.render_endpoint(unmanaged.validated_endpoint(hub(ike_group=[OPTION]), "1.4"), "1.4").to_show_commands()
    assert _run(lines, hub(ike_group=[OPTION])) == ([], ([], []))
    commands, report = _run(lines, hub(), state="merged")
    assert commands == [] and report == ([], [])
    commands, (names, dummy) = _run(lines, hub(), state="replaced")
    assert names == ["vpn ipsec ike-group IKE-HUB mode main"]


def test_a_renamed_group_is_not_a_hand_added_leaf():
    lines = rd.render_endpoint(unmanaged.validated_endpoint(hub(), "1.4"), "1.4").to_show_commands()
    lines += ["set vpn ipsec ike-group IKE-HUB mode 'main'"]
    renamed = hub()
    renamed["ipsec"]["ike_group"]["name"] = "IKE-NEW"
    commands, (names, dummy) = _run(lines, renamed)
    assert "delete vpn ipsec ike-group IKE-HUB" in commands
    assert names == []


def test_a_stale_secret_is_modelled_not_reported_and_a_named_secret_is_masked():
    lines = rd.render_endpoint(unmanaged.validated_endpoint(hub(), "1.4"), "1.4").to_show_commands()
    lines += ["set protocols nhrp tunnel tun0 cisco-authentication 'Canary-Hand'"]
    endpoint = hub()
    endpoint["nhrp"]["authentication"] = None
    commands, (names, warnings) = _run(lines, endpoint)
    assert "delete protocols nhrp tunnel tun0 cisco-authentication" in commands
    assert names == [] and warnings == []  # NHRP authentication is modelled
    path = ("protocols", "nhrp", "tunnel", "tun0", "cisco-authentication", "Canary-Hand")
    removed = [("nhrp", path[:4], path, True)]
    assert unmanaged.report(removed, "1.4")[0] == ["protocols nhrp tunnel tun0 cisco-authentication ********"]


@pytest.mark.parametrize("version", SUPPORTED_VERSIONS)
def test_gathered_holds_the_unmodelled_leaves_as_extra_lines_a_config_takes_back(version):
    from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import resources

    declared = hub(ike_group=[OPTION, PRF], tunnel=["parameters ip tos 16"])
    tree = rd.render_endpoint(unmanaged.validated_endpoint(declared, version), version)
    router = parse_show_commands("\n".join(tree.to_show_commands()))
    gathered = resources.DMVPN.gather(router, version, {"name": "tun0"})
    assert gathered["extra"] == {"tunnel": ["parameters ip tos 16"],
                                 "ike_group": [PRF, OPTION]}  # (in the router's order)
    again = unmanaged.validated_endpoint(dict(gathered, tunnel=dict(gathered["tunnel"], address="10.0.0.1/24")),
                                         version)  # the gathered config (on 1.5 with the subnet's prefix)
    wanted = unmanaged.validated_endpoint(declared, version)["extra"]
    assert dict((k, sorted(v)) for k, v in again["extra"].items()) == dict((k, sorted(v)) for k, v in wanted.items())
    bare = rd.render_endpoint(unmanaged.validated_endpoint(hub(), version), version)
    assert "extra" not in resources.DMVPN.gather(bare, version, {"name": "tun0"})


def test_a_refused_group_name_is_the_only_problem_of_its_lines():
    endpoint = hub(ike_group=[OPTION])
    endpoint["ipsec"]["ike_group"]["name"] = "bad name!"
    assert [field for field, dummy, dummy2 in problems(endpoint)] == ["ipsec.ike_group.name"]


def test_a_leaf_the_tables_come_to_model_is_refused_and_not_reported(monkeypatch):
    """The rule asks the render tables and the gatherer, not a list of its own: once a table maps
    a field to the IKE group's mode (as a modelled option would), the same line is refused naming
    that field, and the leaf on a router is no longer a hand-added one."""
    from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import leaf_tables as lt

    assert unmanaged.validated_endpoint(hub(ike_group=[OPTION]), "1.4")["extra"]["ike_group"]
    monkeypatch.setattr(lt, "IKE_GROUP", lt.IKE_GROUP + (lt.Leaf("phase1_mode", ("mode",), lt.TEXT),))
    assert only(hub(ike_group=[OPTION]))[1] == (
        "'mode main' sets ipsec.ike_group.phase1_mode, which the collection models (it would fight the model)")
    lines = rd.render_endpoint(unmanaged.validated_endpoint(hub(), "1.4"), "1.4").to_show_commands()
    commands, (names, dummy) = _run(lines + ["set vpn ipsec ike-group IKE-HUB mode 'main'"], hub())
    assert "delete vpn ipsec ike-group IKE-HUB mode" in commands
    assert names == []


def test_the_module_option_and_the_role_variable_take_the_same_keys():
    from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import spec

    module = spec.module_argument_spec("dmvpn")["config"]["options"]["extra"]["options"]
    for role in ("hub", "spoke", "endpoint"):
        assert tuple(spec.role_options(role)["dmvpn_extra_config"]["options"]) == ec.KINDS, role
    assert tuple(module) == ec.KINDS
    assert all(option == {"type": "list", "elements": "str"} for option in module.values())
