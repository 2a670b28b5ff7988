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
    """The command that lists NHRP peers: opennhrp (up to 1.4) or FRR nhrpd (1.5)."""
    return "show ip nhrp" if syntax_for(version).is_frr_nhrp else "show nhrp tunnel"


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


def parse_opennhrp_table(text):
    """``show nhrp tunnel`` on 1.4: ``Status: ok``, then opennhrpctl's blocks as one table
    (vyos-1x src/op_mode/nhrp.py show_tunnel, sagitta c3f688653: tabulate's "simple" format,
    a column per key in the order the keys first appear, headers over dashes). Cells are cut
    at the columns the dashes mark: a cell may hold spaces (``Flags: used up``) or be empty
    (an entry without that key)."""
    lines = (text or "").splitlines()
    for index in range(1, len(lines)):
        rule = lines[index].rstrip()
        if rule and set(rule) <= set("- "):
            break
    else:
        return []   # no table: opennhrp has no entries (only the status line is printed)
    starts = [match.start() for match in _DASHES_RE.finditer(rule)]
    bounds = list(zip(starts, starts[1:] + [None]))
    headers = [lines[index - 1][start:end].strip() for start, end in bounds]
    entries = []
    for line in lines[index + 1:]:
        if not line.strip():
            break
        cells = [line[start:end].strip() for start, end in bounds]
        entry = _opennhrp_entry({key: cell for key, cell in zip(headers, cells) if cell})
        if entry is not None:
            entries.append(entry)
    return entries


def parse_frr_nhrp(text):
    """``show ip nhrp`` (FRR nhrpd): a table with Iface, Type, Protocol, NBMA, Claimed NBMA, Flags."""
    entries = []
    lines = (text or "").splitlines()
    for line in lines:
        words = line.split()
        if len(words) < 4 or words[0] == "Iface" or set(line.strip()) <= set("- "):
            continue
        flags = words[5] if len(words) > 6 else ""
        entries.append({"interface": words[0], "type": words[1], "protocol": words[2], "nbma": words[3],
                        "up": words[1] == "local" or "U" in flags})
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


def parse_ipsec_sa(text):
    """``show vpn ipsec sa``: one row per SA (connection, state, remote address)."""
    rows = []
    for line in (text or "").splitlines():
        words = line.split()
        if len(words) < 2 or words[0] == "Connection" or re.match(r"^-+$", words[0]):
            continue
        if words[1] not in ("up", "down", "connecting", "installed"):
            continue
        remote = next((w for w in words[2:] if re.match(r"^\d+\.\d+\.\d+\.\d+$", w)), None)
        rows.append({"connection": words[0], "state": words[1], "remote": remote})
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
    and the prefixes it should have learned (hubs: every spoke's; spokes: every other router's)."""
    me = design.by_name[name]
    if me.routing != "bgp":
        return None
    if me.role == "hub":
        peers = [r for r in design.routers if r.role == "spoke"]
        sources = peers
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


def ping_plan(design, name, shortcuts=True):
    """What router ``name`` pings before verify reads it: ``{targets, source}``. The targets
    are its ``dmvpn_verify_ping_targets`` when set, else (with ``shortcuts``) its
    shortcut_targets. The pings leave from the first address of its first LAN (the address
    the other spokes ping), so that they test LAN to LAN, the way back included (the hubs'
    routes to this LAN); a router without a LAN pings from its tunnel address (None)."""
    me = design.by_name[name]
    configured = me.vars.get("dmvpn_verify_ping_targets")
    if configured is not None:
        targets = [str(target) for target in configured]
    else:
        targets = shortcut_targets(design, name) if shortcuts else []
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
        up = [s for s in sas if s["state"] in ("up", "installed")]
        down = [s for s in sas if s not in up]
        for sa in down:
            problems.append("IPsec: SA with %s is %s" % (sa["remote"], sa["state"]))
        if len(up) < expected["ipsec_peers"]:
            problems.append("IPsec: %d of %d SAs up" % (len(up), expected["ipsec_peers"]))
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
