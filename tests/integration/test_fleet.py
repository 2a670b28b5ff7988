"""The fleet engine (dmvpn_engine fleet, issue 23) against the network_cli engine on ~20 lab
routers: both engines leave byte-identical router configurations (converge, then a PSK
change), the fleet re-run changes nothing, check mode commits nothing, a router down or
refusing its commit fails only that router, and connection settings the engine cannot honour
stop the run before any router is touched.

The expectations are the modules' own (the fleet engine runs the same Runner); the lab's
answers follow VyOS where its docstrings say so. Each inventory comes from
benchmarks/topology.py (1 hub, N spokes, via_hub routing, VyOS 1.5).
"""

import os
import sys

import pytest
import yaml

from conftest import REPO, run_playbook
from labkit import NO_VERIFY

sys.path.insert(0, os.path.join(REPO, "benchmarks"))

import topology  # noqa: E402  benchmarks/topology.py

SPOKES = 19
VERSION = "1.5"
SITE = os.path.join(REPO, "playbooks", "site.yml")
NAMES = ["HUB"] + [topology.spoke_name(i) for i in range(SPOKES)]


def write_inventory(dest, handle, engine, extra=None):
    ports = {name: handle.port(name) for name in NAMES}
    topology.write(dest, SPOKES, VERSION, routing="via_hub", ports=ports)
    settings_path = os.path.join(dest, "group_vars", "dmvpn", "zz-benchmark.yml")
    with open(settings_path) as stream:
        settings = yaml.safe_load(stream)
    settings.update(dmvpn_engine=engine, **(extra or {}))
    with open(settings_path, "w") as out:
        yaml.safe_dump(settings, out)
    return dest


def set_vars(dest, **values):
    path = os.path.join(dest, "group_vars", "dmvpn", "zz-benchmark.yml")
    with open(path) as stream:
        settings = yaml.safe_load(stream)
    settings.update(values)
    with open(path, "w") as out:
        yaml.safe_dump(settings, out)


def configs(handle):
    return {name: handle.running(name) for name in NAMES}


def commits(handle):
    return {name: handle.counters(name)["commits"] for name in NAMES}


def configure_lines(handle, name):
    """The lines a router received in configuration mode, in order, less blank ones: the
    network_cli path sends a blank line to collect the answers a slow router still owes
    (runner.enter_lines), which a loaded machine makes happen at random and which changes
    nothing on the router; the fleet path reads every answer it waits for."""
    return [line for mode, line in handle.journal(name) if mode == "configure" and line.strip()]


def site(inventory, tmp_path, *extra):
    return run_playbook(SITE, inventory, str(tmp_path), NO_VERIFY + tuple(extra), json_output=False)


def reset(handle):
    handle.thread.control(op="reset_counters")


@pytest.mark.long
def test_fleet_and_network_cli_leave_identical_routers_and_fleet_is_idempotent(lab, tmp_path):
    reference = lab({name: VERSION for name in NAMES})
    fleet = lab({name: VERSION for name in NAMES})
    # (a comment that is not the default: the module arguments of both engines come from it)
    by_cli = write_inventory(str(tmp_path / "cli"), reference, "network_cli", {"dmvpn_commit_comment": "parity run"})
    by_fleet = write_inventory(str(tmp_path / "fleet"), fleet, "fleet", {"dmvpn_commit_comment": "parity run"})

    run = site(by_cli, tmp_path)
    assert run.rc == 0, run.stdout[-3000:]
    run = site(by_fleet, tmp_path)
    assert run.rc == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert "DMVPN fleet run: 20 routers" in run.stdout and "20 changed, 0 ok, 0 failed, 0 unreachable" in run.stdout
    assert configs(fleet) == configs(reference)
    assert set(commits(fleet).values()) == {1}
    # every line each router received in configuration mode, in order, is the same: the lines,
    # the commit with its comment, the in-session re-read, the save
    assert {name: configure_lines(fleet, name) for name in NAMES} == \
        {name: configure_lines(reference, name) for name in NAMES}
    assert "commit comment 'parity run'" in configure_lines(fleet, "HUB")
    assert topology.BENCHMARK_PSK not in run.stdout and topology.BENCHMARK_NHRP_SECRET not in run.stdout

    reset(fleet)
    run = site(by_fleet, tmp_path)
    assert run.rc == 0 and "0 changed, 20 ok" in run.stdout, run.stdout[-3000:]
    assert set(commits(fleet).values()) == {0}

    # check mode (with --diff): every router checks its lines, none commits, the diff is masked
    for dest in (by_cli, by_fleet):
        set_vars(dest, dmvpn_ipsec_psk="Canary-fleet-2")
    reset(fleet)
    before = configs(fleet)
    run = site(by_fleet, tmp_path, "--check", "--diff")
    assert run.rc == 0 and "(check mode): 20 routers" in run.stdout and "20 changed" in run.stdout, run.stdout[-3000:]
    assert configs(fleet) == before and set(commits(fleet).values()) == {0}
    assert all(fleet.counters(name)["config_sessions"] == 1 for name in NAMES)
    assert "Canary-fleet-2" not in run.stdout and topology.BENCHMARK_PSK not in run.stdout
    assert "HUB (dmvpn)" in run.stdout  # the diff's header names the router

    # the PSK change itself, by both engines
    assert site(by_cli, tmp_path).rc == 0
    run = site(by_fleet, tmp_path)
    assert run.rc == 0, run.stdout[-3000:]
    assert configs(fleet) == configs(reference)
    assert "Canary-fleet-2" not in run.stdout


