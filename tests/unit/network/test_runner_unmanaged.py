"""The dmvpn module's run names the hand-added leaves it removes (result removed_unmanaged and a
warning each), in check mode before anything changes too; declared extra lines stay."""

from seed_models import model
from test_runner_validation import Module, Shell, runner

from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import render as rd
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import resources
from ansible_collections.dmvpn.vyos.plugins.module_utils.network import router_lock

HAND = "set vpn ipsec ike-group IKE-HUB mode 'main'"  # (the IKEv1 mode: not modelled)


class Warning(Module):
    def __init__(self, check_mode=False, **params):
        super(Warning, self).__init__(**params)
        self.check_mode = check_mode
        self.warnings = []

    def warn(self, text):
        self.warnings.append(text)


def run(config, check_mode=False):
    shell = Shell()
    shell.running = "\n".join(rd.render_endpoint(model("hub"), "1.4").to_show_commands() + [HAND])
    module = Warning(check_mode=check_mode, config=config, state="overridden", version="1.4")
    work = runner.Runner(module, resources.DMVPN)
    work._connection = shell
    return work.run(), module.warnings, shell


def test_a_hand_added_leaf_is_removed_and_named(tmp_path, monkeypatch):
    monkeypatch.setattr(router_lock.tempfile, "gettempdir", lambda: str(tmp_path))
    for check_mode in (True, False):
        result, warnings, shell = run(model("hub"), check_mode)
        assert result["commands"] == ["delete vpn ipsec ike-group IKE-HUB mode"]
        assert result["removed_unmanaged"] == ["vpn ipsec ike-group IKE-HUB mode main"]
        assert [w for w in warnings if "mode main" in w] == [
            "this change removes 'vpn ipsec ike-group IKE-HUB mode main', which is not part of the collection's model "
            "and was not declared: to keep it, declare 'mode main' in dmvpn_extra_config.ike_group (the dmvpn module's "
            "config.extra.ike_group), or use dmvpn_state merged"]
        assert any(line.startswith("commit") for line in shell.sent) is not check_mode


def test_a_declared_line_stays_and_nothing_is_reported(tmp_path, monkeypatch):
    monkeypatch.setattr(router_lock.tempfile, "gettempdir", lambda: str(tmp_path))
    config = dict(model("hub"), extra={"ike_group": ["mode main"]})
    result, warnings, shell = run(config)
    assert result["changed"] is False and result["commands"] == []
    assert result["removed_unmanaged"] == [] and warnings == []
