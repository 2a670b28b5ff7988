"""The lab prints a value in ``show configuration commands`` the way each VyOS version does,
and the product reads every such line back as the stored value.

Sources: vyos1x-config src/config_tree.ml Renderer.render_commands (String.escaped on crux
550048b3dc49; Util.escape_string on equuleus 51f6402aaacf and sagitta 84720462dc1d), vyos-1x
python/vyos/configtree.py to_commands (unescape_backslash: sagitta c3f688653, circinus
d5322412e). The printed texts are worked out by hand from those rules."""

import pytest

from vyos_lab.config import printed_value

from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.configtree import parse_show_commands

VALUES = ["Zürich–Büro ✓", "back\\slash", "it's 'quoted'", "plain-ascii 1"]
PRINTED = {
    ("1.2", "Zürich–Büro ✓"): "Z\\195\\188rich\\226\\128\\147B\\195\\188ro \\226\\156\\147",
    ("1.3", "Zürich–Büro ✓"): "Zürich–Büro ✓",
    ("1.2", "back\\slash"): "back\\\\slash",
    ("1.3", "back\\slash"): "back\\\\slash",
    ("1.4", "back\\slash"): "back\\slash",      # doubled by escape_string, halved by to_commands
    ("1.5", "back\\slash"): "back\\slash",
}


@pytest.mark.parametrize("version, value", sorted(PRINTED))
def test_the_lab_prints_values_as_vyos_does(version, value):
    assert printed_value(value, version) == PRINTED[(version, value)]


@pytest.mark.parametrize("version", ["1.2", "1.3"])
@pytest.mark.parametrize("value", VALUES)
def test_what_vyos_prints_reads_back_as_stored(version, value):
    """1.2/1.3 escape every backslash, so the product reads any value back exactly (the
    collection itself writes no backslash: on 1.4/1.5 one reads back as a single one only in
    some lines)."""
    line = "set interfaces tunnel tun0 description '%s'" % printed_value(value, version)
    assert parse_show_commands(line).value(("interfaces", "tunnel", "tun0", "description")) == value
