# -*- coding: utf-8 -*-
# Copyright: dmvpn.vyos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one spec of the modules' options: type, default, choices, description of each.

Pure data, no Ansible imports, in Ansible's own words (``type``, ``elements``, ``options``,
``choices``, ``default``, ``required``, ``no_log``, ``description``). ``spec.py`` turns it
into the modules' argument specs and the doc fragments their DOCUMENTATION extends, so an
option is described once however many modules take it. Value lists that depend on the
VyOS version are checked by the model against ``versions.Syntax``; the ones here are those
all versions share, taken from versions.py.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.mass_delete import DEFAULT_LIMIT, DEFAULT_SHARE
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.versions import ESP_MODES, KEY_EXCHANGE_VALUES

STATES = ("merged", "replaced", "overridden", "deleted", "gathered", "rendered", "parsed")
NHRP_ROLES = ("hub", "spoke")
DEFAULT_COMMENT = "configured by dmvpn.vyos"
# commit-confirm minutes. VyOS refuses a negative time on every version: 1.2/1.3 check it is
# digits only (vyos/vyatta-config-mgmt scripts/vyatta-config-mgmt.pl check_integer, c28add8e387c),
# 1.4+ hand it to systemd-run --on-active=<N>m, which refuses a negative span (vyos/vyos-1x
# python/vyos/config_mgmt.py commit_confirm, sagitta c3f688653). VyOS sets no upper bound; the
# collection does: a rollback more than a day away no longer protects a lost session (the
# router would run unconfirmed for days), and 99999999 minutes is a typo, not a plan.
CONFIRM_MAX_MINUTES = 1440


def _o(type_, description, **facts):
    """One option: its type, its description (text or list of texts) and any other facts."""
    option = {"type": type_, "description": [description] if isinstance(description, str) else list(description)}
    option.update(facts)
    return option


# -- what every module's documentation says about how it works (doc_fragments/common.py) ---
COMMON_NOTES = (
    'Connects with C(ansible.netcommon.network_cli) and C(ansible_network_os=vyos.vyos.vyos).',
    ('Reads the router once (C(show configuration commands)) and, when something differs, sends only the '
     'needed C(delete)/C(set) lines and commits once. With no difference it enters no configuration mode '
     'and does not commit.'),
    ('Check mode sends the lines in a configuration session so the router validates them, then discards '
     'them; nothing is committed.'),
    ('If the router refuses a line or the commit, the session is discarded (C(exit discard)); the running '
     'configuration is left as it was. When an error comes during or after the commit, the router is read '
     'again (when the session was lost, by the action plugin over a fresh connection) and the message says '
     'whether it now holds the new configuration in full (under commit-confirm or not), the old one (never a '
     'part), or neither (changed by another session meanwhile).'),
    ('Two runs never interleave their changes on one router. Runs on the same controller take turns '
     '(O(lock_timeout)). A change committed meanwhile by anyone else (another controller, a person at the '
     'CLI) is found by reading the running configuration again inside the configuration session, just '
     'before the commit; the module then discards its change and fails, touching nothing, and a re-run '
     'converges from the new state.'),
    ('Secrets (NHRP authentication, pre-shared keys) are C(no_log) and masked as C(********) in '
     'C(commands), C(before), C(after), C(rendered), C(gathered), diffs and error messages.'),
    ('Every value is validated before anything is sent and quoted the VyOS way, so no value can end a '
     'command line or start another command.'),
)


