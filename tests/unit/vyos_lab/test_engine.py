"""The emulated VyOS CLI: per-version schemas, validation, sessions and commit semantics."""

import time

import pytest

VERSIONS = ["1.2", "1.3", "1.4", "1.5"]
ROUTERS = ["hub", "spoke1", "spoke2"]


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("name", ROUTERS)
def test_seed_configuration_commits_per_version(console, config_lines, version, name):
    cli = console(version, name.upper())
    lines = config_lines(version, name)
    assert cli.configure(lines) == {}
    assert cli("commit") == ""
    running = "\n".join(cli.router.running.commands())
    assert "set interfaces tunnel tun0 encapsulation 'gre'" in running
    assert "pre-shared-secret 'SECRET'" in running
    assert cli.router.counters.commits == 1
    # a second commit of the same config changes nothing
    assert cli("commit") == "No configuration changes to commit\n"
    assert cli.router.counters.commits == 1


@pytest.mark.parametrize(
    "version, line",
    [
        ("1.4", "set interfaces tunnel tun0 local-ip 198.51.100.41"),       # 1.2 name
        ("1.3", "set interfaces tunnel tun0 local-ip 198.51.100.41"),
        ("1.2", "set interfaces tunnel tun0 source-address 198.51.100.41"),  # 1.3+ name
        ("1.2", "set interfaces tunnel tun0 enable-multicast"),              # 1.4+ form
        ("1.4", "set interfaces tunnel tun0 multicast enable"),              # 1.2/1.3 form
        ("1.4", "set vpn ipsec ipsec-interfaces interface eth0"),            # renamed in 1.4
        ("1.3", "set vpn ipsec interface eth0"),
        ("1.4", "set protocols nhrp tunnel tun0 nhs tunnel-ip 10.0.0.1 nbma 198.51.100.41"),  # 1.5 FRR
        ("1.5", "set protocols nhrp tunnel tun0 cisco-authentication SECRET"),               # removed in 1.5
        ("1.5", "set protocols nhrp tunnel tun0 map 10.0.0.1/24 nbma-address 198.51.100.41"),
        ("1.5", "set protocols nhrp tunnel tun0 holding-time 300"),
    ],
)
def test_wrong_version_syntax_is_refused(console, version, line):
    cli = console(version)
    cli("configure")
    out = cli(line)
    assert "is not valid" in out and "Set failed" in out, out
    assert not cli.session.config.changed()


BAD_VALUES = [
    ("set interfaces tunnel tun0 addres 10.0.0.1/24", "is not valid"),                  # unknown path
    ("set interfaces tunnel tun0 address 10.0.0.300/24", "not a valid IPv4"),            # bad IP
    ("set interfaces tunnel tun0 address 10.0.0.0/24", "network or broadcast"),
    ("set interfaces tunnel tun0 parameters ip key 4294967296", "between 0 and 4294967295"),  # out of range
    ("set interfaces tunnel tunnel0 address 10.0.0.1/24", "Invalid tunnel interface name"),
    ("set vpn ipsec esp-group ESP lifetime 10", "between 30 and 86400"),
    ("set vpn ipsec esp-group ESP proposal 1 encryption aes999", "Invalid value"),
    ("set protocols static route 192.168.2.1/24 next-hop 10.0.0.2", "not a valid IPv4 prefix"),
    ("set system host-name 'bad;name'", "Invalid host name"),
    ("set system host-name \"it's\"", "Invalid host name"),
    ("set interfaces tunnel tun0 encapsulation", "requires a value"),
]


@pytest.mark.parametrize("line, message", BAD_VALUES)
@pytest.mark.parametrize("version", ["1.3", "1.4"])
def test_bad_values_are_refused_with_vyos_errors(console, version, line, message):
    cli = console(version)
    before = cli.router.running.commands()
    cli("configure")
    out = cli(line)
    assert message in out, out
    assert "\n  Set failed" in out
    assert not cli.session.config.changed()
    assert cli("commit") == "No configuration changes to commit\n"
    assert cli.router.running.commands() == before


def test_semicolon_runs_a_second_command_like_the_real_shell(console):
    # VyOS's CLI is bash: an unquoted ';' ends the command. This is what a module must
    # never let an inventory value do; quoted, the same text is one plain value.
    cli = console("1.4")
    cli.configure(["set interfaces tunnel tun0 description x; set system host-name INJECTED"])
    assert cli.session.config.working.get(["system", "host-name"]) == ["INJECTED"]
    cli2 = console("1.4")
    cli2.configure(["set interfaces tunnel tun0 description 'x; set system host-name INJECTED'"])
    assert cli2.session.config.working.get(["interfaces", "tunnel", "tun0", "description"]) == [
        "x; set system host-name INJECTED"]
    assert cli2.session.config.working.get(["system", "host-name"]) == ["R1"]


@pytest.mark.parametrize("line, stored", [
    ("set interfaces tunnel tun0 description '$(reboot) `id` $HOME'", "$(reboot) `id` $HOME"),   # literal
    ('set interfaces tunnel tun0 description "a $(reboot) b"', "a  b"),     # bash expands it
    ("set interfaces tunnel tun0 description x`id`y", "xy"),
    ('set interfaces tunnel tun0 description "cost \\$5 ${HOME}"', "cost $5 "),
    ("set interfaces tunnel tun0 description 'it'\\''s'", "it's"),
])
def test_expansions_outside_single_quotes_change_the_value_as_in_bash(console, line, stored):
    cli = console("1.4")
    cli.configure([line])
    assert cli.session.config.working.get(["interfaces", "tunnel", "tun0", "description"]) == [stored]


