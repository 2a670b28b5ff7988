# -*- coding: utf-8 -*-
# Copyright: dmvpn.vyos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The DMVPN endpoint model: validation and normalisation.

Pure Python, no Ansible imports. An endpoint is a plain dict (the ``config`` option of the
modules)::

    {
      "tunnel": {"name": "tun0", "address": "10.0.0.1/24", "source_address": "198.51.100.41",
                 "key": 1, "description": None, "mtu": None, "multicast": True},
      "nhrp": {"role": "hub", "authentication": "SECRET", "holding_time": 300,
               "network_id": None, "redirect": True, "shortcut": False, "nhs": []},
      "ipsec": {"interface": "eth0",
                "ike_group": {"name": "IKE-HUB", "key_exchange": None, "lifetime": 3600,
                              "proposal": [{"proposal_id": 1, "encryption": "aes256", "hash": "sha1",
                                             "dh_group": None}]},
                "esp_group": {"name": "ESP-HUB", "lifetime": 1800, "mode": None,
                              "pfs": "dh-group2",
                              "proposal": [{"proposal_id": 1, "encryption": "aes256", "hash": "sha1"}]},
                "profile": {"name": "NHRPVPN", "pre_shared_secret": "SECRET"}},
      "static_routes": [{"prefix": "192.168.2.0/24", "next_hop": "10.0.0.2", "distance": None}],
    }

:func:`validate_endpoint` checks everything in one pass and either returns a normalised
copy (every key present, defaults filled, addresses in canonical form, numbers as ints) or
raises :class:`ModelError` listing every problem with the field, what is wrong and how to
fix it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress
import re

from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.versions import (
    SUPPORTED_VERSIONS,
    normalize_version,
    same_version,
    syntax_for,
)

ROLES = ("hub", "spoke")

TUNNEL_NAME_RE = re.compile(r"^tun[0-9]+\Z")
INTERFACE_NAME_RE = re.compile(
    r"^(?:(?:eth|bond|br|pppoe|wg|vtun|dum|wlan|wwan)[0-9]+(?:\.[0-9]{1,4})?|lo)\Z"
)
GROUP_NAME_RE = re.compile(r"^[-_a-zA-Z0-9.]{1,64}\Z")
PROFILE_NAME_RE = re.compile(r"^[a-zA-Z][-_a-zA-Z0-9]{1,63}\Z")
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")

_KEYS = {
    "": ("tunnel", "nhrp", "ipsec", "static_routes", "bgp"),
    "tunnel": ("name", "address", "source_address", "source_interface", "key", "description", "mtu", "multicast"),
    "nhrp": ("role", "authentication", "holding_time", "network_id", "redirect", "shortcut", "nhs"),
    "nhs": ("tunnel_ip", "nbma"),
    "ipsec": ("interface", "ike_group", "esp_group", "profile"),
    "ike_group": ("name", "key_exchange", "lifetime", "proposal"),
    "ike_proposal": ("proposal_id", "encryption", "hash", "dh_group"),
    "esp_group": ("name", "lifetime", "mode", "pfs", "proposal"),
    "esp_proposal": ("proposal_id", "encryption", "hash"),
    "profile": ("name", "pre_shared_secret"),
    "static_route": ("prefix", "next_hop", "distance"),
    "bgp": ("asn", "router_id", "peer_group", "listen_ranges", "dynamic_neighbors", "neighbors", "networks",
            "keepalive", "holdtime"),
    "peer_group": ("name", "remote_as", "route_reflector_client", "next_hop_unchanged"),
    "neighbor": ("address", "remote_as"),
}
REMOTE_AS_WORDS = ("internal", "external")


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


