"""When the modules check their input, and how often: a bad value is refused before any
command reaches the router when the version is explicit, and right after 'show version'
(before the configuration is read) when it is auto; a good endpoint is validated once per
module run, and render, ownership and diff take the validated endpoint as it is."""

import pytest
from seed_models import model

from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import model as md
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import resources
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.configtree import parse_show_commands
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.diff import apply_commands
from ansible_collections.dmvpn.vyos.plugins.module_utils.network import router_lock
from ansible_collections.dmvpn.vyos.plugins.module_utils.network import runner


class Failed(Exception):
    pass


class Shell:
    """network_cli as the runner sees it: records every command; answers like a VyOS 1.4 router
    with an empty configuration."""

    def __init__(self):
        self.sent = []
        self.running = "set system host-name 'R1'"
        self.typed = []

    def get_device_info(self):
        self.sent.append("show version")
        return {"network_os_version": "1.4.0", "network_os_major_version": "1.4"}

    def get_option(self, name):
        return {"host": "192.0.2.1", "port": 22}[name]

    def get(self, command, prompt=None, answer=None):
        self.sent.append(command)
        if command.endswith("show configuration commands"):
            return self.running + ("\n[edit]" if command.startswith("run ") else "")
        self.typed += [line for line in command.split("\n") if line.startswith(("set ", "delete "))]
        if command.startswith("commit"):  # (the typed lines land, as on VyOS)
            tree = apply_commands(parse_show_commands(self.running), self.typed, "1.4")
            self.running, self.typed = "\n".join(tree.to_show_commands()), []
        return "\n".join(["[edit]"] * len(command.split("\n")))

    def close(self):
        pass


class Module:
    check_mode = False
    _diff = False

    def __init__(self, **params):
        self.params = dict(state="merged", running_config=None, version="auto", comment="test", confirm=0,
                           save=False, lock_timeout=5)
        self.params.update(params)

    def fail_json(self, msg, **extra):
        raise Failed(msg)


def run(resource, shell, **params):
    module = Module(**params)
    work = runner.Runner(module, resource)
    work._connection = shell
    return work.run()


def bad_hub():
    config = model("hub")
    config["nhrp"]["holding_time"] = 0
    return config


def test_a_bad_value_with_an_explicit_version_sends_nothing_to_the_router(tmp_path, monkeypatch):
    monkeypatch.setattr(router_lock.tempfile, "gettempdir", lambda: str(tmp_path))
    shell = Shell()
    with pytest.raises(Failed, match="nhrp.holding_time"):
        run(resources.DMVPN, shell, config=bad_hub(), version="1.4")
    assert shell.sent == []


def test_a_bad_value_with_auto_is_refused_right_after_show_version(tmp_path, monkeypatch):
    monkeypatch.setattr(router_lock.tempfile, "gettempdir", lambda: str(tmp_path))
    shell = Shell()
    with pytest.raises(Failed, match="nhrp.holding_time"):
        run(resources.DMVPN, shell, config=bad_hub())
    assert shell.sent == ["show version"]


def test_nhrp_without_a_tunnel_address_is_checked_against_the_router_configuration(tmp_path, monkeypatch):
    # its tunnel address comes from the router: there is nothing to check before reading it
    monkeypatch.setattr(router_lock.tempfile, "gettempdir", lambda: str(tmp_path))
    shell = Shell()
    with pytest.raises(Failed, match="has no address on the router"):
        run(resources.NHRP, shell, config=[{"tunnel": "tun0", "role": "hub", "authentication": "SECRET"}],
            version="1.4")
    assert shell.sent == ["show configuration commands"]


def test_one_model_validation_per_module_run(tmp_path, monkeypatch):
    monkeypatch.setattr(router_lock.tempfile, "gettempdir", lambda: str(tmp_path))
    calls = []
    real = md.validate_endpoint

    def counting(data, version):
        calls.append(version)
        return real(data, version)

    monkeypatch.setattr(md, "validate_endpoint", counting)
    shell = Shell()
    result = run(resources.DMVPN, shell, config=model("hub"), state="overridden", version="1.4")
    assert result["changed"] is True
    assert calls == ["1.4"]  # not again in render, owned_objects or the diff
    assert "commit comment 'test'" in shell.sent


def test_a_validated_endpoint_is_taken_as_it_is_only_for_its_own_version():
    endpoint = md.validate_endpoint(model("hub"), "1.4")
    assert md.validated(endpoint, "1.4.0") is endpoint
    assert md.validated(endpoint, "1.5") is not endpoint
    # validated again for 1.5, where FRR's nhrpd takes the default network id (versions.py)
    assert endpoint["nhrp"]["network_id"] is None
    assert md.validated(endpoint, "1.5")["nhrp"]["network_id"] == 1


# issue 19 item 6: what the module refuses before it sends anything (the inventory check
# refuses the same values earlier: tests/unit/dmvpn_core/test_design.py BAD)
@pytest.mark.parametrize("minutes, words", [(-5, "confirm: -5 is negative: VyOS refuses a negative commit-confirm time"),
                                            (99999999, "confirm: 99999999 minutes is more than a day")])
def test_commit_confirm_minutes_outside_the_range_send_nothing(tmp_path, monkeypatch, minutes, words):
    monkeypatch.setattr(router_lock.tempfile, "gettempdir", lambda: str(tmp_path))
    shell = Shell()
    with pytest.raises(Failed) as failed:
        run(resources.DMVPN, shell, config=model("hub"), version="1.4", confirm=minutes)
    assert str(failed.value).startswith(words)
    assert shell.sent == []


@pytest.mark.parametrize("char", ["\u2028", "\u0085", "\u200b", "\u202e", "\x0b"])
def test_a_line_break_or_invisible_character_in_any_input_sends_nothing(tmp_path, monkeypatch, char):
    monkeypatch.setattr(router_lock.tempfile, "gettempdir", lambda: str(tmp_path))
    shell = Shell()
    config = model("hub")
    config["tunnel"]["description"] = "hub%stunnel" % char
    with pytest.raises(Failed, match=r"config.tunnel.description contains the control character"):
        run(resources.DMVPN, shell, config=config, version="1.4")
    assert shell.sent == []


def test_a_psk_inside_a_rendered_keyword_is_refused_before_any_change(tmp_path, monkeypatch):
    # Ansible's no_log would print 'pre-********-secret' for mode pre-shared-secret. (A PSK
    # 'secret' is refused alike, but the message is masked too, as every message of the module.)
    monkeypatch.setattr(router_lock.tempfile, "gettempdir", lambda: str(tmp_path))
    shell = Shell()
    config = model("hub")
    config["ipsec"]["profile"]["pre_shared_secret"] = "shared"
    with pytest.raises(Failed) as failed:
        run(resources.DMVPN, shell, config=config, version="1.4")
    assert str(failed.value) == (
        "a secret of config (a PSK or NHRP key) occurs inside a word of the configuration this module writes (after "
        "'vpn ipsec profile NHRPVPN authentication mode'), so Ansible's masking of it would garble that output; "
        "choose a secret that is not part of a VyOS keyword or of another value (nothing was sent to the router)")
    assert not [line for line in shell.sent if line.startswith(("configure", "set ", "commit"))]
