"""VyOS's own configuration facts (vyos_facts.json, derived by tools/derive_vyos_facts.py) and
a judge that says whether VyOS accepts a value by those facts.

The judge knows the two ways VyOS checks a value:

* Perl templates (1.2/1.3, source ``.../node.def``): the ``type:`` and every
  ``syntax:expression:`` must hold (enum, ``pattern`` searched, numeric ranges);
* vyos-1x XML: any one item of ``<constraint>`` is enough (a regex matched whole, a validator,
  a numeric range); no constraint accepts any value.

A validator it cannot judge makes the verdict None (unknown), never a guess. Validators are
judged the way their vyos-1x scripts call ipaddrcheck (src/validators/*, sagitta c3f688653):
``ip-address`` = ``--is-any-single``, ``ipv4-prefix`` = ``--is-ipv4-net``, ``ipv4-host`` =
``--is-ipv4-host``.
"""

import ipaddress
import json
import os
import re

FACTS_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "vyos_facts.json")
_CACHE = {}


def load():
    if "facts" not in _CACHE:
        with open(FACTS_FILE) as handle:
            _CACHE["facts"] = json.load(handle)
    return _CACHE["facts"]


def fact(version, path):
    """The fact of ``path`` (words, ``*`` for a tag's value) on ``version``; None if not listed."""
    key = path if isinstance(path, str) else " ".join(path)
    return load()["versions"][version].get(key)


# -- value forms ---------------------------------------------------------------------------
def _v4(value):
    try:
        ipaddress.IPv4Address(value)
        return True
    except ValueError:
        return False


def _v6(value):
    try:
        ipaddress.IPv6Address(value)
        return True
    except ValueError:
        return False


def _net(value, version, strict):
    if "/" not in value:
        return False
    try:
        ipaddress.ip_network(value, strict=strict)
    except ValueError:
        return False
    return ipaddress.ip_network(value, strict=False).version == version


def _v4_host(value):
    """ipaddrcheck --is-ipv4-host: address/prefix that is not the network address (/31, /32 ok)."""
    if not _net(value, 4, False):
        return False
    iface = ipaddress.IPv4Interface(value)
    return iface.network.prefixlen >= 31 or iface.ip != iface.network.network_address


