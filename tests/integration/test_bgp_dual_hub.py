"""Dual-hub DMVPN with BGP on the lab (inventories/bgp_dual_hub, mixed versions: hubs 1.4 and
1.5, spokes 1.3, 1.4 and 1.5): switching the whole network from static routes to BGP and back
with site.yml converges in one run each way without leftovers; verify.yml checks BGP sessions
and learned prefixes; each version writes BGP in its own words, which vyos.vyos's own parser
reads back; with HUB1 down every spoke still reaches every other spoke's LAN through HUB2; in
both modes each hub reaches the other hub's LAN (static routes over a static NHRP map, or an
iBGP session between the hubs)."""

import json
import os
import re

import inventory_kit
import pytest
from conftest import underlay_lines
from labkit import REPO, SITE, Site

SOURCE = os.path.join(REPO, "inventories", "bgp_dual_hub")
SPOKES = ("SPOKE1", "SPOKE2", "SPOKE3")
# a route via the tunnel; not a 1.5 spoke's route to the tunnel subnet itself (nhrpd's, kept with BGP)
TUNNEL_ROUTE = re.compile(r"^set protocols static route (?!10\.0\.0\.0/24 )\S+ next-hop '?10\.0\.0\.")


def host_vars():
    return inventory_kit.host_vars(SOURCE)


def tunnel_routes(running):
    return {name: [line for line in lines if TUNNEL_ROUTE.match(line)] for name, lines in running.items()}


def bgp_lines(running):
    return {name: [line for line in lines if line.startswith("set protocols bgp")] for name, lines in running.items()}


def converged(run):
    assert run.rc == 0, run.stdout[-3000:] + "\n".join(line for line in run.stdout.splitlines() if "fatal" in line or "FAILED" in line)
    return run


def report_table(stdout):
    """verify.yml's table in the output (for assertion messages)."""
    return "\n".join(line for line in stdout.splitlines() if re.search(r'"(router|HUB|SPOKE)', line))


def tunnel_ip(values):
    return values.get("dmvpn_tunnel_address") or "10.0.0.%d" % values["dmvpn_spoke_id"]


def hubs_reach_each_other(site, routers):
    """Each hub pings the other hub's first LAN address from its own (dmvpn_status on the hubs)."""
    hubs = sorted(name for name in routers if name.startswith("HUB"))
    first = {name: routers[name]["dmvpn_lan_prefixes"][0].replace("0/24", "1") for name in hubs}
    targets = {name: [first[other] for other in hubs if other != name] for name in hubs}
    run = site.playbook([{"name": "hub to hub", "hosts": "dmvpn_hubs", "gather_facts": False, "tasks": [
        {"name": "status", "dmvpn.vyos.dmvpn_status": {"ping": "{{ targets[inventory_hostname] }}",
                                                       "ping_source": "{{ sources[inventory_hostname] }}"}}]}],
        site.hosts_file, "-e", json.dumps({"targets": targets, "sources": first}))
    assert run.rc == 0, run.stdout[-3000:]
    return {name: run.result(name, "status")["ping"] for name in hubs}, targets


