"""Day-2 operations (issue 19): what operators do to a running DMVPN that ended green with a
wrong router at commit b303f4c. Each case pins its one outcome.

Inventory cases read the inventory as ansible-playbook does (tests/inventory_kit.py: the lab
inventory's copy, vault, templating) and call the filter site.yml's first play calls; each
is written as an operator writes YAML (raw text, not yaml.safe_dump, which would quote). At
b303f4c every one of them passed the check: the unquoted values reached the routers as
other values (PSK 342391 for 01234567, description True for yes), the structure mistakes
built a broken DMVPN.
"""

import json
import os
import re
import shutil
import stat
import subprocess
import time

import pytest
import yaml

from conftest import CANARIES, REPO, ROUTERS, SITE, InventoryCopy, all_output, recap, start_site, verify_rows
from labkit import BIN
from vyos_lab.lab import control_request
from vyos_lab.owner import REFUSED, read_token
from vyos_lab.vault import LAB_VAULT_ID

NUMBER = "is a number (YAML reads unquoted digits so, a leading 0 as octal, 0x as hex, a:b:c in base 60), not text"
FLOAT = "is a number (YAML reads unquoted 1.5, 1e+5 and .inf so), not text"
BOOLEAN = "is a boolean (YAML reads unquoted yes, no, on, off, true and false so), not text"
DATE = "is a date (YAML reads unquoted 2026-12-01 so), not text"


def append(inventory, host, text):
    """Append raw YAML ``text`` to ``host``'s host_vars file of the inventory copy."""
    with open(os.path.join(inventory.inventory, "host_vars", host + ".yml"), "a") as out:
        out.write(text.rstrip("\n") + "\n")


def edit_hosts(inventory, change):
    path = os.path.join(inventory.inventory, "hosts.yml")
    with open(path) as handle:
        data = yaml.safe_load(handle)
    change(data["all"]["children"]["dmvpn"]["children"])
    with open(path, "w") as out:
        yaml.safe_dump(data, out)


def spoke1_also_a_hub(groups):
    groups["dmvpn_hubs"]["hosts"]["SPOKE1"] = {}


# (case id, {host: raw YAML appended to its host_vars} or a hosts.yml edit, pinned problems:
# [(host, field, exact message, words of the fix)])
TYPE_CASES = [
    ("psk-unquoted-octal", {"SPOKE1": "dmvpn_ipsec_psk: 01234567"},
     [("SPOKE1", "dmvpn_ipsec_psk", NUMBER, "quote it")]),
    ("nhrp-secret-unquoted-yes", {"SPOKE2": "dmvpn_nhrp_secret: yes"},
     [("SPOKE2", "dmvpn_nhrp_secret", BOOLEAN, "quote it")]),
    ("description-unquoted-hex", {"HUB": "dmvpn_tunnel_description: 0x1F"},
     [("HUB", "dmvpn_tunnel_description", NUMBER, "dmvpn_tunnel_description: '...'")]),
    ("description-unquoted-base-60", {"HUB": "dmvpn_tunnel_description: 10:20:30"},
     [("HUB", "dmvpn_tunnel_description", NUMBER, "quote it")]),
    ("description-unquoted-float", {"HUB": "dmvpn_tunnel_description: 1.5e+10"},
     [("HUB", "dmvpn_tunnel_description", FLOAT, "quote it")]),
    ("description-unquoted-date", {"HUB": "dmvpn_tunnel_description: 2026-12-01"},
     [("HUB", "dmvpn_tunnel_description", DATE, "quote it")]),
    ("ike-group-name-unquoted-number", {"SPOKE1": "dmvpn_ike_group: {name: 1234, proposal: [{proposal_id: 1, "
                                                  "encryption: aes256, hash: sha256, dh_group: '14'}]}"},
     [("SPOKE1", "dmvpn_ike_group.name", NUMBER, "(name: '...')")]),
    ("underlay-hostname-unquoted-no", {"SPOKE2": "dmvpn_underlay: {hostname: no, interfaces: "
                                                 "[{name: eth1, address: 192.168.3.1/24}]}"},
     [("SPOKE2", "dmvpn_underlay.hostname", BOOLEAN, "quote it")]),
]
STRUCTURE_CASES = [
    ("host-in-both-role-groups", spoke1_also_a_hub,
     [("SPOKE1", "dmvpn_role", "the host is in both dmvpn_hubs and dmvpn_spokes, so its role depends on which "
       "group's variables win", "one of the two groups")]),
    ("two-hosts-one-router", {"SPOKE2": "ansible_port: 2202"},
     [("SPOKE2", "ansible_host", "reaches the same router as SPOKE1 (127.0.0.1 port 2202)", "its own router")]),
    ("localhost-and-127.0.0.1-one-router", {"SPOKE1": "ansible_host: localhost", "SPOKE2": "ansible_port: 2202"},
     [("SPOKE2", "ansible_host", "reaches the same router as SPOKE1 (127.0.0.1 port 2202)", "its own router")]),
    ("lan-covers-the-hubs-public-address", {"SPOKE2": "dmvpn_lan_prefixes: [198.51.100.0/24]"},
     [("SPOKE2", "dmvpn_lan_prefixes", "198.51.100.0/24 covers the public address 198.51.100.41 of hub HUB: the "
       "tunnel to it would be routed through the tunnel itself", "leave out every router's public")]),
    ("summary-covers-the-hubs-public-address", {"SPOKE1": "dmvpn_routing: via_hub\ndmvpn_summary_prefixes: [0.0.0.0/0]",
                                                "SPOKE2": "dmvpn_routing: via_hub", "HUB": "dmvpn_routing: via_hub"},
     [("SPOKE1", "dmvpn_summary_prefixes", "0.0.0.0/0 covers the public address 198.51.100.41 of hub HUB: the tunnel "
       "to it would be routed through the tunnel itself", "leave out every router's public")]),
    ("no-ike-proposal-in-common", {"SPOKE1": "dmvpn_ike_group: {name: IKE-DMVPN, proposal: [{proposal_id: 1, "
                                             "encryption: aes128, hash: sha1, dh_group: '2'}]}"},
     [("SPOKE1", "dmvpn_ike_group", "has no proposal in common with hub HUB (aes128/sha1/2 here, aes128/sha1, "
       "aes256/sha1 there)", "at least one identical proposal")]),
    ("no-esp-proposal-in-common", {"SPOKE2": "dmvpn_esp_group: {name: ESP-DMVPN, pfs: dh-group14, proposal: "
                                             "[{proposal_id: 1, encryption: aes128, hash: sha1}]}"},
     [("SPOKE2", "dmvpn_esp_group", "has no proposal in common with hub HUB (aes128/sha1 here, 3des/md5, aes256/sha1 there)",
       "at least one identical proposal")]),
]