def _fqdn(value):
    return bool(re.fullmatch(r"(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                             r"(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?", value))


def _valid_address(value):
    """vyatta-cfg-system src/valid_address.c (crux e966d3376a0e, the Perl ``exec valid_address``):
    a full IPv4 four-tuple with a prefix length 1-32, not the network nor the broadcast
    address when the prefix is shorter than /31. IPv6 values: not judged here."""
    match = re.fullmatch(r"(\d+)\.(\d+)\.(\d+)\.(\d+)/(\d+)", value)
    if not match:
        return None if ":" in value else False
    octets, plen = [int(g) for g in match.groups()[:4]], int(match.group(5))
    if max(octets) > 255 or not 1 <= plen <= 32:
        return False
    iface = ipaddress.IPv4Interface("%d.%d.%d.%d/%d" % tuple(octets + [plen]))
    return plen >= 31 or iface.ip not in (iface.network.network_address, iface.network.broadcast_address)


_VALIDATORS = {
    "valid_address": _valid_address,
    "ip-address": lambda v: _v4(v) or _v6(v),
    "ipv4-address": _v4,
    "ipv6-address": _v6,
    "ipv4-prefix": lambda v: _net(v, 4, True),
    "ipv6-prefix": lambda v: _net(v, 6, True),
    "ipv4-host": _v4_host,
    "fqdn": _fqdn,
}
_PERL_TYPES = {
    "txt": lambda v: True,
    "u32": lambda v: bool(re.fullmatch(r"[0-9]+", v)) and int(v) <= 4294967295,
    "ipv4": _v4,
    "ipv6": _v6,
    "ipv4net": lambda v: _net(v, 4, False),
    "ipv6net": lambda v: _net(v, 6, False),
}
_POSIX = {"[:space:]": r"\s", "[:graph:]": "!-~", "[:alnum:]": "a-zA-Z0-9", "[:alpha:]": "a-zA-Z",
          "[:digit:]": "0-9", "[:print:]": " -~", "[:xdigit:]": "0-9a-fA-F"}


def python_regex(pattern):
    for posix, python in _POSIX.items():
        pattern = pattern.replace(posix, python)
    return pattern


def _in_ranges(value, ranges):
    return bool(re.fullmatch(r"[0-9]+", value)) and any(low <= int(value) <= high for low, high in ranges)


def _validator(item, value):
    name, argument = item["name"], item.get("argument", "")
    if name == "numeric":
        return None  # judged by the ranges derived from it
    if name == "ipaddrcheck" and argument.strip() == "--verbose --is-ipv4-net":
        return _net(value, 4, True)
    judge = _VALIDATORS.get(name)
    return judge(value) if judge and not argument else None


def verdict(entry, value):
    """True when VyOS accepts ``value`` at the path of ``entry`` (a fact), False when it
    refuses it, None when the facts cannot tell."""
    constraint = entry.get("constraint") or {}
    if entry.get("source", "").endswith("node.def"):
        results = []
        if "type" in constraint:
            types = [t.strip() for t in constraint["type"].split(",")]
            known = [_PERL_TYPES[t](value) for t in types if t in _PERL_TYPES]
            results.append(any(known) if len(known) == len(types) else None)
        if "enum" in constraint:
            results.append(value in constraint["enum"])
        for pattern in constraint.get("regex", []):
            results.append(bool(re.search(python_regex(pattern), value)))
        if "ranges" in constraint:
            results.append(_in_ranges(value, constraint["ranges"]))
        if constraint.get("unparsed"):
            results.append(None)
        results += [_validator(item, value) for item in constraint.get("validators", [])]
        if False in results:
            return False
        return None if None in results else True
    if not constraint:
        return True
    results = [value in constraint.get("enum", ())]
    results += [bool(re.fullmatch(python_regex(p), value)) for p in constraint.get("regex", [])]
    if "ranges" in constraint:
        results.append(_in_ranges(value, constraint["ranges"]))
    others = [v for v in constraint.get("validators", []) if v["name"] != "numeric"]
    results += [_validator(item, value) for item in others]
    if True in results:
        return True
    return None if None in results else False


# The areas the product renders: there the lab's value checks are VyOS's facts (wherever the
# judge can tell), the hand-written validators of vyos_lab/schemas.py only where it cannot.
VALUE_AREAS = (
    ("interfaces", "tunnel"), ("protocols", "nhrp"), ("vpn", "ipsec"), ("protocols", "static"),
    ("system", "ntp"), ("service", "ntp"), ("firewall",),
)


def in_value_area(path):
    return any(tuple(path[:len(area)]) == area for area in VALUE_AREAS)


def judged_validator(entry, fallback, secret=False):
    """A lab validator that says what VyOS's facts say, and asks ``fallback`` (the lab's own
    validator) only for values the facts cannot judge."""
    def check(value):
        vyos = verdict(entry, value)
        if vyos is None:
            return fallback(value)
        if vyos:
            return None
        return fallback(value) or ("Invalid value" if secret else "Invalid value '%s'" % value)

    return check


def apply_to_schema(root, version):
    """Make the lab schema ``root`` of ``version`` judge values by the facts in VALUE_AREAS."""
    def walk(node, prefix):
        for name, child in node.children.items():
            path = prefix + (name,)
            if child.kind in ("leaf", "tag") and in_value_area(path):
                entry = fact(version, path)
                if entry and "kind" in entry:
                    child.validator = judged_validator(entry, child.validator, getattr(child, "secret", False))
            walk(child, path + (("*",) if child.kind == "tag" else ()))

    walk(root, ())
    return root
