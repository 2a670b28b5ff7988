# -*- coding: utf-8 -*-
# Copyright: dmvpn.vyos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Operational state of a DMVPN router: which show commands to run per version, how to read
their output, and how to compare it with what the design expects.

Pure Python, no Ansible imports.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress
import re

from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import spec_inventory as si
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.endpoints import announced
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.versions import syntax_for


def nhrp_command(version):
    """The command that lists NHRP peers: ``show nhrp tunnel`` (opennhrp, up to 1.4: vyos/
    vyos-nhrp templates-op/show/nhrp/tunnel, crux b428efd / equuleus 43421e0; vyos-1x
    op-mode-definitions/nhrp.xml.in, sagitta c3f688653) or ``show ip nhrp cache`` (FRR nhrpd,
    1.5: the FRR-era nhrp.xml.in of dozenos/dozenos-1x 020ab1d has cache, nhs and shortcut
    below ``show ip nhrp`` and no command on ``show ip nhrp`` itself)."""
    return "show ip nhrp cache" if syntax_for(version).is_frr_nhrp else "show nhrp tunnel"


IPSEC_SA_COMMAND = "show vpn ipsec sa"
BGP_SUMMARY_COMMAND = "show ip bgp summary"
ROUTE_COMMAND = "show ip route"
_PREFIX_RE = re.compile(r"^\d{1,3}(?:\.\d{1,3}){3}/\d{1,2}\Z")
_ADDRESS_RE = re.compile(r"^\*?\d{1,3}(?:\.\d{1,3}){3}\Z")


def _opennhrp_entry(fields):
    """One peer from opennhrp's fields (Interface, Type, Protocol-Address, NBMA-Address,
    Flags...), or None when it lacks the type or the protocol address."""
    if "Type" not in fields or "Protocol-Address" not in fields:
        return None
    return {
        "interface": fields.get("Interface"),
        "type": fields["Type"],
        "protocol": fields["Protocol-Address"].split("/")[0],
        "nbma": fields.get("NBMA-Address"),
        "up": "up" in fields.get("Flags", "").split(),
    }


def parse_opennhrp(text):
    """``show nhrp tunnel`` (opennhrp): blocks of ``Key: value`` lines separated by blank lines."""
    entries, block = [], {}
    for line in (text or "").splitlines() + [""]:
        line = line.strip()
        if not line:
            entry = _opennhrp_entry(block)
            if entry is not None:
                entries.append(entry)
            block = {}
            continue
        key, sep, value = line.partition(":")
        if sep:
            block[key.strip()] = value.strip()
    return entries


_DASHES_RE = re.compile(r"-+")


def _simple_table(text):
    """The rows of a table in tabulate's "simple" format (headers over dashes) as dicts of
    the non-empty cells, cut at the columns the dashes mark: a cell may hold spaces or be
    empty. [] when the text has no such table."""
    lines = (text or "").splitlines()
    for index in range(1, len(lines)):
        rule = lines[index].rstrip()
        if rule and set(rule) <= set("- "):
            break
    else:
        return []
    starts = [match.start() for match in _DASHES_RE.finditer(rule)]
    bounds = list(zip(starts, starts[1:] + [None]))
    headers = [lines[index - 1][start:end].strip() for start, end in bounds]
    rows = []
    for line in lines[index + 1:]:
        if not line.strip():
            break
        cells = [line[start:end].strip() for start, end in bounds]
        rows.append({key: cell for key, cell in zip(headers, cells) if cell})
    return rows


def parse_opennhrp_table(text):
    """``show nhrp tunnel`` on 1.4: ``Status: ok``, then opennhrpctl's blocks as one table
    (vyos-1x src/op_mode/nhrp.py show_tunnel, sagitta c3f688653: tabulate's "simple" format,
    a column per key in the order the keys first appear); no table without entries."""
    entries = [_opennhrp_entry(row) for row in _simple_table(text)]
    return [entry for entry in entries if entry is not None]


# nhrpd's cache types (nhrp_cache.c nhrp_cache_type_str): an entry that is not resolved is
# "incomplete" or "negative"; every other one (local, nhs, dynamic, static, cached...) is
# bound to an NBMA address. A hub keeps a spoke's "dynamic" entry while its registration
# lasts (the T flag: it times out); the U flag only says that traffic used the entry.
_FRR_UNRESOLVED = ("invalid", "incomplete", "negative")


