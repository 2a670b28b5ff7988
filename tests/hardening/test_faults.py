"""Faults while site.yml changes a converged DMVPN (a new PSK and tunnel description on every
router). For each fault the state the faulty router holds afterwards is pinned (its old
configuration or the new one, in full: the whole running configuration is compared) and what
the play says about it (failed or unreachable, the message); the other routers converge, and a
re-run without the fault converges every router, changing only what the fault left undone.

Faults come from the lab's fault injection: a refused commit, the SSH session dropped before
configuration mode, before the commit, during it (before or after it applies) and after it
(at save), a commit slower than the command timeout, a refused login, and a restart that loses
what was not saved. Two faults share one site.yml run, one on each spoke (HUB is the router
that must converge in spite of them); each pair starts from the seed topology.
"""

import time

import pytest

from conftest import CANARY_NHRP, CANARY_PSK, ROUTERS, SITE, all_output, recap, shared_once, start_site

pytestmark = pytest.mark.lab

FAULTS = {
    "commit-refused": {"fail_commits": 1},
    "ssh-drop-before-configure": {"drop_on_command": "^configure"},
    "ssh-drop-before-commit": {"drop_on_command": "^commit"},
    "ssh-drop-during-commit-not-applied": {"drop_during_commit": "before"},
    "ssh-drop-during-commit-applied": {"drop_during_commit": "after"},
    "ssh-drop-after-commit-at-save": {"drop_on_command": "^save"},
    "commit-slower-than-command-timeout": {"commit_delay_ms": 6000},
    "login-refused": {"refuse_login": True},
}
# (fault on SPOKE1, fault on SPOKE2), one site.yml run each
PAIRS = (
    ("commit-refused", "login-refused"),
    ("ssh-drop-before-configure", "ssh-drop-before-commit"),
    ("ssh-drop-during-commit-not-applied", "ssh-drop-during-commit-applied"),
    ("ssh-drop-after-commit-at-save", "commit-slower-than-command-timeout"),
)
VICTIMS = ("SPOKE1", "SPOKE2")
SLOW_TIMEOUT = 3   # ansible_command_timeout of a router whose commit takes 6 s


class WrongMessage(AssertionError):
    """The router holds the pinned state, but the message says something else about it."""


LOST = "Failed to write to ssh channel"   # what network_cli (libssh) says of a dropped session
# network_cli returns what it has when a session ends mid-answer; the module names the commit
# as the stage (its answer lacks VyOS's [edit] prompt: runner.py _answered). At b303f4c it named
# the next command, "during save", for a commit that was never applied or never answered.
LOST_ANSWER = "the session was lost (the router's answer ended before its prompt)"
# What each fault leaves: the configuration the faulty router holds afterwards ("old" or "new",
# in full), how the play reports it, and the message of its failed task, which must say that
# state. The messages are the module's (runner.py send and _state_after_error) around the
# router's or network_cli's own text; after a lost session the action plugin read the router
# again over a fresh connection (plugins/action/dmvpn.py) and says what it holds (before
# issue 19 item 11: "could not be read afterwards: it holds either the old or the new").
PINNED = {
    # the lab refuses the commit as VyOS does (its output, then "Commit failed"); discarded
    "commit-refused": ("old", "failed",
                       "b\"commit comment 'dmvpn.vyos spoke'\\r\\nemulated commit failure (lab fault injection)"
                       "\\r\\nCommit failed\\r\\n[edit]\\r\\nvyos@SPOKE1# \" during commit; the router is "
                       "left as it was; re-run to converge"),
    # nothing reached configuration mode
    "ssh-drop-before-configure": ("old", "failed",
                                  "the router refused the change and is left as it was (nothing was committed): " + LOST),
    "ssh-drop-before-commit": ("old", "failed",
                               LOST_ANSWER + " during commit; the router is left as it was; re-run to converge"),
    "ssh-drop-during-commit-not-applied": ("old", "failed",
                                           LOST_ANSWER + " during commit; the router is left as it was; re-run to converge"),
    "ssh-drop-during-commit-applied": ("new", "failed", LOST_ANSWER + " during commit; the router now holds the new "
                                       "configuration in full (NOT saved); re-run to confirm"),
    # (the save's answer is checked for its prompt too: a save whose answer never came is named as
    # such, and only an exit after a whole answer is "leaving configuration mode", already saved)
    "ssh-drop-after-commit-at-save": ("new", "failed", LOST_ANSWER + " during save; the router now holds the new "
                                      "configuration in full (NOT saved); re-run to confirm"),
    # the module gave up after ansible_command_timeout (3 s); the lab's commit ended 3 s later
    "commit-slower-than-command-timeout": ("new", "failed",
                                           "command timeout triggered, timeout value is 3 secs.\nSee the timeout "
                                           "setting options in the Network Debug and Troubleshooting Guide. during "
                                           "commit; the commit may still be running: when it ends the router holds "
                                           "the new configuration in full, otherwise the old one; re-run to converge"),
    # network_cli logs in when the module first talks to the router: show version, with auto
    "login-refused": ("old", "failed",
                      "could not read the VyOS version (show version): ssh connection failed: Failed to authenticate "
                      "with keyboard-interactive: Access denied for 'keyboard interactive'. Authentication that can "
                      "continue: keyboard-interactive,password"),
}


