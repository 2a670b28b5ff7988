"""Bad inventories: every case makes site.yml stop in its validation play with one clear line
naming the host, the variable and the fix, before any router is logged into; all cases at
once are all reported by one run."""

import os

import pytest
import yaml

from conftest import SITE, all_output

pytestmark = pytest.mark.lab

DROP = object()  # remove the variable


# (case id, {host or "all": {variable: value or DROP}}, host named, variable named, words of the message)
CASES = [
    # addresses and prefixes
    ("subnet-not-a-network", {"all": {"dmvpn_tunnel_subnet": "10.0.0.0/33"}}, "HUB", "dmvpn_tunnel_subnet", "not an IPv4 network"),
    ("subnet-host-bits-set", {"all": {"dmvpn_tunnel_subnet": "10.0.0.1/24"}}, "SPOKE1", "dmvpn_tunnel_subnet", "not an IPv4 network"),
    ("subnet-too-small", {"all": {"dmvpn_tunnel_subnet": "10.0.0.0/31"}}, "SPOKE2", "dmvpn_tunnel_subnet", "too small"),
    ("tunnel-address-outside-subnet", {"HUB": {"dmvpn_tunnel_address": "10.9.0.1"}}, "HUB", "dmvpn_tunnel_address", "outside the tunnel subnet"),
    ("tunnel-address-not-an-address", {"HUB": {"dmvpn_tunnel_address": "10.0.0.300"}}, "HUB", "dmvpn_tunnel_address", "not an IPv4 address"),
    ("tunnel-address-is-network-address", {"HUB": {"dmvpn_tunnel_address": "10.0.0.0"}}, "HUB", "dmvpn_tunnel_address", "network or broadcast"),
    ("tunnel-address-is-broadcast", {"HUB": {"dmvpn_tunnel_address": "10.0.0.255"}}, "HUB", "dmvpn_tunnel_address", "network or broadcast"),
    ("tunnel-address-missing", {"SPOKE1": {"dmvpn_spoke_id": DROP}}, "SPOKE1", "dmvpn_tunnel_address", "not set"),
    ("spoke-id-duplicate", {"SPOKE1": {"dmvpn_spoke_id": 3}}, "SPOKE2", "dmvpn_spoke_id", "also the tunnel address of SPOKE1"),
    ("spoke-id-negative", {"SPOKE1": {"dmvpn_spoke_id": -1}}, "SPOKE1", "dmvpn_spoke_id", "not a positive whole number"),
    ("spoke-id-outside-subnet", {"SPOKE1": {"dmvpn_spoke_id": 300}}, "SPOKE1", "dmvpn_spoke_id", "outside the tunnel subnet"),
    ("spoke-id-not-a-number", {"SPOKE1": {"dmvpn_spoke_id": "two"}}, "SPOKE1", "dmvpn_spoke_id", "not a positive whole number"),
    ("hub-public-address-dhcp", {"HUB": {"dmvpn_public_address": "dhcp"}}, "HUB", "dmvpn_public_address", "hub needs a fixed public"),
    ("public-address-not-an-address", {"HUB": {"dmvpn_public_address": "198.51.100.300"}}, "HUB", "dmvpn_public_address", "not an IPv4 address"),
    ("spoke-public-address-is-the-hubs", {"SPOKE1": {"dmvpn_public_address": "198.51.100.41"}},
     "SPOKE1", "dmvpn_public_address", "also the public address of hub HUB"),
    ("lan-prefix-host-bits-set", {"SPOKE1": {"dmvpn_lan_prefixes": ["192.168.2.1/24"]}}, "SPOKE1", "dmvpn_lan_prefixes[0]", "not an IPv4 network"),
    ("lan-prefixes-overlap", {"SPOKE2": {"dmvpn_lan_prefixes": ["192.168.2.128/25"]}}, "SPOKE2", "dmvpn_lan_prefixes", "overlaps 192.168.2.0/24 of SPOKE1"),
    ("lan-overlaps-tunnel-subnet", {"SPOKE1": {"dmvpn_lan_prefixes": ["10.0.0.0/25"]}}, "SPOKE1", "dmvpn_lan_prefixes", "overlaps the tunnel subnet"),
    ("lan-prefixes-not-a-list", {"SPOKE1": {"dmvpn_lan_prefixes": "192.168.2.0/24"}}, "SPOKE1", "dmvpn_lan_prefixes", "must be a list"),
    ("upstream-gateway-not-an-address", {"HUB": {"dmvpn_upstream_gateway": "1.1.1"}}, "HUB", "dmvpn_upstream_gateway", "not an IPv4 address"),
    ("summary-prefix-not-a-network", {"all": {"dmvpn_routing": "via_hub", "dmvpn_summary_prefixes": ["192.168.0.0/33"]}},
     "SPOKE1", "dmvpn_summary_prefixes", "192.168.0.0/33"),
    ("via-hub-without-summary", {"all": {"dmvpn_routing": "via_hub", "dmvpn_summary_prefixes": DROP}},
     "SPOKE1", "dmvpn_summary_prefixes", "required with dmvpn_routing: via_hub"),
    # ranges
    ("gre-key-out-of-range", {"all": {"dmvpn_gre_key": 4294967296}}, "HUB", "dmvpn_gre_key", "out of range"),
    ("tunnel-mtu-out-of-range", {"all": {"dmvpn_tunnel_mtu": 70000}}, "HUB", "mtu", "70000"),
    ("nhrp-holding-time-out-of-range", {"HUB": {"dmvpn_nhrp_holding_time": 0}}, "HUB", "holding_time", "0"),
    ("ike-lifetime-out-of-range", {"SPOKE1": {"dmvpn_ike_group": {"name": "IKE-SPOKE", "lifetime": 10}}}, "SPOKE1", "lifetime", "10"),
    ("esp-pfs-unknown", {"HUB": {"dmvpn_esp_group": {"name": "ESP-HUB", "pfs": "dh-group99"}}}, "HUB", "pfs", "dh-group99"),
    ("ike-encryption-unknown", {"HUB": {"dmvpn_ike_group": {"name": "IKE-HUB", "proposal": [{"proposal_id": 1, "encryption": "aes999"}]}}},
     "HUB", "encryption", "aes999"),
    # names
    ("tunnel-name-not-a-tunnel", {"all": {"dmvpn_tunnel_name": "eth0"}}, "HUB", "dmvpn_tunnel_name", "not a tunnel interface name"),
    ("wan-interface-not-an-interface", {"all": {"dmvpn_wan_interface": "eth0 ; reboot"}}, "SPOKE2", "dmvpn_wan_interface", "not an interface name"),
    ("ipsec-profile-name-with-space", {"all": {"dmvpn_ipsec_profile": "MY PROFILE"}}, "HUB", "profile", "MY PROFILE"),
    ("ike-group-name-with-quote", {"HUB": {"dmvpn_ike_group": {"name": "IKE'HUB"}}}, "HUB", "name", "IKE'HUB"),
    # secrets
    ("nhrp-secret-missing", {"all": {"dmvpn_nhrp_secret": DROP}}, "HUB", "dmvpn_nhrp_secret", "not set"),
    ("nhrp-secret-too-long", {"all": {"dmvpn_nhrp_secret": "NineChars"}}, "SPOKE1", "dmvpn_nhrp_secret", "too long"),
    ("nhrp-secret-with-space", {"all": {"dmvpn_nhrp_secret": "a b c d"}}, "HUB", "dmvpn_nhrp_secret", "characters VyOS does not accept"),
    ("psk-missing", {"all": {"dmvpn_ipsec_psk": DROP}}, "SPOKE2", "dmvpn_ipsec_psk", "not set"),
    ("psk-too-short", {"all": {"dmvpn_ipsec_psk": "abc"}}, "HUB", "dmvpn_ipsec_psk", "too short"),
    # wrong types
    ("gre-key-not-a-number", {"all": {"dmvpn_gre_key": "one"}}, "HUB", "dmvpn_gre_key", "out of range"),
    ("ike-group-not-a-dict", {"SPOKE1": {"dmvpn_ike_group": "IKE-SPOKE"}}, "SPOKE1", "dmvpn_ike_group", "must be a mapping"),
    ("commit-confirm-not-a-number", {"SPOKE1": {"dmvpn_commit_confirm": "five"}}, "SPOKE1", "dmvpn_commit_confirm", "int"),
    ("manage-underlay-not-a-bool", {"HUB": {"dmvpn_manage_underlay": "perhaps"}}, "HUB", "dmvpn_manage_underlay", "bool"),
    # choices and versions
    ("vyos-version-unknown", {"SPOKE2": {"dmvpn_vyos_version": "1.9"}}, "SPOKE2", "dmvpn_vyos_version", "not a supported VyOS version"),
    ("routing-mode-unknown", {"all": {"dmvpn_routing": "ospf"}}, "HUB", "dmvpn_routing", "not a routing mode"),
    ("role-unknown", {"SPOKE1": {"dmvpn_role": "hubb"}}, "SPOKE1", "dmvpn_role", "'hubb'"),
    ("spokes-without-a-hub", {"HUB": {"dmvpn_role": "spoke", "dmvpn_spoke_id": 1, "dmvpn_tunnel_address": DROP}},
     "SPOKE1", "dmvpn_role", "no hub"),
    ("state-unknown", {"SPOKE2": {"dmvpn_state": "purged"}}, "SPOKE2", "dmvpn_state", "purged"),
    ("network-wide-value-differs", {"SPOKE2": {"dmvpn_gre_key": 2}}, "SPOKE2", "dmvpn_gre_key", "differs from the other DMVPN routers"),
    # unknown keys in role inputs
    ("unknown-key-in-ike-group", {"HUB": {"dmvpn_ike_group": {"name": "IKE-HUB", "lifetyme": 3600}}},
     "HUB", "dmvpn_ike_group.lifetyme", "did you mean lifetime"),
    ("unknown-key-in-underlay", {"SPOKE1": {"dmvpn_underlay": {"hostname": "SPOKE1", "interfaces": [{"name": "eth1", "adress": "192.168.2.1/24"}]}}},
     "SPOKE1", "dmvpn_underlay.interfaces.adress", "is not a key of dmvpn_underlay.interfaces"),
    ("misspelt-variable", {"SPOKE2": {"dmvpn_lan_prefix": ["192.168.3.0/24"]}}, "SPOKE2", "dmvpn_lan_prefix", "dmvpn_lan_prefixes"),
]
assert len({case[0] for case in CASES}) == len(CASES)


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


