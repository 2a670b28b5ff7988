# -*- coding: utf-8 -*-
# Copyright: dmvpn.vyos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Two (or more) DMVPN clouds per router (dual-cloud): the inventory's per-cloud values, the
checks across the clouds of one router, and what a router's clouds hand the dmvpn module.

Pure Python, no Ansible imports. Each cloud is an inventory group of ``dmvpn_network_groups``
and is designed as a DMVPN of its own (design.py) over its routers' *cloud variables*: a
router's own variables, overlaid with ``dmvpn_clouds[cloud]`` (network-wide, group_vars) and
then ``dmvpn_cloud_host_vars[cloud]`` (its own, host_vars). Ansible merges the group_vars of
a host's groups into one value per variable (and replaces whole dicts across levels), so the
values of two clouds cannot both sit in plain ``dmvpn_*`` variables; two dicts keyed by the
cloud's group can. A router in two clouds gets two endpoints, applied in one commit
(dmvpn_core/clouds_resource.py); a router not in a cloud gets that cloud's tunnel name as an
absent tunnel, which the module deletes with what it owns (so dropping a router from a cloud
removes only that cloud's objects).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress

from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import spec_inventory as si

CLOUDS = "dmvpn_clouds"
HOST_CLOUDS = "dmvpn_cloud_host_vars"


def uses_clouds(table):
    """Whether the inventory (``{host: variables}``) describes clouds with dmvpn_clouds."""
    return any(isinstance(hv.get(CLOUDS), dict) and hv.get(CLOUDS) for hv in table.values())


def _dict(value):
    return value if isinstance(value, dict) else {}


def cloud_table(table, cloud):
    """``(table, origins)``: every host's cloud variables in ``cloud`` (the two dicts taken
    out), and ``{host: {variable: where it came from}}`` for the ones a dict set."""
    out, origins = {}, {}
    for host, hv in table.items():
        hv = dict(hv)
        network, own = _dict(hv.pop(CLOUDS, None)).get(cloud), _dict(hv.pop(HOST_CLOUDS, None)).get(cloud)
        origins[host] = {}
        for where, values in (("%s.%s" % (CLOUDS, cloud), network), ("%s.%s" % (HOST_CLOUDS, cloud), own)):
            for key, value in _dict(values).items():
                hv[key] = value
                origins[host][key] = "%s.%s" % (where, key)
        out[host] = hv
    return out, origins


def renamed(problems, origins):
    """The design's ``problems`` of a cloud, each naming the dict entry the user has to change
    when a cloud dict set the variable (``dmvpn_clouds.cloud2.dmvpn_gre_key``)."""
    out = []
    for problem in problems:
        field = problem["field"]
        variable = field.split(".")[0].split("[")[0]
        where = origins.get(problem["host"], {}).get(variable)
        out.append(dict(problem, field=where + field[len(variable):]) if where else problem)
    return out


def _problem(host, field, message, fix):
    return {"host": str(host), "field": field, "message": message, "fix": fix}


def shape_problems(table, clouds, memberships):
    """Problems of the two dicts themselves: not a dict, a cloud that is not one of
    dmvpn_network_groups (``clouds``), a key that is not a per-cloud variable, a host's
    values for a cloud it is not in, a router of the DMVPN in no cloud."""
    problems = []
    for host in sorted(table):
        hv = table[host]
        for name, allowed, where in ((CLOUDS, si.CLOUD_VARIABLES, "group_vars/dmvpn"),
                                     (HOST_CLOUDS, si.CLOUD_HOST_VARIABLES, "host_vars")):
            value = hv.get(name)
            if value is None:
                continue
            if not isinstance(value, dict):
                problems.append(_problem(host, name, "must be a dict keyed by cloud (inventory group)",
                                         "give {cloud1: {...}, cloud2: {...}} in %s" % where))
                continue
            for cloud in sorted(value):
                field = "%s.%s" % (name, cloud)
                if cloud not in clouds:
                    problems.append(_problem(host, field, "is not a cloud of dmvpn_network_groups (%s)"
                                             % ", ".join(clouds), "add the group to dmvpn_network_groups or "
                                             "rename the key to one of its groups"))
                    continue
                if name == HOST_CLOUDS and cloud not in memberships.get(host, []):
                    problems.append(_problem(host, field, "the host is not in the group %s" % cloud,
                                             "put the host in the group %s, or remove these values" % cloud))
                if not isinstance(value[cloud], dict):
                    problems.append(_problem(host, field, "must be a dict of dmvpn_* variables",
                                             "give {dmvpn_tunnel_name: tun1, ...}"))
                    continue
                for key in sorted(value[cloud]):
                    if key not in allowed:
                        problems.append(_problem(host, "%s.%s" % (field, key), "is not a variable %s sets per cloud"
                                                 % name, "use one of %s (others stay one per router)"
                                                 % ", ".join(allowed)))
    return problems


def membership_problems(table, memberships):
    """A router of the DMVPN (it has a role) in none of the clouds: no endpoint would be
    computed for it (dmvpn_present: false removes a router from all of them)."""
    return [_problem(host, "group_names", "the router is in none of the clouds of dmvpn_network_groups",
                     "put it in one of the clouds' groups, or set dmvpn_present: false to remove it")
            for host in sorted(table) if table[host].get("dmvpn_role") and table[host].get("dmvpn_present") is not False
            and not memberships.get(host)]


def _network(endpoint):
    return ipaddress.IPv4Interface(endpoint["tunnel"]["address"]).network


def _ipsec_groups(endpoint):
    ipsec = endpoint.get("ipsec") or {}
    return [(kind, ipsec[kind]) for kind in ("ike_group", "esp_group") if ipsec.get(kind)]


def router_problems(per_router, origins):
    """Problems across the clouds of each router in two or more (``{host: [(cloud,
    endpoint)]}``): what VyOS refuses on one router, or what would make two clouds one."""
    problems = []
    for host in sorted(per_router):
        clouds = per_router[host]

        def field_of(cloud, variable, host=host):  # the dict entry that set it, if one did
            return origins.get(cloud, {}).get(host, {}).get(variable) or variable
        for index, (cloud, endpoint) in enumerate(clouds):
            for other_cloud, other in clouds[:index]:
                problems += _pair_problems(host, cloud, endpoint, other_cloud, other, field_of)
    return problems


def _pair_problems(host, cloud, endpoint, other_cloud, other, field_of):
    def field(variable):
        return field_of(cloud, variable)

    found = []
    tunnel, theirs = endpoint["tunnel"], other["tunnel"]
    if tunnel["name"] == theirs["name"]:
        found.append(_problem(host, field("dmvpn_tunnel_name"), "%s is also the tunnel of cloud %s on this router"
                              % (tunnel["name"], other_cloud), "give each cloud its own tunnel in dmvpn_clouds"))
    if _network(endpoint).overlaps(_network(other)):
        found.append(_problem(host, field("dmvpn_tunnel_subnet"), "%s overlaps %s of cloud %s on this router (its "
                              "routes via the tunnel subnet would be the other cloud's)"
                              % (_network(endpoint), _network(other), other_cloud),
                              "give each cloud its own tunnel subnet in dmvpn_clouds"))
    # VyOS refuses two GRE tunnels with one source address and the same key, or without a key
    # (vyos/vyos-1x src/conf_mode/interfaces_tunnel.py verify(), T2920; current 3710c5879,
    # sagitta: 'Key ... is already used for tunnel', 'Missing required "ip key" parameter').
    if tunnel["source_address"] == theirs["source_address"] and (
            tunnel.get("key") is None or tunnel.get("key") == theirs.get("key")):
        found.append(_problem(host, field("dmvpn_gre_key"), "cloud %s's tunnel has the same source address (%s) and "
                              "GRE key (%s) as cloud %s's, which VyOS refuses" % (
                                  cloud, tunnel["source_address"], tunnel.get("key"), other_cloud),
                              "give each cloud its own dmvpn_gre_key (or its own dmvpn_public_address)"))
    ipsec, their_ipsec = endpoint.get("ipsec"), other.get("ipsec")
    if ipsec and their_ipsec:
        if ipsec["profile"]["name"] == their_ipsec["profile"]["name"]:
            found.append(_problem(host, field("dmvpn_ipsec_profile"), "%s is also the IPsec profile of cloud %s on "
                                  "this router" % (ipsec["profile"]["name"], other_cloud),
                                  "give each cloud its own dmvpn_ipsec_profile in dmvpn_clouds"))
        # One PSK per router: VyOS writes each DMVPN profile's key as a swanctl secret
        # ike-dmvpn-<tunnel> with no id (vyos/vyos-1x data/templates/ipsec/swanctl.conf.j2, the
        # same in current 3710c5879, circinus d5322412e, sagitta c3f688653; its profile.j2 sets no
        # local/remote id; vyos/vyatta-cfg-vpn scripts/dmvpn-config.pl, crux 03e70cd, equuleus
        # 9cc815f). strongSwan gives a secret without id the owner %any (strongswan/strongswan
        # src/libcharon/plugins/vici/vici_cred.c load_shared) and keeps the first of equal matches
        # (src/libstrongswan/credentials/credential_manager.c get_shared): one key then serves
        # both clouds' connections and the other cloud's hub refuses its AUTH.
        if ipsec["profile"].get("pre_shared_secret") != their_ipsec["profile"].get("pre_shared_secret"):
            found.append(_problem(host, field("dmvpn_ipsec_psk"), "differs from the PSK of cloud %s on this router: "
                                  "VyOS writes each profile's PSK as a secret without an id (swanctl.conf.j2), so "
                                  "strongSwan uses one of them for both clouds and one cloud fails authentication"
                                  % other_cloud, "give every cloud of this router the same dmvpn_ipsec_psk"))
        theirs_by_name = dict((group["name"], group) for dummy, group in _ipsec_groups(other))
        for kind, group in _ipsec_groups(endpoint):
            same = theirs_by_name.get(group["name"])
            if same is not None and same != group:
                found.append(_problem(host, field("dmvpn_" + kind), "%s is also a group of cloud %s on this router, "
                                      "with other settings (one group, one setting)" % (group["name"], other_cloud),
                                      "give the two clouds the same settings, or groups of their own names"))
    for name, cloud_name in ((endpoint, cloud), (other, other_cloud)):
        if name.get("bgp") is not None:
            found.append(_problem(host, field_of(cloud_name, "dmvpn_routing"), "is bgp in cloud %s, but a router in two clouds runs "
                                  "one BGP instance (one AS, one router id) the clouds cannot share yet" % cloud_name,
                                  "use full_mesh or via_hub routing in the clouds of this router"))
            break
    for name, cloud_name in ((endpoint, cloud), (other, other_cloud)):
        if name.get("firewall") is not None:  # the WAN rules 9900-9999 are one set per router
            found.append(_problem(host, field_of(cloud_name, "dmvpn_manage_firewall"), "is true in cloud %s, but the WAN "
                                  "firewall rules are one set per router, which two clouds cannot each own yet"
                                  % cloud_name, "set dmvpn_manage_firewall: false for a router of two clouds"))
            break
    return found


def tunnel_name(hv, cloud):
    """The tunnel name of ``cloud`` for a router (``hv``: its own variables)."""
    network = _dict(_dict(hv.get(CLOUDS)).get(cloud))
    return network.get("dmvpn_tunnel_name", si.value(hv, "dmvpn_tunnel_name"))


def module_input(hv, clouds, mine, endpoints):
    """What a router of a cloud inventory hands the dmvpn module: ``{endpoints: [...],
    absent_tunnels: [...]}``, the tunnels of the clouds it is not in (and no cloud of its own
    uses), so that leaving a cloud removes that cloud's tunnel and what it owns."""
    used = set(endpoint["tunnel"]["name"] for endpoint in endpoints)
    absent = []
    for cloud in clouds:
        name = tunnel_name(hv, cloud)
        if cloud not in mine and name not in used and name not in absent:
            absent.append(name)
    return {"endpoints": endpoints, "absent_tunnels": absent}


def cloud_state(seen, design, tunnel, foreign):
    """A router's observed state (dmvpn_status) as one cloud sees it: the NHRP entries of the
    cloud's tunnel, and the IPsec SAs that are not with a router of another cloud only
    (``foreign``: their public addresses; 1.2/1.3 name each connection after profile and
    tunnel, ``dmvpn-<profile>-<tunnel>``, 1.4+ rows carry the peer's address)."""
    if not isinstance(seen, dict) or seen.get("nhrp") is None:
        return seen
    ours = set(str(r.nbma) for r in design.routers if r.nbma is not None)
    out = dict(seen, nhrp=[e for e in seen.get("nhrp") or [] if e.get("interface") in (None, tunnel)])
    sas = []
    for sa in seen.get("ipsec_sa") or []:
        if sa.get("scope") == "connection" and str(sa.get("connection", "")).startswith("dmvpn-"):
            if str(sa["connection"]).endswith("-" + tunnel):
                sas.append(sa)
        elif sa.get("remote") in ours or sa.get("remote") not in foreign:
            sas.append(sa)
    out["ipsec_sa"] = sas
    return out
