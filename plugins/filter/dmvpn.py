# -*- coding: utf-8 -*-
# Copyright: dmvpn.vyos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters that compute a DMVPN from the inventory: they only compute, never touch a router.

Each takes ``hostvars`` and the list of the DMVPN's hosts (usually ``groups['dmvpn']``) and
hands them to the pure-Python design in ``module_utils/dmvpn_core/design.py``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import difflib
import re

from ansible.errors import AnsibleFilterError
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import causes as cs
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import clouds as cl
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import design as ds
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import engines as en
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.hostvars_cache import cached
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import limits as lm
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import report_table as rt
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import spec
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import status as st


def _plain(value):
    """Templated Ansible values (tagged strings, vault values, lazy containers) as plain data."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, str) or type(value).__name__ in ("EncryptedString", "AnsibleVaultEncryptedUnicode"):
        return str(value)
    if isinstance(value, dict) or hasattr(value, "items"):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _hosts(hostvars, hosts):
    if hosts is None:
        raise AnsibleFilterError("give the DMVPN's hosts, e.g. hostvars | dmvpn.vyos.dmvpn_endpoint(groups['dmvpn'], inventory_hostname)")
    table = {}
    for name, hv in ((name, hostvars[name]) for name in hosts):
        table[str(name)] = {key: _plain(hv[key]) for key in ds.VARIABLES if key in hv}
    return table


def _design(hostvars, hosts, cloud=None):
    table = _hosts(hostvars, hosts)
    try:
        return ds.design(cl.cloud_table(table, cloud)[0] if cloud else table)
    except ds.DesignError as exc:
        raise AnsibleFilterError(str(exc))


def dmvpn_inventory_problems(hostvars, hosts):
    """Every problem of the DMVPN inventory (list of {host, field, message, fix})."""
    return ds.inventory_problems(_hosts(hostvars, hosts))


def _networks(groups, network_groups):
    names = network_groups or ["dmvpn"]
    if isinstance(names, str):
        names = [names]
    missing = [name for name in names if name not in groups]
    if missing:
        raise AnsibleFilterError("no inventory group named %s (dmvpn_network_groups)" % ", ".join(missing))
    return [(name, list(groups[name])) for name in names]


def _role_options(role):
    """The role's argument spec options (from the one input spec), for checking inputs:
    defaults are the role's business (some are templates); only types and choices count here."""
    return {name: {k: v for k, v in option.items() if k not in ("default", "description", "required")}
            for name, option in spec.role_options(role).items()}


# dmvpn_* variables the playbooks (not the roles) read or set: known, so not reported as typos.
PLAYBOOK_VARIABLES = (
    "dmvpn_network_groups", "dmvpn_verify", "dmvpn_verify_shortcuts", "dmvpn_remove", "dmvpn_endpoint_role",
    "dmvpn_allow_partial", "dmvpn_found", "dmvpn_endpoint_applied", "dmvpn_fleet_applied", "dmvpn_verify_ping",
    "dmvpn_endpoints", "dmvpn_problems", "dmvpn_check", "dmvpn_report", "dmvpn_observed",
    "dmvpn_plan_dir", "dmvpn_plan_fail_on_changes", "dmvpn_plan_report", "dmvpn_plan",   # (plan.yml)
)


def _unknown_variable_problems(host, hv, known):
    """A dmvpn_* variable no role or playbook of the collection reads is almost always a typo
    (dmvpn_lan_prefix for dmvpn_lan_prefixes) that would silently leave a default in place."""
    problems = []
    for name in sorted(str(key) for key in hv.keys() if str(key).startswith("dmvpn_")):
        if name in known:
            continue
        close = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.75)
        fix = ("did you mean %s? Rename it" % close[0]) if close else (
            "remove it, or rename your own variable without the dmvpn_ prefix")
        problems.append({"host": str(host), "field": name,
                         "message": "is not a variable of dmvpn.vyos (a typo would leave the default in place)",
                         "fix": fix})
    return problems