class _Checker:
    """Collects problems and converts/validates single values."""

    def __init__(self, syntax):
        self.syntax = syntax
        self.problems = []

    def add(self, field, message, fix):
        self.problems.append(Problem(field, message, fix))

    # -- containers -----------------------------------------------------------------------
    def mapping(self, value, field, kind, required=True):
        """A dict (or None when optional and absent); unknown keys are problems."""
        if value is None:
            if required:
                self.add(field, "is required", "give the %s settings" % (field or "endpoint"))
            return None
        if not isinstance(value, dict):
            self.add(field or "config", "must be a mapping, got %s" % type(value).__name__,
                     "give a mapping with the keys %s" % ", ".join(_KEYS[kind]))
            return None
        for key in value:
            if key not in _KEYS[kind]:
                where = "%s.%s" % (field, key) if field else str(key)
                self.add(where, "is not a known option",
                         "remove it or use one of %s" % ", ".join(_KEYS[kind]))
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
        match = _CONTROL_RE.search(value)
        if match:
            self.add(field, "contains the control character %r" % match.group(0),
                     "remove newlines, tabs and other control characters")
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


def _check_version(version):
    try:
        return normalize_version(version), None
    except ValueError as exc:
        return None, Problem("version", str(exc), "use one of %s" % ", ".join(SUPPORTED_VERSIONS))


def _tunnel(check, data):
    syntax = check.syntax
    tunnel = check.mapping(data, "tunnel", "tunnel")
    if tunnel is None:
        return None, None
    result = {}
    result["name"] = check.word(tunnel.get("name"), "tunnel.name", TUNNEL_NAME_RE,
                                "a tunnel interface name such as tun0")
    iface = None
    text = check.string(tunnel.get("address"), "tunnel.address",
                        fix="give the tunnel address with the DMVPN prefix, e.g. 10.0.0.1/24")
    if text is not None:
        iface = _tunnel_interface(check, text)
    result["address"] = str(iface) if iface is not None else None

    source = check.ipv4(tunnel.get("source_address"), "tunnel.source_address",
                        allow_unspecified=True)
    result["source_address"] = str(source) if source is not None else None
    result["source_interface"] = None
    if tunnel.get("source_interface") is not None:
        result["source_interface"] = check.word(tunnel.get("source_interface"), "tunnel.source_interface",
                                                INTERFACE_NAME_RE, "the WAN interface's name, e.g. eth0")
    result["key"] = check.integer(tunnel.get("key"), "tunnel.key", syntax.key_range)
    if (source is not None and source.is_unspecified and result["key"] is None
            and syntax.key_required_for_any_source and tunnel.get("key") is None):
        check.add("tunnel.key", "is required when source_address is 0.0.0.0 on VyOS %s"
                  % syntax.version, "set a GRE key, e.g. 1, the same on every DMVPN router")

    result["description"] = _description(check, tunnel.get("description"))
    result["mtu"] = check.integer(tunnel.get("mtu"), "tunnel.mtu", syntax.mtu_range)
    result["multicast"] = check.boolean(tunnel.get("multicast"), "tunnel.multicast", True)
    return result, iface


def _tunnel_interface(check, text):
    fix = "give this router's tunnel address with the DMVPN subnet prefix, e.g. 10.0.0.1/24"
    if "/" not in text:
        check.add("tunnel.address", "%r has no prefix length" % text, fix)
        return None
    try:
        iface = ipaddress.IPv4Interface(text)
    except ValueError:
        check.add("tunnel.address", "%r is not an IPv4 address with prefix" % text, fix)
        return None
    if iface.network.prefixlen > 30:
        check.add("tunnel.address", "/%d leaves no room for a DMVPN subnet"
                  % iface.network.prefixlen,
                  "give the prefix of the whole DMVPN subnet (/30 or shorter); on VyOS 1.5 "
                  "the /32 host address is rendered automatically")
        return None
    address = iface.ip
    if address in (iface.network.network_address, iface.network.broadcast_address):
        check.add("tunnel.address", "%s is the %s address of %s" % (
            address,
            "network" if address == iface.network.network_address else "broadcast",
            iface.network), "use a host address inside the subnet, e.g. %s/%d" % (
                iface.network.network_address + 1, iface.network.prefixlen))
        return None
    if address.is_multicast or address.is_loopback or address.is_unspecified or \
            address.is_reserved or address.is_link_local:
        check.add("tunnel.address", "%s is not a usable unicast address" % address,
                  "use a private unicast subnet such as 10.0.0.0/24")
        return None
    return iface


