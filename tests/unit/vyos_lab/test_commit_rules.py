"""The lab's commit rules (vyos_lab/commit_rules.py, issue 20): each rule refuses, per VyOS
version, with VyOS's exact text (the texts here are typed from VyOS's sources, not read from
the rule list), every rule of the list has a case, VyOS's acceptances are accepted, and the
table in docs/lab.md is the list's."""

import os
import sys

import pytest

from vyos_lab.commit_checks import LAB_NICS
from vyos_lab.commit_rules import BY_KEY, RULES
from vyos_lab.router import default_config_lines

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "..", "tools"))
import commit_rules_table  # noqa: E402  (tools/commit_rules_table.py)

SRC = "198.51.100.41"


def tunnel(version, name="tun0", address=None, key="1", source=SRC, remote=None, encap="gre"):
    """Lines of a tunnel, by default a valid multipoint GRE one, in ``version``'s syntax."""
    local, far = ("local-ip", "remote-ip") if version == "1.2" else ("source-address", "remote")
    base = "set interfaces tunnel %s " % name
    lines = [base + "address %s" % (address or ("10.0.0.1/32" if version == "1.5" else "10.0.0.1/24"))]
    if encap:
        lines.append(base + "encapsulation %s" % encap)
    if source:
        lines.append(base + "%s %s" % (local, source))
    if key:
        lines.append(base + "parameters ip key %s" % key)
    if remote:
        lines.append(base + "%s %s" % (far, remote))
    return lines


def nhrp(version, name="tun0"):
    """A valid NHRP spoke config on ``name``."""
    base = "set protocols nhrp tunnel %s " % name
    if version == "1.5":
        return [base + "network-id 1", base + "nhs tunnel-ip 10.0.0.254 nbma 192.0.2.1"]
    return [base + "map 10.0.0.254/24 nbma-address 192.0.2.1", base + "multicast nhs"]


def ipsec(version, psk=True, bind="tun0", esp="E", ike="I"):
    lines = ["set vpn ipsec esp-group E proposal 1 encryption aes256", "set vpn ipsec esp-group E proposal 1 hash sha1",
             "set vpn ipsec ike-group I proposal 1 encryption aes256", "set vpn ipsec ike-group I proposal 1 hash sha1",
             "set vpn ipsec profile DMVPN authentication mode pre-shared-secret"]
    if psk:
        lines.append("set vpn ipsec profile DMVPN authentication pre-shared-secret SECRET")
    if esp:
        lines.append("set vpn ipsec profile DMVPN esp-group %s" % esp)
    if ike:
        lines.append("set vpn ipsec profile DMVPN ike-group %s" % ike)
    if bind:
        lines.append("set vpn ipsec profile DMVPN bind tunnel %s" % bind)
    return lines


def block(path, text):
    return "[ %s ]\n%s\n\n[[%s]] failed\n" % (path, text, path)


def refused(*blocks):
    return "\n".join(block(path, text) for path, text in blocks) + "Commit failed\n"


TUN = "interfaces tunnel tun0"
MISSING_KEY = 'Missing required "ip key" parameter when running more then one GRE based tunnel on the same '

# (rule id, version): (lines committed first, lines of the refused commit, [(node, text)])
CASES = {}


def case(rid, versions, before, lines, *blocks):
    for version in versions:
        def resolve(value, version=version):
            return value(version) if callable(value) else value
        CASES[(rid, version)] = (resolve(before), resolve(lines),
                                 [(resolve(path), resolve(text)) for path, text in blocks])


OLD, PY, NEW = ("1.2", "1.3"), ("1.3", "1.4", "1.5"), ("1.4", "1.5")

# -- interfaces tunnel ------------------------------------------------------------------------
# the NHRP step does not run: its part of the config did not change
case("tunnel-deleted-nhrp", ("1.2", "1.3", "1.4", "1.5"), lambda v: tunnel(v) + nhrp(v),
     ["delete interfaces tunnel tun0"],
     (TUN, {"1.2": "WARNING: Can't delete tunnel tun0, it is in use by NHRP config.",
            "1.3": "Tunnel used for NHRP, it can not be deleted!", "1.4": "Tunnel used for NHRP, it can not be deleted!",
            "1.5": "Tunnel used for NHRP, it cannot be deleted!"}.get))
