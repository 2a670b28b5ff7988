"""Speed of the design behind the filters: inventory check, NHRP spoke maps and static routes.

For 500 and 5,000 spokes (+2 hubs) it times, in one run:
  * check   - dmvpn_inventory_problems over the whole inventory (every problem, all hosts)
  * maps    - dmvpn_spoke_maps (every spoke's NHRP entries towards both hubs)
  * routes  - the static routes of the hubs and of every spoke (via_hub routing)
  * mesh    - full_mesh routes of 50 spokes (each carries every other spoke's LAN, so the
              whole mesh grows with the square of the spokes; reported per spoke)
and prints both sizes and their ratio (the 500-spoke run is the baseline).

    .venv/bin/python benchmarks/filters.py [--json out.json]
"""

import argparse
import json
import os
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, ".venv", "collections"))

from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import design as ds  # noqa: E402


def inventory(spokes, routing):
    common = {"dmvpn_tunnel_subnet": "10.64.0.0/16", "dmvpn_gre_key": 7, "dmvpn_nhrp_secret": "Nh-2026",
              "dmvpn_ipsec_psk": "Bench-Psk-0001", "dmvpn_routing": routing, "dmvpn_summary_prefixes": ["10.0.0.0/8"]}
    hosts = {
        "hub1": dict(common, dmvpn_role="hub", dmvpn_tunnel_address="10.64.0.1", dmvpn_public_address="198.51.100.1",
                     dmvpn_lan_prefixes=["10.1.0.0/16"]),
        "hub2": dict(common, dmvpn_role="hub", dmvpn_tunnel_address="10.64.0.2", dmvpn_public_address="198.51.100.2",
                     dmvpn_lan_prefixes=["10.2.0.0/16"]),
    }
    for n in range(spokes):
        hosts["spoke%05d" % n] = dict(common, dmvpn_role="spoke", dmvpn_spoke_id=10 + n, dmvpn_public_address="dhcp",
                                      dmvpn_lan_prefixes=["10.%d.%d.0/24" % (100 + n // 256, n % 256)])
    return hosts


def timed(function, repeat=1):
    best = None
    for dummy in range(repeat):
        start = time.perf_counter()
        result = function()
        elapsed = time.perf_counter() - start
        best = elapsed if best is None else min(best, elapsed)
    return best, result


def measure(spokes):
    via_hub = inventory(spokes, "via_hub")
    mesh = inventory(spokes, "full_mesh")
    check, problems = timed(lambda: ds.inventory_problems(via_hub))
    assert not problems, problems[:3]
    design = ds.Design(via_hub)
    maps, spoke_maps = timed(design.spoke_maps)
    routes, all_routes = timed(design.static_routes)
    mesh_design = ds.Design(mesh)
    sample = sorted(mesh_design.by_name)[2:52]
    mesh_time, mesh_routes = timed(lambda: [mesh_design.static_routes(name) for name in sample])
    return {
        "spokes": spokes,
        "check_s": check,
        "maps_s": maps,
        "routes_s": routes,
        "mesh_per_spoke_ms": mesh_time / len(sample) * 1000,
        "routes_total": sum(len(r) for r in all_routes.values()),
        "hub_routes": len(all_routes["hub1"]),
        "mesh_routes_per_spoke": len(mesh_routes[0]),
        "nhs_per_spoke": len(next(iter(spoke_maps.values()))),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json")
    args = parser.parse_args()
    small, large = measure(500), measure(5000)
    print("DMVPN design (filters), Python %s, %d cores" % (sys.version.split()[0], os.cpu_count()))
    print("%-40s %12s %12s %8s" % ("figure", "500 spokes", "5000 spokes", "ratio"))
    for label, key in (("inventory check (s)", "check_s"), ("spoke maps (s)", "maps_s"),
                       ("all routes, via_hub (s)", "routes_s"), ("full_mesh routes per spoke (ms)", "mesh_per_spoke_ms"),
                       ("routes in total, via_hub", "routes_total"), ("routes on a hub", "hub_routes"),
                       ("full_mesh routes per spoke", "mesh_routes_per_spoke")):
        ratio = large[key] / small[key] if small[key] else float("nan")
        print("%-40s %12.3f %12.3f %7.1fx" % (label, small[key], large[key], ratio))
    print("(10x the spokes: a ratio near 10 is linear; full_mesh per spoke grows with the spokes by nature)")
    if args.json:
        with open(args.json, "w") as handle:
            json.dump({"500": small, "5000": large}, handle, indent=1)


if __name__ == "__main__":
    main()