def _description(check, value):
    text = check.string(value, "tunnel.description", required=False)
    if text is None:
        return None
    low, high = check.syntax.description_length
    if not low <= len(text) <= high:
        check.add("tunnel.description", "has %d characters; VyOS %s allows %d to %d"
                  % (len(text), check.syntax.version, low, high),
                  "shorten it (or leave description unset)")
        return None
    return text


def _nhrp(check, data, iface, source):
    syntax = check.syntax
    nhrp = check.mapping(data, "nhrp", "nhrp")
    if nhrp is None:
        return None
    result = {}
    role = check.choice(nhrp.get("role"), "nhrp.role", ROLES)
    result["role"] = role
    result["authentication"] = _nhrp_auth(check, nhrp.get("authentication"))
    result["holding_time"] = check.integer(nhrp.get("holding_time"), "nhrp.holding_time",
                                           syntax.holding_time_range)
    # The NHRP network id is intent that holds for every version: FRR's nhrpd (1.5) needs one
    # per interface; opennhrp (1.2-1.4) has no such setting, so there the id is checked and
    # left out, and one inventory serves a DMVPN of mixed versions.
    network_id = check.integer(nhrp.get("network_id"), "nhrp.network_id", syntax.network_id_range)
    result["network_id"] = None
    if syntax.has_network_id:
        result["network_id"] = network_id if network_id is not None else syntax.nhrp_network_id_default
    result["redirect"] = check.boolean(nhrp.get("redirect"), "nhrp.redirect", True)
    result["shortcut"] = check.boolean(nhrp.get("shortcut"), "nhrp.shortcut", role == "spoke")

    entries = check.sequence(nhrp.get("nhs"), "nhrp.nhs")
    result["nhs"] = []
    seen = set()
    for index, entry in enumerate(entries):
        field = "nhrp.nhs[%d]" % index
        entry = check.mapping(entry, field, "nhs")
        if entry is None:
            continue
        tunnel_ip = _address_in_subnet(check, entry.get("tunnel_ip"), field + ".tunnel_ip",
                                       iface, "the hub's tunnel address")
        nbma = check.ipv4(entry.get("nbma"), field + ".nbma")
        if nbma is not None and source is not None and nbma == source and \
                not source.is_unspecified:
            check.add(field + ".nbma", "%s is this router's own source_address" % nbma,
                      "give the hub's public (NBMA) address")
            nbma = None
        if tunnel_ip is not None:
            if tunnel_ip in seen:
                check.add(field + ".tunnel_ip", "%s is listed twice" % tunnel_ip,
                          "list every hub once")
                continue
            seen.add(tunnel_ip)
        if tunnel_ip is not None and nbma is not None:
            result["nhs"].append({"tunnel_ip": str(tunnel_ip), "nbma": str(nbma)})

    if role == "spoke" and not entries:
        check.add("nhrp.nhs", "a spoke needs at least one next hop server (hub)",
                  "add {tunnel_ip: <hub tunnel address>, nbma: <hub public address>} per hub")
    if role == "hub" and entries:
        check.add("nhrp.nhs", "a hub registers with no next hop server",
                  "remove nhs from the hub (or make this router a spoke)")
    if role == "hub" and source is not None and source.is_unspecified:
        check.add("tunnel.source_address", "a hub needs a fixed public address, not 0.0.0.0",
                  "set source_address to the hub's public (NBMA) address")
    return result


def _nhrp_auth(check, value):
    limit = check.syntax.nhrp_auth_max_length
    text = check.string(value, "nhrp.authentication", required=False)
    if text is None:
        return None
    if not 1 <= len(text) <= limit or not check.syntax.psk_allowed_re.match(text):
        check.add("nhrp.authentication",
                  "must be 1 to %d characters of %s (no spaces or quotes)"
                  % (limit, check.syntax.psk_allowed_text),
                  "choose a key of at most %d such characters, the same on every router" % limit)
        return None
    return text


