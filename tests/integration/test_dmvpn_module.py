"""dmvpn.vyos.dmvpn against the emulated lab, per VyOS version: one read, one commit, only
the changes, ownership, delete+recreate, check mode, commit-confirm, faults, refused values.
(Secrets at -vvv --diff, also on a failing commit: tests/hardening/test_secrets.py.)

Tests that cover several versions (or cases) start one router per version (case) in one lab
and run one play over all of them: every router gets its own task input from its host
variables (``dmvpn_model``), so one ansible-playbook run checks every version."""

import json
import os

import pytest
from seed_models import model

from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import configtree as ct

pytestmark = pytest.mark.lab

VERSIONS = ["1.2", "1.3", "1.4", "1.5"]
ROUTERS = {"HUB": "hub", "SPOKE1": "spoke1", "SPOKE2": "spoke2"}
FIXTURES = os.path.join(os.path.dirname(os.path.dirname(__file__)), "fixtures")
GUIDE_HUB_ADDRESS = "198.51.100.41"  # the hub's public address in the guide (seed models and fixtures)
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


def each(tasks, hosts="all", check=False):
    """One play of ``tasks`` over ``hosts``; ``{{ dmvpn_model }}`` is each router's own model."""
    return [{"hosts": hosts, "gather_facts": False, "check_mode": check, "tasks": tasks}]


def seed_lab(lab, version, names=("HUB", "SPOKE1", "SPOKE2"), **kwargs):
    handle = lab({name: version for name in names}, **kwargs)
    for name in names:
        handle.load(name, UNDERLAY[name])
    return handle


def tag(version):
    return version.replace(".", "")


def readdress(lines_or_model, address):
    """The guide's lines (or endpoint model) with the hub on ``address`` instead of 198.51.100.41."""
    if isinstance(lines_or_model, list):
        return [line.replace(GUIDE_HUB_ADDRESS, address) for line in lines_or_model]
    return json.loads(json.dumps(lines_or_model).replace(GUIDE_HUB_ADDRESS, address))


def commits(handle, name):
    return handle.counters(name)["commits"]


def test_seed_topology_on_every_version_in_one_commit_each_then_one_changed_line(lab, playbook):
    """The guide's three routers once per version (one DMVPN per version, each hub on its own
    public address): one commit each of exactly the guide's configuration in the version's
    syntax, the DMVPN up; then one changed attribute is one commit of exactly that line."""
    routers = {}  # host -> (router of the guide, model key, version, the hub's public address)
    for index, version in enumerate(VERSIONS):
        address = "198.51.100.%d" % (41 + 4 * index)
        for name, key in ROUTERS.items():
            routers["%s_%s" % (name, tag(version))] = (name, key, version, address)
    handle = lab({host: version for host, (name, key, version, address) in routers.items()})
    host_vars = {}
    for host, (name, key, version, address) in routers.items():
        handle.load(host, readdress(UNDERLAY[name], address))
        host_vars[host] = {"dmvpn_model": readdress(model(key), address)}
    inventory = handle.inventory(host_vars=host_vars)
    before = {host: commits(handle, host) for host in routers}
    first = playbook(each([task("{{ dmvpn_model }}")]), inventory)
    assert first.rc == 0, first.stdout[-3000:]
    for host, (name, key, version, address) in routers.items():
        assert first.result(host, "dmvpn")["changed"] is True, host
        assert commits(handle, host) == before[host] + 1, host
        # in one configuration session, exactly the lines the module reports
        assert handle.counters(host)["config_sessions"] == 1, host
        assert handle.counters(host)["config_lines"] == len(first.result(host, "dmvpn")["commands"]), host
        # the router now holds exactly the guide's configuration, in this version's syntax
        assert ct.parse_show_commands("\n".join(handle.running(host))) == \
            ct.parse_set_lines(readdress(seed_lines(version, key), address)), host
    for version in VERSIONS:
        # the DMVPN works: both spokes registered at their hub, IPsec up
        hub = "HUB_" + tag(version)
        nhrp = handle.show(hub, "show ip nhrp cache" if version == "1.5" else "show nhrp tunnel")
        assert "10.0.0.2" in nhrp and "10.0.0.3" in nhrp, hub
        # (1.2/1.3's op mode lists one row per connection, 1.4/1.5 one per child SA:
        # vyos_lab/opmode_show.py names the scripts)
        assert handle.show(hub, "show vpn ipsec sa").count(" up ") == (1 if version in ("1.2", "1.3") else 2), hub
    # (the same again commits nothing and enters no configuration session: 1.2, 1.3 and 1.5 in
    # test_site.py's every-version run, 1.4 in test_converge_cost.py's no-op phase)

    # one changed attribute on every hub: one commit of exactly that line
    for host, (name, key, version, address) in routers.items():
        if name == "HUB":
            host_vars[host]["dmvpn_model"]["nhrp"]["holding_time"] = 600
    inventory = handle.inventory(host_vars=host_vars)
    start = {host: commits(handle, host) for host in routers}
    changed = playbook(each([task("{{ dmvpn_model }}")], hosts="HUB_*"), inventory)
    assert changed.rc == 0, changed.stdout[-3000:]
    for version in VERSIONS:
        hub = "HUB_" + tag(version)
        leaf = "holdtime" if version == "1.5" else "holding-time"
        assert changed.result(hub, "dmvpn")["commands"] == ["set protocols nhrp tunnel tun0 %s '600'" % leaf], hub
        assert commits(handle, hub) == start[hub] + 1, hub
        # the router's own view of that commit (compare commands): the old value went, the new came
        assert handle.counters(hub)["last_commit_lines"] == [
            "delete protocols nhrp tunnel tun0 %s '300'" % leaf, "set protocols nhrp tunnel tun0 %s '600'" % leaf], hub


