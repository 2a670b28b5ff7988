"""The lab over real SSH: logins, prompts, fault injection, commit-confirm, persistence, CLI."""

import json
import os
import re
import subprocess
import sys
import time

import asyncssh
import paramiko
import pytest

from conftest import REPO

pytestmark = pytest.mark.lab

PROMPT = re.compile(r"(vyos@[\w.-]+(:~\$|#) )$")


class Shell:
    def __init__(self, port, password="vyos", key=None):
        self.client = paramiko.SSHClient()
        self.client.set_missing_host_key_policy(paramiko.AutoAddPolicy())
        self.client.connect("127.0.0.1", port=port, username="vyos", password=password, pkey=key,
                            look_for_keys=False, allow_agent=False, timeout=10)
        self.channel = self.client.invoke_shell(width=512)
        self.channel.settimeout(10)
        self.banner = self._until_prompt()

    def _until_prompt(self, pattern=PROMPT):
        data = ""
        while not pattern.search(data):
            chunk = self.channel.recv(65536)
            if not chunk:
                raise EOFError(data)
            data += chunk.decode()
        return data

    def run(self, command, pattern=PROMPT):
        self.channel.send(command + "\r")
        out = self._until_prompt(pattern)
        lines = out.replace("\r\n", "\n").split("\n")
        return "\n".join(lines[1:-1])  # drop the echo and the prompt line

    def close(self):
        self.client.close()


def test_prompts_are_the_last_bytes_and_modes_switch(lab):
    handle = lab({"HUB": "1.4"})
    shell = Shell(handle.port("HUB"))
    assert shell.banner.endswith("vyos@HUB:~$ ")
    shell.channel.send("configure\r")
    assert shell._until_prompt().endswith("[edit]\r\nvyos@HUB# ")
    assert shell.run("set system domain-name lab.example") == "[edit]"
    assert "Cannot exit" in shell.run("exit")
    assert shell.run("commit") == "[edit]"
    shell.channel.send("exit\r")
    assert shell._until_prompt().endswith("vyos@HUB:~$ ")
    shell.close()


def test_public_key_login(tmp_path):
    from vyos_lab.lab import LabThread, RouterSpec

    key = asyncssh.generate_private_key("ssh-ed25519")
    thread = LabThread([RouterSpec("R1", "1.4")], authorized_keys=[key.export_public_key().decode()])
    with thread as the_lab:
        port = the_lab.specs["R1"].port
        path = tmp_path / "id"
        key.write_private_key(str(path))
        pkey = paramiko.Ed25519Key.from_private_key_file(str(path))
        shell = Shell(port, password=None, key=pkey)
        assert shell.run("show host name") == "R1"
        shell.close()
        other = paramiko.Ed25519Key.from_private_key_file(str(path))  # same key: fine; now a wrong one
        wrong = asyncssh.generate_private_key("ssh-ed25519")
        wrong.write_private_key(str(tmp_path / "wrong"))
        with pytest.raises(paramiko.AuthenticationException):
            Shell(port, password=None, key=paramiko.Ed25519Key.from_private_key_file(str(tmp_path / "wrong")))
        del other


def test_fail_next_commit_leaves_running_unchanged(lab):
    handle = lab({"R1": "1.4"})
    before = handle.running("R1")
    handle.fault("R1", fail_commits=1)
    shell = Shell(handle.port("R1"))
    shell.run("configure")
    shell.run("set system domain-name lab.example")
    out = shell.run("commit")
    assert "\nCommit failed" in "\n" + out and "lab fault injection" in out
    assert handle.running("R1") == before
    assert shell.run("commit") == "[edit]"  # the fault was for one commit only
    assert "set system domain-name 'lab.example'" in handle.running("R1")


def test_refused_login_and_drop_after_commands(lab):
    handle = lab({"R1": "1.4"})
    handle.fault("R1", refuse_login=True)
    with pytest.raises(paramiko.AuthenticationException):
        Shell(handle.port("R1"))
    handle.fault("R1", refuse_login=False, drop_after_commands=2)
    shell = Shell(handle.port("R1"))
    shell.run("show host name")
    shell.run("show host name")
    with pytest.raises((EOFError, OSError)):
        shell.run("show host name")


@pytest.mark.parametrize("when, applied", [("before", False), ("after", True)])
def test_drop_during_commit(lab, when, applied):
    handle = lab({"R1": "1.4"})
    handle.fault("R1", drop_during_commit=when)
    shell = Shell(handle.port("R1"))
    shell.run("configure")
    shell.run("set system domain-name lab.example")
    with pytest.raises((EOFError, OSError)):
        shell.run("commit")
    assert ("set system domain-name 'lab.example'" in handle.running("R1")) is applied


def test_slow_commit(lab):
    handle = lab({"R1": "1.4"})
    handle.fault("R1", commit_delay_ms=700)
    shell = Shell(handle.port("R1"))
    shell.run("configure")
    shell.run("set system domain-name lab.example")
    start = time.monotonic()
    shell.run("commit")
    assert time.monotonic() - start >= 0.7