def change(site, tag):
    site.set(dmvpn_ipsec_psk="Canary-PSK-rotated-%s" % tag, dmvpn_nhrp_secret=CANARY_NHRP,
             dmvpn_tunnel_description="change %s" % tag)


def states(site):
    return {name: site.handle.running(name) for name in ROUTERS}


def failure(run, host):
    """(kind, message) of the task that stopped ``host`` in a JSON-callback run."""
    for result in run.results(host):
        if result.get("unreachable"):
            return "unreachable", result.get("msg", "")
        if result.get("failed") and not result.get("skipped"):
            return "failed", result.get("msg", "")
    return None, None


def run_pair(request, seed, pair):
    def compute():
        workdir = str(request.getfixturevalue("tmp_path_factory").mktemp("faults-%d" % pair))
        site = start_site(workdir, seed)
        try:
            faults = dict(zip(VICTIMS, PAIRS[pair]))
            old = states(site)
            before = {name: site.handle.counters(name) for name in ROUTERS}
            change(site, "P%d" % pair)
            for victim, fault in faults.items():
                site.handle.fault(victim, **FAULTS[fault])
                if "commit_delay_ms" in FAULTS[fault]:
                    site.host_vars(victim, ansible_command_timeout=SLOW_TIMEOUT)
            faulty = site.playbook(SITE, site.hosts_file, "--skip-tags", "verify", json_output=True)
            delays = [FAULTS[fault].get("commit_delay_ms", 0) for fault in faults.values()]
            if any(delays):
                time.sleep(max(delays) / 1000.0 + 1)  # let the lab's slow commit end
            for victim in VICTIMS:
                site.handle.thread.control(op="clear_faults", router=victim)
                site.host_vars(victim, ansible_command_timeout=20)
            during = states(site)
            rerun = site.run(SITE, "--skip-tags", "verify")
            new = states(site)
            counters = {name: site.handle.counters(name) for name in ROUTERS}
            return {
                "faults": faults, "old": old, "during": during, "new": new,
                "faulty_rc": faulty.rc, "faulty_output": all_output(faulty),
                "stats": faulty.stats(), "failures": {name: failure(faulty, name) for name in ROUTERS},
                "rerun_rc": rerun.rc, "rerun_output": all_output(rerun), "rerun_recap": recap(rerun),
                "figures": {"commits": sum(counters[n]["commits"] - before[n]["commits"] for n in ROUTERS),
                            "logins": sum(counters[n]["logins"] - before[n]["logins"] for n in ROUTERS)},
            }
        finally:
            site.handle.thread.stop()

    return shared_once(request, "faults-pair-%d" % pair, compute)


def pair_of(fault):
    return next(index for index, pair in enumerate(PAIRS) if fault in pair)


BY_PAIR = [fault for pair in PAIRS for fault in pair]


def _fault_marks(fault):
    return [pytest.mark.shares("faults-pair-%d" % pair_of(fault))]


