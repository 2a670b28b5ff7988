"""Unit tests of the runner's safety around the commit: runs on one controller take turns per
router, a change committed by someone else meanwhile is found before ours is committed, and
an error during or after the commit is reported with what the router holds afterwards."""

import threading
import time

import pytest

from ansible.module_utils.connection import ConnectionError

from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import after_commit
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.configtree import parse_show_commands
from ansible_collections.dmvpn.vyos.plugins.module_utils.network import router_lock
from ansible_collections.dmvpn.vyos.plugins.module_utils.network import runner

OLD = "set system host-name 'R1'\nset interfaces tunnel tun0 description 'old'"
NEW = "set system host-name 'R1'\nset interfaces tunnel tun0 description 'new'"
OTHER = "set system host-name 'R1'\nset interfaces tunnel tun0 description 'someone else'"


class Router:
    """A shell answering like VyOS behind network_cli; ``script`` maps a command prefix to an
    answer or an exception, ``running`` is what 'show configuration commands' shows."""

    def __init__(self, running=OLD, script=None, after_commit=NEW):
        self.running = running
        self.after_commit = after_commit  # what 'show configuration commands' shows once committed
        self.script = dict(script or {})
        self.sent = []
        self.closed = False

    def get(self, command, prompt=None, answer=None):
        self.sent.append(command)
        for prefix, action in self.script.items():
            if command.startswith(prefix):
                if isinstance(action, Exception):
                    raise action
                if callable(action):
                    return action(self)
        if command.endswith("show configuration commands"):
            extra = "\n[edit]" if command.startswith("run ") else ""
            return self.running + extra
        if command.startswith("commit"):
            self.running = self.after_commit
        return "\n".join(["[edit]"] * len(command.split("\n")))

    def close(self):
        self.closed = True


class Module:
    def __init__(self, **params):
        self.params = dict(confirm=0, save=False, comment="test", lock_timeout=5)
        self.params.update(params)


def make_runner(shell, **params):
    run = runner.Runner.__new__(runner.Runner)
    run._connection = shell
    run.module = Module(**params)
    run.params = run.module.params
    run.secrets = []
    return run


def send(shell, **params):
    return make_runner(shell, **params).send(["set interfaces tunnel tun0 description 'new'"], "1.4",
                                             parse_show_commands(OLD), parse_show_commands(NEW))


def test_the_running_config_is_read_again_inside_the_session_before_the_commit():
    shell = Router()
    send(shell)
    check = shell.sent.index("run show configuration commands")
    assert shell.sent[0] == "configure" and check < shell.sent.index("commit comment 'test'")


def test_a_change_committed_meanwhile_discards_ours_and_commits_nothing():
    shell = Router(running=OTHER)
    with pytest.raises(runner.RouterError) as error:
        send(shell)
    assert "changed after this run read it" in str(error.value) and "nothing was committed" in str(error.value)
    assert not any(command.startswith("commit") for command in shell.sent)
    assert "exit discard" in shell.sent and shell.closed


@pytest.mark.parametrize("after_commit, holds", [(OLD, "left as it was"), (NEW, "new configuration in full"),
                                                 (OTHER, "changed in another way")])
def test_an_error_at_the_commit_says_what_the_router_holds(after_commit, holds):
    def refuse(shell):
        shell.running = after_commit
        raise ConnectionError("Commit failed")

    shell = Router(script={"commit": refuse})
    with pytest.raises(runner.RouterError) as error:
        send(shell)
    assert "Commit failed during commit" in str(error.value) and holds in str(error.value)


def test_a_timeout_at_the_commit_does_not_read_stale_answers():
    shell = Router(script={"commit": ConnectionError("command timeout triggered")})
    with pytest.raises(runner.RouterError) as error:
        send(shell)
    assert "may still be running" in str(error.value)
    assert shell.sent.count("show configuration commands") == 0 and shell.closed


def test_an_error_at_save_says_the_change_is_committed_and_not_saved():
    def commit_then(shell):
        shell.running = NEW
        return "[edit]"

    shell = Router(script={"commit": commit_then, "save": ConnectionError("socket closed")})
    with pytest.raises(runner.RouterError) as error:
        send(shell, save=True)
    assert "during save" in str(error.value) and "new configuration in full (NOT saved)" in str(error.value)


KEY = "ab" * 32


def lost(shell):
    """The session ends mid-answer on the commit (the change applied) and stays dead."""
    shell.running = NEW
    shell.script = {"": ConnectionError("Failed to write to ssh channel")}
    return "commit comment 'test'"   # (no [edit] prompt)


