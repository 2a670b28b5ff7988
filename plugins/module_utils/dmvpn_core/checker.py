# -*- coding: utf-8 -*-
# Copyright: dmvpn.vyos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The generic checker of module input: :class:`Checker` converts and checks single values
(strings, words, choices, numbers, IPv4 addresses and prefixes) and mappings, collecting a
:class:`Problem` for everything wrong; :class:`ModelError` reports them all at once.

Pure Python, no Ansible imports. It knows no DMVPN section: the model (``model.py``,
``model_ipsec.py``, ``model_bgp.py``) and the per-part resources give it the keys a mapping
may have, the patterns and the ranges (from ``versions.Syntax``).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress
import re

from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.configtree import CONTROL_RE


def shown(text, limit=40):
    """``repr`` of a value for a message, cut short when it is long."""
    if len(text) <= limit:
        return repr(text)
    return "%r... (%d characters)" % (text[:limit], len(text))


class Problem:
    """One thing wrong with the input: where (dotted field), what, and how to fix it."""

    __slots__ = ("field", "message", "fix")

    def __init__(self, field, message, fix):
        self.field = field
        self.message = message
        self.fix = fix

    def as_dict(self):
        return {"field": self.field, "message": self.message, "fix": self.fix}

    def __eq__(self, other):
        return isinstance(other, Problem) and self.as_dict() == other.as_dict()

    def __repr__(self):
        return "Problem(%r, %r, %r)" % (self.field, self.message, self.fix)

    def __str__(self):
        return "%s: %s (fix: %s)" % (self.field, self.message, self.fix)


class ModelError(ValueError):
    """The endpoint is invalid; ``problems`` lists every :class:`Problem` found."""

    def __init__(self, problems):
        self.problems = list(problems)
        count = len(self.problems)
        lines = ["%d problem%s in the DMVPN endpoint:" % (count, "" if count == 1 else "s")]
        lines += ["- %s" % problem for problem in self.problems]
        super(ModelError, self).__init__("\n".join(lines))

    def fields(self):
        return [problem.field for problem in self.problems]

    def as_list(self):
        return [problem.as_dict() for problem in self.problems]


class Checker:
    """Collects problems and converts/validates single values."""

    def __init__(self, syntax):
        self.syntax = syntax
        self.problems = []

    def add(self, field, message, fix):
        self.problems.append(Problem(field, message, fix))

    # -- containers -----------------------------------------------------------------------
    def mapping(self, value, field, keys, required=True):
        """A dict (or None when optional and absent); keys not in ``keys`` are problems."""
        if value is None:
            if required:
                self.add(field, "is required", "give the %s settings" % (field or "endpoint"))
            return None
        if not isinstance(value, dict):
            self.add(field or "config", "must be a mapping, got %s" % type(value).__name__,
                     "give a mapping with the keys %s" % ", ".join(keys))
            return None
        for key in value:
            if key not in keys:
                where = "%s.%s" % (field, key) if field else str(key)
                self.add(where, "is not a known option",
                         "remove it or use one of %s" % ", ".join(keys))
        return value

    def sequence(self, value, field):
        if value is None:
            return []
        if not isinstance(value, (list, tuple)):
            self.add(field, "must be a list, got %s" % type(value).__name__, "give a list")
            return []
        return list(value)

    # -- scalars --------------------------------------------------------------------------
    def string(self, value, field, required=True, fix=None):
        if value is None:
            if required:
                self.add(field, "is required", fix or "set %s" % field)
            return None
        if not isinstance(value, str):
            self.add(field, "must be a string, got %s" % type(value).__name__,
                     fix or "give %s as a string" % field)
            return None
        match = CONTROL_RE.search(value)
        if match:
            self.add(field, "contains the control character %r" % match.group(0),
                     "remove newlines, tabs and other control or invisible formatting characters")
            return None
        return value

    def word(self, value, field, regex, what, required=True):
        """A string that must match ``regex`` fully."""
        text = self.string(value, field, required, fix="set %s to %s" % (field, what))
        if text is None:
            return None
        if not regex.match(text):
            self.add(field, "%s is not a valid value" % shown(text), "use %s" % what)
            return None
        return text

    def choice(self, value, field, choices, required=True):
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        text = self.string(value, field, required,
                           fix="set %s to one of %s" % (field, ", ".join(choices)))
        if text is None:
            return None
        if text not in choices:
            self.add(field, "%r is not allowed" % text, "use one of %s" % ", ".join(choices))
            return None
        return text

    def integer(self, value, field, limits, required=False):
        low, high = limits
        fix = "use a whole number from %d to %d" % (low, high)
        if value is None:
            if required:
                self.add(field, "is required", fix)
            return None
        number = None
        if isinstance(value, bool):
            number = None
        elif isinstance(value, int):
            number = value
        elif isinstance(value, str) and re.match(r"^[0-9]+\Z", value.strip()):
            number = int(value.strip())
        if number is None:
            self.add(field, "%r is not a whole number" % (value,), fix)
            return None
        if not low <= number <= high:
            self.add(field, "%d is out of range" % number, fix)
            return None
        return number

    def boolean(self, value, field, default):
        if value is None:
            return default
        if not isinstance(value, bool):
            self.add(field, "must be true or false, got %r" % (value,), "use true or false")
            return default
        return value

    def ipv4(self, value, field, required=True, allow_unspecified=False):
        text = self.string(value, field, required, fix="set %s to an IPv4 address" % field)
        if text is None:
            return None
        try:
            address = ipaddress.IPv4Address(text)
        except ValueError:
            self.add(field, "%r is not an IPv4 address" % text,
                     "give a dotted-quad IPv4 address such as 192.0.2.1")
            return None
        if address.is_unspecified:
            if allow_unspecified:
                return address
            self.add(field, "0.0.0.0 is not a usable address", "give the router's real address")
            return None
        if address.is_multicast or address.is_loopback or address == ipaddress.IPv4Address(
                "255.255.255.255") or address.is_reserved:
            self.add(field, "%s is not a unicast address" % address, "give a unicast IPv4 address")
            return None
        return address

    def prefix(self, value, field):
        """An IPv4 network given as ``address/length`` with host bits clear (a bare address: /32)."""
        text = self.string(value, field, fix="give the prefix, e.g. 192.168.2.0/24")
        if text is None:
            return None
        try:
            return ipaddress.IPv4Network(text if "/" in text else text + "/32", strict=True)
        except ValueError:
            try:
                loose = ipaddress.IPv4Network(text, strict=False)
                self.add(field, "%r has host bits set" % text, "use the network address: %s" % loose)
            except ValueError:
                self.add(field, "%r is not an IPv4 prefix" % text, "give address/length, e.g. 192.168.2.0/24")
        return None

    def address_in_subnet(self, value, field, iface, what):
        """An IPv4 address inside the tunnel subnet, not its network/broadcast/own address."""
        address = self.ipv4(value, field)
        if address is None or iface is None:
            return address
        network = iface.network
        if address not in network:
            self.add(field, "%s is outside the tunnel subnet %s" % (address, network),
                     "give %s inside %s" % (what, network))
            return None
        if address in (network.network_address, network.broadcast_address):
            self.add(field, "%s is the network or broadcast address of %s" % (address, network),
                     "give %s inside %s" % (what, network))
            return None
        if address == iface.ip:
            self.add(field, "%s is this router's own tunnel address" % address,
                     "give %s, not this router's own" % what)
            return None
        return address