# -- options every module shares -----------------------------------------------------------
COMMON = {
    "state": _o("str", [
        "C(merged) adds and changes what O(config) describes and deletes nothing.",
        "C(replaced) makes every object named in O(config) exactly as described (stale leaves inside it are "
        "deleted); objects not named are left alone.",
        "C(overridden) is C(replaced) plus deleting the objects of this module's kind that are not in O(config) "
        "(see the module's ownership notes); nothing else is touched.",
        "C(deleted) deletes the objects named in O(config).",
        "C(gathered) returns the structured configuration found on the router (secrets masked).",
        "C(rendered) returns the C(set) lines for O(config) without a router; O(version) must be given.",
        "C(parsed) returns the structured configuration found in O(running_config) (the output of C(show "
        "configuration commands)) without a router; O(version) must be given."], choices=list(STATES),
        default="merged"),
    "running_config": _o("str", "The output of C(show configuration commands), for O(state=parsed).", no_log=True),
    "version": _o("str", [
        "The VyOS version family whose syntax to use.",
        "C(auto) reads it from C(show version) (once per connection); C(1.2) is the syntax of the VyOS DMVPN guide "
        "(C(local-ip)), C(1.3) uses C(source-address), C(1.4) renames C(ipsec-interfaces) and C(multicast enable), "
        "C(1.5) (and rolling) uses FRR NHRP with /32 tunnel addresses.",
        "An explicit version is trusted and saves the C(show version) round trip. It also lets the module refuse a "
        "bad value before it logs in; with C(auto) input is checked right after C(show version), before the "
        "configuration is read."], default="auto"),
    "comment": _o("str", "The commit comment (shown by C(show system commit)). One line of plain text.",
                  default=DEFAULT_COMMENT),
    "confirm": _o("int", [
        "Minutes for C(commit-confirm). When set, the module commits with C(commit-confirm), checks that the router "
        "still answers on the same session, and then sends C(confirm). If the session dies in between, the router "
        "undoes the commit by itself when the time runs out.",
        "How the router undoes it depends on the version. VyOS 1.2, 1.3 and 1.4 reboot into the saved "
        "configuration, so unsaved earlier changes are lost too. VyOS 1.5 does the same by default and can instead "
        "reload the previous configuration without a reboot when C(system config-management commit-confirm action "
        "reload) is set (the option is not in 1.4: vyos-1x python/vyos/config_mgmt.py, sagitta c3f688653 always "
        "reboots; current 3710c5879 reads the action).",
        "C(0) commits without confirmation; otherwise 1 to %d minutes (a day: VyOS refuses negative times and sets "
        "no upper bound; a longer rollback would not protect a lost session)." % CONFIRM_MAX_MINUTES], default=0),
    "save": _o("bool", "Save the configuration (C(save)) after a successful commit, so it survives a reboot.",
               default=False),
    "lock_timeout": _o("int", [
        "Seconds to wait for another run on this controller that is changing the same router (same address and "
        "port). Runs that change a router take turns; each reads the router, diffs and commits while holding a lock "
        "file in the controller's temporary folder.",
        "When the wait runs out the module fails and touches nothing."], default=300),
    "_reread_key": _o("str", [
        "Internal: set by the collection's action plugin for each task, never in a playbook. A one-time key for "
        "the digests that let the action plugin tell, after a session lost during or after the commit, which "
        "configuration the router holds (dmvpn_core/after_commit.py)."], no_log=True),
}

# -- the endpoint model's parts (shared by dmvpn and the resource modules) -------------------
TUNNEL = {
    "name": _o("str", "Interface name, C(tunN).", required=True),
    "address": _o("str", "This router's tunnel address with the prefix of the whole DMVPN subnet, for example "
                         "C(10.0.0.1/24). On VyOS 1.5 the router gets the /32 host address."),
    "source_address": _o("str", "The public (NBMA) address the tunnel runs from; C(0.0.0.0) for a spoke whose WAN "
                                "address comes from DHCP (rendered as C(local-ip) on 1.2)."),
    "source_interface": _o("str", "The WAN interface a tunnel from C(0.0.0.0) is bound to on VyOS 1.5, where FRR's "
                                  "nhrpd takes the NBMA address from it (rendered as C(source-interface)). Defaults to "
                                  "the IPsec interface. Ignored on 1.2-1.4, for a fixed source_address and for a "
                                  "dynamic interface (C(ppp*), C(pppoe*), C(sstpc*), C(l2tp*), C(ipoe*)), which VyOS "
                                  "refuses as a source-interface: the tunnel stays at C(0.0.0.0)."),
    "key": _o("int", "GRE key (0-4294967295), the same on every router of the DMVPN.", no_log=False),
    "description": _o("str", ["Interface description.",
                              "No double quote or backslash: VyOS does not print them back as stored."]),
    "mtu": _o("int", "Interface MTU (VyOS's default is 1476). Recommended with IPsec - C(1400) (the VyOS DMVPN "
                     "documentation's value). Unset - not rendered."),
    "adjust_mss": _o("raw", [
        "TCP MSS clamping on the tunnel (C(ip adjust-mss)) - a number from 536 to 65535 or C(clamp-mss-to-pmtu). "
        "Recommended - C(1360) with an MTU of C(1400). Unset - not rendered (off by default).",
        "At most the MTU (or VyOS's default 1476) less 40. VyOS 1.4 and later only; refused on 1.2/1.3, which "
        "clamp only under C(firewall options)."]),
    "multicast": _o("bool", "Enable multicast on the tunnel (needed for routing protocols). Default true."),
}

