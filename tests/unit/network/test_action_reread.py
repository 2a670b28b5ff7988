"""Unit tests of the action plugin's read of the router over a fresh connection after the
module's session was lost during or after the commit (plugins/action/dmvpn.py)."""

import pytest

from ansible.errors import AnsibleError
from ansible.module_utils.connection import ConnectionError

from ansible_collections.dmvpn.vyos.plugins.action import dmvpn as action
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import after_commit
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.configtree import parse_show_commands

OLD = "set system host-name 'R1'\nset interfaces tunnel tun0 description 'old'"
NEW = "set system host-name 'R1'\nset interfaces tunnel tun0 description 'new'"
KEY = "cd" * 32
HEAD = "the session was lost (the router's answer ended before its prompt) during commit"
TIMER = "Tue 2026-12-01 10:05:00 UTC 1min 2s left n/a n/a commit-confirm.timer commit-confirm.service\n"


class Fresh:
    """The router behind the fresh connection: ``answers`` maps a command to its answer or an
    exception."""

    def __init__(self, answers):
        self.answers = answers
        self.sent = []

    def __call__(self, socket_path):
        assert socket_path == "/tmp/fresh-socket"
        return self

    def get(self, command):
        self.sent.append(command)
        answer = self.answers[command]
        if isinstance(answer, Exception):
            raise answer
        return answer


class Old:
    socket_path = None
    _socket_path = None

    def get_options(self):
        return {"persistent_command_timeout": 30}


class Task:
    _uuid = "uuid"


def plugin():
    module = action.ActionModule.__new__(action.ActionModule)
    module._connection, module._task, module._play_context = Old(), Task(), object()
    return module


def reread(confirm=0, **extra):
    data = {"head": HEAD, "before": after_commit.digest(parse_show_commands(OLD), KEY),
            "after": after_commit.digest(parse_show_commands(NEW), KEY), "confirm": confirm, "unsaved": True,
            "version": "1.4"}
    data.update(extra)
    return data


def read_afresh(monkeypatch, answers, data, start=None):
    fresh = Fresh(answers)
    monkeypatch.setattr(action, "Connection", fresh)
    monkeypatch.setattr(action, "start_connection", start or (lambda pc, options, uuid: "/tmp/fresh-socket"))
    return plugin()._state_read_afresh(data, KEY), fresh.sent


SHOW = "show configuration commands"


@pytest.mark.parametrize("running, confirm, timer, says", [
    (OLD, 0, None, "the router is left as it was; re-run to converge"),
    (NEW, 0, None, "the router now holds the new configuration in full (NOT saved); re-run to confirm"),
    (NEW, 2, TIMER, "the router holds the new configuration under commit-confirm, which VyOS rolls back within 2 "
                    "minute(s) unless confirmed; re-run to confirm"),
    (NEW, 2, "", "the router now holds the new configuration in full (NOT saved); re-run to confirm"),
    (NEW, 2, ConnectionError("socket closed"), "the router holds the new configuration in full; whether it is still "
     "under commit-confirm (rolled back within 2 minute(s) unless confirmed) could not be read; re-run to confirm"),
    ("set system host-name 'R9'", 0, None,
     "the router's configuration changed in another way meanwhile (another session?); re-run to converge"),
], ids=["old", "new", "new-under-confirm", "new-confirmed", "new-confirm-unknown", "other"])
def test_the_fresh_read_says_what_the_router_holds(monkeypatch, running, confirm, timer, says):
    probe = "systemctl list-timers commit-confirm.timer --no-legend --no-pager"
    answers = {SHOW: running, probe: timer}
    state, sent = read_afresh(monkeypatch, answers, reread(confirm))
    assert state == says
    assert sent == [SHOW] + ([probe] if timer is not None else [])


@pytest.mark.parametrize("failure", ["login", "read", "parse", "not-a-digest"])
def test_when_the_fresh_read_fails_the_module_wording_stays(monkeypatch, failure):
    def refused(pc, options, uuid):
        raise AnsibleError("ssh connection failed: Access denied")

    answers = {SHOW: ConnectionError("socket closed") if failure == "read" else
               "not a set line" if failure == "parse" else NEW}
    data = reread(before="********" + "0" * 56) if failure == "not-a-digest" else reread()
    state, sent = read_afresh(monkeypatch, answers, data, refused if failure == "login" else None)
    assert state is None
    assert sent == ([] if failure in ("login", "not-a-digest") else [SHOW])


def test_the_fresh_connection_waits_for_the_old_one_to_shut_down(monkeypatch, tmp_path):
    old_socket = tmp_path / "old-socket"
    old_socket.write_text("")
    module = plugin()
    module._connection.socket_path = str(old_socket)
    started = []
    clock = [0.0]

    def sleep(seconds):   # the old ansible-connection removes its socket after a while
        clock[0] += seconds
        if clock[0] >= 0.3:
            old_socket.unlink()

    monkeypatch.setattr(action.time, "sleep", sleep)
    monkeypatch.setattr(action.time, "time", lambda: clock[0])
    monkeypatch.setattr(action, "Connection", Fresh({SHOW: NEW}))
    monkeypatch.setattr(action, "start_connection",
                        lambda pc, options, uuid: started.append(old_socket.exists()) or "/tmp/fresh-socket")
    assert module._state_read_afresh(reread(), KEY).startswith("the router now holds the new configuration")
    assert started == [False] and module._connection._socket_path == "/tmp/fresh-socket"


def test_an_old_connection_that_never_shuts_down_is_not_reused(monkeypatch, tmp_path):
    old_socket = tmp_path / "old-socket"
    old_socket.write_text("")
    module = plugin()
    module._connection.socket_path = str(old_socket)
    clock = [0.0]
    monkeypatch.setattr(action.time, "sleep", lambda seconds: clock.__setitem__(0, clock[0] + seconds))
    monkeypatch.setattr(action.time, "time", lambda: clock[0])
    monkeypatch.setattr(action, "start_connection", lambda *args: pytest.fail("started over a dying connection"))
    assert module._state_read_afresh(reread(), KEY) is None


def test_run_gives_the_module_a_fresh_key_and_returns_neither_key_nor_digests(monkeypatch):
    seen = []

    def module_run(self, task_vars=None):
        key = self._task.args["_reread_key"]
        seen.append(key)
        data = {"head": HEAD, "before": after_commit.digest(parse_show_commands(OLD), key),
                "after": after_commit.digest(parse_show_commands(NEW), key), "confirm": 0, "unsaved": False,
                "version": "1.4"}
        return {"failed": True, "msg": HEAD + "; the router could not be read afterwards (x)", "_dmvpn_reread": data,
                "invocation": {"module_args": {"state": "merged", "_reread_key": "********"}}}

    class PlayContext:
        connection = "ansible.netcommon.network_cli"

    monkeypatch.setattr(action.ActionNetworkModule, "run", module_run)
    monkeypatch.setattr(action, "Connection", Fresh({SHOW: NEW}))
    monkeypatch.setattr(action, "start_connection", lambda pc, options, uuid: "/tmp/fresh-socket")
    results = []
    for dummy in range(2):
        module = plugin()
        module._task.args = {"state": "merged"}
        module._play_context = PlayContext()
        results.append(module.run(task_vars={}))
        assert module._task.args == {"state": "merged"}
    assert results[0] == {"failed": True, "invocation": {"module_args": {"state": "merged"}},
                          "msg": HEAD + "; the router now holds the new configuration in full; re-run to confirm"}
    assert len(set(seen)) == 2 and all(after_commit.is_digest(key) for key in seen)   # (64 hex digits)
