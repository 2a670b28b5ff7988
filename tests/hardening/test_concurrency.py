"""Concurrency: a handful of routers in one run with fewer forks than routers (the 200-router
version is a benchmark: ./dev bench scale); two site.yml runs at once against the same routers
(they take turns: each router ends exactly as the run that committed on it last wants, with
the other run's change complete before it, never a mix); a commit by someone else between our
read and our commit (our change there is discarded, nothing is mixed, a re-run converges)."""

import os
import sys
import threading
import time

import pytest

from conftest import CANARIES, CANARY_PSK, REPO, ROUTERS, SITE, HardeningSite, all_output, playbook_runner, recap

pytestmark = pytest.mark.lab

sys.path.insert(0, os.path.join(REPO, "benchmarks"))

import topology  # noqa: E402  benchmarks/topology.py

SPOKES = 3
FORKS = 2


def test_a_handful_of_routers_in_one_run_with_fewer_forks(lab, tmp_path, observe):
    """One hub and three spokes from blank routers, forks 2: every router committed once and
    holds its own tunnel address, the hub a route to every spoke's LAN via that spoke."""
    names = [name for name, dummy in topology.routers(SPOKES)]
    handle = lab({name: "1.4" for name in names})
    ports = {name: handle.port(name) for name in names}
    dest = topology.write(str(tmp_path / "inventory"), SPOKES, "1.4", routing="via_hub", ports=ports)
    run = playbook_runner(str(tmp_path))(SITE, os.path.join(dest, "hosts.yml"), "--skip-tags", "verify",
                                         "--forks", str(FORKS), json_output=False)
    output = all_output(run)
    observe.scan(output, secrets=(topology.BENCHMARK_NHRP_SECRET, topology.BENCHMARK_PSK))
    counters = {name: handle.counters(name) for name in names}
    observe.commits(sum(c["commits"] for c in counters.values()))
    observe.logins(sum(c["logins"] for c in counters.values()))
    assert run.rc == 0, output[-3000:]
    stats = recap(run)
    assert all(stats[name]["failed"] == 0 and stats[name]["unreachable"] == 0 for name in names)
    assert {name: counters[name]["commits"] for name in names} == {name: 1 for name in names}
    hub = handle.running("HUB")
    for index, name in enumerate(names[1:]):
        spoke = topology.spoke_vars(index)
        lan, tunnel_ip = spoke["dmvpn_lan_prefixes"][0], spoke["dmvpn_tunnel_address"]
        assert "set protocols static route %s next-hop %s" % (lan, tunnel_ip) in hub, name
        assert "set interfaces tunnel tun0 address '%s/16'" % tunnel_ip in handle.running(name), name


def owned(lines):
    """(description, PSK) a router's configuration holds."""
    description = next((line.split(" description ", 1)[1] for line in lines if "tunnel tun0 description" in line), None)
    psk = next((line.rsplit(" ", 1)[1] for line in lines if "authentication pre-shared-secret '" in line), None)
    return description, psk


def wait_for(predicate, timeout=120):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


