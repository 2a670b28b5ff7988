"""Hostile values in every string a user can set (10 fields x 10 payloads). Each case has one
pinned outcome:

* refused: site.yml's validation play reports exactly the pinned problems (host, variable,
  message) and no endpoint, so no router is contacted (test_bad_inventory's site.yml run shows
  that plumbing; here the check filter is called as that play calls it);
* stored: site.yml sends each router exactly the pinned configuration lines, quoted so that
  the router stores the value as given (its ``show configuration commands`` line is pinned
  too), nothing else, and reads it back unchanged (the next run finds nothing to do).

The lab's CLI does what VyOS's bash-based CLI does with a line (vyos_lab/shell.py: "VyOS's
CLI is bash"): an unquoted ``;`` or ``&&`` starts another command, ``$(...)``, backticks and
``$NAME`` outside single quotes expand, so a wrongly quoted value would show up as an extra
command or a changed value. The stored cases run on the seed topology (VyOS 1.4), three cases
per site.yml run (the description and commit comment are per router, the secrets network-wide).
One run gives dmvpn.vyos.dmvpn hostile values directly: the module refuses them before any login.
"""

import json
import os

import pytest
import yaml

from conftest import (CANARIES, ROUTERS, SEED_DESCRIPTION, SITE, InventoryCopy, all_output, recap, shared_once,
                      start_site)

PAYLOADS = [
    ("newline", "dmvpn\nset system host-name PWNED"),
    ("carriage-return", "dmvpn\rdelete interfaces"),
    ("semicolon", "lab;set system host-name PWNED"),
    ("and-and", "lab && set system host-name PWNED"),
    ("single-quotes", "it's a 'lab'"),
    ("double-quotes", 'say "lab"'),
    ("backslashes", "back\\slash\\' end\\"),
    ("shell-expansion", "$(reboot) `id` ${HOME} $USER"),
    ("very-long", "L" * 5000),
    ("non-ascii", "Zürich–Büro ✓ 東京"),
]
PAYLOAD = dict(PAYLOADS)

# field id -> (where it is set: "all" or a host, variable, key inside a dict variable or None)
FIELDS = {
    "tunnel-description": ("all", "dmvpn_tunnel_description", None),
    "commit-comment": ("all", "dmvpn_commit_comment", None),
    "ipsec-psk": ("all", "dmvpn_ipsec_psk", None),
    "nhrp-secret": ("all", "dmvpn_nhrp_secret", None),
    "ipsec-profile": ("all", "dmvpn_ipsec_profile", None),
    "ike-group-name": ("HUB", "dmvpn_ike_group", "name"),
    "esp-group-name": ("SPOKE1", "dmvpn_esp_group", "name"),
    "host-name": ("SPOKE2", "dmvpn_underlay", "hostname"),
    "tunnel-name": ("all", "dmvpn_tunnel_name", None),
    "wan-interface": ("all", "dmvpn_wan_interface", None),
}
SECRET_FIELDS = ("ipsec-psk", "nhrp-secret")
ALL = " ".join(ROUTERS)
AUTO = "; dmvpn_vyos_version is auto, so the router may run it)"


def value_for(field, payload_id):
    # The NHRP secret has at most 8 characters on VyOS: try the payload's first 8 there.
    value = PAYLOAD[payload_id]
    return value[:8] if field == "nhrp-secret" else value


def cli_quote(value):
    """A value as the module must send it: single quotes, a quote inside as '\\'' (shell)."""
    return "'" + value.replace("'", "'\\''") + "'"


# -- the pinned outcomes ------------------------------------------------------------------------
DESCRIPTION = "set interfaces tunnel tun0 description "
PSK_LINE = "set vpn ipsec profile NHRPVPN authentication pre-shared-secret "
NHRP_LINE = "set protocols nhrp tunnel tun0 cisco-authentication "   # VyOS 1.4 (opennhrp)
TEXT = ("semicolon", "and-and", "single-quotes", "double-quotes", "backslashes", "shell-expansion", "non-ascii")
# A description is configuration, read back from show configuration commands, where VyOS does
# not print a double quote or a backslash as stored (see model.py _description): refused. A
# commit comment is not read back: stored as given.
UNPRINTABLE = ("double-quotes", "backslashes")