case("tunnel-local-ip", ("1.2",), [], tunnel("1.2", source=None),
     (TUN, "Must configure either local-ip or dhcp-interface for tunnel tun0"))
case("tunnel-encapsulation", ("1.2",), [], tunnel("1.2", encap=None),
     (TUN, "Must configure the tunnel encapsulation for tun0"))
case("tunnel-encapsulation", PY, [], lambda v: tunnel(v, encap=None),
     (TUN, "Must configure the tunnel encapsulation for tun0!"))
case("tunnel-any-needs-key", ("1.2",), [], tunnel("1.2", source="0.0.0.0", key=None),
     (TUN, "No remote-ip configured for tun0, tunnel can only be used for mGRE.\n"
           "Tunnel tun0 parameters ip key must be set!"))
case("tunnel-any-needs-key", PY, [], lambda v: tunnel(v, source="0.0.0.0", key=None),
     (TUN, '"parameters ip key" must be set for tun0 when encapsulation is GRE!'))
case("tunnel-remote", ("1.2",), [], tunnel("1.2", encap="ipip", key=None),
     (TUN, "Must configure the tunnel remote-ip for tun0"))
case("tunnel-remote", ("1.3",), [], tunnel("1.3", encap="ipip", key=None),
     (TUN, "remote-ip address is mandatory for tunnel"))
case("tunnel-remote", NEW, [], lambda v: tunnel(v, encap="ipip", key=None),
     (TUN, "remote ip address is mandatory for tunnel"))
case("tunnel-ipv6-local-mgre", ("1.2",), [], tunnel("1.2", source="2001:db8::1"),
     (TUN, "IPv6 local-ip (2001:db8::1) is forbidden for mGRE tunnels."))
case("tunnel-ipv6-address-mgre", ("1.2",), [], tunnel("1.2", address="2001:db8:1::1/64"),
     (TUN, "IPv6 addresses (2001:db8:1::1/64) are forbidden for mGRE tunnels."))
case("tunnel-ipv6-gre", ("1.2",), [], tunnel("1.2", remote="2001:db8::9"),
     (TUN, 'Using IPv6 address in local-ip or remote-ip is not possible with "encapsulation gre". '
           'Use "encapsulation ip6gre" instead.'))
case("tunnel-multipoint-in-place", OLD, lambda v: tunnel(v, remote="192.0.2.7"),
     lambda v: ["delete interfaces tunnel tun0 %s" % ("remote-ip" if v == "1.2" else "remote")],
     (TUN, {"1.2": "Tunnel tun0 had a remote endpoint (remote-ip): it cannot become multipoint GRE in place. "
                   "Delete the interface and create it again without remote-ip.",
            "1.3": "Tunnel tun0 had a remote endpoint (remote): it cannot become multipoint GRE in place. "
                   "Delete the interface and create it again without remote."}.get))
case("tunnel-nhrp-netmask", ("1.5",), [], tunnel("1.5", address="10.0.0.1/24") + nhrp("1.5"),
     (TUN, "Tunnel is used for NHRP, Netmask should be /32!"),
     ("protocols nhrp", "Tunnel tun0 is used for NHRP, Netmask should be /32!"))
case("tunnel-source", PY, [], lambda v: tunnel(v, source=None), (TUN, "source-address or source-interface required for tunnel!"))
case("tunnel-source-ipv4", PY, [], lambda v: tunnel(v, source="2001:db8::1"),
     (TUN, "Encapsulation mode requires IPv4 source-address"))
case("tunnel-remote-ipv4", PY, [], lambda v: tunnel(v, remote="2001:db8::9"),
     (TUN, "Encapsulation mode requires IPv4 remote address"))
case("tunnel-source-ipv6", PY, [], lambda v: tunnel(v, encap="ip6gre", key=None, remote="2001:db8::9"),
     (TUN, "Encapsulation mode requires IPv6 source-address"))