# Item 6, values: at b303f4c everything after an address's "/" was dropped (a hub's /25 became
# the subnet's /24), commit-confirm minutes went to the router as given, and a PSK inside a
# rendered word made Ansible's no_log print 'pre-********-secret'.
SHARED_PSK = dict((host, "dmvpn_ipsec_psk: shared") for host in ("HUB", "SPOKE1", "SPOKE2"))
VALUE_CASES = [
    ("public-address-with-junk-after-it", {"SPOKE2": "dmvpn_public_address: 198.51.100.7/garbage"},
     [("SPOKE2", "dmvpn_public_address", "'198.51.100.7/garbage' is not an IPv4 address", "198.51.100.41")]),
    ("hub-tunnel-prefix-other-than-the-subnets", {"HUB": "dmvpn_tunnel_address: 10.0.0.1/25"},
     [("HUB", "dmvpn_tunnel_address", "'10.0.0.1/25' has prefix length /25 but dmvpn_tunnel_subnet is 10.0.0.0/24",
       "give the address alone (10.0.0.1) or with /24")]),
    ("commit-confirm-negative", {"HUB": "dmvpn_commit_confirm: -5"},
     [("HUB", "dmvpn_commit_confirm", "-5 is negative: VyOS refuses a negative commit-confirm time", "1 to 1440")]),
    ("commit-confirm-for-190-years", {"SPOKE1": "dmvpn_commit_confirm: 99999999"},
     [("SPOKE1", "dmvpn_commit_confirm", "99999999 minutes is more than a day: the rollback would not protect a "
       "lost session (the router would run unconfirmed that long)", "1 to 1440")]),
    ("psk-inside-the-keyword-pre-shared-secret", SHARED_PSK,
     [(host, "dmvpn_ipsec_psk", "occurs inside a word of the configuration the collection writes (after 'vpn ipsec "
       "profile NHRPVPN authentication mode'), so masking it would garble that output", "not part of a VyOS keyword")
      for host in ("HUB", "SPOKE1", "SPOKE2")]),
]


def run_case(tmp_path, observe, changes):
    inventory = InventoryCopy(tmp_path / "inventory")
    if callable(changes):
        edit_hosts(inventory, changes)
    else:
        for host, text in changes.items():
            append(inventory, host, text)
    result = inventory.check()
    observe.scan("\n".join(str(p) for p in result["problems"]))
    return result


@pytest.mark.parametrize("changes, expected", [pytest.param(c, e, id=i) for i, c, e in
                                               TYPE_CASES + STRUCTURE_CASES + VALUE_CASES])
def test_day2_inventory_case(tmp_path, observe, changes, expected):
    result = run_case(tmp_path, observe, changes)
    got = [(p["host"], p["field"], p["message"]) for p in result["problems"]]
    assert got == [item[:3] for item in expected], "\n".join(map(str, got))
    for problem, item in zip(result["problems"], expected):
        assert item[3] in problem["fix"], problem
    assert not any(secret in str(result["problems"]) for secret in CANARIES + ("01234567", "342391"))
    assert result["endpoints"] == {}


def test_day2_an_exponent_without_a_sign_is_text_and_reaches_the_router_as_written(tmp_path, observe):
    """YAML 1.1 (PyYAML, as Ansible reads it) needs a sign in a float's exponent: unquoted
    1.5e10 is the text '1.5e10', and the tunnel gets exactly that description."""
    result = run_case(tmp_path, observe, {"HUB": "dmvpn_tunnel_description: 1.5e10"})
    assert result["problems"] == []
    assert result["endpoints"]["HUB"]["tunnel"]["description"] == "1.5e10"


# -- partial runs and tags (item 1), on the converged seed topology -------------------------------
def _logins_and_commits(site):
    return {name: (site.handle.counters(name)["logins"], site.handle.counters(name)["commits"]) for name in ROUTERS}


@pytest.mark.lab
def test_day2_limit_still_checks_the_whole_inventory_before_the_underlay(seeded, observe):
    """--limit SPOKE1 with a host name that would add a command: refused by the validation
    play, no router logged into. (At b303f4c the validation play, on localhost, was left out
    by the limit; the underlay task committed the host name and the error said "no router
    was touched".)"""
    site = seeded()
    site.set(dmvpn_manage_underlay=True)
    site.host_vars("SPOKE1", dmvpn_underlay={"hostname": "SPOKE1; set system domain-name X", "interfaces": []})
    site.handle.thread.control(op="reset_counters")
    run = site.run(SITE, "--limit", "SPOKE1")
    output = all_output(run)
    observe.scan(output)
    observe.logins(sum(login for login, dummy in _logins_and_commits(site).values()))
    assert run.rc != 0
    assert "DMVPN inventory problems (no router was touched):" in output
    assert "SPOKE1: dmvpn_underlay.hostname:" in output
    assert _logins_and_commits(site) == {name: (0, 0) for name in ROUTERS}


@pytest.mark.lab
def test_day2_a_limit_that_leaves_dependent_routers_behind_stops_and_names_them(seeded, observe):
    """SPOKE1 gets a new tunnel address and only SPOKE1 is limited: the hub's and SPOKE2's
    routes to SPOKE1's LAN go via that address, so the run stops before any login and names
    both."""
    site = seeded()
    site.host_vars("SPOKE1", dmvpn_spoke_id=7)
    site.handle.thread.control(op="reset_counters")
    run = site.run(SITE, "--limit", "SPOKE1")
    output = all_output(run)
    observe.scan(output)
    assert run.rc != 0
    for name in ("HUB", "SPOKE2"):
        assert ("%s: --limit: is left out of --limit, but its configuration is built from SPOKE1, which this run may "
                "change: it would keep its old routes and peers (fix: add %s to --limit, or set "
                "dmvpn_allow_partial=true to change only the limited routers)" % (name, name)) in output, output[-3000:]
    assert _logins_and_commits(site) == {name: (0, 0) for name in ROUTERS}


