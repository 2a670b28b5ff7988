"""vyos.vyos's own modules, unchanged, against the emulated lab over network_cli (each case once
per SSH transport, libssh and paramiko, as two hosts of one play)."""

import glob

import pytest

pytestmark = pytest.mark.lab

SSH_TYPES = ["libssh", "paramiko"]


def _play(tasks, hosts="all"):
    return [{"name": "lab", "hosts": hosts, "gather_facts": False, "tasks": tasks}]


def each_ssh_type(handle, names):
    """An inventory with every router of ``names`` once per SSH transport: {host: (router, ssh type)}
    and the inventory's path (the lab runs one router per host)."""
    hosts = {"%s-%s" % (name, ssh_type): (name, ssh_type) for ssh_type in SSH_TYPES for name in names}
    return hosts, handle.inventory(host_vars={host: {"ansible_network_cli_ssh_type": ssh_type}
                                              for host, (name, ssh_type) in hosts.items()})


def test_vyos_command_and_facts(lab, playbook):
    handle = lab({"R1-%s" % t: "1.4" for t in SSH_TYPES} | {"R2-%s" % t: "1.3" for t in SSH_TYPES})
    hosts, inventory = each_ssh_type(handle, ("R1", "R2"))
    run = playbook(_play([
        {"name": "version", "vyos.vyos.vyos_command": {"commands": ["show version"]}},
        {"name": "commit", "vyos.vyos.vyos_config": {"lines": ["set system domain-name lab.example"],
                                                     "comment": "lab test"}},
        {"name": "facts", "vyos.vyos.vyos_facts": {"gather_subset": ["default", "config"],
                                                   "gather_network_resources": ["interfaces", "l3_interfaces",
                                                                                "static_routes"]}},
    ]), inventory)
    assert run.rc == 0, run.stdout[-4000:] + run.stderr[-2000:]
    for ssh_type in SSH_TYPES:
        r1 = run.result("R1-" + ssh_type, "version")
        assert "Version:          VyOS 1.4.0" in r1["stdout"][0], ssh_type
        host = "R2-" + ssh_type
        facts = run.result(host, "facts")["ansible_facts"]
        assert facts["ansible_net_version"] == "VyOS 1.3.8", ssh_type
        assert facts["ansible_net_hostname"] == host
        assert facts["ansible_net_serialnum"] == "LAB-" + host
        assert "set system host-name '%s'" % host in facts["ansible_net_config"][0], ssh_type
        assert facts["ansible_net_commits"][0]["by"] == "vyos", ssh_type
        assert facts["ansible_net_commits"][0]["comment"] == "lab test", ssh_type
        names = [i["name"] for i in facts["ansible_network_resources"]["interfaces"]]
        assert "eth0" in names and "eth1" in names and "lo" in names, ssh_type
    assert set(hosts) == {"R1-libssh", "R2-libssh", "R1-paramiko", "R2-paramiko"}


def test_vyos_config_lines_match_and_backup(lab, playbook, tmp_path):
    handle = lab({"R1-%s" % t: "1.4" for t in SSH_TYPES})
    hosts, inventory = each_ssh_type(handle, ("R1",))
    tasks = [
        {"name": "configure", "vyos.vyos.vyos_config": {
            "lines": ["set interfaces ethernet eth1 address '192.0.2.1/24'",
                      "set interfaces ethernet eth1 description 'LAN'"],
            "match": "line", "backup": True, "backup_options": {"dir_path": str(tmp_path / "backup")}}},
    ]
    first = playbook(_play(tasks), inventory)
    assert first.rc == 0, first.stdout[-4000:]
    for host in hosts:
        result = first.result(host, "configure")
        assert result["changed"] is True, host
        assert result["commands"] == ["set interfaces ethernet eth1 address '192.0.2.1/24'",
                                      "set interfaces ethernet eth1 description 'LAN'"], host
        assert "set interfaces ethernet eth1 address '192.0.2.1/24'" in handle.running(host), host
        assert handle.counters(host)["commits"] == 1, host
        backups = glob.glob(str(tmp_path / "backup" / (host + "_config*")))
        assert len(backups) == 1 and "set system host-name '%s'" % host in open(backups[0]).read(), host
    # again, without a backup (a new backup file alone reports changed): nothing to do
    del tasks[0]["vyos.vyos.vyos_config"]["backup"]
    second = playbook(_play(tasks), inventory)
    for host in hosts:
        assert second.result(host, "configure")["changed"] is False, host
        assert handle.counters(host)["commits"] == 1, host


def test_vyos_config_reports_router_errors(lab, playbook):
    handle = lab({"R1": "1.4"})
    inventory = handle.inventory()
    run = playbook(_play([{"name": "bad", "vyos.vyos.vyos_config": {
        "lines": ["set interfaces tunnel tun0 local-ip 192.0.2.1"]}}]), inventory)
    assert run.rc != 0
    msg = run.result("R1", "bad")["msg"]
    assert "is not valid" in msg
    assert handle.counters("R1")["commits"] == 0


def test_vyos_static_routes_merged_then_gathered(lab, playbook):
    handle = lab({"R1-%s" % t: "1.4" for t in SSH_TYPES})
    hosts, inventory = each_ssh_type(handle, ("R1",))
    config = [{"address_families": [{"afi": "ipv4", "routes": [
        {"dest": "192.0.2.32/28", "next_hops": [{"forward_router_address": "192.0.2.9"}]}]}]}]
    run = playbook(_play([
        {"name": "merge", "vyos.vyos.vyos_static_routes": {"config": config, "state": "merged"}},
        {"name": "again", "vyos.vyos.vyos_static_routes": {"config": config, "state": "merged"}},
        {"name": "gather", "vyos.vyos.vyos_static_routes": {"state": "gathered"}},
    ]), inventory)
    assert run.rc == 0, run.stdout[-4000:]
    for host in hosts:
        assert run.result(host, "merge")["changed"] is True, host
        assert run.result(host, "again")["changed"] is False, host
        gathered = run.result(host, "gather")["gathered"]
        routes = gathered[0]["address_families"][0]["routes"]
        assert routes[0]["dest"] == "192.0.2.32/28", host
        assert routes[0]["next_hops"][0]["forward_router_address"] == "192.0.2.9", host
        assert "set protocols static route 192.0.2.32/28 next-hop 192.0.2.9" in handle.running(host), host


def test_vyos_hostname(lab, playbook):
    handle = lab({"R1": "1.4"})
    inventory = handle.inventory()
    run = playbook(_play([
        {"name": "name", "vyos.vyos.vyos_hostname": {"config": {"hostname": "EDGE-1"}, "state": "merged"}},
        {"name": "show", "vyos.vyos.vyos_command": {"commands": ["show host name"]}},
    ]), inventory)
    assert run.rc == 0, run.stdout[-4000:]
    assert run.result("R1", "name")["changed"] is True
    assert run.result("R1", "show")["stdout"] == ["EDGE-1"]


def test_wrong_password_is_refused(lab, playbook):
    handle = lab({"R1": "1.4"})
    inventory = handle.inventory(group_vars={"ansible_password": "wrong"})
    run = playbook(_play([{"name": "v", "vyos.vyos.vyos_command": {"commands": ["show version"]}}]), inventory)
    assert run.rc != 0
    assert handle.counters("R1")["logins_refused"] >= 1
    assert handle.counters("R1")["logins"] == 0