@pytest.mark.long
def test_a_router_down_or_refusing_its_commit_fails_alone(lab, tmp_path):
    handle = lab({name: VERSION for name in NAMES})
    inventory = write_inventory(str(tmp_path / "fleet"), handle, "fleet")
    assert site(inventory, tmp_path).rc == 0
    set_vars(inventory, dmvpn_ipsec_psk="Canary-fleet-3")
    down, refusing = "S0003", "S0007"
    handle.fault(down, down=True)
    handle.fault(refusing, fail_commits=1)
    kept = {name: handle.running(name) for name in (down, refusing)}
    reset(handle)

    run = site(inventory, tmp_path)
    assert run.rc != 0
    out = run.stdout
    assert "18 changed, 0 ok, 1 failed, 1 unreachable" in out, out[-3000:]
    assert "UNREACHABLE  %s" % down in out and "FAILED       %s" % refusing in out
    # (runner.send: after a commit the router refused it reads the router again in the same
    # session and says what it holds: here the old configuration)
    assert "%s: dmvpn: emulated commit failure" % refusing in out
    assert "during commit; the router is left as it was; re-run to converge" in out, out[-3000:]
    assert "%s: dmvpn: could not read the configuration: could not log in to vyos@127.0.0.1" % down in out
    assert {name: handle.running(name) for name in (down, refusing)} == kept
    others = [name for name in NAMES if name not in (down, refusing)]
    assert all(handle.counters(name)["commits"] == 1 for name in others)
    assert "Canary-fleet-3" not in out


def test_settings_the_fleet_engine_cannot_honour_stop_the_run_before_any_login(lab, tmp_path):
    handle = lab({name: VERSION for name in NAMES})
    inventory = write_inventory(str(tmp_path / "fleet"), handle, "fleet")
    with open(os.path.join(inventory, "host_vars", "S0001.yml"), "a") as out:
        yaml.safe_dump({"ansible_ssh_common_args": "-o ProxyCommand='nc jump 22'"}, out)
    with open(os.path.join(inventory, "host_vars", "S0002.yml"), "a") as out:
        yaml.safe_dump({"ansible_become": True}, out)
    reset(handle)
    run = site(inventory, tmp_path)
    assert run.rc != 0
    assert "problems (no router was touched)" in run.stdout, run.stdout[-3000:]
    assert "S0001: ansible_ssh_common_args: the fleet engine does not honour the ssh option 'ProxyCommand'" in run.stdout
    assert "S0002: ansible_become: the fleet engine does not honour this connection variable" in run.stdout
    assert [name for name in NAMES if handle.counters(name)["logins"]] == []


class JumpHost:
    """An SSH jump host on 127.0.0.1 (asyncssh, in a thread of its own): one login (user
    jumper, password vyos, as the routers'), then the direct-tcpip channels it is asked for
    (what OpenSSH's ProxyJump asks a jump host for), each recorded."""

    def __init__(self):
        import asyncio
        import threading

        import asyncssh

        self.forwarded, self.logins = [], []
        outer = self

        class Server(asyncssh.SSHServer):
            def begin_auth(self, username):
                return True

            def password_auth_supported(self):
                return True

            def validate_password(self, username, password):
                outer.logins.append(username)
                return username == "jumper" and password == "vyos"

            def connection_requested(self, dest_host, dest_port, orig_host, orig_port):
                outer.forwarded.append((dest_host, dest_port))
                return dest_host == "127.0.0.1"  # (a jump host forwards to the routers only)

        self.loop = asyncio.new_event_loop()
        started = threading.Event()

        async def start():
            key = asyncssh.generate_private_key("ssh-ed25519")
            self.server = await asyncssh.create_server(Server, "127.0.0.1", 0, server_host_keys=[key])
            self.port = self.server.sockets[0].getsockname()[1]
            started.set()

        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        asyncio.run_coroutine_threadsafe(start(), self.loop)
        started.wait(10)

    def stop(self):
        self.loop.call_soon_threadsafe(self.server.close)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)