def _unknown_key_problem(host, role, options, path):
    """A key the role does not know inside a dict input (``('dmvpn_ike_group', 'lifetyme')``)."""
    spec = {"options": options}
    for part in path[:-1]:
        spec = (spec.get("options") or {}).get(part, {})
    supported = sorted(spec.get("options") or {})
    close = difflib.get_close_matches(path[-1], supported, n=1, cutoff=0.6) or [
        name for name in supported if path[-1].startswith(name) or name.startswith(path[-1])][:1]
    return {"host": str(host), "field": ".".join(path),
            "message": "is not a key of %s (it knows %s)" % (".".join(path[:-1]), ", ".join(supported)),
            "fix": ("did you mean %s? Rename it" % close[0]) if close else "remove it (ansible-doc -t role dmvpn.vyos.dmvpn_%s)" % role}


def _role_input_problems(hostvars, hosts, reported):
    """Each router's inputs of its role (dmvpn_hub or dmvpn_spoke) against the role's argument
    spec, for all routers at once: site.yml checks them here, before any router is touched,
    instead of in one task per router."""
    problems = []
    for host in hosts:
        hv = hostvars[host]
        role = _plain(hv.get("dmvpn_role"))
        if role not in ("hub", "spoke"):
            continue  # the design reports it
        options = _role_options(role)
        known = set(options) | set(ds.VARIABLES) | set(PLAYBOOK_VARIABLES)
        problems += _unknown_variable_problems(host, hv, known)
        params = {name: _plain(hv[name]) for name in options if name in hv}
        result = ArgumentSpecValidator(options).validate(params)
        for path in sorted(result.unsupported_parameters):
            problems.append(_unknown_key_problem(host, role, options, path))
        messages = [error.msg for error in result.errors if type(error).__name__ != "UnsupportedError"]
        for message in messages:
            if any(message != other and message in other for other in messages):
                continue  # the same error again, inside a fuller message
            field = next((name for name in sorted(options, key=len, reverse=True)
                          if re.search(r"\b%s\b" % re.escape(name), message)), "role inputs")
            if (str(host), field) in reported:
                continue  # one problem per variable: the first message says it best
            reported.add((str(host), field))
            problems.append({"host": str(host), "field": field, "message": message,
                             "fix": "give a value of the documented type and choices "
                                    "(ansible-doc -t role dmvpn.vyos.dmvpn_%s)" % role})
    return problems