@pytest.mark.parametrize("key", [KEY, None], ids=["key", "no-key"])
def test_a_lost_session_hands_the_action_plugin_keyed_digests_only(key):
    shell = Router(script={"commit": lost})
    with pytest.raises(runner.RouterError) as error:
        send(shell, save=True, _reread_key=key)
    head = runner.LOST_ANSWER + " during commit"
    assert str(error.value).startswith(head + "; the router could not be read afterwards (")
    if key is None:   # (run without the action plugin: nothing to hand over)
        assert error.value.extra == {}
        return
    assert error.value.extra == {"_dmvpn_reread": {
        "head": head, "before": after_commit.digest(parse_show_commands(OLD), KEY),
        "after": after_commit.digest(parse_show_commands(NEW), KEY), "confirm": 0, "unsaved": True, "version": "1.4"}}
    assert shell.closed


def test_a_save_whose_answer_was_cut_short_is_named_and_an_exit_after_a_whole_one_is_saved():
    def commit_then(shell):
        shell.running = NEW
        return "[edit]"

    shell = Router(script={"commit": commit_then, "save": lambda shell: "Saving configuration to"})
    with pytest.raises(runner.RouterError) as error:
        send(shell, save=True)
    assert str(error.value).startswith(runner.LOST_ANSWER + " during save;")
    shell = Router(script={"commit": commit_then, "exit": ConnectionError("socket closed")})
    with pytest.raises(runner.RouterError) as error:
        send(shell, save=True)
    assert str(error.value) == ("socket closed during leaving configuration mode; the router now holds the new "
                                "configuration in full; re-run to confirm")


def test_a_refused_line_leaves_the_router_as_it_was():
    shell = Router(script={"set ": ConnectionError("Invalid value")})
    with pytest.raises(runner.RouterError) as error:
        send(shell)
    assert "left as it was (nothing was committed)" in str(error.value)


def test_runs_on_one_controller_take_turns_per_router(tmp_path, monkeypatch):
    monkeypatch.setattr(router_lock.tempfile, "gettempdir", lambda: str(tmp_path))
    order = []

    def hold(name, seconds):
        with router_lock.RouterLock("127.0.0.1_2201", 5):
            order.append((name, "in"))
            time.sleep(seconds)
            order.append((name, "out"))

    first = threading.Thread(target=hold, args=("first", 0.3))
    first.start()
    time.sleep(0.05)
    hold("second", 0)
    first.join()
    assert order == [("first", "in"), ("first", "out"), ("second", "in"), ("second", "out")]
    # another router is not held up
    with router_lock.RouterLock("127.0.0.1_2201", 5):
        with router_lock.RouterLock("127.0.0.1_2202", 0):
            pass


def test_the_lock_gives_up_after_its_timeout(tmp_path, monkeypatch):
    monkeypatch.setattr(router_lock.tempfile, "gettempdir", lambda: str(tmp_path))
    with router_lock.RouterLock("r", 5):
        with pytest.raises(router_lock.LockError) as error:
            with router_lock.RouterLock("r", 0.2):
                pass
    assert "another run on this controller" in str(error.value) and "nothing was sent" in str(error.value)


def test_a_waiting_run_is_told_who_holds_the_lock_and_for_how_long(tmp_path, monkeypatch):
    """Issue 19 item 8: the timeout names the holder (pid, user, how long) and a run that had
    to wait says for whom; at b303f4c a waiting run said nothing and a timeout named no one."""
    import getpass
    import os
    import re

    monkeypatch.setattr(router_lock.tempfile, "gettempdir", lambda: str(tmp_path))
    with router_lock.RouterLock("r", 5) as first:
        assert first.holder() == "pid %d of user %s, for 0 s" % (os.getpid(), getpass.getuser())
        with pytest.raises(router_lock.LockError) as error:
            with router_lock.RouterLock("r", 0.2):
                pass
    assert re.search(r"\(lock \S+r\.lock, held by pid %d of user %s, for 0 s\)" % (os.getpid(), getpass.getuser()),
                     str(error.value)), str(error.value)
    assert first.holder() is None   # released: its holder file is gone

    done = threading.Event()

    def hold():
        with router_lock.RouterLock("r", 5):
            done.wait(1.5)

    holder = threading.Thread(target=hold)
    holder.start()
    time.sleep(0.1)
    with router_lock.RouterLock("r", 5) as second:
        assert second.waited is not None and second.warnings == [second.waited]
        assert re.match(r"waited 1 s for the router lock, which another run held \(pid %d of user %s, for 1 s\)$"
                        % (os.getpid(), getpass.getuser()), second.waited), second.waited
    holder.join()