def test_overridden_removes_stale_owned_config_and_leaves_foreign_config(lab, playbook):
    hosts = {"SPOKE1_" + tag(version): version for version in VERSIONS}
    handle = lab(hosts)
    stale = model("spoke1")
    stale["nhrp"]["nhs"].append({"tunnel_ip": "10.0.0.254", "nbma": "203.0.113.254"})   # a second hub
    stale["static_routes"].append({"prefix": "192.168.4.0/24", "next_hop": "10.0.0.4"})  # a third spoke
    host_vars = {host: {"dmvpn_model": model("spoke1"), "stale_model": stale} for host in hosts}
    inventory = handle.inventory(host_vars=host_vars)
    for host in hosts:
        handle.load(host, UNDERLAY["SPOKE1"])
    merged = playbook(each([task("{{ stale_model }}", state="merged")]), inventory)
    assert merged.rc == 0, merged.stdout[-3000:]
    start = {}
    # 1.5 refuses a non-/32 address on any tunnel once NHRP is configured (interfaces_tunnel.py
    # verify(), dozenos/dozenos-1x 020ab1d: get_config() lists every NHRP tunnel)
    foreign_address = {version: "172.31.0.1/32" if version == "1.5" else "172.31.0.1/30" for version in VERSIONS}
    for host, version in hosts.items():
        foreign = ["set protocols static route 172.16.0.0/16 next-hop 192.0.2.1",
                   "set interfaces tunnel tun1 address %s" % foreign_address[version],
                   "set interfaces tunnel tun1 encapsulation gre",
                   "set interfaces tunnel tun1 remote 192.0.2.99" if version != "1.2" else
                   "set interfaces tunnel tun1 remote-ip 192.0.2.99",
                   "set interfaces tunnel tun1 " + ("local-ip" if version == "1.2" else "source-address") + " 192.0.2.2"]
        handle.load(host, handle.running(host) + foreign)
        start[host] = commits(handle, host)
    # (the second hub's NHS is 1 of the spoke's 2 NHRP entries: the blast-radius guard asks for
    # the flag, dmvpn_core/mass_delete.py, tests/unit/dmvpn_core/test_mass_delete.py)
    run = playbook(each([task("{{ dmvpn_model }}", allow_mass_delete=True)]), inventory)
    assert run.rc == 0, run.stdout[-3000:]
    for host in hosts:
        commands = run.result(host, "dmvpn")["commands"]
        assert commits(handle, host) == start[host] + 1, host
        assert all(line.startswith("delete ") for line in commands), (host, commands)
        assert "delete protocols static route 192.168.4.0/24" in commands, host
        assert any("10.0.0.254" in line for line in commands), host
        running = "\n".join(handle.running(host))
        assert "10.0.0.254" not in running and "192.168.4.0/24" not in running, host
        assert "set protocols static route 172.16.0.0/16 next-hop 192.0.2.1" in running, host
        assert "set interfaces tunnel tun1 address '%s'" % foreign_address[hosts[host]] in running, host