# Stored: (field, payload) -> (batch, the routers that get it). Three cases per site.yml run:
# one description/comment payload per router, and a secret of the whole network.
STORED = {}
for index, payload_id in enumerate(pid for pid in TEXT if pid not in UNPRINTABLE):
    STORED[("tunnel-description", payload_id)] = (index // 3, (ROUTERS[index % 3],))
for index, payload_id in enumerate(TEXT):
    STORED[("commit-comment", payload_id)] = (index // 3, (ROUTERS[index % 3],))
STORED[("ipsec-psk", "very-long")] = (0, ROUTERS)      # VyOS sets no length limit on the PSK
STORED[("nhrp-secret", "very-long")] = (1, ROUTERS)    # "LLLLLLLL": 8 characters of the allowed set
STORED[("nhrp-secret", "shell-expansion")] = (2, ROUTERS)   # "$(reboot": $ ( are allowed, stored literally


def refused(field, payload_id, value):
    """The problems site.yml's validation reports for a refused value: [(hosts, variable, message)]."""
    control = {"newline": "\n", "carriage-return": "\r"}.get(payload_id)
    if field == "tunnel-description":
        if control:
            return [(ALL, "dmvpn_tunnel_description", "contains the control character %r" % control)]
        if payload_id in UNPRINTABLE:   # (the same on every version: said once)
            return [(ALL, "dmvpn_tunnel_description", "contains a double quote or a backslash, which VyOS does not "
                     "print back as stored (every run would send it again)")]
        # very long: VyOS 1.2/1.3 allow 1-256 characters, 1.4/1.5 0-255 (auto: every version is checked)
        return [(ALL, "dmvpn_tunnel_description", "has 5000 characters; VyOS %s allows %s (on VyOS %s%s"
                 % (version, limits, version, AUTO))
                for version, limits in (("1.2", "1 to 256"), ("1.3", "1 to 256"), ("1.4", "0 to 255"), ("1.5", "0 to 255"))]
    if field == "commit-comment":
        if control:
            return [(ALL, "dmvpn_commit_comment",
                     "contains a newline or another control character, which would end the VyOS command line")]
        return [(ALL, "dmvpn_commit_comment", "has 5000 characters")]
    if field in SECRET_FIELDS:   # VyOS 1.3's character set, applied to every version; never echoed
        variable = FIELDS[field][1]
        return [(ALL, variable, "has characters VyOS does not accept (spaces, quotes or others)")]
    if field in ("ipsec-profile", "ike-group-name", "esp-group-name"):
        where, variable, key = FIELDS[field]
        hosts = ALL if where == "all" else where
        name = variable + ("." + key if key else "")
        if control:
            return [(hosts, name, "contains the control character %r" % control)]
        shown = repr(value) if len(value) <= 40 else "%r... (%d characters)" % (value[:40], len(value))
        return [(hosts, name, "%s is not a valid value" % shown)]
    what = {"host-name": ("SPOKE2", "dmvpn_underlay.hostname", "is not a host name VyOS accepts"),
            "tunnel-name": (ALL, "dmvpn_tunnel_name", "is not a tunnel interface name"),
            "wan-interface": (ALL, "dmvpn_wan_interface", "is not an interface name")}[field]
    return [(what[0], what[1], "%r %s" % (value, what[2]))]


CASES = [(field, pid) for field in FIELDS for pid, dummy in PAYLOADS]
REFUSED = [case for case in CASES if case not in STORED]
assert len(STORED) == 15 and len(REFUSED) == 85


# -- refused: the validation play's check --------------------------------------------------------
def lab_default(inventory, host, variable):
    """The group_vars value of ``variable`` for ``host`` (IKE/ESP groups live there)."""
    group = "dmvpn_hubs" if host == "HUB" else "dmvpn_spokes"
    with open(os.path.join(inventory.inventory, "group_vars", group + ".yml")) as handle:
        return yaml.safe_load(handle)[variable]


def set_value(inventory, field, value, host=None):
    where, variable, key = FIELDS[field]
    if where == "all" and host is None:
        inventory.set(**{variable: value})
        return
    host = host or where
    path = os.path.join(inventory.inventory, "host_vars", host + ".yml")
    with open(path) as handle:
        data = yaml.safe_load(handle) or {}
    if key is None:
        data[variable] = value
    else:
        group = data.get(variable) or dict(lab_default(inventory, host, variable))
        data[variable] = dict(group, **{key: value})
    with open(path, "w") as out:
        yaml.safe_dump(data, out)


@pytest.mark.parametrize("field, payload_id", REFUSED, ids=["%s-%s" % case for case in REFUSED])
def test_hostile_value_refused(tmp_path, observe, field, payload_id):
    value = value_for(field, payload_id)
    # the inventory of the seed topology (as the stored cases run it), with the value in it
    inventory = InventoryCopy(tmp_path / "inventory", dmvpn_tunnel_description=SEED_DESCRIPTION,
                              dmvpn_manage_underlay=False)
    set_value(inventory, field, value)
    result = inventory.check()
    problems = result["problems"]
    secrets = CANARIES + ((value,) if field in SECRET_FIELDS and len(value) >= 4 else ())
    assert observe.scan("\n".join(str(p) for p in problems), secrets=secrets) == 0
    observe.note("result", "refused")
    assert result["endpoints"] == {}
    got = sorted((p["host"], p["field"], p["message"]) for p in problems)
    want = sorted((host, variable, message) for hosts, variable, message in refused(field, payload_id, value)
                  for host in hosts.split())
    assert got == want
    assert all(len(p["fix"]) > 10 for p in problems), problems


# -- stored: three cases per site.yml run on the seed topology ---------------------------------
def batch_cases(batch):
    return sorted((case, routers) for case, (number, routers) in STORED.items() if number == batch)


def run_batch(request, seed, batch):
    """One site.yml run on routers booted with the seed, carrying the batch's hostile values;
    what each router received (journal), holds, prints and committed, and the run's output."""
    def compute():
        workdir = str(request.getfixturevalue("tmp_path_factory").mktemp("hostile-batch-%d" % batch))
        site = start_site(workdir, seed)
        try:
            for (field, payload_id), routers in batch_cases(batch):
                value = value_for(field, payload_id)
                if field in ("tunnel-description", "commit-comment"):
                    set_value(site, field, value, host=routers[0])
                else:
                    set_value(site, field, value)
            before = {name: site.handle.counters(name) for name in ROUTERS}
            history = {name: len(site.handle.router(name).history) for name in ROUTERS}
            for name in ROUTERS:
                site.handle.journal(name, clear=True)
            run = site.run(SITE, "--skip-tags", "verify")
            routers = {}
            for name in ROUTERS:
                router = site.handle.router(name)
                routers[name] = {
                    "journal": site.handle.journal(name),
                    "running": site.handle.running(name),
                    "values": [value for dummy, value in router.running.leaves() if value is not None],
                    "printed": site.handle.show(name, "show configuration commands"),
                    "commits": len(router.history) - history[name],
                    "comment": router.history[0].comment,
                }
            counters = {name: site.handle.counters(name) for name in ROUTERS}
            return {"rc": run.rc, "output": all_output(run), "recap": recap(run), "routers": routers,
                    "figures": {"commits": sum(counters[n]["commits"] - before[n]["commits"] for n in ROUTERS),
                                "logins": sum(counters[n]["logins"] - before[n]["logins"] for n in ROUTERS)}}
        finally:
            site.handle.thread.stop()

    data = shared_once(request, "hostile-batch-%d" % batch, compute)
    return data


def expected_lines(batch, router):
    """The configuration lines ``router`` must receive in ``batch``: (sent, as it prints it)."""
    lines = []
    for (field, payload_id), routers in batch_cases(batch):
        value = value_for(field, payload_id)
        if router not in routers or field == "commit-comment":
            continue
        head = {"tunnel-description": DESCRIPTION, "ipsec-psk": PSK_LINE, "nhrp-secret": NHRP_LINE}[field]
        # VyOS (and the lab) print a value between plain single quotes, a quote inside as is
        lines.append((head + cli_quote(value), head + "'%s'" % value))
    return lines


def configuration_lines(journal):
    """The set/delete lines a router received in configuration mode."""
    return [line for mode, line in journal if mode == "configure" and line.split(" ", 1)[0] in ("set", "delete")]


def _parse_show_commands(text):
    from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.configtree import parse_show_commands

    return parse_show_commands(text)


BY_BATCH = sorted(STORED, key=lambda case: (STORED[case][0], case))


@pytest.mark.lab
@pytest.mark.parametrize("field, payload_id", [
    pytest.param(*case, id="%s-%s" % case, marks=pytest.mark.shares("hostile-batch-%d" % STORED[case][0]))
    for case in BY_BATCH])
def test_hostile_value_stored(request, seed, observe, field, payload_id):
    batch, routers = STORED[(field, payload_id)]
    data = run_batch(request, seed, batch)
    observe.add(data["figures"])
    value = value_for(field, payload_id)
    secrets = CANARIES + ((value,) if field in SECRET_FIELDS else ())
    assert observe.scan(data["output"], secrets=secrets) == 0, "a secret appears in the output"
    observe.note("result", "stored exactly")
    assert data["rc"] == 0, data["output"][-3000:]
    assert all(stats["failed"] == 0 and stats["unreachable"] == 0 for stats in data["recap"].values())
    for name in routers:
        seen = data["routers"][name]
        sent = configuration_lines(seen["journal"])
        # every line of the batch, each once, and nothing else: no second command, no extra line
        assert sorted(sent) == sorted(line for line, dummy in expected_lines(batch, name)), sent
        assert seen["commits"] == 1
        if field == "commit-comment":
            commit = [line for mode, line in seen["journal"] if mode == "configure" and line.startswith("commit")]
            assert commit == ["commit comment " + cli_quote(value)]
            assert seen["comment"] == value
            continue
        printed = [printed for line, printed in expected_lines(batch, name) if value in printed]
        assert len(printed) == 1 and printed[0] in seen["running"], (printed, seen["running"])
        assert value in seen["values"]                       # the router stores the value itself
        head = printed[0][:printed[0].index(" '")].split()[1:]
        # read back as the module reads it: the value as given, so the next run changes nothing
        assert _parse_show_commands(seen["printed"]).value(head) == value
        assert not any(line.startswith("set system host-name") and "PWNED" in line for line in seen["running"])


# VyOS prints a value with " or \ escaped between the single quotes of show configuration
# commands: vyos1x-config src/config_tree.ml Renderer.render_commands passes every value through
# Util.escape_string (equuleus 51f6402aaacf, sagitta 84720462dc1d; String.escaped on crux
# 550048b3dc49). The collection writes neither character (refused above), but a value set by
# someone else, or non-ASCII text on 1.2, comes back escaped: the parser undoes the escapes.
ESCAPED = {"double-quotes": 'say \\"lab\\"', "backslashes": "back\\\\slash\\\\' end\\\\"}


@pytest.mark.parametrize("payload_id", sorted(ESCAPED))
def test_a_value_vyos_prints_escaped_reads_back_as_stored(payload_id):
    value = PAYLOAD[payload_id]
    printed = DESCRIPTION + "'%s'" % ESCAPED[payload_id]
    assert _parse_show_commands(printed).value(("interfaces", "tunnel", "tun0", "description")) == value


# -- refused by the module itself --------------------------------------------------------------
# Given to dmvpn.vyos.dmvpn directly (no validation play before it), with an explicit version.
MODULE_TASKS = [
    # a control character in any string option: refused first, by itself
    ("control-character", {"config": {"tunnel": {"description": PAYLOAD["newline"]}}}),
    # the model's checks, every problem at once
    ("model", {"config": {"ipsec": {"profile": {"name": PAYLOAD["semicolon"],
                                                "pre_shared_secret": PAYLOAD["shell-expansion"]},
                                    "ike_group": {"name": PAYLOAD["single-quotes"]}}}}),
    # the commit comment travels with a change: the change alone would be committed
    ("commit-comment", {"config": {"tunnel": {"description": "a change"}}, "comment": PAYLOAD["carriage-return"]}),
]


@pytest.mark.lab
def test_the_module_refuses_hostile_values_before_any_login(seeded, observe):
    """The module refuses each hostile value, naming the field, before it logs in anywhere."""
    site = seeded()
    with open(os.path.join(site.handle.workdir, "hostile.json"), "w") as out:
        json.dump({"hostile": dict(MODULE_TASKS)}, out)
    tasks = [{"name": "endpoint", "no_log": True, "ansible.builtin.set_fact": {
        "endpoint": "{{ hostvars | dmvpn.vyos.dmvpn_endpoint(groups['dmvpn'], inventory_hostname) }}"}}]
    for name, dummy in MODULE_TASKS:
        tasks.append({"name": name, "ignore_errors": True, "dmvpn.vyos.dmvpn": {
            "config": "{{ endpoint | combine(hostile['%s'].config, recursive=True) }}" % name,
            "comment": "{{ hostile['%s'].comment | default(omit) }}" % name,
            "state": "overridden", "version": "1.4"}})
    plays = [{"name": "Hostile values given to the module", "hosts": "dmvpn", "gather_facts": False, "tasks": tasks}]
    before = site.running()
    with observe.counting(site):
        run = site.playbook(plays, site.hosts_file, "-e", "@" + os.path.join(site.handle.workdir, "hostile.json"),
                            json_output=True)
    assert observe.scan(all_output(run), secrets=CANARIES + (PAYLOAD["shell-expansion"],)) == 0
    assert run.rc == 0, all_output(run)[-3000:]   # every refusal ignored, so the next task ran
    for name in ROUTERS:
        for task, dummy in MODULE_TASKS:
            result = run.result(name, task)
            assert result.get("failed"), result
            assert result["msg"].splitlines() == MODULE_MESSAGES[task], result["msg"]
        assert site.handle.journal(name) == []      # not one line reached the router
    assert site.running() == before
    assert (site.total_commits(), site.logins()) == (0, 0)


MODULE_MESSAGES = {
    "control-character": [
        "config.tunnel.description contains the control character '\\n'; a newline or other control character "
        "would end the VyOS command line. Remove it (nothing was sent to the router)."],
    "model": [
        "3 problems in the DMVPN endpoint:",
        "- ipsec.ike_group.name: \"it's a 'lab'\" is not a valid value (fix: use 1 to 64 letters, digits, '-', '_' and '.')",
        "- ipsec.profile.name: 'lab;set system host-name PWNED' is not a valid value (fix: use a name of 2 to 64 "
        "characters starting with a letter (letters, digits, '-', '_'))",
        "- ipsec.profile.pre_shared_secret: contains characters VyOS does not accept in a pre-shared secret (empty, "
        "spaces, quotes or others) (fix: use only letters, digits and - + & ! @ # $ % ^ * ( ) , . : _)"],
    "commit-comment": [
        "comment contains the control character '\\r'; a newline or other control character would end the VyOS "
        "command line. Remove it (nothing was sent to the router)."],
}
