"""The WAN firewall rules through dmvpn.vyos.dmvpn against the emulated lab, one router per
version in one play (issue 21 item 4): turned on, the rules 9900-9999 are there beside the
operator's rule 10 (1.2/1.3: inside the operator's local rule set of eth0, VyOS's one set per
direction and interface); a re-run commits nothing; turned off, ours are gone and the
operator's stay. Words per version: versions_firewall.py."""

import copy

import pytest
from labkit import NO_VERIFY, SITE, site  # noqa: F401 pylint: disable=unused-import
from seed_models import model

pytestmark = pytest.mark.lab

VERSIONS = ["1.2", "1.3", "1.4", "1.5"]
HUB_UNDERLAY = ["set interfaces ethernet eth0 address '198.51.100.41/30'",
                "set interfaces ethernet eth1 address '192.168.1.1/24'", "set system host-name 'HUB'"]
OPERATOR = {
    "old": ["set firewall name OPS default-action 'drop'", "set firewall name OPS rule 10 action 'accept'",
            "set firewall name OPS rule 10 protocol 'icmp'", "set interfaces ethernet eth0 firewall local name 'OPS'"],
    "new": ["set firewall ipv4 input filter rule 10 action 'accept'",
            "set firewall ipv4 input filter rule 10 protocol 'icmp'",
            "set firewall ipv4 input filter rule 10 inbound-interface name 'eth0'"],
}


def family(version):
    return "old" if version in ("1.2", "1.3") else "new"


def task(config):
    return {"name": "dmvpn", "dmvpn.vyos.dmvpn": {"config": config, "state": "overridden"}}


def each(template):
    return [{"hosts": "all", "gather_facts": False, "tasks": [task(template)]}]


def test_firewall_on_again_off_keeps_the_operators_rule(lab, playbook):
    hosts = {"HUB_" + version.replace(".", ""): version for version in VERSIONS}
    handle = lab(hosts)
    on = copy.deepcopy(model("hub"))
    on["firewall"] = {"peers": ["203.0.113.2", "203.0.113.3"]}
    inventory = handle.inventory(host_vars={host: {"on": on, "off": model("hub")} for host in hosts})
    for host, version in hosts.items():
        handle.load(host, HUB_UNDERLAY + OPERATOR[family(version)])
    run = playbook(each("{{ on }}"), inventory)
    assert run.rc == 0, run.stdout[-3000:]
    commits = {}
    for host, version in hosts.items():
        running = handle.running(host)
        prefix = "set firewall name OPS" if family(version) == "old" else "set firewall ipv4 input filter"
        for line in OPERATOR[family(version)]:
            assert line in running, (host, line)
        assert prefix + " rule 9901 protocol 'gre'" in running, host
        assert prefix + " rule 9903 destination port '500'" in running, host
        assert prefix + " rule 9904 destination port '4500'" in running, host
        assert "set firewall group address-group DMVPN-PEERS address '203.0.113.2'" in running, host
        assert not [line for line in running if "DMVPN-WAN" in line], host  # the operator's set is used
        commits[host] = handle.counters(host)["commits"]
    again = playbook(each("{{ on }}"), inventory)
    assert again.rc == 0, again.stdout[-3000:]
    for host in hosts:
        assert again.result(host, "dmvpn")["changed"] is False, host
        assert handle.counters(host)["commits"] == commits[host], host
    off = playbook(each("{{ off }}"), inventory)
    assert off.rc == 0, off.stdout[-3000:]
    for host, version in hosts.items():
        running = handle.running(host)
        mine = sorted(line for line in running if " firewall " in line and "'" in line)
        assert mine == sorted(OPERATOR[family(version)]), (host, mine)
        assert not [line for line in running if " rule 99" in line or "DMVPN-PEERS" in line], host


@pytest.mark.long
@pytest.mark.parametrize("version", ["1.3"])
def test_site_with_dmvpn_manage_firewall_then_without(site, version):  # noqa: F811
    """site.yml on the lab inventory: the guide's spokes have DHCP WANs, so the rules take any
    source; with drop_other the WAN keeps SSH and drops the rest; verify passes; a re-run
    commits nothing; dmvpn_manage_firewall false takes every rule of the range away.
    (On 1.3, where the role's path is the longest: the collection's own rule set made and
    attached. The 1.4/1.5 input filter is converged on the lab by the module test above, and
    its rules are what the dataplane's hub runs: tests/golden/dataplane/vyos-1.5.txt.)"""
    s = site(version)
    s.set_group_var("dmvpn_manage_firewall", True)
    s.set_group_var("dmvpn_firewall_wan_drop_other", True)
    first = s.run()
    assert first.rc == 0, first.stdout[-4000:]
    prefix = "set firewall name DMVPN-WAN" if version == "1.3" else "set firewall ipv4 input filter"
    for name, lines in s.running().items():
        assert prefix + " rule 9901 protocol 'gre'" in lines, name
        assert prefix + " rule 9905 destination port '22'" in lines, name
        assert prefix + " rule 9999 action 'drop'" in lines, name
        assert not [line for line in lines if "address-group" in line], name  # DHCP spokes: any source
        if version == "1.3":
            assert "set interfaces ethernet eth0 firewall local name 'DMVPN-WAN'" in lines, name
    commits = s.commits()
    # (the first run verified the DMVPN with the rules on; the re-run and the run that turns
    # them off are judged by commits and the running configuration: verify would only cost time)
    again = s.run(SITE, *NO_VERIFY)
    assert again.rc == 0, again.stdout[-4000:]
    assert s.commits() == commits
    s.set_group_var("dmvpn_manage_firewall", False)
    off = s.run(SITE, *NO_VERIFY)
    assert off.rc == 0, off.stdout[-4000:]
    for name, lines in s.running().items():
        assert not [line for line in lines if " firewall " in line], (name, [line for line in lines if "firewall" in line])
