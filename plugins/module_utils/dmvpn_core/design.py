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

Here: the entry points the filters wrap. The checks are ``inventory_checks.py`` (each
router's own variables), ``inventory_cross_checks.py`` (across the routers) and
``inventory_structure_checks.py`` (how the inventory is put together), then the
model's checks on each router's endpoint; the endpoints are built by ``endpoints.py``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import endpoints as ep
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import inventory_checks as ic
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import render as rd
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import spec_inventory as si
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import unmanaged
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.checker import ModelError
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.inventory_cross_checks import cross_checks
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.inventory_structure_checks import (
    common_proposal_checks,
    structure_checks,
)
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.inventory_types import text_type_problems
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.masking import secret_inside_words

# The inventory variables the design reads (everything else in hostvars is ignored); their
# types, defaults and descriptions are in spec_inventory.py.
VARIABLES = si.DESIGN_VARIABLES + si.ANSIBLE_VARIABLES_READ


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
    problems = ic.Problems()
    routers = []
    for name in sorted(hosts):
        hv = hosts[name]
        if si.value(hv, "dmvpn_present") is False:
            continue
        refused = text_type_problems(problems, name, hv)
        if refused:
            # one problem per variable: the others would only describe the wrong value
            problems.ignore(name, refused)
        router = ic.read_router(problems, name, hv)
        if router is None:
            continue
        ic.check_router(problems, router)
        routers.append(router)
    cross_checks(problems, routers)
    structure_checks(problems, routers)
    # The model's checks (ranges, names, choices of the IPsec groups...) for every router whose
    # own variables passed the checks above, so one run reports all problems at once.
    troubled = set(problem["host"] for problem in problems.items)
    # The spokes are checked against the sound hubs only: a hub with a problem of its own
    # would give every spoke an NHS entry built from its unset address, a problem nobody wrote.
    sound = [router for router in routers if not (router.role == "hub" and router.name in troubled)]
    roles = ep.Roles(sound)
    for router in sound:
        if router.name in troubled or (router.role == "spoke" and not roles.hubs):
            continue
        # Routes are built from prefixes and addresses checked above; validating them per
        # router again would make the check grow with the square of the routers.
        _model_problems(problems, router, ep.build_endpoint(router, roles, with_routes=False))
    troubled = set(problem["host"] for problem in problems.items)
    common_proposal_checks(problems, [router for router in routers if router.name not in troubled])
    return problems.items, routers


def _model_problems(problems, router, endpoint):
    """The model's checks on every VyOS version the router may run: its dmvpn_vyos_version,
    or each supported version with ``auto``, whose real version the module reads only when it
    logs in, after this check. A problem of some of those versions only is reported with them."""
    found = {}  # (field, message, fix) -> the versions that refuse it
    for version in router.versions:
        try:
            normalised = unmanaged.validated_endpoint(endpoint, version)
        except ModelError as exc:
            for problem in exc.problems:
                found.setdefault((problem.field, problem.message, problem.fix), []).append(version)
            continue
        for problem in _secret_word_problems(router, normalised, version):
            found.setdefault(problem, []).append(version)
    for (model_field, message, fix), versions in found.items():
        field = inventory_field(model_field)
        fix = fix.replace(model_field, field)
        if len(versions) < len(router.versions):
            message = "%s (on VyOS %s; dmvpn_vyos_version is auto, so the router may run it)" % (
                message, ", ".join(versions))
            fix = "%s, or set dmvpn_vyos_version to the router's version" % fix
        problems.add(router.name, field, message, fix)


SECRET_VARIABLES = ("dmvpn_nhrp_secret", "dmvpn_ipsec_psk")


def _secret_word_problems(router, endpoint, version):
    """A secret that is part of a word of the router's own configuration lines (a keyword such
    as pre-shared-secret, a proposal's sha256, a name): Ansible's no_log would garble every such
    word in the output, and show which word holds the secret (masking.secret_inside_words)."""
    secrets = dict((str(router.vars[field]), field) for field in SECRET_VARIABLES if router.vars.get(field))
    for secret, before in secret_inside_words(rd.render_endpoint(endpoint, version), list(secrets), version):
        yield (secrets[secret], "occurs inside a word of the configuration the collection writes (after '%s'), "
               "so masking it would garble that output" % " ".join(before),
               "choose a secret that is not part of a VyOS keyword or of another value of this router")


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
    net = ic.ipv4_network(subnet)
    if address is not None:
        ip, length = ic.ipv4_address_with_length(address)
        if length is not None and length != net.prefixlen:
            raise ValueError("%s has a prefix length other than the subnet's (%s)" % (address, net))
    else:
        ip = net.network_address + int(host_id)
    if ip not in net or ip in (net.network_address, net.broadcast_address):
        raise ValueError("%s is not a host address of %s" % (ip, net))
    return "%s/%d" % (ip, net.prefixlen)


class Design:
    """The whole DMVPN, computed once from the inventory (``hosts``), or from the routers
    :func:`check` read and found sound (``routers``)."""

    def __init__(self, hosts=None, routers=None):
        self.routers = routers if routers is not None else _routers(hosts)
        self.roles = ep.Roles(self.routers)
        self.by_name = {r.name: r for r in self.routers}

    def endpoint(self, name):
        if name not in self.by_name:
            raise KeyError("%s is not a router of this DMVPN (dmvpn_present: false, or no dmvpn_role)" % name)
        return ep.build_endpoint(self.by_name[name], self.roles)

    def spoke_maps(self):
        """{spoke: [nhs entries towards every hub]} (the NHRP model the dmvpn module takes)."""
        return {r.name: [dict(entry) for entry in self.roles.nhs] for r in self.roles.spokes}

    def static_routes(self, name=None):
        """The static routes of one router, or {router: routes} for all."""
        if name is not None:
            return ep.static_routes(self.by_name[name], self.roles)
        return {r.name: ep.static_routes(r, self.roles) for r in self.routers}

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
