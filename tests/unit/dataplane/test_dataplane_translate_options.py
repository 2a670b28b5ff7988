"""The translator's DPD, TCP MSS, WAN firewall and second-cloud lines (vyos-1x current 3710c5879:
data/templates/ipsec/swanctl/profile.j2, python/vyos/ifconfig/interface.py set_tcp_ipv4_mss,
data/templates/firewall/nftables.j2 and python/vyos/firewall.py parse_rule)."""

import pytest

from dataplane import translate as tr

from test_dataplane_translate import SPOKE  # pylint: disable=import-error

HUB = """\
set interfaces ethernet eth0 address '198.51.100.41/30'
set interfaces ethernet eth1 address '192.168.1.1/24'
set interfaces tunnel tun0 address '10.0.0.1/32'
set interfaces tunnel tun0 encapsulation 'gre'
set interfaces tunnel tun0 source-address '198.51.100.41'
set interfaces tunnel tun0 parameters ip key '1'
set protocols nhrp tunnel tun0 network-id '1'
set system host-name 'HUB'
"""

FIREWALL = """\
set firewall ipv4 input filter default-action 'accept'
set firewall ipv4 input filter rule 9000 action 'accept'
set firewall ipv4 input filter rule 9000 inbound-interface name 'eth0'
set firewall ipv4 input filter rule 9000 state 'established'
set firewall ipv4 input filter rule 9000 state 'related'
set firewall ipv4 input filter rule 9010 action 'accept'
set firewall ipv4 input filter rule 9010 inbound-interface name 'eth0'
set firewall ipv4 input filter rule 9010 protocol 'gre'
set firewall ipv4 input filter rule 9030 action 'accept'
set firewall ipv4 input filter rule 9030 destination port '500,4500'
set firewall ipv4 input filter rule 9030 inbound-interface name 'eth0'
set firewall ipv4 input filter rule 9030 protocol 'udp'
set firewall ipv4 input filter rule 9030 source address '203.0.113.0/24'
set firewall ipv4 input filter rule 9040 action 'drop'
set firewall ipv4 input filter rule 9040 disable
set firewall ipv4 input filter rule 9099 action 'drop'
set firewall ipv4 input filter rule 9099 inbound-interface name 'eth0'
"""


def test_dead_peer_detection_goes_where_profile_j2_puts_it():
    g = tr.translate(SPOKE + "set vpn ipsec ike-group IKE-DMVPN dead-peer-detection action 'restart'\n"
                     "set vpn ipsec ike-group IKE-DMVPN dead-peer-detection interval '10'\n"
                     "set vpn ipsec ike-group IKE-DMVPN dead-peer-detection timeout '30'\n")
    conf = g.files["/etc/swanctl/conf.d/vyos.conf"].splitlines()
    conn = conf.index("    dmvpn-NHRPVPN-tun0 {")
    child = conf.index("            dmvpn-NHRPVPN-tun0-child {")
    assert conf.index("        dpd_timeout = 30") < child and conf.index("        dpd_delay = 10") < child
    assert conf.index("                dpd_action = restart") > child > conn
    assert g.dpd == {"dmvpn-NHRPVPN-tun0": {"action": "restart", "interval": "10", "timeout": "30", "version": "2"}}


def test_dead_peer_detection_defaults_once_the_node_exists():
    # vpn_ipsec.xml.in: action clear, interval 30, timeout 120
    g = tr.translate(SPOKE + "set vpn ipsec ike-group IKE-DMVPN dead-peer-detection\n")
    conf = g.files["/etc/swanctl/conf.d/vyos.conf"]
    assert "dpd_timeout = 120\n" in conf and "dpd_delay = 30\n" in conf and "dpd_action = clear\n" in conf


def test_no_dead_peer_detection_no_dpd_lines():
    conf = tr.translate(SPOKE).files["/etc/swanctl/conf.d/vyos.conf"]
    assert "dpd_" not in conf and "close_action" not in conf


