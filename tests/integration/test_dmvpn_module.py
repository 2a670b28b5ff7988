"""dmvpn.vyos.dmvpn against the emulated lab, per VyOS version: one read, one commit, only
the changes, ownership, delete+recreate, check mode, commit-confirm, faults, secrets."""

import copy
import os

import pytest
from seed_models import model

from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import configtree as ct

pytestmark = pytest.mark.lab

VERSIONS = ["1.2", "1.3", "1.4", "1.5"]
ROUTERS = {"HUB": "hub", "SPOKE1": "spoke1", "SPOKE2": "spoke2"}
FIXTURES = os.path.join(os.path.dirname(os.path.dirname(__file__)), "fixtures")
UNDERLAY = {
    "HUB": ["set interfaces ethernet eth0 address '198.51.100.41/30'",
            "set interfaces ethernet eth1 address '192.168.1.1/24'", "set system host-name 'HUB'"],
    "SPOKE1": ["set interfaces ethernet eth0 address 'dhcp'", "set interfaces ethernet eth1 address '192.168.2.1/24'",
               "set system host-name 'SPOKE1'"],
    "SPOKE2": ["set interfaces ethernet eth0 address 'dhcp'", "set interfaces ethernet eth1 address '192.168.3.1/24'",
               "set system host-name 'SPOKE2'"],
}


def seed_lines(version, name):
    folder = "seed" if version == "1.2" else os.path.join("versions", version)
    with open(os.path.join(FIXTURES, folder, name + ".set")) as handle:
        return handle.read().splitlines()


def task(config, name="dmvpn", **args):
    body = {"config": config, "state": args.pop("state", "overridden")}
    body.update(args)
    return {"name": name, "dmvpn.vyos.dmvpn": body}


def play(host_tasks, check=False):
    plays = []
    for host, tasks in host_tasks.items():
        plays.append({"hosts": host, "gather_facts": False, "check_mode": check, "tasks": tasks})
    return plays


def seed_lab(lab, version, names=("HUB", "SPOKE1", "SPOKE2"), **kwargs):
    handle = lab({name: version for name in names}, **kwargs)
    for name in names:
        handle.load(name, UNDERLAY[name])
    return handle


def commits(handle, name):
    return handle.counters(name)["commits"]


@pytest.mark.parametrize("version", VERSIONS)
def test_seed_topology_converges_in_one_commit_each_then_nothing(lab, playbook, version):
    handle = seed_lab(lab, version)
    inventory = handle.inventory()
    before = {name: commits(handle, name) for name in ROUTERS}
    plays = play({name: [task(model(key))] for name, key in ROUTERS.items()})
    first = playbook(plays, inventory)
    assert first.rc == 0, first.stdout[-3000:]
    for name, key in ROUTERS.items():
        assert first.result(name, "dmvpn")["changed"] is True
        assert commits(handle, name) == before[name] + 1, name
        # the router now holds exactly the guide's configuration, in this version's syntax
        assert ct.parse_show_commands("\n".join(handle.running(name))) == ct.parse_set_lines(seed_lines(version, key))
    # the DMVPN works: both spokes registered at the hub, IPsec up
    nhrp = handle.show("HUB", "show ip nhrp" if version == "1.5" else "show nhrp tunnel")
    assert "10.0.0.2" in nhrp and "10.0.0.3" in nhrp
    assert handle.show("HUB", "show vpn ipsec sa").count(" up ") == 2
    sessions = {name: handle.counters(name)["config_sessions"] for name in ROUTERS}
    second = playbook(plays, inventory)
    assert second.rc == 0
    for name in ROUTERS:
        result = second.result(name, "dmvpn")
        assert result["changed"] is False and result["commands"] == []
        assert commits(handle, name) == before[name] + 1
        # nothing was entered in configuration mode, no line sent
        assert handle.counters(name)["config_sessions"] == sessions[name] == 1
        assert handle.counters(name)["config_lines"] == len(first.result(name, "dmvpn")["commands"])