case("tunnel-remote-ipv6", ("1.3",), [],
     tunnel("1.3", encap="ip6gre", key=None, source="2001:db8::1", remote="192.0.2.9"),
     (TUN, "Encapsulation mode requires IPv6 remote-ip address"))
case("tunnel-remote-ipv6", NEW, [], lambda v: tunnel(v, encap="ip6gre", key=None, source="2001:db8::1",
                                                     remote="192.0.2.9"),
     (TUN, "Encapsulation mode requires IPv6 remote"))
case("tunnel-source-interface-encapsulation", PY, [],
     lambda v: tunnel(v, encap="gretap", key=None, remote="192.0.2.9")
     + ["set interfaces tunnel tun0 source-interface eth0"],
     (TUN, 'Option source-interface can not be used with encapsulation "gretap"!'))
case("tunnel-key-used", PY, tunnel, lambda v: tunnel(v, name="tun1", address="10.1.0.1/32"),
     ("interfaces tunnel tun1", 'Key "1" for source-address "198.51.100.41" is already used for tunnel "tun0"!'))
case("tunnel-key-missing", ("1.3", "1.4"), lambda v: tunnel(v, key=None),
     lambda v: tunnel(v, name="tun1", address="10.1.0.1/24", source="198.51.100.42", key=None),
     ("interfaces tunnel tun1", MISSING_KEY + "source-interface/source-address"))
case("tunnel-key-missing-address", ("1.5",), tunnel("1.5", key=None),
     tunnel("1.5", name="tun1", address="10.1.0.1/32", key=None),
     ("interfaces tunnel tun1", MISSING_KEY + "source-address"))
case("tunnel-key-missing-interface", ("1.5",),
     tunnel("1.5", key=None, source=None) + ["set interfaces tunnel tun0 source-interface eth0"],
     tunnel("1.5", name="tun1", address="10.1.0.1/32", key=None, source=None)
     + ["set interfaces tunnel tun1 source-interface eth0"],
     ("interfaces tunnel tun1", MISSING_KEY + "source-interface"))
case("tunnel-key-ipip", PY, [], lambda v: tunnel(v, encap="ipip", remote="192.0.2.9"),
     (TUN, "Keys are not allowed with ipip and sit tunnels!"))
case("tunnel-source-interface-exists", ("1.3",), [],
     tunnel("1.3", source=None) + ["set interfaces tunnel tun0 source-interface eth5"],
     (TUN, 'Interface "eth5" does not exist!'))
case("tunnel-source-interface-exists", NEW, [],
     lambda v: tunnel(v, source=None) + ["set interfaces tunnel tun0 source-interface eth5"],
     (TUN, "Specified source-interface eth5 does not exist"))
case("tunnel-source-interface-dynamic", NEW, [],
     lambda v: tunnel(v, source=None) + ["set interfaces tunnel tun0 source-interface pppoe0"],
     (TUN, 'Can not source "tun0" from dynamic interface "pppoe0"!'))
# -- interfaces ethernet ----------------------------------------------------------------------
case("ethernet-exists", PY, [], ["set interfaces ethernet eth7 address 192.0.2.9/24"],
     ("interfaces ethernet eth7", 'Interface "eth7" does not exist!'))
# -- protocols nhrp ---------------------------------------------------------------------------
case("nhrp-tunnel-exists", OLD, [], lambda v: nhrp(v, "tun5"), ("protocols nhrp", "Tunnel tun5 does not exist."))
case("nhrp-tunnel-exists", NEW, [], lambda v: nhrp(v, "tun5"),
     ("protocols nhrp", 'Tunnel interface "tun5" does not exist'))
case("nhrp-mgre", ("1.2",), [], tunnel("1.2", remote="192.0.2.7") + nhrp("1.2"),
     ("protocols nhrp", "tun0 is not 'mGRE' tunnel'"))
case("nhrp-mgre", ("1.3",), [], tunnel("1.3", encap="gretap", key=None, remote="192.0.2.7") + nhrp("1.3"),
     ("protocols nhrp", "tun0 is not 'mGRE' tunnel'"))
case("nhrp-mgre", NEW, [], lambda v: tunnel(v, encap="gretap", key=None, remote="192.0.2.7") + nhrp(v),
     ("protocols nhrp", 'Tunnel "tun0" is not an mGRE tunnel'))