@pytest.mark.lab
def test_day2_allow_partial_changes_only_the_limited_router_and_says_which_are_behind(seeded, observe):
    site = seeded()
    site.host_vars("SPOKE1", dmvpn_spoke_id=7)
    before = {name: site.handle.running(name) for name in ("HUB", "SPOKE2")}
    site.handle.thread.control(op="reset_counters")
    run = site.run(SITE, "--limit", "SPOKE1", "-e", "dmvpn_allow_partial=true", "-e", "dmvpn_verify=false")
    output = all_output(run)
    observe.scan(output)
    counters = _logins_and_commits(site)
    observe.commits(sum(commit for dummy, commit in counters.values()))
    assert run.rc == 0, output[-3000:]
    assert "WARNING: this partial run (--limit) leaves routers behind:" in output
    assert "HUB: --limit: is left out of --limit" in output and "SPOKE2: --limit: is left out of --limit" in output
    assert counters["SPOKE1"][1] == 1
    assert "set interfaces tunnel tun0 address '10.0.0.7/24'" in site.handle.running("SPOKE1")
    assert {name: counters[name] for name in ("HUB", "SPOKE2")} == {"HUB": (0, 0), "SPOKE2": (0, 0)}
    assert {name: site.handle.running(name) for name in ("HUB", "SPOKE2")} == before


@pytest.mark.lab
def test_day2_tags_that_select_nothing_stop_the_run(seeded, observe):
    site = seeded()
    site.handle.thread.control(op="reset_counters")
    run = site.run(SITE, "--tags", "hub")   # (the tag is hubs)
    output = all_output(run)
    observe.scan(output)
    assert run.rc != 0
    assert ("--tags hub selects no task of site.yml; its tags are validate, underlay, hubs, spokes and verify"
            in output), output[-2000:]
    assert _logins_and_commits(site) == {name: (0, 0) for name in ROUTERS}


# -- removal on VyOS 1.5 (item 4) ---------------------------------------------------------------
REMOVE = os.path.join(os.path.dirname(SITE), "remove_spoke.yml")


@pytest.mark.lab
def test_day2_removing_a_1_5_spoke_leaves_no_route_of_it_anywhere(site, observe):
    """On 1.5 the tunnel address is a /32 and the DMVPN's routes name ``interface tun0``: at
    b303f4c the removed spoke kept its routes (its endpoint was gathered without them), so
    ``remove_spoke.yml`` ended green with them left. Now the removed spoke has no static
    route and no tunnel left, and no other router keeps a route via its tunnel address."""
    s = site("1.5")
    converge = s.run(SITE, "-e", "dmvpn_verify=false")
    assert converge.rc == 0, all_output(converge)[-3000:]
    assert any(line.startswith("set protocols static route") and "interface 'tun0'" in line
               for line in s.handle.running("SPOKE2")), s.handle.running("SPOKE2")
    removed = s.run(REMOVE, "-e", "dmvpn_remove=SPOKE2")
    output = all_output(removed)
    observe.scan(output)
    assert removed.rc == 0, output[-3000:]
    left = s.handle.running("SPOKE2")
    assert [line for line in left if line.startswith("set protocols static")] == []
    assert not any("tunnel" in line for line in left), left
    for name in ("HUB", "SPOKE1"):
        assert not any("10.0.0.3" in line or "192.168.3.0/24" in line for line in s.handle.running(name)), name


# -- secrets never typed ahead of a refusal (item 9) ------------------------------------------
@pytest.mark.lab
def test_day2_a_refused_line_after_a_new_psk_leaves_no_trace_of_it_in_log_path(seeded, observe):
    """A PSK rotation and a holding-time change; SPOKE1 refuses the holding-time line (lab
    fault). At b303f4c the PSK line was typed in the same batch, ahead of it, and network_cli's
    error (the batch's echo) reached Ansible's log_path at -vvv with the new PSK in clear. Now
    the secret lines are typed last, alone, after every other line was accepted: the refusal
    comes first and the PSK is never sent to SPOKE1. SPOKE1 is left as it was."""
    site = seeded()
    new_psk = "Canary-PSK-rotated-day2"
    site.set(dmvpn_ipsec_psk=new_psk, dmvpn_nhrp_holding_time=600)
    before = site.handle.running("SPOKE1")
    site.handle.fault("SPOKE1", refuse_set="holding-time|holdtime")
    log = os.path.join(site.handle.workdir, "ansible.log")
    run = site.run(SITE, "-vvv", "--skip-tags", "verify", env={"ANSIBLE_LOG_PATH": log})
    with open(log) as handle:
        logged = handle.read()
    output = all_output(run)
    hits = observe.scan(output, logged, secrets=CANARIES + (new_psk,))
    assert run.rc != 0
    assert "fatal: [SPOKE1]" in output and "Set failed (lab fault injection)" in output
    assert site.handle.running("SPOKE1") == before
    assert hits == 0


# -- check mode (item 2) ------------------------------------------------------------------------
@pytest.mark.lab
@pytest.mark.parametrize("engine", ["network_cli", "fleet"])
def test_day2_check_mode_reports_a_pending_change_as_pending_and_a_rotated_psk_as_changed(seeded, observe, engine):
    """SPOKE1 gets a new tunnel address and the PSK is rotated; site.yml --check --diff: exit 0,
    verify marks the routers whose change is pending PENDING (not FAIL: the hub does not yet
    see 10.0.0.7 because SPOKE1 is not yet changed), the diff shows the PSK line as changed
    with the value masked, nothing is committed. The same with dmvpn_engine fleet, whose
    pending changes verify reads from the fleet task's registered result. (At b303f4c verify
    failed the check run, and the masked PSK was the same on both sides of the diff, so the
    diff did not show it; at ffcab31 the same happened with the fleet engine.)"""
    site = seeded()
    site.set(dmvpn_engine=engine)
    new_psk = "Canary-PSK-rotated-check"
    site.set(dmvpn_ipsec_psk=new_psk)
    site.host_vars("SPOKE1", dmvpn_spoke_id=7)
    before = {name: site.handle.running(name) for name in ROUTERS}
    site.handle.thread.control(op="reset_counters")
    run = site.run(SITE, "--check", "--diff")
    output = all_output(run)
    hits = observe.scan(output, secrets=CANARIES + (new_psk,))
    assert run.rc == 0, output[-4000:]
    rows = verify_rows(output)   # (the quoted tunnel description 'DMVPN hub and spokes' looks like a row too)
    assert {name: row.split()[-1] for name, row in rows.items() if name in ROUTERS} == \
        {"HUB": "PENDING", "SPOKE1": "PENDING", "SPOKE2": "PENDING"}, output[-3000:]
    assert "pending: NHRP: spoke 10.0.0.7 is not registered" in output, output[-3000:]
    assert "+set vpn ipsec profile NHRPVPN authentication pre-shared-secret '********' (changed)" in output
    assert {name: site.handle.counters(name)["commits"] for name in ROUTERS} == {name: 0 for name in ROUTERS}
    assert {name: site.handle.running(name) for name in ROUTERS} == before
    assert hits == 0


