"""dmvpn.vyos beside vyos.vyos on the lab (issue 22 item 2): site.yml prints no
[DEPRECATION WARNING] while a real warning still shows; vyos.vyos modules that touch the
configuration next to ours (static routes, other IPsec groups) in one play with our modules,
pinning who keeps what (docs/vyos-vyos.md states the rule); vyos_vpn_ipsec when the installed
vyos.vyos has it (6.2.0 and later), skipped with the reason otherwise."""

import os
import subprocess

import pytest
from ansible.release import __version__ as ansible_version
from labkit import BIN, NO_VERIFY, REPO, SITE, recap, site  # noqa: F401 pylint: disable=unused-import
from seed_models import model

pytestmark = pytest.mark.lab

DEPRECATION = "[DEPRECATION WARNING]"
# What vyos.vyos 6.0.0's vyos_l3_interfaces makes ansible-core 2.19+ print (it returns
# "warnings" from execute_module and hands them to exit_json: its config/l3_interfaces/l3_interfaces.py;
# ansible-core module_utils/basic.py _return_formatted deprecates that).
EXIT_JSON = "Passing `warnings` to `exit_json` or `fail_json` is deprecated"
HAND = "set vpn ipsec ike-group IKE-HUB mode 'main'"
REMOVED = "this change removes 'vpn ipsec ike-group IKE-HUB mode main', which is not part of the collection's model"
UNDERLAY = ["set interfaces ethernet eth0 address '198.51.100.41/30'",
            "set interfaces ethernet eth1 address '192.168.1.1/24'", "set system host-name 'HUB'"]
OPERATOR_ROUTE = "set protocols static route 203.0.113.0/24 next-hop 198.51.100.42"
OPERATOR_IPSEC = ["set vpn ipsec ike-group IKE-OPS proposal 1 encryption 'aes256'",
                  "set vpn ipsec ike-group IKE-OPS proposal 1 hash 'sha256'",
                  "set vpn ipsec esp-group ESP-OPS proposal 1 encryption 'aes256'",
                  "set vpn ipsec esp-group ESP-OPS proposal 1 hash 'sha256'"]
OUR_ROUTES = ["set protocols static route 0.0.0.0/0 next-hop 1.1.1.2",
              "set protocols static route 192.168.2.0/24 next-hop 10.0.0.2",
              "set protocols static route 192.168.3.0/24 next-hop 10.0.0.3"]


# ansible-core 2.21 also deprecates two imports that vyos.vyos 6.0.0's cliconf plugin makes
# (plugins/cliconf/vyos.py: ansible.module_utils._text.to_text, common._collections_compat.Mapping;
# still there in vyos/vyos.vyos 035096f). network_cli loads that plugin for every module on a VyOS
# router, ours included: no module choice avoids them, so they are named here, one by one, and
# ansible-core 2.19 must print none at all.
CLICONF_IMPORTS = ("Importing 'to_text' from 'ansible.module_utils._text' is deprecated",
                   "The `ansible.module_utils.common._collections_compat` module is deprecated")


def _deprecations(run):
    """The [DEPRECATION WARNING] lines of a run that are not CLICONF_IMPORTS (none on 2.19)."""
    lines = [line for line in (run.stdout + run.stderr).splitlines() if DEPRECATION in line]
    if tuple(int(part) for part in ansible_version.split(".")[:2]) < (2, 21):
        return lines
    return [line for line in lines if not any(known in line for known in CLICONF_IMPORTS)]


def _output(run):
    return run.stdout + run.stderr  # (Ansible prints warnings and deprecations on stderr)


def _routes(lines):
    return sorted(line.replace("'", "") for line in lines if line.startswith("set protocols static route"))


@pytest.mark.long
def test_site_yml_prints_no_deprecation_warning_and_a_real_warning_still_shows(site, playbook):
    s = site("1.4")
    first = s.run(SITE, *NO_VERIFY)
    assert first.rc == 0, first.stdout[-4000:]
    assert _deprecations(first) == [] and EXIT_JSON not in _output(first), _output(first)[-3000:]
    # the underlay is in place (dmvpn.vyos.underlay, merged): host name, WAN and LAN addresses
    assert "set system host-name 'SPOKE1'" in s.handle.running("SPOKE1")
    assert "set interfaces ethernet eth1 address '192.168.2.1/24'" in s.handle.running("SPOKE1")
    assert "set interfaces ethernet eth0 address 'dhcp'" in s.handle.running("SPOKE1")

    # a hand-added leaf inside an owned object: overridden removes it and Ansible shows our warning
    s.handle.load("HUB", s.handle.running("HUB") + [HAND])
    second = s.run(SITE, *NO_VERIFY)
    assert second.rc == 0, second.stdout[-4000:]
    output = " ".join(_output(second).split())
    assert "[WARNING]: " + REMOVED in output, output[-3000:]
    assert _deprecations(second) == [] and EXIT_JSON not in output, output[-3000:]
    assert HAND not in s.handle.running("HUB")

    third = s.run(SITE, *NO_VERIFY)  # and nothing left to do
    assert third.rc == 0 and _deprecations(third) == [] and EXIT_JSON not in _output(third)
    assert all(stats["changed"] == 0 for stats in recap(third).values()), third.stdout[-3000:]

    # the same detector sees the deprecation where it exists: vyos.vyos 6.0.0's vyos_l3_interfaces
    # (what the roles used before) prints it for the very addresses the underlay task sets
    old = playbook([{"hosts": "HUB", "gather_facts": False, "tasks": [{"name": "addresses", "vyos.vyos.vyos_l3_interfaces": {
        "config": [{"name": "eth1", "ipv4": [{"address": "192.168.1.1/24"}]}], "state": "merged"}}]}],
        s.hosts_file, json_output=False)
    assert old.rc == 0, old.stdout[-3000:]
    assert any(EXIT_JSON in line for line in _deprecations(old)), _output(old)[-3000:]