case("nhrp-remote", NEW, [], lambda v: tunnel(v, remote="192.0.2.7") + nhrp(v),
     ("protocols nhrp", 'Tunnel "tun0" cannot have a remote address defined'))
case("nhrp-map-nbma", ("1.4",), [], tunnel("1.4") + ["set protocols nhrp tunnel tun0 map 10.0.0.254/24 register"],
     ("protocols nhrp", "nbma-address missing on map 10.0.0.254/24 on tunnel tun0"))
case("nhrp-dynamic-map-nbma", ("1.4",), [], tunnel("1.4") + ["set protocols nhrp tunnel tun0 dynamic-map 10.0.0.1/24"],
     ("protocols nhrp", "nbma-domain-name missing on dynamic-map 10.0.0.1/24 on tunnel tun0"))
# the tunnel (committed before NHRP) does not change, so only the NHRP step runs
case("nhrp-netmask", ("1.5",), tunnel("1.5", address="10.0.0.1/24"), nhrp("1.5"),
     ("protocols nhrp", "Tunnel tun0 is used for NHRP, Netmask should be /32!"))
case("nhrp-network-id", ("1.5",), [], tunnel("1.5") + nhrp("1.5")[1:],
     ("protocols nhrp", 'network-id is not specified in tunnel "tun0"'))
case("nhrp-map-nbma", ("1.5",), [], tunnel("1.5") + nhrp("1.5") + ["set protocols nhrp tunnel tun0 map tunnel-ip 10.0.0.9"],
     ("protocols nhrp", "nbma-address missing on map 10.0.0.9 on tunnel tun0"))
case("nhrp-nhs-nbma", ("1.5",), [], tunnel("1.5") + nhrp("1.5")[:1] + ["set protocols nhrp tunnel tun0 nhs tunnel-ip 10.0.0.254"],
     ("protocols nhrp", "nbma-address missing on map nhs 10.0.0.254 on tunnel tun0"))
case("nhrp-nhs-one-nbma", ("1.5",), [], tunnel("1.5") + nhrp("1.5")
     + ["set protocols nhrp tunnel tun0 nhs tunnel-ip 10.0.0.254 nbma 192.0.2.2"],
     ("protocols nhrp", "Static nhs tunnel-ip 10.0.0.254 cannot contain multiple nbma-addresses"))
case("nhrp-nbma-shared", ("1.5",), [], tunnel("1.5") + nhrp("1.5")
     + ["set protocols nhrp tunnel tun0 nhs tunnel-ip 10.0.0.253 nbma 192.0.2.1"],
     ("protocols nhrp", "Nbma address 192.0.2.1 cannot be mapped to several tunnel-ip"))
# -- vpn ipsec --------------------------------------------------------------------------------
BIND = "vpn ipsec profile DMVPN bind tunnel tun0"
case("ipsec-bind-esp-group", OLD, tunnel, lambda v: ipsec(v, esp=None),
     (BIND, "Must configure esp-group"),
     ("vpn ipsec profile DMVPN esp-group", 'VPN configuration error: No ESP group specified for profile "DMVPN".'))
case("ipsec-bind-ike-group", OLD, tunnel, lambda v: ipsec(v, ike=None),
     (BIND, "Must configure ike-group"),
     ("vpn ipsec profile DMVPN ike-group", 'VPN configuration error: No IKE group specified for profile "DMVPN".'))
case("ipsec-bind-authentication", OLD, tunnel,
     lambda v: [line for line in ipsec(v, psk=False) if "authentication" not in line],
     (BIND, "Must configure authentication"),
     ("vpn ipsec profile DMVPN authentication",
      'VPN configuration error: No authentication mode for profile "DMVPN" specified.'))
case("ipsec-bind-mgre", OLD, [], lambda v: ipsec(v, bind="tun9"),
     ("vpn ipsec profile DMVPN bind tunnel tun9", "Must be mgre tunnel"))
