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
               "network_id": None, "redirect": True, "shortcut": False, "nhs": [],
               "maps": [{"tunnel_ip": "10.0.0.254", "nbma": "198.51.100.45"}]},
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

Here: the endpoint's shape, its tunnel, NHRP and static route sections, and
:func:`validate_endpoint`, which checks every section in one pass. The IPsec and BGP
sections are ``model_ipsec.py`` and ``model_bgp.py``; the generic value checks
(:class:`checker.Checker`) are ``checker.py``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress

from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.checker import (
    Checker,
    ModelError,
    Problem,
)
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.extra_config import check_extra
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.model_bgp import check_bgp
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.model_firewall import check_firewall
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.model_ipsec import check_ipsec
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.name_patterns import (
    INTERFACE_NAME_RE,
    TUNNEL_NAME_RE,
)
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.version_names import (
    SUPPORTED_VERSIONS,
    normalize_version,
    same_version,
)
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.versions import syntax_for

ROLES = ("hub", "spoke")

# The keys each mapping of the endpoint may have (those of the IPsec and BGP sections are in
# model_ipsec.py and model_bgp.py).
_KEYS = {
    "": ("tunnel", "nhrp", "ipsec", "static_routes", "bgp", "firewall", "extra"),
    "tunnel": ("name", "address", "source_address", "source_interface", "key", "description", "mtu", "multicast",
               "adjust_mss"),
    "nhrp": ("role", "authentication", "holding_time", "network_id", "redirect", "shortcut", "nhs",
             "maps"),
    "nhs": ("tunnel_ip", "nbma"),
    "static_route": ("prefix", "next_hop", "distance"),
}


def _check_version(version):
    try:
        return normalize_version(version), None
    except ValueError as exc:
        return None, Problem("version", str(exc), "use one of %s" % ", ".join(SUPPORTED_VERSIONS))


def _tunnel(check, data):
    syntax = check.syntax
    tunnel = check.mapping(data, "tunnel", _KEYS["tunnel"])
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
    result["adjust_mss"] = _adjust_mss(check, tunnel.get("adjust_mss"), result["mtu"])
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


def _adjust_mss(check, value, mtu):
    """TCP MSS clamping on the tunnel (1.4+): a number or clamp-mss-to-pmtu. A number above the
    MTU less 40 bytes (IPv4 and TCP headers) would let full-size segments be fragmented or
    dropped on the tunnel, which is what clamping is for."""
    syntax, field = check.syntax, "tunnel.adjust_mss"
    if value is None:
        return None
    if syntax.adjust_mss_words is None:
        check.add(field, "needs interfaces tunnel ip adjust-mss, which VyOS has from 1.4 on",
                  "leave dmvpn_tunnel_adjust_mss unset for 1.2/1.3 routers (set it only for 1.4 and later)")
        return None
    if value == syntax.adjust_mss_clamp:
        return value
    low, high = syntax.adjust_mss_range
    if isinstance(value, bool) or not (isinstance(value, int) or (isinstance(value, str) and value.isdigit())):
        check.add(field, "%r is neither a number nor %s" % (value, syntax.adjust_mss_clamp),
                  "use a number from %d to %d (e.g. 1360 with mtu 1400) or %s" % (low, high, syntax.adjust_mss_clamp))
        return None
    number = check.integer(value, field, syntax.adjust_mss_range)
    limit = (mtu if mtu is not None else syntax.tunnel_mtu_default) - 40
    if number is not None and number > limit:
        check.add(field, "%d is more than the tunnel MTU %d less 40 bytes of IPv4 and TCP headers (%d)"
                  % (number, limit + 40, limit), "use at most %d (e.g. mtu 1400 with adjust_mss 1360)" % limit)
        return None
    return number


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
    if '"' in text or "\\" in text:
        # VyOS stores them but does not print them back as stored: `show configuration
        # commands` is `cli-shell-api showCfg | vyos-config-to-commands`, showCfg leaves a
        # double quote unescaped inside its double-quoted value (vyatta-cfg
        # src/cnode/cnode-algorithm.cpp _print_value_str, crux/equuleus/current 0a5b58a0f9a2)
        # and vyos1x-config's lexer ends the value there; a backslash is doubled before that
        # parse and printed as \\ on 1.2/1.3 (vyos-1x src/utils/vyos-config-to-commands crux,
        # python/vyos/configtree.py escape_backslash equuleus) but as one backslash, in some
        # lines only, on 1.4/1.5 (configtree.py unescape_backslash, sagitta c3f688653, circinus
        # d5322412e). A value that cannot be read back would be sent again on every run.
        check.add("tunnel.description", "contains a double quote or a backslash, which VyOS does not print "
                  "back as stored (every run would send it again)", "use other characters")
        return None
    return text


