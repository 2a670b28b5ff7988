"""Keeping what the collection does not model (issue 21 item 7), against the emulated lab: a
leaf added by hand inside an owned object (the IKEv1 mode on the hub's IKE group) is
removed by overridden and named in the warnings and in removed_unmanaged, in check mode before
anything changes; declared in config.extra it stays and a second run changes nothing; an
unknown option in config.extra is refused by the router, which is left as it was.

mode main is a valid leaf on 1.2 and 1.4 that the collection does not model (dead-peer-detection,
the issue's example, is modelled since): vyos/vyatta-cfg-vpn crux 03e70cd
templates/vpn/ipsec/ike-group/node.tag/mode/node.def (main, aggressive) and vyos/vyos-1x sagitta
c3f688653 interface-definitions/vpn_ipsec.xml.in (ike-group mode: main, aggressive), as the lab's
schema holds them (vyos_lab/schemas.py _ipsec). VyOS refuses a path its
definitions do not have when it is set, before any commit; the lab does the same."""

import pytest
from labkit import NO_VERIFY, SITE, site  # noqa: F401 pylint: disable=unused-import
from seed_models import model

pytestmark = pytest.mark.lab

HOSTS = {"HUB_12": "1.2", "HUB_14": "1.4"}
UNDERLAY = ["set interfaces ethernet eth0 address '198.51.100.41/30'",
            "set interfaces ethernet eth1 address '192.168.1.1/24'", "set system host-name 'HUB'"]
HAND = "set vpn ipsec ike-group IKE-HUB mode 'main'"
NAMED = "vpn ipsec ike-group IKE-HUB mode main"
LINE = "mode main"


def task(config, check=False):
    return [{"hosts": "all", "gather_facts": False, "check_mode": check,
             "tasks": [{"name": "dmvpn", "dmvpn.vyos.dmvpn": {"config": config, "state": "overridden"}}]}]


def with_extra(**extra):
    return dict(model("hub"), extra=extra)


def test_a_hand_added_leaf_is_named_when_removed_and_kept_when_declared(lab, playbook):
    handle = lab(HOSTS)
    for host in HOSTS:
        handle.load(host, UNDERLAY)
    inventory = handle.inventory()
    first = playbook(task(model("hub")), inventory)
    assert first.rc == 0, first.stdout[-3000:]
    for host in HOSTS:
        assert first.result(host, "dmvpn")["removed_unmanaged"] == [], host
        handle.load(host, handle.running(host) + [HAND])

    planned = playbook(task(model("hub"), check=True), inventory)  # check mode: named before anything changes
    assert planned.rc == 0, planned.stdout[-3000:]
    for host in HOSTS:
        result = planned.result(host, "dmvpn")
        assert result["removed_unmanaged"] == [NAMED], host
        assert [w for w in result["warnings"] if NAMED in w] == [
            "this change removes '%s', which is not part of the collection's model and was not declared: to keep it, declare "
            "'%s' in dmvpn_extra_config.ike_group (the dmvpn module's config.extra.ike_group), or use dmvpn_state "
            "merged" % (NAMED, LINE)], host
        assert HAND in handle.running(host), host

    removed = playbook(task(model("hub")), inventory)
    assert removed.rc == 0, removed.stdout[-3000:]
    for host in HOSTS:
        result = removed.result(host, "dmvpn")
        assert result["commands"] == ["delete vpn ipsec ike-group IKE-HUB mode"], host
        assert result["removed_unmanaged"] == [NAMED], host
        assert HAND not in handle.running(host), host
        handle.load(host, handle.running(host) + [HAND])

    declared = with_extra(ike_group=[LINE])
    for dummy in range(2):  # found on the router: nothing to do, and again nothing
        start = {host: handle.counters(host)["commits"] for host in HOSTS}
        kept = playbook(task(declared), inventory)
        assert kept.rc == 0, kept.stdout[-3000:]
        for host in HOSTS:
            result = kept.result(host, "dmvpn")
            assert result["changed"] is False and result["commands"] == [], (host, result["commands"])
            assert result["removed_unmanaged"] == [] and not [w for w in result.get("warnings", []) if NAMED in w]
            assert HAND in handle.running(host), host
            assert handle.counters(host)["commits"] == start[host], host


def test_an_unknown_option_is_refused_by_the_router_which_is_left_as_it_was(lab, playbook):
    handle = lab(HOSTS)
    for host in HOSTS:
        handle.load(host, UNDERLAY)
    inventory = handle.inventory()
    assert playbook(task(model("hub")), inventory).rc == 0
    before = {host: (handle.running(host), handle.counters(host)["commits"]) for host in HOSTS}
    run = playbook(task(with_extra(ike_group=[LINE], tunnel=["no-such-option 5"])), inventory)
    assert run.rc != 0
    for host in HOSTS:
        result = run.result(host, "dmvpn")
        assert result["failed"] is True, host
        assert "the router refused the change and is left as it was (nothing was committed)" in result["msg"], host
        assert "no-such-option" in result["msg"], host
        assert (handle.running(host), handle.counters(host)["commits"]) == before[host], host


@pytest.mark.long
def test_dmvpn_extra_config_through_site_yml(site):
    """The inventory variable, end to end: declared in group_vars it is kept on the hub (where it
    was added by hand) and added to the spokes, one line each; taken out, site.yml removes it and
    warns naming it; a modelled option in it stops site.yml before any router is touched. (The
    first run verifies the DMVPN; the later ones are judged by commits and running configs.)"""
    s = site("1.4")
    assert s.run().rc == 0
    s.handle.load("HUB", s.handle.running("HUB") + [HAND])
    commits = s.commits()
    s.set_group_var("dmvpn_extra_config", {"ike_group": [LINE]})
    kept = s.run(SITE, *NO_VERIFY)
    assert kept.rc == 0, kept.stdout[-4000:]
    assert s.commits()["HUB"] == commits["HUB"] and HAND in s.handle.running("HUB")
    for name in ("SPOKE1", "SPOKE2"):
        assert s.handle.counters(name)["last_commit_lines"] == [
            "set vpn ipsec ike-group IKE-SPOKE mode 'main'"], name

    s.set_group_var("dmvpn_extra_config", None)
    dropped = s.run(SITE, *NO_VERIFY)
    assert dropped.rc == 0, dropped.stdout[-4000:]
    output = " ".join((dropped.stdout + dropped.stderr).split())  # (Ansible prints warnings on stderr)
    for group in ("IKE-HUB", "IKE-SPOKE"):
        assert "this change removes 'vpn ipsec ike-group %s mode main', which is not part of the " \
               "collection's model" % group in output, output[-4000:]
    assert not any(" mode 'main'" in line for lines in s.running().values() for line in lines)

    commits = s.commits()
    s.set_group_var("dmvpn_extra_config", {"tunnel": ["mtu 1400"]})
    refused = s.run(SITE, *NO_VERIFY)
    assert refused.rc != 0
    output = " ".join((refused.stdout + refused.stderr).split())
    assert "dmvpn_extra_config.tunnel[0]: 'mtu 1400' sets tunnel.mtu, which the collection models" in output, \
        output[-3000:]
    assert "set tunnel.mtu instead (inventory: dmvpn_tunnel_mtu)" in output
    assert s.commits() == commits