def test_the_journal_keeps_every_line_with_its_mode(console):
    cli = console("1.4")
    cli("show version")
    cli.configure(["set system domain-name lab.example"])
    assert list(cli.router.journal)[-3:] == [
        ("op", "show version"), ("op", "configure"), ("configure", "set system domain-name lab.example")]


def test_a_tag_node_name_longer_than_a_file_name_is_refused(console):
    cli = console("1.4")
    errors = cli.configure(["set vpn ipsec ike-group %s lifetime 3600" % ("G" * 256)])
    assert "Node name too long (256 bytes" in "".join(errors.values())


def test_a_foreign_commit_lands_when_the_matching_command_arrives(console):
    cli = console("1.4")
    cli.router.faults.update(foreign_commit={"on": "^configure", "lines": ["set system domain-name 'op.example'"]})
    cli.configure(["set system time-zone UTC"])
    assert cli.router.running.get(["system", "domain-name"]) == ["op.example"]
    assert cli.router.history[0].user == "operator" and cli.router.faults.foreign_commit is None
    cli("commit")
    assert cli.router.running.get(["system", "time-zone"]) == ["UTC"]


def test_a_commit_while_another_is_in_progress_is_refused_not_queued(console):
    """VyOS takes a commit lock (lockf F_TLOCK) and refuses a second commit at once, printing
    only this line (vyos/vyatta-cfg src/commit/commit-algorithm.cpp doCommit, current
    0a5b58a0f9a2). At b303f4c the lab queued it behind the first, which VyOS never does."""
    cli = console("1.4")
    cli.router.faults.update(foreign_commit={"on": "^commit", "lines": ["set system domain-name 'op.example'"],
                                             "hold_ms": 300})
    cli.configure(["set system time-zone UTC"])
    assert cli("commit") == "Configuration system temporarily locked due to another commit in progress\n"
    assert cli.router.running.get(["system", "time-zone"]) is None
    deadline = time.time() + 5
    while time.time() < deadline and cli.router.running.get(["system", "domain-name"]) is None:
        time.sleep(0.02)
    assert cli.router.running.get(["system", "domain-name"]) == ["op.example"]   # the other commit, at its end
    assert cli("commit") == ""    # the lock is free again: ours goes through
    assert cli.router.running.get(["system", "time-zone"]) == ["UTC"]


def test_unterminated_quote_is_an_invalid_command(console):
    cli = console("1.4")
    cli("configure")
    out = cli("set interfaces tunnel tun0 description 'open")
    assert "Invalid command" in out
    assert not cli.session.config.changed()


# Commit rules (refusals per version, VyOS's texts): test_commit_rules.py


def test_session_commands_compare_discard_save_rollback(console):
    cli = console("1.4")
    cli("configure")
    assert cli("compare") == "No changes between working and active configurations.\n"
    cli("set system domain-name example.net")
    assert "+ domain-name example.net" in cli("compare")
    assert cli("compare commands") == "set system domain-name 'example.net'"
    assert "Changes have been discarded" in cli("discard")
    assert not cli.session.config.changed()
    cli("set system domain-name example.net")
    assert cli("commit comment 'add domain'") == ""
    assert "add domain" in cli("run show system commit")
    assert "No changes between working and saved" not in cli("compare saved")
    assert "Saving configuration" in cli("save")
    assert cli("compare saved") == "No changes between working and saved configurations.\n"
    assert cli("rollback 1") == ""
    assert not cli.router.running.exists(["system", "domain-name"])
    assert cli("exit") == "exit\n"


def test_delete_reports_missing_nodes(console):
    cli = console("1.4")
    cli("configure")
    out = cli("delete interfaces tunnel tun0")
    assert "Nothing to delete" in out and "\n  Delete failed" in out


def test_op_mode_pipes_and_errors(console):
    cli = console("1.4", name="HUB")
    assert cli("show host name") == "HUB"
    assert "Version:          VyOS 1.4" in cli("show version")
    assert cli("show configuration commands | grep host-name") == "set system host-name 'HUB'"
    assert "Invalid command: [show bogus]" in cli("show bogus")


def test_show_configuration_commands_format(console, config_lines):
    cli = console("1.4")
    cli.configure(config_lines("1.4", "hub"))
    cli("commit")
    cli("exit")
    lines = cli("show configuration commands").splitlines()
    assert "set vpn ipsec esp-group ESP-HUB proposal 1 hash 'sha1'" in lines
    assert "set protocols nhrp tunnel tun0 redirect" in lines
    assert "set interfaces tunnel tun0 enable-multicast" in lines
    tops = [line.split()[1] for line in lines]
    assert tops == sorted(tops)  # interfaces < protocols < service < system < vpn
    assert lines.index("set vpn ipsec esp-group ESP-HUB proposal 1 encryption 'aes256'") < lines.index(
        "set vpn ipsec esp-group ESP-HUB proposal 2 encryption '3des'")


def test_newline_in_a_value_ends_the_line_and_nothing_is_set(console):
    cli = console("1.4")
    cli("configure")
    out = cli("set interfaces tunnel tun0 description 'first\ndelete system host-name'")
    assert "Invalid command" in out
    assert not cli.session.config.changed()
    assert cli("commit") == "No configuration changes to commit\n"


def test_saved_config_survives_a_lab_restart(tmp_path, config_lines):
    from vyos_lab.cli import LocalConsole
    from vyos_lab.router import Router

    state = str(tmp_path / "R1")
    cli = LocalConsole(Router("R1", "1.2", state_dir=state))
    cli.configure(config_lines("1.2", "hub"))
    cli("commit")
    cli("save")
    again = Router("R1", "1.2", state_dir=state)
    assert again.running.commands() == cli.router.running.commands()
    assert "set system host-name 'HUB'" in again.running.commands()
