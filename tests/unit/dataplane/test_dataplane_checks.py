"""The dataplane checks' parsers, on output recorded from the lab's VMs."""


from dataplane import checks
from fixture_files import text


def real(name):
    return text("dataplane", name)


SAS = """\
dmvpn-NHRPVPN-tun0: #3, ESTABLISHED, IKEv2, 6af68466c05199cb_i 525831bb1e62fe4e_r*
  local  '198.51.100.41' @ 198.51.100.41[4500]
  remote '203.0.113.12' @ 203.0.113.12[4500]
  AES_CBC-256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048
  dmvpn-NHRPVPN-tun0-child: #4, reqid 3, INSTALLED, TRANSPORT, ESP:AES_CBC-256/HMAC_SHA2_256_128
dmvpn-NHRPVPN-tun0: #5, CONNECTING, IKEv2, 1c21e14ccbe1abad_i* 0000000000000000_r
  local  '198.51.100.41' @ 198.51.100.41[500]
  remote '203.0.113.13' @ 203.0.113.13[500]
"""

XFRM = """\
src 198.51.100.41 dst 203.0.113.12
\tproto esp spi 0xcd947003 reqid 3 mode transport
src 203.0.113.12 dst 198.51.100.41
\tproto esp spi 0xc277bdcb reqid 3 mode transport
"""

CAPTURE = """\
1795886575.948438 IP 203.0.113.11 > 198.51.100.41: ESP(spi=0xcd947003,seq=0x2), length 136
1795886575.953785 IP 203.0.113.11 > 203.0.113.12: ESP(spi=0xc277bdcb,seq=0x2), length 136
1795886575.960000 IP 203.0.113.11.4500 > 198.51.100.41.4500: NONESP-encap: isakmp: child_sa  inf2
1795886575.970000 IP 203.0.113.11 > 198.51.100.41: GREv0, key=0x1, length 92: IP 10.0.0.11 > 10.0.0.1: ICMP echo
1795886575.980000 IP 192.168.11.10 > 192.168.12.10: ICMP echo request, id 7, seq 1, length 64
"""


def test_nhrp_cache_and_shortcuts_are_read_with_the_collections_parsers():
    """Real nhrpd output recorded by the capture mode (tests/fixtures/dataplane): the checks
    read it with status.parse_frr_nhrp / parse_frr_nhrp_shortcut (one format, one parser)."""
    cache = checks.nhrp_cache(real("static-HUB-show-ip-nhrp-cache.txt"))
    assert cache == {"10.0.0.1": ("local", "198.51.100.41"), "10.0.0.11": ("dynamic", "203.0.113.11"),
                     "10.0.0.12": ("dynamic", "203.0.113.12"), "10.0.0.13": ("dynamic", "203.0.113.13")}
    assert checks.nhrp_shortcuts(real("static-SPOKE1-show-ip-nhrp-shortcut.txt")) == \
        {"192.168.12.0/24": ("dynamic", "10.0.0.12"), "192.168.13.0/24": ("dynamic", "10.0.0.13")}
    assert checks.nhrp_shortcuts(real("static-HUB-show-ip-nhrp-shortcut.txt")) == {}   # "% No entries"


def test_real_swanctl_output_is_read():
    sas = checks.parse_swanctl_sas(real("static-SPOKE1-swanctl-list-sas.txt"))
    sa = checks.established_with(sas, "198.51.100.41")
    assert (sa["version"], sa["local"], sa["children"][0][:3]) == \
        ("IKEv2", "203.0.113.11", ("dmvpn-NHRPVPN-tun0-child", "INSTALLED", "TRANSPORT"))


def test_only_an_established_sa_with_an_installed_child_counts():
    sas = checks.parse_swanctl_sas(SAS)
    assert checks.established_with(sas, "203.0.113.12")["children"][0][1:3] == ("INSTALLED", "TRANSPORT")
    assert checks.established_with(sas, "203.0.113.13") is None
    assert checks.xfrm_states_between(XFRM, "203.0.113.12", "198.51.100.41") == (1, 1)
    assert checks.xfrm_states_between(XFRM, "203.0.113.13", "198.51.100.41") == (0, 0)


def test_capture_classification_counts_cleartext_gre_and_lan_packets():
    kinds, pairs = checks.classify_capture(CAPTURE, ["192.168.11.0/24", "192.168.12.0/24"])
    assert kinds == {"esp": 2, "gre": 1, "ike": 1, "lan": 1, "other": 0}
    assert pairs == {("203.0.113.11", "198.51.100.41"): 1, ("203.0.113.11", "203.0.113.12"): 1}


def test_ping_and_route_get():
    out = "64 bytes from 192.168.12.10: icmp_seq=1 ttl=61 time=6 ms\n" \
          "64 bytes from 192.168.12.10: icmp_seq=2 ttl=62 time=5 ms\n" \
          "3 packets transmitted, 2 received, 33% packet loss, time 2003ms\n"
    assert checks.parse_ping(out) == (3, 2, [61, 62])
    assert checks.replied_seqs(out) == [1, 2]
    assert checks.parse_ping("connect: Network is unreachable") == (0, 0, [])
    assert checks.route_get_via("192.168.12.10 via 10.0.0.1 dev tun0 src 10.0.0.11 uid 0") == "10.0.0.1"
    assert checks.route_get_via("192.168.12.10 dev tun0 src 10.0.0.11 uid 0") is None


def test_a_report_with_a_failed_or_missing_check_does_not_pass():
    report = checks.Report()
    assert not report.passed                       # nothing ran: not a pass
    report.add("static", "ping", "A->B", True, "5/5")
    assert report.passed
    report.not_run("bgp", "BGP session", "SPOKE1", "the phase stopped")
    assert not report.passed
    assert report.counts() == {"PASS": 1, "FAIL": 0, "NOT RUN": 1}
    assert "NOT RUN" in report.table()


def test_bgp_json():
    summary = {"peers": {"10.0.0.11": {"state": "Established"}, "10.0.0.12": {"state": "Active"}}}
    assert checks.bgp_established_peers(summary) == {"10.0.0.11": "Established", "10.0.0.12": "Active"}
    routes = {"192.168.12.0/24": [{"selected": True}], "192.168.13.0/24": [{"selected": False}]}
    assert checks.bgp_route_prefixes(routes) == {"192.168.12.0/24"}