def dmvpn_networks_check(hostvars, groups, network_groups=None, limit=None, allow_partial=False, endpoints_of=None):
    """Everything site.yml needs before it touches a router, in one pass: ``{problems, endpoints,
    warnings, engine}``. ``problems``: every DMVPN's (inventory group's) inventory problems, then
    every router's role inputs against its role's argument spec. ``endpoints``: every router's
    (each DMVPN's design computed once; empty while there is a problem; a host in more than one
    DMVPN is left out: its role computes its own). ``limit``: the hosts a ``--limit`` keeps
    (ansible_play_hosts_all); a router left out whose configuration is built from one of them is
    a problem, with ``allow_partial`` a warning. ``engine``: dmvpn_engine (engines.py). With
    ``endpoints_of`` another engine's run is only told its engine (its task checks: action/fleet.py)."""
    problems, endpoints, seen, hostvars = [], {}, {}, cached(hostvars)  # (hostvars_cache.py: why)
    networks = _networks(groups, network_groups)
    engine, engine_problems = en.run_engine([(h, _plain(hostvars[h].get("dmvpn_engine"))) for d, hs in networks for h in hs])
    if endpoints_of not in (None, engine):
        return {"problems": engine_problems, "endpoints": {}, "warnings": [], "engine": engine}
    clouds = _clouds(hostvars, networks)
    per_router, origins = {}, {}
    for name, hosts in networks:
        table = _hosts(hostvars, hosts)
        if clouds:  # each cloud over its routers' cloud variables (dmvpn_core/clouds.py)
            table, origins[name] = cl.cloud_table(table, name)
        found, plan = ds.checked_design(table)
        found = cl.renamed(found, origins.get(name, {}))
        reported = {(p["host"], p["field"]) for p in found}
        role_problems = _role_input_problems(hostvars, hosts, reported)
        # One problem per variable: a key the role does not know is said best by the role's
        # argument spec (the keys it knows, the closest one), not by the model's "not a known
        # option" for the same key.
        unknown_keys = {(p["host"], p["field"]) for p in role_problems if p["message"].startswith("is not a key of ")}
        found = [p for p in found if (p["host"], p["field"]) not in unknown_keys] + role_problems
        for problem in found:
            if len(network_groups or []) > 1:
                problem = dict(problem, message="%s (DMVPN %s)" % (problem["message"], name))
            problems.append(problem)
        for router in plan.routers if plan is not None else []:
            seen[router.name] = seen.get(router.name, 0) + 1
            endpoints[router.name] = plan.endpoint(router.name)
            per_router.setdefault(router.name, []).append((name, endpoints[router.name]))
    if clouds:
        problems += _cloud_problems(hostvars, networks, clouds, per_router, origins)
    problems += engine_problems
    if problems:
        return {"problems": problems, "endpoints": {}, "warnings": [], "engine": engine}
    if clouds:
        endpoints = {host: cl.module_input(clouds[host], [name for name, dummy in networks],
                                           [cloud for cloud, dummy in mine], [endpoint for dummy, endpoint in mine])
                     for host, mine in per_router.items()}
    endpoints = {host: endpoint for host, endpoint in endpoints.items() if clouds or seen[host] == 1}
    partial = lm.partial_run_problems(endpoints, [str(host) for host in limit]) if limit is not None else []
    if partial and not allow_partial:
        return {"problems": partial, "endpoints": {}, "warnings": [], "engine": engine}
    return {"problems": [], "endpoints": endpoints, "warnings": partial, "engine": engine}


def _clouds(hostvars, networks):
    """{host: its variables} of every router of a cloud inventory (dmvpn_clouds set); {} else."""
    table = {}
    if not any(cl.CLOUDS in hostvars[host] for dummy, hosts in networks for host in hosts):
        return table  # (the common case, asked once per host by verify: no table built)
    for dummy, hosts in networks:
        table.update(_hosts(hostvars, hosts))
    return table if cl.uses_clouds(table) else {}


def _cloud_problems(hostvars, networks, table, per_router, origins):
    """The problems of the cloud dicts and across the clouds of each router (clouds.py)."""
    memberships = {}
    for name, hosts in networks:
        for host in hosts:
            memberships.setdefault(str(host), []).append(name)
    everyone = _hosts(hostvars, [host for host in hostvars if "dmvpn" in (hostvars[host].get("group_names") or [])])
    problems = cl.shape_problems(table, [name for name, dummy in networks], memberships)
    problems += cl.membership_problems(everyone, memberships)
    return problems + cl.router_problems({h: c for h, c in per_router.items() if len(c) > 1}, origins)


def dmvpn_networks_problems(hostvars, groups, network_groups=None):
    """The ``problems`` of :func:`dmvpn_networks_check`."""
    return dmvpn_networks_check(hostvars, groups, network_groups)["problems"]


def dmvpn_networks_report(hostvars, groups, network_groups=None, observed="dmvpn_observed", check_mode=False,
                          checked=None):
    """dmvpn_verify_report for each DMVPN (inventory group), combined into one report."""
    networks = _networks(groups, network_groups)
    clouds = [name for name, dummy in networks] if _clouds(hostvars, networks) else []
    designs = {name: _design(hostvars, hosts, name) for name, hosts in networks} if clouds else {}
    reports = [(name, dmvpn_verify_report(hostvars, hosts, observed, check_mode, checked, name if clouds else None,
                                          [r.nbma for o in clouds if o != name for r in designs[o].routers]))
               for name, hosts in networks]
    if len(reports) == 1:
        return reports[0][1]
    problems, rows, tables = {}, [], []
    for name, report in reports:
        problems.update(report["problems"])
        rows += [dict(row, network=name) for row in report["rows"]]
        tables.append("DMVPN %s\n%s" % (name, report["table"]))
    return {"ok": not problems, "problems": problems, "rows": rows, "table": "\n\n".join(tables)}