def parse_frr_nhrp(text):
    """``show ip nhrp cache`` (FRR nhrpd, FRRouting/frr nhrpd/nhrp_vty.c show_ip_nhrp_cache):
    printf columns Iface, Type, Protocol, NBMA, Claimed NBMA, Flags (U, T, A or blank),
    Identity; ``% No entries`` when empty."""
    entries = []
    for line in (text or "").splitlines():
        words = line.split()
        if len(words) < 4 or words[0] == "Iface" or line.startswith("%"):
            continue
        entries.append({"interface": words[0], "type": words[1], "protocol": words[2], "nbma": words[3],
                        "up": words[1] not in _FRR_UNRESOLVED and words[3] != "-"})
    return entries


def parse_frr_nhrp_shortcut(text):
    """``show ip nhrp shortcut`` (FRR nhrpd): a table with Type, Prefix, Via, Identity; Via
    is empty (None) while the shortcut is being resolved."""
    entries = []
    for line in (text or "").splitlines():
        words = line.split()
        if len(words) >= 2 and words[0] != "Type" and _PREFIX_RE.match(words[1]):
            entries.append({"type": words[0], "prefix": words[1], "via": words[2] if len(words) > 2 else None})
    return entries


_NHRP_PARSERS = {"blocks": parse_opennhrp, "table": parse_opennhrp_table, "frr": parse_frr_nhrp}


def parse_nhrp(text, version):
    """The NHRP peers of ``nhrp_command(version)``'s output, read the way that version prints it."""
    return _NHRP_PARSERS[syntax_for(version).nhrp_show_format](text)


# ``show vpn ipsec sa`` per Syntax.ipsec_sa_format, each a tabulate "simple" table:
# - "statusall" (1.2: vyos-1x src/op_mode/show_ipsec_sa.py, crux 5e67704be, run by vyos/
#   vyatta-op-vpn templates/show/vpn/ipsec/sa, crux 18d6073): Connection, State, Up, Bytes
#   In/Out, Remote address, Remote ID, Proposal; one row per connection from ``ipsec
#   statusall`` (its first SA), so a hub shows one row for all its spokes;
# - "vici_last" (1.3: the same script, equuleus a79b59070, over vici): Connection (the child),
#   State, Uptime, Bytes In/Out, Packets In/Out, Remote address, Remote ID, Proposal; one row
#   per connection (the IKE SAs are kept by name: the last one listed counts);
# - "vici" (1.4/1.5: src/op_mode/ipsec.py show_sa, sagitta c3f688653, circinus d5322412e):
#   the same columns, one row per child SA, i.e. per peer.
# Rows of the first two stand for a connection ("scope": "connection"), so check() wants one
# up row per connection there, one per peer otherwise. Without charon the scripts print a
# sentence and no table.
_SA_SCOPES = {"statusall": "connection", "vici_last": "connection", "vici": "sa"}


def parse_ipsec_sa(text, version):
    """``show vpn ipsec sa``: one row per SA or connection (connection, state, remote address
    or None, scope), read the way ``version`` prints it."""
    scope = _SA_SCOPES[syntax_for(version).ipsec_sa_format]
    rows = []
    for row in _simple_table(text):
        if "Connection" not in row or "State" not in row:
            continue
        remote = row.get("Remote address")
        rows.append({"connection": row["Connection"], "state": row["State"],
                     "remote": remote if remote and remote != "N/A" else None, "scope": scope})
    return rows


def parse_bgp_summary(text):
    """``show ip bgp summary`` (FRR): one row per neighbor: address, dynamic (listed with a
    leading ``*``), AS, established, prefixes received (None when not established) and the
    state word otherwise (Active, Idle, Connect...)."""
    rows = []
    for line in (text or "").splitlines():
        words = line.split()
        if len(words) < 10 or not _ADDRESS_RE.match(words[0]) or not words[2].isdigit():
            continue
        state = words[9]
        established = state.isdigit()
        rows.append({"neighbor": words[0].lstrip("*"), "dynamic": words[0].startswith("*"), "asn": int(words[2]),
                     "established": established, "prefixes": int(state) if established else None,
                     "state": "Established" if established else state})
    return rows