def test_tunnel_with_remote_becomes_multipoint_by_delete_and_recreate_in_one_commit(lab, playbook):
    hosts = {"HUB_12": "1.2", "HUB_14": "1.4"}
    handle = lab(hosts)
    start = {}
    for host, version in hosts.items():
        remote = "remote-ip" if version == "1.2" else "remote"
        local = "local-ip" if version == "1.2" else "source-address"
        handle.load(host, UNDERLAY["HUB"] + [
            "set interfaces tunnel tun0 address 10.0.0.1/24", "set interfaces tunnel tun0 encapsulation gre",
            "set interfaces tunnel tun0 %s 198.51.100.41" % local, "set interfaces tunnel tun0 %s 192.0.2.50" % remote])
        start[host] = commits(handle, host)
    run = playbook(each([task(model("hub"))]), handle.inventory())
    assert run.rc == 0, run.stdout[-3000:]
    for host, version in hosts.items():
        commands = run.result(host, "dmvpn")["commands"]
        assert commands[0] == "delete interfaces tunnel tun0", host
        assert "set interfaces tunnel tun0 address '10.0.0.1/24'" in commands, host
        assert commits(handle, host) == start[host] + 1, host
        assert ("remote-ip" if version == "1.2" else "remote") not in "\n".join(handle.running(host)), host


def test_check_mode_changes_nothing_but_reports_the_lines(lab, playbook):
    hosts = {"HUB_13": "1.3", "HUB_15": "1.5"}
    handle = lab(hosts)
    before, start = {}, {}
    for host in hosts:
        handle.load(host, UNDERLAY["HUB"])
        before[host], start[host] = handle.running(host), commits(handle, host)
    run = playbook(each([task(model("hub"))], check=True), handle.inventory(), "--diff")
    assert run.rc == 0, run.stdout[-3000:]
    for host in hosts:
        result = run.result(host, "dmvpn")
        assert result["changed"] is True and len(result["commands"]) > 20, host
        assert handle.running(host) == before[host], host
        assert commits(handle, host) == start[host], host
        assert "set interfaces tunnel tun0" in result["diff"]["after"], host


def test_a_failed_commit_or_a_session_lost_mid_change_leaves_the_router_unchanged(lab, playbook):
    """HUB's commit is refused; DROPPED's session dies while the lines are typed (before the
    commit): both routers are left as they were, and a re-run converges them."""
    hosts = ("HUB", "DROPPED")
    handle = lab({name: "1.4" for name in hosts})
    for name in hosts:
        handle.load(name, UNDERLAY["HUB"])
    before = {name: handle.running(name) for name in hosts}
    start = {name: commits(handle, name) for name in hosts}
    handle.fault("HUB", fail_commits=1)
    handle.fault("DROPPED", drop_on_command="^set vpn ipsec")
    inventory = handle.inventory()
    run = playbook(each([task(model("hub"))]), inventory)
    assert run.rc != 0
    msg = run.result("HUB", "dmvpn")["msg"]
    assert "left as it was" in msg and "lab fault injection" in msg
    assert "SECRET" not in msg
    dropped = run.result("DROPPED", "dmvpn")
    assert dropped["failed"] is True and "nothing was committed" in dropped["msg"], dropped
    for name in hosts:
        assert handle.running(name) == before[name], name
        assert commits(handle, name) == start[name], name
        assert handle.router(name).sessions == set() or all(s.config is None for s in handle.router(name).sessions), name
    assert handle.counters("HUB")["failed_commits"] == 1
    lines_before_the_drop = handle.counters("DROPPED")["config_lines"]
    handle.thread.control(op="clear_faults", router="DROPPED")
    rerun = playbook(each([task(model("hub"))]), inventory)
    assert rerun.rc == 0, rerun.stdout[-3000:]
    for name in hosts:
        assert rerun.result(name, "dmvpn")["changed"] is True, name
        assert commits(handle, name) == start[name] + 1, name
    # the session had died in the middle of the lines
    assert 0 < lines_before_the_drop < len(rerun.result("DROPPED", "dmvpn")["commands"])


def test_commit_confirm_confirms_when_the_router_answers(lab, playbook):
    # (the session dying after commit-confirm, the router rolling back by itself: test_site.py's
    # every-version run, through the roles' dmvpn_commit_confirm)
    handle = seed_lab(lab, "1.4", names=("HUB",), minute_seconds=0.5)
    run = playbook(play({"HUB": [task(model("hub"), confirm=1, save=True)]}), handle.inventory())
    assert run.rc == 0, run.stdout[-3000:]
    assert handle.router("HUB").confirm_timer is None
    assert "set interfaces tunnel tun0 encapsulation 'gre'" in handle.running("HUB")
    assert handle.router("HUB").saved == handle.router("HUB").running
    assert handle.counters("HUB")["rollbacks"] == 0