def _address_in_subnet(check, value, field, iface, what):
    """An IPv4 address inside the tunnel subnet, not its network/broadcast/own address."""
    address = check.ipv4(value, field)
    if address is None or iface is None:
        return address
    network = iface.network
    if address not in network:
        check.add(field, "%s is outside the tunnel subnet %s" % (address, network),
                  "give %s inside %s" % (what, network))
        return None
    if address in (network.network_address, network.broadcast_address):
        check.add(field, "%s is the network or broadcast address of %s" % (address, network),
                  "give %s inside %s" % (what, network))
        return None
    if address == iface.ip:
        check.add(field, "%s is this router's own tunnel address" % address,
                  "give %s, not this router's own" % what)
        return None
    return address


def _proposals(check, value, field, kind):
    syntax = check.syntax
    entries = check.sequence(value, field)
    if value is not None and not entries and isinstance(value, (list, tuple)):
        check.add(field, "is empty", "give at least one proposal")
    elif value is None:
        check.add(field, "is required", "give at least one proposal")
    result = []
    seen = set()
    for index, entry in enumerate(entries):
        where = "%s[%d]" % (field, index)
        entry = check.mapping(entry, where, kind)
        if entry is None:
            continue
        item = {
            "proposal_id": check.integer(entry.get("proposal_id"), where + ".proposal_id",
                                         syntax.proposal_id_range, required=True),
            "encryption": check.choice(entry.get("encryption"), where + ".encryption",
                                       syntax.encryption_values),
            "hash": check.choice(entry.get("hash"), where + ".hash", syntax.hash_values),
        }
        if kind == "ike_proposal":
            item["dh_group"] = check.choice(entry.get("dh_group"), where + ".dh_group",
                                            syntax.dh_groups, required=False)
        if item["proposal_id"] is not None:
            if item["proposal_id"] in seen:
                check.add(where + ".proposal_id", "proposal %d is listed twice" % item["proposal_id"],
                          "give every proposal its own id")
            seen.add(item["proposal_id"])
        result.append(item)
    return result


def _ipsec(check, data):
    syntax = check.syntax
    ipsec = check.mapping(data, "ipsec", "ipsec", required=False)
    if ipsec is None:
        return None
    result = {
        "interface": check.word(ipsec.get("interface"), "ipsec.interface", INTERFACE_NAME_RE,
                                "the WAN interface name, e.g. eth0"),
    }
    ike = check.mapping(ipsec.get("ike_group"), "ipsec.ike_group", "ike_group")
    if ike is not None:
        result["ike_group"] = {
            "name": check.word(ike.get("name"), "ipsec.ike_group.name", GROUP_NAME_RE,
                               "1 to 64 letters, digits, '-', '_' and '.'"),
            "key_exchange": check.choice(ike.get("key_exchange"), "ipsec.ike_group.key_exchange",
                                         syntax.key_exchange_values, required=False),
            "lifetime": check.integer(ike.get("lifetime"), "ipsec.ike_group.lifetime",
                                      syntax.lifetime_range),
            "proposal": _proposals(check, ike.get("proposal"), "ipsec.ike_group.proposal", "ike_proposal"),
        }
    esp = check.mapping(ipsec.get("esp_group"), "ipsec.esp_group", "esp_group")
    if esp is not None:
        result["esp_group"] = {
            "name": check.word(esp.get("name"), "ipsec.esp_group.name", GROUP_NAME_RE,
                               "1 to 64 letters, digits, '-', '_' and '.'"),
            "lifetime": check.integer(esp.get("lifetime"), "ipsec.esp_group.lifetime",
                                      syntax.lifetime_range),
            "mode": check.choice(esp.get("mode"), "ipsec.esp_group.mode", syntax.esp_modes,
                                 required=False),
            "pfs": check.choice(esp.get("pfs"), "ipsec.esp_group.pfs", syntax.pfs_values,
                                required=False),
            "proposal": _proposals(check, esp.get("proposal"), "ipsec.esp_group.proposal", "esp_proposal"),
        }
    profile = check.mapping(ipsec.get("profile"), "ipsec.profile", "profile")
    if profile is not None:
        result["profile"] = {
            "name": check.word(profile.get("name"), "ipsec.profile.name", PROFILE_NAME_RE,
                               "a name of 2 to 64 characters starting with a letter "
                               "(letters, digits, '-', '_')"),
            "pre_shared_secret": _psk(check, profile.get("pre_shared_secret")),
        }
    return result


