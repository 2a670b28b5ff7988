"""The VyOS 1.5 firewall and TCP MSS lines the dataplane translator knows, as nftables.

Facts (vyos-1x current 3710c5879):
* ``firewall group address-group X address A``: nftables-defines.j2's ``set A_X`` (type
  ipv4_addr, flags interval, auto-merge) in the same table; a rule's ``source group
  address-group X`` is ``ip saddr @A_X``.
* ``firewall ipv4 input filter`` / ``firewall ipv4 name X``: data/templates/firewall/nftables.j2
  renders ``table ip vyos_filter`` with ``chain VYOS_INPUT_filter`` (``type filter hook input
  priority filter; policy accept;``), one rule per rule number (disabled ones left out), then
  the default rule from python/vyos/template.py nft_default_rule (``counter <action> comment
  "<chain> default-action <action>"``); a named set is ``chain NAME_<x>``, reached by ``jump``.
* a rule's words and their order: python/vyos/firewall.py parse_rule (state, protocol,
  destination then source with address then port, inbound-interface, log, counter, action,
  comment ``ipv4-<hook>-<name>-<rule>``).
* defaults: interface-definitions/include/firewall/default-action-base-chains.xml.i (base
  chains: accept), default-action.xml.i (named sets: drop).
* ``interfaces tunnel X ip adjust-mss N``: python/vyos/ifconfig/interface.py set_tcp_ipv4_mss
  adds to chain VYOS_TCP_MSS of table ``raw`` (data/vyos-firewall-init.conf: ``type filter
  hook forward priority -300``) ``oifname "X" tcp flags & (syn|rst) == syn tcp option maxseg
  size N+1-65535 tcp option maxseg size set N`` (``clamp-mss-to-pmtu``: ``set rt mtu``).
Our own code from those facts.
"""

import re

# The rule leaves translated (VyOS's words -> what parse_rule makes of them); others are refused.
# (``description`` is accepted and rendered nowhere: parse_rule makes no nft word of it.)
RULE_LEAVES = {"action", "protocol", "state", "inbound-interface", "destination", "source", "description",
               "jump-target", "log", "disable"}
BASE_HOOKS = {"input": ("VYOS_INPUT_%s", "input", "INP"), "forward": ("VYOS_FORWARD_%s", "forward", "FWD"),
              "output": ("VYOS_OUTPUT_%s", "output", "OUT")}


class FirewallError(ValueError):
    """A firewall line the translator does not know."""


def _word(value):
    """A value as one nft word: VyOS's validators allow no more than these characters here."""
    if not re.fullmatch(r"[A-Za-z0-9./:!,_-]+", value or ""):
        raise FirewallError("value %r is not one address, port, protocol or name" % value)
    return value


def _rule(tree, base, hook, chain_name, rule_id):
    words = []
    unknown = set(tree.children(base)) - RULE_LEAVES
    if unknown:
        raise FirewallError("rule %s: no translation for %s" % (rule_id, ", ".join(sorted(unknown))))
    states = tree.values(base + ("state",))
    if states:
        words.append("ct state {%s}" % ",".join(states))
    proto = tree.value(base + ("protocol",))
    leaves = states + [proto, tree.value(base + ("action",)), tree.value(base + ("jump-target",)),
                       tree.value(base + ("inbound-interface", "name"))]
    leaves += [tree.value(base + (side, leaf)) for side in ("destination", "source") for leaf in ("address", "port")]
    for leaf in leaves:
        if leaf is not None:
            _word(leaf)
    if proto and proto != "all":
        op = "!= " if proto.startswith("!") else ""
        proto = proto.lstrip("!")
        words.append("meta l4proto %s%s" % (op, "{tcp, udp}" if proto == "tcp_udp" else proto))
    for side in ("destination", "source"):
        sbase = base + (side,)
        unknown = set(tree.children(sbase)) - {"address", "port", "group"}
        unknown |= {"group " + g for g in set(tree.children(sbase + ("group",))) - {"address-group"}}
        if unknown:
            raise FirewallError("rule %s: no translation for %s %s" % (rule_id, side, ", ".join(sorted(unknown))))
        addr = tree.value(sbase + ("address",))
        if addr:
            op = "!= " if addr.startswith("!") else ""
            words.append("ip %saddr %s%s" % (side[0], op, addr.lstrip("!")))
        group = tree.value(sbase + ("group", "address-group"))
        if group:
            # parse_rule: "ip saddr @A_<group>" (a set nftables-defines.j2 writes into vyos_filter)
            op = "!= " if group.startswith("!") else ""
            words.append("ip %saddr %s@A_%s" % (side[0], op, _word(group.lstrip("!"))))
        port = tree.value(sbase + ("port",))
        if port:
            if not proto:
                raise FirewallError("rule %s: %s port without protocol" % (rule_id, side))
            l4 = "th" if proto == "tcp_udp" else proto
            plain = [p for p in port.split(",") if not p.startswith("!")]
            negated = [p[1:] for p in port.split(",") if p.startswith("!")]
            if plain:
                words.append("%s %sport {%s}" % (l4, side[0], ",".join(plain)))
            if negated:
                words.append("%s %sport != {%s}" % (l4, side[0], ",".join(negated)))
    iif = tree.value(base + ("inbound-interface", "name"))
    if set(tree.children(base + ("inbound-interface",))) - {"name"}:
        raise FirewallError("rule %s: only inbound-interface name is translated" % rule_id)
    if iif:
        op = "!= " if iif.startswith("!") else ""
        words.append("iifname %s{%s}" % (op, iif.lstrip("!")))
    action = tree.value(base + ("action",))
    if tree.exists(base + ("log",)):
        words.append('log prefix "[ipv4-%s-%s-%s-%s]"' % (hook, chain_name, rule_id, (action or "accept")[:1].upper()))
    words.append("counter")
    if action:
        words.append(action)
        if action == "jump":
            words.append("NAME_%s" % tree.value(base + ("jump-target",)))
    words.append('comment "ipv4-%s-%s-%s"' % (hook, chain_name, rule_id))
    return " ".join(words)