def test_close_action_mobike_reauth_are_accepted_and_not_rendered_for_a_profile():
    # swanctl/profile.j2 renders none of them (peer.j2 does, for site-to-site peers only)
    plain = tr.translate(SPOKE).files["/etc/swanctl/conf.d/vyos.conf"]
    g = tr.translate(SPOKE + "set vpn ipsec ike-group IKE-DMVPN close-action 'trap'\n"
                     "set vpn ipsec ike-group IKE-DMVPN disable-mobike\n"
                     "set vpn ipsec ike-group IKE-DMVPN ikev2-reauth\n")
    assert g.files["/etc/swanctl/conf.d/vyos.conf"] == plain


def test_unknown_ike_group_leaf_is_refused():
    with pytest.raises(tr.TranslateError, match="SPOKE1: no translation for .*ike-group IKE-DMVPN mode"):
        tr.translate(SPOKE + "set vpn ipsec ike-group IKE-DMVPN mode 'aggressive'\n")


def test_mtu_and_adjust_mss():
    g = tr.translate(SPOKE + "set interfaces tunnel tun0 mtu '1400'\nset interfaces tunnel tun0 ip adjust-mss '1360'\n")
    assert "ip link set dev tun0 mtu 1400" in g.commands
    assert g.tunnel["mtu"] == 1400 and g.tunnel["adjust_mss"] == "1360"
    rules = g.files["/run/nftables_tcp_mss.conf"]
    assert "type filter hook forward priority -300; policy accept;" in rules
    assert ('oifname "tun0" tcp flags & (syn|rst) == syn tcp option maxseg size 1361-65535 '
            "tcp option maxseg size set 1360") in rules
    assert "nft --file /run/nftables_tcp_mss.conf" in g.commands


def test_clamp_mss_to_pmtu():
    g = tr.translate(SPOKE + "set interfaces tunnel tun0 ip adjust-mss 'clamp-mss-to-pmtu'\n")
    assert "tcp option maxseg size set rt mtu" in g.files["/run/nftables_tcp_mss.conf"]


def test_no_adjust_mss_no_rule():
    assert "/run/nftables_tcp_mss.conf" not in tr.translate(SPOKE).files


def test_wan_firewall_is_nftables_vyos_filter():
    g = tr.translate(HUB + FIREWALL)
    assert g.firewall
    assert g.files["/run/nftables_firewall.conf"].splitlines() == [
        "table ip vyos_filter", "delete table ip vyos_filter", "table ip vyos_filter {",
        "    chain VYOS_INPUT_filter {",
        "        type filter hook input priority filter; policy accept;",
        '        ct state {established,related} iifname {eth0} counter accept comment "ipv4-INP-filter-9000"',
        '        meta l4proto gre iifname {eth0} counter accept comment "ipv4-INP-filter-9010"',
        # parse_rule: destination before source, each address then port
        "        meta l4proto udp udp dport {500,4500} ip saddr 203.0.113.0/24 iifname {eth0} counter accept "
        'comment "ipv4-INP-filter-9030"',
        '        iifname {eth0} counter drop comment "ipv4-INP-filter-9099"',
        '        counter accept comment "INP-filter default-action accept"',
        "    }", "}"]


def test_named_set_and_jump():
    g = tr.translate(HUB + "set firewall ipv4 name DMVPN-WAN rule 10 action 'accept'\n"
                     "set firewall ipv4 name DMVPN-WAN rule 10 protocol 'esp'\n"
                     "set firewall ipv4 input filter rule 5 action 'jump'\n"
                     "set firewall ipv4 input filter rule 5 jump-target 'DMVPN-WAN'\n")
    rules = g.files["/run/nftables_firewall.conf"]
    assert 'counter jump NAME_DMVPN-WAN comment "ipv4-INP-filter-5"' in rules
    assert "    chain NAME_DMVPN-WAN {\n" in rules
    assert 'counter drop comment "NAM-DMVPN-WAN default-action drop"' in rules   # default-action.xml.i: drop


@pytest.mark.parametrize("line, words", [
    ("set firewall ipv4 input filter rule 10 tcp flags syn", "rule 10: no translation for tcp"),
    ("set firewall ipv4 input filter rule 10 destination group network-group X", "destination group network-group"),
    ("set firewall ipv4 input filter rule 10 destination port '22'", "destination port without protocol"),
    ("set firewall ipv4 input filter rule 10 source address '1.2.3.4;drop'", "not one address"),
    ("set firewall ipv6 input filter rule 10 action 'drop'", "firewall ipv6 input filter rule 10"),
    ("set firewall global-options state-policy established action 'accept'", "firewall global-options"),
])
def test_unknown_firewall_lines_are_refused(line, words):
    with pytest.raises(tr.TranslateError) as err:
        tr.translate(HUB + line + "\n")
    assert str(err.value).startswith("HUB: ") and words in str(err.value)


