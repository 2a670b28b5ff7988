"""Drift: on the converged seed topology, 100 consecutive no-op runs of dmvpn.vyos.dmvpn on
every router with the endpoint site.yml computes (one task looped 100 times, each a full
read-diff of the router, as the roles run it), then site.yml once more: zero commits, zero
configuration sessions, nothing reported changed.

Why not 100 separate site.yml processes: one no-op site.yml run of this topology costs about
7-9 s on a 2-core machine (mostly ansible-core's own work per task and host), 100 of them
over 12 minutes of CI; what drifts, if anything, is the read-diff of the routers, which this
runs 100 times per router."""

import pytest

from conftest import SITE, all_output, recap, start_site

pytestmark = pytest.mark.lab

RUNS = 100
ROUTERS = ("HUB", "SPOKE1", "SPOKE2")


@pytest.fixture
def converged(tmp_path):
    site = start_site(str(tmp_path))
    yield site
    site.handle.thread.stop()


def test_hundred_no_op_runs_commit_nothing(converged, observe):
    site = converged
    site.handle.thread.control(op="reset_counters")
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
    runs = [site.run(SITE)]   # and a whole site.yml run (verify included)
    for run in runs:
        assert run.rc == 0, all_output(run)[-3000:]
        assert all(stats["changed"] == 0 for stats in recap(run).values()), recap(run)
    counters = {name: site.handle.counters(name) for name in ROUTERS}
    commits = sum(c["commits"] for c in counters.values())
    observe.commits(commits)
    observe.logins(sum(c["logins"] for c in counters.values()))
    observe.note("runs", RUNS + len(runs))
    hits = observe.scan(all_output(loops), *[all_output(run) for run in runs])
    assert commits == 0 and all(c["config_sessions"] == 0 for c in counters.values()), counters
    # every one of the 100 runs read each router afresh
    assert all(c["commands"] >= RUNS for c in counters.values()), counters
    assert hits == 0