def _psk(check, value):
    field = "ipsec.profile.pre_shared_secret"
    text = check.string(value, field, fix="set the pre-shared secret (use Ansible Vault)")
    if text is None:
        return None
    if not check.syntax.psk_allowed_re.match(text):
        check.add(field, "contains characters VyOS does not accept in a pre-shared secret "
                  "(empty, spaces, quotes or others)",
                  "use only %s" % check.syntax.psk_allowed_text)
        return None
    return text


def _prefix(check, value, field):
    """An IPv4 network given as ``address/length`` with host bits clear (a bare address: /32)."""
    text = check.string(value, field, fix="give the prefix, e.g. 192.168.2.0/24")
    if text is None:
        return None
    try:
        return ipaddress.IPv4Network(text if "/" in text else text + "/32", strict=True)
    except ValueError:
        try:
            loose = ipaddress.IPv4Network(text, strict=False)
            check.add(field, "%r has host bits set" % text, "use the network address: %s" % loose)
        except ValueError:
            check.add(field, "%r is not an IPv4 prefix" % text, "give address/length, e.g. 192.168.2.0/24")
    return None


def _remote_as(check, value, field, required):
    """``internal``, ``external`` or an AS number (as text), or None."""
    if value is None:
        if required:
            check.add(field, "is required", "give the peer's AS number, or internal/external")
        return None
    if isinstance(value, str) and value in REMOTE_AS_WORDS:
        return value
    number = check.integer(value, field, check.syntax.asn_range)
    return str(number) if number is not None else None


def is_ebgp(remote_as, asn):
    """True when a peer with ``remote_as`` (internal, external, an AS as text, or None) is an
    eBGP peer of a router in ``asn``."""
    return remote_as == "external" or (remote_as not in (None, "internal") and asn is not None and
                                       remote_as != str(asn))


def _bgp_peer_group(check, data, asn):
    syntax = check.syntax
    group = check.mapping(data, "bgp.peer_group", "peer_group", required=False)
    if group is None:
        return None
    result = {"name": check.word(group.get("name"), "bgp.peer_group.name", syntax.bgp_peer_group_re,
                                 syntax.bgp_peer_group_text),
              "remote_as": _remote_as(check, group.get("remote_as"), "bgp.peer_group.remote_as", False),
              "route_reflector_client": check.boolean(group.get("route_reflector_client"),
                                                      "bgp.peer_group.route_reflector_client", False),
              "next_hop_unchanged": check.boolean(group.get("next_hop_unchanged"),
                                                  "bgp.peer_group.next_hop_unchanged", False)}
    if result["route_reflector_client"]:
        if is_ebgp(result["remote_as"], asn):
            check.add("bgp.peer_group.route_reflector_client", "route reflection is for iBGP peers, but the peer "
                      "group is eBGP (remote_as %s)" % result["remote_as"],
                      "use the router's own AS as remote_as, or turn route_reflector_client off")
        elif result["remote_as"] != str(asn) and not syntax.bgp_rr_takes_internal:
            check.add("bgp.peer_group.remote_as", "VyOS %s reflects routes only to a peer group whose remote-as is "
                      "the router's own AS number" % syntax.version, "set remote_as to %s" % asn)
    return result