# -- renames (item 5) -------------------------------------------------------------------------
@pytest.mark.lab
def test_day2_renamed_groups_and_tunnel_leave_nothing_behind_and_the_next_run_changes_nothing(seeded, observe):
    """The hubs' IKE group renamed (IKE-HUB -> IKE-HUB2) and the tunnel renamed everywhere
    (tun0 -> tun5), one site.yml run: the old group and the old tunnel with its NHRP go in
    the same commit (at b303f4c they stayed for ever); the next run changes nothing."""
    site = seeded()
    site.host_vars("HUB", dmvpn_ike_group={"name": "IKE-HUB2", "lifetime": 3600, "proposal": [
        {"proposal_id": 1, "encryption": "aes256", "hash": "sha1"},
        {"proposal_id": 2, "encryption": "aes128", "hash": "sha1"}]})
    site.set(dmvpn_tunnel_name="tun5")
    site.handle.thread.control(op="reset_counters")
    renamed = site.run(SITE, "--skip-tags", "verify")
    output = all_output(renamed)
    observe.scan(output)
    assert renamed.rc == 0, output[-3000:]
    assert {name: site.handle.counters(name)["commits"] for name in ROUTERS} == {name: 1 for name in ROUTERS}
    for name in ROUTERS:
        lines = site.handle.running(name)
        assert not any(" tun0" in line or "'tun0'" in line for line in lines), (name, [line for line in lines if "tun0" in line])
        assert any(line.startswith("set protocols nhrp tunnel tun5 ") for line in lines), name
    assert not any("ike-group IKE-HUB " in line for line in site.handle.running("HUB"))
    again = site.run(SITE, "--skip-tags", "verify")
    assert again.rc == 0 and all(stats["changed"] == 0 for stats in recap(again).values()), all_output(again)[-3000:]


# -- a commit-confirm whose confirm never arrived (item 3) --------------------------------------
def _confirm_pending(site, name):
    return site.handle.router(name).confirm_timer is not None


@pytest.mark.lab
def test_day2_a_pending_commit_confirm_is_confirmed_when_the_router_holds_the_wanted_configuration_only(seeded, observe):
    """site.yml with dmvpn_commit_confirm: 2 loses SPOKE1's session at ``confirm``: the run
    fails, SPOKE1 holds the new configuration under a pending commit-confirm (VyOS 1.4: the
    commit-confirm.timer; the lab answers systemctl as VyOS's timer would).
    1. The inventory changed again meanwhile: SPOKE1 holds neither what the run wants nor its
       old configuration, so the re-run fails naming the pending rollback and its deadline,
       and touches nothing.
    2. Back to the first change: the re-run finds the timer and, since SPOKE1 holds what the
       run wants, confirms and saves it (changed); no rollback follows; the next run changes
       nothing.
    (At b303f4c the re-run found nothing to change, ended green, and the router rolled back
    when the timer ran out.)"""
    site = seeded()
    site.set(dmvpn_tunnel_description="confirmed later")
    site.handle.fault("SPOKE1", drop_on_command="^confirm$")
    lost = site.run(SITE, "--skip-tags", "verify", "-e", "dmvpn_commit_confirm=2")
    assert lost.rc != 0 and "fatal: [SPOKE1]" in all_output(lost)
    assert _confirm_pending(site, "SPOKE1")
    held = site.handle.running("SPOKE1")

    # 1. another configuration wanted now: stop, naming the deadline
    site.set(dmvpn_tunnel_description="yet another")
    commits = site.handle.counters("SPOKE1")["commits"]
    refused = site.run(SITE, "--skip-tags", "verify")
    assert refused.rc != 0
    assert re.search(r"a commit-confirm is pending on the router: it rolls back at \w{3} \d{4}-\d\d-\d\d "
                     r"\d\d:\d\d:\d\d UTC unless confirmed", all_output(refused)), all_output(refused)[-3000:]
    assert site.handle.running("SPOKE1") == held and site.handle.counters("SPOKE1")["commits"] == commits
    assert _confirm_pending(site, "SPOKE1")

    # 2. what SPOKE1 holds is wanted again: confirmed and saved
    site.set(dmvpn_tunnel_description="confirmed later")
    rerun = site.run(SITE, "--skip-tags", "verify")
    observe.scan(all_output(lost), all_output(refused), all_output(rerun))
    assert rerun.rc == 0, all_output(rerun)[-3000:]
    # (HUB and SPOKE2 took "yet another" in step 1 and change back here)
    assert recap(rerun)["SPOKE1"]["changed"] == 1
    assert not _confirm_pending(site, "SPOKE1")
    assert site.handle.running("SPOKE1") == held
    assert site.handle.router("SPOKE1").saved.commands() == site.handle.router("SPOKE1").running.commands()
    again = site.run(SITE, "--skip-tags", "verify")
    assert again.rc == 0 and recap(again)["SPOKE1"]["changed"] == 0


