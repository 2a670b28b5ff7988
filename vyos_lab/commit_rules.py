"""Every commit refusal the emulated VyOS knows, as records: an id, the versions it applies
to, the node VyOS names in the error block, VyOS's own text and where VyOS has it
(repository, commit, file, function). Facts taken from VyOS's sources, not its code.

commit_checks.py can only refuse with a rule listed here; the table of commit rules in
docs/lab.md is generated from this list (tools/commit_rules_table.py; a unit test fails when they differ).
"""

from collections import namedtuple

Rule = namedtuple("Rule", "rid versions path text source")

ALL = ("1.2", "1.3", "1.4", "1.5")
OLD = ("1.2", "1.3")
PY = ("1.3", "1.4", "1.5")   # interfaces tunnel in vyos-1x (Python) from 1.3 on
NEW = ("1.4", "1.5")

# Sources (the commit named is the last one that touched the file on that branch).
TUN12 = "vyos/vyatta-cfg-system crux 03742d1 templates/interfaces/tunnel/node.def (commit:expression)"
VT13 = "vyos/vyos-1x equuleus 399d3b7 python/vyos/configverify.py verify_tunnel()"
VT14 = "vyos/vyos-1x sagitta a6362cc python/vyos/configverify.py verify_tunnel()"
VT15 = "vyos/vyos-1x circinus 787f8c4 python/vyos/configverify.py verify_tunnel() (the same in the FRR-era 1.5)"
T13 = "vyos/vyos-1x equuleus 477c2de src/conf_mode/interfaces-tunnel.py verify()"
T14 = "vyos/vyos-1x sagitta 86f793f src/conf_mode/interfaces_tunnel.py verify()"
T15 = ("dozenos/dozenos-1x 020ab1d src/conf_mode/interfaces_tunnel.py verify() (FRR-era vyos-1x; "
       "vyos/vyos-1x 026190f has the same texts)")
SRC14 = "vyos/vyos-1x sagitta a6362cc / circinus 787f8c4 python/vyos/configverify.py verify_source_interface() (T5880)"
ETH = ("vyos/vyos-1x equuleus 33db81f src/conf_mode/interfaces-ethernet.py verify(), sagitta a6362cc / circinus "
       "787f8c4 src/conf_mode/interfaces_ethernet.py verify_ethernet(): verify_interface_exists()")
NHRP_OLD = "vyos/vyos-nhrp crux b428efd / equuleus 43421e0 scripts/vyos-update-nhrp.pl --set_nhrp"
NHRP_DEL = "vyos/vyos-nhrp crux b428efd scripts/vyos-update-nhrp.pl checkref (tunnel node.def delete:)"
NHRP14 = "vyos/vyos-1x sagitta 3ea68d6 src/conf_mode/protocols_nhrp.py verify()"
NHRP15 = "vyos/vyos-1x 05f293b src/conf_mode/protocols_nhrp.py verify() (FRR nhrpd)"
BIND_OLD = ("vyos/vyatta-cfg-vpn crux/equuleus 2e30fd0 templates/vpn/ipsec/profile/node.tag/bind/tunnel/node.def "
            "(commit:expression)")
DMVPN_OLD = "vyos/vyatta-cfg-vpn crux 733dac9 / equuleus ccfc8cd scripts/dmvpn-config.pl"
VPN_OLD = "vyos/vyatta-cfg-vpn crux cb02e31 / equuleus b6b1887 scripts/vpn-config.pl"
IPSEC14 = "vyos/vyos-1x sagitta a6362cc / circinus 7e7196d src/conf_mode/vpn_ipsec.py verify()"
IPSEC15 = "aapostoliuk/vyos-1x 74ba38b src/conf_mode/vpn_ipsec.py verify() (FRR-era 1.5)"
BGP14 = "vyos/vyos-1x sagitta a9700bd / circinus 637a73e src/conf_mode/protocols_bgp.py verify()"
QUAGGA = "not checked: 1.2/1.3 BGP and static routes are vyos/vyatta-cfg-quagga (Perl), not mirrored here"
GUIDE = ("the DMVPN guide the product follows (docs/day2.md): crux remote-ip/node.def has no "
         "delete: action, the kernel tunnel keeps its remote; not a verify() rule")