def _bgp_neighbors(check, value, iface, group, asn, name="bgp.neighbors"):
    result, seen = [], set()
    group_as = group.get("remote_as") if group else None
    for index, entry in enumerate(check.sequence(value, name)):
        field = "%s[%d]" % (name, index)
        entry = check.mapping(entry, field, "neighbor")
        if entry is None:
            continue
        address = _address_in_subnet(check, entry.get("address"), field + ".address", iface,
                                     "the peer's tunnel address")
        remote_as = _remote_as(check, entry.get("remote_as"), field + ".remote_as", group_as is None)
        if remote_as is not None and group_as is not None:
            check.add(field + ".remote_as", "is also set by the peer group (%s)" % group_as,
                      "set remote_as on the peer group or on its neighbors, not both")
        if group and remote_as is not None and group["route_reflector_client"] and is_ebgp(remote_as, asn):
            check.add(field + ".remote_as", "%s is an eBGP peer in a route-reflector peer group" % remote_as,
                      "give the neighbor the router's own AS, or use a peer group without route reflection")
        if address is None:
            continue
        if address in seen:
            check.add(field + ".address", "%s is listed twice" % address, "list every peer once")
            continue
        seen.add(address)
        result.append({"address": str(address), "remote_as": remote_as})
    return result


def _listen_as_neighbors(result, dynamic, asn):
    """Where VyOS has no listen ranges (1.2), the peers a listen range is for become neighbors
    of the peer group: an iBGP group keeps its remote-as; an eBGP group gives it to each
    neighbor (its own AS), since such a group has no single remote AS to name."""
    group = result["peer_group"]
    ebgp = group is not None and is_ebgp(group["remote_as"], asn)
    if ebgp:
        group["remote_as"] = None
    known = set(neighbor["address"] for neighbor in result["neighbors"])
    for peer in dynamic:
        if peer["address"] not in known:
            result["neighbors"].append({"address": peer["address"], "remote_as": peer["remote_as"] if ebgp else None})
    result["listen_ranges"] = []


def _bgp_timers(check, bgp, group, neighbors):
    syntax = check.syntax
    keepalive = check.integer(bgp.get("keepalive"), "bgp.keepalive", syntax.bgp_timer_range)
    holdtime = check.integer(bgp.get("holdtime"), "bgp.holdtime", syntax.bgp_timer_range)
    if keepalive is None and holdtime is None:
        return None, None
    if (keepalive is None) != (holdtime is None):
        check.add("bgp.holdtime" if holdtime is None else "bgp.keepalive", "keepalive and holdtime go together",
                  "set both (e.g. keepalive 10, holdtime 30) or neither")
    elif holdtime != 0 and holdtime < 3 * max(keepalive, 1):
        check.add("bgp.holdtime", "%d is less than three keepalives (%d)" % (holdtime, keepalive),
                  "use a holdtime of at least 3 x keepalive, e.g. keepalive 10, holdtime 30")
    elif group is not None:
        check.add("bgp.keepalive", "VyOS sets timers per neighbor, and not on neighbors of a peer group",
                  "leave the timers to the routers without a peer group (spokes): a session uses the lower "
                  "holdtime of its two ends")
    elif not neighbors:
        check.add("bgp.keepalive", "there is no neighbor to set the timers on", "remove keepalive and holdtime")
    return keepalive, holdtime