# -- verify with --limit (item 12) --------------------------------------------------------------
@pytest.mark.lab
def test_day2_verify_with_a_limit_verifies_the_limited_router_and_marks_no_other_failed(seeded, observe):
    """verify.yml --limit SPOKE1: SPOKE1 is verified (at b303f4c the comparing play, on
    localhost, was left out by the limit: nothing was verified and the run ended green), the
    other routers are shown as not checked, not as failed."""
    site = seeded()
    run = site.run(os.path.join(os.path.dirname(SITE), "verify.yml"), "--limit", "SPOKE1")
    output = all_output(run)
    observe.scan(output)
    assert run.rc == 0, output[-3000:]
    rows = verify_rows(output)
    assert rows["SPOKE1"].startswith("spoke 1/1 ") and rows["SPOKE1"].endswith(" OK"), rows
    assert rows["HUB"] == "hub - - - not checked (outside --limit)", rows
    assert rows["SPOKE2"] == "spoke - - - not checked (outside --limit)", rows


# -- the vault and the checkout's ansible.cfg (item 10) -------------------------------------------


def _vault(args, tmp_path, stdin=None):
    env = dict(os.environ, ANSIBLE_CONFIG=os.path.join(REPO, "ansible.cfg"), ANSIBLE_NOCOLOR="1",
               ANSIBLE_LOCAL_TEMP=str(tmp_path / "tmp"))
    return subprocess.run([os.path.join(BIN, "ansible-vault")] + args, cwd=REPO, env=env, capture_output=True,
                          text=True, stdin=stdin if stdin is not None else subprocess.DEVNULL, check=False,
                          timeout=120)


def test_day2_ansible_vault_in_the_checkout_asks_for_a_password_instead_of_using_the_labs(tmp_path, observe):
    """docs/secrets.md: ansible-vault run from the checkout asks for the user's password.
    At b303f4c ansible.cfg's vault_password_file made it encrypt with the committed lab password,
    silently (here: with no terminal, it asks, and the closed input ends it)."""
    run = _vault(["encrypt_string", "--name", "dmvpn_ipsec_psk", "Canary-PSK-for-prod"], tmp_path)
    assert run.returncode == 1, run.stdout + run.stderr
    assert "New Vault password" in run.stdout + run.stderr
    assert "$ANSIBLE_VAULT" not in run.stdout
    observe.scan(run.stdout, run.stderr)


def test_day2_a_vault_made_with_the_users_own_vault_id_opens_with_it_and_not_with_the_lab_password(tmp_path, observe):
    """The Vault steps of docs/secrets.md with the user's own vault id. At b303f4c the configured lab
    password was a second vault id, so this failed with 'The vault-ids default,prod are
    available to encrypt. Specify the vault-id to encrypt with --encrypt-vault-id'."""
    own = tmp_path / "own-password.txt"
    own.write_text("my-own-production-password\n")
    vault_file = tmp_path / "vault.yml"
    vault_file.write_text("---\ndmvpn_ipsec_psk: Canary-PSK-prod\n")
    made = _vault(["encrypt", "--vault-id", "prod@%s" % own, str(vault_file)], tmp_path)
    assert made.returncode == 0, made.stderr
    assert vault_file.read_text().splitlines()[0] == "$ANSIBLE_VAULT;1.2;AES256;prod"
    with_lab = _vault(["view", "--vault-id", LAB_VAULT_ID, str(vault_file)], tmp_path)
    with_own = _vault(["view", "--vault-id", "prod@%s" % own, str(vault_file)], tmp_path)
    assert with_lab.returncode == 1 and "Decryption failed" in with_lab.stderr, with_lab.stderr
    assert with_own.returncode == 0 and with_own.stdout == "---\ndmvpn_ipsec_psk: Canary-PSK-prod\n"
    observe.scan(with_lab.stdout, with_lab.stderr, made.stdout, made.stderr)


def test_day2_vyos_lab_reads_an_inventory_whose_vault_uses_another_password(tmp_path, observe):
    """`vyos_lab up --inventory X --vault-id ...`: the lab's routers come from an inventory whose
    vault is not the lab's (at b303f4c only the checkout-wide lab password could open it)."""
    from vyos_lab.__main__ import specs_from_inventory

    copy = tmp_path / "inventory"
    shutil.copytree(os.path.join(REPO, "inventories", "lab"), str(copy))
    own = tmp_path / "own-password.txt"
    own.write_text("my-own-production-password\n")
    vault_file = copy / "group_vars" / "dmvpn" / "vault.yml"
    plain = _vault(["decrypt", "--vault-id", LAB_VAULT_ID, "--output", "-", str(vault_file)], tmp_path)
    assert plain.returncode == 0, plain.stderr
    plain_file = tmp_path / "plain.yml"
    plain_file.write_text(plain.stdout)
    assert _vault(["encrypt", "--vault-id", "prod@%s" % own, "--output", str(vault_file), str(plain_file)],
                  tmp_path).returncode == 0
    plain_file.unlink()
    specs = specs_from_inventory(str(copy), ["prod@%s" % own])
    assert [(spec.name, spec.version) for spec in specs] == [("HUB", "1.4"), ("SPOKE1", "1.4"), ("SPOKE2", "1.4")]
    with pytest.raises(SystemExit, match="cannot read inventory"):
        specs_from_inventory(str(copy))  # (the lab's id by default: it cannot open this vault)


# -- locks across controllers (item 8) ------------------------------------------------------------
@pytest.mark.lab
def test_day2_a_commit_while_another_controllers_commit_is_in_progress_fails_instead_of_ending_green(seeded, observe):
    """Another controller's (or an operator's) commit is still running on HUB when ours is
    sent: VyOS refuses ours with 'Configuration system temporarily locked due to another
    commit in progress' and nothing else (vyos/vyatta-cfg src/commit/commit-algorithm.cpp
    doCommit; the lab does the same, router.py commits_in_progress). network_cli takes that
    answer for a success, so at b303f4c the run reported HUB changed with nothing committed."""
    site = seeded()
    operator_line = "set system domain-name 'other-controller.example'"
    site.handle.fault("HUB", foreign_commit={"on": "^commit", "lines": [operator_line], "hold_ms": 1500})
    before = site.running()
    site.set(dmvpn_tunnel_description="while another commit runs")
    ours = "set interfaces tunnel tun0 description 'while another commit runs'"
    with observe.counting(site):
        run = site.playbook(SITE, site.hosts_file, "--skip-tags", "verify", json_output=True)
        deadline = time.time() + 15   # (the other commit lands when its 1.5 s are over)
        while time.time() < deadline and operator_line not in site.handle.running("HUB"):
            time.sleep(0.1)
        now = site.running()
        rerun = site.run(SITE, "--skip-tags", "verify")
    assert run.rc != 0
    assert [r["msg"] for r in run.results("HUB") if r.get("failed")] == [
        "the router refused the commit: another session's commit was in progress (VyOS: 'Configuration system "
        "temporarily locked due to another commit in progress'); nothing of this run was committed and the router "
        "is left as that commit leaves it. Re-run to converge"]
    assert sorted(set(now["HUB"]) ^ set(before["HUB"])) == [operator_line]   # the other commit alone
    for name in ("SPOKE1", "SPOKE2"):
        assert now[name] == before[name], name   # (site.yml: spokes wait for their hubs' success)
    assert rerun.rc == 0 and all(recap(rerun)[name]["changed"] == 1 for name in ROUTERS)
    assert ours in site.handle.running("HUB") and operator_line in site.handle.running("HUB")
    assert observe.scan(all_output(run), all_output(rerun)) == 0


