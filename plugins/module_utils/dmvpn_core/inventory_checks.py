# -*- coding: utf-8 -*-
# Copyright: dmvpn.vyos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Inventory checks: each router's own ``dmvpn_*`` variables, read into a :class:`Router` and
checked, every problem naming the host, the variable and the fix.

Pure Python, no Ansible imports. The checks across the routers of a DMVPN are
``inventory_cross_checks.py``; ``design.check`` runs both, then the model's checks.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress
import re

from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import configtree as ct
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import spec_inventory as si
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import spec_options as so
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.mass_delete import settings_problems
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.underlay import address_problem
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.name_patterns import (
    HOST_NAME_RE,
    ETHERNET_RE,
    INTERFACE_NAME_RE,
    TUNNEL_NAME_RE,
)
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.version_names import (
    SUPPORTED_VERSIONS,
    candidate_versions,
)
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.versions import syntax_for

ROLES = ("hub", "spoke")
ROUTING_MODES = si.ROUTING_MODES
ASN_RANGE = (1, 4294967294)
COMMIT_COMMENT_MAX = 255


class Problems:
    """The problems found so far, as dicts {host, field, message, fix}."""

    def __init__(self):
        self.items = []
        self._ignored = set()  # (host, variable) already refused as a whole

    def ignore(self, host, variables):
        """Leave out further problems of ``variables`` (and their keys) of ``host``."""
        self._ignored.update((host, variable) for variable in variables)

    def add(self, host, field, message, fix):
        variable = field.split(".")[0].split("[")[0]
        if (host, variable) in self._ignored:
            return
        self.items.append({"host": host, "field": field, "message": message, "fix": fix})


class Router:
    """One DMVPN router as the design sees it."""

    __slots__ = ("name", "role", "vars", "tunnel_ip", "tunnel_ip_field", "subnet", "nbma", "lans", "versions",
                 "routing")

    def __init__(self, name, role, hostvars):
        self.name = name
        self.role = role
        self.vars = hostvars
        self.tunnel_ip = None
        self.tunnel_ip_field = "dmvpn_tunnel_address"
        self.subnet = None
        self.nbma = None
        self.lans = []
        self.versions = ()  # the VyOS versions the router may run (all of them with auto)
        self.routing = None


def ipv4_network(value):
    return ipaddress.IPv4Network(str(value), strict=True)


def ipv4_address(value):
    """A bare IPv4 address; anything after it (a prefix, junk such as ``/garbage``) is refused."""
    return ipaddress.IPv4Address(str(value))


def ipv4_address_with_length(value):
    """(address, prefix length or None) of ``a.b.c.d`` or ``a.b.c.d/len``; junk after the
    address, or a length outside 0-32, is refused (ValueError)."""
    text = str(value)
    if "/" not in text:
        return ipaddress.IPv4Address(text), None
    address, length = text.split("/", 1)
    if not re.match(r"^(3[0-2]|[12]?[0-9])$", length):
        raise ValueError(text)
    return ipaddress.IPv4Address(address), int(length)


def read_router(problems, name, hv):
    """The :class:`Router` of host ``name`` (None without a role); its problems go to ``problems``."""
    role = hv.get("dmvpn_role")
    if role not in ROLES:
        problems.add(name, "dmvpn_role", "is %r" % (role,) if role is not None else "is not set",
                     "set dmvpn_role to hub or spoke (or put the host in the dmvpn_hubs/dmvpn_spokes group)")
        return None
    router = Router(name, role, hv)
    try:
        router.subnet = ipv4_network(hv.get("dmvpn_tunnel_subnet"))
        if router.subnet.prefixlen > 30:
            problems.add(name, "dmvpn_tunnel_subnet", "/%d is too small for a DMVPN" % router.subnet.prefixlen,
                         "use a subnet of /30 or larger, e.g. 10.0.0.0/24")
            router.subnet = None
    except (ValueError, TypeError):
        problems.add(name, "dmvpn_tunnel_subnet", "%r is not an IPv4 network" % (hv.get("dmvpn_tunnel_subnet"),),
                     "give the DMVPN tunnel subnet, e.g. 10.0.0.0/24, with host bits clear")
    _read_tunnel_ip(problems, router)
    _read_nbma(problems, router)
    lans = hv.get("dmvpn_lan_prefixes") or []
    if not isinstance(lans, list):
        problems.add(name, "dmvpn_lan_prefixes", "must be a list", "give a list such as [192.168.2.0/24]")
        lans = []
    for index, prefix in enumerate(lans):
        try:
            router.lans.append(ipv4_network(prefix))
        except (ValueError, TypeError):
            problems.add(name, "dmvpn_lan_prefixes[%d]" % index, "%r is not an IPv4 network" % (prefix,),
                         "give the LAN prefix with host bits clear, e.g. 192.168.2.0/24")
    version = si.value(hv, "dmvpn_vyos_version")
    try:
        router.versions = candidate_versions(version)
    except ValueError:
        router.versions = ()
        problems.add(name, "dmvpn_vyos_version", "%r is not a supported VyOS version" % (version,),
                     "use auto or one of %s" % ", ".join(SUPPORTED_VERSIONS))
    router.routing = si.value(hv, "dmvpn_routing")
    if router.routing not in ROUTING_MODES:
        problems.add(name, "dmvpn_routing", "%r is not a routing mode" % (router.routing,),
                     "use one of %s" % ", ".join(ROUTING_MODES))
    return router