@pytest.mark.parametrize("trial", ["together", "B-after-A-holds-HUB"])
def test_two_site_runs_at_once_never_mix(seeded, tmp_path, observe, trial):
    """Run A changes the description and the PSK, run B only the description (its PSK is the
    seed's), every commit made slow so they overlap. They take turns on every router (a lock per
    router, held from the read to the commit): both succeed, every router commits twice, and
    each ends exactly as the run that committed on it last wants, the other run's change
    complete just before. Started together, either run may be first on a router; started once
    A is inside its configuration session on HUB, B is last everywhere."""
    site = seeded()
    for name in ROUTERS:
        site.handle.fault(name, commit_delay_ms=800)
    site_a = HardeningSite(site.handle, str(tmp_path / "a"), site.playbook)
    site_b = HardeningSite(site.handle, str(tmp_path / "b"), site.playbook)
    psk_a = "Canary-PSK-run-A"
    for each, description, psk in ((site_a, "run A", psk_a), (site_b, "run B", CANARY_PSK)):
        each.set(dmvpn_tunnel_description=description, dmvpn_ipsec_psk=psk, dmvpn_manage_underlay=False)
    wanted = {"A": ("'run A'", "'%s'" % psk_a), "B": ("'run B'", "'%s'" % CANARY_PSK)}
    history = {name: len(site.handle.router(name).history) for name in ROUTERS}
    for name in ROUTERS:
        site.handle.journal(name, clear=True)
    runs = {}

    def go(key, target):
        runs[key] = target.run(SITE, "--skip-tags", "verify")

    threads = {key: threading.Thread(target=go, args=(key, target)) for key, target in (("A", site_a), ("B", site_b))}
    with observe.counting(site):
        threads["A"].start()
        if trial != "together":
            assert wait_for(lambda: ("op", "configure") in site.handle.journal("HUB"))
        threads["B"].start()
        for thread in threads.values():
            thread.join(600)
    outputs = [all_output(run) for run in runs.values()]
    assert observe.scan(*outputs, secrets=CANARIES + (psk_a,)) == 0
    assert {key: run.rc for key, run in runs.items()} == {"A": 0, "B": 0}, outputs
    last = {}
    for name in ROUTERS:
        revisions = site.handle.router(name).history
        assert len(revisions) - history[name] == 2, name     # one commit of each run
        states = [owned(revision.config.commands()) for revision in revisions[:2]]   # newest first
        assert sorted(states) == sorted(wanted.values()), (name, states)   # each run's change, in full
        last[name] = next(key for key, state in wanted.items() if state == states[0])
        assert owned(site.handle.running(name)) == states[0]
    observe.note("last", last)
    if trial != "together":
        assert last == {name: "B" for name in ROUTERS}
        return
    # the run that went first on a router, re-run, converges it to its own state
    again = site_b.run(SITE, "--skip-tags", "verify")
    assert again.rc == 0 and all(owned(site.handle.running(name)) == wanted["B"] for name in ROUTERS)
    assert all(stats["changed"] == (last[name] == "A") for name, stats in recap(again).items() if name in ROUTERS)


def test_a_commit_by_someone_else_meanwhile_is_never_mixed_in(seeded, observe):
    """Between our read and our commit an operator commits another change on SPOKE1 (the lab
    does it when our session enters configuration mode): our change there is discarded, the
    operator's stays alone, HUB and SPOKE2 take ours, and a re-run converges on top of it."""
    site = seeded()
    operator_line = "set system domain-name 'operator.example'"
    site.handle.fault("SPOKE1", foreign_commit={"on": "^configure", "lines": [operator_line]})
    before = site.running()
    site.set(dmvpn_tunnel_description="after the operator")
    ours = "set interfaces tunnel tun0 description 'after the operator'"
    with observe.counting(site):
        run = site.playbook(SITE, site.hosts_file, "--skip-tags", "verify", json_output=True)
        now = site.running()
        rerun = site.run(SITE, "--skip-tags", "verify")
    output = all_output(run)
    assert run.rc != 0
    failed = [r for r in run.results("SPOKE1") if r.get("failed")]
    assert [r["msg"] for r in failed] == [
        "the router's running configuration changed after this run read it (another session committed meanwhile); "
        "this run's change was discarded and nothing was committed. Re-run to converge from the new state"]
    assert sorted(set(now["SPOKE1"]) ^ set(before["SPOKE1"])) == [operator_line]   # the operator's change alone
    for name in ("HUB", "SPOKE2"):
        assert sorted(set(now[name]) - set(before[name])) == [ours], name
    assert rerun.rc == 0
    assert recap(rerun)["SPOKE1"]["changed"] == 1 and recap(rerun)["HUB"]["changed"] == 0
    final = site.handle.running("SPOKE1")
    assert operator_line in final and ours in final
    assert observe.scan(output, all_output(rerun)) == 0
