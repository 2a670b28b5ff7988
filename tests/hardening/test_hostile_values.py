"""Hostile values in every string a user can set: each is either refused before any SSH
traffic (no login, router unchanged, a message naming host and variable) or quoted so the
router stores exactly that value, with exactly the expected config lines sent.

The lab's CLI behaves like VyOS's bash-based one for what matters here: an unquoted ``;`` or
``&&`` starts another command, and ``$(...)``, backticks and ``$NAME`` outside single quotes
expand (to nothing), so a wrongly quoted value shows up as an extra command or a changed value.
"""

import os

import pytest
import yaml

from conftest import CANARIES, SITE, all_output, start_site

pytestmark = pytest.mark.lab

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
ROUTERS = ("HUB", "SPOKE1", "SPOKE2")
# Lines of a change that are not configuration: entering, committing, leaving, blank polls,
# and the module's own reading of the running config inside the session (run show ...).
FRAME = ("configure", "commit", "exit", "save", "run", "")


def value_for(field, payload):
    # The NHRP secret has at most 8 characters on VyOS: try the payload's first 8 there.
    return payload[:8] if field == "nhrp-secret" else payload


@pytest.fixture(scope="module")
def shared_site(tmp_path_factory):
    """One converged lab (the seed topology, VyOS 1.4) per test worker; each case changes one
    value of it. A refused case must leave it as it was; an accepted one changes one value."""
    site = start_site(str(tmp_path_factory.mktemp("hostile")))
    adopt(site)
    yield site
    site.handle.thread.stop()


def vars_of(site, name):
    with open(os.path.join(site.inventory, "host_vars", name + ".yml")) as handle:
        return yaml.safe_load(handle)


def set_value(site, field, value):
    where, variable, key = FIELDS[field]
    if where == "all":
        site.set(**{variable: value})
        return
    data = vars_of(site, where)
    if key is None:
        data[variable] = value
    else:
        group = data.get(variable)
        if group is None:
            group = dict(lab_default(site, where, variable))
        data[variable] = dict(group, **{key: value})
    with open(os.path.join(site.inventory, "host_vars", where + ".yml"), "w") as out:
        yaml.safe_dump(data, out)


def lab_default(site, host, variable):
    """The group_vars value of ``variable`` for ``host`` (IKE/ESP groups live there)."""
    group = "dmvpn_hubs" if host == "HUB" else "dmvpn_spokes"
    with open(os.path.join(site.inventory, "group_vars", group + ".yml")) as handle:
        return yaml.safe_load(handle)[variable]


def adopt(site):
    """What the inventory holds now becomes the baseline each case starts from: the routers
    hold exactly that (after the first converge, and after every accepted value)."""
    site.baseline_hosts = {name: dict(vars_of(site, name)) for name in ROUTERS}
    site.baseline_extra = dict(site.extra)


def restore(site):
    """Put the inventory back to the baseline (a refused value never reached the routers)."""
    for name in ROUTERS:
        with open(os.path.join(site.inventory, "host_vars", name + ".yml"), "w") as out:
            yaml.safe_dump(site.baseline_hosts[name], out)
    site.extra = dict(site.baseline_extra)
    site.write_extra()


def config_lines(site, name):
    """The configuration lines (set/delete) a router received since the journal was cleared."""
    return [line for mode, line in site.handle.journal(name)
            if mode == "configure" and line.strip().split(" ")[0] not in FRAME]


def stored_values(site, name):
    return [value for dummy, value in site.handle.router(name).running.leaves() if value is not None]


CASES = [(field, pid, payload) for field in FIELDS for pid, payload in PAYLOADS]


@pytest.mark.parametrize("field, payload", [(f, p) for f, dummy, p in CASES], ids=["%s-%s" % (f, i) for f, i, dummy in CASES])
def test_hostile_value(shared_site, observe, field, payload):
    site = shared_site
    value = value_for(field, payload)
    before = {name: site.handle.running(name) for name in ROUTERS}
    commits_before = site.commits()
    logins_before = site.logins()
    history_before = {name: len(site.handle.router(name).history) for name in ROUTERS}
    for name in ROUTERS:
        site.handle.journal(name, clear=True)
    try:
        set_value(site, field, value)
        if field == "commit-comment":
            # a comment only travels with a change: change the description as well
            site.set(dmvpn_tunnel_description="comment case %d" % len(site.handle.router("HUB").history))
        run = site.run(SITE, "--skip-tags", "verify")
        if run.rc == 0:
            adopt(site)  # the routers now hold the value: the next case starts from it
    finally:
        restore(site)
    output = all_output(run)
    secrets = CANARIES + ((value,) if field in SECRET_FIELDS and len(value) >= 4 else ())
    hits = observe.scan(output, secrets=secrets)
    commits = sum(site.commits().values()) - sum(commits_before.values())
    observe.commits(commits)
    observe.logins(site.logins() - logins_before)
    assert hits == 0, "a secret value appears in the output"
    if run.rc != 0:
        observe.note("result", "refused")
        # refused before any SSH traffic, router unchanged, the host and variable named
        assert site.logins() == logins_before, "SSH logins happened before the value was refused"
        assert commits == 0
        assert {name: site.handle.running(name) for name in ROUTERS} == before
        variable = FIELDS[field][1]
        named = [line for line in output.splitlines() if line.startswith("- ") and variable in line and "(fix: " in line]
        assert named, output[-3000:]
        assert any(line[2:].split(":")[0] in ROUTERS for line in named), named
        return
    observe.note("result", "stored exactly")
    # accepted: every router stores exactly the value, and got exactly one configuration line
    for name in ROUTERS:
        lines = config_lines(site, name)
        if field == "commit-comment":
            assert len(lines) == 1 and lines[0].startswith("set interfaces tunnel tun0 description "), lines
            assert site.handle.router(name).history[0].comment == value
            assert len(site.handle.router(name).history) == history_before[name] + 1
        else:
            assert len(lines) == 1, lines
            assert value in stored_values(site, name), (name, lines)
        running = site.handle.running(name)
        assert not any(line.startswith("set system host-name") and "PWNED" in line for line in running), running
    assert commits == len(ROUTERS)
