"""Commit checks of the firewall rules the collection may write (its WAN rules), per version,
in VyOS's words (commit_rules.py lists them with their sources).

1.2/1.3 (vyatta-cfg-firewall, Perl): a rule set an interface still names cannot be deleted
(vyatta-firewall.pl); a rule naming an address group that is not defined is refused (IpSet.pm).
1.4/1.5 (vyos-1x firewall.py verify_rule): every rule needs an action, a port needs protocol
tcp, udp or tcp_udp, an address group a rule names must exist.
"""

OLD = ("1.2", "1.3")


def firewall_steps(ctx):
    """The firewall's commit steps when its part (or an interface's firewall) changed."""
    if ctx.changed("firewall") or ctx.changed("interfaces", "ethernet"):
        return [(_firewall, ())]
    return []


def _attached(candidate):
    names = set()
    for dummy, data in sorted((candidate.get(["interfaces", "ethernet"]) or {}).items()):
        for direction in ((data or {}).get("firewall") or {}).values():
            for value in ((direction or {}).get("name") or []):
                names.add(value)
    return names


def _group(rule):
    source = (rule or {}).get("source") or {}
    values = (source.get("group") or {}).get("address-group") or []
    return values[0] if values else None


def _firewall(script, ctx):
    firewall = ctx.candidate.get(["firewall"]) or {}
    groups = (firewall.get("group") or {}).get("address-group") or {}
    if ctx.version in OLD:
        before = (ctx.running.get(["firewall", "name"]) or {})
        now = firewall.get("name") or {}
        for name in sorted(set(before) - set(now)):
            if name in _attached(ctx.candidate):
                script.refuse("firewall-rule-set-in-use", rule_set=name)
        for name, conf in sorted(now.items()):
            for number, rule in sorted(((conf or {}).get("rule") or {}).items()):
                group = _group(rule)
                if group and group not in groups:
                    script.refuse("firewall-group-exists", rule_set=name, rule=number, group=group)
        return
    chains = [((firewall.get("ipv4") or {}).get("input") or {}).get("filter") or {}]
    chains += list(((firewall.get("ipv4") or {}).get("name") or {}).values())
    for chain in chains:
        for dummy, rule in sorted(((chain or {}).get("rule") or {}).items()):
            rule = rule or {}
            if not rule.get("action"):
                script.refuse("firewall-rule-action")
            group = _group(rule)
            if group and group not in groups:
                script.refuse("firewall-group-exists", group=group)
            if (rule.get("destination") or {}).get("port") or (rule.get("source") or {}).get("port"):
                protocol = rule.get("protocol")
                if not protocol:
                    script.refuse("firewall-port-protocol")
                if protocol[0] not in ("tcp", "udp", "tcp_udp"):
                    script.refuse("firewall-port-tcp-udp")
