"""playbooks/site.yml, verify.yml and remove_spoke.yml on the lab inventory: the guide's
topology on every VyOS version (three DMVPNs in one inventory) with a wrong PSK, a commit-confirm
whose session dies and the repair, adding and removing a spoke, bad inventories touching nothing."""

import os
import shutil
import time

import pytest
import yaml

from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import configtree as ct
from conftest import REPO, underlay_lines
from labkit import SITE, recap, seed_lines, site, verify_rows  # noqa: F401 pylint: disable=unused-import

pytestmark = pytest.mark.lab

LAB = os.path.join(REPO, "inventories", "lab")
REMOVE = os.path.join(REPO, "playbooks", "remove_spoke.yml")
VERIFY = os.path.join(REPO, "playbooks", "verify.yml")
SPOKE3 = {
    "dmvpn_spoke_id": 4, "dmvpn_public_address": "dhcp", "dmvpn_lan_prefixes": ["192.168.4.0/24"],
    "dmvpn_underlay": {"hostname": "SPOKE3", "interfaces": [
        {"name": "eth0", "address": "dhcp"}, {"name": "eth1", "address": "192.168.4.1/24"}]},
}
SPOKE3_ROUTE = "set protocols static route 192.168.4.0/24 next-hop 10.0.0.4"
GUIDE_HUB_ADDRESS = "198.51.100.41"  # the hub's public address in the guide (tests/fixtures/seed)
# The guide's topology once per VyOS version: {network: {router of inventories/lab: version}}.
# (1.4: test_adding_and_removing_a_spoke and Molecule's default scenario; versions mixed in one
# DMVPN, with static routes and with BGP: test_bgp_dual_hub.py.)
NETWORKS = {
    "v12": {"HUB": "1.2", "SPOKE1": "1.2", "SPOKE2": "1.2"},
    "v13": {"HUB": "1.3", "SPOKE1": "1.3", "SPOKE2": "1.3"},
    "v15": {"HUB": "1.5", "SPOKE1": "1.5", "SPOKE2": "1.5"},
}


def _load(path):
    with open(path) as handle:
        return yaml.safe_load(handle)


def _dump(data, path):
    with open(path, "w") as out:
        yaml.safe_dump(data, out)


def write_networks_inventory(handle, dest):
    """inventories/lab's group_vars with the guide's three routers once per network of NETWORKS
    (HUB_V12, SPOKE1_V12, ...), each network's hub on a public address of its own, the
    networks listed in dmvpn_network_groups. Returns ({host: (network's hub address, version,
    router of inventories/lab)}, hosts file)."""
    shutil.copytree(os.path.join(LAB, "group_vars"), os.path.join(dest, "group_vars"))
    os.makedirs(os.path.join(dest, "host_vars"))
    groups = {"dmvpn_hubs": {}, "dmvpn_spokes": {}}
    networks, plan = {}, {}
    for index, (network, routers) in enumerate(NETWORKS.items()):
        address = "198.51.100.%d" % (41 + 4 * index)  # .41, .45, ...: each the first host of a /30
        members = {}
        for router, version in routers.items():
            host = "%s_%s" % (router, network.upper())
            host_vars = _load(os.path.join(LAB, "host_vars", router + ".yml"))
            if router == "HUB":
                host_vars["dmvpn_public_address"] = address
                host_vars["dmvpn_underlay"]["interfaces"][0]["address"] = address + "/30"
            _dump(host_vars, os.path.join(dest, "host_vars", host + ".yml"))
            groups["dmvpn_hubs" if router == "HUB" else "dmvpn_spokes"][host] = {"ansible_port": handle.port(host)}
            members[host] = {}
            plan[host] = (address, version, router)
        networks["net_" + network] = {"hosts": members, "vars": {"dmvpn_hosts": "{{ groups['net_%s'] }}" % network}}
    inventory = {"all": {
        "vars": {"dmvpn_network_groups": sorted(networks)},
        "children": dict(networks, dmvpn={"children": {name: {"hosts": hosts} for name, hosts in groups.items()}})}}
    hosts_file = os.path.join(dest, "hosts.yml")
    _dump(inventory, hosts_file)
    return plan, hosts_file