case("ipsec-profile-ike-group", OLD, [], lambda v: ipsec(v, bind=None, ike=None),
     ("vpn ipsec profile DMVPN ike-group", 'VPN configuration error: No IKE group specified for profile "DMVPN".'))
case("ipsec-profile-ike-group-exists", OLD, [], lambda v: ipsec(v, bind=None, ike="NOPE"),
     ("vpn ipsec profile DMVPN ike-group",
      'VPN configuration error: The IKE group "NOPE" specified for profile "DMVPN" has not been configured.'))
case("ipsec-profile-esp-group", OLD, [], lambda v: ipsec(v, bind=None, esp=None),
     ("vpn ipsec profile DMVPN esp-group", 'VPN configuration error: No ESP group specified for profile "DMVPN".'))
case("ipsec-profile-esp-group-exists", OLD, [], lambda v: ipsec(v, bind=None, esp="NOPE"),
     ("vpn ipsec profile DMVPN esp-group",
      'VPN configuration error: The ESP group "NOPE" specified for profile "DMVPN" has not been configured.'))
case("ipsec-profile-authentication", OLD, [],
     lambda v: [line for line in ipsec(v, bind=None, psk=False) if "authentication" not in line],
     ("vpn ipsec profile DMVPN authentication",
      'VPN configuration error: No authentication mode for profile "DMVPN" specified.'))
case("ipsec-profile-psk", OLD, [], lambda v: ipsec(v, bind=None, psk=False),
     ("vpn ipsec profile DMVPN authentication",
      "VPN configuration error: No 'pre-shared-secret' specified for profile \"DMVPN\" while 'pre-shared-secret' "
      "authentication mode is specified."))
case("ipsec-esp-proposal", OLD, [], ["set vpn ipsec esp-group E lifetime 3600"],
     ("vpn ipsec esp-group E proposal",
      'VPN configuration error: No proposals configured for ESP group "E".  At least one proposal required.'))
case("ipsec-ike-proposal", OLD, [], ["set vpn ipsec ike-group I lifetime 3600"],
     ("vpn ipsec ike-group I proposal",
      'VPN configuration error: No proposals configured for IKE group "I".  At least one proposal required.'))
case("ipsec-interface-exists", NEW, [], ["set vpn ipsec interface eth7"],
     ("vpn ipsec", 'Interface "eth7" does not exist!'))
case("ipsec-prf", ("1.5",), [], ["set vpn ipsec ike-group I proposal 3 encryption aes256gcm128",
                                 "set vpn ipsec ike-group I proposal 3 hash aes256gmac"],
     ("vpn ipsec", "A PRF algorithm is mandatory in IKE proposal 3"))
case("ipsec-profile-esp-group", NEW, [], lambda v: ipsec(v, esp=None), ("vpn ipsec", "Missing esp-group on DMVPN profile"))
case("ipsec-profile-esp-group-exists", NEW, [], lambda v: ipsec(v, esp="NOPE"),
     ("vpn ipsec", "Invalid esp-group on DMVPN profile"))
case("ipsec-profile-ike-group", NEW, [], lambda v: ipsec(v, ike=None), ("vpn ipsec", "Missing ike-group on DMVPN profile"))
case("ipsec-profile-ike-group-exists", NEW, [], lambda v: ipsec(v, ike="NOPE"),
     ("vpn ipsec", "Invalid ike-group on DMVPN profile"))
case("ipsec-profile-authentication", NEW, [],
     lambda v: [line for line in ipsec(v) if "authentication" not in line],
     ("vpn ipsec", "Missing authentication on DMVPN profile"))
# -- protocols static / bgp -------------------------------------------------------------------
case("static-route-next-hop", OLD, [], ["set protocols static route 192.0.2.0/24"],
     ("protocols static route 192.0.2.0/24", "Route 192.0.2.0/24 needs a next-hop, an interface or blackhole"))
case("bgp-peer-group-exists", OLD, [], ["set protocols bgp 65000 neighbor 10.0.0.2 peer-group NOPE"],
     ("protocols bgp", 'Specified peer-group "NOPE" for neighbor "10.0.0.2" does not exist!'))