NHS = {
    "tunnel_ip": _o("str", "The hub's tunnel address.", required=True),
    "nbma": _o("str", "The hub's public (NBMA) address.", required=True),
}

NHRP = {
    "role": _o("str", "C(hub) answers registrations; C(spoke) registers with every next hop server (C(nhs)).",
               choices=list(NHRP_ROLES)),
    "authentication": _o("str", "The NHRP authentication key (1-8 characters), the same on every router. "
                                "C(cisco-authentication) up to 1.4, C(authentication) on 1.5. Never logged.",
                         no_log=True),
    "holding_time": _o("int", "NHRP holding time in seconds (C(holding-time), C(holdtime) on 1.5)."),
    "network_id": _o("int", [
        "NHRP network id, 1 to 4294967295. VyOS 1.5 (FRR nhrpd) renders it, 1 when not given.",
        "VyOS 1.2-1.4 (opennhrp) have no network id; there it is checked and left out, so one value fits a DMVPN "
        "of mixed versions."]),
    "redirect": _o("bool", "Send NHRP redirects (hubs) / accept them. Default true."),
    "shortcut": _o("bool", "Create spoke-to-spoke shortcuts. Default true on spokes, false on hubs."),
    "nhs": _o("list", "The hubs a spoke registers with, one entry per hub. Rendered as C(map <hub-tunnel-ip>/<len> "
                      "nbma-address ...) + C(register) up to 1.4 and as C(nhs tunnel-ip ... nbma ...) on 1.5.",
              elements="dict", options=NHS),
    "maps": _o("list", ["Static mappings that do not register: peers reached by their public address without an "
                        "NHS (a hub - every other hub, which it could not resolve otherwise).",
                        "Rendered as C(map <tunnel-ip>/32 nbma-address ...) without C(register) up to 1.4 and as "
                        "C(map tunnel-ip ... nbma ...) on 1.5."],
               elements="dict", options={
                   "tunnel_ip": _o("str", "The peer's tunnel address.", required=True),
                   "nbma": _o("str", "The peer's public (NBMA) address.", required=True)}),
}