@pytest.mark.long
def test_every_version_in_one_inventory_a_wrong_psk_a_lost_commit_confirm_and_the_repair(lab, playbook, tmp_path):
    """Three DMVPNs in one inventory (dmvpn_network_groups), the guide's topology on 1.2, 1.3 and
    1.5:
    1. site.yml converges every router to the guide's configuration in its own version's syntax;
    2. a wrong PSK loaded by hand on SPOKE2_V15: verify.yml (of that DMVPN) fails naming it
       (IPsec), no key shown;
    3. site.yml with dmvpn_commit_confirm repairs it, but the session dies after commit-confirm:
       the play names the spoke and the router rolls back by itself;
    4. site.yml without the fault: SPOKE2_V15 repaired (one commit), nothing else changed,
       committed or even entered configuration mode (every other router of every version is
       idempotent), verify passes for every DMVPN."""
    routers = {"%s_%s" % (router, network.upper()): version
               for network, members in NETWORKS.items() for router, version in members.items()}
    handle = lab(routers, minute_seconds=0.5)
    plan, hosts_file = write_networks_inventory(handle, str(tmp_path / "inventory"))

    # 1. converge
    first = playbook(SITE, hosts_file, "--skip-tags", "verify", json_output=False)
    assert first.rc == 0, first.stdout[-4000:]
    for host, (address, version, router) in plan.items():
        running = ct.parse_show_commands("\n".join(handle.running(host)))
        expected = ct.parse_set_lines([line.replace(GUIDE_HUB_ADDRESS, address)
                                       for line in seed_lines(version, router.lower())])
        # the router holds the guide's configuration in its own version's syntax (+ the lab's defaults)
        missing = set(expected.paths()) - set(running.paths())
        assert not missing, (host, sorted(missing))
    converged = {host: handle.running(host) for host in routers}

    # 2. the wrong key reaches SPOKE2_V15 (by hand, as an operator error could): verify catches it
    victim = "SPOKE2_V15"
    wrong = handle.load(victim, [line.replace("pre-shared-secret 'SECRET'", "pre-shared-secret 'WRONGPSK'")
                                 for line in converged[victim]])
    assert wrong != converged[victim]
    # (verify.yml of that one DMVPN: its routers and dmvpn_network_groups narrowed to it)
    verify = playbook(VERIFY, hosts_file, "--limit", "localhost,net_v15", "-e", '{"dmvpn_network_groups": ["net_v15"]}',
                      json_output=False)
    assert verify.rc != 0
    output = verify.stdout + verify.stderr
    assert "DMVPN verification failed" in output
    table = output[output.index("DMVPN verification failed"):]
    rows = verify_rows(table)
    # the victim's DMVPN fails: its spoke is not registered, it has no SA up; the other spoke's
    # ping gets no reply, and its row names the victim as the cause (issue 19 item 12)
    assert {host: row.split()[-1] for host, row in rows.items() if host != "SPOKE1_V15"} == \
        {"HUB_V15": "FAIL", victim: "FAIL"}, table[:3000]
    assert rows["SPOKE1_V15"] == \
        "spoke 1/1 1/1 0 ping 192.168.3.1 failed: cause at SPOKE2_V15 (not registered at HUB_V15)", rows
    assert rows[victim].startswith("spoke 0/1 0/1 ") and rows[victim].endswith(" FAIL"), rows
    # (1.5's show vpn ipsec sa lists child SAs only: the victim's SA never establishes, so it
    # has no row at all; vyos-1x src/op_mode/ipsec.py show_sa, circinus d5322412e)
    assert "IPsec: 0 of 1 SAs up" in table, table[:3000]
    assert "SECRET" not in output and "WRONGPSK" not in output

    # 3. the repair commits with commit-confirm, then the session dies before it can confirm
    handle.fault(victim, drop_on_command="^run show host name")
    # (dmvpn_allow_partial: the limit leaves out the victim's hub and the other spoke, whose
    # routes are built from it; this repair changes only the victim's key)
    lost = playbook(SITE, hosts_file, "--limit", "localhost," + victim, "-e", "dmvpn_verify=false",
                    "-e", "dmvpn_allow_partial=true",
                    "-e", "dmvpn_commit_confirm=1", json_output=False)
    assert lost.rc != 0
    assert "fatal: [%s]" % victim in lost.stdout + lost.stderr, lost.stdout[-3000:]
    deadline = time.time() + 10
    while time.time() < deadline and handle.counters(victim)["rollbacks"] == 0:
        time.sleep(0.1)
    assert handle.counters(victim)["rollbacks"] == 1
    assert handle.running(victim) == wrong
    handle.thread.control(op="clear_faults", router=victim)

    # 4. site.yml repairs SPOKE2_V15, changes nothing anywhere else, and verify passes
    handle.thread.control(op="reset_counters")
    repaired = playbook(SITE, hosts_file, json_output=False)
    assert repaired.rc == 0, repaired.stdout[-4000:]
    stats = recap(repaired)
    # (the validation and verify plays run once, delegated to localhost: no recap line of their own)
    assert set(stats) == set(routers)
    assert {host: host_stats["changed"] for host, host_stats in stats.items() if host_stats["changed"]} == {victim: 1}
    counters = {name: handle.counters(name) for name in routers}
    assert {name: c["commits"] for name, c in counters.items() if c["commits"]} == {victim: 1}
    # every other router, of every version, was only read: no configuration session, no line sent
    assert {name: (c["config_sessions"], c["config_lines"]) for name, c in counters.items() if name != victim} == \
        {name: (0, 0) for name in routers if name != victim}
    assert {host: handle.running(host) for host in routers} == converged
    # verify's table: every hub has both spokes of its own network registered, every router is OK
    rows = verify_rows(repaired.stdout)
    for host, (address, version, router) in plan.items():
        assert rows[host].startswith("hub 2/2 " if router == "HUB" else "spoke 1/1 "), (host, rows)
        assert rows[host].endswith(" OK"), (host, rows)