case("bgp-remote-as", OLD, [], ["set protocols bgp 65000 neighbor 10.0.0.2 description x"],
     ("protocols bgp", "remote-as must be set under neighbor or peer-group for 10.0.0.2!"))
case("bgp-listen-range-peer-group", ("1.3",), [], ["set protocols bgp 65000 listen range 10.0.0.0/24 peer-group NOPE"],
     ("protocols bgp", "Listen range 10.0.0.0/24 requires an existing peer-group!"))
case("bgp-system-as", NEW, [], ["set protocols bgp neighbor 10.0.0.2 remote-as 65000"],
     ("protocols bgp", "BGP system-as number must be defined!"))
case("bgp-peer-group-exists", NEW, [], ["set protocols bgp system-as 65000",
                                        "set protocols bgp neighbor 10.0.0.2 peer-group NOPE"],
     ("protocols bgp", 'Specified peer-group "NOPE" for neighbor "neighbor" does not exist!'))
case("bgp-remote-as", NEW, [], ["set protocols bgp system-as 65000", "set protocols bgp neighbor 10.0.0.2 description x"],
     ("protocols bgp", 'Neighbor "10.0.0.2" remote-as must be set!'))
case("bgp-listen-range-peer-group", NEW, [], ["set protocols bgp system-as 65000",
                                              "set protocols bgp peer-group G remote-as internal",
                                              "set protocols bgp listen range 10.0.0.0/24"],
     ("protocols bgp", 'Listen range for prefix "10.0.0.0/24" has no peer group configured.'))
case("bgp-listen-range-peer-group-exists", NEW, [], ["set protocols bgp system-as 65000",
                                                     "set protocols bgp listen range 10.0.0.0/24 peer-group NOPE"],
     ("protocols bgp", 'Peer-group "NOPE" for listen range "10.0.0.0/24" does not exist!'))
case("bgp-listen-range-remote-as", NEW, [], ["set protocols bgp system-as 65000",
                                             "set protocols bgp peer-group G description x",
                                             "set protocols bgp listen range 10.0.0.0/24 peer-group G"],
     ("protocols bgp", 'Peer-group "G" requires remote-as to be set!'))

# firewall (the WAN rules): vyatta-cfg-firewall vyatta-firewall.pl / IpSet.pm (1.2/1.3), vyos-1x
# src/conf_mode/firewall.py verify_rule() (1.4/1.5)
FW_SET = ["set firewall name W rule 9901 action accept", "set firewall name W rule 9901 protocol gre",
          "set interfaces ethernet eth0 firewall local name W"]
case("firewall-rule-set-in-use", OLD, FW_SET, ["delete firewall name W"],
     ("firewall name W", 'Firewall configuration error: Cannot delete rule set "W" (still in use)'))
case("firewall-group-exists", OLD, [], ["set firewall name W rule 9901 action accept",
                                        "set firewall name W rule 9901 source group address-group P"],
     ("firewall name W rule 9901", "Undefined group [P]"))
case("firewall-rule-action", NEW, [], ["set firewall ipv4 input filter rule 9901 protocol gre"],
     ("firewall", "Rule action must be defined"))
case("firewall-port-protocol", NEW, [], ["set firewall ipv4 input filter rule 9903 action accept",
                                         "set firewall ipv4 input filter rule 9903 destination port 500"],
     ("firewall", "Protocol must be defined if specifying a port or port-group"))
case("firewall-port-tcp-udp", NEW, [], ["set firewall ipv4 input filter rule 9903 action accept",
                                        "set firewall ipv4 input filter rule 9903 protocol gre",
                                        "set firewall ipv4 input filter rule 9903 destination port 500"],
     ("firewall", "Protocol must be tcp, udp, or tcp_udp when specifying a port or port-group"))
case("firewall-group-exists", NEW, [], ["set firewall ipv4 input filter rule 9901 action accept",
                                        "set firewall ipv4 input filter rule 9901 source group address-group P"],
     ("firewall", 'Invalid address-group "P" on firewall rule'))


def commit(console, version, before, lines):
    cli = console(version)
    assert cli.configure(before) == {}
    if before:
        assert cli("commit") == "", before
    assert cli.configure(lines) == {}, lines
    return cli, cli("commit")


