# -*- coding: utf-8 -*-
# Copyright: dmvpn.vyos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one spec of the inventory variables the roles and the design read.

Pure data, no Ansible imports, in the words of Ansible's role argument specs plus three of
ours: ``model`` (the endpoint field(s) a variable feeds, so a problem the model finds is
reported against the variable to change), ``where`` (where it usually lives, for docs/inventory.md)
and ``roles`` (what differs for the hub or spoke role). The design takes its defaults from
here; ``tools/generate.py`` writes the roles' ``meta/argument_specs.yml`` and the variable table
of docs/inventory.md from it, and a unit test fails when one of them is stale.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import spec_options as so
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.engines import ENGINES
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.version_names import SUPPORTED_VERSIONS

ROUTING_MODES = ("full_mesh", "via_hub", "bgp")
MODULE_STATES = ("merged", "replaced", "overridden")
# Dead peer detection on the default IKE group: without the node no VyOS version runs DPD for a
# DMVPN connection, so a vanished peer's SAs stay until they expire. 1.4+ writes dpd_delay only
# when dead-peer-detection exists, and get_config() drops its defaults otherwise (vyos-1x
# data/templates/ipsec/swanctl/profile.j2 and src/conf_mode/vpn_ipsec.py, sagitta c3f688653,
# current 3710c5879); 1.2/1.3 only when interval, timeout and action all have a value
# (vyatta-cfg-vpn scripts/dmvpn-config.pl, crux 03e70cd, equuleus 9cc815f). "clear" is what VyOS
# 1.5 forces for DMVPN (the FRR-era profile.j2, aapostoliuk/vyos-1x 74ba38b): NHRP (opennhrp or
# nhrpd) brings the SA up again when it needs the peer, while restart would retry a vanished peer
# forever (keyingtries = 0 in both connection writers) - from a hub, towards every spoke that
# moved away. 30 s / 120 s are VyOS's own defaults (every version's definitions).
DEFAULT_DPD = {"action": "clear", "interval": 30, "timeout": 120}
DEFAULT_IKE_GROUP = {"name": "IKE-DMVPN", "lifetime": 3600, "dead_peer_detection": DEFAULT_DPD, "proposal": [
    {"proposal_id": 1, "encryption": "aes256", "hash": "sha256", "dh_group": "14"}]}
DEFAULT_ESP_GROUP = {"name": "ESP-DMVPN", "lifetime": 1800, "pfs": "dh-group14", "proposal": [
    {"proposal_id": 1, "encryption": "aes256", "hash": "sha256"}]}


# The collection's rule against weak keys, for the inventory (the modules take what VyOS takes,
# from one character): the checks (inventory_checks.py) and the descriptions read these.
MIN_NHRP_SECRET_LENGTH = 4
MIN_PSK_LENGTH = 6


def _v(type_, description, **facts):
    option = {"type": type_, "description": [description] if isinstance(description, str) else list(description)}
    option.update(facts)
    return option


# The roles: their headers, and the options every role takes (in this order).
ROLES = {
    "hub": {"short_description": "Configure a VyOS router as a DMVPN hub", "description": [
        "Computes this router's endpoint from the inventory (filter dmvpn.vyos.dmvpn_endpoint) and applies it with "
        "dmvpn.vyos.dmvpn in one commit.",
        "Network-wide variables must be the same on every router (group_vars); per-router ones go to host_vars."]},
    "spoke": {"short_description": "Configure a VyOS router as a DMVPN spoke", "description": [
        "Computes this router's endpoint from the inventory (filter dmvpn.vyos.dmvpn_endpoint) and applies it with "
        "dmvpn.vyos.dmvpn in one commit.",
        "Network-wide variables must be the same on every router (group_vars); per-router ones go to host_vars."]},
    "endpoint": {"short_description": "Internal - one DMVPN endpoint (used by dmvpn_hub and dmvpn_spoke)"},
}