def test_the_lock_folder_is_shared_when_root_made_it_and_lock_files_are_not_world_writable(tmp_path, monkeypatch):
    """Issue 19 item 8: the shared folder is root's, sticky (as /tmp); a lock file is readable by
    all, writable by its owner only (flock needs no write access); a planted link is refused.
    (At b303f4c lock files were mode 0666: anyone could replace what they hold.)"""
    import os
    import stat

    monkeypatch.setattr(router_lock.tempfile, "gettempdir", lambda: str(tmp_path))
    monkeypatch.setattr(router_lock.os, "geteuid", lambda: 0)
    monkeypatch.setattr(router_lock.os, "getuid", lambda: 0)
    with router_lock.RouterLock("10.0.0.1_22", 5) as lock:
        assert os.path.dirname(lock.path) == str(tmp_path / "dmvpn.vyos-locks")
        assert stat.S_IMODE(os.stat(os.path.dirname(lock.path)).st_mode) == 0o1777
        assert stat.S_IMODE(os.stat(lock.path).st_mode) == 0o644
        assert lock.warning is None
    target = tmp_path / "elsewhere"
    os.symlink(str(target), str(tmp_path / "dmvpn.vyos-locks" / "10.0.0.2_22.lock"))
    with pytest.raises(router_lock.LockError, match="symbolic link"):
        with router_lock.RouterLock("10.0.0.2_22", 5):
            pass
    assert not target.exists()


def test_an_untrusted_shared_folder_is_not_used_and_the_run_is_warned(tmp_path, monkeypatch):
    """A shared folder owned by someone else and writable by all (not root's sticky one), or a
    link in its place: the lock goes to this user's own folder, with a warning."""
    import os

    monkeypatch.setattr(router_lock.tempfile, "gettempdir", lambda: str(tmp_path))
    monkeypatch.setattr(router_lock.os, "geteuid", lambda: 1000)
    shared = tmp_path / "dmvpn.vyos-locks"
    shared.mkdir()
    os.chmod(str(shared), 0o777)   # writable by all, no sticky bit
    with router_lock.RouterLock("10.0.0.1_22", 5) as lock:
        assert os.path.dirname(lock.path) == str(tmp_path / ("dmvpn.vyos-locks-%d" % os.getuid()))
        assert "the shared lock folder %s is owned by uid" % shared in lock.warning
    os.rmdir(str(shared))
    os.symlink(str(tmp_path / "elsewhere"), str(shared))
    with router_lock.RouterLock("10.0.0.1_22", 5) as lock:
        assert "is not a folder (a link?)" in lock.warning


def test_localhost_and_127_0_0_1_are_one_router_to_the_lock():
    class Connection:
        def __init__(self, host):
            self.host = host

        def get_option(self, name):
            return {"host": self.host, "port": 2201}[name]

    keys = set()
    for host in ("localhost", "127.0.0.1", "LOCALHOST"):
        work = runner.Runner.__new__(runner.Runner)
        work._connection = Connection(host)
        keys.add(work.router_key())
    assert keys == {"127.0.0.1_2201"}


# issue 19 item 8: VyOS refuses a commit while another session's is in progress, and says so
# with a line network_cli takes for a success (vyatta-cfg commit-algorithm.cpp doCommit; the
# terminal plugin knows only "Commit failed"): at b303f4c the run reported the change done.
def test_a_commit_refused_for_another_commit_in_progress_fails_and_sends_nothing_more():
    locked = "Configuration system temporarily locked due to another commit in progress"
    shell = Router(script={"commit": lambda shell: locked + "\n[edit]"})
    with pytest.raises(runner.RouterError) as error:
        send(shell, save=True)
    assert str(error.value) == (
        "the router refused the commit: another session's commit was in progress (VyOS: '%s'); nothing of this run "
        "was committed and the router is left as that commit leaves it. Re-run to converge" % locked)
    assert shell.sent[-1] == "exit discard" and shell.closed and "save" not in shell.sent


def test_a_commit_that_did_not_land_in_full_fails_naming_a_missing_line():
    shell = Router(after_commit=OLD)   # the commit answered, the change is not there
    with pytest.raises(runner.RouterError) as error:
        send(shell, save=True)
    assert str(error.value) == (
        "the commit ended, but 1 of this run's 1 lines are not on the router as committed (first: set interfaces "
        "tunnel tun0 description 'new'); another session may have changed it at the same time. Re-run to converge")
    assert "save" not in shell.sent


def test_a_commit_is_checked_in_the_same_session_before_the_save():
    shell = Router()
    send(shell, save=True)
    commit = shell.sent.index("commit comment 'test'")
    assert shell.sent[commit + 1:] == ["run show configuration commands", "save", "exit"]