@pytest.mark.long
def test_static_to_bgp_and_back_with_hub1_down_in_between(lab, playbook, tmp_path):
    routers = host_vars()
    site = Site(lab({name: values["lab_vyos_version"] for name, values in routers.items()}), str(tmp_path), playbook,
                source="bgp_dual_hub")

    # the routers start with their underlay (host names, addresses): the switches only concern
    # the DMVPN (the roles' underlay tasks: test_site.py, Molecule's default scenario)
    for name, values in routers.items():
        site.handle.load(name, site.handle.running(name) + underlay_lines(values))
    site.set_group_var("dmvpn_manage_underlay", False)

    # static routes (full_mesh), verify included: versions mixed in one DMVPN work
    site.set_group_var("dmvpn_routing", "full_mesh")
    converged(site.run())
    static = site.running()
    assert all(tunnel_routes(static)[name] for name in routers)
    assert not any(bgp_lines(static).values())
    # each hub routes the other hub's LAN via its tunnel address, which it maps statically
    pings, targets = hubs_reach_each_other(site, routers)
    assert pings == {name: {target: True for target in targets[name]} for name in targets}, pings

    # BGP: one site.yml run switches (verify included), a second one changes nothing
    site.set_group_var("dmvpn_routing", "bgp")
    report = converged(site.run())
    on_bgp = site.running()
    assert tunnel_routes(on_bgp) == {name: [] for name in on_bgp}
    # verify's table: router, role, NHRP, IPsec up/min, BGP up, learned, shortcuts, status. Each hub
    # has every spoke registered and an SA with it, a BGP session with every spoke and the other
    # hub and learned their 4 LANs; each spoke is registered at both hubs, has both sessions up
    # and learned the 4 other LANs. (How many shortcuts, and so spoke SAs, a spoke shows depends
    # on when the other spokes' pings ran.)
    assert "BGP up   learned" in report.stdout
    for name in routers:
        row = (r"%s +hub +3/3 +3/3 +4/4 +4/4 +\d+ +OK" if name.startswith("HUB")
               else r"%s +spoke +2/2 +\d+/2 +2/2 +4/4 +\d+ +OK")
        assert re.search(row % name, report.stdout), (name, report_table(report.stdout))
    summary = site.handle.show("HUB2", "show ip bgp summary")
    assert len(re.findall(r"^\*10\.0\.0\.1[123] .* 00:05:12 +1 ", summary, re.M)) == 3, summary
    # HUB1 is HUB2's explicit neighbor (no * for dynamic); it sends its LAN and the 3 spokes'
    assert re.search(r"^10\.0\.0\.1 .* 00:05:12 +4 ", summary, re.M), summary
    pings, targets = hubs_reach_each_other(site, routers)
    assert pings == {name: {target: True for target in targets[name]} for name in targets}, pings
    # the second run also reads every router's BGP back with vyos.vyos's own parser
    plays = [{"import_playbook": SITE},
             {"name": "Read BGP with vyos.vyos", "hosts": "dmvpn", "gather_facts": False,
              "tasks": [{"name": "bgp", "vyos.vyos.vyos_bgp_global": {"state": "gathered"}}]}]
    again = converged(site.playbook(plays, site.hosts_file, "--skip-tags", "verify"))
    stats = again.stats()
    # (the validation and verify plays run once, delegated to localhost: no recap line of their own)
    assert set(stats) == set(routers)
    assert all(host_stats["changed"] == 0 for host_stats in stats.values()), stats
    for name, values in routers.items():
        lines = on_bgp[name]
        version = values["lab_vyos_version"]
        hub = name.startswith("HUB")
        # each version's words: the AS in the instance's name up to 1.3, system-as from 1.4
        assert (version in ("1.2", "1.3")) == (
            "set protocols bgp 65000 parameters router-id '%s'" % tunnel_ip(values) in lines), name
        assert (version in ("1.4", "1.5")) == ("set protocols bgp system-as '65000'" in lines), name
        assert len([line for line in lines if re.search(r"listen range 10\.0\.0\.0/24 peer-group .DMVPN.", line)]) == \
            (1 if hub else 0), name
        gathered = again.result(name, "bgp")["gathered"]
        assert gathered["as_number"] == 65000, name
        # spokes peer with both hubs; the hubs take their spokes by the listen range and name
        # the other hub as their one neighbor
        neighbors = sorted(n["address"] for n in gathered.get("neighbor") or [])
        others = sorted(tunnel_ip(routers[other]) for other in routers if other.startswith("HUB") and other != name)
        assert neighbors == (others if hub else ["10.0.0.1", "10.0.0.2"]), (name, neighbors)

    # HUB1 fails: every spoke still pings every other spoke's LAN from its own LAN, through HUB2
    # (the reply comes back that way too)
    site.handle.fault("HUB1", down=True)
    lans = {name: routers[name]["dmvpn_lan_prefixes"][0] for name in SPOKES}
    targets = {name: [lans[other].replace("0/24", "1") for other in SPOKES if other != name] for name in SPOKES}
    sources = {name: lans[name].replace("0/24", "1") for name in SPOKES}
    failover = site.playbook([{"name": "HUB1 down", "hosts": "dmvpn_spokes", "gather_facts": False, "tasks": [
        {"name": "status", "dmvpn.vyos.dmvpn_status": {"bgp": True, "ping": "{{ targets[inventory_hostname] }}",
                                                       "ping_source": "{{ sources[inventory_hostname] }}"}}]}],
        site.hosts_file, "-e", json.dumps({"targets": targets, "sources": sources}))
    assert failover.rc == 0, failover.stdout[-3000:]
    for name in SPOKES:
        seen = failover.result(name, "status")
        assert seen["ping"] == {target: True for target in targets[name]}, (name, seen["ping"])
        sessions = {entry["neighbor"]: entry["state"] for entry in seen["bgp"]}
        assert sessions["10.0.0.2"] == "Established" and sessions["10.0.0.1"] != "Established", (name, sessions)
        assert set(lans[other] for other in SPOKES if other != name) <= set(seen["bgp_routes"]), (name, seen)
    site.handle.thread.control(op="clear_faults", router="HUB1")

    # back to static routes: one run, and every router holds exactly its static configuration again
    site.set_group_var("dmvpn_routing", "full_mesh")
    converged(site.run(SITE, "--skip-tags", "verify"))
    back = site.running()
    assert {name: sorted(lines) for name, lines in back.items()} == \
        {name: sorted(lines) for name, lines in static.items()}