def _read_tunnel_ip(problems, router):
    hv, name = router.vars, router.name
    explicit = hv.get("dmvpn_tunnel_address")
    spoke_id = hv.get("dmvpn_spoke_id")
    if explicit is None and spoke_id is None:
        problems.add(name, "dmvpn_tunnel_address", "is not set",
                     "set dmvpn_tunnel_address (e.g. 10.0.0.2) or dmvpn_spoke_id (the host number in the subnet)")
        return
    if explicit is not None:
        try:
            router.tunnel_ip, length = ipv4_address_with_length(explicit)
        except (ValueError, TypeError):
            problems.add(name, "dmvpn_tunnel_address", "%r is not an IPv4 address" % (explicit,),
                         "give the tunnel address, e.g. 10.0.0.2")
            return
        # The tunnel address always takes the subnet's length: a different one is refused,
        # not silently rewritten (10.0.0.1/25 in a /24 would otherwise become 10.0.0.1/24).
        if length is not None and router.subnet is not None and length != router.subnet.prefixlen:
            problems.add(name, "dmvpn_tunnel_address", "%r has prefix length /%d but dmvpn_tunnel_subnet is %s"
                         % (explicit, length, router.subnet),
                         "give the address alone (%s) or with /%d" % (router.tunnel_ip, router.subnet.prefixlen))
            router.tunnel_ip = None
            return
    elif router.subnet is not None:
        if isinstance(spoke_id, bool) or not isinstance(spoke_id, int) or spoke_id < 1:
            problems.add(name, "dmvpn_spoke_id", "%r is not a positive whole number" % (spoke_id,),
                         "give the host number inside the tunnel subnet, e.g. 2 for 10.0.0.2")
            return
        router.tunnel_ip = router.subnet.network_address + spoke_id
    if router.subnet is None or router.tunnel_ip is None:
        return
    field = "dmvpn_tunnel_address" if explicit is not None else "dmvpn_spoke_id"
    router.tunnel_ip_field = field
    if router.tunnel_ip not in router.subnet:
        problems.add(name, field, "%s is outside the tunnel subnet %s" % (router.tunnel_ip, router.subnet),
                     "pick an address inside %s" % router.subnet)
        router.tunnel_ip = None
    elif router.tunnel_ip in (router.subnet.network_address, router.subnet.broadcast_address):
        problems.add(name, field, "%s is the network or broadcast address of %s" % (router.tunnel_ip, router.subnet),
                     "pick a host address inside %s" % router.subnet)
        router.tunnel_ip = None


def _read_nbma(problems, router):
    value = router.vars.get("dmvpn_public_address")
    if value in (None, "dhcp", "0.0.0.0"):
        if router.role == "hub":
            problems.add(router.name, "dmvpn_public_address", "a hub needs a fixed public (NBMA) address",
                         "set dmvpn_public_address to the hub's public IPv4 address")
        return
    try:
        router.nbma = ipv4_address(value)
    except (ValueError, TypeError):
        problems.add(router.name, "dmvpn_public_address", "%r is not an IPv4 address" % (value,),
                     "give the public address, e.g. 198.51.100.41 (or dhcp for a spoke)")


def _check_secret(problems, router, field, maximum_of=None):
    """A secret of the inventory: set, at least the spec's ``min_length`` (the collection's
    rule against weak keys: VyOS itself takes one character), and within what VyOS takes on
    every version the router may run (``maximum_of(syntax)``, the characters of
    ``syntax.psk_allowed_re``): the facts of versions.Syntax, which the modules check too."""
    name, value = router.name, router.vars.get(field)
    if value in (None, ""):
        problems.add(name, field, "is not set", "set it (keep it in Ansible Vault)")
        return
    value = str(value)
    minimum = si.VARIABLES[field]["min_length"]
    syntaxes = [syntax_for(version) for version in router.versions or SUPPORTED_VERSIONS]
    maximum = min(maximum_of(syntax) for syntax in syntaxes) if maximum_of is not None else None
    if len(value) < minimum:
        problems.add(name, field, "is too short (%d characters)" % len(value),
                     "use at least %d characters" % minimum)
    elif maximum is not None and len(value) > maximum:
        problems.add(name, field, "is too long (%d characters); VyOS allows %d" % (len(value), maximum),
                     "use %d to %d characters" % (minimum, maximum))
    refusing = [syntax for syntax in syntaxes if not syntax.psk_allowed_re.match(value)]
    if refusing:
        problems.add(name, field, "has characters VyOS does not accept (spaces, quotes or others)",
                     "use only %s" % refusing[0].psk_allowed_text)


