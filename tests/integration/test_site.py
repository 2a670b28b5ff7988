"""playbooks/site.yml, verify.yml and remove_spoke.yml on the lab inventory: the guide's
topology from one inventory, adding and removing a spoke, bad inventories touching nothing."""

import os

import pytest

from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import configtree as ct
from conftest import REPO
from labkit import recap, seed_lines, site  # noqa: F401 pylint: disable=unused-import

pytestmark = pytest.mark.lab

REMOVE = os.path.join(REPO, "playbooks", "remove_spoke.yml")
SPOKE3 = {
    "dmvpn_spoke_id": 4, "dmvpn_public_address": "dhcp", "dmvpn_lan_prefixes": ["192.168.4.0/24"],
    "dmvpn_underlay": {"hostname": "SPOKE3", "interfaces": [
        {"name": "eth0", "address": "dhcp"}, {"name": "eth1", "address": "192.168.4.1/24"}]},
}


@pytest.mark.parametrize("version", ["1.2", "1.5"])
def test_site_converges_the_guides_topology_then_changes_nothing(site, version):
    s = site(version)
    first = s.run()
    assert first.rc == 0, first.stdout[-4000:]
    assert "HUB                  hub    2/2" in first.stdout  # verify's table
    for name in ("HUB", "SPOKE1", "SPOKE2"):
        running = ct.parse_show_commands("\n".join(s.handle.running(name)))
        expected = ct.parse_set_lines(seed_lines(version, name.lower()))
        # the router holds the guide's configuration (+ the lab's own defaults)
        assert set(expected.paths()) <= set(running.paths()), name
    commits = s.commits()
    second = s.run()
    assert second.rc == 0
    assert all(stats["changed"] == 0 for stats in recap(second).values()), recap(second)
    assert s.commits() == commits


@pytest.mark.parametrize("routing", ["full_mesh", "via_hub"])
def test_adding_and_removing_a_spoke(site, routing):
    s = site("1.4", names=("HUB", "SPOKE1", "SPOKE2", "SPOKE3"))
    s.set_group_var("dmvpn_routing", routing)
    assert s.run().rc == 0
    before = s.running()
    commits = s.commits()
    s.add_spoke("SPOKE3", SPOKE3)
    added = s.run()
    assert added.rc == 0, added.stdout[-4000:]
    after = s.commits()
    committed = sorted(name for name in after if after[name] != commits[name])
    if routing == "full_mesh":
        assert committed == ["HUB", "SPOKE1", "SPOKE2", "SPOKE3"]
        for name in ("SPOKE1", "SPOKE2"):
            assert after[name] == commits[name] + 1
            assert s.handle.counters(name)["last_commit_lines"] == [
                "set protocols static route 192.168.4.0/24 next-hop 10.0.0.4"]
    else:
        assert committed == ["HUB", "SPOKE3"]
    assert after["HUB"] == commits["HUB"] + 1
    assert "set protocols static route 192.168.4.0/24 next-hop 10.0.0.4" in s.handle.running("HUB")
    assert "SPOKE3" in added.stdout and "FAIL" not in added.stdout
    # and away again
    removed = s.run(REMOVE, "-e", "dmvpn_remove=SPOKE3")
    assert removed.rc == 0, removed.stdout[-4000:]
    s.drop_host("SPOKE3")
    now = s.running()
    for name in ("HUB", "SPOKE1", "SPOKE2"):
        assert now[name] == before[name], name
    assert not any("tunnel" in line for line in now["SPOKE3"])


def test_verify_names_the_spoke_with_a_wrong_psk(site):
    s = site("1.4")
    assert s.run().rc == 0
    host_vars = os.path.join(s.inventory, "host_vars", "SPOKE2.yml")
    with open(host_vars) as handle:
        original = handle.read()
    with open(host_vars, "a") as out:
        out.write("dmvpn_ipsec_psk: WRONGPSK\n")
    # the inventory check stops this before any router is touched
    run = s.run()
    assert run.rc != 0 and "SPOKE2: dmvpn_ipsec_psk: differs" in run.stdout + run.stderr
    with open(host_vars, "w") as out:
        out.write(original)
    # the wrong key reaches SPOKE2 anyway (by hand, as an operator error could): verify catches it
    s.handle.load("SPOKE2", [line.replace("pre-shared-secret 'SECRET'", "pre-shared-secret 'WRONGPSK'")
                             for line in s.handle.running("SPOKE2")])
    verify = s.run(os.path.join(REPO, "playbooks", "verify.yml"))
    assert verify.rc != 0
    output = verify.stdout + verify.stderr
    assert "DMVPN verification failed" in output
    table = output[output.index("DMVPN verification failed"):]
    assert "SPOKE2" in table and "IPsec" in table
    assert "SECRET" not in output and "WRONGPSK" not in output


def test_a_bad_inventory_reports_every_problem_and_touches_no_router(site):
    s = site("1.4")
    with open(os.path.join(s.inventory, "host_vars", "SPOKE1.yml"), "a") as out:
        out.write("dmvpn_spoke_id: 3\ndmvpn_gre_key: 99999999999\n")
    with open(os.path.join(s.inventory, "host_vars", "HUB.yml"), "a") as out:
        out.write("dmvpn_lan_prefixes: [192.168.2.0/23]\ndmvpn_public_address: dhcp\n")
    run = s.run()
    assert run.rc != 0
    output = run.stdout + run.stderr
    for text in ("SPOKE2: dmvpn_spoke_id: 10.0.0.3 is also the tunnel address of SPOKE1",
                 "SPOKE1: dmvpn_gre_key: 99999999999 is out of range", "HUB: dmvpn_public_address: a hub needs a fixed public",
                 "SPOKE1: dmvpn_lan_prefixes: 192.168.2.0/24 overlaps 192.168.2.0/23 of HUB"):
        assert text in output, output[-3000:]
    for name in ("HUB", "SPOKE1", "SPOKE2"):
        counters = s.handle.counters(name)
        assert counters["logins"] == 0 and counters["commits"] == 0
