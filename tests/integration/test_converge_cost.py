"""What site.yml costs the routers of a via_hub DMVPN, counted on the lab (not timed):
commits, configuration lines, logins and shell round trips per router, for the phases of
benchmarks/converge.py (converge from blank routers, no-op re-run, change the PSK everywhere,
add one spoke) and removing that spoke again with remove_spoke.yml. A regression here (a
second commit, a redundant read, lines typed one round trip at a time, a spoke touched by
another spoke's change) fails the suite."""

import os
import sys

import pytest

from conftest import REPO, run_playbook

sys.path.insert(0, os.path.join(REPO, "benchmarks"))

import converge  # noqa: E402  benchmarks/converge.py
import topology  # noqa: E402  benchmarks/topology.py

# Counts, not times: 2 spokes show what 200 would. Every router gets about 30 lines (a spoke 30,
# the hub 27 + one route per spoke LAN), so typed one round trip per line a router would need
# 30 or more shell reads, above the bound of lines/2 + 10 (about 25: with one line per batch
# the hub needs 38); the other spokes stay untouched when one is added or removed; the
# benchmark measures 50 and 200.
SPOKES = 2
VERSION = "1.4"
NEW = topology.spoke_name(SPOKES)
REMOVE = os.path.join(REPO, "playbooks", "remove_spoke.yml")


@pytest.fixture
def network(lab, tmp_path):
    names = [name for name, dummy in topology.routers(SPOKES + 1)]
    handle = lab({name: VERSION for name in names})
    ports = {name: handle.port(name) for name in names}
    dest = topology.write(str(tmp_path / "inventory"), SPOKES, VERSION, extra_spokes=1, routing="via_hub", ports=ports)
    return handle, dest, ports


def run_phase(handle, dest, workdir, playbook=os.path.join(REPO, "playbooks", "site.yml"), *args):
    handle.thread.control(op="reset_counters")
    run = run_playbook(playbook, dest, workdir, ["--skip-tags", "verify"] + list(args),
                       json_output=False)
    assert run.rc == 0, run.stdout[-3000:] + run.stderr[-3000:]
    return {name: router.counters.as_dict() for name, router in handle.lab.routers.items()}


def committed(counters):
    return sorted(name for name, c in counters.items() if c["commits"])


@pytest.mark.long
def test_spokes_commits_lines_and_round_trips(network, tmp_path):
    handle, dest, ports = network
    workdir = str(tmp_path)
    desired = converge.desired_lines(dest, VERSION)
    members = sorted(desired)
    assert len(members) == SPOKES + 1

    # Converge from blank routers: one login and one commit per router, exactly the design's
    # lines, typed in batches (a few shell round trips, not one per line).
    counters = run_phase(handle, dest, workdir)
    assert committed(counters) == members
    for name in members:
        c = counters[name]
        assert (c["commits"], c["logins"], c["config_sessions"]) == (1, 1, 1), (name, c)
        assert c["config_lines"] == len(desired[name]) >= 29, name
        assert c["input_chunks"] < c["config_lines"] / 2 + 10, (name, c)
    assert counters[NEW]["logins"] == 0
    assert len([line for line in desired["HUB"] if line.startswith("set protocols static route 172.")]) == SPOKES

    # No-op re-run: every router is read once and nothing else (network_cli's terminal setup
    # and device info, the configuration, and whether a commit-confirm is pending).
    counters = run_phase(handle, dest, workdir)
    assert committed(counters) == []
    reads = {counters[name]["commands"] for name in members}
    assert len(reads) == 1 and reads.pop() <= 5, counters["HUB"]
    assert all(counters[n]["config_lines"] == 0 and counters[n]["config_sessions"] == 0 for n in members)
    assert all(counters[n]["logins"] == 1 for n in members)

    # Change the PSK everywhere: one line and one commit per router.
    topology.set_psk(dest, converge.NEW_PSK)
    counters = run_phase(handle, dest, workdir)
    assert committed(counters) == members
    assert all(counters[n]["config_lines"] == 1 and counters[n]["commits"] == 1 for n in members)
    before = {name: handle.running(name) for name in members}

    # Add one spoke (via-hub routing): only the hub (one route line) and the new spoke commit.
    topology.add_spoke(dest, SPOKES, port=ports[NEW])
    after = converge.desired_lines(dest, VERSION)
    counters = run_phase(handle, dest, workdir)
    assert committed(counters) == ["HUB", NEW]
    assert counters["HUB"]["config_lines"] == 1
    assert counters[NEW]["config_lines"] == len(after[NEW])
    assert sum(c["config_lines"] for c in counters.values()) == 1 + len(after[NEW])
    for name in ("HUB", NEW, topology.spoke_name(0)):
        running = handle.running(name)
        assert any(line.endswith("pre-shared-secret '%s'" % converge.NEW_PSK) for line in running), name

    # Remove it again (remove_spoke.yml): only the hub and the removed spoke commit, and every
    # other router holds exactly what it held before the spoke came.
    counters = run_phase(handle, dest, workdir, REMOVE, "-e", "dmvpn_remove=%s" % NEW)
    assert committed(counters) == ["HUB", NEW]
    assert {name: handle.running(name) for name in members} == before
    assert not any("tunnel" in line for line in handle.running(NEW))