def _play(tasks):
    return [{"name": "side by side", "hosts": "all", "gather_facts": False, "tasks": tasks}]


def _dmvpn(name):
    return {"name": name, "dmvpn.vyos.dmvpn": {"config": model("hub"), "state": "overridden"}}


def test_our_modules_and_vyos_vyos_static_routes_and_config_in_one_play(lab, playbook):
    """vyos_static_routes replaced and vyos_config keep ours and we keep theirs; vyos_static_routes
    overridden owns every static route, so it deletes ours, and our next run puts back exactly
    ours (and leaves theirs)."""
    handle = lab({"HUB": "1.4"})
    handle.load("HUB", UNDERLAY)
    operator_route = {"config": [{"address_families": [{"afi": "ipv4", "routes": [
        {"dest": "203.0.113.0/24", "next_hops": [{"forward_router_address": "198.51.100.42"}]}]}]}]}
    run = playbook(_play([
        _dmvpn("ours"),
        {"name": "their route", "vyos.vyos.vyos_static_routes": dict(operator_route, state="replaced")},
        {"name": "their ipsec groups", "vyos.vyos.vyos_config": {"lines": OPERATOR_IPSEC}},
        _dmvpn("ours again"),
        {"name": "their routes overridden", "vyos.vyos.vyos_static_routes": dict(operator_route, state="overridden")},
        {"name": "read after theirs", "vyos.vyos.vyos_command": {"commands": ["show configuration commands"]}},
        _dmvpn("ours restores"),
    ]), handle.inventory())
    assert run.rc == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert run.result("HUB", "ours")["changed"] is True
    # replaced names only its own route: ours stay
    commands = _routes(run.result("HUB", "their route")["commands"])
    assert commands == ["set protocols static route 203.0.113.0/24", OPERATOR_ROUTE], commands  # (no delete)
    # our overridden keeps their route and their groups (no profile of ours names them)
    again = run.result("HUB", "ours again")
    assert again["changed"] is False and again["commands"] == [], again
    # their overridden removes every static route it was not given: our three
    between = run.result("HUB", "read after theirs")["stdout"][0].splitlines()
    assert _routes(between) == [OPERATOR_ROUTE], between
    # our next run puts back exactly ours, in one commit, and leaves theirs
    restores = run.result("HUB", "ours restores")
    assert restores["changed"] is True and _routes(restores["commands"]) == OUR_ROUTES, restores["commands"]
    running = handle.running("HUB")
    assert _routes(running) == sorted([OPERATOR_ROUTE] + OUR_ROUTES)
    assert all(line in running for line in OPERATOR_IPSEC)


def _vyos_vpn_ipsec_installed():
    """Whether ansible-playbook (this checkout's collections path) finds vyos.vyos.vyos_vpn_ipsec."""
    env = dict(os.environ, ANSIBLE_CONFIG=os.path.join(REPO, "ansible.cfg"))
    proc = subprocess.run([os.path.join(BIN, "ansible-doc"), "-t", "module", "--json", "vyos.vyos.vyos_vpn_ipsec"],
                          env=env, capture_output=True, text=True, timeout=120, check=False)
    return proc.returncode == 0 and "vyos.vyos.vyos_vpn_ipsec" in proc.stdout


@pytest.mark.skipif(not _vyos_vpn_ipsec_installed(),
                    reason="the installed vyos.vyos has no vyos_vpn_ipsec (on vyos.vyos's development branch, "
                           "unreleased; the ansible packages on PyPI bundle 6.0.0)")
def test_vyos_vpn_ipsec_beside_our_dmvpn_module(lab, playbook):
    """docs/vyos-vyos.md's rule, run: vyos_vpn_ipsec merged of its own group keeps ours and ours
    keeps it; vyos_vpn_ipsec overridden without our objects deletes our groups, profile and IPsec
    interface; our next run restores them."""
    handle = lab({"HUB": "1.4"})
    handle.load("HUB", UNDERLAY)
    proposal = {"proposal_id": 1, "encryption": "aes256", "hash": "sha256"}
    theirs = {"ike_group": [{"name": "IKE-OPS", "proposal": [proposal]}]}
    run = playbook(_play([
        _dmvpn("ours"),
        {"name": "theirs merged", "vyos.vyos.vyos_vpn_ipsec": {"config": theirs, "state": "merged"}},
        _dmvpn("ours again"),
        {"name": "theirs overridden", "vyos.vyos.vyos_vpn_ipsec": {"config": theirs, "state": "overridden"}},
        {"name": "read after theirs", "vyos.vyos.vyos_command": {"commands": ["show configuration commands"]}},
        _dmvpn("ours restores"),
    ]), handle.inventory())
    assert run.rc == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert run.result("HUB", "ours again")["changed"] is False
    between = run.result("HUB", "read after theirs")["stdout"][0]
    assert "vpn ipsec profile NHRPVPN" not in between and "ike-group IKE-HUB" not in between
    assert "vpn ipsec interface" not in between
    assert run.result("HUB", "ours restores")["changed"] is True
    running = "\n".join(handle.running("HUB"))
    assert "set vpn ipsec profile NHRPVPN bind tunnel 'tun0'" in running and "ike-group IKE-OPS" in running