def problem_lines(output):
    """The problems site.yml lists, one per line ("- HOST: field: message (fix: ...)")."""
    return [line[2:] for line in output.splitlines() if line.startswith("- ") and "(fix: " in line]


def check_no_router_touched(site, observe):
    commits, logins = site.total_commits(), site.logins()
    observe.commits(commits)
    observe.logins(logins)
    assert commits == 0 and logins == 0, (commits, logins)


@pytest.mark.parametrize("changes, host, field, words", [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_bad_inventory_case(hsite, observe, changes, host, field, words):
    site = hsite()
    apply(site, changes)
    run = site.run(SITE)
    output = all_output(run)
    observe.scan(output)
    assert run.rc != 0
    assert "no router was touched" in output
    mine = [line for line in problem_lines(output) if line.startswith("%s: " % host) and field in line and words in line]
    assert mine, "no line for %s / %s / %r in:\n%s" % (host, field, words, "\n".join(problem_lines(output)))
    fix = mine[0].split("(fix: ", 1)[1]
    assert len(fix) > 10, mine[0]   # a fix worth the name, not an empty hint
    check_no_router_touched(site, observe)


def test_every_bad_case_at_once_is_reported_in_one_run(hsite, observe):
    """One inventory with many problems on different hosts and variables: one run lists them all."""
    site = hsite()
    combined = {}
    picked = ("tunnel-address-outside-subnet", "spoke-id-not-a-number", "lan-prefixes-overlap", "gre-key-out-of-range",
              "nhrp-secret-too-long", "psk-too-short", "commit-confirm-not-a-number", "vyos-version-unknown",
              "unknown-key-in-ike-group", "misspelt-variable", "wan-interface-not-an-interface", "unknown-key-in-underlay")
    cases = [case for case in CASES if case[0] in picked]
    for dummy, changes, host, field, words in cases:
        for target, values in changes.items():
            combined.setdefault(target, {}).update(values)
    apply(site, combined)
    run = site.run(SITE)
    output = all_output(run)
    observe.scan(output)
    assert run.rc != 0
    lines = problem_lines(output)
    missing = [(case_id, host, field) for case_id, changes, host, field, words in cases
               if not any(line.startswith(host + ": ") and field in line and words in line for line in lines)]
    assert not missing, "%s\n%s" % (missing, "\n".join(lines))
    check_no_router_touched(site, observe)