@pytest.mark.parametrize("fault", [pytest.param(fault, marks=_fault_marks(fault)) for fault in BY_PAIR], ids=BY_PAIR)
def test_fault_during_a_change(request, seed, observe, fault):
    data = run_pair(request, seed, pair_of(fault))
    observe.add(data["figures"])
    victim = next(name for name, which in data["faults"].items() if which == fault)
    hits = observe.scan(data["faulty_output"], data["rerun_output"],
                        secrets=("Canary-PSK-rotated-", CANARY_NHRP, CANARY_PSK))
    ended, kind, message = PINNED[fault]
    observe.note("victim_ended", ended)
    # the play reports the faulty routers (this one as pinned), never HUB
    assert data["faulty_rc"] != 0
    assert data["failures"]["HUB"] == [None, None], data["failures"]["HUB"]   # (JSON: a list)
    got_kind, got_message = data["failures"][victim]
    assert got_kind == kind, (got_kind, got_message)
    # HUB converged in spite of the faults
    assert data["during"]["HUB"] == data["new"]["HUB"] != data["old"]["HUB"]
    # the faulty router holds the pinned configuration in full
    assert data["during"][victim] == data[ended][victim], sorted(set(data["during"][victim]) ^ set(data[ended][victim]))
    # the re-run converged everything, and changed only what the faults had left undone
    assert data["rerun_rc"] == 0, data["rerun_output"][-3000:]
    assert data["rerun_recap"]["HUB"]["changed"] == 0, data["rerun_recap"]
    assert data["rerun_recap"][victim]["changed"] == (1 if ended == "old" else 0), data["rerun_recap"]
    assert hits == 0
    # the message names the error and the stage where it happened (pinned, passing) ...
    assert got_message.split("; ")[0] == message.split("; ")[0], got_message
    # ... and what the router holds now
    if got_message != message:
        raise WrongMessage("the router holds the %s configuration; the message says:\n%s" % (ended, got_message))


@pytest.fixture
def restarted(request, seed):
    """A change with dmvpn_save (SPOKE1) and without (SPOKE2), both spokes restarted, a re-run."""
    def compute():
        workdir = str(request.getfixturevalue("tmp_path_factory").mktemp("restart"))
        site = start_site(workdir, seed)
        try:
            site.host_vars("SPOKE1", dmvpn_save=True)
            site.host_vars("SPOKE2", dmvpn_save=False)
            old = states(site)
            before = {name: site.handle.counters(name) for name in ROUTERS}
            change(site, "R")
            run = site.run(SITE, "--skip-tags", "verify")
            changed = states(site)
            for victim in VICTIMS:
                site.handle.thread.control(op="restart", router=victim)
            after_restart = states(site)
            rerun = site.run(SITE, "--skip-tags", "verify")
            counters = {name: site.handle.counters(name) for name in ROUTERS}
            return {"old": old, "changed": changed, "after_restart": after_restart, "final": states(site),
                    "rc": run.rc, "output": all_output(run), "rerun_rc": rerun.rc, "rerun_output": all_output(rerun),
                    "rerun_recap": recap(rerun),
                    "figures": {"commits": sum(counters[n]["commits"] - before[n]["commits"] for n in ROUTERS),
                                "logins": sum(counters[n]["logins"] - before[n]["logins"] for n in ROUTERS)}}
        finally:
            site.handle.thread.stop()

    return shared_once(request, "faults-restart", compute)


@pytest.mark.shares("faults-restart")
@pytest.mark.parametrize("save", [True, False], ids=["saved", "not-saved"])
def test_restart_after_a_change(restarted, observe, save):
    """A restart keeps what was saved (dmvpn_save, the roles' default) and loses what was not;
    a re-run converges either way."""
    data = restarted
    observe.add(data["figures"])
    victim = "SPOKE1" if save else "SPOKE2"
    hits = observe.scan(data["output"], data["rerun_output"], secrets=("Canary-PSK-rotated-", CANARY_NHRP))
    assert data["rc"] == 0, data["output"][-3000:]
    assert data["changed"][victim] != data["old"][victim]
    # saved: the restart changes nothing; not saved: the router boots its old configuration
    assert data["after_restart"][victim] == data["changed" if save else "old"][victim]
    assert data["rerun_rc"] == 0
    assert data["final"] == data["changed"]
    assert data["rerun_recap"][victim]["changed"] == (0 if save else 1), data["rerun_recap"]
    assert data["rerun_recap"]["HUB"]["changed"] == 0
    assert hits == 0