def _nhrp(check, data, iface, source):
    syntax = check.syntax
    nhrp = check.mapping(data, "nhrp", _KEYS["nhrp"])
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
        entry = check.mapping(entry, field, _KEYS["nhs"])
        if entry is None:
            continue
        tunnel_ip = check.address_in_subnet(entry.get("tunnel_ip"), field + ".tunnel_ip",
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

    result["maps"] = _nhrp_maps(check, nhrp.get("maps"), iface, source, result["nhs"])
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


def _nhrp_maps(check, value, iface, source, nhs):
    """Static NHRP mappings that do not register (a hub: every other hub, which it cannot
    resolve otherwise: a hub answers only the spokes registered at it)."""
    result, seen = [], set(entry["tunnel_ip"] for entry in nhs)
    for index, entry in enumerate(check.sequence(value, "nhrp.maps")):
        field = "nhrp.maps[%d]" % index
        entry = check.mapping(entry, field, _KEYS["nhs"])
        if entry is None:
            continue
        tunnel_ip = check.address_in_subnet(entry.get("tunnel_ip"), field + ".tunnel_ip", iface,
                                            "the peer's tunnel address")
        nbma = check.ipv4(entry.get("nbma"), field + ".nbma")
        if nbma is not None and source is not None and nbma == source and not source.is_unspecified:
            check.add(field + ".nbma", "%s is this router's own source_address" % nbma,
                      "give the peer's public (NBMA) address")
            nbma = None
        if tunnel_ip is not None and str(tunnel_ip) in seen:
            check.add(field + ".tunnel_ip", "%s is listed twice (in nhs or maps)" % tunnel_ip,
                      "map every peer once: a next hop server's nhs entry already maps it")
            continue
        if tunnel_ip is not None and nbma is not None:
            seen.add(str(tunnel_ip))
            result.append({"tunnel_ip": str(tunnel_ip), "nbma": str(nbma)})
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


def _static_routes(check, value, iface):
    entries = check.sequence(value, "static_routes")
    result = []
    seen = set()
    for index, entry in enumerate(entries):
        field = "static_routes[%d]" % index
        entry = check.mapping(entry, field, _KEYS["static_route"])
        if entry is None:
            continue
        prefix = check.prefix(entry.get("prefix"), field + ".prefix")
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
    check = Checker(syntax_for(version))
    root = check.mapping(data, "", _KEYS[""])
    if root is None:
        raise ModelError(check.problems)
    tunnel, iface = _tunnel(check, root.get("tunnel"))
    source = None
    if tunnel is not None and tunnel.get("source_address") is not None:
        source = ipaddress.IPv4Address(tunnel["source_address"])
    nhrp = _nhrp(check, root.get("nhrp"), iface, source)
    ipsec = check_ipsec(check, root.get("ipsec"))
    routes = _static_routes(check, root.get("static_routes"), iface)
    bgp = check_bgp(check, root.get("bgp"), iface)
    firewall = check_firewall(check, root.get("firewall"), ipsec)
    _check_any_source(check, source, tunnel, ipsec)
    extra = check_extra(check, root.get("extra"), {"tunnel": tunnel, "ipsec": ipsec}, root.get("ipsec") is not None)
    if check.problems:
        raise ModelError(check.problems)
    routes += _nhs_subnet_routes(check.syntax, nhrp, iface, routes)
    # (whether an extra line sets what the model holds is unmanaged.validated_endpoint's check:
    # it renders the endpoint)
    return Endpoint({"tunnel": tunnel, "nhrp": nhrp, "ipsec": ipsec, "static_routes": routes, "bgp": bgp,
                     "firewall": firewall, "extra": extra}, version)


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