# -- the lab's control port and state files are its owner's (item 14) --------------------------
def _lab_request(site, request, token=None):
    """``request`` sent to the lab's control port, with ``token`` as its token field if given."""
    if token is not None:
        request = dict(request, token=token)
    return control_request("127.0.0.1", site.handle.lab.control_port, request, timeout=10)


@pytest.mark.lab
def test_day2_item14_lab_control_port_needs_owner_token(seeded, observe):
    """Anyone on the machine reaches 127.0.0.1: at f65371b a fault injected on the hub's commits,
    or a running configuration (with the PSK) read, needed nothing more. Now a request
    without the lab's token, or with another, is refused with one message and runs nothing;
    the token of the state dir (0600) is served."""
    site = seeded()
    hub = site.handle.router("HUB")
    before = (hub.faults.as_dict(), hub.running.commands())
    refusal = {"ok": False, "error": "PermissionError: " + REFUSED}
    attempts = [{"op": "fault", "router": "HUB", "set": {"fail_commits": 5}},
                {"op": "command", "router": "HUB", "command": "show configuration commands"},
                {"op": "export"}, {"op": "shutdown"}]
    for request in attempts:
        for token in (None, "guessed-" + "0" * 35):
            reply = _lab_request(site, request, token)
            observe.scan(json.dumps(reply))
            assert reply == refusal, request
    assert (hub.faults.as_dict(), hub.running.commands()) == before
    served = _lab_request(site, {"op": "counters"}, read_token(site.handle.lab.state_dir))
    assert served["ok"] is True and sorted(served["result"]) == list(ROUTERS)


@pytest.mark.lab
def test_day2_item14_lab_state_files_are_owner_only(seeded, observe):
    """After a site.yml run that saves on every router, the lab's state dir and its folders
    are 0700, config.boot (it holds the PSK), the SSH host key and the control token 0600:
    at f65371b they were 0755 and 0644, readable by every user of the machine."""
    site = seeded()
    site.set(dmvpn_tunnel_description="item 14 saved")
    with observe.counting(site):
        run = site.run(SITE, "--skip-tags", "verify")
    output = all_output(run)
    observe.scan(output)
    assert run.rc == 0, output[-3000:]
    assert {name: site.handle.counters(name)["saves"] for name in ROUTERS} == {name: 1 for name in ROUTERS}
    state = site.handle.lab.state_dir
    found = {}
    for folder, dirs, files in os.walk(state):
        for name in [""] + dirs + files:
            path = os.path.join(folder, name)
            found[os.path.relpath(path, state)] = stat.S_IMODE(os.stat(path).st_mode)
    expected = {".": 0o700, "control.token": 0o600, "ssh_host_ed25519_key": 0o600, "routers": 0o700}
    for name in ROUTERS:
        expected.update({"routers/" + name: 0o700, "routers/%s/config.boot" % name: 0o600})
    assert found == expected
    with open(os.path.join(state, "routers", "HUB", "config.boot")) as handle:
        assert CANARIES[0] in handle.read()   # the file is a secret, the mode is what keeps it


# -- verify names causes, not symptoms (item 12) ------------------------------------------------
VERIFY = os.path.join(os.path.dirname(SITE), "verify.yml")


def _problem_lines(output, host):
    """The ``- problem`` lines under ``host``'s row of verify's table (as the "Show the report"
    task prints it: one JSON string a line)."""
    shown = output[output.index("TASK [Show the report]"):]
    shown = shown[:shown.index("TASK [", 1)]
    lines, mine = [], False
    for text in re.findall(r'^ +"(.*)",?$', shown, re.M):
        if re.match(r"^[A-Z][A-Z0-9_]* +(hub|spoke) ", text):
            mine = text.startswith(host + " ")
        elif mine and text.startswith("    - "):
            lines.append(text[len("    - "):])
    return lines


@pytest.mark.lab
def test_day2_item12_ping_target_down_blames_target_not_spoke(seeded, observe):
    """SPOKE2 is down: verify marks SPOKE2 FAIL (its state could not be read) and neither
    SPOKE1, whose ping of SPOKE2's LAN got no reply, nor the hub, where SPOKE2 is not
    registered: their rows name the cause. (Before, all three were FAIL: SPOKE1 for "ping
    192.168.3.1: no reply", the hub for "spoke 10.0.0.3 is not registered", and SPOKE2 for
    "hub 10.0.0.1 is not registered", read from the empty result of an unreachable host.)"""
    site = seeded()
    site.handle.fault("SPOKE2", down=True)
    run = site.run(VERIFY)
    output = all_output(run)
    observe.scan(output)
    assert run.rc != 0
    rows = verify_rows(output)
    assert rows["HUB"] == "hub 1/1 1/1 0 spoke 10.0.0.3: cause at SPOKE2 (unreachable)", output[-4000:]
    assert rows["SPOKE1"] == "spoke 1/1 1/1 0 ping 192.168.3.1 failed: cause at SPOKE2 (unreachable)", rows
    assert rows["SPOKE2"] == "spoke 0/1 0/1 0 FAIL", rows
    assert [line.split(":")[0] for line in _problem_lines(output, "SPOKE2")] == ["could not read the state"]
    assert _problem_lines(output, "HUB") == [] and _problem_lines(output, "SPOKE1") == []


