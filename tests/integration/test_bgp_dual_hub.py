"""Dual-hub DMVPN with BGP on the lab (inventories/bgp_dual_hub, mixed versions): switching the
whole network from static routes to BGP and back with site.yml converges without leftovers,
and verify.yml checks BGP sessions and learned prefixes."""

import os
import re

import yaml
from labkit import REPO, Site

SOURCE = os.path.join(REPO, "inventories", "bgp_dual_hub")
VERIFY = os.path.join(REPO, "playbooks", "verify.yml")
# a route via the tunnel; not a 1.5 spoke's route to the tunnel subnet itself (nhrpd's, kept with BGP)
TUNNEL_ROUTE = re.compile(r"^set protocols static route (?!10\.0\.0\.0/24 )\S+ next-hop '?10\.0\.0\.")


def versions():
    found = {}
    for name in os.listdir(os.path.join(SOURCE, "host_vars")):
        with open(os.path.join(SOURCE, "host_vars", name)) as handle:
            found[name[:-4]] = yaml.safe_load(handle)["lab_vyos_version"]
    return found


def tunnel_routes(running):
    return {name: [line for line in lines if TUNNEL_ROUTE.match(line)] for name, lines in running.items()}


def bgp_lines(running):
    return {name: [line for line in lines if line.startswith("set protocols bgp")] for name, lines in running.items()}


def converge(site):
    run = site.run()
    assert run.rc == 0, run.stdout[-3000:] + "\n".join(l for l in run.stdout.splitlines() if "fatal" in l or "FAILED" in l)
    again = site.run()
    assert again.rc == 0 and "changed=1" not in again.stdout, again.stdout[-3000:]
    check = site.run(VERIFY)
    assert check.rc == 0, check.stdout[-3000:]
    return check


def test_static_to_bgp_and_back_leaves_no_routes_or_bgp_behind(lab, playbook, tmp_path):
    site = Site(lab(versions()), str(tmp_path), playbook, source="bgp_dual_hub")
    site.set_group_var("dmvpn_routing", "full_mesh")
    converge(site)
    static = site.running()
    assert all(tunnel_routes(static)[name] for name in ("SPOKE1", "SPOKE2", "SPOKE3", "HUB1", "HUB2"))
    assert not any(bgp_lines(static).values())

    site.set_group_var("dmvpn_routing", "bgp")
    report = converge(site)
    on_bgp = site.running()
    assert tunnel_routes(on_bgp) == {name: [] for name in on_bgp}
    assert all(bgp_lines(on_bgp).values())
    assert "BGP up" in report.stdout and "3/3" in report.stdout
    summary = site.handle.show("HUB2", "show ip bgp summary")
    assert len(re.findall(r"^\*10\.0\.0\.1[123] .* 00:05:12 +1 ", summary, re.M)) == 3, summary

    site.set_group_var("dmvpn_routing", "full_mesh")
    converge(site)
    back = site.running()
    assert not any(bgp_lines(back).values())
    assert {name: sorted(lines) for name, lines in back.items()} == \
        {name: sorted(lines) for name, lines in static.items()}
