"""IKE/ESP group options per VyOS version against the emulated lab (issue 21 item 1): a hub of
every version converges with the options its version's DMVPN connection uses, in one commit of
exactly the lines below, and a second run changes nothing; an option the version's connection
never reads is refused before anything is sent.

Which version uses which option: plugins/module_utils/dmvpn_core/ipsec_values.py (1.2/1.3
vyatta-cfg-vpn scripts/dmvpn-config.pl; 1.4 vyos-1x data/templates/ipsec/swanctl/profile.j2; 1.5
the FRR-era profile.j2, which forces dpd_action = clear). The lab's schema takes exactly the
nodes VyOS's definitions take (vyos_lab/schemas.py _ipsec, checked against the facts)."""

import pytest
from seed_models import model
from test_dmvpn_module import UNDERLAY, commits, each, tag, task

pytestmark = pytest.mark.lab

VERSIONS = ["1.2", "1.3", "1.4", "1.5"]
DPD = {"action": "hold", "interval": 15, "timeout": 90}
# what each version gets for DPD: hold on 1.2/1.3, trap on 1.4 (VyOS's 12-to-13 migration), and
# on 1.5 only clear is taken
DPD_ACTION = {"1.2": "hold", "1.3": "hold", "1.4": "trap", "1.5": "clear"}
OLD_SWITCHES = ["set vpn ipsec ike-group IKE-HUB ikev2-reauth 'yes'",
                "set vpn ipsec ike-group IKE-HUB mobike 'disable'",
                "set vpn ipsec esp-group ESP-HUB compression 'enable'"]


def hub_with_options(version):
    hub = model("hub")
    dpd = dict(DPD, action="clear") if version == "1.5" else dict(DPD)
    hub["ipsec"]["ike_group"]["dead_peer_detection"] = dpd
    if version in ("1.2", "1.3"):
        hub["ipsec"]["ike_group"].update(ikev2_reauth=True, disable_mobike=True)
        hub["ipsec"]["esp_group"]["compression"] = True
    return hub


def expected_lines(version):
    base = "set vpn ipsec ike-group IKE-HUB dead-peer-detection "
    lines = [base + "action '%s'" % DPD_ACTION[version], base + "interval '15'", base + "timeout '90'"]
    return lines + (OLD_SWITCHES if version in ("1.2", "1.3") else [])


def hub_per_version(lab):
    """``(hosts, handle)``: one lab hub of each version ({host: version}), its underlay loaded."""
    hosts = {"HUB_" + tag(version): version for version in VERSIONS}
    handle = lab(hosts)
    for host in hosts:
        handle.load(host, UNDERLAY["HUB"])
    return hosts, handle


def test_group_options_converge_on_every_version_and_a_rerun_changes_nothing(lab, playbook):
    hosts, handle = hub_per_version(lab)
    host_vars = {host: {"dmvpn_model": model("hub")} for host in hosts}
    inventory = handle.inventory(host_vars=host_vars)
    first = playbook(each([task("{{ dmvpn_model }}")]), inventory)
    assert first.rc == 0, first.stdout[-3000:]
    # the options, on top of the converged hub: one commit of exactly their lines
    for host, version in hosts.items():
        host_vars[host] = {"dmvpn_model": hub_with_options(version)}
    inventory = handle.inventory(host_vars=host_vars)
    start = {host: commits(handle, host) for host in hosts}
    run = playbook(each([task("{{ dmvpn_model }}")]), inventory)
    assert run.rc == 0, run.stdout[-3000:]
    for host, version in hosts.items():
        assert sorted(run.result(host, "dmvpn")["commands"]) == sorted(expected_lines(version)), host
        assert commits(handle, host) == start[host] + 1, host
        running = handle.running(host)
        for line in expected_lines(version):
            assert line in running, (host, line)
    # the same again: nothing to change, no commit, no configuration session
    again = playbook(each([task("{{ dmvpn_model }}")]), inventory)
    assert again.rc == 0, again.stdout[-3000:]
    for host in hosts:
        assert again.result(host, "dmvpn")["changed"] is False, host
        assert again.result(host, "dmvpn")["commands"] == [], host
        assert commits(handle, host) == start[host] + 1, host


# an option the version stores but its DMVPN connection never reads, per version
REFUSED = {
    "1.2": ("close_action", "ike_group", "none", "dmvpn-config.pl"),
    "1.3": ("life_bytes", "esp_group", 1048576, "no esp-group life-bytes"),
    "1.4": ("compression", "esp_group", True, "profile.j2"),
    "1.5": ("disable_mobike", "ike_group", True, "profile.j2"),
}


def test_an_option_the_version_never_uses_is_refused_before_anything_is_sent(lab, playbook):
    hosts, handle = hub_per_version(lab)
    host_vars = {}
    for host, version in hosts.items():
        field, group, value, dummy = REFUSED[version]
        hub = model("hub")
        hub["ipsec"][group][field] = value
        host_vars[host] = {"dmvpn_model": hub}
    start = {host: commits(handle, host) for host in hosts}
    run = playbook(each([task("{{ dmvpn_model }}", version="{{ lab_version }}")]),
                   handle.inventory(host_vars={h: dict(v, lab_version=hosts[h]) for h, v in host_vars.items()}))
    assert run.rc != 0
    for host, version in hosts.items():
        field, group, value, why = REFUSED[version]
        msg = run.result(host, "dmvpn")["msg"]
        assert "- ipsec.%s.%s: " % (group, field) in msg and "not supported on VyOS %s" % version in msg, msg
        assert why in msg, (host, msg)
        # an explicit version: refused before the module logs in
        assert handle.counters(host)["logins"] == 0, host
        assert commits(handle, host) == start[host], host