TUN = "interfaces tunnel {name}"
MISSING_KEY = 'Missing required "ip key" parameter when running more then one GRE based tunnel on the same '

RULES = (
    # -- interfaces tunnel --------------------------------------------------------------------
    Rule("tunnel-deleted-nhrp", ("1.2",), TUN, "WARNING: Can't delete tunnel {name}, it is in use by NHRP config.",
         NHRP_DEL),
    Rule("tunnel-deleted-nhrp", ("1.3",), TUN, "Tunnel used for NHRP, it can not be deleted!", T13),
    Rule("tunnel-deleted-nhrp", ("1.4",), TUN, "Tunnel used for NHRP, it can not be deleted!", T14),
    Rule("tunnel-deleted-nhrp", ("1.5",), TUN, "Tunnel used for NHRP, it cannot be deleted!", T15),
    Rule("tunnel-local-ip", ("1.2",), TUN, "Must configure either local-ip or dhcp-interface for tunnel {name}", TUN12),
    Rule("tunnel-encapsulation", ("1.2",), TUN, "Must configure the tunnel encapsulation for {name}", TUN12),
    Rule("tunnel-any-needs-key", ("1.2",), TUN, "No remote-ip configured for {name}, tunnel can only be used for "
         "mGRE.\nTunnel {name} parameters ip key must be set!", TUN12),
    Rule("tunnel-remote", ("1.2",), TUN, "Must configure the tunnel remote-ip for {name}", TUN12),
    Rule("tunnel-ipv6-local-mgre", ("1.2",), TUN, "IPv6 local-ip ({local}) is forbidden for mGRE tunnels.", TUN12),
    Rule("tunnel-ipv6-address-mgre", ("1.2",), TUN, "IPv6 addresses ({addresses}) are forbidden for mGRE tunnels.",
         TUN12),
    Rule("tunnel-ipv6-gre", ("1.2",), TUN, 'Using IPv6 address in local-ip or remote-ip is not possible with '
         '"encapsulation gre". Use "encapsulation ip6gre" instead.', TUN12),
    Rule("tunnel-multipoint-in-place", OLD, TUN, "Tunnel {name} had a remote endpoint ({leaf}): it cannot become "
         "multipoint GRE in place. Delete the interface and create it again without {leaf}.", GUIDE),
    Rule("tunnel-nhrp-netmask", ("1.5",), TUN, "Tunnel is used for NHRP, Netmask should be /32!", T15),
    Rule("tunnel-encapsulation", ("1.3",), TUN, "Must configure the tunnel encapsulation for {name}!", VT13),
    Rule("tunnel-encapsulation", ("1.4",), TUN, "Must configure the tunnel encapsulation for {name}!", VT14),
    Rule("tunnel-encapsulation", ("1.5",), TUN, "Must configure the tunnel encapsulation for {name}!", VT15),
    Rule("tunnel-source", ("1.3",), TUN, "source-address or source-interface required for tunnel!", VT13),
    Rule("tunnel-source", ("1.4",), TUN, "source-address or source-interface required for tunnel!", VT14),
    Rule("tunnel-source", ("1.5",), TUN, "source-address or source-interface required for tunnel!", VT15),
    Rule("tunnel-remote", ("1.3",), TUN, "remote-ip address is mandatory for tunnel", VT13),
    Rule("tunnel-remote", ("1.4",), TUN, "remote ip address is mandatory for tunnel", VT14),
    Rule("tunnel-remote", ("1.5",), TUN, "remote ip address is mandatory for tunnel", VT15),
    # GRE is an IPv4 encapsulation: an IPv6 source-address on it fails here, before verify_tunnel()'s
    # later "Can not use local IPv6 address is for mGRE tunnels", which therefore never fires.
    Rule("tunnel-source-ipv4", ("1.3",), TUN, "Encapsulation mode requires IPv4 source-address", VT13),
    Rule("tunnel-source-ipv4", ("1.4",), TUN, "Encapsulation mode requires IPv4 source-address", VT14),
    Rule("tunnel-source-ipv4", ("1.5",), TUN, "Encapsulation mode requires IPv4 source-address", VT15),
    Rule("tunnel-remote-ipv4", ("1.3",), TUN, "Encapsulation mode requires IPv4 remote address", VT13),
    Rule("tunnel-remote-ipv4", ("1.4",), TUN, "Encapsulation mode requires IPv4 remote address", VT14),
    Rule("tunnel-remote-ipv4", ("1.5",), TUN, "Encapsulation mode requires IPv4 remote address", VT15),
    Rule("tunnel-source-ipv6", ("1.3",), TUN, "Encapsulation mode requires IPv6 source-address", VT13),
    Rule("tunnel-source-ipv6", ("1.4",), TUN, "Encapsulation mode requires IPv6 source-address", VT14),
    Rule("tunnel-source-ipv6", ("1.5",), TUN, "Encapsulation mode requires IPv6 source-address", VT15),
    Rule("tunnel-remote-ipv6", ("1.3",), TUN, "Encapsulation mode requires IPv6 remote-ip address", VT13),
    Rule("tunnel-remote-ipv6", ("1.4",), TUN, "Encapsulation mode requires IPv6 remote", VT14),
    Rule("tunnel-remote-ipv6", ("1.5",), TUN, "Encapsulation mode requires IPv6 remote", VT15),
    Rule("tunnel-source-interface-encapsulation", ("1.3",), TUN,
         'Option source-interface can not be used with encapsulation "{encapsulation}"!', VT13),
    Rule("tunnel-source-interface-encapsulation", ("1.4",), TUN,
         'Option source-interface can not be used with encapsulation "{encapsulation}"!', VT14),
    Rule("tunnel-source-interface-encapsulation", ("1.5",), TUN,
         'Option source-interface can not be used with encapsulation "{encapsulation}"!', VT15),
    Rule("tunnel-any-needs-key", ("1.3",), TUN, '"parameters ip key" must be set for {name} when encapsulation is GRE!',
         T13),
    Rule("tunnel-any-needs-key", ("1.4",), TUN, '"parameters ip key" must be set for {name} when encapsulation is GRE!',
         T14),
    Rule("tunnel-any-needs-key", ("1.5",), TUN, '"parameters ip key" must be set for {name} when encapsulation is GRE!',
         T15),
    Rule("tunnel-key-used", ("1.3",), TUN, 'Key "{key}" for source-address "{source}" is already used for tunnel '
         '"{other}"!', T13),
    Rule("tunnel-key-used", ("1.4",), TUN, 'Key "{key}" for source-address "{source}" is already used for tunnel '
         '"{other}"!', T14),
    Rule("tunnel-key-used", ("1.5",), TUN, 'Key "{key}" for source-address "{source}" is already used for tunnel '
         '"{other}"!', T15),
    Rule("tunnel-key-missing", ("1.3",), TUN, MISSING_KEY + "source-interface/source-address", T13),
    Rule("tunnel-key-missing", ("1.4",), TUN, MISSING_KEY + "source-interface/source-address", T14),
    Rule("tunnel-key-missing-address", ("1.5",), TUN, MISSING_KEY + "source-address", T15),
    Rule("tunnel-key-missing-interface", ("1.5",), TUN, MISSING_KEY + "source-interface", T15),
    Rule("tunnel-key-ipip", ("1.3",), TUN, "Keys are not allowed with ipip and sit tunnels!", T13),
    Rule("tunnel-key-ipip", ("1.4",), TUN, "Keys are not allowed with ipip and sit tunnels!", T14),
    Rule("tunnel-key-ipip", ("1.5",), TUN, "Keys are not allowed with ipip and sit tunnels!", T15),
    Rule("tunnel-source-interface-exists", ("1.3",), TUN, 'Interface "{source}" does not exist!',
         "vyos/vyos-1x equuleus 477c2de interfaces-tunnel.py verify(): verify_interface_exists()"),
    Rule("tunnel-source-interface-dynamic", NEW, TUN, 'Can not source "{name}" from dynamic interface "{source}"!',
         SRC14),
    Rule("tunnel-source-interface-exists", NEW, TUN, "Specified source-interface {source} does not exist", SRC14),
    # -- interfaces ethernet (1.2 refuses an absent NIC at `set`, a syntax:expression, not at commit)
    Rule("ethernet-exists", PY, "interfaces ethernet {name}", 'Interface "{name}" does not exist!', ETH),
    # -- protocols nhrp -----------------------------------------------------------------------
    Rule("nhrp-tunnel-exists", OLD, "protocols nhrp", "Tunnel {name} does not exist.", NHRP_OLD),
    Rule("nhrp-mgre", OLD, "protocols nhrp", "{name} is not 'mGRE' tunnel'", NHRP_OLD),
    Rule("nhrp-tunnel-exists", ("1.4",), "protocols nhrp", 'Tunnel interface "{name}" does not exist', NHRP14),
    Rule("nhrp-mgre", ("1.4",), "protocols nhrp", 'Tunnel "{name}" is not an mGRE tunnel', NHRP14),
    Rule("nhrp-remote", ("1.4",), "protocols nhrp", 'Tunnel "{name}" cannot have a remote address defined', NHRP14),
    Rule("nhrp-map-nbma", ("1.4",), "protocols nhrp", "nbma-address missing on map {map} on tunnel {name}", NHRP14),
    Rule("nhrp-dynamic-map-nbma", ("1.4",), "protocols nhrp",
         "nbma-domain-name missing on dynamic-map {map} on tunnel {name}", NHRP14),
    Rule("nhrp-tunnel-exists", ("1.5",), "protocols nhrp", 'Tunnel interface "{name}" does not exist', NHRP15),
    Rule("nhrp-netmask", ("1.5",), "protocols nhrp", "Tunnel {name} is used for NHRP, Netmask should be /32!", NHRP15),
    Rule("nhrp-mgre", ("1.5",), "protocols nhrp", 'Tunnel "{name}" is not an mGRE tunnel', NHRP15),
    Rule("nhrp-network-id", ("1.5",), "protocols nhrp", 'network-id is not specified in tunnel "{name}"', NHRP15),
    Rule("nhrp-remote", ("1.5",), "protocols nhrp", 'Tunnel "{name}" cannot have a remote address defined', NHRP15),
    Rule("nhrp-map-nbma", ("1.5",), "protocols nhrp", "nbma-address missing on map {map} on tunnel {name}", NHRP15),
    Rule("nhrp-nhs-nbma", ("1.5",), "protocols nhrp", "nbma-address missing on map nhs {nhs} on tunnel {name}", NHRP15),
    Rule("nhrp-nhs-one-nbma", ("1.5",), "protocols nhrp",
         "Static nhs tunnel-ip {nhs} cannot contain multiple nbma-addresses", NHRP15),
    Rule("nhrp-nbma-shared", ("1.5",), "protocols nhrp", "Nbma address {nbma} cannot be mapped to several tunnel-ip",
         NHRP15),
    # -- vpn ipsec ----------------------------------------------------------------------------
    Rule("ipsec-bind-esp-group", OLD, "vpn ipsec profile {profile} bind tunnel {tunnel}", "Must configure esp-group",
         BIND_OLD),
    Rule("ipsec-bind-ike-group", OLD, "vpn ipsec profile {profile} bind tunnel {tunnel}", "Must configure ike-group",
         BIND_OLD),
    Rule("ipsec-bind-authentication", OLD, "vpn ipsec profile {profile} bind tunnel {tunnel}",
         "Must configure authentication", BIND_OLD),
    Rule("ipsec-bind-mgre", OLD, "vpn ipsec profile {profile} bind tunnel {tunnel}", "Must be mgre tunnel", BIND_OLD),
    Rule("ipsec-profile-ike-group", OLD, "vpn ipsec profile {profile} ike-group",
         'VPN configuration error: No IKE group specified for profile "{profile}".', DMVPN_OLD),
    Rule("ipsec-profile-ike-group-exists", OLD, "vpn ipsec profile {profile} ike-group",
         'VPN configuration error: The IKE group "{group}" specified for profile "{profile}" has not been configured.',
         DMVPN_OLD),
    Rule("ipsec-profile-esp-group", OLD, "vpn ipsec profile {profile} esp-group",
         'VPN configuration error: No ESP group specified for profile "{profile}".', DMVPN_OLD),
    Rule("ipsec-profile-esp-group-exists", OLD, "vpn ipsec profile {profile} esp-group",
         'VPN configuration error: The ESP group "{group}" specified for profile "{profile}" has not been configured.',
         DMVPN_OLD),
    Rule("ipsec-profile-authentication", OLD, "vpn ipsec profile {profile} authentication",
         'VPN configuration error: No authentication mode for profile "{profile}" specified.', DMVPN_OLD),
    Rule("ipsec-profile-psk", OLD, "vpn ipsec profile {profile} authentication",
         "VPN configuration error: No 'pre-shared-secret' specified for profile \"{profile}\" while "
         "'pre-shared-secret' authentication mode is specified.", DMVPN_OLD),
    Rule("ipsec-esp-proposal", OLD, "vpn ipsec esp-group {group} proposal",
         'VPN configuration error: No proposals configured for ESP group "{group}".  At least one proposal required.',
         VPN_OLD),
    Rule("ipsec-ike-proposal", OLD, "vpn ipsec ike-group {group} proposal",
         'VPN configuration error: No proposals configured for IKE group "{group}".  At least one proposal required.',
         VPN_OLD),
    Rule("ipsec-interface-exists", ("1.4",), "vpn ipsec", 'Interface "{interface}" does not exist!', IPSEC14),
    Rule("ipsec-interface-exists", ("1.5",), "vpn ipsec", 'Interface "{interface}" does not exist!', IPSEC15),
    Rule("ipsec-prf", ("1.5",), "vpn ipsec", "A PRF algorithm is mandatory in IKE proposal {proposal}", IPSEC15),
    Rule("ipsec-profile-esp-group-exists", ("1.4",), "vpn ipsec", "Invalid esp-group on {profile} profile", IPSEC14),
    Rule("ipsec-profile-esp-group", ("1.4",), "vpn ipsec", "Missing esp-group on {profile} profile", IPSEC14),
    Rule("ipsec-profile-ike-group-exists", ("1.4",), "vpn ipsec", "Invalid ike-group on {profile} profile", IPSEC14),
    Rule("ipsec-profile-ike-group", ("1.4",), "vpn ipsec", "Missing ike-group on {profile} profile", IPSEC14),
    Rule("ipsec-profile-authentication", ("1.4",), "vpn ipsec", "Missing authentication on {profile} profile",
         IPSEC14),
    Rule("ipsec-profile-esp-group-exists", ("1.5",), "vpn ipsec", "Invalid esp-group on {profile} profile", IPSEC15),
    Rule("ipsec-profile-esp-group", ("1.5",), "vpn ipsec", "Missing esp-group on {profile} profile", IPSEC15),
    Rule("ipsec-profile-ike-group-exists", ("1.5",), "vpn ipsec", "Invalid ike-group on {profile} profile", IPSEC15),
    Rule("ipsec-profile-ike-group", ("1.5",), "vpn ipsec", "Missing ike-group on {profile} profile", IPSEC15),
    Rule("ipsec-profile-authentication", ("1.5",), "vpn ipsec", "Missing authentication on {profile} profile",
         IPSEC15),
    # -- protocols static / bgp ---------------------------------------------------------------
    Rule("static-route-next-hop", OLD, "protocols static route {prefix}",
         "Route {prefix} needs a next-hop, an interface or blackhole", QUAGGA),
    Rule("bgp-peer-group-exists", OLD, "protocols bgp",
         'Specified peer-group "{group}" for neighbor "{neighbor}" does not exist!', QUAGGA),
    Rule("bgp-remote-as", OLD, "protocols bgp", "remote-as must be set under neighbor or peer-group for {neighbor}!",
         QUAGGA),
    # 1.3 only of the old two: crux vyatta-cfg-quagga has no 'listen' (vyos_facts.json).
    Rule("bgp-listen-range-peer-group", ("1.3",), "protocols bgp", "Listen range {prefix} requires an existing peer-group!",
         QUAGGA),
    Rule("bgp-system-as", NEW, "protocols bgp", "BGP system-as number must be defined!", BGP14),
    # VyOS names the loop's key ("neighbor"), not the address, in this message.
    Rule("bgp-peer-group-exists", NEW, "protocols bgp",
         'Specified peer-group "{group}" for neighbor "neighbor" does not exist!', BGP14),
    Rule("bgp-remote-as", NEW, "protocols bgp", 'Neighbor "{neighbor}" remote-as must be set!', BGP14),
    Rule("bgp-listen-range-peer-group", NEW, "protocols bgp",
         'Listen range for prefix "{prefix}" has no peer group configured.', BGP14),
    Rule("bgp-listen-range-peer-group-exists", NEW, "protocols bgp",
         'Peer-group "{group}" for listen range "{prefix}" does not exist!', BGP14),
    Rule("bgp-listen-range-remote-as", NEW, "protocols bgp", 'Peer-group "{group}" requires remote-as to be set!',
         BGP14),
)