_PROPOSAL_ID = _o("int", "Proposal number (1-65535).", required=True)
IKE_PROPOSAL = {
    "proposal_id": _PROPOSAL_ID,
    "encryption": _o("str", "Encryption algorithm, e.g. C(aes256) (the model checks it against the version's list)."),
    "hash": _o("str", "Hash algorithm, e.g. C(sha1), C(sha256)."),
    "dh_group": _o("raw", "Diffie-Hellman group, e.g. C(14) (IKE only)."),
}
ESP_PROPOSAL = {key: IKE_PROPOSAL[key] for key in ("proposal_id", "encryption", "hash")}
_GROUP_NAME = _o("str", "Group name.", required=True)
_LIFETIME = _o("int", "SA lifetime in seconds (30-86400).")
# Group options beyond the proposals: named as vyos.vyos vyos_vpn_ipsec names them; which
# version's DMVPN connection uses which is ipsec_values.*_GROUP_OPTIONS (docs/vyos-versions.md's table
# "IPsec and NHRP options per VyOS version").
_UNUSED = "Refused on versions whose DMVPN connection never uses it (see the table of options per version in docs/vyos-versions.md)."
IKE_DPD = {
    "action": _o("str", ["What to do with the SAs of a peer that stopped answering.",
                         "VyOS 1.2/1.3 take C(hold), C(clear), C(restart); 1.4 C(trap), C(clear), C(restart) (C(hold) is "
                         "written as C(trap), as VyOS's own 1.3 to 1.4 migration does); 1.5 only C(clear), the action "
                         "its DMVPN connection always uses."]),
    "interval": _o("int", "Seconds between keep-alives (2-86400; VyOS's default 30)."),
    "timeout": _o("int", "Seconds without an answer before the peer is dead (2-86400; VyOS's default 120; IKEv1)."),
}
IKE_GROUP = {
    "name": _GROUP_NAME,
    "key_exchange": _o("str", "IKE version.", choices=list(KEY_EXCHANGE_VALUES)),
    "lifetime": _LIFETIME,
    "proposal": _o("list", "Proposals, in order.", elements="dict", options=IKE_PROPOSAL),
    "dead_peer_detection": _o("dict", ["Dead peer detection (C(dead-peer-detection)); at least one key. VyOS fills the "
                                       "others with its defaults."], options=IKE_DPD),
    "close_action": _o("str", ["C(close-action). No VyOS version's DMVPN connection reads it (1.5 forces C(none)), so "
                               "it is refused on every version rather than stored without effect."]),
    "ikev2_reauth": _o("bool", ["Re-authenticate the peer at each IKE rekey (C(ikev2-reauth yes) on 1.2/1.3).", _UNUSED]),
    "disable_mobike": _o("bool", ["Turn MOBIKE off (C(mobike disable) on 1.2/1.3).", _UNUSED]),
}
ESP_GROUP = {
    "name": _GROUP_NAME,
    "lifetime": _LIFETIME,
    "mode": _o("str", "ESP mode.", choices=list(ESP_MODES)),
    "pfs": _o("str", "Perfect forward secrecy, e.g. C(enable), C(dh-group2), C(dh-group14)."),
    "proposal": _o("list", "Proposals, in order.", elements="dict", options=ESP_PROPOSAL),
    "compression": _o("bool", ["IPComp compression (C(compression enable) on 1.2/1.3).", _UNUSED]),
    "life_bytes": _o("int", ["C(life-bytes) (VyOS 1.4+). No version's DMVPN connection reads it: refused."]),
    "life_packets": _o("int", ["C(life-packets) (VyOS 1.4+). No version's DMVPN connection reads it: refused."]),
}
_PSK = _o("str", "The pre-shared key, the same on every router. Never logged.", no_log=True)
_PROFILE_NAME = _o("str", "Profile name (starts with a letter).", required=True)
_WAN = _o("str", "The WAN interface IPsec runs on (C(ipsec-interfaces interface) before 1.4).")

STATIC_ROUTE = {
    "prefix": _o("str", "Destination prefix.", required=True),
    "next_hop": _o("str", "Next hop address.", required=True),
    "distance": _o("int", "Administrative distance (1-255)."),
}

_PEER_ADDRESS = _o("str", "The peer's tunnel address.", required=True)
BGP = {
    "asn": _o("int", "This router's AS number.", required=True),
    "router_id": _o("str", "BGP router id; default the router's tunnel address."),
    "peer_group": _o("dict", "One peer group for the DMVPN peers (hubs - the spokes). Members are the dynamic "
                             "neighbors of the listen ranges and every neighbor of O(config.bgp.neighbors).",
                     options={
                         "name": _o("str", "Peer group name (1.2/1.3 allow letters, digits and underscores only).",
                                    required=True),
                         "remote_as": _o("str", "C(internal), C(external) or an AS number; required with listen "
                                                "ranges."),
                         "route_reflector_client": _o("bool", "Reflect routes to the members (iBGP hubs), so spokes "
                                                              "learn each other's LANs."),
                         "next_hop_unchanged": _o("bool", "Keep the next hop of routes passed on to the members (eBGP "
                                                          "hubs), so that spokes route to each other's tunnel address "
                                                          "and NHRP builds the shortcut."),
                     }),
    "listen_ranges": _o("list", [
        "Prefixes (inside the tunnel subnet) from which peers may connect (VyOS 1.3.3 and later).",
        "On VyOS 1.2, which has no listen ranges, give O(config.bgp.dynamic_neighbors) as well."], elements="str"),
    "dynamic_neighbors": _o("list", [
        "The peers the listen ranges are for (a hub - its spokes).",
        "Where VyOS has listen ranges (1.3 and later) they are checked and not rendered. On VyOS 1.2 they become "
        "neighbors of the peer group instead; with an eBGP peer group each gets its own remote AS.",
        "So one endpoint fits a hub of any version, as the roles build it."], elements="dict", options={
        "address": _PEER_ADDRESS,
        "remote_as": _o("str", "The peer's AS number.", required=True),
    }),
    "neighbors": _o("list", "Explicit peers, by tunnel address (spokes - every hub).", elements="dict", options={
        "address": _PEER_ADDRESS,
        "remote_as": _o("str", "The peer's AS (unless the peer group sets it), or C(internal)/C(external)."),
    }),
    "hub_neighbors": _o("list", "The other hubs (a hub): neighbors outside the peer group, each with its own "
                                "remote-as and the IPv4 unicast family, so hubs learn each other's LANs and the "
                                "spokes' routes.", elements="dict", options={
                                    "address": _PEER_ADDRESS,
                                    "remote_as": _o("str", "The hub's AS number (all hubs share one), or "
                                                           "C(internal)/C(external).", required=True)}),
    "networks": _o("list", "Prefixes this router announces (its LANs).", elements="str"),
    "keepalive": _o("int", "Keepalive timer of neighbors outside a peer group (with O(config.bgp.holdtime))."),
    "holdtime": _o("int", "Hold timer (0, or at least 3 x keepalive) of neighbors outside a peer group."),
}