def parse_routes(text, codes="B"):
    """The prefixes of ``show ip route`` whose route code is one of ``codes`` (B: BGP)."""
    prefixes = []
    for line in (text or "").splitlines():
        words = line.split()
        if len(words) >= 2 and words[0][:1] in codes and _PREFIX_RE.match(words[1]):
            if words[1] not in prefixes:
                prefixes.append(words[1])
    return prefixes


def parse_route_table(text):
    """The IPv4 routes of ``show ip route`` (FRR's table: vyos-1x op-mode-definitions/
    show-ip-route.xml.in runs ``vtysh -c "show ip route"``, equuleus a79b59070; on 1.2 the
    same vtysh command): one dict per route line with its code (``S``, ``C``, ``B``...),
    prefix, whether it is selected (``>``), next hop (``via``, None for connected and
    blackhole routes) and interface (None when the line names none). Continuation lines of
    a multipath route (no prefix) are left out."""
    routes = []
    for line in (text or "").splitlines():
        words = line.replace(",", " ").split()
        if len(words) < 2 or not _PREFIX_RE.match(words[1]) or not words[0][:1].isalpha():
            continue
        via, interface = None, None
        if "via" in words[:-1]:
            via = words[words.index("via") + 1]
            interface = (words[words.index("via") + 2:] or [None])[0]
        elif "connected" in words[:-1]:
            interface = words[words.index("connected") + 1]
        if interface is not None and not re.match(r"^[a-z][\w.-]*\Z", interface):
            interface = None   # a timestamp, "(recursive)"...
        routes.append({"code": words[0][:1], "prefix": words[1], "selected": ">" in words[0], "via": via,
                       "interface": interface})
    return routes


def bgp_expectations(design, name):
    """With dmvpn_routing bgp: the BGP peers ``name`` should have established (tunnel addresses)
    and the prefixes it should have learned (every other router's). A hub peers with every
    spoke and every other hub (endpoints.py hub_neighbors), a spoke with every hub."""
    me = design.by_name[name]
    if me.routing != "bgp":
        return None
    if me.role == "hub":
        peers = [r for r in design.routers if r is not me]
    else:
        peers = [r for r in design.routers if r.role == "hub"]
    sources = [r for r in design.routers if r is not me]
    learned = []
    for router in sources:
        learned += [p for p in announced(router) if p not in learned and p not in announced(me)]
    return {"peers": [str(r.tunnel_ip) for r in peers], "prefixes": learned}


def check_bgp(expected, sessions, routes):
    """Problems (strings) when BGP falls short: a peer not established, a prefix not learned."""
    problems = []
    by_peer = {row["neighbor"]: row for row in sessions}
    for peer in expected["peers"]:
        row = by_peer.get(peer)
        if row is None:
            problems.append("BGP: no session with %s" % peer)
        elif not row["established"]:
            problems.append("BGP: session with %s is %s" % (peer, row["state"]))
    missing = [prefix for prefix in expected["prefixes"] if prefix not in routes]
    if missing:
        problems.append("BGP: not learned: %s" % ", ".join(missing))
    return problems


def shortcut_targets(design, name):
    """Addresses spoke ``name`` pings so that shortcuts can form: the first LAN address of
    the next spoke (none for hubs, or when shortcuts are off)."""
    me = design.by_name.get(name)
    if me is None or me.role != "spoke" or not me.vars.get("dmvpn_nhrp_shortcut", True):
        return []
    spokes = [r for r in design.routers if r.role == "spoke" and r.lans]
    others = [r for r in spokes if r is not me]
    if not others:
        return []
    index = spokes.index(me) if me in spokes else -1
    target = spokes[(index + 1) % len(spokes)] if index >= 0 else others[0]
    if target is me:
        return []
    return [str(target.lans[0].network_address + 1)]


def hub_targets(design, name):
    """Addresses hub ``name`` pings to check hub-to-hub reachability: the first LAN address of
    the next hub (in design order; none with one hub, or for a spoke)."""
    me = design.by_name.get(name)
    if me is None or me.role != "hub":
        return []
    hubs = [r for r in design.routers if r.role == "hub" and (r.lans or r is me)]
    target = hubs[(hubs.index(me) + 1) % len(hubs)]
    return [str(target.lans[0].network_address + 1)] if target is not me else []