def test_a_jump_host_in_ansible_ssh_common_args_is_honoured(lab, tmp_path):
    """ProxyJump (one hop, the form docs/fleet.md names): the fleet engine logs in to the jump
    host and reaches the router through a direct-tcpip channel of it, as OpenSSH's -J does."""
    handle = lab({name: VERSION for name in NAMES})
    jump = JumpHost()
    try:
        inventory = write_inventory(str(tmp_path / "fleet"), handle, "fleet")
        with open(os.path.join(inventory, "host_vars", "S0004.yml"), "a") as out:
            yaml.safe_dump({"ansible_ssh_common_args": "-o ProxyJump=jumper@127.0.0.1:%d" % jump.port}, out)
        run = site(inventory, tmp_path)
        assert run.rc == 0, run.stdout[-3000:]
        assert jump.forwarded == [("127.0.0.1", handle.port("S0004"))]
        assert jump.logins[-1:] == ["jumper"]
        assert handle.counters("S0004")["commits"] == 1
    finally:
        jump.stop()


def test_host_keys_are_checked_against_known_hosts(lab, tmp_path):
    """ansible_host_key_checking true (Ansible's default): a router whose key is not in
    ~/.ssh/known_hosts is not logged into and is named unreachable; the others, listed, converge."""
    handle = lab({name: VERSION for name in NAMES})
    inventory = write_inventory(str(tmp_path / "fleet"), handle, "fleet", {"ansible_host_key_checking": True})
    home = tmp_path / "home"
    (home / ".ssh").mkdir(parents=True)
    key = handle.lab.host_key.export_public_key("openssh").decode().split()[:2]
    unknown = "S0005"
    (home / ".ssh" / "known_hosts").write_text("".join(
        "[127.0.0.1]:%d %s %s\n" % (handle.port(name), key[0], key[1]) for name in NAMES if name != unknown))
    run = run_playbook(SITE, inventory, str(tmp_path), NO_VERIFY, json_output=False, env={"HOME": str(home)})
    assert run.rc != 0
    assert "19 changed, 0 ok, 0 failed, 1 unreachable" in run.stdout, run.stdout[-3000:]
    assert "the router's host key is not in known_hosts" in run.stdout
    assert handle.counters(unknown)["logins"] == 0
    assert all(handle.counters(name)["commits"] == 1 for name in NAMES if name != unknown)


@pytest.mark.long
def test_commit_confirm_a_session_lost_after_the_commit_and_limit(lab, tmp_path):
    """The modules' day-2 rules through the fleet engine: commit-confirm (the router's
    question answered, then confirm), a session lost right after the commit (the router read
    again over a new login says it holds the new configuration, not saved; the next run saves
    it), and --limit that would leave routers behind (refused before any login, naming
    dmvpn_allow_partial: limits.partial_run_problems)."""
    handle = lab({name: VERSION for name in NAMES})
    inventory = write_inventory(str(tmp_path / "fleet"), handle, "fleet", {"dmvpn_commit_confirm": 2})
    run = site(inventory, tmp_path)
    assert run.rc == 0, run.stdout[-3000:]
    journal = [line for mode, line in handle.journal("S0001")]
    assert any(line.startswith("commit-confirm 2 comment 'dmvpn.vyos spoke'") for line in journal), journal
    assert "confirm" in journal and "save" in journal

    set_vars(inventory, dmvpn_commit_confirm=0, dmvpn_ipsec_psk="Canary-fleet-4")
    lost = "S0002"
    handle.fault(lost, drop_during_commit="after")
    run = site(inventory, tmp_path)
    assert run.rc != 0
    # (the lab drops the connection right after applying the commit: asyncssh's "Connection lost";
    # the state comes from the read over a new login, network/fresh_read.py)
    assert ("%s: dmvpn: the session was lost: Connection lost during commit; the router now holds the new "
            "configuration in full (NOT saved); re-run to confirm" % lost) in run.stdout, run.stdout[-3000:]
    assert "19 changed, 0 ok, 1 failed, 0 unreachable" in run.stdout
    assert "Canary-fleet-4" not in run.stdout
    reset(handle)
    run = site(inventory, tmp_path)
    assert run.rc == 0 and "0 changed, 20 ok" in run.stdout, run.stdout[-3000:]

    reset(handle)
    run = site(inventory, tmp_path, "--limit", "S0001")
    assert run.rc != 0 and "dmvpn_allow_partial" in run.stdout, run.stdout[-3000:]
    assert [name for name in NAMES if handle.counters(name)["logins"]] == []
