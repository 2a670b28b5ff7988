"""The fleet engine's connection settings (module_utils/network/fleet_settings.py): read from
the host's variables in the order network_cli's plugins list them, and every connection
variable the engine cannot honour a problem naming host, variable and fix."""

import pytest

from ansible_collections.dmvpn.vyos.plugins.module_utils.network.fleet_settings import jump_from_args, settings_for

DEFAULTS = {"remote_user": "ops", "remote_port": None, "private_key_file": None, "host_key_checking": True,
            "connect_timeout": 30, "command_timeout": 30}
BASE = {"ansible_connection": "ansible.netcommon.network_cli", "ansible_network_os": "vyos.vyos.vyos"}


def settings(**hostvars):
    return settings_for("R1", dict(BASE, **hostvars), DEFAULTS)


def test_defaults_are_ansibles_own():
    found, problems = settings()
    assert problems == []
    assert (found.address, found.port, found.user, found.password, found.host_key_checking) == ("R1", 22, "ops", None, True)
    assert (found.connect_timeout, found.command_timeout, found.jump) == (30, 30, None)


def test_the_first_variable_set_wins_as_in_the_ssh_plugins():
    found, dummy = settings(ansible_host="192.0.2.1", ansible_ssh_host="192.0.2.9", ansible_port="2222",
                            ansible_ssh_port=22, ansible_user="vyos", ansible_ssh_user="root", ansible_ssh_pass="pw",
                            ansible_ssh_private_key_file="/k", ansible_host_key_checking="no",
                            ansible_command_timeout=5)
    assert (found.address, found.port, found.user, found.password, found.key_file) == ("192.0.2.1", 2222, "vyos", "pw", "/k")
    assert found.host_key_checking is False and found.command_timeout == 5


def test_password_is_never_in_the_repr():
    found, dummy = settings(ansible_password="Canary-secret-1")
    assert "Canary-secret-1" not in repr(found)


@pytest.mark.parametrize("text, hop", [
    ("-J jump.example", {"user": None, "host": "jump.example", "port": 22}),
    ("-o ProxyJump=ops@192.0.2.7:2200", {"user": "ops", "host": "192.0.2.7", "port": 2200}),
    ("-oProxyJump=jump", {"user": None, "host": "jump", "port": 22}),
    ("-o 'ProxyJump [2001:db8::1]:22'", {"user": None, "host": "2001:db8::1", "port": 22}),
])
def test_one_jump_host_is_honoured(text, hop):
    assert jump_from_args(text) == hop


@pytest.mark.parametrize("text, named", [
    ("-o ProxyCommand='ssh -W %h:%p jump'", "the ssh option 'ProxyCommand'"),
    ("-o StrictHostKeyChecking=no", "the ssh option 'StrictHostKeyChecking'"),
    ("-J a,b", "exactly one jump host"),
    ("-J a -J b", "exactly one jump host"),
    ("-v", "'-v'"),
    ("-J user@host:99999", "the form is [user@]host[:port]"),
    ("-J 'a;reboot'", "the form is [user@]host[:port]"),
])
def test_other_ssh_arguments_are_refused_naming_them(text, named):
    with pytest.raises(ValueError) as error:
        jump_from_args(text)
    assert named in str(error.value)


def test_every_problem_of_a_host_is_listed_at_once():
    found, problems = settings_for("R9", {"ansible_connection": "ssh", "ansible_network_os": "ios",
                                          "ansible_become": True, "ansible_paramiko_proxy_command": "nc j 22",
                                          "ansible_port": "x", "ansible_ssh_common_args": "-o ProxyCommand=nc"},
                                   DEFAULTS)
    assert found is None
    assert sorted(p["field"] for p in problems) == ["ansible_become", "ansible_connection", "ansible_network_os",
                                                    "ansible_paramiko_proxy_command", "ansible_port",
                                                    "ansible_ssh_common_args"]
    assert all(p["host"] == "R9" and p["fix"] for p in problems)


def test_connection_variables_left_unset_are_no_problem():
    found, problems = settings(ansible_become=None, ansible_ssh_extra_args=None)
    assert problems == [] and found is not None


def test_the_command_lines_password_is_the_default_and_a_hosts_own_wins():
    # (the action plugin puts -k's password, the play context's, into the defaults)
    with_cli = dict(DEFAULTS, password="Canary-from-k")
    assert settings_for("R1", dict(BASE), with_cli)[0].password == "Canary-from-k"
    assert settings_for("R1", dict(BASE, ansible_password="own"), with_cli)[0].password == "own"