@pytest.mark.parametrize("rid,version", sorted(CASES), ids=["%s-%s" % key for key in sorted(CASES)])
def test_each_rule_refuses_with_vyos_text(console, rid, version):
    before, lines, blocks = CASES[(rid, version)]
    cli, out = commit(console, version, before, lines)
    assert out == refused(*blocks)
    assert cli.router.counters.failed_commits == 1


def test_every_rule_of_the_list_has_a_case_and_no_case_a_missing_rule():
    assert set(CASES) == set(BY_KEY)


def test_every_rule_cites_a_source():
    for rule in RULES:
        assert rule.source and rule.text and rule.versions, rule


# What VyOS accepts, with the version's source (the lab once refused each of these).
ACCEPTED = {
    "1.3 ipsec-interfaces on an absent interface (vpn-config.pl only warns)":
        ("1.3", ["set vpn ipsec ipsec-interfaces interface eth7"]),
    "1.4 profile bound to an absent tunnel (vpn_ipsec.py has no such check)": ("1.4", ipsec("1.4", bind="tun9")),
    "1.5 profile bound to an absent tunnel": ("1.5", ipsec("1.5", bind="tun9")),
    "1.4 profile authentication without a PSK": ("1.4", ipsec("1.4", psk=False)),
    "1.2 NHRP tunnel without an address": ("1.2", tunnel("1.2")[1:] + nhrp("1.2")),
    "1.4 NHRP tunnel without an address": ("1.4", tunnel("1.4")[1:] + nhrp("1.4")),
    "1.5 NHRP tunnel without an address": ("1.5", tunnel("1.5")[1:] + nhrp("1.5")),
    "1.3 NHRP on a tunnel with remote (vyos-update-nhrp.pl checks remote-ip)":
        ("1.3", tunnel("1.3", remote="192.0.2.7") + nhrp("1.3")),
    "1.3 NHRP map without nbma-address": ("1.3", tunnel("1.3") + ["set protocols nhrp tunnel tun0 map 10.0.0.254/24 "
                                                                  "register"]),
    "1.4 esp-group without a proposal": ("1.4", ["set vpn ipsec esp-group E lifetime 3600"]),
    "1.4 static route without a next-hop": ("1.4", ["set protocols static route 192.0.2.0/24"]),
    "1.4 a keyed mGRE tunnel next to one with another source and the same key":
        ("1.4", tunnel("1.4") + tunnel("1.4", name="tun1", address="10.1.0.1/24", source="198.51.100.42")),
    "1.5 two keyless mGRE tunnels on different source addresses":
        ("1.5", tunnel("1.5", key=None) + tunnel("1.5", name="tun1", address="10.1.0.1/32", source="198.51.100.42",
                                                 key=None)),
    "1.5 dynamic NHS with two NBMA addresses": ("1.5", tunnel("1.5") + nhrp("1.5")[:1] + [
        "set protocols nhrp tunnel tun0 nhs tunnel-ip dynamic nbma 192.0.2.1",
        "set protocols nhrp tunnel tun0 nhs tunnel-ip dynamic nbma 192.0.2.2"]),
    "1.5 an IKE proposal with a PRF": ("1.5", ["set vpn ipsec ike-group I proposal 3 encryption aes256gcm128",
                                               "set vpn ipsec ike-group I proposal 3 hash aes256gmac",
                                               "set vpn ipsec ike-group I proposal 3 prf prfsha256"]),
    "1.4 source-interface on a network card": ("1.4", tunnel("1.4", source=None)
                                               + ["set interfaces tunnel tun0 source-interface eth0"]),
    "1.4 an address on a network card": ("1.4", ["set interfaces ethernet eth1 address 192.0.2.9/24"]),
    "1.4 input rules with an address group and ports": ("1.4", [
        "set firewall group address-group P address 192.0.2.1",
        "set firewall ipv4 input filter rule 9903 action accept", "set firewall ipv4 input filter rule 9903 protocol udp",
        "set firewall ipv4 input filter rule 9903 destination port 500",
        "set firewall ipv4 input filter rule 9903 source group address-group P",
        "set firewall ipv4 input filter rule 9903 inbound-interface name eth0"]),
}