def dmvpn_endpoint(hostvars, hosts, host, role=None, endpoint=None, present=True):
    """The endpoint (config of dmvpn.vyos.dmvpn) of ``host``.

    ``endpoint``: this router's endpoint computed ahead (site.yml computes every router's once
    on localhost with dmvpn_networks_endpoints); when None the design is computed here.
    ``role``: hub or spoke, the role the caller configures; another dmvpn_role is an error.
    ``present=False``: only the tunnel's name, what dmvpn.vyos.dmvpn needs to delete the endpoint.
    """
    host = str(host)
    if role is not None:
        actual = _plain(hostvars[host].get("dmvpn_role"))
        if actual != role:
            other = "spoke" if role == "hub" else "hub"
            raise AnsibleFilterError(
                "%s: dmvpn_role is '%s', but the dmvpn.vyos.dmvpn_%s role configures %ss only. Put the host in the "
                "dmvpn_%ss group (or set dmvpn_role: %s), or use the dmvpn.vyos.dmvpn_%s role."
                % (host, actual if actual is not None else "unset", role, role, role, role, other))
    if not present:
        return {"tunnel": {"name": _plain(hostvars[host].get("dmvpn_tunnel_name")) or "tun0"}}
    if endpoint:
        return _plain(endpoint)
    try:
        return _design(hostvars, hosts).endpoint(host)
    except KeyError as exc:
        raise AnsibleFilterError(str(exc))


def dmvpn_networks_endpoints(hostvars, groups, network_groups=None):
    """The ``endpoints`` of :func:`dmvpn_networks_check` (an error listing the problems, if any)."""
    result = dmvpn_networks_check(hostvars, groups, network_groups)
    if result["problems"]:
        raise AnsibleFilterError(ds.format_problems(result["problems"]))
    return result["endpoints"]


def dmvpn_spoke_maps(hostvars, hosts):
    """{spoke: [NHRP server entries, one per hub]}."""
    return _design(hostvars, hosts).spoke_maps()


def dmvpn_static_routes(hostvars, hosts, host=None):
    """The static routes of ``host`` (or of every router)."""
    return _design(hostvars, hosts).static_routes(str(host) if host is not None else None)


def dmvpn_tunnel_address(subnet, host_id=None, address=None):
    """``subnet`` and a host number (or an explicit address) -> ``a.b.c.d/len``."""
    try:
        return ds.tunnel_address(subnet, host_id=host_id, address=address)
    except (ValueError, TypeError) as exc:
        raise AnsibleFilterError("dmvpn_tunnel_address: %s" % exc)


def dmvpn_design_summary(hostvars, hosts):
    """Hubs, spokes, tunnel/NBMA addresses and LANs of the DMVPN (for reports)."""
    return _design(hostvars, hosts).summary()


def _pending(hostvars, hosts):
    """The routers whose change this --check run found and did not commit: by the dmvpn role's
    registered result (network_cli engine), or by their entry in the fleet task's result (the
    fleet engine: one run_once result, registered on every host of the Fleet play)."""
    fleet = next((hostvars[h]["dmvpn_fleet_applied"] for h in hosts if "dmvpn_fleet_applied" in hostvars[h]), None)
    routers = _plain((fleet or {}).get("routers")) or {}
    return set(str(h) for h in hosts if (_plain(hostvars[h].get("dmvpn_endpoint_applied")) or {}).get("changed")
               or (routers.get(str(h)) or {}).get("changed"))


