"""What site.yml costs the routers of a 20-spoke DMVPN, counted on the lab (not timed):
commits, configuration lines, logins and shell round trips per router, for the four phases
of benchmarks/converge.py: converge from blank routers, no-op re-run, add one spoke, change
the PSK everywhere. A regression here (a second commit, a redundant read, lines typed one
round trip at a time, a spoke touched by another spoke's change) fails the suite."""

import os
import sys

import pytest

from conftest import REPO, run_playbook

sys.path.insert(0, os.path.join(REPO, "benchmarks"))

import converge  # noqa: E402  benchmarks/converge.py
import topology  # noqa: E402  benchmarks/topology.py

# 20 spokes: the hub gets more lines than one batch, and every spoke enough that typing them one
# round trip at a time would fail the round-trip bound (the benchmark measures 50 and 200).
SPOKES = 20
VERSION = "1.4"
NEW = topology.spoke_name(SPOKES)


@pytest.fixture
def network(lab, tmp_path):
    names = [name for name, dummy in topology.routers(SPOKES + 1)]
    handle = lab({name: VERSION for name in names})
    ports = {name: handle.port(name) for name in names}
    dest = topology.write(str(tmp_path / "inventory"), SPOKES, VERSION, extra_spokes=1, routing="via_hub", ports=ports)
    return handle, dest, ports


def run_phase(handle, dest, workdir):
    handle.thread.control(op="reset_counters")
    run = run_playbook(os.path.join(REPO, "playbooks", "site.yml"), dest, workdir, ["--skip-tags", "verify"],
                       json_output=False)
    assert run.rc == 0, run.stdout[-3000:] + run.stderr[-3000:]
    return {name: router.counters.as_dict() for name, router in handle.lab.routers.items()}


def committed(counters):
    return sorted(name for name, c in counters.items() if c["commits"])


def test_spokes_commits_lines_and_round_trips(network, tmp_path):
    handle, dest, ports = network
    workdir = str(tmp_path)
    desired = converge.desired_lines(dest, VERSION)
    members = sorted(desired)

    # Converge from blank routers: one login and one commit per router, exactly the design's
    # lines, typed in batches (a few shell round trips, not one per line).
    counters = run_phase(handle, dest, workdir)
    assert committed(counters) == members
    for name in members:
        c = counters[name]
        assert (c["commits"], c["logins"], c["config_sessions"]) == (1, 1, 1), (name, c)
        assert c["config_lines"] == len(desired[name]), name
        assert c["input_chunks"] < c["config_lines"] / 2 + 10, (name, c)
    assert counters[NEW]["logins"] == 0
    hub_lines = counters["HUB"]["config_lines"]
    assert hub_lines == len(desired["HUB"]) > SPOKES  # one route per spoke LAN

    # No-op re-run: every router is read once and nothing else.
    counters = run_phase(handle, dest, workdir)
    assert committed(counters) == []
    reads = {counters[name]["commands"] for name in members}
    assert len(reads) == 1 and reads.pop() <= 4, counters["HUB"]
    assert all(counters[n]["config_lines"] == 0 and counters[n]["config_sessions"] == 0 for n in members)
    assert all(counters[n]["logins"] == 1 for n in members)

    # Add one spoke (via-hub routing): only the hub (one route line) and the new spoke commit.
    topology.add_spoke(dest, SPOKES, port=ports[NEW])
    after = converge.desired_lines(dest, VERSION)
    counters = run_phase(handle, dest, workdir)
    assert committed(counters) == ["HUB", NEW]
    assert counters["HUB"]["config_lines"] == 1
    assert counters[NEW]["config_lines"] == len(after[NEW])
    assert sum(c["config_lines"] for c in counters.values()) == 1 + len(after[NEW])

    # Change the PSK everywhere: one line and one commit per router.
    topology.set_psk(dest, converge.NEW_PSK)
    counters = run_phase(handle, dest, workdir)
    assert committed(counters) == sorted(after)
    assert all(counters[n]["config_lines"] == 1 and counters[n]["commits"] == 1 for n in after)
    for name in ("HUB", NEW, topology.spoke_name(0)):
        running = handle.running(name)
        assert any(line.endswith("pre-shared-secret '%s'" % converge.NEW_PSK) for line in running), name
