"""Bad inventories: each case is stopped by site.yml's validation play, before any router is
logged into, with exactly the problems pinned here (host, variable, message; a fix worth the
name); every problem of an inventory is reported in one run.

The cases read the inventory as ansible-playbook does (InventoryManager, VariableManager, the
lab vault, templating: tests/inventory_kit.py) and call the check filter site.yml's first play
calls, dmvpn.vyos.dmvpn_networks_check; one real site.yml run (the last test) shows the
plumbing around it: the play fails, prints every problem as ``HOST: variable: message (fix:
...)`` and touches no router.
"""

import os
import re

import pytest
import yaml

from conftest import CANARIES, SITE, InventoryCopy, all_output

DROP = object()  # remove the variable
ALL = "HUB SPOKE1 SPOKE2"
AUTO = "; dmvpn_vyos_version is auto, so the router may run it)"
AUTO_ON = " (on VyOS %s" + AUTO


class ExtraProblems(AssertionError):
    """The pinned problems were all reported, and others besides them."""


# (case id, {host or "all": {variable: value or DROP}}, [(hosts, field, message[, words of the fix])], marks)
# hosts: one name or several, space separated (ALL: every router); message: the exact text, or
# a compiled pattern where ansible-core's own text is not stable (set order).
CASES = [
    # addresses and prefixes
    ("subnet-not-a-network", {"all": {"dmvpn_tunnel_subnet": "10.0.0.0/33"}},
     [(ALL, "dmvpn_tunnel_subnet", "'10.0.0.0/33' is not an IPv4 network")]),
    ("subnet-host-bits-set", {"all": {"dmvpn_tunnel_subnet": "10.0.0.1/24"}},
     [(ALL, "dmvpn_tunnel_subnet", "'10.0.0.1/24' is not an IPv4 network")]),
    ("subnet-too-small", {"all": {"dmvpn_tunnel_subnet": "10.0.0.0/31"}},
     [(ALL, "dmvpn_tunnel_subnet", "/31 is too small for a DMVPN")]),
    ("tunnel-address-outside-subnet", {"HUB": {"dmvpn_tunnel_address": "10.9.0.1"}},
     [("HUB", "dmvpn_tunnel_address", "10.9.0.1 is outside the tunnel subnet 10.0.0.0/24")]),
    ("tunnel-address-not-an-address", {"HUB": {"dmvpn_tunnel_address": "10.0.0.300"}},
     [("HUB", "dmvpn_tunnel_address", "'10.0.0.300' is not an IPv4 address")]),
    ("tunnel-address-is-network-address", {"HUB": {"dmvpn_tunnel_address": "10.0.0.0"}},
     [("HUB", "dmvpn_tunnel_address", "10.0.0.0 is the network or broadcast address of 10.0.0.0/24")]),
    ("tunnel-address-is-broadcast", {"HUB": {"dmvpn_tunnel_address": "10.0.0.255"}},
     [("HUB", "dmvpn_tunnel_address", "10.0.0.255 is the network or broadcast address of 10.0.0.0/24")]),
    ("tunnel-address-missing", {"SPOKE1": {"dmvpn_spoke_id": DROP}},
     [("SPOKE1", "dmvpn_tunnel_address", "is not set", "dmvpn_spoke_id")]),
    ("spoke-id-duplicate", {"SPOKE1": {"dmvpn_spoke_id": 3}},
     [("SPOKE2", "dmvpn_spoke_id", "10.0.0.3 is also the tunnel address of SPOKE1")]),
    ("spoke-id-negative", {"SPOKE1": {"dmvpn_spoke_id": -1}},
     [("SPOKE1", "dmvpn_spoke_id", "-1 is not a positive whole number")]),
    ("spoke-id-outside-subnet", {"SPOKE1": {"dmvpn_spoke_id": 300}},
     [("SPOKE1", "dmvpn_spoke_id", "10.0.1.44 is outside the tunnel subnet 10.0.0.0/24")]),
    ("spoke-id-not-a-number", {"SPOKE1": {"dmvpn_spoke_id": "two"}},
     [("SPOKE1", "dmvpn_spoke_id", "'two' is not a positive whole number")]),
    ("hub-public-address-dhcp", {"HUB": {"dmvpn_public_address": "dhcp"}},
     [("HUB", "dmvpn_public_address", "a hub needs a fixed public (NBMA) address")]),
    ("public-address-not-an-address", {"HUB": {"dmvpn_public_address": "198.51.100.300"}},
     [("HUB", "dmvpn_public_address", "'198.51.100.300' is not an IPv4 address")]),
    ("spoke-public-address-is-the-hubs", {"SPOKE1": {"dmvpn_public_address": "198.51.100.41"}},
     [("SPOKE1", "dmvpn_public_address", "198.51.100.41 is also the public address of hub HUB")]),
    ("lan-prefix-host-bits-set", {"SPOKE1": {"dmvpn_lan_prefixes": ["192.168.2.1/24"]}},
     [("SPOKE1", "dmvpn_lan_prefixes[0]", "'192.168.2.1/24' is not an IPv4 network")]),
    ("lan-prefixes-overlap", {"SPOKE2": {"dmvpn_lan_prefixes": ["192.168.2.128/25"]}},
     [("SPOKE2", "dmvpn_lan_prefixes", "192.168.2.128/25 overlaps 192.168.2.0/24 of SPOKE1")]),
    ("lan-overlaps-tunnel-subnet", {"SPOKE1": {"dmvpn_lan_prefixes": ["10.0.0.0/25"]}},
     [("SPOKE1", "dmvpn_lan_prefixes", "10.0.0.0/25 overlaps the tunnel subnet 10.0.0.0/24")]),
    ("lan-prefixes-not-a-list", {"SPOKE1": {"dmvpn_lan_prefixes": "192.168.2.0/24"}},
     [("SPOKE1", "dmvpn_lan_prefixes", "must be a list")]),
    ("upstream-gateway-not-an-address", {"HUB": {"dmvpn_upstream_gateway": "1.1.1"}},
     [("HUB", "dmvpn_upstream_gateway", "'1.1.1' is not an IPv4 address")]),
    # the hub too: it reads dmvpn_summary_prefixes whenever they are set
    ("summary-prefix-not-a-network", {"all": {"dmvpn_routing": "via_hub", "dmvpn_summary_prefixes": ["192.168.0.0/33"]}},
     [(ALL, "dmvpn_summary_prefixes[0]", "'192.168.0.0/33' is not an IPv4 network")]),
    ("via-hub-without-summary", {"all": {"dmvpn_routing": "via_hub", "dmvpn_summary_prefixes": DROP}},
     [("SPOKE1 SPOKE2", "dmvpn_summary_prefixes", "is required with dmvpn_routing: via_hub")]),
    # ranges (a host_vars dict replaces the group_vars one: the groups below have no proposals)
    ("gre-key-out-of-range", {"all": {"dmvpn_gre_key": 4294967296}},
     [(ALL, "dmvpn_gre_key", "4294967296 is out of range", "0 to 4294967295")]),
    # dmvpn_vyos_version auto: checked against every version, each range named
    ("tunnel-mtu-out-of-range", {"all": {"dmvpn_tunnel_mtu": 70000}},
     [(ALL, "dmvpn_tunnel_mtu", "70000 is out of range (on VyOS 1.2, 1.3" + AUTO, "64 to 8024"),
      (ALL, "dmvpn_tunnel_mtu", "70000 is out of range (on VyOS 1.4, 1.5" + AUTO, "68 to 16000")]),
    ("nhrp-holding-time-out-of-range", {"HUB": {"dmvpn_nhrp_holding_time": 0}},
     [("HUB", "dmvpn_nhrp_holding_time", "0 is out of range", "1 to 65000")]),
    ("ike-lifetime-out-of-range", {"SPOKE1": {"dmvpn_ike_group": {"name": "IKE-SPOKE", "lifetime": 10}}},
     [("SPOKE1", "dmvpn_ike_group.lifetime", "10 is out of range", "30 to 86400"),
      ("SPOKE1", "dmvpn_ike_group.proposal", "is required")]),
    # (dmvpn_vyos_version auto: 1.2's values are crux's own, vyatta-cfg-vpn crux 03e70cd8690a
    # templates, so 1.2 gets its own problem and list; 1.3-1.5 share theirs)
    ("esp-pfs-unknown", {"HUB": {"dmvpn_esp_group": {"name": "ESP-HUB", "pfs": "dh-group99"}}},
     [("HUB", "dmvpn_esp_group.pfs", "'dh-group99' is not allowed" + AUTO_ON % "1.2", "dh-group26, or"),
      ("HUB", "dmvpn_esp_group.pfs", "'dh-group99' is not allowed" + AUTO_ON % "1.3, 1.4, 1.5", "dh-group32, or"),
      ("HUB", "dmvpn_esp_group.proposal", "is required")]),
    ("ike-encryption-unknown", {"HUB": {"dmvpn_ike_group": {"name": "IKE-HUB", "proposal": [{"proposal_id": 1, "encryption": "aes999"}]}}},
     [("HUB", "dmvpn_ike_group.proposal[0].encryption", "'aes999' is not allowed" + AUTO_ON % "1.2",
       "aes256gcm128, 3des, chacha20poly1305, or"),
      ("HUB", "dmvpn_ike_group.proposal[0].encryption", "'aes999' is not allowed" + AUTO_ON % "1.3, 1.4, 1.5",
       "camellia256ccm128"),
      ("HUB", "dmvpn_ike_group.proposal[0].hash", "is required" + AUTO_ON % "1.2", "sha384, sha512, or"),
      ("HUB", "dmvpn_ike_group.proposal[0].hash", "is required" + AUTO_ON % "1.3, 1.4, 1.5", "aes256gmac, or")]),
    # names
    ("tunnel-name-not-a-tunnel", {"all": {"dmvpn_tunnel_name": "eth0"}},
     [(ALL, "dmvpn_tunnel_name", "'eth0' is not a tunnel interface name")]),
    ("wan-interface-not-an-interface", {"all": {"dmvpn_wan_interface": "eth0 ; reboot"}},
     [(ALL, "dmvpn_wan_interface", "'eth0 ; reboot' is not an interface name")]),
    ("ipsec-profile-name-with-space", {"all": {"dmvpn_ipsec_profile": "MY PROFILE"}},
     [(ALL, "dmvpn_ipsec_profile", "'MY PROFILE' is not a valid value")]),
    ("ike-group-name-with-quote", {"HUB": {"dmvpn_ike_group": {"name": "IKE'HUB"}}},
     [("HUB", "dmvpn_ike_group.name", "\"IKE'HUB\" is not a valid value"),
      ("HUB", "dmvpn_ike_group.proposal", "is required")]),
    # secrets (the messages never repeat the value)
    ("nhrp-secret-missing", {"all": {"dmvpn_nhrp_secret": DROP}},
     [(ALL, "dmvpn_nhrp_secret", "is not set", "Vault")]),
    ("nhrp-secret-too-long", {"all": {"dmvpn_nhrp_secret": "NineChars"}},
     [(ALL, "dmvpn_nhrp_secret", "is too long (9 characters); VyOS allows 8")]),
    ("nhrp-secret-with-space", {"all": {"dmvpn_nhrp_secret": "a b c d"}},
     [(ALL, "dmvpn_nhrp_secret", "has characters VyOS does not accept (spaces, quotes or others)")]),
    ("psk-missing", {"all": {"dmvpn_ipsec_psk": DROP}},
     [(ALL, "dmvpn_ipsec_psk", "is not set")]),
    ("psk-too-short", {"all": {"dmvpn_ipsec_psk": "abc"}},
     [(ALL, "dmvpn_ipsec_psk", "is too short (3 characters)", "at least 6")]),
    # wrong types
    ("gre-key-not-a-number", {"all": {"dmvpn_gre_key": "one"}},
     [(ALL, "dmvpn_gre_key", "'one' is out of range")]),
    ("ike-group-not-a-dict", {"SPOKE1": {"dmvpn_ike_group": "IKE-SPOKE"}},
     [("SPOKE1", "dmvpn_ike_group", "must be a mapping, got str")]),
    ("commit-confirm-not-a-number", {"SPOKE1": {"dmvpn_commit_confirm": "five"}},
     # (the design checks it with its range, issue 19 item 6, so the role's type check does not repeat it)
     [("SPOKE1", "dmvpn_commit_confirm", "'five' is not a whole number of minutes",
       "use 0 (plain commit) or 1 to 1440 minutes")]),
    ("manage-underlay-not-a-bool", {"HUB": {"dmvpn_manage_underlay": "perhaps"}},
     [("HUB", "dmvpn_manage_underlay", re.compile(
         r"argument 'dmvpn_manage_underlay' is of type str and we were unable to convert to bool: The value "
         r"'perhaps' is not a valid boolean\. Valid booleans include: .*'yes'.*"), "dmvpn.vyos.dmvpn_hub")]),
    # choices and versions
    ("vyos-version-unknown", {"SPOKE2": {"dmvpn_vyos_version": "1.9"}},
     [("SPOKE2", "dmvpn_vyos_version", "'1.9' is not a supported VyOS version", "auto or one of 1.2, 1.3, 1.4, 1.5")]),
    ("routing-mode-unknown", {"all": {"dmvpn_routing": "ospf"}},
     [(ALL, "dmvpn_routing", "'ospf' is not a routing mode", "full_mesh, via_hub, bgp")]),
    ("role-unknown", {"SPOKE1": {"dmvpn_role": "hubb"}},
     [("SPOKE1", "dmvpn_role", "is 'hubb'", "hub or spoke")]),
    ("spokes-without-a-hub", {"HUB": {"dmvpn_role": "spoke", "dmvpn_spoke_id": 1, "dmvpn_tunnel_address": DROP}},
     [(ALL, "dmvpn_role", "this spoke has no hub: no router in the DMVPN is a hub")]),
    ("state-unknown", {"SPOKE2": {"dmvpn_state": "purged"}},
     [("SPOKE2", "dmvpn_state", "value of dmvpn_state must be one of: merged, replaced, overridden, got: purged")]),
    ("network-wide-value-differs", {"SPOKE2": {"dmvpn_gre_key": 2}},
     [("SPOKE2", "dmvpn_gre_key", "differs from the other DMVPN routers (HUB, SPOKE1)")]),
    # unknown keys in role inputs, misspelt variables
    ("unknown-key-in-ike-group", {"HUB": {"dmvpn_ike_group": {"name": "IKE-HUB", "lifetyme": 3600}}},
     [("HUB", "dmvpn_ike_group.lifetyme", "is not a key of dmvpn_ike_group (it knows close_action, dead_peer_detection, "
       "disable_mobike, ikev2_reauth, key_exchange, lifetime, name, proposal)", "did you mean lifetime"),
      ("HUB", "dmvpn_ike_group.proposal", "is required")]),
    # both are true: the entry has no address because the key is misspelt
    ("unknown-key-in-underlay", {"SPOKE1": {"dmvpn_underlay": {"hostname": "SPOKE1", "interfaces": [{"name": "eth1", "adress": "192.168.2.1/24"}]}}},
     [("SPOKE1", "dmvpn_underlay.interfaces.adress", "is not a key of dmvpn_underlay.interfaces (it knows address, name)",
       "did you mean address"),
      ("SPOKE1", "dmvpn_underlay", "missing required arguments: address found in dmvpn_underlay -> interfaces")]),
    ("misspelt-variable", {"SPOKE2": {"dmvpn_lan_prefix": ["192.168.3.0/24"]}},
     [("SPOKE2", "dmvpn_lan_prefix", "is not a variable of dmvpn.vyos (a typo would leave the default in place)",
       "did you mean dmvpn_lan_prefixes")]),
]
assert len({case[0] for case in CASES}) == len(CASES)
SECRET_VARIABLES = ("dmvpn_nhrp_secret", "dmvpn_ipsec_psk")