def test_two_clouds_two_tunnels_two_connections():
    two = SPOKE + """\
set interfaces tunnel tun1 address '10.1.0.11/32'
set interfaces tunnel tun1 encapsulation 'gre'
set interfaces tunnel tun1 parameters ip key '2'
set interfaces tunnel tun1 source-interface 'eth0'
set protocols nhrp tunnel tun1 network-id '2'
set protocols nhrp tunnel tun1 nhs tunnel-ip 10.1.0.1 nbma '198.51.100.45'
set protocols nhrp tunnel tun1 shortcut
set vpn ipsec profile NHRPVPN2 authentication mode 'pre-shared-secret'
set vpn ipsec profile NHRPVPN2 authentication pre-shared-secret 'Another-1'
set vpn ipsec profile NHRPVPN2 bind tunnel 'tun1'
set vpn ipsec profile NHRPVPN2 esp-group 'ESP-DMVPN'
set vpn ipsec profile NHRPVPN2 ike-group 'IKE-DMVPN'
"""
    g = tr.translate(two, strongswan="patched")
    assert "ip tunnel add tun1 mode gre dev eth0 key 2 tos inherit ttl 64" in g.commands
    assert sorted(g.tunnels) == ["tun0", "tun1"] and g.tunnel["name"] == "tun0"
    conf = g.files["/etc/swanctl/conf.d/vyos.conf"]
    assert "    dmvpn-NHRPVPN-tun0 {" in conf and "    dmvpn-NHRPVPN2-tun1 {" in conf
    assert "    ike-dmvpn-tun1 {\n        secret = Another-1\n" in conf
    frr = g.files["/etc/frr/frr.conf"]
    assert " tunnel protection vici profile dmvpn-NHRPVPN-tun0-child" in frr
    assert " tunnel protection vici profile dmvpn-NHRPVPN2-tun1-child" in frr
    assert frr.index("interface tun1") > frr.index(" tunnel protection vici profile dmvpn-NHRPVPN-tun0-child")
    assert g.nhrp["tun1"]["network_id"] == "2" and g.nhrp["tun1"]["nhs"] == [("10.1.0.1", "198.51.100.45")]


def test_frr_start_waits_for_its_configuration_to_run():
    # a loaded guest's watchfrr may restart nhrpd after frr.conf was loaded (seen in the lab)
    g = tr.translate(SPOKE)
    assert g.files["/run/frr-markers.txt"].splitlines() == [
        "ip nhrp nhs 10.0.0.1 nbma 198.51.100.41", "ip nhrp network-id 1",
        "ip route 10.0.0.0/24 10.0.0.1 tun0 250", "ip route 192.168.0.0/16 10.0.0.1 tun0"]
    start = g.commands.index("systemctl start frr.service")
    assert any("vtysh -b" in line for line in g.commands[start:])


def test_address_group_is_a_set_the_rule_names():
    # the shape of the collection's WAN rules: peers in an address group (nftables-defines.j2)
    g = tr.translate(HUB + "set firewall group address-group DMVPN-PEERS address '203.0.113.11'\n"
                     "set firewall group address-group DMVPN-PEERS address '203.0.113.12'\n"
                     "set firewall ipv4 input filter rule 9901 action 'accept'\n"
                     "set firewall ipv4 input filter rule 9901 protocol 'esp'\n"
                     "set firewall ipv4 input filter rule 9901 source group address-group 'DMVPN-PEERS'\n")
    lines = g.files["/run/nftables_firewall.conf"].splitlines()
    start = lines.index("    set A_DMVPN-PEERS {")
    assert lines[start:start + 6] == ["    set A_DMVPN-PEERS {", "        type ipv4_addr", "        flags interval",
                                      "        auto-merge", "        elements = { 203.0.113.11,203.0.113.12 }", "    }"]
    assert start < lines.index("    chain VYOS_INPUT_filter {")
    assert '        meta l4proto esp ip saddr @A_DMVPN-PEERS counter accept comment "ipv4-INP-filter-9901"' in lines