_UNDERLAY = {
    "hostname": _v("str", "System host name."),
    "interfaces": _v("list", "Interfaces and addresses.", elements="dict", options={
        "name": _v("str", "Ethernet interface name, e.g. eth0.", required=True),
        "address": _v("raw", "Address(es) with prefix, or dhcp.", required=True),
    }),
}

_BGP_TIMERS = {
    "keepalive": _v("int", "Keepalive interval, e.g. 10.", required=True, model=["bgp.keepalive"]),
    "holdtime": _v("int", "Hold time, at least 3 x keepalive, e.g. 30.", required=True, model=["bgp.holdtime"]),
}

VARIABLES = {
    "dmvpn_role": _v("str", "hub or spoke.", choices=["hub", "spoke"], required=True, model=["nhrp.role"],
                     where="group_vars (dmvpn_hubs: hub, dmvpn_spokes: spoke)", roles={
                         "hub": {"description": ["Must be hub (set by the dmvpn_hubs group)."], "choices": ["hub"]},
                         "spoke": {"description": ["Must be spoke (set by the dmvpn_spokes group)."],
                                   "choices": ["spoke"]}}),
    "dmvpn_hosts": _v("list", "The DMVPN's routers; the design is computed over all of them.", elements="str",
                      default="{{ groups['dmvpn'] }}", where="set by the playbooks"),
    "dmvpn_endpoint_config": _v("dict", "This router's endpoint computed ahead (what the dmvpn.vyos.dmvpn_networks_check "
                                        "filter gives for it); site.yml computes every router's once on localhost so no "
                                        "router repeats the whole design. Unset (or null), the role computes the "
                                        "endpoint from the inventory. With dmvpn_clouds: {endpoints: [one per cloud], absent_tunnels: [the "
                                        "tunnels of the clouds the router is not in]}.", where="set by site.yml"),
    "dmvpn_present": _v("bool", "false removes this router's DMVPN endpoint (tunnel, NHRP, its IPsec profile and unused "
                                "groups, its routes).", default=True, where="host_vars"),
    "dmvpn_state": _v("str", "State of dmvpn.vyos.dmvpn - overridden makes the router exactly the design and removes "
                             "stale owned config.", choices=list(MODULE_STATES), default="overridden", where="any"),
    "dmvpn_vyos_version": _v("str", "auto reads the version from the router (the inventory check then checks every "
                                    "supported version); %s is trusted." % ", ".join(SUPPORTED_VERSIONS),
                             default="auto", where="any"),
    "dmvpn_commit_comment": _v("str", "Commit comment (one line, at most 255 characters); default dmvpn.vyos and the "
                                      "role.", where="any"),
    "dmvpn_commit_confirm": _v("int", "Minutes of commit-confirm (0 - plain commit; at most %d)."
                               % so.CONFIRM_MAX_MINUTES, default=0, where="any"),
    "dmvpn_save": _v("bool", "Save the configuration after the commit.", default=True, where="any"),
    "dmvpn_lock_timeout": _v("int", "Seconds to wait for another run on this controller that is changing the same "
                                    "router (the modules' lock_timeout); the run says who held it.",
                             default=so.COMMON["lock_timeout"]["default"],
                             where="any"),
    "dmvpn_allow_mass_delete": _v("bool", "Let this run remove more of a router's static routes, BGP peers or NHRP "
                                          "entries than dmvpn_mass_delete_limit / dmvpn_mass_delete_share allow (the "
                                          "modules' allow_mass_delete); false stops such a router before its commit, "
                                          "naming the counts. Set it for a run that removes a hub or many spokes on "
                                          "purpose (see docs/job-slicing.md).", default=False,
                                  where="-e (for one run)"),
    "dmvpn_mass_delete_limit": _v("int", "Routes or BGP peers a run may always remove from a router (the modules' "
                                         "mass_delete_limit).",
                                  default=so.EXTRA["dmvpn"]["mass_delete_limit"]["default"], where="group_vars"),
    "dmvpn_mass_delete_share": _v("int", "Percent of a router's routes, BGP peers or NHRP entries a run may remove "
                                         "(the modules' mass_delete_share; more than the limit and this share is "
                                         "refused, for NHRP entries more than this share).",
                                  default=so.EXTRA["dmvpn"]["mass_delete_share"]["default"], where="group_vars"),
    "dmvpn_engine": _v("str", "How site.yml reaches the routers: network_cli (one Ansible connection per router, "
                              "the default) or fleet (every router of the run at once from one task on the "
                              "controller over asyncssh, for large DMVPNs; docs/fleet.md). The same on every "
                              "router of the inventory.", choices=list(ENGINES), default=ENGINES[0],
                       where="group_vars/dmvpn"),
    "dmvpn_fleet_concurrency": _v("int", "Routers the fleet engine works on at once (dmvpn_engine fleet).",
                                  default=50, where="group_vars/dmvpn"),
    "dmvpn_manage_underlay": _v("bool", "Also set host name and WAN/LAN addresses (dmvpn.vyos.underlay, merged). Off by default - "
                                        "a wrong management address can lock you out.", default=False, where="any"),
    "dmvpn_underlay": _v("dict", "Underlay, used when dmvpn_manage_underlay is true.", options=_UNDERLAY,
                         where="host_vars"),
    "dmvpn_tunnel_name": _v("str", "Tunnel interface (same on every router).", default="tun0", model=["tunnel.name"],
                            where="group_vars/dmvpn"),
    "dmvpn_tunnel_subnet": _v("str", "The DMVPN tunnel subnet, e.g. 10.0.0.0/24 (same on every router).",
                              required=True, where="group_vars/dmvpn"),
    "dmvpn_tunnel_address": _v("str", "This router's tunnel address (or give dmvpn_spoke_id).",
                               model=["tunnel.address"], where="host_vars"),
    "dmvpn_spoke_id": _v("int", "Host number inside the tunnel subnet; 2 gives 10.0.0.2 in 10.0.0.0/24.",
                         where="host_vars"),
    "dmvpn_public_address": _v("str", "Public (NBMA) address; dhcp (or unset) for a spoke with a DHCP WAN (the tunnel "
                                      "then runs from 0.0.0.0).", model=["tunnel.source_address"], where="host_vars",
                               roles={"hub": {"description": ["The hub's public (NBMA) address."], "required": True}}),
    "dmvpn_lan_prefixes": _v("list", "LAN prefixes behind this router.", elements="str", default=[],
                             model=["static_routes"], where="host_vars"),
    "dmvpn_upstream_gateway": _v("str", "Next hop of a default route this router owns (hubs).", where="host_vars"),
    "dmvpn_routing": _v("str", "full_mesh - every spoke routes to every other spoke's LANs (the guide). via_hub - spokes "
                               "route dmvpn_summary_prefixes via the hubs and NHRP shortcuts find direct paths. bgp - "
                               "every router announces its LANs in BGP over the tunnel, spokes peer with every hub "
                               "(dmvpn_bgp_* variables); no static routes. In every mode each hub reaches every other hub's "
                               "LANs (static routes via its tunnel address, or iBGP between the hubs).",
                        choices=list(ROUTING_MODES),
                        default="full_mesh", where="group_vars/dmvpn"),
    "dmvpn_summary_prefixes": _v("list", "Prefixes spokes send to the hubs in via_hub mode.", elements="str",
                                 where="group_vars"),
    "dmvpn_bgp_asn": _v("int", [
        "The router's BGP AS number (required with dmvpn_routing bgp). All hubs share one AS.",
        "Spokes in the hubs' AS run iBGP (the hubs reflect routes); spokes each in an AS of their own run eBGP (the "
        "hubs leave the next hop unchanged). Mixing the two is refused."], model=["bgp.asn"],
        where="group_vars / host_vars"),
    "dmvpn_bgp_peer_group": _v("str", "Name of the hubs' BGP peer group holding the spokes (dynamic neighbors over the "
                                      "tunnel subnet).", default="DMVPN", model=["bgp.peer_group.name"],
                               where="group_vars"),
    "dmvpn_bgp_networks": _v("list", "Prefixes this router announces in BGP besides its dmvpn_lan_prefixes.",
                             elements="str", default=[], where="host_vars"),
    "dmvpn_bgp_timers": _v("dict", "BGP keepalive and holdtime (seconds) of a spoke's sessions to the hubs; a session "
                                   "uses the lower holdtime of its two ends, so this also sets how fast a hub notices a "
                                   "lost spoke. Unset - the VyOS defaults.", options=_BGP_TIMERS,
                           where="group_vars (spokes)"),
    "dmvpn_gre_key": _v("int", "GRE key (same on every router).", no_log=False, model=["tunnel.key"],
                        where="group_vars/dmvpn"),
    "dmvpn_nhrp_secret": _v("str", "NHRP authentication key, %d-8 characters (keep it in Ansible Vault)."
                            % MIN_NHRP_SECRET_LENGTH, min_length=MIN_NHRP_SECRET_LENGTH,
                            required=True, no_log=True, model=["nhrp.authentication"], where="group_vars/dmvpn, vault"),
    "dmvpn_nhrp_holding_time": _v("int", "NHRP holding time in seconds (1-65000): how long other routers keep this "
                                         "router's NHRP entries; a spoke re-registers at a third of it. Unset - VyOS's "
                                         "default.", model=["nhrp.holding_time"],
                                  where="group_vars (dmvpn_hubs and dmvpn_spokes may differ)"),
    "dmvpn_nhrp_redirect": _v("bool", "NHRP redirect.", default=True, model=["nhrp.redirect"], where="group_vars"),
    "dmvpn_nhrp_shortcut": _v("bool", "NHRP shortcuts; default true on spokes, false on hubs.",
                              model=["nhrp.shortcut"], where="group_vars"),
    "dmvpn_nhrp_network_id": _v("int", so.NHRP["network_id"]["description"], model=["nhrp.network_id"],
                                where="group_vars/dmvpn"),
    "dmvpn_ipsec_enabled": _v("bool", "Protect the tunnel with IPsec.", default=True, where="group_vars/dmvpn"),
    "dmvpn_ipsec_psk": _v("str", "IPsec pre-shared key, at least %d characters (keep it in Ansible Vault)."
                          % MIN_PSK_LENGTH, min_length=MIN_PSK_LENGTH, no_log=True,
                          model=["ipsec.profile.pre_shared_secret"], where="group_vars/dmvpn, vault"),
    "dmvpn_ipsec_profile": _v("str", "IPsec profile name.", default="NHRPVPN", model=["ipsec.profile.name"],
                              where="group_vars"),
    "dmvpn_wan_interface": _v("str", "The WAN interface IPsec runs on (and, on VyOS 1.5, a DHCP spoke's tunnel is bound "
                                     "to, unless it is a dynamic interface such as pppoe0).", default="eth0",
                              model=["ipsec.interface", "tunnel.source_interface"], where="group_vars / host_vars"),
    "dmvpn_ike_group": _v("dict", "IKE group (default IKE-DMVPN, aes256/sha256/dh-group 14, dead peer detection clear "
                                  "after 120 s, keep-alive every 30 s).", options=so.IKE_GROUP,
                          model=["ipsec.ike_group"], where="group_vars (per role if you like)"),
    "dmvpn_esp_group": _v("dict", "ESP group (default ESP-DMVPN, aes256/sha256, pfs dh-group14).", options=so.ESP_GROUP,
                          model=["ipsec.esp_group"], where="group_vars (per role if you like)"),
    "dmvpn_verify_ping_targets": _v("list", "IPv4 addresses this router pings (from the first address of its first "
                                            "LAN) before verify reads its state; a ping without reply fails verify, at "
                                            "the router that causes it. Unset - a spoke pings the next spoke's first "
                                            "LAN address (with dmvpn_verify_shortcuts, the default), a hub the next hub's "
                                            "first LAN address (none with one hub); [] - no ping.", elements="str", where="host_vars"),
    "dmvpn_tunnel_description": _v("str", "Tunnel description (no double quote or backslash: VyOS does not print them "
                                   "back as stored).", model=["tunnel.description"], where="any"),
    "dmvpn_tunnel_mtu": _v("int", "Tunnel MTU; unset - VyOS's default (1476). Recommended with IPsec - 1400 (the VyOS "
                                  "DMVPN documentation's value; the example and lab inventories set it).",
                           model=["tunnel.mtu"], where="group_vars"),
    "dmvpn_tunnel_adjust_mss": _v("raw", "TCP MSS clamping on the tunnel (ip adjust-mss) - a number or "
                                         "clamp-mss-to-pmtu; unset - off. Recommended - 1360 with dmvpn_tunnel_mtu 1400; "
                                         "at most the MTU less 40. VyOS 1.4 and later only (refused on 1.2/1.3).",
                                  model=["tunnel.adjust_mss"], where="group_vars"),
    "dmvpn_tunnel_multicast": _v("bool", "Multicast on the tunnel.", default=True, model=["tunnel.multicast"],
                                 where="group_vars"),
    "dmvpn_manage_firewall": _v("bool", "Write WAN firewall rules 9900-9999 that accept GRE, ESP, IKE and NAT-T from "
                                        "the DMVPN's routers (from anywhere when one has a DHCP WAN) on "
                                        "dmvpn_wan_interface; false removes the ones the collection wrote. Off by "
                                        "default - see docs/firewall.md.", default=False,
                                where="group_vars / host_vars"),
    "dmvpn_firewall_wan_drop_other": _v("bool", "With dmvpn_manage_firewall, also accept SSH (dmvpn_firewall_ssh_port) "
                                                "and drop everything else arriving on the WAN for the router.",
                                        default=False, model=["firewall.drop_other"], where="group_vars / host_vars"),
    "dmvpn_firewall_ssh_port": _v("int", "The SSH port dmvpn_firewall_wan_drop_other keeps open.", default=22,
                                  model=["firewall.ssh_port"], where="group_vars / host_vars"),
    "dmvpn_firewall_rule_set": _v("str", "VyOS 1.2/1.3 - the collection's own local rule set for the WAN interface "
                                         "when it has none (one that has one keeps it, and gets the rules).",
                                  default="DMVPN-WAN", model=["firewall.rule_set"], where="group_vars"),
    "dmvpn_extra_config": _v("dict", [
        "Options the collection does not model, kept on every run (dmvpn_state replaced/overridden delete them "
        "otherwise): per owned object, lines relative to it, e.g. ike_group - mode main. "
        "Checked like every value (no secrets, nothing the collection models: the message names the variable to "
        "use); the router checks the rest. An undeclared leaf in these objects is removed and named in the run's "
        "warnings."], options=so.EXTRA_LINES, model=["extra"], where="group_vars / host_vars"),
    # Two clouds per router (clouds.py): Ansible merges the group_vars of a host's groups into
    # one value per variable, so the values of each cloud live in dicts keyed by its group.
    "dmvpn_clouds": _v("dict", "Two (or more) DMVPN clouds per router: the values of each cloud, keyed by its inventory "
                               "group (one of dmvpn_network_groups), e.g. {cloud2: {dmvpn_tunnel_name: tun1, "
                               "dmvpn_tunnel_subnet: 10.0.2.0/24, dmvpn_gre_key: 2}}. A cloud's routers take these over "
                               "their own variables in that cloud; a router in two clouds gets one endpoint per cloud, "
                               "applied in one commit. Keys: the network-wide dmvpn_* variables (see docs/dual-cloud.md).",
                       where="group_vars/dmvpn"),
    "dmvpn_cloud_host_vars": _v("dict", "This router's own values per cloud, keyed by the cloud's group, e.g. {cloud2: "
                                        "{dmvpn_public_address: 203.0.113.12, dmvpn_wan_interface: eth2}}; they win over "
                                        "dmvpn_clouds and the router's other variables in that cloud.",
                                where="host_vars"),
}