FIREWALL = {
    "interface": _o("str", "The WAN interface the rules are for; default the IPsec interface. On 1.2/1.3 an ethernet "
                           "interface (its C(firewall local) rule set)."),
    "peers": _o("list", "The public addresses GRE, ESP, IKE and NAT-T may come from (an address group); empty - any "
                        "source (a DMVPN with DHCP routers).", elements="str"),
    "rule_set": _o("str", "1.2/1.3 - the name of the collection's own local rule set, made and attached when the WAN "
                          "interface has none; when it has one, the rules go into that set instead. Default "
                          "C(DMVPN-WAN)."),
    "address_group": _o("str", "Name of the address group of the peers. Default C(DMVPN-PEERS)."),
    "drop_other": _o("bool", "Also accept SSH (O(config.firewall.ssh_port)) and then drop everything else arriving on "
                             "the WAN for the router (rules 9905 and 9999). Default false - the rules only accept."),
    "ssh_port": _o("int", "The SSH port accepted with O(config.firewall.drop_other). Default 22."),
}

_ENDPOINT_IPSEC = {
    "interface": _WAN,
    "ike_group": _o("dict", "The IKE group.", options=IKE_GROUP),
    "esp_group": _o("dict", "The ESP group.", options=ESP_GROUP),
    "profile": _o("dict", "The IPsec profile bound to the tunnel.", options={
        "name": _PROFILE_NAME, "pre_shared_secret": _PSK}),
}

# Lines the collection does not model, kept inside the objects it owns (extra_config.py).
_EXTRA_LINE_TEXT = "Lines relative to the %s, e.g. C(%s); a full C(set %s) line is accepted too."
EXTRA_LINES = {
    "tunnel": _o("list", _EXTRA_LINE_TEXT % ("tunnel interface", "parameters ip tos 16", "interfaces tunnel <name> ..."),
                 elements="str"),
    "nhrp": _o("list", _EXTRA_LINE_TEXT % ("tunnel's NHRP entry", "shortcut-destination",
                                           "protocols nhrp tunnel <name> ..."), elements="str"),
    "ike_group": _o("list", _EXTRA_LINE_TEXT % ("IKE group", "mode main", "vpn ipsec ike-group <name> ..."),
                    elements="str"),
    "esp_group": _o("list", _EXTRA_LINE_TEXT % ("ESP group", "disable-rekey", "vpn ipsec esp-group <name> ..."),
                    elements="str"),
    "profile": _o("list", _EXTRA_LINE_TEXT % ("IPsec profile", "disable", "vpn ipsec profile <name> ..."),
                  elements="str"),
}
EXTRA_LINES_DESCRIPTION = [
    "Options the collection does not model, declared so that C(replaced)/C(overridden) keep them: per owned object, "
    "a list of configuration lines. They are rendered below the object, so a run that finds them on the router has "
    "nothing to do, and a line taken out of the list is deleted like any other leaf the model does not hold.",
    "Words are split the way VyOS's CLI splits them (single quotes around a value with spaces); no C(;), C(|), "
    "C(&), C(<), C(>), backquote, C($(), double quote or backslash. The last word of a line of two or more words is "
    "its value and is sent quoted.",
    "Refused - a line outside its object, a secret-looking leaf (NHRP authentication, pre-shared secrets: they are "
    "modelled and masked), and a line that sets what the collection models (the message names the field to use). "
    "The router validates the rest at commit: an unknown option is refused and the router is left as it was.",
    "A leaf inside these objects that is neither modelled nor declared (added by hand) is deleted by C(replaced) and "
    "C(overridden), and named in the warnings and in RV(removed_unmanaged) (in check mode too).",
]