def test_two_clouds_over_two_isps_have_two_wans_and_one_lan():
    # inventories/dual_cloud's spoke shape: cloud1 over eth0 (ISP 1), cloud2 over eth2 (ISP 2)
    text = SPOKE.replace("set interfaces ethernet eth0 address 'dhcp'\n", "set interfaces ethernet eth0 address '198.51.100.11/24'\n")
    text += """\
set interfaces ethernet eth2 address '203.0.113.11/24'
set interfaces tunnel tun1 address '10.2.0.11/32'
set interfaces tunnel tun1 encapsulation 'gre'
set interfaces tunnel tun1 parameters ip key '2'
set interfaces tunnel tun1 source-interface 'eth2'
set protocols nhrp tunnel tun1 network-id '2'
set vpn ipsec interface 'eth2'
"""
    g = tr.translate(text)
    assert g.wan == ("eth0", "198.51.100.11")
    assert sorted(g.wans) == [("eth0", "198.51.100.11"), ("eth2", "203.0.113.11")]
    assert [(n, str(i)) for n, i in g.lans] == [("eth1", "192.168.11.1/24")]


def test_a_dhcp_wan_stays_the_wan_beside_a_static_second_one():
    g = tr.translate(SPOKE + "set interfaces ethernet eth2 address '203.0.113.11/24'\n"
                     "set interfaces tunnel tun1 source-interface 'eth2'\n"
                     "set interfaces tunnel tun1 encapsulation 'gre'\n")
    assert g.wan == ("eth0", "dhcp") and g.wans == [("eth2", "203.0.113.11")]
    assert [n for n, i in g.lans] == ["eth1"]


# The 1.5 lines of the collection's WAN firewall with drop_other (fw branch, tests/unit/dmvpn_core/
# test_firewall.py expected()): the translator takes every one of them.
COLLECTION_FIREWALL = "".join("set firewall ipv4 input filter rule %s\n" % line for line in (
    "9900 action 'accept'", "9900 description 'dmvpn.vyos: established/related'", "9900 inbound-interface name 'eth0'",
    "9900 state 'established'", "9900 state 'related'",
    "9901 action 'accept'", "9901 description 'dmvpn.vyos: GRE from DMVPN peers'", "9901 inbound-interface name 'eth0'",
    "9901 protocol 'gre'", "9901 source group address-group 'DMVPN-PEERS'",
    "9903 action 'accept'", "9903 inbound-interface name 'eth0'", "9903 protocol 'udp'", "9903 destination port '500'",
    "9903 source group address-group 'DMVPN-PEERS'",
    "9905 action 'accept'", "9905 description 'dmvpn.vyos: SSH'", "9905 inbound-interface name 'eth0'",
    "9905 protocol 'tcp'", "9905 destination port '22'",
    "9999 action 'drop'", "9999 description 'dmvpn.vyos: drop the rest on the WAN'", "9999 inbound-interface name 'eth0'")) + \
    "set firewall group address-group DMVPN-PEERS address '203.0.113.11'\n"


def test_the_collections_wan_rules_translate():
    rules = tr.translate(HUB + COLLECTION_FIREWALL).files["/run/nftables_firewall.conf"].splitlines()
    assert [line.strip() for line in rules if "comment" in line] == [
        'ct state {established,related} iifname {eth0} counter accept comment "ipv4-INP-filter-9900"',
        'meta l4proto gre ip saddr @A_DMVPN-PEERS iifname {eth0} counter accept comment "ipv4-INP-filter-9901"',
        'meta l4proto udp udp dport {500} ip saddr @A_DMVPN-PEERS iifname {eth0} counter accept comment "ipv4-INP-filter-9903"',
        'meta l4proto tcp tcp dport {22} iifname {eth0} counter accept comment "ipv4-INP-filter-9905"',
        'iifname {eth0} counter drop comment "ipv4-INP-filter-9999"',
        'counter accept comment "INP-filter default-action accept"']
