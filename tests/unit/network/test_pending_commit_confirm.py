"""A commit-confirm left pending by an earlier run (issue 19 item 3): how each VyOS version
shows it, and what a run does about it. The answers below are the formats of the tools VyOS
itself uses for it: atq's "job<TAB>date queue user" (1.2/1.3: vyatta-config-mgmt.pl schedules
the rollback with at and keeps the job number in /var/run/confirm.job) and systemctl
list-timers' "NEXT LEFT LAST PASSED UNIT ACTIVATES" (1.4/1.5: vyos.config_mgmt starts the
transient timer commit-confirm.timer)."""

import pytest
from seed_models import model
from test_runner_validation import Failed, Shell, run

from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import pending_confirm as pc
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import render as rd
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import resources
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.versions import syntax_for
from ansible_collections.dmvpn.vyos.plugins.module_utils.network import router_lock

TIMER = "Wed 2026-12-02 01:40:00 UTC 9min 12s left n/a n/a commit-confirm.timer commit-confirm.service"


def test_1_2_and_1_3_show_a_pending_commit_confirm_as_an_at_job():
    for version in ("1.2", "1.3"):
        syntax = syntax_for(version)
        assert pc.probe_command(syntax) == "cat /var/run/confirm.job"
        assert pc.pending_from(syntax, "7\n") == "7"
        assert pc.pending_from(syntax, "cat: /var/run/confirm.job: No such file or directory") is None
    assert pc.deadline_from("7", "3\tTue Dec  1 09:00:00 2026 a root\n7\tWed Dec  2 01:40:00 2026 a root") == \
        "Wed Dec  2 01:40:00 2026"
    assert pc.deadline_from("7", "") == "unknown"


def test_1_4_and_1_5_show_it_as_the_commit_confirm_systemd_timer():
    for version in ("1.4", "1.5"):
        syntax = syntax_for(version)
        assert pc.probe_command(syntax) == "systemctl list-timers commit-confirm.timer --no-legend --no-pager"
        assert pc.pending_from(syntax, TIMER) == "Wed 2026-12-02 01:40:00 UTC"
        assert pc.pending_from(syntax, "") is None


class PendingShell(Shell):
    """A 1.4 router with a commit-confirm pending, holding ``running`` (show configuration commands)."""

    def __init__(self, running):
        super(PendingShell, self).__init__()
        self.running = running

    def get(self, command, prompt=None, answer=None):
        if command == "show configuration commands":
            self.sent.append(command)
            return self.running
        if command.startswith("systemctl list-timers"):
            self.sent.append(command)
            return TIMER
        return super(PendingShell, self).get(command, prompt, answer)


def test_pending_and_the_router_holds_what_the_run_wants_it_confirms_and_saves(tmp_path, monkeypatch):
    monkeypatch.setattr(router_lock.tempfile, "gettempdir", lambda: str(tmp_path))
    hub = model("hub")
    shell = PendingShell("\n".join(rd.render_endpoint(hub, "1.4").to_show_commands()))
    result = run(resources.DMVPN, shell, config=hub, state="overridden", version="1.4", save=True)
    assert result["changed"] is True
    assert result["commands"] == ["confirm", "save"]
    assert result["pending_commit_confirm"] == "Wed 2026-12-02 01:40:00 UTC"
    assert shell.sent[-4:] == ["configure", "confirm", "save", "exit"]


def test_pending_and_the_router_holds_anything_else_it_fails_naming_the_rollback(tmp_path, monkeypatch):
    monkeypatch.setattr(router_lock.tempfile, "gettempdir", lambda: str(tmp_path))
    shell = PendingShell("set system host-name 'R1'")
    with pytest.raises(Failed, match=r"a commit-confirm is pending on the router: it rolls back at "
                                     r"Wed 2026-12-02 01:40:00 UTC unless confirmed"):
        run(resources.DMVPN, shell, config=model("hub"), state="overridden", version="1.4")
    assert "configure" not in shell.sent and "confirm" not in shell.sent
