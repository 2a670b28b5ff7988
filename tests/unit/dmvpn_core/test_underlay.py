"""dmvpn_core/underlay.py: the roles' host name and ethernet addresses (dmvpn.vyos.underlay),
merged only. Address is a multi leaf on every version (underlay.py cites the sources), so
merged adds one and deletes none; host-name is single-valued, so a set replaces it."""

import pytest

from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import configtree as ct
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.checker import ModelError
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.diff import apply_commands, plan_commands
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.underlay import UNDERLAY

VERSIONS = ("1.2", "1.3", "1.4", "1.5")
HAVE = ["set system host-name 'vyos'", "set interfaces ethernet eth0 address '192.0.2.10/24'",
        "set interfaces ethernet eth2 address '198.51.100.9/30'"]
CONFIG = {"hostname": "SPOKE1", "interfaces": [{"name": "eth0", "address": ["dhcp"]},
                                               {"name": "eth1", "address": ["192.168.2.1/24"]}]}


def _change(version, have_lines, config):
    have = ct.parse_set_lines(have_lines)
    wanted = UNDERLAY.validate(config, version, None, "merged")
    objects = UNDERLAY.objects(wanted, version, have, "merged")
    commands = plan_commands(have, UNDERLAY.render(wanted, version), objects, version, "merged")
    return commands, apply_commands(have, commands, version), wanted


@pytest.mark.parametrize("version", VERSIONS)
def test_merged_sets_the_host_name_adds_addresses_and_deletes_nothing(version):
    commands, after, wanted = _change(version, HAVE, CONFIG)
    assert commands == ["set system host-name 'SPOKE1'", "set interfaces ethernet eth0 address 'dhcp'",
                        "set interfaces ethernet eth1 address '192.168.2.1/24'"]
    # the management address on eth0 and the untouched eth2 stay
    assert UNDERLAY.gather(after, version) == {"hostname": "SPOKE1", "interfaces": [
        {"name": "eth0", "address": ["192.0.2.10/24", "dhcp"]}, {"name": "eth1", "address": ["192.168.2.1/24"]},
        {"name": "eth2", "address": ["198.51.100.9/30"]}]}
    assert UNDERLAY.gather(after, version, wanted)["interfaces"][1] == {"name": "eth1", "address": ["192.168.2.1/24"]}
    again, dummy, dummy = _change(version, after.to_commands(), CONFIG)
    assert again == []


def test_every_problem_is_named_at_once():
    with pytest.raises(ModelError) as raised:
        UNDERLAY.validate({"hostname": "bad name", "interfaces": [
            {"name": "br0", "address": ["192.0.2.1/24"]}, {"name": "eth1", "address": ["192.0.2.1", "10.0.0.300/24"]},
            {"name": "eth1", "address": ["dhcp"]}]}, "1.4", None, "merged")
    assert raised.value.fields() == ["config.hostname", "config.interfaces[0].name", "config.interfaces[1].address",
                                     "config.interfaces[1].address", "config.interfaces[2].name"]
    assert "has no prefix length" in str(raised.value) and "is listed twice" in str(raised.value)


@pytest.mark.parametrize("state", ["replaced", "overridden", "deleted"])
def test_states_that_delete_are_refused(state):
    with pytest.raises(ModelError) as raised:
        UNDERLAY.validate(CONFIG, "1.4", None, state)
    assert raised.value.fields() == ["state"] and "use state merged" in str(raised.value)


def test_a_quote_in_a_value_never_reaches_the_router():
    with pytest.raises(ModelError):
        UNDERLAY.validate({"hostname": "R1'; reboot", "interfaces": []}, "1.4", None, "merged")