def apply(site, changes):
    """Write ``changes`` into the copy of the lab inventory."""
    for target, values in changes.items():
        if target == "all":
            path = os.path.join(site.inventory, "group_vars", "dmvpn", "zz-hardening.yml")
        else:
            path = os.path.join(site.inventory, "host_vars", target + ".yml")
        with open(path) as handle:
            data = yaml.safe_load(handle) or {}
        for key, value in values.items():
            if value is DROP:
                data.pop(key, None)
                if target == "all":
                    # the lab's group_vars set it too: blank it there as well
                    site.drop_group_var(key)
            else:
                data[key] = value
        with open(path, "w") as out:
            yaml.safe_dump(data, out)


def expand(expected):
    """[(host, field, message, fix words or None)] of a case's pinned problems."""
    out = []
    for item in expected:
        hosts, field, message = item[:3]
        for host in hosts.split():
            out.append((host, field, message, item[3] if len(item) > 3 else None))
    return out


def matches(pinned, problem):
    host, field, message, dummy = pinned
    if (problem["host"], problem["field"]) != (host, field):
        return False
    return bool(message.fullmatch(problem["message"])) if hasattr(message, "fullmatch") else problem["message"] == message


def check_problems(problems, expected):
    """Every pinned problem reported once, with a fix worth the name; then nothing else."""
    pinned = expand(expected)
    shown = "\n".join("%(host)s: %(field)s: %(message)s (fix: %(fix)s)" % p for p in problems)
    for item in pinned:
        found = [p for p in problems if matches(item, p)]
        assert len(found) == 1, "pinned %r reported %d times in:\n%s" % (item[:3], len(found), shown)
        assert len(found[0]["fix"]) > 10, found[0]   # a fix, not an empty hint
        if item[3]:
            assert item[3] in found[0]["fix"], found[0]
    extra = [p for p in problems if not any(matches(item, p) for item in pinned)]
    if extra:
        raise ExtraProblems("reported besides the pinned problems:\n%s"
                            % "\n".join("%(host)s: %(field)s: %(message)s" % p for p in extra))