# The variables dmvpn_clouds may set per cloud, and dmvpn_cloud_host_vars per router and cloud.
# (dmvpn_role stays one per router: a router is a hub or a spoke in all its clouds; BGP is one
# instance per router (one AS, one router id), so dmvpn_routing bgp is for one cloud only.)
CLOUD_VARIABLES = (
    "dmvpn_tunnel_name", "dmvpn_tunnel_subnet", "dmvpn_gre_key", "dmvpn_nhrp_secret", "dmvpn_nhrp_network_id",
    "dmvpn_nhrp_holding_time", "dmvpn_nhrp_redirect", "dmvpn_nhrp_shortcut", "dmvpn_ipsec_enabled",
    "dmvpn_ipsec_profile", "dmvpn_ipsec_psk", "dmvpn_wan_interface", "dmvpn_ike_group", "dmvpn_esp_group",
    "dmvpn_tunnel_description", "dmvpn_tunnel_mtu", "dmvpn_tunnel_multicast", "dmvpn_routing",
    "dmvpn_summary_prefixes", "dmvpn_extra_config",
)
CLOUD_HOST_VARIABLES = (
    "dmvpn_tunnel_address", "dmvpn_spoke_id", "dmvpn_public_address", "dmvpn_wan_interface", "dmvpn_lan_prefixes",
    "dmvpn_upstream_gateway", "dmvpn_tunnel_description", "dmvpn_verify_ping_targets", "dmvpn_extra_config",
)