def ping_plan(design, name, shortcuts=True):
    """What router ``name`` pings before verify reads it: ``{targets, source}``. The targets
    are its ``dmvpn_verify_ping_targets`` when set, else (with ``shortcuts``) its
    shortcut_targets, and a hub's hub_targets. The pings leave from the first address of its first LAN (the address
    the other spokes ping), so that they test LAN to LAN, the way back included (the hubs'
    routes to this LAN); a router without a LAN pings from its tunnel address (None)."""
    me = design.by_name[name]
    configured = me.vars.get("dmvpn_verify_ping_targets")
    if configured is not None:
        targets = [str(target) for target in configured]
    else:
        targets = (shortcut_targets(design, name) if shortcuts else []) + hub_targets(design, name)
    source = str(me.lans[0].network_address + 1) if targets and me.lans else None
    return {"targets": targets, "source": source}


def expectations(design, name):
    """What ``name`` should see when the DMVPN works: NHRP peers (tunnel address -> NBMA or
    None for DHCP spokes) and IPsec peers."""
    me = design.by_name[name]
    hubs = [r for r in design.routers if r.role == "hub"]
    spokes = [r for r in design.routers if r.role == "spoke"]
    if me.role == "hub":
        peers = {str(s.tunnel_ip): (str(s.nbma) if s.nbma else None) for s in spokes}
    else:
        peers = {str(h.tunnel_ip): str(h.nbma) for h in hubs}
    ipsec = bool(si.value(me.vars, "dmvpn_ipsec_enabled"))
    return {"role": me.role, "nhrp_peers": peers, "ipsec": ipsec, "ipsec_peers": len(peers) if ipsec else 0}


def sas_up(sas):
    """The rows of parse_ipsec_sa that are up (every version's script says ``up``)."""
    return [sa for sa in sas if sa["state"] == "up"]


def check(expected, nhrp, sas):
    """Problems (strings) when the observed state falls short of the expectation."""
    problems = []
    seen = {e["protocol"]: e for e in nhrp if e["type"] != "local"}
    for tunnel_ip, nbma in sorted(expected["nhrp_peers"].items()):
        entry = seen.get(tunnel_ip)
        what = "spoke" if expected["role"] == "hub" else "hub"
        if entry is None:
            problems.append("NHRP: %s %s is not registered" % (what, tunnel_ip))
        elif not entry["up"]:
            problems.append("NHRP: %s %s is down" % (what, tunnel_ip))
        elif nbma is not None and entry.get("nbma") not in (None, nbma):
            problems.append("NHRP: %s %s is at %s, expected %s" % (what, tunnel_ip, entry.get("nbma"), nbma))
    if expected["ipsec"]:
        up = sas_up(sas)
        down = [s for s in sas if s not in up]
        for sa in down:
            what = "SA with %s" % sa["remote"] if sa.get("remote") else "connection %s" % sa["connection"]
            problems.append("IPsec: %s is %s" % (what, sa["state"]))
        # (1.2/1.3 list one row per connection however many peers it has: one DMVPN tunnel)
        wanted = min(1, expected["ipsec_peers"]) if any(s.get("scope") == "connection" for s in sas) \
            else expected["ipsec_peers"]
        if len(up) < wanted:
            problems.append("IPsec: %d of %d SAs up" % (len(up), wanted))
    return problems


def _addresses_of(router):
    """Words a verify problem uses to name ``router``: its tunnel and public addresses."""
    return [str(address) for address in (router.tunnel_ip, router.nbma) if address is not None]


def split_pending(design, name, problems, pending):
    """``(failures, pending problems)`` of router ``name`` in check mode, where ``pending``
    names the routers whose own change is pending (their dmvpn task would commit): all of a
    pending router's problems wait for its change; another router's problem that names a
    pending router (its tunnel or public address, an address in its LANs) waits for that
    router's change. The rest are failures."""
    if name in pending:
        return [], list(problems)
    others = [design.by_name[host] for host in pending if host in design.by_name]
    words = [word for router in others for word in _addresses_of(router)]
    lans = [net for router in others for net in router.lans]
    failures, waiting = [], []
    for problem in problems:
        named = [token.rstrip(":,") for token in problem.split()]
        in_lan = False
        for token in named:
            try:
                address = ipaddress.IPv4Address(token)
            except ValueError:
                continue
            in_lan = in_lan or any(address in net for net in lans)
        (waiting if in_lan or any(word in named for word in words) else failures).append(problem)
    return failures, waiting