def dmvpn_verify_report(hostvars, hosts, observed="dmvpn_observed", check_mode=False, checked=None, cloud=None,
                        foreign=()):
    """Compare each router's observed state (registered from dmvpn.vyos.dmvpn_status) with the
    design: {ok, problems: {host: [..]}, rows: [...], table: text}. In ``check_mode`` a router
    whose change would commit (_pending: by the role's or the fleet task's registered result) is
    PENDING, and the problems that wait for a pending change are listed as such, not failures. ``checked``:
    the hosts verify read (a --limit's); the others are shown as not checked. A failed ping
    or a missing peer is put down to the router that causes it when another router's state
    shows one (dmvpn_core/causes.py): that router FAILs, the one that saw it names the cause.
    ``cloud``: the DMVPN cloud (group) this report is of; each router's state is then the part
    of it the cloud's tunnel holds (clouds.cloud_state; ``foreign``: other clouds' addresses)."""
    hostvars = cached(hostvars)  # (design, pending and states read each host: hostvars_cache.py)
    design = _design(hostvars, hosts, cloud)
    rows, problems, waiting, listed = [], {}, {}, {}
    pending = _pending(hostvars, hosts) if check_mode else set()
    with_bgp = any(router.routing == "bgp" for router in design.routers)
    names = [router.name for router in design.routers
             if checked is None or router.name in [str(host) for host in checked]]
    states = {name: _plain(hostvars[name].get(observed)) if observed in hostvars[name] else None for name in names}
    if cloud:
        states = {name: cl.cloud_state(seen, design, design.endpoint(name)["tunnel"]["name"],
                                       set(str(a) for a in foreign if a)) for name, seen in states.items()}
    unread = {name: cs.unread_reason(seen) for name, seen in states.items() if cs.unread_reason(seen)}
    blamed, notes, unexplained = cs.explain_pings(design, {n: s for n, s in states.items() if n not in unread}, unread)
    for router in design.routers:
        name = router.name
        if name not in states:
            rows.append({"host": name, "role": router.role, "status": "not checked (outside --limit)"})
            continue
        seen = states[name]
        expected, cleared = cs.without_unread_peers(design, name, st.expectations(design, name), unread)
        bgp_expected = st.bgp_expectations(design, name)
        sessions, routes = [], []
        if name in unread:
            found = ["could not read the state: %s" % ((seen or {}).get("msg") or "no result")]
            nhrp, sas = [], []
        else:
            nhrp, sas = seen.get("nhrp") or [], seen.get("ipsec_sa") or []
            found = st.check(expected, nhrp, sas)
            if bgp_expected is not None:
                sessions, routes = seen.get("bgp") or [], seen.get("bgp_routes") or []
                found += st.check_bgp(bgp_expected, sessions, routes)
            found += unexplained.get(name, []) + blamed.get(name, [])
        registered = len([e for e in nhrp if e["type"] != "local" and e["up"]
                          and e["protocol"] in expected["nhrp_peers"]])
        # a shortcut: another router's tunnel address that is not a peer of this one, listed
        # "cached" by opennhrp and "dynamic" by nhrpd (tests/fixtures/dataplane)
        others = [str(r.tunnel_ip) for r in design.routers if r is not router]
        shortcuts = len([e for e in nhrp if e["type"] in ("cached", "dynamic") and e["up"] and e["protocol"] in others
                         and e["protocol"] not in expected["nhrp_peers"]])
        sas_up = len(st.sas_up(sas))
        row = {"host": name, "role": router.role, "nhrp": "%d/%d" % (registered, len(expected["nhrp_peers"])),
               "ipsec": "%d/%d" % (sas_up, expected["ipsec_peers"]) if expected["ipsec"] else "off",
               "shortcuts": shortcuts}
        found, waiting[name] = st.split_pending(design, name, found, pending)
        elsewhere = cleared + notes.get(name, [])
        # (a router at fault itself, or pending, lists the causes found elsewhere below its row)
        row["status"] = "FAIL" if found else ("PENDING" if name in pending else "; ".join(elsewhere) or "OK")
        listed[name] = elsewhere if row["status"] in ("FAIL", "PENDING") else []
        if bgp_expected is not None:
            up = [s["neighbor"] for s in sessions if s["established"]]
            row["bgp"] = "%d/%d" % (len([p for p in bgp_expected["peers"] if p in up]), len(bgp_expected["peers"]))
            row["learned"] = "%d/%d" % (len([p for p in bgp_expected["prefixes"] if p in routes]),
                                        len(bgp_expected["prefixes"]))
        rows.append(row)
        if found:
            problems[name] = found
    return {"ok": not problems, "problems": problems, "rows": rows,
            "table": rt.table(rows, problems, waiting, listed, with_bgp)}