HOSTILE = {  # router: (field, value)
    "CTRL_NEWLINE": (("tunnel", "description"), "uplink\ndelete system host-name"),
    "CTRL_TAB": (("tunnel", "description"), "tab\there"),
    "CTRL_CR": (("nhrp", "authentication"), "a\rb"),
}


def test_control_characters_are_refused_before_any_login_even_with_version_auto(lab, playbook):
    """A control character in a value is refused before the module logs in, also when it would
    log in to read the router's version (version auto, the default). (Explicit version, the
    model's other refusals, nothing sent: tests/hardening/test_hostile_values.py; a bad value
    with version auto is refused right after show version: test_module_input_checks.py.)"""
    handle = lab({name: "1.4" for name in HOSTILE})
    host_vars = {}
    for name, (field, value) in HOSTILE.items():
        hub = model("hub")
        hub[field[0]][field[1]] = value
        host_vars[name] = {"dmvpn_model": hub}
    run = playbook(each([task("{{ dmvpn_model }}")]), handle.inventory(host_vars=host_vars))
    assert run.rc != 0
    for name, (field, dummy) in HOSTILE.items():
        msg = run.result(name, "dmvpn")["msg"]
        assert "config." + ".".join(field) in msg and "control character" in msg, (name, msg)
        assert handle.counters(name)["logins"] == 0, name
        assert handle.counters(name)["config_lines"] == 0, name


def test_rendered_parsed_and_gathered(lab, playbook):
    handle = seed_lab(lab, "1.5", names=("HUB",))
    run = playbook(play({"HUB": [
        task(model("hub"), name="converge"),
        {"name": "read", "vyos.vyos.vyos_command": {"commands": ["show configuration commands"]}, "register": "shown"},
        {"name": "rendered", "dmvpn.vyos.dmvpn": {"config": model("hub"), "state": "rendered", "version": "1.5"}},
        {"name": "parsed", "dmvpn.vyos.dmvpn": {"running_config": "{{ shown.stdout[0] }}", "state": "parsed",
                                                "version": "1.5"}},
        {"name": "gathered", "dmvpn.vyos.dmvpn": {"state": "gathered"}},
    ]}), handle.inventory())
    assert run.rc == 0, run.stdout[-3000:]
    assert run.result("HUB", "converge")["changed"] is True
    assert run.result("HUB", "read")["stdout"][0].splitlines() == handle.running("HUB")
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
    run = playbook(play({"HUB": [
        task(model("hub"), name="converge"),
        task({"tunnel": {"name": "tun0"}}, name="delete", state="deleted"),
    ]}), handle.inventory())
    assert run.rc == 0, run.stdout[-3000:]
    assert run.result("HUB", "converge")["changed"] is True and run.result("HUB", "delete")["changed"] is True
    after = handle.running("HUB")
    # the hub's default route via the upstream gateway is not inside the tunnel subnet: kept
    assert [line for line in after if line not in before] == [
        "set protocols static route 0.0.0.0/0 next-hop 1.1.1.2"]


def test_15_dhcp_spoke_on_pppoe_runs_from_0000_and_the_second_converge_changes_nothing(lab, playbook):
    """VyOS 1.5 refuses a tunnel's source-interface on a dynamic interface such as pppoe0
    (vyos/vyos-1x python/vyos/configverify.py verify_source_interface): the spoke keeps
    source-address 0.0.0.0; every NHRP tunnel has registration-no-unique, as VyOS's 1.4 -> 1.5
    migration sets it; and converging again commits nothing (issue 20)."""
    handle = seed_lab(lab, "1.5", names=("HUB", "SPOKE1"))
    spoke = model("spoke1")
    spoke["ipsec"]["interface"] = "pppoe0"
    tasks = {"HUB": [task(model("hub"), name="first"), task(model("hub"), name="second")],
             "SPOKE1": [task(spoke, name="first"), task(spoke, name="second")]}
    before = {name: commits(handle, name) for name in tasks}
    run = playbook(play(tasks), handle.inventory())
    assert run.rc == 0, run.stdout[-3000:]
    for name in ("HUB", "SPOKE1"):
        assert run.result(name, "first")["changed"] is True, name
        assert run.result(name, "second")["changed"] is False, name
        assert run.result(name, "second")["commands"] == [], name
        assert commits(handle, name) == before[name] + 1, name
        assert "set protocols nhrp tunnel tun0 registration-no-unique" in handle.running(name), name
    running = handle.running("SPOKE1")
    assert "set interfaces tunnel tun0 source-address '0.0.0.0'" in running
    assert [line for line in running if "source-interface" in line] == []
    assert "set vpn ipsec interface 'pppoe0'" in running