# -- each module's config option ---------------------------------------------------------------
CONFIG = {
    "dmvpn": _o("dict", "The endpoint. For O(state=deleted) only O(config.tunnel.name) is needed.", options={
        "tunnel": _o("dict", "The multipoint GRE tunnel interface.", options=TUNNEL),
        "nhrp": _o("dict", "NHRP on the tunnel.", options=NHRP),
        "ipsec": _o("dict", "The IPsec profile that protects the tunnel. Leave it out only if you really want "
                            "cleartext GRE.", options=_ENDPOINT_IPSEC),
        "static_routes": _o("list", "Static routes this endpoint owns, usually towards LANs behind other DMVPN "
                                    "routers (next hop = their tunnel address) and the hub's default route.",
                            elements="dict", options=STATIC_ROUTE),
        "bgp": _o("dict", [
            "BGP over the tunnel (leave unset for static routing). Rendered per version - C(protocols bgp <asn>) on "
            "1.2/1.3, C(protocols bgp system-as <asn>) on 1.4 and later; peers get the IPv4 unicast address family "
            "(1.4+ activates no family by default).",
            "Owned - the AS number, router id, the peer group, listen ranges and neighbors inside the tunnel subnet, "
            "and the instance's IPv4 C(network) statements. Without O(config.bgp), neighbors and listen ranges inside "
            "the tunnel subnet (with the peer groups only they use) are removed, and the whole BGP instance when "
            "nothing else is left in it."], options=BGP),
        "firewall": _o("dict", [
            "WAN firewall rules that let the DMVPN in (leave unset to manage none). Rules 9900-9999 accept "
            "established/related, GRE, ESP, IKE (UDP 500) and NAT-T (UDP 4500) from O(config.firewall.peers) - on "
            "1.2/1.3 in the WAN interface's C(firewall local) rule set (the operator's, or C(firewall name "
            "<rule_set>) made and attached when there is none), on 1.4 and later in C(firewall ipv4 input filter) "
            "with C(inbound-interface name).",
            "Owned - the rules numbered 9900-9999 there, the collection's own rule set and its attachment, and an "
            "address group only those rules use; with O(state=overridden) and no O(config.firewall) they are "
            "removed. Nothing else of the firewall is touched."], options=FIREWALL),
        "extra": _o("dict", EXTRA_LINES_DESCRIPTION, options=EXTRA_LINES),
    }),
    "tunnel": _o("list", "The tunnels. For O(state=deleted) only the names are needed.", elements="dict",
                 options=TUNNEL),
    "nhrp": _o("list", "NHRP per tunnel. For O(state=deleted) only O(config[].tunnel) is needed.", elements="dict",
               options=dict({
                   "tunnel": _o("str", "The tunnel interface, C(tunN).", required=True),
                   "tunnel_address": _o("str", "The tunnel's address with the DMVPN prefix (C(10.0.0.2/24)). Default "
                                               "is the address the tunnel has on the router; needed for "
                                               "O(state=rendered)."),
               }, **NHRP)),
    "ipsec": _o("dict", "The IPsec configuration. For O(state=deleted) only the names are needed.", options={
        "interface": _o("list", "Interfaces IPsec runs on (usually the WAN).", elements="str"),
        "ike_group": _o("list", "IKE groups.", elements="dict", options=IKE_GROUP),
        "esp_group": _o("list", "ESP groups.", elements="dict", options=ESP_GROUP),
        "profile": _o("list", "Profiles binding tunnels.", elements="dict", options={
            "name": _PROFILE_NAME,
            "authentication": _o("dict", "Authentication.", options={
                "mode": _o("str", "Only C(pre-shared-secret).", choices=["pre-shared-secret"],
                           default="pre-shared-secret"),
                "pre_shared_secret": _PSK,
            }),
            "bind_tunnel": _o("list", "Tunnels this profile protects.", elements="str"),
            "esp_group": _o("str", "The ESP group's name."),
            "ike_group": _o("str", "The IKE group's name."),
        }),
    }),
    "underlay": _o("dict", [
        "The router's host name and the addresses of its ethernet interfaces (the underlay the DMVPN runs over): "
        "what the roles set with C(dmvpn_manage_underlay). Only O(state=merged) changes the router - it adds the "
        "addresses and sets the host name and deletes nothing (a wrong state could cut off the management "
        "address); O(state=gathered), O(state=rendered) and O(state=parsed) read or render them."], options={
        "hostname": _o("str", "The host name (C(system host-name)): letters, digits, C(-) and C(.), 1 to 63 "
                              "characters."),
        "interfaces": _o("list", "Ethernet interfaces and the addresses they get.", elements="dict", options={
            "name": _o("str", "The interface, C(ethN).", required=True),
            "address": _o("list", "IPv4 addresses with prefix length (C(192.0.2.1/24)) or C(dhcp).",
                          elements="str", required=True),
        }),
    }),
}


