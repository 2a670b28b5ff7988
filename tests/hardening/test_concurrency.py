"""Concurrency: 200 routers in one run with forks 20; two site.yml runs at once against the
same routers (they take turns: each router ends exactly as one of them wants, never a mix);
a commit by someone else between our read and our commit (our change is discarded, nothing
is mixed, a re-run converges)."""

import os
import sys
import threading

import pytest

from conftest import CANARIES, CANARY_PSK, REPO, SITE, HardeningSite, all_output, recap, run_playbook, start_site

sys.path.insert(0, os.path.join(REPO, "benchmarks"))

import topology  # noqa: E402  benchmarks/topology.py

pytestmark = pytest.mark.lab

ROUTERS = ("HUB", "SPOKE1", "SPOKE2")


def test_two_hundred_routers_in_one_run_with_forks_20(lab, tmp_path, observe):
    spokes = 199
    names = [name for name, dummy in topology.routers(spokes)]
    handle = lab({name: "1.4" for name in names})
    ports = {name: handle.port(name) for name in names}
    dest = topology.write(str(tmp_path / "inventory"), spokes, "1.4", routing="via_hub", ports=ports)
    run = run_playbook(SITE, dest, str(tmp_path), ["--skip-tags", "verify", "--forks", "20"], json_output=False)
    output = all_output(run)
    observe.scan(output, secrets=(topology.BENCHMARK_NHRP_SECRET, topology.BENCHMARK_PSK))
    counters = {name: handle.counters(name) for name in names}
    observe.commits(sum(c["commits"] for c in counters.values()))
    observe.logins(sum(c["logins"] for c in counters.values()))
    assert run.rc == 0, output[-3000:]
    stats = recap(run)
    assert len(names) == 200 and all(stats[name]["failed"] == 0 and stats[name]["unreachable"] == 0 for name in names)
    # every router committed once and holds its tunnel with the hub's address mapped
    assert all(counters[name]["commits"] == 1 for name in names), [n for n in names if counters[n]["commits"] != 1]
    hub_lines = handle.running("HUB")
    assert sum(1 for line in hub_lines if line.startswith("set protocols static route ")) >= spokes
    for name in names[1:]:
        assert any("tunnel tun0 address" in line for line in handle.running(name)), name


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    site = start_site(str(tmp_path_factory.mktemp("concurrency")))
    yield site
    site.handle.thread.stop()


def owned(site, name):
    """(description, PSK) a router holds now."""
    lines = site.handle.running(name)
    description = next((line.split(" description ", 1)[1] for line in lines if "tunnel tun0 description" in line), None)
    psk = next((line.rsplit(" ", 1)[1] for line in lines if "authentication pre-shared-secret '" in line), None)
    return description, psk


@pytest.mark.parametrize("trial", range(2), ids=["together", "A-first"])
def test_two_site_runs_at_once_never_mix(shared, tmp_path, observe, trial):
    """Run A changes the description and the PSK, run B only the description: run both at once
    (every commit made slow, so they overlap). Each router must end exactly as A or B wants."""
    site = shared
    for name in ROUTERS:
        site.handle.fault(name, commit_delay_ms=800)
    site_a = HardeningSite(site.handle, str(tmp_path / "a"), site.playbook)
    site_b = HardeningSite(site.handle, str(tmp_path / "b"), site.playbook)
    psk_a = "Canary-PSK-run-A-%d" % trial
    site_a.set(dmvpn_tunnel_description="run A %d" % trial, dmvpn_ipsec_psk=psk_a)
    site_b.set(dmvpn_tunnel_description="run B %d" % trial, dmvpn_ipsec_psk=CANARY_PSK)
    runs = {}
    delays = [(0, 0), (0, 0.5)][trial]   # B starts with A, or half a second after it

    def go(key, target, delay):
        threading.Event().wait(delay)
        runs[key] = target.run(SITE, "--skip-tags", "verify")

    threads = [threading.Thread(target=go, args=("A", site_a, delays[0])),
               threading.Thread(target=go, args=("B", site_b, delays[1]))]
    try:
        with observe.counting(site):
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(600)
    finally:
        for name in ROUTERS:
            site.handle.thread.control(op="clear_faults", router=name)
    outputs = [all_output(run) for run in runs.values()]
    hits = observe.scan(*outputs, secrets=CANARIES + (psk_a,))
    wanted = {"A": ("'run A %d'" % trial, "'%s'" % psk_a), "B": ("'run B %d'" % trial, "'%s'" % CANARY_PSK)}
    ended = {name: owned(site, name) for name in ROUTERS}
    for name, state in ended.items():
        assert state in wanted.values(), "%s holds a mix: %s" % (name, state)
    for run in runs.values():
        if run.rc != 0:  # a run may only fail by saying the router changed under it
            assert "changed after this run read it" in all_output(run) or "another run on this controller" in all_output(run)
    observe.note("ended", {name: [k for k, v in wanted.items() if v == state][0] for name, state in ended.items()})
    observe.note("runs_rc", {key: run.rc for key, run in runs.items()})
    assert hits == 0
    # whichever ended, the other re-run converges to it, and then changes nothing more
    again = site_b.run(SITE, "--skip-tags", "verify")
    assert again.rc == 0 and all(owned(site, name) == wanted["B"] for name in ROUTERS)
    site.extra = dict(site_b.extra)
    site.write_extra()


def test_a_commit_by_someone_else_meanwhile_is_never_mixed_in(shared, observe):
    """Between our read and our commit an operator commits another change on SPOKE1 (the lab
    does it when our session enters configuration mode): our change there is discarded, the
    operator's stays alone, and a re-run converges on top of it."""
    site = shared
    operator_line = "set system domain-name 'operator.example'"
    site.handle.thread.control(op="fault", router="SPOKE1",
                               set={"foreign_commit": {"on": "^configure", "lines": [operator_line]}})
    before = site.handle.running("SPOKE1")
    site.set(dmvpn_tunnel_description="after the operator")
    with observe.counting(site):
        run = site.run(SITE, "--skip-tags", "verify")
        now = site.handle.running("SPOKE1")
        rerun = site.run(SITE, "--skip-tags", "verify")
    output = all_output(run)
    assert run.rc != 0 and recap(run)["SPOKE1"]["failed"] == 1
    assert "changed after this run read it" in output and "nothing was committed" in output
    assert sorted(set(now) ^ set(before)) == [operator_line]   # the operator's change alone
    assert rerun.rc == 0
    final = site.handle.running("SPOKE1")
    assert operator_line in final and "set interfaces tunnel tun0 description 'after the operator'" in final
    assert observe.scan(output, all_output(rerun)) == 0