@pytest.mark.lab
def test_day2_item12_hub_without_return_route_is_the_fault(seeded, observe):
    """The hub lost its route to SPOKE1's LAN (only its default route to the upstream gateway
    covers 192.168.2.0/24). SPOKE1's ping of SPOKE2's LAN, from SPOKE1's LAN, reaches SPOKE2
    and its reply is lost at the hub; SPOKE2's ping of SPOKE1's LAN is lost there on its way.
    verify marks the hub FAIL with the missing route and the spokes "cause at HUB". (Before,
    the ping left from the tunnel address, so SPOKE1's came back and the hub passed, while
    SPOKE2 was FAIL for its ping.)"""
    site = seeded()
    site.handle.load("HUB", [line for line in site.handle.running("HUB") if "route 192.168.2.0/24" not in line])
    run = site.run(VERIFY)
    output = all_output(run)
    observe.scan(output)
    assert run.rc != 0
    rows = verify_rows(output)
    assert rows["HUB"] == "hub 2/2 2/2 0 FAIL", rows
    assert rows["SPOKE1"] == "spoke 1/1 1/1 0 ping 192.168.3.1 failed: cause at HUB (no route to 192.168.2.0/24)", rows
    assert rows["SPOKE2"] == "spoke 1/1 1/1 0 ping 192.168.2.1 failed: cause at HUB (no route to 192.168.2.0/24)", rows
    assert _problem_lines(output, "HUB") == [
        "no route to 192.168.2.0/24 (SPOKE1's ping of 192.168.3.1 fails)",
        "no route to 192.168.2.0/24 (SPOKE2's ping of 192.168.2.1 fails)"], output[-3000:]


@pytest.mark.lab
def test_day2_item12_ping_target_is_configurable(seeded, observe):
    """dmvpn_verify_ping_targets per host: SPOKE1 pings the hub's LAN and 192.168.3.9 (in
    SPOKE2's LAN, no such host), the hub pings SPOKE1's LAN, SPOKE2 pings nothing; each from its
    own LAN address. Only the ping nothing else explains fails, at SPOKE1. (Before, the
    variable was ignored: the spokes pinged each other and verify passed.)"""
    site = seeded()
    site.host_vars("SPOKE1", dmvpn_verify_ping_targets=["192.168.1.1", "192.168.3.9"])
    site.host_vars("HUB", dmvpn_verify_ping_targets=["192.168.2.1"])
    site.host_vars("SPOKE2", dmvpn_verify_ping_targets=[])
    for name in ROUTERS:
        site.handle.journal(name, clear=True)
    run = site.run(VERIFY)
    output = all_output(run)
    observe.scan(output)
    assert run.rc != 0
    rows = verify_rows(output)
    assert {name: row.split()[-1] for name, row in rows.items() if name in ROUTERS} == \
        {"HUB": "OK", "SPOKE1": "FAIL", "SPOKE2": "OK"}, rows
    assert _problem_lines(output, "SPOKE1") == ["ping 192.168.3.9: no reply"], output[-3000:]
    pings = {name: [line for mode, line in site.handle.journal(name) if line.startswith("ping ")] for name in ROUTERS}
    assert pings == {"HUB": ["ping 192.168.2.1 count 2 source-address 192.168.1.1"],
                     "SPOKE1": ["ping 192.168.1.1 count 2 source-address 192.168.2.1",
                                "ping 192.168.3.9 count 2 source-address 192.168.2.1"],
                     "SPOKE2": []}


# -- the plan report (item 13) ------------------------------------------------------------------
PLAN = os.path.join(os.path.dirname(SITE), "plan.yml")
NEW_SPOKE = {"dmvpn_spoke_id": 4, "dmvpn_public_address": "dhcp", "dmvpn_lan_prefixes": ["192.168.4.0/24"]}
HAND_ADDED = "set interfaces tunnel tun0 mtu '1400'"


def _plan_files(folder):
    """{file name: (mode, text)} of the plan's folder."""
    found = {}
    for name in sorted(os.listdir(folder)):
        with open(os.path.join(folder, name)) as handle:
            found[name] = (stat.S_IMODE(os.stat(os.path.join(folder, name)).st_mode), handle.read())
    return found


def _plan_run(site, folder, *args):
    """plan.yml into ``folder`` with the lab's commit counters reset first: (run, output, files)."""
    site.handle.thread.control(op="reset_counters")
    run = site.run(PLAN, "-e", "dmvpn_plan_dir=" + folder, *args)
    output = all_output(run)
    assert os.path.isdir(folder), output[-3000:]
    return run, output, _plan_files(folder)


def _table(markdown):
    """The rows of plan.md's table, under its header."""
    return [line for line in markdown.split("\n") if line.startswith("| ") and not line.startswith(("| router", "| ---"))]


ROTATED_PSK_LINE = "set vpn ipsec profile NHRPVPN authentication pre-shared-secret '********'"
ROUTE_TO_SPOKE3 = "set protocols static route 192.168.4.0/24 next-hop 10.0.0.4"
EMPTY_PLAN = {"read": True, "reason": None, "changed": False, "version": "1.4", "set": [], "delete": [], "confirm": [],
              "pending_commit_confirm": None, "objects_added": [], "objects_removed": [], "leaves_removed": []}


