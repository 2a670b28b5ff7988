# -*- coding: utf-8 -*-
# Copyright: dmvpn.vyos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Per-version firewall words for the WAN rules the collection may own (model_firewall.py,
render_firewall.py): the one place that knows how 1.2/1.3 and 1.4+ write them.

Pure Python, no Ansible imports. Facts (vyos_lab/facts/vyos_facts.json has each path):

* 1.2/1.3 (vyatta-cfg-firewall, crux 0fda817 / equuleus 49dd3dc): rule sets ``firewall name X
  rule N`` (N 1-9999 on crux, 1-999999 on equuleus; ``default-action`` defaults to drop), state
  matches ``state established enable``; a set reaches the router's own traffic through
  ``interfaces ethernet ethN firewall local name X`` (one set per direction and interface:
  gen-interface-templates.pl), and is refused on delete while an interface still uses it
  (scripts/firewall/vyatta-firewall.pl "Cannot delete rule set ... (still in use)").
* 1.4/1.5 (vyos-1x firewall.xml.in, sagitta c3f688653 / current 3710c5879): the base chain
  ``firewall ipv4 input filter rule N`` (1-999999, default-action accept), the WAN matched with
  ``inbound-interface name ethN`` (include/firewall/match-interface.xml.i; before the firewall
  11-to-12 migration of 1.4's development it was ``interface-name``; tag 1.4.0 9017dad23 already
  has ``name``), ``state`` one multi leaf (established, related, ...).
* both: ``firewall group address-group X address A`` (multi), used as ``source group
  address-group X``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.versions import syntax_for

# The rule numbers the collection owns, in every rule set it writes to (documented in
# docs/firewall.md): high, so an operator's own rules (10, 20, ...) come first, and inside crux's
# 1-9999. Within it: each rule's offset.
RULE_RANGE = (9900, 9999)
OFFSETS = {"established": 0, "gre": 1, "esp": 2, "ike": 3, "nat_t": 4, "ssh": 5, "drop": 99}

# Names of our rule set and address group: product policy inside what every version takes
# (crux/equuleus rule set names: 1-28 printable characters, not starting with '-', no shell
# punctuation, no reserved chain word; address groups 1-31; 1.4+ "[-_a-zA-Z0-9][\w\-\.\+]*").
NAME_RE = re.compile(r"^[A-Za-z0-9][-_A-Za-z0-9]{0,27}\Z")
NAME_TEXT = "1 to 28 letters, digits, '-' or '_', starting with a letter or digit"
RESERVED_RE = re.compile(r"^VZONE|PREROUTING|POSTROUTING|CONNMARK|MARK|FILTER|FORWARD|INPUT|OUTPUT|VYATTA_.*_HOOK")


class FirewallSyntax:
    """How one version writes the WAN rules."""

    def __init__(self, version, style):
        self.version = version
        self.style = style                  # "named" (1.2/1.3) | "input_filter" (1.4+)

    @property
    def named(self):
        return self.style == "named"

    def rules_path(self, rule_set=None):
        """The tag node holding the rules: ``firewall name X rule`` or ``firewall ipv4 input
        filter rule``."""
        if self.named:
            return ("firewall", "name", rule_set, "rule")
        return ("firewall", "ipv4", "input", "filter", "rule")

    @staticmethod
    def rule_set_path(name):
        return ("firewall", "name", name)

    @staticmethod
    def attach_path(interface):
        """1.2/1.3: the leaf naming the interface's local rule set."""
        return ("interfaces", "ethernet", interface, "firewall", "local", "name")

    @staticmethod
    def group_path(name):
        return ("firewall", "group", "address-group", name)

    GROUP_REFERENCE = ("source", "group", "address-group")
    INBOUND = ("inbound-interface", "name")

    def state_leaves(self):
        """(words, value) of an established/related match."""
        if self.named:
            return [(("state", "established"), "enable"), (("state", "related"), "enable")]
        return [(("state",), "established"), (("state",), "related")]


_CACHE = {}


def firewall_syntax(version):
    """The :class:`FirewallSyntax` of a version, from its versions.Syntax facts."""
    syntax = syntax_for(version)
    if syntax.version not in _CACHE:
        _CACHE[syntax.version] = FirewallSyntax(syntax.version, syntax.firewall_style)
    return _CACHE[syntax.version]


def in_range(number):
    """True when ``number`` (a rule tag, a string) is one of the collection's rule numbers."""
    return number.isdigit() and RULE_RANGE[0] <= int(number) <= RULE_RANGE[1]