# -- options besides config (a module's name -> its extra options) ---------------------------
# The dmvpn module with the endpoints of several DMVPN clouds (one tunnel each) on one router,
# applied in one commit (dmvpn_core/clouds_resource.py).
EXTRA = {
    "dmvpn": {
        "endpoints": _o("list", [
            "Instead of O(config) (one of the two): the router's endpoints of several DMVPN clouds, one tunnel each, "
            "each with the suboptions of O(config). They are applied in B(one) commit - the union of their "
            "configurations and of the objects they own (see the ownership notes: each endpoint owns per tunnel).",
            "Each endpoint needs its own tunnel, tunnel subnet and IPsec profile, and all need the same PSK (VyOS writes "
            "each profile's PSK as a secret without an id, so strongSwan would use one for both); IKE/ESP groups of "
            "one name are shared (and must then be the same); with several endpoints none may hold O(config.bgp).",
            "For O(state=deleted) only each O(config.tunnel.name) is needed."],
            elements="dict", options=CONFIG["dmvpn"]["options"]),
        "absent_tunnels": _o("list", [
            "With O(endpoints) - tunnels of the clouds this router is no longer in. Each that is a multipoint GRE tunnel "
            "with NHRP on the router is deleted with what it owns (its NHRP, a profile binding only it and that "
            "profile's groups unless something else uses them, its routes, its BGP peers), as O(state=deleted) would; "
            "other tunnels of that name are left alone."], elements="str", default=[]),
        # the blast-radius guard (dmvpn_core/mass_delete.py; docs/job-slicing.md)
        "allow_mass_delete": _o("bool", [
            "Let O(state=replaced) or O(state=overridden) remove more of the router's owned entries than "
            "O(mass_delete_limit) and O(mass_delete_share) allow. Counted per router and kind, all clouds together - "
            "static routes (prefix and next hop), BGP peers (neighbors and listen ranges) and NHRP entries (the tunnel "
            "addresses its NHS and static maps name). Without it such a change fails before anything is sent to the "
            "router (in check mode too), naming the counts: an inventory that lacks routers (an AWX job slice) makes "
            "a hub delete the routes of the spokes it does not see.",
            "A kind is refused when the change removes more than max(O(mass_delete_limit), O(mass_delete_share) %) "
            "of its routes or BGP peers, or more than O(mass_delete_share) % of its NHRP entries (one hub of two is "
            "half of them). O(state=deleted) and O(state=merged) are not guarded."], default=False),
        "mass_delete_limit": _o("int", "Routes or BGP peers a change may always remove from the router, whatever "
                                       "their share (0 or more).", default=DEFAULT_LIMIT),
        "mass_delete_share": _o("int", "Percent of the router's routes, BGP peers or NHRP entries (each kind on its "
                                       "own) a change may remove (0-100).", default=DEFAULT_SHARE),
    },
}