# -- firewall (the WAN rules the collection may write) -----------------------------------------
FW_OLD = ("vyos/vyatta-cfg-firewall crux 4654ea5 / equuleus scripts/firewall/vyatta-firewall.pl (rule set delete), "
          "lib/Vyatta/IpTables/IpSet.pm (group lookup)")
FW14 = "vyos/vyos-1x sagitta c3f688653 / current 3710c5879 src/conf_mode/firewall.py verify_rule()"
RULES += (
    Rule("firewall-rule-set-in-use", OLD, "firewall name {rule_set}",
         'Firewall configuration error: Cannot delete rule set "{rule_set}" (still in use)', FW_OLD),
    Rule("firewall-group-exists", OLD, "firewall name {rule_set} rule {rule}", "Undefined group [{group}]", FW_OLD),
    Rule("firewall-rule-action", NEW, "firewall", "Rule action must be defined", FW14),
    Rule("firewall-port-protocol", NEW, "firewall", "Protocol must be defined if specifying a port or port-group",
         FW14),
    Rule("firewall-port-tcp-udp", NEW, "firewall",
         "Protocol must be tcp, udp, or tcp_udp when specifying a port or port-group", FW14),
    Rule("firewall-group-exists", NEW, "firewall", 'Invalid address-group "{group}" on firewall rule', FW14),
)

BY_KEY = {(rule.rid, version): rule for rule in RULES for version in rule.versions}
if len(BY_KEY) != sum(len(rule.versions) for rule in RULES):
    raise AssertionError("commit_checks.RULES: a rule id is listed twice for one version")