@pytest.mark.parametrize("name", sorted(ACCEPTED))
def test_what_vyos_accepts_is_committed(console, name):
    version, lines = ACCEPTED[name]
    cli, out = commit(console, version, [], lines)
    assert out == ""
    assert cli.router.counters.failed_commits == 0


@pytest.mark.parametrize("version", OLD)
def test_a_local_rule_set_goes_with_its_attachment_in_one_commit(console, version):
    """vyatta-cfg deletes the interface's firewall (priority 615) before the rule set (210)."""
    cli, out = commit(console, version, FW_SET, ["delete interfaces ethernet eth0 firewall local name",
                                                 "delete firewall name W"])
    assert out == ""
    assert cli.router.counters.failed_commits == 0


@pytest.mark.parametrize("version", ["1.4", "1.5"])
def test_a_tunnel_with_remote_becomes_multipoint_in_place_on_14_and_later(console, version):
    cli, out = commit(console, version, tunnel(version, remote="192.0.2.7"), ["delete interfaces tunnel tun0 remote"])
    assert out == ""
    assert not cli.router.running.exists(["interfaces", "tunnel", "tun0", "remote"])


def test_on_12_it_takes_a_delete_and_recreate_in_one_commit(console):
    cli, out = commit(console, "1.2", tunnel("1.2", remote="192.0.2.7"),
                      ["delete interfaces tunnel tun0"] + tunnel("1.2"))
    assert out == ""
    assert not cli.router.running.exists(["interfaces", "tunnel", "tun0", "remote-ip"])


def test_a_step_runs_only_when_its_part_changed(console):
    # 1.4: two keyless mGRE tunnels clash, but only a commit that touches a tunnel checks them
    cli = console("1.4")
    for name in ("tun0", "tun1"):
        for words in (["encapsulation", "gre"], ["source-address", SRC]):
            cli.router.running.set(["interfaces", "tunnel", name] + words)
    assert cli.configure(["set system domain-name lab.example"]) == {}
    assert cli("commit") == ""
    assert cli.configure(["set interfaces tunnel tun1 mtu 1400"]) == {}
    assert cli("commit") == refused(("interfaces tunnel tun1", MISSING_KEY + "source-interface/source-address"))


def test_a_refused_commit_keeps_the_session_and_changes_nothing(console):
    cli = console("1.3")
    before = cli.router.running.commands()
    assert cli.configure(nhrp("1.3", "tun5")) == {}
    assert cli("commit") == refused(("protocols nhrp", "Tunnel tun5 does not exist."))
    assert cli.router.running.commands() == before
    assert "Cannot exit" in cli("exit")
    assert cli("exit discard") == "exit\n"


def test_no_message_names_a_secret(console):
    cli, out = commit(console, "1.2", [], ipsec("1.2", bind="tun9"))
    assert "SECRET" not in out and out == refused(("vpn ipsec profile DMVPN bind tunnel tun9", "Must be mgre tunnel"))


def test_the_lab_doc_table_is_the_rule_list():
    diffs = commit_rules_table.stale(commit_rules_table.generated())
    assert not diffs, "stale docs/lab.md table (python tools/commit_rules_table.py --write):\n" + "".join(diffs)


def test_a_changed_rule_shows_as_stale():
    changed = [RULES[0]._replace(text="another text")] + list(RULES[1:])
    assert "another text" in "".join(commit_rules_table.stale(commit_rules_table.generated(changed)))


def test_the_lab_nics_are_the_ones_a_fresh_router_shows():
    shown = [line.split()[3] for line in default_config_lines("R1", "1.4") if line.startswith("set interfaces ethernet")]
    assert tuple(shown) == LAB_NICS


def test_a_nic_exists_without_its_configuration(console):
    # a config without eth0's node (an underlay loaded over the defaults) still has the NIC
    cli = console("1.4", initial_lines=["set system host-name R1"])
    assert cli.configure(tunnel("1.4", source=None) + ["set interfaces tunnel tun0 source-interface eth0",
                                                       "set vpn ipsec interface eth0"]) == {}
    assert cli("commit") == ""
