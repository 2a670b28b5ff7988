"""The building blocks of a VyOS configuration schema, and the value validators.

A schema is a tree of nodes, the way VyOS's interface definitions describe it:

* ``Node``   a plain node with named children (``interfaces``, ``vpn ipsec``);
* ``Tag``    a node whose children are named by values (``tunnel tun0``, ``route 0.0.0.0/0``),
             each value validated, each holding the same child schema;
* ``Leaf``   a node that holds one value, or several (``multi``);
* ``Flag``   a valueless leaf (``redirect``, ``enable-multicast``).

Validators return ``None`` when a value is good and an error text (VyOS style) when not.
"""

import ipaddress
import re


class Node:
    kind = "node"

    def __init__(self, children=None, help_text=""):
        self.children = dict(children or {})
        self.help = help_text

    def child(self, name):
        return self.children.get(name)

    def extend(self, **children):
        """A copy of this node with children added or replaced (``None`` removes one)."""
        new = dict(self.children)
        for key, value in children.items():
            key = key.replace("_", "-")
            if value is None:
                new.pop(key, None)
            else:
                new[key] = value
        return type(self)._clone(self, new)

    @classmethod
    def _clone(cls, node, children):
        return Node(children, node.help)


class Tag(Node):
    kind = "tag"

    def __init__(self, validator, children=None, help_text=""):
        super().__init__(children, help_text)
        self.validator = validator

    @classmethod
    def _clone(cls, node, children):
        return Tag(node.validator, children, node.help)


class Leaf:
    kind = "leaf"

    def __init__(self, validator, multi=False, default=None, secret=False, help_text=""):
        self.validator = validator
        self.multi = multi
        self.default = default
        self.secret = secret
        self.help = help_text
        self.children = {}


class Flag:
    kind = "flag"

    def __init__(self, help_text=""):
        self.help = help_text
        self.children = {}


def node(**children):
    return Node({k.replace("_", "-"): v for k, v in children.items()})


def tag(validator, **children):
    return Tag(validator, {k.replace("_", "-"): v for k, v in children.items()})


# --------------------------------------------------------------------------------------------
# validators
# --------------------------------------------------------------------------------------------


def any_text(value):
    return None


def text(max_len=256, min_len=1, pattern=None, what="value"):
    compiled = re.compile(pattern) if pattern else None

    def check(value):
        if not min_len <= len(value) <= max_len:
            return "%s must be %d to %d characters long" % (what, min_len, max_len)
        if compiled and not compiled.fullmatch(value):
            return "Invalid %s '%s'" % (what, value)
        return None

    return check


def regex(pattern, what="value"):
    compiled = re.compile(pattern)

    def check(value):
        if not compiled.fullmatch(value):
            return "Invalid %s '%s'" % (what, value)
        return None

    return check


def number(low, high, what="value"):
    def check(value):
        if not re.fullmatch(r"[0-9]+", value) or not low <= int(value) <= high:
            return "%s must be between %d and %d" % (what, low, high)
        return None

    return check


def enum(*choices):
    def check(value):
        if value not in choices:
            return "Invalid value '%s': must be one of: %s" % (value, ", ".join(choices))
        return None

    return check


def either(*validators):
    def check(value):
        errors = [v(value) for v in validators]
        if all(errors):
            return errors[0]
        return None

    return check


def ipv4(value):
    try:
        ipaddress.IPv4Address(value)
    except ValueError:
        return "'%s' is not a valid IPv4 address" % value
    return None


def ipv6(value):
    try:
        ipaddress.IPv6Address(value)
    except ValueError:
        return "'%s' is not a valid IPv6 address" % value
    return None


def ip(value):
    if ipv4(value) and ipv6(value):
        return "'%s' is not a valid IP address" % value
    return None


def ipv4_prefix(value):
    """A network prefix (host bits clear): 192.168.2.0/24."""
    try:
        ipaddress.IPv4Network(value, strict=True)
    except ValueError:
        return "'%s' is not a valid IPv4 prefix" % value
    if "/" not in value:
        return "'%s' is not a valid IPv4 prefix" % value
    return None


def ipv4_host_prefix(value):
    """An interface address with its prefix length: 10.0.0.1/24."""
    if "/" not in value:
        return "'%s' is not a valid IPv4 address and prefix" % value
    try:
        iface = ipaddress.IPv4Interface(value)
    except ValueError:
        return "'%s' is not a valid IPv4 address and prefix" % value
    if iface.network.prefixlen < 31 and iface.ip in (iface.network.network_address, iface.network.broadcast_address):
        return "'%s' is a network or broadcast address, not a host address" % value
    return None


def ipv6_host_prefix(value):
    try:
        ipaddress.IPv6Interface(value)
    except ValueError:
        return "'%s' is not a valid IPv6 address and prefix" % value
    return None if "/" in value else "'%s' is not a valid IPv6 address and prefix" % value


def fqdn(value):
    if re.fullmatch(r"(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*", value):
        return None
    return "'%s' is not a valid host name" % value


HOST_NAME = regex(r"[A-Za-z0-9][-.A-Za-z0-9]*[A-Za-z0-9]", "host name")
ETH_NAME = regex(r"eth[0-9]+", "ethernet interface name")
TUN_NAME = regex(r"tun[0-9]+", "tunnel interface name")
IF_NAME = regex(r"(eth|lo|tun|bond|br|wg|vtun|pppoe|dum)[0-9]*(\.[0-9]+)?", "interface name")
GROUP_NAME = regex(r"[-_a-zA-Z0-9.]+", "name")
MAC = regex(r"([0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}", "MAC address")
PSK = regex(r"[-+&!@#$%^*(),.:_a-zA-Z0-9]+", "pre-shared-secret")
U32 = number(0, 4294967295)
ENCRYPTION = enum(
    "null", "aes128", "aes192", "aes256", "aes128ctr", "aes192ctr", "aes256ctr",
    "aes128ccm64", "aes128ccm96", "aes128ccm128", "aes192ccm64", "aes192ccm96", "aes192ccm128",
    "aes256ccm64", "aes256ccm96", "aes256ccm128", "aes128gcm64", "aes128gcm96", "aes128gcm128",
    "aes192gcm64", "aes192gcm96", "aes192gcm128", "aes256gcm64", "aes256gcm96", "aes256gcm128",
    "aes128gmac", "aes192gmac", "aes256gmac", "3des", "blowfish128", "blowfish192", "blowfish256",
    "camellia128", "camellia192", "camellia256", "serpent128", "serpent192", "serpent256",
    "twofish128", "twofish192", "twofish256", "cast128", "chacha20poly1305",
)
HASH = enum(
    "md5", "md5_128", "sha1", "sha1_160", "sha256", "sha256_96", "sha384", "sha512",
    "aesxcbc", "aescmac", "aes128gmac", "aes192gmac", "aes256gmac",
)
DH_GROUPS = ("1", "2", "5") + tuple(str(n) for n in range(14, 33))
DH_GROUP = enum(*DH_GROUPS)
