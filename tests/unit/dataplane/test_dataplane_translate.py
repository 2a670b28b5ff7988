"""The dataplane translator: VyOS 1.5 configuration -> Linux/FRR/strongSwan, as VyOS renders it."""

import pytest

from dataplane import translate as tr

SPOKE = """\
set interfaces ethernet eth0 address 'dhcp'
set interfaces ethernet eth1 address '192.168.11.1/24'
set interfaces loopback lo
set interfaces tunnel tun0 address '10.0.0.11/32'
set interfaces tunnel tun0 enable-multicast
set interfaces tunnel tun0 encapsulation 'gre'
set interfaces tunnel tun0 parameters ip key '1'
set interfaces tunnel tun0 source-interface 'eth0'
set protocols nhrp tunnel tun0 authentication 'NHRPKEY'
set protocols nhrp tunnel tun0 multicast '198.51.100.41'
set protocols nhrp tunnel tun0 network-id '1'
set protocols nhrp tunnel tun0 nhs tunnel-ip 10.0.0.1 nbma '198.51.100.41'
set protocols nhrp tunnel tun0 redirect
set protocols nhrp tunnel tun0 shortcut
set protocols static route 10.0.0.0/24 next-hop 10.0.0.1 distance '250'
set protocols static route 10.0.0.0/24 next-hop 10.0.0.1 interface 'tun0'
set protocols static route 192.168.0.0/16 next-hop 10.0.0.1 interface 'tun0'
set system host-name 'SPOKE1'
set vpn ipsec esp-group ESP-DMVPN lifetime '1800'
set vpn ipsec esp-group ESP-DMVPN pfs 'dh-group14'
set vpn ipsec esp-group ESP-DMVPN proposal 1 encryption 'aes256'
set vpn ipsec esp-group ESP-DMVPN proposal 1 hash 'sha256'
set vpn ipsec ike-group IKE-DMVPN key-exchange 'ikev2'
set vpn ipsec ike-group IKE-DMVPN lifetime '3600'
set vpn ipsec ike-group IKE-DMVPN proposal 1 dh-group '14'
set vpn ipsec ike-group IKE-DMVPN proposal 1 encryption 'aes256'
set vpn ipsec ike-group IKE-DMVPN proposal 1 hash 'sha256'
set vpn ipsec interface 'eth0'
set vpn ipsec profile NHRPVPN authentication mode 'pre-shared-secret'
set vpn ipsec profile NHRPVPN authentication pre-shared-secret 'PSK-1'
set vpn ipsec profile NHRPVPN bind tunnel 'tun0'
set vpn ipsec profile NHRPVPN esp-group 'ESP-DMVPN'
set vpn ipsec profile NHRPVPN ike-group 'IKE-DMVPN'
"""

HUB_BGP = """\
set interfaces ethernet eth0 address '198.51.100.41/30'
set interfaces ethernet eth1 address '192.168.1.1/24'
set interfaces tunnel tun0 address '10.0.0.1/32'
set interfaces tunnel tun0 encapsulation 'gre'
set interfaces tunnel tun0 source-address '198.51.100.41'
set protocols bgp system-as '65000'
set protocols bgp parameters router-id '10.0.0.1'
set protocols bgp peer-group DMVPN remote-as '65000'
set protocols bgp peer-group DMVPN address-family ipv4-unicast route-reflector-client
set protocols bgp peer-group DMVPN address-family ipv4-unicast attribute-unchanged next-hop
set protocols bgp listen range 10.0.0.0/24 peer-group 'DMVPN'
set protocols bgp address-family ipv4-unicast network 192.168.1.0/24
set protocols nhrp tunnel tun0 network-id '1'
set protocols nhrp tunnel tun0 redirect
set system host-name 'HUB'
"""


def test_tunnel_is_created_like_vyos_does():
    g = tr.translate(SPOKE)
    assert "ip tunnel add tun0 mode gre dev eth0 key 1 tos inherit ttl 64" in g.commands
    assert "ip link set dev tun0 multicast on" in g.commands
    assert "ip link set dev tun0 mtu 1476" in g.commands          # VyOS's default tunnel MTU
    assert "ip addr add 10.0.0.11/32 dev tun0" in g.commands
    assert g.wan == ("eth0", "dhcp") and [str(i) for n, i in g.lans] == ["192.168.11.1/24"]


