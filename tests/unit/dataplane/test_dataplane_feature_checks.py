"""The dataplane's option checks: what they read, and NOT RUN when the option is absent."""

import os

import pytest

from dataplane import checks, feature_checks as fc, run as dprun, translate as tr
from test_dataplane_translate import SPOKE  # pylint: disable=import-error

# tcpdump -n -v on a LAN host's interface: the SYN it sent and the SYN-ACK that came back.
TCPDUMP = """\
12:00:00.000001 IP (tos 0x0, ttl 64, id 4242, offset 0, flags [DF], proto TCP (6), length 60)
    192.168.11.10.40000 > 192.168.1.10.8080: Flags [S], cksum 0x1a2b (incorrect -> 0x3c4d), seq 1, win 64240, \
options [mss 1460,sackOK,TS val 1 ecr 0,nop,wscale 7], length 0
12:00:00.010001 IP (tos 0x0, ttl 61, id 0, offset 0, flags [DF], proto TCP (6), length 60)
    192.168.1.10.8080 > 192.168.11.10.40000: Flags [S.], cksum 0x5e6f (correct), seq 9, ack 2, win 65160, \
options [mss 1360,sackOK,TS val 2 ecr 1,nop,wscale 7], length 0
12:00:00.010101 IP (tos 0x0, ttl 64, id 4243, offset 0, flags [DF], proto TCP (6), length 52)
    192.168.11.10.40000 > 192.168.1.10.8080: Flags [.], cksum 0x7a8b (incorrect -> 0x9cad), ack 1, win 502, length 0
"""


def test_parse_syn_mss_reads_syn_and_syn_ack_only():
    assert fc.parse_syn_mss(TCPDUMP) == [("S", 1460), ("S.", 1360)]


def test_ikev2_dead_peer_budget_is_strongswans_retransmission_schedule():
    # 4 s, then x1.8 for each of 5 retransmissions: 4 + 7.2 + 12.96 + 23.33 + 41.99 + 75.58
    assert fc.IKEV2_RETRANSMIT_BUDGET == pytest.approx(165.06, abs=0.01)


class FakeRun:
    def __init__(self):
        self.report = checks.Report()
        self.extra_note = ""
        self.extra = {}
        self.hubs, self.spokes = ["HUB"], ["SPOKE1", "SPOKE2"]


def test_checks_of_absent_options_are_not_run():
    run = FakeRun()
    guests = {"HUB": tr.translate(SPOKE.replace("SPOKE1", "HUB")), "SPOKE1": tr.translate(SPOKE),
              "SPOKE2": tr.translate(SPOKE.replace("SPOKE1", "SPOKE2"))}
    fc.check_mss(run, "static", guests, "SPOKE1", "HUB")
    fc.check_firewall(run, "static", guests, {}, "HUB")
    fc.check_dpd(run, "static", guests, {}, "HUB", "SPOKE1", dprun.nbma_of)
    fc.check_clouds(run, "static", guests)
    assert [(c.name, c.result) for c in run.report.checks] == [
        ("TCP MSS clamped through the tunnel", checks.NOT_RUN), ("WAN firewall drops other traffic", checks.NOT_RUN),
        ("hub DPD detects a dead spoke", checks.NOT_RUN), ("spoke <-> spoke over each cloud", checks.NOT_RUN)]
    assert not run.report.passed
    assert "adjust-mss" in run.report.checks[0].evidence and "no second tunnel" in run.report.checks[3].evidence


def test_extra_file_lines_per_role(tmp_path):
    path = tmp_path / "extra.yml"
    path.write_text("all: [\"set a 'x'\"]\nhubs: [\"set b 'y'\"]\nSPOKE1: [\"set c 'z'\"]\n")
    extra = dprun.load_extra(str(path))
    assert dprun.extra_lines(extra, "HUB", ["HUB"]) == ["set a 'x'", "set b 'y'"]
    assert dprun.extra_lines(extra, "SPOKE1", ["HUB"]) == ["set a 'x'", "set c 'z'"]


def test_extra_file_refuses_what_is_not_a_set_line(tmp_path):
    path = tmp_path / "extra.yml"
    path.write_text("all: [\"delete interfaces tunnel tun0\"]\n")
    with pytest.raises(RuntimeError, match="not a set line: delete interfaces tunnel tun0"):
        dprun.load_extra(str(path))


def _golden_router(name, version="1.5"):
    """One router's lines in the dataplane inventory's golden rendering (what site.yml sends)."""
    path = os.path.join(dprun.ROOT, "tests", "golden", "dataplane", "vyos-%s.txt" % version)
    lines, mine = [], False
    for line in open(path).read().splitlines():
        if line.startswith("## "):
            mine = line.split()[1] == name
        elif mine and line.startswith("set "):
            lines.append(line)
    return "".join(line + "\n" for line in lines)


def test_the_collections_own_options_translate_on_the_hub():
    # The dataplane inventory's adjust-mss, DPD and WAN firewall come from the collection's
    # rendering (tests/golden/dataplane/vyos-1.5.txt), not from --extra lines; the translator
    # follows vyos-1x current 3710c5879 data/templates/firewall/nftables.j2.
    assert dprun.extra_lines(dprun.load_extra(os.path.join(dprun.ROOT, "dataplane", "extra-options.yml")),
                             "HUB", ["HUB"]) == []
    # (the golden holds the DMVPN lines only: the underlay is the recorded router's)
    own = [line for line in _golden_router("HUB").splitlines()
           if line.startswith(("set firewall ", "set interfaces tunnel tun0 ip adjust-mss "))]
    assert len(own) > 10
    hub = tr.translate(SPOKE.replace("SPOKE1", "HUB") + "".join(line + "\n" for line in own))
    assert hub.firewall and hub.tunnel["adjust_mss"] == "1360"
    rules = hub.files["/run/nftables_firewall.conf"]
    for proto in ("gre", "esp"):
        assert "meta l4proto %s iifname {eth0} counter accept" % proto in rules
    assert "udp dport {500}" in rules and "udp dport {4500}" in rules and "tcp dport {22}" in rules
    assert 'iifname {eth0} counter drop comment "ipv4-INP-filter-9999"' in rules


def test_extra_note_only_on_options_the_extra_file_added():
    run = FakeRun()
    run.extra, run.extra_note = {"hubs": ["set firewall ipv4 input filter rule 9099 action 'drop'"]}, " [x]"
    assert fc.extra_note(run, "firewall") == " [x]" and fc.extra_note(run, "dead-peer-detection") == ""