def _chain(tree, base, hook, chain_name, default):
    lines = []
    for rule_id in sorted(tree.children(base + ("rule",)), key=int):
        rbase = base + ("rule", rule_id)
        if not tree.exists(rbase + ("disable",)):
            lines.append("        " + _rule(tree, rbase, hook, chain_name, rule_id))
    action = tree.value(base + ("default-action",), default)
    lines.append('        counter %s comment "%s-%s default-action %s"' % (action, hook, chain_name, action))
    return lines


def firewall(tree):
    """``firewall ...`` of a configuration tree -> the nft script (or None without firewall)."""
    base = ("firewall", "ipv4")
    if not tree.exists(("firewall",)):
        return None
    for path in tree.paths():
        if path[:1] != ("firewall",) or path[1:3] == ("group", "address-group") and path[4:5] in ((), ("address",)):
            continue
        if path[1:2] != ("ipv4",) or path[2:3] not in {(h,) for h in BASE_HOOKS} | {("name",)}:
            raise FirewallError("no translation for '%s'" % " ".join(path))
    body = []
    # nftables-defines.j2: each address-group is a set A_<name> (ipv4, interval, auto-merge)
    for name in sorted(tree.children(("firewall", "group", "address-group"))):
        elements = [_word(a) for a in tree.values(("firewall", "group", "address-group", name, "address"))]
        body += ["    set A_%s {" % _word(name), "        type ipv4_addr", "        flags interval", "        auto-merge"]
        body += ["        elements = { %s }" % ",".join(elements)] if elements else []
        body += ["    }"]
    for hook_word, (chain_fmt, nft_hook, short) in sorted(BASE_HOOKS.items()):
        for prior in sorted(tree.children(base + (hook_word,))):
            if prior != "filter":
                raise FirewallError("no translation for firewall ipv4 %s %s" % (hook_word, prior))
            body += ["    chain %s {" % (chain_fmt % prior),
                     "        type filter hook %s priority %s; policy accept;" % (nft_hook, prior)]
            body += _chain(tree, base + (hook_word, prior), short, prior, "accept") + ["    }"]
    for name in sorted(tree.children(base + ("name",))):
        body += ["    chain NAME_%s {" % name]
        body += _chain(tree, base + ("name", name), "NAM", name, "drop") + ["    }"]
    return "\n".join(["table ip vyos_filter", "delete table ip vyos_filter", "table ip vyos_filter {"] + body + ["}"]) + "\n"


def tcp_mss(tunnels):
    """{interface: adjust-mss value} -> the nft script of table raw's VYOS_TCP_MSS (or None)."""
    if not tunnels:
        return None
    lines = ["table ip raw {", "    chain VYOS_TCP_MSS {", "        type filter hook forward priority -300; policy accept;"]
    for ifname, mss in sorted(tunnels.items()):
        head = 'oifname "%s" tcp flags & (syn|rst) == syn' % ifname
        if mss == "clamp-mss-to-pmtu":
            lines.append("        %s tcp option maxseg size set rt mtu" % head)
        else:
            lines.append("        %s tcp option maxseg size %d-65535 tcp option maxseg size set %d" % (head, int(mss) + 1, int(mss)))
    return "\n".join(lines + ["    }", "}"]) + "\n"
