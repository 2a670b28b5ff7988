"""A 1.5 lab router prints nhrpd's tables as real nhrpd does (issue 20): its header and row
layout are compared with what the dataplane lab's nhrpd printed (tests/fixtures/dataplane,
Debian 12's FRR 8.4; the columns are FRRouting/frr nhrpd/nhrp_vty.c's printf formats), line
for line, for the same entries."""


from vyos_lab import opmode_show
from fixture_files import text


def real(name):
    return text("dataplane", name).splitlines()


def test_the_cache_lines_are_nhrpds():
    hub = real("static-HUB-show-ip-nhrp-cache.txt")
    printed = opmode_show.frr_nhrp_cache([
        ("tun0", "local", "10.0.0.1", "198.51.100.41", "198.51.100.41", "", "-"),
        ("tun0", "dynamic", "10.0.0.12", "203.0.113.12", "203.0.113.12", "T", ""),
        ("tun0", "dynamic", "10.0.0.11", "203.0.113.11", "203.0.113.11", "T", "")]).splitlines()
    assert printed == [hub[0], hub[1], hub[2], hub[4]]
    moved = real("static-new-lease-HUB-show-ip-nhrp-cache.txt")   # the A flag (auth timer) as well
    assert opmode_show.frr_nhrp_cache([("tun0", "dynamic", "10.0.0.12", "203.0.113.112", "203.0.113.112", "TA", "")]) \
        .splitlines()[1] == moved[2]
    spoke = real("static-SPOKE1-show-ip-nhrp-cache.txt")
    assert opmode_show.frr_nhrp_cache([("tun0", "nhs", "10.0.0.1", "198.51.100.41", "198.51.100.41", "T", "")]) \
        .splitlines()[1] == spoke[1]


def test_the_nhs_and_shortcut_lines_are_nhrpds():
    assert opmode_show.frr_nhrp_nhs([("tun0", "198.51.100.41", "198.51.100.41", "10.0.0.1")]).splitlines() == \
        real("static-SPOKE1-show-ip-nhrp-nhs.txt")
    assert opmode_show.frr_nhrp_shortcut([("dynamic", "192.168.12.0/24", "10.0.0.12", ""),
                                          ("dynamic", "192.168.13.0/24", "10.0.0.13", "")]).splitlines() == \
        real("static-SPOKE1-show-ip-nhrp-shortcut.txt")


def test_no_entries_is_nhrpds_sentence():
    assert opmode_show.frr_nhrp_cache([]).splitlines() == real("static-HUB-show-ip-nhrp-nhs.txt")
    assert opmode_show.frr_nhrp_shortcut([]).splitlines() == real("static-HUB-show-ip-nhrp-shortcut.txt")