@pytest.mark.long
def test_adding_and_removing_a_spoke(site):
    """full_mesh: adding SPOKE3 (inventory edit + site.yml) commits on the hub, SPOKE3 and exactly
    one route line on each old spoke; remove_spoke.yml puts every router back exactly. (The
    routers start with their underlay, dmvpn_manage_underlay is off: the roles' underlay tasks,
    on every version, are test_every_version_...'s.)"""
    s = site("1.4", names=("HUB", "SPOKE1", "SPOKE2", "SPOKE3"))
    for name in ("HUB", "SPOKE1", "SPOKE2"):
        s.handle.load(name, s.handle.running(name) + underlay_lines(_load(os.path.join(LAB, "host_vars", name + ".yml"))))
    s.handle.load("SPOKE3", s.handle.running("SPOKE3") + underlay_lines(SPOKE3))
    s.set_group_var("dmvpn_manage_underlay", False)
    assert s.run().rc == 0  # (verify included: what remove_spoke.yml must restore is a working DMVPN)
    before = s.running()
    commits = s.commits()
    s.add_spoke("SPOKE3", SPOKE3)
    added = s.run()
    assert added.rc == 0, added.stdout[-4000:]
    after = s.commits()
    assert sorted(name for name in after if after[name] != commits[name]) == ["HUB", "SPOKE1", "SPOKE2", "SPOKE3"]
    for name in ("HUB", "SPOKE1", "SPOKE2"):
        assert after[name] == commits[name] + 1, name
    for name in ("SPOKE1", "SPOKE2"):
        assert s.handle.counters(name)["last_commit_lines"] == [SPOKE3_ROUTE], name
    assert SPOKE3_ROUTE in s.handle.running("HUB")
    rows = verify_rows(added.stdout)
    assert sorted(rows) == ["HUB", "SPOKE1", "SPOKE2", "SPOKE3"], added.stdout[-4000:]
    assert rows["HUB"].startswith("hub 3/3 ") and rows["SPOKE3"].startswith("spoke 1/1 "), rows
    assert all(row.endswith(" OK") for row in rows.values()), rows
    # and away again
    removed = s.run(REMOVE, "-e", "dmvpn_remove=SPOKE3")
    assert removed.rc == 0, removed.stdout[-4000:]
    s.drop_host("SPOKE3")
    now = s.running()
    for name in ("HUB", "SPOKE1", "SPOKE2"):
        assert now[name] == before[name], name
    assert not any("tunnel" in line for line in now["SPOKE3"])


def test_a_bad_inventory_reports_every_problem_and_touches_no_router(site):
    s = site("1.4")
    with open(os.path.join(s.inventory, "host_vars", "SPOKE1.yml"), "a") as out:
        out.write("dmvpn_spoke_id: 3\ndmvpn_gre_key: 99999999999\n")
    with open(os.path.join(s.inventory, "host_vars", "HUB.yml"), "a") as out:
        out.write("dmvpn_lan_prefixes: [192.168.2.0/23]\ndmvpn_public_address: dhcp\n")
    with open(os.path.join(s.inventory, "host_vars", "SPOKE2.yml"), "a") as out:
        out.write("dmvpn_ipsec_psk: WRONGPSK\n")  # a PSK that differs from the others'
    run = s.run()
    assert run.rc != 0
    output = run.stdout + run.stderr
    for text in ("SPOKE2: dmvpn_spoke_id: 10.0.0.3 is also the tunnel address of SPOKE1",
                 "SPOKE1: dmvpn_gre_key: 99999999999 is out of range", "HUB: dmvpn_public_address: a hub needs a fixed public",
                 "SPOKE1: dmvpn_lan_prefixes: 192.168.2.0/24 overlaps 192.168.2.0/23 of HUB",
                 "SPOKE2: dmvpn_ipsec_psk: differs"):
        assert text in output, output[-3000:]
    assert "WRONGPSK" not in output and "SECRET" not in output
    for name in ("HUB", "SPOKE1", "SPOKE2"):
        counters = s.handle.counters(name)
        assert counters["logins"] == 0 and counters["commits"] == 0