def _bgp(check, data, iface):
    """BGP over the tunnel: the AS, an optional peer group with dynamic neighbors (listen
    ranges) and/or explicit neighbors (its members when there is a group, with their own
    address family and timers when there is not), and the advertised networks."""
    bgp = check.mapping(data, "bgp", "bgp", required=False)
    if bgp is None:
        return None
    syntax = check.syntax
    asn = check.integer(bgp.get("asn"), "bgp.asn", syntax.asn_range, required=True)
    result = {"asn": asn, "router_id": None, "peer_group": _bgp_peer_group(check, bgp.get("peer_group"), asn)}
    if bgp.get("router_id") is not None:
        router_id = check.ipv4(bgp.get("router_id"), "bgp.router_id")
        result["router_id"] = str(router_id) if router_id is not None else None
    result["listen_ranges"] = []
    for index, value in enumerate(check.sequence(bgp.get("listen_ranges"), "bgp.listen_ranges")):
        field = "bgp.listen_ranges[%d]" % index
        network = _prefix(check, value, field)
        if network is None:
            continue
        if not syntax.bgp_listen_range:
            if not bgp.get("dynamic_neighbors"):
                check.add(field, "VyOS %s has no BGP listen ranges (dynamic neighbors came with 1.3.3)"
                          % syntax.version, "give the peers the range is for as dynamic_neighbors (they are then "
                          "listed as neighbors of the peer group), or list them as neighbors")
        elif iface is not None and not network.subnet_of(iface.network):
            check.add(field, "%s is outside the tunnel subnet %s" % (network, iface.network),
                      "listen for DMVPN peers inside %s" % iface.network)
        elif result["peer_group"] is None or result["peer_group"]["remote_as"] is None:
            check.add("bgp.peer_group.remote_as", "is required with listen ranges (dynamic neighbors take it "
                      "from the peer group)", "set remote_as to internal, external or the peers' AS number")
        elif str(network) not in result["listen_ranges"]:
            result["listen_ranges"].append(str(network))
    result["neighbors"] = _bgp_neighbors(check, bgp.get("neighbors"), iface, result["peer_group"], asn)
    dynamic = _bgp_neighbors(check, bgp.get("dynamic_neighbors"), iface, None, asn, "bgp.dynamic_neighbors")
    if bgp.get("listen_ranges") and not syntax.bgp_listen_range and dynamic:
        _listen_as_neighbors(result, dynamic, asn)
    result["keepalive"], result["holdtime"] = _bgp_timers(check, bgp, result["peer_group"], result["neighbors"])
    result["networks"] = []
    for index, value in enumerate(check.sequence(bgp.get("networks"), "bgp.networks")):
        network = _prefix(check, value, "bgp.networks[%d]" % index)
        if network is not None and str(network) not in result["networks"]:
            result["networks"].append(str(network))
    if not bgp.get("listen_ranges") and not bgp.get("neighbors"):
        check.add("bgp", "has no peers", "give neighbors (a spoke: every hub) or listen_ranges (a hub)")
    return result


def _static_routes(check, value, iface):
    entries = check.sequence(value, "static_routes")
    result = []
    seen = set()
    for index, entry in enumerate(entries):
        field = "static_routes[%d]" % index
        entry = check.mapping(entry, field, "static_route")
        if entry is None:
            continue
        prefix = _prefix(check, entry.get("prefix"), field + ".prefix")
        next_hop = check.ipv4(entry.get("next_hop"), field + ".next_hop")
        if next_hop is not None and iface is not None and next_hop == iface.ip:
            check.add(field + ".next_hop", "%s is this router's own tunnel address" % next_hop,
                      "give the tunnel address of the router that reaches the prefix")
            next_hop = None
        distance = check.integer(entry.get("distance"), field + ".distance",
                                 check.syntax.distance_range)
        if prefix is None or next_hop is None:
            continue
        key = (str(prefix), str(next_hop))
        if key in seen:
            check.add(field, "route %s via %s is listed twice" % key, "list it once")
            continue
        seen.add(key)
        result.append({"prefix": key[0], "next_hop": key[1], "distance": distance})
    return result


def any_source_interface(endpoint):
    """The WAN interface a tunnel from 0.0.0.0 is bound to where VyOS names it (1.5): the
    tunnel's source_interface, else the interface IPsec runs on."""
    tunnel, ipsec = endpoint.get("tunnel") or {}, endpoint.get("ipsec") or {}
    return tunnel.get("source_interface") or ipsec.get("interface")