def _check_underlay(problems, name, hv):
    """dmvpn_underlay goes to dmvpn.vyos.underlay (host name, ethernet addresses): check it here,
    with the rest, so a bad value stops the run before any router is touched."""
    underlay = hv.get("dmvpn_underlay")
    if underlay is None or not isinstance(underlay, dict):
        return  # a wrong type is reported by the roles' argument spec check
    hostname = underlay.get("hostname")
    if hostname is not None and (not isinstance(hostname, str) or not HOST_NAME_RE.match(hostname)):
        problems.add(name, "dmvpn_underlay.hostname", "%r is not a host name VyOS accepts" % (hostname,),
                     "use letters, digits, '-' and '.', 1 to 63 characters, e.g. SPOKE1")
    interfaces = underlay.get("interfaces") or []
    if not isinstance(interfaces, list):
        return
    for index, item in enumerate(interfaces):
        if not isinstance(item, dict):
            continue
        field = "dmvpn_underlay.interfaces[%d]" % index
        ifname = item.get("name")
        if ifname is not None and (not isinstance(ifname, str) or not ETHERNET_RE.match(ifname)):
            problems.add(name, field + ".name", "%r is not an ethernet interface name" % (ifname,),
                         "use e.g. eth0 or eth1 (the underlay tasks set ethernet addresses only)")
        addresses = item.get("address")
        for address in addresses if isinstance(addresses, list) else [addresses]:
            if address is not None and address_problem(str(address)):  # (the underlay module's rule)
                problems.add(name, field + ".address", "%r is not an IPv4 address with prefix length, or dhcp" % (address,),
                             "give e.g. 192.168.2.1/24 or dhcp")


def _check_commit_comment(problems, name, hv):
    comment = hv.get("dmvpn_commit_comment")
    if comment is None:
        return
    if not isinstance(comment, str):
        problems.add(name, "dmvpn_commit_comment", "must be text", "give the comment as a string")
        return
    try:
        ct.check_cli_text(comment)  # what the module's quoting refuses
    except ValueError:
        problems.add(name, "dmvpn_commit_comment", "contains a newline or another control character, which would end "
                     "the VyOS command line", "write the comment on one line")
        return
    if len(comment) > COMMIT_COMMENT_MAX:
        problems.add(name, "dmvpn_commit_comment", "has %d characters" % len(comment),
                     "use at most %d characters" % COMMIT_COMMENT_MAX)


CONFIRM_FIX = "use 0 (plain commit) or 1 to %d minutes" % so.CONFIRM_MAX_MINUTES


def confirm_minutes_problem(minutes):
    """Why ``minutes`` cannot be commit-confirm's time (spec_options.CONFIRM_MAX_MINUTES), or None."""
    if isinstance(minutes, bool) or not isinstance(minutes, int):
        return "%r is not a whole number of minutes" % (minutes,)
    if minutes < 0:
        return "%d is negative: VyOS refuses a negative commit-confirm time" % minutes
    if minutes > so.CONFIRM_MAX_MINUTES:
        return ("%d minutes is more than a day: the rollback would not protect a lost session (the router would "
                "run unconfirmed that long)" % minutes)
    return None


