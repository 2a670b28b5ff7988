"""What the dataplane checks read, and the table they print.

The parsers are plain functions over the text the tools print (vtysh, swanctl, ip, ping,
tcpdump) so that tests/unit/dataplane can feed them recorded output.
"""

import ipaddress
import os
import re
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

PASS, FAIL, NOT_RUN = "PASS", "FAIL", "NOT RUN"


class Check:
    def __init__(self, phase, name, where, result, evidence=""):
        self.phase, self.name, self.where, self.result, self.evidence = phase, name, where, result, evidence

    @property
    def passed(self):
        return self.result == PASS


class Report:
    """The checks of one run, in the order they ran."""

    def __init__(self, progress=None):
        self.checks = []
        self.progress = progress   # called with each check as it is recorded

    def add(self, phase, name, where, ok, evidence=""):
        check = Check(phase, name, where, PASS if ok else FAIL, evidence)
        self.checks.append(check)
        if self.progress:
            self.progress(check)
        return ok

    def not_run(self, phase, name, where, why):
        self.checks.append(Check(phase, name, where, NOT_RUN, why))

    @property
    def passed(self):
        return bool(self.checks) and all(c.passed for c in self.checks)

    def counts(self):
        out = {PASS: 0, FAIL: 0, NOT_RUN: 0}
        for c in self.checks:
            out[c.result] += 1
        return out

    def table(self):
        rows = [("phase", "check", "where", "result", "evidence")]
        rows += [(c.phase, c.name, c.where, c.result, c.evidence) for c in self.checks]
        widths = [max(len(r[i]) for r in rows) for i in range(4)]
        lines = []
        for n, row in enumerate(rows):
            lines.append("  ".join(row[i].ljust(widths[i]) for i in range(4)) + "  " + row[4])
            if n == 0:
                lines.append("  ".join("-" * w for w in widths) + "  " + "-" * 8)
        return "\n".join(lines)


def wait_for(fetch, ready, timeout, interval=2.0):
    """Fetch until ``ready(value)`` or ``timeout`` seconds passed; return the last value."""
    deadline = time.time() + timeout
    while True:
        value = fetch()
        if ready(value) or time.time() > deadline:
            return value
        time.sleep(interval)


# -- NHRP ----------------------------------------------------------------------------------
# nhrpd prints the same tables here as on VyOS 1.5: the collection's own parsers read them
# (one format, one parser), so the dataplane also tests what verify reads.
def _status():
    link_root = os.path.join(ROOT, ".venv", "collections")
    if os.path.isdir(link_root) and link_root not in sys.path:
        sys.path.insert(0, link_root)
    from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import status

    return status


def nhrp_cache(text):
    """``show ip nhrp cache`` -> {protocol address: (type, nbma)}."""
    return {e["protocol"]: (e["type"], e["nbma"]) for e in _status().parse_frr_nhrp(text)}


def nhrp_shortcuts(text):
    """``show ip nhrp shortcut`` -> {prefix: (type, via or None)}."""
    return {e["prefix"]: (e["type"], e["via"]) for e in _status().parse_frr_nhrp_shortcut(text)}


# -- IPsec ---------------------------------------------------------------------------------
def parse_swanctl_sas(text):
    """``swanctl --list-sas`` -> list of {name, state, version, local, remote, children: [(name, state, mode, algs)]}."""
    sas, current = [], None
    for line in text.splitlines():
        m = re.match(r"^(\S+): #\d+, (\w+), (IKEv\d)", line)
        if m:
            current = {"name": m.group(1), "state": m.group(2), "version": m.group(3), "local": None,
                       "remote": None, "children": []}
            sas.append(current)
            continue
        if current is None:
            continue
        m = re.match(r"^\s+(local|remote)\s+'[^']*' @ ([0-9.]+)\[", line)
        if m:
            current[m.group(1)] = m.group(2)
            continue
        m = re.match(r"^\s+(\S+): #\d+, reqid \d+, (\w+), (\w+), (\S+)", line)
        if m:
            current["children"].append((m.group(1), m.group(2), m.group(3), m.group(4).rstrip(",")))
    return sas


def established_with(sas, peer):
    """The IKE SA with ``peer`` that is ESTABLISHED and has an INSTALLED child, or None."""
    for sa in sas:
        if sa["remote"] == peer and sa["state"] == "ESTABLISHED" and any(c[1] == "INSTALLED" for c in sa["children"]):
            return sa
    return None


def xfrm_states_between(text, a, b):
    """How many ESP states ``ip xfrm state`` has from a to b and from b to a."""
    pairs = re.findall(r"^src (\S+) dst (\S+)\s*\n\s*proto esp", text, flags=re.M)
    return sum(1 for s, d in pairs if (s, d) == (a, b)), sum(1 for s, d in pairs if (s, d) == (b, a))


# -- ping and routes -----------------------------------------------------------------------
def parse_ping(text):
    """ping output -> (transmitted, received, [ttl of each reply])."""
    m = re.search(r"(\d+) packets transmitted, (\d+) received", text)
    ttls = [int(t) for t in re.findall(r"ttl=(\d+)", text)]
    return (int(m.group(1)), int(m.group(2)), ttls) if m else (0, 0, ttls)


def replied_seqs(text):
    """The icmp_seq numbers that got a reply."""
    return sorted({int(n) for n in re.findall(r"icmp_seq=(\d+)", text)})


def route_get_via(text):
    """``ip route get`` -> the gateway ("via X"), or None for a directly reached destination."""
    m = re.search(r"\bvia (\S+)", text)
    return m.group(1) if m else None


# -- capture -------------------------------------------------------------------------------
def classify_capture(text, lan_networks):
    """``tcpdump -n -r`` lines -> counts per kind and per (src, dst) for ESP.

    Kinds: esp, gre (cleartext GRE), ike (UDP 500/4500 without ESP), lan (a packet whose
    own addresses are LAN addresses: traffic that left the tunnel in clear), other.
    """
    nets = [ipaddress.IPv4Network(n) for n in lan_networks]
    kinds = {"esp": 0, "gre": 0, "ike": 0, "lan": 0, "other": 0}
    esp_pairs = {}
    for line in text.splitlines():
        m = re.search(r" IP (\d+\.\d+\.\d+\.\d+)(?:\.(\d+))? > (\d+\.\d+\.\d+\.\d+)(?:\.(\d+))?: (.*)", line)
        if not m:
            continue
        src, sport, dst, dport, rest = m.groups()
        if any(ipaddress.IPv4Address(x) in n for x in (src, dst) for n in nets):
            kinds["lan"] += 1
        elif rest.startswith("ESP"):
            kinds["esp"] += 1
            esp_pairs[(src, dst)] = esp_pairs.get((src, dst), 0) + 1
        elif rest.startswith("GRE"):
            kinds["gre"] += 1
        elif {sport, dport} & {"500", "4500"}:
            kinds["ike"] += 1
        else:
            kinds["other"] += 1
    return kinds, esp_pairs


# -- BGP -----------------------------------------------------------------------------------
def bgp_established_peers(summary_json):
    """``show bgp ipv4 unicast summary json`` (parsed) -> {peer: state}."""
    peers = (summary_json or {}).get("peers", {})
    return {peer: info.get("state") for peer, info in peers.items()}


def bgp_route_prefixes(routes_json):
    """``show ip route bgp json`` (parsed) -> set of prefixes whose route is selected."""
    return {prefix for prefix, entries in (routes_json or {}).items()
            if any(e.get("selected") for e in entries)}