def _check_any_source(check, source, tunnel, ipsec):
    if (source is None or not source.is_unspecified or check.syntax.any_source_tunnel_leaf is None
            or any_source_interface({"tunnel": tunnel, "ipsec": ipsec})):
        return
    check.add("tunnel.source_address", "0.0.0.0 (a DHCP WAN) binds the tunnel to the WAN interface on "
              "VyOS %s, and none is known" % check.syntax.version,
              "give tunnel.source_interface (the WAN interface, e.g. eth0) or the router's fixed public address")


def _nhs_subnet_routes(syntax, nhrp, iface, routes):
    """A spoke's route to the tunnel subnet via each NHS, where nhrpd needs one (VyOS 1.5)."""
    distance = syntax.nhs_subnet_route_distance
    if distance is None or not nhrp or nhrp.get("role") != "spoke" or iface is None:
        return []
    have = set((r["prefix"], r["next_hop"]) for r in routes)
    prefix = str(iface.network)
    return [{"prefix": prefix, "next_hop": entry["tunnel_ip"], "distance": distance}
            for entry in nhrp.get("nhs") or [] if (prefix, entry["tunnel_ip"]) not in have]


class Endpoint(dict):
    """A validated, normalised endpoint for one VyOS version: what :func:`validate_endpoint`
    returns, and what render, ownership and diff take without checking it again."""

    __slots__ = ("version",)

    def __init__(self, data, version):
        super(Endpoint, self).__init__(data)
        self.version = version


def validated(data, version):
    """``data`` as an :class:`Endpoint` of ``version``: as it is when it already is one, else
    checked by :func:`validate_endpoint`."""
    if isinstance(data, Endpoint) and same_version(data.version, version):
        return data
    return validate_endpoint(data, version)


def validate_endpoint(data, version):
    """Check a DMVPN endpoint for ``version``; return a normalised copy (an :class:`Endpoint`)
    or raise ModelError.

    Every problem is collected in one pass; each has a dotted ``field`` (``nhrp.nhs[0].nbma``),
    a ``message`` and a ``fix``.
    """
    version, problem = _check_version(version)
    if problem is not None:
        raise ModelError([problem])
    check = _Checker(syntax_for(version))
    root = check.mapping(data, "", "")
    if root is None:
        raise ModelError(check.problems)
    tunnel, iface = _tunnel(check, root.get("tunnel"))
    source = None
    if tunnel is not None and tunnel.get("source_address") is not None:
        source = ipaddress.IPv4Address(tunnel["source_address"])
    nhrp = _nhrp(check, root.get("nhrp"), iface, source)
    ipsec = _ipsec(check, root.get("ipsec"))
    routes = _static_routes(check, root.get("static_routes"), iface)
    bgp = _bgp(check, root.get("bgp"), iface)
    _check_any_source(check, source, tunnel, ipsec)
    if check.problems:
        raise ModelError(check.problems)
    routes += _nhs_subnet_routes(check.syntax, nhrp, iface, routes)
    return Endpoint({"tunnel": tunnel, "nhrp": nhrp, "ipsec": ipsec, "static_routes": routes, "bgp": bgp}, version)


def tunnel_network(endpoint):
    """The DMVPN subnet (an ``ipaddress.IPv4Network``) of a validated endpoint."""
    return ipaddress.IPv4Interface(endpoint["tunnel"]["address"]).network


def endpoint_secrets(endpoint):
    """The secret strings of an endpoint (NHRP key, IPsec PSK), for masking free text."""
    secrets = []
    if not isinstance(endpoint, dict):
        return secrets
    nhrp = endpoint.get("nhrp") or {}
    ipsec = endpoint.get("ipsec") or {}
    profile = ipsec.get("profile") or {} if isinstance(ipsec, dict) else {}
    for value in (nhrp.get("authentication") if isinstance(nhrp, dict) else None,
                  profile.get("pre_shared_secret") if isinstance(profile, dict) else None):
        if isinstance(value, str) and value and value not in secrets:
            secrets.append(value)
    return secrets
