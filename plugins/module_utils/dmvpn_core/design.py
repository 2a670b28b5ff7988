# -*- coding: utf-8 -*-
# Copyright: dmvpn.vyos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Design: from the inventory (every router's variables) to each router's DMVPN endpoint.

Pure Python, no Ansible imports. The filters in ``plugins/filter/dmvpn.py`` are thin
wrappers around these functions; the roles hand the result to ``dmvpn.vyos.dmvpn``.

Inputs are plain dicts: ``{host name: {variable: value}}`` with the ``dmvpn_*`` variables
(see the roles' ``meta/argument_specs.yml``). :func:`inventory_problems` reports every
problem at once, each naming the host, the variable and the fix; :func:`design` refuses to
build anything while a problem remains.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress
import re

from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import configtree as ct
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import model as md
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import spec_inventory as si
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.versions import (
    PSK_ALLOWED_RE,
    PSK_ALLOWED_TEXT,
    SUPPORTED_VERSIONS,
    candidate_versions,
)

# The inventory variables the design reads (everything else in hostvars is ignored); their
# types, defaults and descriptions are in spec_inventory.py.
VARIABLES = si.DESIGN_VARIABLES
ROLES = ("hub", "spoke")
ROUTING_MODES = si.ROUTING_MODES
MIN_PSK_LENGTH = 6
MIN_NHRP_SECRET_LENGTH = 4
DEFAULT_IKE_GROUP = si.DEFAULT_IKE_GROUP
DEFAULT_ESP_GROUP = si.DEFAULT_ESP_GROUP
# Variables that must be the same on every router of one DMVPN.
SHARED = ("dmvpn_tunnel_name", "dmvpn_tunnel_subnet", "dmvpn_gre_key", "dmvpn_nhrp_secret",
          "dmvpn_ipsec_psk", "dmvpn_ipsec_enabled")
ASN_RANGE = (1, 4294967294)


class DesignError(ValueError):
    """The inventory has problems; ``problems`` lists them (dicts: host, field, message, fix)."""

    def __init__(self, problems):
        self.problems = list(problems)
        super(DesignError, self).__init__(format_problems(self.problems))


def format_problems(problems):
    count = len(problems)
    lines = ["%d problem%s in the DMVPN inventory (no router was touched):" % (count, "" if count == 1 else "s")]
    for p in problems:
        lines.append("- %s: %s: %s (fix: %s)" % (p["host"], p["field"], p["message"], p["fix"]))
    return "\n".join(lines)


class _Problems:
    def __init__(self):
        self.items = []

    def add(self, host, field, message, fix):
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


def _network(value):
    return ipaddress.IPv4Network(str(value), strict=True)


def _address(value):
    return ipaddress.IPv4Address(str(value).split("/", 1)[0])


def _members(hosts):
    """The routers that take part (``dmvpn_present`` not false, a role set)."""
    return {name: hv for name, hv in hosts.items() if si.value(hv, "dmvpn_present") is not False}


def _read_router(problems, name, hv):
    role = hv.get("dmvpn_role")
    if role not in ROLES:
        problems.add(name, "dmvpn_role", "is %r" % (role,) if role is not None else "is not set",
                     "set dmvpn_role to hub or spoke (or put the host in the dmvpn_hubs/dmvpn_spokes group)")
        return None
    router = Router(name, role, hv)
    try:
        router.subnet = _network(hv.get("dmvpn_tunnel_subnet"))
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
            router.lans.append(_network(prefix))
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
            router.tunnel_ip = _address(explicit)
        except (ValueError, TypeError):
            problems.add(name, "dmvpn_tunnel_address", "%r is not an IPv4 address" % (explicit,),
                         "give the tunnel address, e.g. 10.0.0.2")
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
        router.nbma = _address(value)
    except (ValueError, TypeError):
        problems.add(router.name, "dmvpn_public_address", "%r is not an IPv4 address" % (value,),
                     "give the public address, e.g. 198.51.100.41 (or dhcp for a spoke)")


def _check_secret(problems, name, hv, field, minimum, maximum=None):
    value = hv.get(field)
    if value in (None, ""):
        problems.add(name, field, "is not set", "set it (keep it in Ansible Vault)")
        return
    value = str(value)
    if len(value) < minimum:
        problems.add(name, field, "is too short (%d characters)" % len(value),
                     "use at least %d characters" % minimum)
    elif maximum is not None and len(value) > maximum:
        problems.add(name, field, "is too long (%d characters); VyOS allows %d" % (len(value), maximum),
                     "use %d to %d characters" % (minimum, maximum))
    if not PSK_ALLOWED_RE.match(value):
        problems.add(name, field, "has characters VyOS does not accept (spaces, quotes or others)",
                     "use only %s" % PSK_ALLOWED_TEXT)


HOST_NAME_RE = re.compile(r"^[A-Za-z0-9](?:[-.A-Za-z0-9]{0,61}[A-Za-z0-9])?\Z")
COMMIT_COMMENT_MAX = 255


def _check_underlay(problems, name, hv):
    """dmvpn_underlay goes to vyos.vyos modules (host name, interface addresses): check it here,
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
        if ifname is not None and (not isinstance(ifname, str) or not md.INTERFACE_NAME_RE.match(ifname)):
            problems.add(name, field + ".name", "%r is not an interface name" % (ifname,), "use e.g. eth0 or eth1")
        addresses = item.get("address")
        for address in addresses if isinstance(addresses, list) else [addresses]:
            if address is None or address == "dhcp":
                continue
            try:
                ipaddress.IPv4Interface(str(address))
                if "/" not in str(address):
                    raise ValueError(address)
            except (ValueError, TypeError):
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


def _check_router_vars(problems, router):
    hv, name = router.vars, router.name
    _check_underlay(problems, name, hv)
    _check_commit_comment(problems, name, hv)
    key = hv.get("dmvpn_gre_key")
    if key is not None and (isinstance(key, bool) or not isinstance(key, int) or not 0 <= key <= 4294967295):
        problems.add(name, "dmvpn_gre_key", "%r is out of range" % (key,), "use a whole number from 0 to 4294967295")
    tunnel = si.value(hv, "dmvpn_tunnel_name")
    if not isinstance(tunnel, str) or not md.TUNNEL_NAME_RE.match(tunnel):
        problems.add(name, "dmvpn_tunnel_name", "%r is not a tunnel interface name" % (tunnel,),
                     "use tunN, e.g. tun0")
    _check_secret(problems, name, hv, "dmvpn_nhrp_secret", MIN_NHRP_SECRET_LENGTH, 8)
    if si.value(hv, "dmvpn_ipsec_enabled"):
        _check_secret(problems, name, hv, "dmvpn_ipsec_psk", MIN_PSK_LENGTH)
        wan = si.value(hv, "dmvpn_wan_interface")
        if not isinstance(wan, str) or not md.INTERFACE_NAME_RE.match(wan):
            problems.add(name, "dmvpn_wan_interface", "%r is not an interface name" % (wan,),
                         "use the WAN interface, e.g. eth0")
    gateway = hv.get("dmvpn_upstream_gateway")
    if gateway is not None:
        try:
            _address(gateway)
        except (ValueError, TypeError):
            problems.add(name, "dmvpn_upstream_gateway", "%r is not an IPv4 address" % (gateway,),
                         "give the next hop of the default route, e.g. 198.51.100.42")
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
                _network(prefix)
            except (ValueError, TypeError):
                problems.add(name, "dmvpn_summary_prefixes[%d]" % index, "%r is not an IPv4 network" % (prefix,),
                             "give the prefix with host bits clear, e.g. 192.168.0.0/16")


def _asn(value):
    """The AS number of a dmvpn_bgp_asn value, or None when it is not one."""
    if isinstance(value, bool) or not isinstance(value, int) or not ASN_RANGE[0] <= value <= ASN_RANGE[1]:
        return None
    return value


def _check_bgp_vars(problems, router):
    hv, name = router.vars, router.name
    if hv.get("dmvpn_bgp_asn") is None:
        problems.add(name, "dmvpn_bgp_asn", "is required with dmvpn_routing: bgp",
                     "give the router's AS number, e.g. 65000 (the hubs' AS on every router for iBGP)")
    elif _asn(hv.get("dmvpn_bgp_asn")) is None:
        problems.add(name, "dmvpn_bgp_asn", "%r is not an AS number" % (hv.get("dmvpn_bgp_asn"),),
                     "use a whole number from %d to %d (private: 64512-65534)" % ASN_RANGE)
    networks = hv.get("dmvpn_bgp_networks")
    if networks is not None and not isinstance(networks, list):
        problems.add(name, "dmvpn_bgp_networks", "must be a list", "give a list such as [10.20.0.0/16]")
        return
    for index, prefix in enumerate(networks or []):
        try:
            _network(prefix)
        except (ValueError, TypeError):
            problems.add(name, "dmvpn_bgp_networks[%d]" % index, "%r is not an IPv4 network" % (prefix,),
                         "give the prefix with host bits clear, e.g. 10.20.0.0/16")


def _bgp_cross_checks(problems, routers):
    """BGP goes all the way or not at all; hubs share one AS; spokes are either all in it
    (iBGP, hubs reflect) or each in an AS of its own (eBGP, an AS-path loop would drop the
    routes of spokes sharing an AS)."""
    modes = set(r.routing for r in routers)
    if "bgp" not in modes:
        return
    if len(modes) > 1:
        for r in routers:
            if r.routing != "bgp":
                problems.add(r.name, "dmvpn_routing", "is %s while other routers of the DMVPN use bgp" % r.routing,
                             "use dmvpn_routing: bgp on every router of the DMVPN (set it in the group's vars)")
        return
    hubs = [r for r in routers if r.role == "hub" and _asn(r.vars.get("dmvpn_bgp_asn"))]
    hub_asns = sorted(set(r.vars["dmvpn_bgp_asn"] for r in hubs))
    if len(hub_asns) > 1:
        for r in hubs[1:]:
            if r.vars["dmvpn_bgp_asn"] != hubs[0].vars["dmvpn_bgp_asn"]:
                problems.add(r.name, "dmvpn_bgp_asn", "%d differs from hub %s's AS %d"
                             % (r.vars["dmvpn_bgp_asn"], hubs[0].name, hubs[0].vars["dmvpn_bgp_asn"]),
                             "give every hub the same AS number")
        return
    if not hub_asns:
        return
    spokes = [r for r in routers if r.role == "spoke" and _asn(r.vars.get("dmvpn_bgp_asn"))]
    internal = [r for r in spokes if r.vars["dmvpn_bgp_asn"] == hub_asns[0]]
    external = [r for r in spokes if r not in internal]
    if internal and external:
        minority = external if len(external) <= len(internal) else internal
        for r in minority:
            problems.add(r.name, "dmvpn_bgp_asn", "mixes iBGP and eBGP spokes: %d spokes are in the hubs' AS %d, "
                         "%d are not" % (len(internal), hub_asns[0], len(external)),
                         "put every spoke in the hubs' AS (iBGP) or every spoke in an AS of its own (eBGP)")
        return
    owners = {}
    for r in external:
        owners.setdefault(r.vars["dmvpn_bgp_asn"], []).append(r.name)
    for asn, names in sorted(owners.items()):
        for name in names[1:]:
            problems.add(name, "dmvpn_bgp_asn", "AS %d is also the AS of spoke %s: with eBGP, the spokes' routes "
                         "would be dropped as AS-path loops" % (asn, names[0]),
                         "give every spoke its own AS number (e.g. 65001, 65002, ...) or use the hubs' AS (iBGP)")


def _overlaps(items):
    """Pairs of (owner, network) that overlap, found in O(n log n)."""
    ordered = sorted(items, key=lambda item: (int(item[1].network_address), item[1].prefixlen))
    found = []
    widest = None  # the item reaching furthest so far
    for item in ordered:
        if widest is not None and int(item[1].network_address) <= int(widest[1].broadcast_address):
            found.append((widest, item))
            if int(item[1].broadcast_address) <= int(widest[1].broadcast_address):
                continue
        widest = item
    return found


def _cross_checks(problems, routers):
    hubs = [r for r in routers if r.role == "hub"]
    if routers and not hubs:
        for r in routers:
            problems.add(r.name, "dmvpn_role", "this spoke has no hub: no router in the DMVPN is a hub",
                         "make at least one router a hub (dmvpn_role: hub)")
    seen = {}
    for r in routers:
        if r.tunnel_ip is None:
            continue
        if r.tunnel_ip in seen:
            problems.add(r.name, r.tunnel_ip_field, "%s is also the tunnel address of %s" % (r.tunnel_ip, seen[r.tunnel_ip]),
                         "give every router its own tunnel address (dmvpn_tunnel_address or dmvpn_spoke_id)")
        else:
            seen[r.tunnel_ip] = r.name
    nbmas = {}
    for r in sorted(routers, key=lambda router: router.role != "hub"):  # hubs first
        if r.nbma is not None:
            if r.nbma in nbmas:
                owner = nbmas[r.nbma]
                problems.add(r.name, "dmvpn_public_address", "%s is also the public address of %s %s"
                             % (r.nbma, owner.role, owner.name), "give every router its own public address")
            else:
                nbmas[r.nbma] = r
    _bgp_cross_checks(problems, routers)
    lans = [(r.name, net) for r in routers for net in r.lans]
    for (owner_a, net_a), (owner_b, net_b) in _overlaps(lans):
        problems.add(owner_b, "dmvpn_lan_prefixes", "%s overlaps %s of %s" % (net_b, net_a, owner_a),
                     "give every LAN its own prefix")
    for r in routers:
        for net in r.lans:
            if r.subnet is not None and net.overlaps(r.subnet):
                problems.add(r.name, "dmvpn_lan_prefixes", "%s overlaps the tunnel subnet %s" % (net, r.subnet),
                             "keep LAN prefixes outside the tunnel subnet")
    for field in SHARED:
        values = {}
        for r in routers:
            value = r.vars.get(field)
            if value is not None:
                values.setdefault(str(value) if not isinstance(value, bool) else value, []).append(r.name)
        if len(values) > 1:
            counts = sorted(values.values(), key=len, reverse=True)
            for minority in counts[1:]:
                for host in minority:
                    problems.add(host, field, "differs from the other DMVPN routers (%s)" % ", ".join(counts[0][:3]),
                                 "use the same %s on every router of the DMVPN" % field)


# Where each part of an endpoint (the dmvpn module's model) comes from in the inventory: a
# problem the model finds is reported against the variable the user has to change.
MODEL_FIELDS = si.model_fields()


def inventory_field(model_field):
    """The inventory variable behind a field of the endpoint model (``ipsec.ike_group.lifetime``
    -> ``dmvpn_ike_group.lifetime``); the model's name when nothing maps."""
    for prefix, variable in MODEL_FIELDS:
        if model_field == prefix:
            return variable
        if model_field.startswith(prefix) and model_field[len(prefix)] in ".[":
            if variable.endswith(")"):
                return variable
            return variable + model_field[len(prefix):]
    return model_field


def check(hosts):
    """``(problems, routers)``: every problem of the inventory, as dicts {host, field, message,
    fix} (empty: all good), and its routers, each read once. The routers are only fit to
    build endpoints from when there is no problem."""
    problems = _Problems()
    routers = []
    for name in sorted(hosts):
        hv = hosts[name]
        if si.value(hv, "dmvpn_present") is False:
            continue
        router = _read_router(problems, name, hv)
        if router is None:
            continue
        _check_router_vars(problems, router)
        routers.append(router)
    _cross_checks(problems, routers)
    # The model's checks (ranges, names, choices of the IPsec groups...) for every router whose
    # own variables passed the checks above, so one run reports all problems at once.
    troubled = set(problem["host"] for problem in problems.items)
    roles = _Roles(routers)
    for router in routers:
        if router.name in troubled or (router.role == "spoke" and not roles.hubs):
            continue
        # Routes are built from prefixes and addresses checked above; validating them per
        # router again would make the check grow with the square of the routers.
        _model_problems(problems, router, _endpoint(router, roles, with_routes=False))
    return problems.items, routers


def _model_problems(problems, router, endpoint):
    """The model's checks on every VyOS version the router may run: its dmvpn_vyos_version,
    or each supported version with ``auto``, whose real version the module reads only when it
    logs in, after this check. A problem of some of those versions only is reported with them."""
    found = {}  # (field, message, fix) -> the versions that refuse it
    for version in router.versions:
        try:
            md.validate_endpoint(endpoint, version)
        except md.ModelError as exc:
            for problem in exc.problems:
                found.setdefault((problem.field, problem.message, problem.fix), []).append(version)
    for (model_field, message, fix), versions in found.items():
        field = inventory_field(model_field)
        fix = fix.replace(model_field, field)
        if len(versions) < len(router.versions):
            message = "%s (on VyOS %s; dmvpn_vyos_version is auto, so the router may run it)" % (
                message, ", ".join(versions))
            fix = "%s, or set dmvpn_vyos_version to the router's version" % fix
        problems.add(router.name, field, message, fix)


def inventory_problems(hosts):
    """Every problem of the inventory, as dicts {host, field, message, fix} (empty: all good)."""
    return check(hosts)[0]


def _routers(hosts):
    problems, routers = check(hosts)
    if problems:
        raise DesignError(problems)
    return routers


def tunnel_address(subnet, host_id=None, address=None):
    """The tunnel address (``a.b.c.d/len``) of a router: ``address`` or host number ``host_id``."""
    net = _network(subnet)
    ip = _address(address) if address is not None else net.network_address + int(host_id)
    if ip not in net or ip in (net.network_address, net.broadcast_address):
        raise ValueError("%s is not a host address of %s" % (ip, net))
    return "%s/%d" % (ip, net.prefixlen)


class _Roles:
    """The routers split by role, computed once per design."""

    def __init__(self, routers):
        self.all = routers
        self.hubs = [r for r in routers if r.role == "hub"]
        self.spokes = [r for r in routers if r.role == "spoke"]
        self.nhs = [{"tunnel_ip": str(h.tunnel_ip), "nbma": str(h.nbma)} for h in self.hubs]


def _routes(router, roles):
    hubs = roles.hubs
    routes = []
    if router.role == "hub":
        if router.routing != "bgp":  # with BGP the spokes announce their LANs
            for other in roles.spokes:
                routes += [{"prefix": str(net), "next_hop": str(other.tunnel_ip)} for net in other.lans]
        gateway = router.vars.get("dmvpn_upstream_gateway")
        if gateway:
            routes.append({"prefix": "0.0.0.0/0", "next_hop": str(_address(gateway))})
        return routes
    if router.routing == "bgp":
        return routes
    for hub in hubs:
        routes += [{"prefix": str(net), "next_hop": str(hub.tunnel_ip)} for net in hub.lans]
    if router.routing == "via_hub":
        for prefix in router.vars.get("dmvpn_summary_prefixes") or []:
            for hub in hubs:
                routes.append({"prefix": str(_network(prefix)), "next_hop": str(hub.tunnel_ip)})
        return routes
    for other in roles.spokes:
        if other is not router:
            routes += [{"prefix": str(net), "next_hop": str(other.tunnel_ip)} for net in other.lans]
    return routes


def _ipsec(router):
    hv = router.vars
    if not si.value(hv, "dmvpn_ipsec_enabled"):
        return None
    return {
        "interface": si.value(hv, "dmvpn_wan_interface"),
        "ike_group": hv.get("dmvpn_ike_group") or DEFAULT_IKE_GROUP,
        "esp_group": hv.get("dmvpn_esp_group") or DEFAULT_ESP_GROUP,
        "profile": {"name": si.value(hv, "dmvpn_ipsec_profile"),
                    "pre_shared_secret": str(hv.get("dmvpn_ipsec_psk"))},
    }


def announced(router):
    """What ``router`` announces in BGP: its LANs, then dmvpn_bgp_networks (each once)."""
    networks = [str(net) for net in router.lans]
    for prefix in router.vars.get("dmvpn_bgp_networks") or []:
        if str(_network(prefix)) not in networks:
            networks.append(str(_network(prefix)))
    return networks


def _bgp(router, roles):
    """The BGP section of a router's endpoint (None unless dmvpn_routing is bgp).

    Hubs take the spokes into one peer group: dynamic neighbors through a listen range over
    the tunnel subnet (on VyOS 1.2, which has none, the model lists them as neighbors). With the
    spokes in the hubs' AS (iBGP) the hubs reflect routes; with each spoke in an AS of its own
    (eBGP) the hubs leave the next hop unchanged. Either way a spoke learns another spoke's
    LAN with that spoke's tunnel address as next hop, so NHRP can build the direct shortcut.
    Spokes peer with every hub's tunnel address and set the timers (a session uses the lower
    holdtime of its two ends)."""
    if router.routing != "bgp":
        return None
    hv = router.vars
    asn = hv.get("dmvpn_bgp_asn")
    result = {"asn": asn, "peer_group": None, "listen_ranges": [], "neighbors": [], "networks": announced(router)}
    if router.role == "hub":
        internal = all(spoke.vars.get("dmvpn_bgp_asn") == asn for spoke in roles.spokes)
        result["peer_group"] = {"name": si.value(hv, "dmvpn_bgp_peer_group"),
                                "remote_as": str(asn) if internal else "external",
                                "route_reflector_client": internal, "next_hop_unchanged": not internal}
        # The spokes come through a listen range; they are also named, for the VyOS versions
        # without listen ranges (1.2), where the model lists them as the group's neighbors.
        result["listen_ranges"] = [str(router.subnet)]
        result["dynamic_neighbors"] = [{"address": str(spoke.tunnel_ip), "remote_as": str(spoke.vars.get("dmvpn_bgp_asn"))}
                                       for spoke in roles.spokes]
    else:
        timers = hv.get("dmvpn_bgp_timers") or {}
        result.update(keepalive=timers.get("keepalive"), holdtime=timers.get("holdtime"),
                      neighbors=[{"address": str(hub.tunnel_ip), "remote_as": str(hub.vars.get("dmvpn_bgp_asn"))}
                                 for hub in roles.hubs])
    return result


def _endpoint(router, roles, with_routes=True):
    hv = router.vars
    nhrp = {"role": router.role, "authentication": str(hv.get("dmvpn_nhrp_secret")),
            "holding_time": hv.get("dmvpn_nhrp_holding_time"),
            "redirect": si.value(hv, "dmvpn_nhrp_redirect"),
            "shortcut": hv.get("dmvpn_nhrp_shortcut", router.role == "spoke")}
    if hv.get("dmvpn_nhrp_network_id") is not None:  # the model keeps it where VyOS has one
        nhrp["network_id"] = hv.get("dmvpn_nhrp_network_id")
    if router.role == "spoke":
        nhrp["nhs"] = [dict(entry) for entry in roles.nhs]
    return {
        "tunnel": {
            "name": si.value(hv, "dmvpn_tunnel_name"),
            "address": "%s/%d" % (router.tunnel_ip, router.subnet.prefixlen),
            "source_address": str(router.nbma) if router.nbma is not None else "0.0.0.0",
            "source_interface": si.value(hv, "dmvpn_wan_interface") if router.nbma is None else None,
            "key": hv.get("dmvpn_gre_key"),
            "description": hv.get("dmvpn_tunnel_description"),
            "mtu": hv.get("dmvpn_tunnel_mtu"),
            "multicast": si.value(hv, "dmvpn_tunnel_multicast"),
        },
        "nhrp": nhrp,
        "ipsec": _ipsec(router),
        "static_routes": _routes(router, roles) if with_routes else [],
        "bgp": _bgp(router, roles),
    }


class Design:
    """The whole DMVPN, computed once from the inventory (``hosts``), or from the routers
    :func:`check` read and found sound (``routers``)."""

    def __init__(self, hosts=None, routers=None):
        self.routers = routers if routers is not None else _routers(hosts)
        self.roles = _Roles(self.routers)
        self.by_name = {r.name: r for r in self.routers}

    def endpoint(self, name):
        if name not in self.by_name:
            raise KeyError("%s is not a router of this DMVPN (dmvpn_present: false, or no dmvpn_role)" % name)
        return _endpoint(self.by_name[name], self.roles)

    def spoke_maps(self):
        """{spoke: [nhs entries towards every hub]} (the NHRP model the dmvpn module takes)."""
        return {r.name: [dict(entry) for entry in self.roles.nhs] for r in self.roles.spokes}

    def static_routes(self, name=None):
        """The static routes of one router, or {router: routes} for all."""
        if name is not None:
            return _routes(self.by_name[name], self.roles)
        return {r.name: _routes(r, self.roles) for r in self.routers}

    def summary(self):
        return {
            "hubs": [r.name for r in self.routers if r.role == "hub"],
            "spokes": [r.name for r in self.routers if r.role == "spoke"],
            "tunnel_addresses": {r.name: str(r.tunnel_ip) for r in self.routers},
            "nbma": {r.name: str(r.nbma) if r.nbma else "dhcp" for r in self.routers},
            "lans": {r.name: [str(n) for n in r.lans] for r in self.routers},
        }


def design(hosts):
    """Build the :class:`Design` (raises DesignError listing every inventory problem)."""
    return Design(hosts)


def checked_design(hosts):
    """``(problems, design)`` from one pass over the inventory: the design is None while
    there is a problem."""
    problems, routers = check(hosts)
    return problems, (None if problems else Design(routers=routers))