@pytest.mark.lab
def test_day2_item13_plan_report_lists_masked_changes_without_committing(seed, tmp_path, observe):
    """A new spoke (SPOKE3, a blank router), a rotated PSK and a leaf added by hand on the hub
    (mtu, which the inventory does not set): plan.yml writes one JSON file per router and
    plan.md, the folder 0700 and the files 0600, with the masked lines, the objects added and
    the hand-added leaf that would go; no secret anywhere in the folder or the output, nothing
    committed. With dmvpn_plan_fail_on_changes the run fails naming the routers that would
    change. (Before item 13 there was no plan.yml, and the module's result had no plan.)"""
    site = start_site(str(tmp_path / "site"), dict(seed, lines=dict(seed["lines"], SPOKE3=[])),
                      names=ROUTERS + ("SPOKE3",))
    try:
        new_psk = "Canary-PSK-rotated-plan"
        site.set(dmvpn_ipsec_psk=new_psk)
        site.add_spoke("SPOKE3", NEW_SPOKE)
        site.handle.load("HUB", site.handle.running("HUB") + [HAND_ADDED])
        before = site.running()
        folder = str(tmp_path / "plan")
        run, output, files = _plan_run(site, folder, "-e", "dmvpn_plan_fail_on_changes=true")
        hits = observe.scan(output, *[text for dummy, text in files.values()], secrets=CANARIES + (new_psk,))
        observe.commits(sum(site.commits().values()))
        assert run.rc != 0
        assert "Routers that would change (plan in %s): HUB, SPOKE1, SPOKE2, SPOKE3" % folder in output, output[-3000:]
        assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700
        assert {name: mode for name, (mode, dummy) in files.items()} == {
            "HUB.json": 0o600, "SPOKE1.json": 0o600, "SPOKE2.json": 0o600, "SPOKE3.json": 0o600, "plan.md": 0o600}
        plans = {name[:-5]: json.loads(text) for name, (dummy, text) in files.items() if name.endswith(".json")}
        route = ["route: " + ROUTE_TO_SPOKE3[len("set "):]]
        assert plans["HUB"] == dict(EMPTY_PLAN, router="HUB", changed=True, delete=["delete interfaces tunnel tun0 mtu"],
                                    set=[ROTATED_PSK_LINE, ROUTE_TO_SPOKE3], objects_added=route,
                                    leaves_removed=[HAND_ADDED])
        for name in ("SPOKE1", "SPOKE2"):
            assert plans[name] == dict(EMPTY_PLAN, router=name, changed=True, set=[ROTATED_PSK_LINE, ROUTE_TO_SPOKE3],
                                       objects_added=route)
        new = plans["SPOKE3"]
        assert (new["changed"], new["delete"], new["objects_removed"], new["leaves_removed"]) == (True, [], [], [])
        assert new["objects_added"] == [
            "tunnel: interfaces tunnel tun0", "nhrp: protocols nhrp tunnel tun0", "ipsec_interface: vpn ipsec interface eth0",
            "ike_group: vpn ipsec ike-group IKE-SPOKE", "esp_group: vpn ipsec esp-group ESP-SPOKE",
            "profile: vpn ipsec profile NHRPVPN",
            "route: protocols static route 192.168.1.0/24 next-hop 10.0.0.1",
            "route: protocols static route 192.168.2.0/24 next-hop 10.0.0.2",
            "route: protocols static route 192.168.3.0/24 next-hop 10.0.0.3"]
        assert len(new["set"]) == 32
        assert [line for line in new["set"] if line.endswith("'********'")] == [
            ROTATED_PSK_LINE, "set protocols nhrp tunnel tun0 cisco-authentication '********'"]
        assert new["set"][0] == "set interfaces tunnel tun0 address '10.0.0.4/24'"
        markdown = files["plan.md"][1]
        assert _table(markdown) == ["| HUB | yes | 2 | 1 | 1 | 0 | no | 1 |", "| SPOKE1 | yes | 2 | 0 | 1 | 0 | no | 0 |",
                                    "| SPOKE2 | yes | 2 | 0 | 1 | 0 | no | 0 |", "| SPOKE3 | yes | 32 | 0 | 9 | 0 | no | 0 |"]
        assert ("## HUB\n\nLines (delete, then set; secrets masked):\n\n```\ndelete interfaces tunnel tun0 mtu\n%s\n%s\n```"
                % (ROTATED_PSK_LINE, ROUTE_TO_SPOKE3)) in markdown
        assert "On the router, not in the inventory: would go:\n\n```\n%s\n```" % HAND_ADDED in markdown
        assert hits == 0
        assert site.commits() == {name: 0 for name in ROUTERS + ("SPOKE3",)}
        assert site.running() == before
    finally:
        site.handle.thread.stop()


@pytest.mark.lab
def test_day2_item13_a_plan_without_changes_says_so_and_passes_the_drift_check(seeded, tmp_path, observe):
    """The converged seed: every router 'no' with no line; with dmvpn_plan_fail_on_changes the
    run exits 0 (a scheduled drift check stays quiet); nothing committed."""
    site = seeded()
    run, output, files = _plan_run(site, str(tmp_path / "plan"), "-e", "dmvpn_plan_fail_on_changes=true")
    hits = observe.scan(output, *[text for dummy, text in files.values()])
    assert run.rc == 0, output[-3000:]
    assert sorted(files) == ["HUB.json", "SPOKE1.json", "SPOKE2.json", "plan.md"]
    for name in ROUTERS:
        assert json.loads(files[name + ".json"][1]) == dict(EMPTY_PLAN, router=name)
    assert _table(files["plan.md"][1]) == ["| %s | no | 0 | 0 | 0 | 0 | no | 0 |" % name for name in ROUTERS]
    assert hits == 0
    assert site.commits() == {name: 0 for name in ROUTERS}


@pytest.mark.lab
def test_day2_item13_a_router_that_cannot_be_read_is_named_and_fails_the_plan(seeded, tmp_path, observe):
    """SPOKE2 is down: the plan still reads HUB and SPOKE1 and writes every file, SPOKE2 is
    "not read: <reason>" in its file and in plan.md, and the run fails: a plan that cannot be
    sure of a router is no plan."""
    site = seeded()
    site.handle.fault("SPOKE2", down=True)
    run, output, files = _plan_run(site, str(tmp_path / "plan"))
    hits = observe.scan(output, *[text for dummy, text in files.values()])
    reason = "could not read the VyOS version (show version): ssh connection failed: ssh connect failed: Connection refused"
    assert run.rc != 0
    assert "'SPOKE2: not read: %s'" % reason in output, output[-3000:]
    assert sorted(files) == ["HUB.json", "SPOKE1.json", "SPOKE2.json", "plan.md"]
    assert json.loads(files["SPOKE2.json"][1]) == dict(EMPTY_PLAN, router="SPOKE2", read=False, reason=reason, version=None)
    assert json.loads(files["HUB.json"][1]) == dict(EMPTY_PLAN, router="HUB")
    assert _table(files["plan.md"][1]) == ["| HUB | no | 0 | 0 | 0 | 0 | no | 0 |", "| SPOKE1 | no | 0 | 0 | 0 | 0 | no | 0 |",
                                           "| SPOKE2 | not read: %s | | | | | | |" % reason]
    assert "## SPOKE2\n\nnot read: %s" % reason in files["plan.md"][1]
    assert hits == 0
    assert site.commits() == {name: 0 for name in ROUTERS}
