"""Drift: on the converged seed topology, consecutive no-op runs of dmvpn.vyos.dmvpn on every
router with the endpoint site.yml computes (one task looped, each a full read-diff of the
router, as the roles run it), then a whole site.yml run (verify included): zero commits, zero
configuration sessions, nothing reported changed.

The lab is deterministic: a router answers the same read with the same text every time, so
the first no-op run shows what every later one would. Three are run (the first, and two to
show that a run leaves nothing behind that the next one reads differently); a loop of 100
showed nothing more and cost minutes."""

import pytest

from conftest import ROUTERS, SITE, all_output, recap

pytestmark = pytest.mark.lab

RUNS = 3
READ = "show configuration commands"


def test_no_op_runs_commit_nothing(seeded, observe):
    site = seeded()
    site.handle.thread.control(op="reset_counters")
    for name in ROUTERS:
        site.handle.journal(name, clear=True)
    plays = [{
        "name": "%d no-op runs of the roles' DMVPN task" % RUNS,
        "hosts": "dmvpn",
        "gather_facts": False,
        "tasks": [
            {"name": "endpoint", "no_log": True, "ansible.builtin.set_fact": {
                "endpoint": "{{ hostvars | dmvpn.vyos.dmvpn_endpoint(groups['dmvpn'], inventory_hostname) }}"}},
            {"name": "again", "dmvpn.vyos.dmvpn": {"config": "{{ endpoint }}", "state": "overridden", "save": True},
             "loop": "{{ range(%d) | list }}" % RUNS, "loop_control": {"loop_var": "drift_run"}},
        ],
    }]
    loops = site.playbook(plays, site.hosts_file, json_output=True)
    assert loops.rc == 0, all_output(loops)[-3000:]
    results = [r for name in ROUTERS for r in loops.result(name, "again")["results"]]
    assert len(results) == RUNS * len(ROUTERS), len(results)
    assert not any(r.get("changed") for r in results)
    assert all(r["commands"] == [] for r in results)
    # every run read each router afresh, once, and sent nothing else but the version query
    for name in ROUTERS:
        journal = site.handle.journal(name, clear=True)
        assert [line for mode, line in journal if line == READ] == [READ] * RUNS, journal
        assert all(mode == "op" for mode, line in journal), journal
    run = site.run(SITE)   # and a whole site.yml run, verify included
    assert run.rc == 0, all_output(run)[-3000:]
    assert all(stats["changed"] == 0 for stats in recap(run).values()), recap(run)
    counters = {name: site.handle.counters(name) for name in ROUTERS}
    commits = sum(c["commits"] for c in counters.values())
    observe.commits(commits)
    observe.logins(sum(c["logins"] for c in counters.values()))
    observe.note("runs", RUNS + 1)
    hits = observe.scan(all_output(loops), all_output(run))
    assert commits == 0 and all(c["config_sessions"] == 0 for c in counters.values()), counters
    assert hits == 0