@pytest.mark.parametrize("version", VERSIONS)
def test_one_changed_attribute_is_one_commit_of_exactly_that_line(lab, playbook, version):
    handle = seed_lab(lab, version, names=("HUB",))
    inventory = handle.inventory()
    hub = model("hub")
    assert playbook(play({"HUB": [task(hub)]}), inventory).rc == 0
    start = commits(handle, "HUB")
    hub["nhrp"]["holding_time"] = 600
    run = playbook(play({"HUB": [task(hub)]}), inventory)
    leaf = "holdtime" if version == "1.5" else "holding-time"
    assert run.result("HUB", "dmvpn")["commands"] == ["set protocols nhrp tunnel tun0 %s '600'" % leaf]
    assert commits(handle, "HUB") == start + 1
    # the router's own view of that commit (compare commands): the old value went, the new came
    assert handle.counters("HUB")["last_commit_lines"] == [
        "delete protocols nhrp tunnel tun0 %s '300'" % leaf, "set protocols nhrp tunnel tun0 %s '600'" % leaf]


@pytest.mark.parametrize("version", VERSIONS)
def test_overridden_removes_stale_owned_config_and_leaves_foreign_config(lab, playbook, version):
    handle = seed_lab(lab, version, names=("SPOKE1",))
    inventory = handle.inventory()
    spoke = model("spoke1")
    spoke["nhrp"]["nhs"].append({"tunnel_ip": "10.0.0.254", "nbma": "203.0.113.254"})   # a second hub
    spoke["static_routes"].append({"prefix": "192.168.4.0/24", "next_hop": "10.0.0.4"})  # a third spoke
    assert playbook(play({"SPOKE1": [task(spoke, state="merged")]}), inventory).rc == 0
    foreign = ["set protocols static route 172.16.0.0/16 next-hop 192.0.2.1",
               "set interfaces tunnel tun1 address 172.31.0.1/30",
               "set interfaces tunnel tun1 encapsulation gre",
               "set interfaces tunnel tun1 remote 192.0.2.99" if version != "1.2" else
               "set interfaces tunnel tun1 remote-ip 192.0.2.99",
               "set interfaces tunnel tun1 " + ("local-ip" if version == "1.2" else "source-address") + " 192.0.2.2"]
    handle.load("SPOKE1", handle.running("SPOKE1") + foreign)
    start = commits(handle, "SPOKE1")
    run = playbook(play({"SPOKE1": [task(model("spoke1"))]}), inventory)
    assert run.rc == 0, run.stdout[-3000:]
    commands = run.result("SPOKE1", "dmvpn")["commands"]
    assert commits(handle, "SPOKE1") == start + 1
    assert all(line.startswith("delete ") for line in commands), commands
    assert "delete protocols static route 192.168.4.0/24" in commands
    assert any("10.0.0.254" in line for line in commands)
    running = "\n".join(handle.running("SPOKE1"))
    assert "10.0.0.254" not in running and "192.168.4.0/24" not in running
    assert "set protocols static route 172.16.0.0/16 next-hop 192.0.2.1" in running
    assert "set interfaces tunnel tun1 address '172.31.0.1/30'" in running


@pytest.mark.parametrize("version", ["1.2", "1.4"])
def test_tunnel_with_remote_becomes_multipoint_by_delete_and_recreate_in_one_commit(lab, playbook, version):
    handle = seed_lab(lab, version, names=("HUB",))
    remote = "remote-ip" if version == "1.2" else "remote"
    local = "local-ip" if version == "1.2" else "source-address"
    handle.load("HUB", handle.running("HUB") + [
        "set interfaces tunnel tun0 address 10.0.0.1/24", "set interfaces tunnel tun0 encapsulation gre",
        "set interfaces tunnel tun0 %s 198.51.100.41" % local, "set interfaces tunnel tun0 %s 192.0.2.50" % remote])
    start = commits(handle, "HUB")
    run = playbook(play({"HUB": [task(model("hub"))]}), handle.inventory())
    assert run.rc == 0, run.stdout[-3000:]
    commands = run.result("HUB", "dmvpn")["commands"]
    assert commands[0] == "delete interfaces tunnel tun0"
    assert "set interfaces tunnel tun0 address '10.0.0.1/24'" in commands
    assert commits(handle, "HUB") == start + 1
    assert remote not in "\n".join(handle.running("HUB"))