def check_router(problems, router):
    """The checks of the router's own variables that reading it left (secrets, names, BGP...)."""
    hv, name = router.vars, router.name
    _check_underlay(problems, name, hv)
    _check_commit_comment(problems, name, hv)
    key = hv.get("dmvpn_gre_key")
    if key is not None and (isinstance(key, bool) or not isinstance(key, int) or not 0 <= key <= 4294967295):
        problems.add(name, "dmvpn_gre_key", "%r is out of range" % (key,), "use a whole number from 0 to 4294967295")
    minutes = si.value(hv, "dmvpn_commit_confirm")
    if isinstance(minutes, str) and re.match(r"^\s*[-+]?[0-9]+\s*$", minutes):
        minutes = int(minutes)  # (-e dmvpn_commit_confirm=1 is text; the role's int option takes it)
    if confirm_minutes_problem(minutes):
        problems.add(name, "dmvpn_commit_confirm", confirm_minutes_problem(minutes), CONFIRM_FIX)
    settings = [hv.get(variable) for variable in ("dmvpn_mass_delete_limit", "dmvpn_mass_delete_share")]
    settings = [int(value) if isinstance(value, str) and value.strip().isdigit() else value for value in settings]
    for dummy, variable, message, fix in settings_problems(*settings):   # (the blast-radius guard's settings)
        problems.add(name, variable, message, fix)
    tunnel = si.value(hv, "dmvpn_tunnel_name")
    if not isinstance(tunnel, str) or not TUNNEL_NAME_RE.match(tunnel):
        problems.add(name, "dmvpn_tunnel_name", "%r is not a tunnel interface name" % (tunnel,),
                     "use tunN, e.g. tun0")
    _check_secret(problems, router, "dmvpn_nhrp_secret", lambda syntax: syntax.nhrp_auth_max_length)
    if si.value(hv, "dmvpn_ipsec_enabled"):
        _check_secret(problems, router, "dmvpn_ipsec_psk")
        wan = si.value(hv, "dmvpn_wan_interface")
        if not isinstance(wan, str) or not INTERFACE_NAME_RE.match(wan):
            problems.add(name, "dmvpn_wan_interface", "%r is not an interface name" % (wan,),
                         "use the WAN interface, e.g. eth0")
    gateway = hv.get("dmvpn_upstream_gateway")
    if gateway is not None:
        try:
            ipv4_address(gateway)
        except (ValueError, TypeError):
            problems.add(name, "dmvpn_upstream_gateway", "%r is not an IPv4 address" % (gateway,),
                         "give the next hop of the default route, e.g. 198.51.100.42")
    _check_ping_targets(problems, name, hv)
    if router.routing == "bgp":
        _check_bgp_vars(problems, router)
    summary = hv.get("dmvpn_summary_prefixes")
    if router.routing == "via_hub" and router.role == "spoke" and not summary:
        problems.add(name, "dmvpn_summary_prefixes", "is required with dmvpn_routing: via_hub",
                     "list the prefixes spokes reach through the hub, e.g. [192.168.0.0/16]")
    elif summary is not None and not isinstance(summary, list):
        problems.add(name, "dmvpn_summary_prefixes", "must be a list", "give a list such as [192.168.0.0/16]")
    elif summary:
        for index, prefix in enumerate(summary):
            try:
                ipv4_network(prefix)
            except (ValueError, TypeError):
                problems.add(name, "dmvpn_summary_prefixes[%d]" % index, "%r is not an IPv4 network" % (prefix,),
                             "give the prefix with host bits clear, e.g. 192.168.0.0/16")


def _check_list(problems, name, hv, field, parse, list_example, item_message, item_fix):
    """A list variable whose every item ``parse`` (raising ValueError/TypeError) accepts."""
    values = hv.get(field)
    if values is not None and not isinstance(values, list):
        problems.add(name, field, "must be a list", "give a list such as %s" % list_example)
        return
    for index, value in enumerate(values or []):
        try:
            parse(value)
        except (ValueError, TypeError):
            problems.add(name, "%s[%d]" % (field, index), "%r %s" % (value, item_message), item_fix)


def _ping_target(value):
    if not isinstance(value, str):  # (the module pings it as written: text, a bare address)
        raise TypeError(value)
    return ipv4_address(value)


def _check_ping_targets(problems, name, hv):
    """dmvpn_verify_ping_targets: host addresses (the module pings them as written)."""
    _check_list(problems, name, hv, "dmvpn_verify_ping_targets", _ping_target, "[192.168.3.1]",
                "is not an IPv4 address", "give an address to ping, e.g. 192.168.3.1")


def bgp_asn(value):
    """The AS number of a dmvpn_bgp_asn value, or None when it is not one."""
    if isinstance(value, bool) or not isinstance(value, int) or not ASN_RANGE[0] <= value <= ASN_RANGE[1]:
        return None
    return value


def _check_bgp_vars(problems, router):
    hv, name = router.vars, router.name
    if hv.get("dmvpn_bgp_asn") is None:
        problems.add(name, "dmvpn_bgp_asn", "is required with dmvpn_routing: bgp",
                     "give the router's AS number, e.g. 65000 (the hubs' AS on every router for iBGP)")
    elif bgp_asn(hv.get("dmvpn_bgp_asn")) is None:
        problems.add(name, "dmvpn_bgp_asn", "%r is not an AS number" % (hv.get("dmvpn_bgp_asn"),),
                     "use a whole number from %d to %d (private: 64512-65534)" % ASN_RANGE)
    _check_list(problems, name, hv, "dmvpn_bgp_networks", ipv4_network, "[10.20.0.0/16]", "is not an IPv4 network",
                "give the prefix with host bits clear, e.g. 10.20.0.0/16")