def dmvpn_shortcut_targets(hostvars, hosts, host):
    """Addresses a spoke pings so that shortcuts can form: the first LAN address of the
    next spoke (none for hubs, or when shortcuts are off)."""
    return st.shortcut_targets(_design(hostvars, hosts), str(host))


def dmvpn_verify_pings(hostvars, hosts, host, shortcuts=True, groups=None, network_groups=None):
    """What verify has ``host`` ping: ``{targets, source}`` (dmvpn_core/status.py ping_plan);
    with clouds (``groups`` and ``network_groups`` given, dmvpn_clouds set), every cloud's of it."""
    networks = _networks(groups, network_groups) if groups is not None and network_groups else []
    clouds = [(name, hosts) for name, hosts in networks if str(host) in hosts] if _clouds(hostvars, networks) else []
    plans = [st.ping_plan(_design(hostvars, in_cloud, name), str(host), shortcuts) for name, in_cloud in clouds]
    if plans:
        targets = [t for plan in plans for t in plan["targets"]]
        return {"targets": sorted(set(targets), key=targets.index),
                "source": next((plan["source"] for plan in plans if plan["source"]), None)}
    design = _design(hostvars, hosts)
    if str(host) not in design.by_name:
        raise AnsibleFilterError("dmvpn_verify_pings: %s is not one of the DMVPN's hosts" % host)
    return st.ping_plan(design, str(host), shortcuts)


def dmvpn_l3_interface(item):
    """Underlay ``{name: eth0, address: 192.0.2.1/24 | dhcp | [..]}`` -> vyos_l3_interfaces config."""
    if not isinstance(item, dict) or not item.get("name"):
        raise AnsibleFilterError("dmvpn_underlay.interfaces entries need name and address, got %r" % (item,))
    addresses = item.get("address") or []
    if not isinstance(addresses, list):
        addresses = [addresses]
    return {"name": str(item["name"]), "ipv4": [{"address": str(a)} for a in addresses]}


def dmvpn_problem_lines(problems):
    """Problems (from dmvpn_inventory_problems) as readable lines."""
    return ["%s: %s: %s (fix: %s)" % (p["host"], p["field"], p["message"], p["fix"]) for p in problems]


class FilterModule(object):
    def filters(self):
        return {
            "dmvpn_inventory_problems": dmvpn_inventory_problems,
            "dmvpn_problem_lines": dmvpn_problem_lines,
            "dmvpn_endpoint": dmvpn_endpoint,
            "dmvpn_networks_endpoints": dmvpn_networks_endpoints,
            "dmvpn_spoke_maps": dmvpn_spoke_maps,
            "dmvpn_static_routes": dmvpn_static_routes,
            "dmvpn_tunnel_address": dmvpn_tunnel_address,
            "dmvpn_design_summary": dmvpn_design_summary,
            "dmvpn_verify_report": dmvpn_verify_report,
            "dmvpn_networks_problems": dmvpn_networks_problems,
            "dmvpn_networks_check": dmvpn_networks_check,
            "dmvpn_networks_report": dmvpn_networks_report,
            "dmvpn_l3_interface": dmvpn_l3_interface,
            "dmvpn_shortcut_targets": dmvpn_shortcut_targets,
            "dmvpn_verify_pings": dmvpn_verify_pings,
        }