@pytest.mark.parametrize("version", ["1.3", "1.5"])
def test_check_mode_changes_nothing_but_reports_the_lines(lab, playbook, version):
    handle = seed_lab(lab, version, names=("HUB",))
    before = handle.running("HUB")
    start = commits(handle, "HUB")
    run = playbook(play({"HUB": [task(model("hub"))]}, check=True), handle.inventory(), "--diff")
    assert run.rc == 0, run.stdout[-3000:]
    result = run.result("HUB", "dmvpn")
    assert result["changed"] is True and len(result["commands"]) > 20
    assert handle.running("HUB") == before
    assert commits(handle, "HUB") == start
    assert "set interfaces tunnel tun0" in result["diff"]["after"]


def test_failed_commit_leaves_the_router_unchanged_and_names_the_reason(lab, playbook):
    handle = seed_lab(lab, "1.4", names=("HUB",))
    before = handle.running("HUB")
    handle.fault("HUB", fail_commits=1)
    run = playbook(play({"HUB": [task(model("hub"))]}), handle.inventory())
    assert run.rc != 0
    msg = run.result("HUB", "dmvpn")["msg"]
    assert "left as it was" in msg and "lab fault injection" in msg
    assert "SECRET" not in msg
    assert handle.running("HUB") == before
    assert handle.router("HUB").sessions == set() or all(s.config is None for s in handle.router("HUB").sessions)
    rerun = playbook(play({"HUB": [task(model("hub"))]}), handle.inventory())
    assert rerun.rc == 0 and rerun.result("HUB", "dmvpn")["changed"] is True


def test_commit_confirm_confirms_when_the_router_answers(lab, playbook):
    handle = seed_lab(lab, "1.4", names=("HUB",), minute_seconds=0.5)
    run = playbook(play({"HUB": [task(model("hub"), confirm=1, save=True)]}), handle.inventory())
    assert run.rc == 0, run.stdout[-3000:]
    assert handle.router("HUB").confirm_timer is None
    assert "set interfaces tunnel tun0 encapsulation 'gre'" in handle.running("HUB")
    assert handle.router("HUB").saved == handle.router("HUB").running


def test_commit_confirm_rolls_back_when_the_session_dies(lab, playbook):
    import time

    handle = seed_lab(lab, "1.4", names=("HUB",), minute_seconds=0.5)
    before = handle.running("HUB")
    # the commit-confirm goes through, then the session dies before the module can confirm
    handle.fault("HUB", drop_on_command="^run show host name")
    run = playbook(play({"HUB": [task(model("hub"), confirm=1, version="1.4")]}), handle.inventory())
    assert run.rc != 0
    deadline = time.time() + 10
    while time.time() < deadline and handle.router("HUB").confirm_timer is not None:
        time.sleep(0.1)
    assert handle.counters("HUB")["rollbacks"] == 1
    assert handle.running("HUB") == before


def test_secrets_never_appear_in_verbose_diff_output(lab, playbook):
    handle = seed_lab(lab, "1.4", names=("HUB",))
    hub = model("hub")
    hub["nhrp"]["authentication"] = "Nh8Sec!"
    hub["ipsec"]["profile"]["pre_shared_secret"] = "Psk-Very.Secret-42"
    plays = play({"HUB": [task(hub)]})
    run = playbook(plays, handle.inventory(), "-vvv", "--diff", json_output=False)
    assert run.rc == 0, run.stdout[-3000:]
    output = run.stdout + run.stderr
    assert "pre-shared-secret" in output  # the lines are shown...
    for secret in ("Nh8Sec!", "Psk-Very.Secret-42"):
        assert secret not in output      # ...never the values
    assert "Psk-Very.Secret-42" in "\n".join(handle.running("HUB"))
    # a failing run does not leak them either
    handle.fault("HUB", fail_commits=1)
    hub["ipsec"]["profile"]["pre_shared_secret"] = "Another-Psk-77"
    failed = playbook(play({"HUB": [task(hub)]}), handle.inventory(), "-vvv", "--diff", json_output=False)
    assert failed.rc != 0
    assert "Another-Psk-77" not in failed.stdout + failed.stderr


