# -*- coding: utf-8 -*-
# Copyright: dmvpn.vyos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Partial runs (``ansible-playbook --limit``): which routers left out of the limit have a
configuration built from a router in it. A hub holds a route to each spoke's LAN via the
spoke's tunnel address (or names it as a BGP neighbour), a full-mesh spoke a route to every
other spoke's LAN: adding a spoke with ``--limit NEW_SPOKE`` alone would leave them without
it, and end green.

Pure Python, no Ansible imports. The check filter (dmvpn_networks_check) asks it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


def _each(endpoint):
    """The endpoints of a router: one, or one per cloud (``{endpoints: [...]}``, clouds.py)."""
    return endpoint["endpoints"] if isinstance(endpoint.get("endpoints"), list) else [endpoint]


def _references(endpoint):
    """The addresses and prefixes an endpoint's configuration names (routes, NHS, BGP)."""
    if len(_each(endpoint)) != 1 or _each(endpoint)[0] is not endpoint:
        return set().union(*[_references(one) for one in _each(endpoint)])
    found = set()
    for route in endpoint.get("static_routes") or []:
        found.add(str(route.get("next_hop")))
        found.add(str(route.get("prefix")))
    for entry in (endpoint.get("nhrp") or {}).get("nhs") or []:
        found.add(str(entry.get("tunnel_ip")))
    bgp = endpoint.get("bgp") or {}
    for neighbor in (bgp.get("neighbors") or []) + (bgp.get("dynamic_neighbors") or []):
        found.add(str(neighbor.get("address")))
    return found


def _identity(endpoint):
    """What other routers' configurations name of this endpoint: its tunnel address."""
    if len(_each(endpoint)) != 1 or _each(endpoint)[0] is not endpoint:
        return set().union(*[_identity(one) for one in _each(endpoint)])
    address = str((endpoint.get("tunnel") or {}).get("address") or "")
    return set([address.split("/", 1)[0]]) if address else set()


def left_out_dependents(endpoints, limited):
    """``{router left out: [routers in the limit its configuration is built from]}`` for the
    ``endpoints`` ({host: endpoint}) of one run; ``limited`` is the hosts the limit keeps."""
    limited = set(limited)
    identities = {host: _identity(endpoint) for host, endpoint in endpoints.items() if host in limited}
    found = {}
    for host, endpoint in sorted(endpoints.items()):
        if host in limited:
            continue
        names = _references(endpoint)
        sources = sorted(other for other, identity in identities.items() if identity & names)
        if sources:
            found[host] = sources
    return found


def partial_run_problems(endpoints, limited):
    """The problems of a limit that leaves out routers built from routers in it (dicts:
    host, field, message, fix), one per router left out."""
    problems = []
    for host, sources in left_out_dependents(endpoints, limited).items():
        problems.append({
            "host": host, "field": "--limit",
            "message": "is left out of --limit, but its configuration is built from %s, which this run may "
                       "change: it would keep its old routes and peers" % ", ".join(sources),
            "fix": "add %s to --limit, or set dmvpn_allow_partial=true to change only the limited routers" % host})
    return problems