def case_params():
    for case in CASES:
        case_id, changes, expected = case[:3]
        yield pytest.param(changes, expected, id=case_id, marks=case[3:])


@pytest.mark.parametrize("changes, expected", list(case_params()))
def test_bad_inventory_case(tmp_path, observe, changes, expected):
    inventory = InventoryCopy(tmp_path / "inventory")
    apply(inventory, changes)
    result = inventory.check()
    problems = result["problems"]
    # a wrong secret is never repeated in a message
    secrets = CANARIES + tuple(str(value) for values in changes.values() for key, value in values.items()
                               if key in SECRET_VARIABLES and value is not DROP and len(str(value)) >= 4)
    observe.scan("\n".join(str(p) for p in problems), secrets=secrets)
    assert not any(secret in str(problems) for secret in secrets)
    assert result["endpoints"] == {}   # nothing to hand to any router
    check_problems(problems, expected)


# One inventory with problems on every host and in many variables. No case of it is a known
# defect; together they report no more and no less than each does alone (none of them touches
# a variable another one reads).
AT_ONCE = ("spoke-id-not-a-number", "lan-prefixes-overlap", "gre-key-out-of-range", "nhrp-secret-too-long",
           "psk-too-short", "commit-confirm-not-a-number", "vyos-version-unknown", "misspelt-variable",
           "wan-interface-not-an-interface", "unknown-key-in-underlay", "state-unknown", "upstream-gateway-not-an-address")


@pytest.mark.lab
def test_every_bad_case_at_once_is_reported_in_one_run(hsite, observe):
    """site.yml itself on lab routers: the validation play fails, prints every problem as one line
    ``HOST: variable: message (fix: ...)``, and no router is logged into or changed."""
    site = hsite()
    combined, expected = {}, []
    for case in CASES:
        if case[0] in AT_ONCE:
            for target, values in case[1].items():
                combined.setdefault(target, {}).update(values)
            expected += expand(case[2])
    apply(site, combined)
    run = site.run(SITE)
    output = all_output(run)
    observe.scan(output)
    assert run.rc != 0
    assert "DMVPN inventory problems (no router was touched):" in output
    printed = sorted(line[2:] for line in output.splitlines() if line.startswith("- ") and "(fix: " in line)
    pinned = sorted("%s: %s: %s (fix: " % (host, field, message) for host, field, message, dummy in expected)
    assert len(printed) == len(pinned), "\n".join(printed)
    for line, prefix in zip(printed, pinned):
        assert line.startswith(prefix), (line, prefix)
    commits, logins = site.total_commits(), site.logins()
    observe.commits(commits)
    observe.logins(logins)
    assert (commits, logins) == (0, 0)