@pytest.mark.parametrize("field, value", [
    (("tunnel", "description"), "uplink\ndelete system host-name"),
    (("tunnel", "description"), "tab\there"),
    (("nhrp", "authentication"), "a\rb"),
])
def test_hostile_values_are_rejected_before_anything_is_sent(lab, playbook, field, value):
    handle = seed_lab(lab, "1.4", names=("HUB",))
    hub = model("hub")
    hub[field[0]][field[1]] = value
    run = playbook(play({"HUB": [task(hub)]}), handle.inventory())
    assert run.rc != 0
    msg = run.result("HUB", "dmvpn")["msg"]
    assert "config.%s.%s" % field in msg and "control character" in msg
    assert handle.counters("HUB")["logins"] == 0
    assert handle.counters("HUB")["config_lines"] == 0


def test_quotes_and_semicolons_are_stored_exactly(lab, playbook):
    handle = seed_lab(lab, "1.4", names=("HUB",))
    hub = model("hub")
    hub["tunnel"]["description"] = "it's the \"hub\"; delete system host-name && reboot $(x) `y`"
    run = playbook(play({"HUB": [task(hub)]}), handle.inventory())
    assert run.rc == 0, run.stdout[-3000:]
    conf = handle.router("HUB").running
    assert conf.get(["interfaces", "tunnel", "tun0", "description"]) == [hub["tunnel"]["description"]]
    assert conf.get(["system", "host-name"]) == ["HUB"]


def test_invalid_model_names_every_field_and_touches_nothing(lab, playbook):
    handle = seed_lab(lab, "1.4", names=("HUB",))
    hub = copy.deepcopy(model("hub"))
    hub["tunnel"]["address"] = "10.0.0.300/24"
    hub["tunnel"]["key"] = -1
    hub["ipsec"]["profile"]["pre_shared_secret"] = "has space"
    run = playbook(play({"HUB": [task(hub)]}), handle.inventory())
    assert run.rc != 0
    result = run.result("HUB", "dmvpn")
    fields = [p["field"] for p in result["problems"]]
    assert "tunnel.address" in fields and "tunnel.key" in fields and "ipsec.profile.pre_shared_secret" in fields
    assert "has space" not in result["msg"]
    assert handle.counters("HUB")["config_lines"] == 0
    assert handle.counters("HUB")["config_sessions"] == 0


def test_rendered_parsed_and_gathered(lab, playbook):
    handle = seed_lab(lab, "1.5", names=("HUB",))
    assert playbook(play({"HUB": [task(model("hub"))]}), handle.inventory()).rc == 0
    text = "\n".join(handle.running("HUB"))
    run = playbook(play({"HUB": [
        {"name": "rendered", "dmvpn.vyos.dmvpn": {"config": model("hub"), "state": "rendered", "version": "1.5"}},
        {"name": "parsed", "dmvpn.vyos.dmvpn": {"running_config": text, "state": "parsed", "version": "1.5"}},
        {"name": "gathered", "dmvpn.vyos.dmvpn": {"state": "gathered"}},
    ]}), handle.inventory())
    assert run.rc == 0, run.stdout[-3000:]
    rendered = run.result("HUB", "rendered")["rendered"]
    assert "set interfaces tunnel tun0 address '10.0.0.1/32'" in rendered
    assert "set protocols nhrp tunnel tun0 authentication '********'" in rendered
    parsed = run.result("HUB", "parsed")["parsed"]
    gathered = run.result("HUB", "gathered")["gathered"]
    assert parsed == gathered
    assert gathered[0]["nhrp"]["authentication"] == "********"
    assert gathered[0]["ipsec"]["profile"]["pre_shared_secret"] == "********"
    assert gathered[0]["tunnel"]["source_address"] == "198.51.100.41"


def test_deleted_removes_the_endpoint_and_keeps_the_rest(lab, playbook):
    handle = seed_lab(lab, "1.3", names=("HUB",))
    before = handle.running("HUB")
    assert playbook(play({"HUB": [task(model("hub"))]}), handle.inventory()).rc == 0
    run = playbook(play({"HUB": [task({"tunnel": {"name": "tun0"}}, state="deleted")]}), handle.inventory())
    assert run.rc == 0, run.stdout[-3000:]
    after = handle.running("HUB")
    # the hub's default route via the upstream gateway is not inside the tunnel subnet: kept
    assert [line for line in after if line not in before] == [
        "set protocols static route 0.0.0.0/0 next-hop 1.1.1.2"]
