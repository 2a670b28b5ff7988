"""site.yml run the way an AWX sliced job runs it (issue 22 item 4): a DMVPN of 2 hubs and 40
spokes, converged by one full run, then run again as 4 slice jobs, each with an inventory that
holds only its slice's hosts. Every router must end exactly as after the full run - here
because no slice may change anything: the blast-radius guard (dmvpn_core/mass_delete.py)
refuses each router of a slice that has a hub before its commit, and a slice without a hub
stops at the inventory check before any router is touched.

How AWX slices (what the slice inventories below reproduce): "The inventory fed into
ansible-playbook is a pared-down version of the original inventory that only contains the
hosts in that particular slice" (AWX user guide, docs/docsite/rst/userguide/job_slices.rst,
"Job slice considerations"). The code: ansible/awx awx/main/models/inventory.py,
Inventory.get_script_data - the inventory's hosts ordered by name, slice n of N takes
hosts[n-1::N]; each group keeps only the slice's hosts (every group is still listed, empty
ones too, with its variables); _meta hostvars holds only the slice's hosts. So HUB and HUB2
(first by name) land in slices 1 and 2, and slices 3 and 4 hold spokes only.

Per routing mode (pinned for full_mesh and bgp; via_hub behaves as full_mesh for the hubs):
* full_mesh: slice 1's HUB would keep 11 of its 42 routes and lose its map to HUB2; each of its
  spokes 31 of 41 routes and HUB2's NHS: every router refused, nothing committed.
* bgp with listen ranges: the hubs name no spoke, but each spoke names both hubs (NHS and BGP
  neighbor) and each hub the other: slice 1's routers would lose HUB2 (the hub its iBGP peer and
  map, each spoke its second NHS): refused as well. BGP makes the hubs independent of the spoke
  list, not the spokes of the hub list; docs/job-slicing.md says how to run a DMVPN from AWX.
"""

import os
import re
import shutil
import sys

import pytest
import yaml

from conftest import REPO, run_playbook
from labkit import NO_VERIFY

sys.path.insert(0, os.path.join(REPO, "benchmarks"))

import topology  # noqa: E402  benchmarks/topology.py

SPOKES = 40
SLICES = 4
VERSION = "1.4"
SITE = os.path.join(REPO, "playbooks", "site.yml")
HUB2_VARS = {"dmvpn_tunnel_address": "10.0.255.254", "dmvpn_public_address": "198.51.100.45",
             "dmvpn_lan_prefixes": ["192.168.2.0/24"], "dmvpn_upstream_gateway": "198.51.100.46"}
REFUSED = re.compile(r"fatal: \[(\w+)\]: FAILED! => .*mass delete refused \(nothing was committed\): this run would "
                     r"remove ([^.]*)\.")


def write_network(dest, ports, routing):
    """The full inventory: topology's hub and spokes, plus HUB2."""
    topology.write(dest, SPOKES, VERSION, routing=routing, ports=ports)
    settings_path = os.path.join(dest, "group_vars", "dmvpn", "zz-benchmark.yml")
    with open(settings_path) as handle:
        settings = yaml.safe_load(handle)
    if routing == "bgp":
        settings["dmvpn_bgp_asn"] = 65000   # iBGP: the hubs reflect, listen ranges over the tunnel subnet
    with open(settings_path, "w") as out:
        yaml.safe_dump(settings, out)
    topology.write_host(dest, "HUB2", HUB2_VARS)
    hosts_path = os.path.join(dest, "hosts.yml")
    with open(hosts_path) as handle:
        inventory = yaml.safe_load(handle)
    inventory["all"]["children"]["dmvpn"]["children"]["dmvpn_hubs"]["hosts"]["HUB2"] = {"ansible_port": ports["HUB2"]}
    with open(hosts_path, "w") as out:
        yaml.safe_dump(inventory, out)


def slice_hosts(names, number, count=SLICES):
    """AWX's slice ``number`` (1-based) of ``count``: ordered by name, every count-th host."""
    return sorted(names)[number - 1::count]


def write_slice(full, dest, keep):
    """A copy of inventory ``full`` holding only the hosts ``keep``: groups keep their variables
    and only those members (an empty group stays, as AWX lists it), host_vars only theirs."""
    if os.path.exists(dest):
        shutil.rmtree(dest)
    shutil.copytree(full, dest)
    for name in os.listdir(os.path.join(dest, "host_vars")):
        if name[:-4] not in keep:
            os.remove(os.path.join(dest, "host_vars", name))
    hosts_path = os.path.join(dest, "hosts.yml")
    with open(hosts_path) as handle:
        inventory = yaml.safe_load(handle)
    for group in inventory["all"]["children"]["dmvpn"]["children"].values():
        group["hosts"] = {name: entry for name, entry in group["hosts"].items() if name in keep} or None
    with open(hosts_path, "w") as out:
        yaml.safe_dump(inventory, out)
    return dest


