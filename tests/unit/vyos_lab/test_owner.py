"""The lab's control API takes only its owner's requests, its state files are the owner's only
(issue 19 item 14; vyos_lab/owner.py). Before, anyone on the machine who reached 127.0.0.1
could inject faults or read running configs with their PSKs, and config.boot and the SSH host
key were written with the umask's modes (0644)."""

import json
import os
import socket
import stat
import subprocess
import sys

import pytest

from vyos_lab import __main__ as lab_cli
from vyos_lab.lab import LabThread, RouterSpec, control_request
from vyos_lab.owner import REFUSED, TOKEN_ENV, read_token

REFUSAL = {"ok": False, "error": "PermissionError: " + REFUSED}
FAULT = {"op": "fault", "router": "R1", "set": {"fail_commits": 1}}
GUESSES = ["wrong", "", 12345, ["x"]]   # tokens a client without the lab's might send


@pytest.fixture
def lab(tmp_path):
    started = []

    def start(names=("R1",), state="state"):
        thread = LabThread([RouterSpec(name, "1.4", 0) for name in names], state_dir=str(tmp_path / state))
        thread.start()
        started.append(thread)
        return thread

    yield start
    for thread in started:
        thread.stop()


def raw(port, text):
    """Send ``text`` as one line; every reply line until the lab closes the connection."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(text.encode() + b"\n")
        data = b""
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
    return [json.loads(line) for line in data.decode().splitlines()]


def modes(root):
    """{path relative to ``root``: permission bits} of ``root`` and everything under it."""
    found = {".": stat.S_IMODE(os.stat(root).st_mode)}
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            path = os.path.join(folder, name)
            found[os.path.relpath(path, root)] = stat.S_IMODE(os.stat(path).st_mode)
    return found


# -- the token ------------------------------------------------------------------------------------
def test_a_request_without_the_token_is_refused_and_changes_nothing(lab):
    thread = lab()
    port = thread.lab.control_port
    assert raw(port, json.dumps(FAULT)) == [REFUSAL]
    assert control_request("127.0.0.1", port, FAULT) == REFUSAL   # token None
    assert control_request("127.0.0.1", port, {"op": "export"}) == REFUSAL   # no running config (PSKs) either
    assert thread.lab.routers["R1"].faults.fail_commits == 0


@pytest.mark.parametrize("token", GUESSES, ids=["wrong", "empty", "number", "list"])
def test_a_request_with_a_wrong_token_is_refused_and_changes_nothing(lab, token):
    thread = lab()
    assert control_request("127.0.0.1", thread.lab.control_port, FAULT, token=token) == REFUSAL
    assert thread.lab.routers["R1"].faults.fail_commits == 0


def test_a_refused_request_ends_the_connection(lab):
    """A second line on the same connection is not read: one refusal, then the lab hangs up."""
    thread = lab()
    token = read_token(thread.lab.state_dir)
    lines = json.dumps(dict(FAULT, token=GUESSES[0])) + "\n" + json.dumps(dict(FAULT, token=token))
    assert raw(thread.lab.control_port, lines) == [REFUSAL]
    assert thread.lab.routers["R1"].faults.fail_commits == 0


def test_a_request_with_the_token_of_the_state_dir_is_served(lab):
    thread = lab()
    token = read_token(thread.lab.state_dir)
    reply = control_request("127.0.0.1", thread.lab.control_port, FAULT, token=token)
    assert reply["ok"] is True and reply["result"]["fail_commits"] == 1
    assert thread.lab.routers["R1"].faults.fail_commits == 1


def test_each_start_makes_a_new_token(lab):
    first, second = lab(state="one"), lab(state="two")
    assert first.lab.control_token != second.lab.control_token
    assert len(first.lab.control_token) >= 40
    assert control_request("127.0.0.1", first.lab.control_port, {"op": "counters"},
                           token=second.lab.control_token) == REFUSAL


def test_the_cli_sends_the_token_of_the_state_dir(lab):
    thread = lab()
    state = thread.lab.state_dir
    with open(os.path.join(state, "lab.json"), "w") as out:   # what `serve` writes
        json.dump({"pid": os.getpid(), "control_port": thread.lab.control_port}, out)
    assert lab_cli.control(state, op="fault", router="R1", set={"fail_commits": 2})["fail_commits"] == 2
    os.remove(os.path.join(state, "control.token"))
    with pytest.raises(SystemExit) as refused:
        lab_cli.control(state, op="clear_faults", router="R1")
    assert str(refused.value) == ("vyos_lab: cannot read the lab's control token %s/control.token: No such file or "
                                  "directory (only the lab's owner can)" % state)
    assert thread.lab.routers["R1"].faults.fail_commits == 2


# -- peer labs (one container per router) share one token ------------------------------------
def test_peer_labs_need_a_shared_token(lab, monkeypatch):
    monkeypatch.setenv("VYOS_LAB_PEERS", "127.0.0.1:9")
    monkeypatch.delenv(TOKEN_ENV, raising=False)
    with pytest.raises(ValueError) as refused:
        lab()
    assert str(refused.value) == ("VYOS_LAB_PEERS needs VYOS_LAB_CONTROL_TOKEN: the peer labs' control APIs take "
                                  "one shared token")


def test_peer_labs_see_each_other_with_the_shared_token_only(lab, monkeypatch):
    monkeypatch.setenv(TOKEN_ENV, "shared-token-of-the-peers")
    first = lab(("R1",), state="one")
    monkeypatch.setenv("VYOS_LAB_PEERS", "127.0.0.1:%d" % first.lab.control_port)
    second = lab(("R2",), state="two")
    assert sorted(r.name for r in second.lab.all_routers()) == ["R1", "R2"]
    first.lab.control_token = first.lab.control_token[::-1]   # a lab that does not share it: its routers stay unseen
    assert sorted(r.name for r in second.lab.all_routers()) == ["R2"]


# -- file modes -----------------------------------------------------------------------------------
def test_every_state_file_is_the_owners_only_whatever_the_umask(lab):
    old = os.umask(0)   # the modes come from the lab, not from a umask that happens to be strict
    try:
        thread = lab(("R1", "R2"))
        thread.control(op="load", router="R1", lines=["set system host-name 'R1'"])   # saves config.boot
        thread.lab.routers["R2"].save()
    finally:
        os.umask(old)
    assert modes(thread.lab.state_dir) == {
        ".": 0o700, "control.token": 0o600, "ssh_host_ed25519_key": 0o600,
        "routers": 0o700, "routers/R1": 0o700, "routers/R1/config.boot": 0o600,
        "routers/R2": 0o700, "routers/R2/config.boot": 0o600,
    }


def test_the_files_of_an_earlier_lab_are_made_the_owners_only(lab, tmp_path):
    first = lab(state="state")
    first.lab.routers["R1"].save()
    first.stop()
    state = str(tmp_path / "state")
    for path, mode in ((".", 0o755), ("ssh_host_ed25519_key", 0o644), ("routers", 0o755), ("routers/R1", 0o755),
                       ("routers/R1/config.boot", 0o644), ("control.token", 0o644)):
        os.chmod(os.path.join(state, path), mode)
    again = lab(state="state")
    again.lab.routers["R1"].save()
    assert modes(state) == {
        ".": 0o700, "control.token": 0o600, "ssh_host_ed25519_key": 0o600,
        "routers": 0o700, "routers/R1": 0o700, "routers/R1/config.boot": 0o600,
    }


def test_the_cli_lab_writes_lab_json_and_lab_log_for_the_owner_only(tmp_path):
    """`python -m vyos_lab up` (its `serve` child writes lab.json, the lab's output goes to
    lab.log), under umask 0; then `status` and `down` through the token."""
    state = str(tmp_path / "state")
    repo = os.path.dirname(os.path.dirname(lab_cli.__file__))

    def cli(*args):
        return subprocess.run([sys.executable, "-m", "vyos_lab", "--state-dir", state] + list(args), cwd=repo,
                              env=dict(os.environ, PYTHONPATH=repo), capture_output=True, text=True, timeout=120,
                              check=False, preexec_fn=lambda: os.umask(0))

    up = cli("up", "--router", "R1:1.4")
    assert up.returncode == 0, up.stderr
    try:
        found = modes(state)
        status = cli("status")
    finally:
        down = cli("down")
    assert found == {".": 0o700, "control.token": 0o600, "ssh_host_ed25519_key": 0o600, "lab.json": 0o600,
                     "lab.log": 0o600, "routers": 0o700}
    assert status.returncode == 0 and "R1" in status.stdout, status.stderr
    assert down.returncode == 0 and down.stdout == "vyos_lab: stopped\n", down.stderr