# Variables the design reads (the rest are the roles' and playbooks' business; the design
# reads dmvpn_commit_confirm only to check its range before any router is touched).
DESIGN_VARIABLES = tuple(name for name in VARIABLES if name not in (
    "dmvpn_hosts", "dmvpn_endpoint_config", "dmvpn_state", "dmvpn_save", "dmvpn_lock_timeout",
    "dmvpn_manage_underlay", "dmvpn_allow_mass_delete", "dmvpn_engine", "dmvpn_fleet_concurrency"))
# Ansible's own variables the design reads too: how the inventory is put together
# (inventory_structure_checks.py: the host's groups, the router it reaches).
ANSIBLE_VARIABLES_READ = ("group_names", "ansible_host", "ansible_port", "ansible_ssh_port")

# Endpoint fields that come from other routers' variables (or from the design's choices).
MODEL_FROM_ELSEWHERE = (
    ("nhrp.nhs", "dmvpn_public_address (of a hub)"),
    ("bgp.peer_group", "dmvpn_bgp_asn (of the hubs and spokes)"),
    ("bgp.dynamic_neighbors", "dmvpn_bgp_asn (of the spokes)"),
    ("bgp.neighbors", "dmvpn_bgp_asn (of a hub)"),
    ("bgp.listen_ranges", "dmvpn_tunnel_subnet (the hub's listen range)"),
    ("bgp.networks", "dmvpn_bgp_networks (with dmvpn_lan_prefixes)"),
    ("bgp", "dmvpn_routing (bgp)"),
    ("firewall.peers", "dmvpn_public_address (of the other routers)"),
    ("firewall.interface", "dmvpn_wan_interface"),
    ("firewall.address_group", "dmvpn_manage_firewall"),
    ("firewall", "dmvpn_manage_firewall"),
)


def model_fields():
    """``((model field, inventory variable), ...)``: where each endpoint field comes from,
    longest field first so ``bgp.asn`` wins over ``bgp``."""
    pairs = []
    for name, option in VARIABLES.items():
        pairs += [(field, name) for field in option.get("model", ())]
        for sub, suboption in (option.get("options") or {}).items():
            pairs += [(field, "%s.%s" % (name, sub)) for field in suboption.get("model", ())]
    known = set(field for field, dummy in pairs)
    pairs += [(field, variable) for field, variable in MODEL_FROM_ELSEWHERE if field not in known]
    return tuple(sorted(pairs, key=lambda pair: -len(pair[0])))


def default(name):
    """The default of inventory variable ``name`` (None when it has none)."""
    return VARIABLES[name].get("default")


def value(hostvars, name):
    """A router's value of inventory variable ``name``: its own, else the spec's default."""
    return hostvars.get(name, default(name))