@pytest.mark.long
@pytest.mark.parametrize("routing", ["full_mesh", "bgp"])
def test_four_awx_slices_end_as_one_full_run_or_are_stopped_before_any_deletion(lab, tmp_path, routing):
    names = ["HUB", "HUB2"] + [topology.spoke_name(i) for i in range(SPOKES)]
    handle = lab({name: VERSION for name in names})
    ports = {name: handle.port(name) for name in names}
    full = str(tmp_path / "inventory")
    write_network(full, ports, routing)
    workdir = str(tmp_path)

    # The full run by the fleet engine: the same routers as network_cli leaves
    # (test_fleet.py compares them byte for byte) in a tenth of the controller's time; the
    # slice jobs below run as AWX runs them, through network_cli.
    run = run_playbook(SITE, full, workdir, NO_VERIFY + ("-e", "dmvpn_engine=fleet"), json_output=False)
    assert run.rc == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert "DMVPN fleet run: %d routers" % len(names) in run.stdout, run.stdout[-3000:]
    converged = {name: handle.running(name) for name in names}
    assert all(handle.counters(name)["commits"] == 1 for name in names)
    static = [line for line in converged["HUB"] if line.startswith("set protocols static route")]
    # full_mesh: 40 spoke LANs, HUB2's LAN and the default; bgp: the default only (the rest is BGP)
    assert len(static) == (SPOKES + 2 if routing == "full_mesh" else 1), static

    slices = [slice_hosts(names, number) for number in range(1, SLICES + 1)]
    assert [s[0] for s in slices] == ["HUB", "HUB2", "S0000", "S0001"] and sum(map(len, slices)) == len(names)
    for number, keep in enumerate(slices, 1):
        handle.thread.control(op="reset_counters")
        inventory = write_slice(full, str(tmp_path / ("slice%d" % number)), keep)
        run = run_playbook(SITE, inventory, workdir, NO_VERIFY, json_output=False)
        assert run.rc != 0, run.stdout[-3000:]
        counters = {name: handle.counters(name) for name in names}
        assert [name for name in names if counters[name]["commits"]] == [], number
        if number <= 2:
            # the slice's hub is refused with its counts before its commit. It is the hubs play's only
            # host, so ansible-playbook ends there (a play whose every host failed ends the run): the
            # slice's spokes are not even logged into (each would be refused too: test_mass_delete.py).
            refused = dict(REFUSED.findall(run.stdout))
            hub = keep[0]
            assert list(refused) == [hub], (number, run.stdout[-3000:])
            if routing == "full_mesh":
                assert refused[hub] == ("31 of its 42 static routes (at most 10 may go: max(5, 25%)); "
                                        "1 of its 1 NHRP entries (at most 0 may go: 25%)"), refused[hub]
            else:
                assert refused[hub] == "1 of its 1 NHRP entries (at most 0 may go: 25%)", refused[hub]
            assert all(counters[name]["config_sessions"] == 0 for name in names), number
            assert [name for name in names if counters[name]["logins"]] == [hub], number
        else:
            # no hub in the slice: the inventory check stops it, no router is touched
            assert "DMVPN inventory problems (no router was touched)" in run.stdout, run.stdout[-3000:]
            assert "this spoke has no hub" in run.stdout
            assert [name for name in names if counters[name]["logins"]] == [], number
        assert {name: handle.running(name) for name in names} == converged, number

    if routing == "full_mesh":
        # The guard is what stopped slice 1: allowed, slice 1's spokes commit (the run limited to them:
        # the hub's own change, dropping its last NHRP map, is another story) and each keeps 10 of its
        # 41 routes (the 9 other spokes it sees and HUB's LAN) - the damage the guard prevents.
        handle.thread.control(op="reset_counters")
        run = run_playbook(SITE, str(tmp_path / "slice1"), workdir, NO_VERIFY + (
            "--limit", "dmvpn_spokes", "-e", "dmvpn_allow_partial=true", "-e", "dmvpn_allow_mass_delete=true"),
            json_output=False)
        assert run.rc == 0, run.stdout[-3000:]
        assert [name for name in names if handle.counters(name)["commits"]] == sorted(slices[0][1:])
        for name in slices[0][1:]:
            routes = [line for line in handle.running(name) if line.startswith("set protocols static route")]
            before = [line for line in converged[name] if line.startswith("set protocols static route")]
            assert (len(before), len(routes)) == (41, 10), name