@pytest.mark.parametrize("version, action, survives_unsaved", [
    ("1.3", None, False),        # older VyOS reboots into the saved config
    ("1.5", "reload", True),     # 1.5 can reload the previous config instead (vyos-1x current T5976; not in sagitta)
])
def test_commit_confirm_rolls_back_unless_confirmed(lab, version, action, survives_unsaved):
    handle = lab({"R1": version}, minute_seconds=0.5)
    shell = Shell(handle.port("R1"))
    shell.run("configure")
    shell.run("set system domain-name before.example")
    if action:
        shell.run("set system config-management commit-confirm action %s" % action)
    shell.run("commit")  # committed but not saved
    shell.run("set system domain-name after.example")
    out = shell.run("commit-confirm 1", pattern=re.compile(r"Proceed\? \[confirm\]\[y\] $"))
    assert "automatically" in out
    shell.run("")  # answer the question
    assert "set system domain-name 'after.example'" in handle.running("R1")
    deadline = time.time() + 10
    while time.time() < deadline and "set system domain-name 'after.example'" in handle.running("R1"):
        time.sleep(0.1)
    running = handle.running("R1")
    assert "set system domain-name 'after.example'" not in running
    assert ("set system domain-name 'before.example'" in running) is survives_unsaved
    assert handle.counters("R1")["rollbacks"] == 1


def test_commit_confirm_then_confirm_keeps_the_change(lab):
    handle = lab({"R1": "1.4"}, minute_seconds=0.3)
    shell = Shell(handle.port("R1"))
    shell.run("configure")
    shell.run("set system domain-name kept.example")
    shell.run("commit-confirm 1", pattern=re.compile(r"Proceed\? \[confirm\]\[y\] $"))
    shell.run("y")
    assert "Confirmed" in shell.run("confirm")
    time.sleep(0.8)
    assert "set system domain-name 'kept.example'" in handle.running("R1")
    assert handle.counters("R1")["rollbacks"] == 0


def test_restart_loses_unsaved_config_and_keeps_saved(lab):
    handle = lab({"R1": "1.4"})
    shell = Shell(handle.port("R1"))
    shell.run("configure")
    shell.run("set system domain-name saved.example")
    shell.run("commit")
    shell.run("save")
    shell.run("set system time-zone UTC")
    shell.run("commit")
    handle.thread.control(op="restart", router="R1")
    running = handle.running("R1")
    assert "set system domain-name 'saved.example'" in running
    assert "set system time-zone 'UTC'" not in running


def test_two_sessions_never_interleave(lab):
    handle = lab({"R1": "1.4"})
    a, b = Shell(handle.port("R1")), Shell(handle.port("R1"))
    a.run("configure")
    b.run("configure")
    a.run("set system domain-name a.example")
    b.run("set system time-zone UTC")
    assert a.run("commit") == "[edit]"
    assert b.run("commit") == "[edit]"   # b's own change, replayed on a's commit
    running = handle.running("R1")
    assert "set system domain-name 'a.example'" in running and "set system time-zone 'UTC'" in running
    # a's session now sees b's committed change, as VyOS's layered sessions do
    assert "time-zone UTC" in a.run("show system")
    a.run("delete system time-zone")
    assert a.run("commit") == "[edit]"
    assert "set system time-zone 'UTC'" not in handle.running("R1")
    assert handle.counters("R1")["commits"] == 3


def test_cli_up_status_fault_show_down(tmp_path):
    state = str(tmp_path / "state")
    env = dict(os.environ, PYTHONPATH=REPO)

    def cli(*args):
        return subprocess.run([sys.executable, "-m", "vyos_lab", "--state-dir", state] + list(args), cwd=REPO,
                              env=env, capture_output=True, text=True, timeout=120, check=False)

    up = cli("up", "--router", "HUB:1.2", "--router", "SPOKE1:1.5")
    assert up.returncode == 0, up.stderr
    assert "HUB" in up.stdout and "1.5" in up.stdout
    try:
        status = cli("status")
        assert status.returncode == 0 and "SPOKE1" in status.stdout
        show = cli("show", "HUB", "show version")
        assert "VyOS 1.2.9" in show.stdout
        fault = cli("fault", "HUB", "fail_commits=2")
        assert json.loads(fault.stdout)["fail_commits"] == 2
        assert cli("fault", "HUB", "--clear").returncode == 0
        info = json.load(open(os.path.join(state, "lab.json")))
        port = [r for r in info["routers"] if r["name"] == "HUB"][0]["port"]
        shell = Shell(port)
        assert shell.run("show host name") == "HUB"
        shell.close()
        counters = json.loads(cli("counters").stdout)
        assert counters["HUB"]["logins"] == 1
    finally:
        down = cli("down")
    assert down.returncode == 0 and "stopped" in down.stdout
    assert cli("status").returncode == 1