def test_nhrp_becomes_nhrpd_lines_in_vyos_order():
    frr = tr.translate(SPOKE, strongswan="patched").files["/etc/frr/frr.conf"].splitlines()
    start = frr.index("interface tun0")
    assert frr[start:frr.index("exit", start) + 1] == [
        "interface tun0",
        " ip nhrp authentication NHRPKEY",
        " ip nhrp map multicast 198.51.100.41",
        " ip nhrp nhs 10.0.0.1 nbma 198.51.100.41",
        " ip nhrp network-id 1",
        " ip nhrp redirect",
        " ip nhrp shortcut",
        " tunnel protection vici profile dmvpn-NHRPVPN-tun0-child",
        "exit",
    ]
    assert "nhrp nflog-group 1" in frr and "nhrp multicast-nflog-group 2" in frr
    assert "ip route 10.0.0.0/24 10.0.0.1 tun0 250" in frr
    assert "ip route 192.168.0.0/16 10.0.0.1 tun0" in frr


def test_redirect_gets_the_nflog_rule_nhrpd_listens_to():
    nft = tr.translate(SPOKE).files["/run/nftables_nhrp.conf"]
    assert 'iifname "tun0" oifname "tun0"' in nft and "log group 1" in nft
    assert 'oifname "tun0" ip daddr 224.0.0.0/4 counter log group 2' in nft


def test_ipsec_profile_becomes_the_swanctl_connection_vyos_writes():
    g = tr.translate(SPOKE, strongswan="patched")
    conf = g.files["/etc/swanctl/conf.d/vyos.conf"]
    for line in ("dmvpn-NHRPVPN-tun0 {", "proposals = aes256-sha256-modp2048", "version = 2", "rekey_time = 3600s",
                 "dmvpn-NHRPVPN-tun0-child {", "esp_proposals = aes256-sha256-modp2048", "rekey_time = 1800s",
                 "local_ts = dynamic[gre]", "mode = tunnel", "start_action = none", "ike-dmvpn-tun0 {"):
        assert line in conf
    assert g.adaptations == []
    assert g.files["/etc/strongswan.d/interfaces_use.conf"] == "charon {\n    interfaces_use = eth0\n}\n"


def test_stock_strongswan_adaptations_are_reported_not_hidden():
    g = tr.translate(SPOKE)
    conf = g.files["/etc/swanctl/conf.d/vyos.conf"]
    assert "start_action = trap" in conf and "mode = transport" in conf
    assert "tunnel protection" not in g.files["/etc/frr/frr.conf"]
    assert len(g.adaptations) == 2 and all(a.startswith("strongSwan:") for a in g.adaptations)


def test_psk_override_changes_only_the_secret():
    right = tr.translate(SPOKE).files["/etc/swanctl/conf.d/vyos.conf"]
    wrong = tr.translate(SPOKE, psk_override="wrong-key-on-purpose").files["/etc/swanctl/conf.d/vyos.conf"]
    assert right.replace("PSK-1", "wrong-key-on-purpose") == wrong


def test_bgp_becomes_bgpd_lines():
    g = tr.translate(HUB_BGP)
    frr = g.files["/etc/frr/frr.conf"].splitlines()
    start = frr.index("router bgp 65000")
    assert frr[start:] == [
        "router bgp 65000",
        " bgp router-id 10.0.0.1",
        " no bgp ebgp-requires-policy",
        " no bgp default ipv4-unicast",
        " no bgp network import-check",
        " neighbor DMVPN peer-group",
        " neighbor DMVPN remote-as 65000",
        " bgp listen range 10.0.0.0/24 peer-group DMVPN",
        " address-family ipv4 unicast",
        "  network 192.168.1.0/24",
        "  neighbor DMVPN route-reflector-client",
        "  neighbor DMVPN attribute-unchanged next-hop",
        "  neighbor DMVPN activate",
        " exit-address-family",
        "exit",
    ]
    assert "bgpd=yes" in g.files["/etc/frr/daemons"]
    assert g.wan == ("eth0", "198.51.100.41")


@pytest.mark.parametrize("line, words", [
    ("set interfaces tunnel tun1 encapsulation 'gretap'", "encapsulation gretap"),
    ("set firewall name X default-action 'drop'", "firewall name X"),
    ("set protocols ospf area 0 network 10.0.0.0/24", "protocols ospf"),
])
def test_what_is_not_translated_is_refused_not_dropped(line, words):
    with pytest.raises(tr.TranslateError) as err:
        tr.translate(SPOKE + line + "\n")
    assert "SPOKE1" in str(err.value) and words in str(err.value)


def test_a_1_2_bgp_instance_is_refused():
    with pytest.raises(tr.TranslateError, match="system-as"):
        tr.translate(SPOKE + "set protocols bgp 65000 neighbor 10.0.0.1 remote-as '65000'\n")
