"""vyos.vyos's own modules, unchanged, against the emulated lab over network_cli."""

import glob

import pytest

pytestmark = pytest.mark.lab

SSH_TYPES = ["libssh", "paramiko"]


def _play(tasks, hosts="all"):
    return [{"name": "lab", "hosts": hosts, "gather_facts": False, "tasks": tasks}]


@pytest.mark.parametrize("ssh_type", SSH_TYPES)
def test_vyos_command_and_facts(lab, playbook, ssh_type):
    handle = lab({"R1": "1.4", "R2": "1.3"})
    inventory = handle.inventory(ssh_type=ssh_type)
    run = playbook(_play([
        {"name": "version", "vyos.vyos.vyos_command": {"commands": ["show version"]}},
        {"name": "commit", "vyos.vyos.vyos_config": {"lines": ["set system domain-name lab.example"],
                                                     "comment": "lab test"}},
        {"name": "facts", "vyos.vyos.vyos_facts": {"gather_subset": ["default", "config"],
                                                   "gather_network_resources": ["interfaces", "l3_interfaces",
                                                                                "static_routes"]}},
    ]), inventory)
    assert run.rc == 0, run.stdout[-4000:] + run.stderr[-2000:]
    r1 = run.result("R1", "version")
    assert "Version:          VyOS 1.4.0" in r1["stdout"][0]
    facts = run.result("R2", "facts")["ansible_facts"]
    assert facts["ansible_net_version"] == "VyOS 1.3.8"
    assert facts["ansible_net_hostname"] == "R2"
    assert facts["ansible_net_serialnum"] == "LAB-R2"
    assert "set system host-name 'R2'" in facts["ansible_net_config"][0]
    assert facts["ansible_net_commits"][0]["by"] == "vyos"
    assert facts["ansible_net_commits"][0]["comment"] == "lab test"
    names = [i["name"] for i in facts["ansible_network_resources"]["interfaces"]]
    assert "eth0" in names and "eth1" in names and "lo" in names


@pytest.mark.parametrize("ssh_type", SSH_TYPES)
def test_vyos_config_lines_match_and_backup(lab, playbook, tmp_path, ssh_type):
    handle = lab({"R1": "1.4"})
    inventory = handle.inventory(ssh_type=ssh_type)
    tasks = [
        {"name": "configure", "vyos.vyos.vyos_config": {
            "lines": ["set interfaces ethernet eth1 address '192.0.2.1/24'",
                      "set interfaces ethernet eth1 description 'LAN'"],
            "match": "line", "backup": True, "backup_options": {"dir_path": str(tmp_path / "backup")}}},
    ]
    first = playbook(_play(tasks), inventory)
    assert first.rc == 0, first.stdout[-4000:]
    result = first.result("R1", "configure")
    assert result["changed"] is True
    assert result["commands"] == ["set interfaces ethernet eth1 address '192.0.2.1/24'",
                                  "set interfaces ethernet eth1 description 'LAN'"]
    assert "set interfaces ethernet eth1 address '192.0.2.1/24'" in handle.running("R1")
    assert handle.counters("R1")["commits"] == 1
    backups = glob.glob(str(tmp_path / "backup" / "*"))
    assert backups and "set system host-name 'R1'" in open(backups[0]).read()
    # again, without a backup (a new backup file alone reports changed): nothing to do
    del tasks[0]["vyos.vyos.vyos_config"]["backup"]
    second = playbook(_play(tasks), inventory)
    assert second.result("R1", "configure")["changed"] is False
    assert handle.counters("R1")["commits"] == 1


def test_vyos_config_reports_router_errors(lab, playbook):
    handle = lab({"R1": "1.4"})
    inventory = handle.inventory()
    run = playbook(_play([{"name": "bad", "vyos.vyos.vyos_config": {
        "lines": ["set interfaces tunnel tun0 local-ip 192.0.2.1"]}}]), inventory)
    assert run.rc != 0
    msg = run.result("R1", "bad")["msg"]
    assert "is not valid" in msg
    assert handle.counters("R1")["commits"] == 0


@pytest.mark.parametrize("ssh_type", SSH_TYPES)
def test_vyos_static_routes_merged_then_gathered(lab, playbook, ssh_type):
    handle = lab({"R1": "1.4"})
    inventory = handle.inventory(ssh_type=ssh_type)
    config = [{"address_families": [{"afi": "ipv4", "routes": [
        {"dest": "192.0.2.32/28", "next_hops": [{"forward_router_address": "192.0.2.9"}]}]}]}]
    run = playbook(_play([
        {"name": "merge", "vyos.vyos.vyos_static_routes": {"config": config, "state": "merged"}},
        {"name": "again", "vyos.vyos.vyos_static_routes": {"config": config, "state": "merged"}},
        {"name": "gather", "vyos.vyos.vyos_static_routes": {"state": "gathered"}},
    ]), inventory)
    assert run.rc == 0, run.stdout[-4000:]
    assert run.result("R1", "merge")["changed"] is True
    assert run.result("R1", "again")["changed"] is False
    gathered = run.result("R1", "gather")["gathered"]
    routes = gathered[0]["address_families"][0]["routes"]
    assert routes[0]["dest"] == "192.0.2.32/28"
    assert routes[0]["next_hops"][0]["forward_router_address"] == "192.0.2.9"
    assert "set protocols static route 192.0.2.32/28 next-hop 192.0.2.9" in handle.running("R1")


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
