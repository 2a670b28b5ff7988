"""Unit tests of the configuration tree: parsing VyOS output and typed lines, quoting, render."""

import pytest

from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import configtree as ct

SHOW_COMMANDS = """\
set interfaces ethernet eth0 address '198.51.100.41/30'
set interfaces ethernet eth0 hw-id '00:53:00:00:00:01'
set interfaces tunnel tun0 address '10.0.0.1/24'
set interfaces tunnel tun0 description 'DMVPN hub: it's the core'
set interfaces tunnel tun0 parameters ip key '1'
set protocols nhrp tunnel tun0 redirect
set system host-name 'HUB'
set vpn ipsec profile NHRPVPN
"""


def test_show_commands_values_and_valueless_leaves():
    tree = ct.parse_show_commands(SHOW_COMMANDS)
    assert tree.value(("interfaces", "tunnel", "tun0", "parameters", "ip", "key")) == "1"
    assert tree.value(("system", "host-name")) == "HUB"
    assert tree.exists(("protocols", "nhrp", "tunnel", "tun0", "redirect"))
    assert tree.values(("protocols", "nhrp", "tunnel", "tun0", "redirect")) == []
    assert tree.children(("vpn", "ipsec", "profile")) == ["NHRPVPN"]
    assert len(tree) == 8


def test_show_commands_value_runs_to_last_quote():
    # VyOS prints values between single quotes without escaping anything inside.
    tree = ct.parse_show_commands(SHOW_COMMANDS)
    assert tree.value(("interfaces", "tunnel", "tun0", "description")) == "DMVPN hub: it's the core"


def test_show_commands_round_trip_is_exact():
    tree = ct.parse_show_commands(SHOW_COMMANDS)
    assert tree.to_show_commands() == SHOW_COMMANDS.splitlines()
    # The CLI form escapes the quote the shell way; typed-line parsing reads it back.
    again = ct.parse_set_lines(tree.to_commands())
    assert again == tree
    assert again.value(("interfaces", "tunnel", "tun0", "description")) == "DMVPN hub: it's the core"


def test_multi_value_leaf_keeps_order():
    tree = ct.parse_show_commands(
        "set interfaces ethernet eth1 address '192.0.2.1/24'\n"
        "set interfaces ethernet eth1 address '192.0.2.9/24'\n"
    )
    assert tree.values(("interfaces", "ethernet", "eth1", "address")) == ["192.0.2.1/24", "192.0.2.9/24"]


@pytest.mark.parametrize(
    "bad",
    ["show interfaces", "set interfaces tunnel tun0 description 'open", "set 'x'", "set"],
)
def test_show_commands_rejects_bad_lines_with_line_number(bad):
    with pytest.raises(ct.ConfigSyntaxError) as err:
        ct.parse_show_commands("set system host-name 'R1'\n" + bad + "\n")
    assert "line 2" in str(err.value)


def test_comment_and_blank_lines_are_skipped():
    tree = ct.parse_show_commands("\ncomment interfaces 'note'\nset system host-name 'R1'\n\n")
    assert tree.paths() == [("system", "host-name", "R1")]


@pytest.mark.parametrize(
    "line, words",
    [
        ("set a b 'c d'", [("set", False), ("a", False), ("b", False), ("c d", True)]),
        ('set a "x \\"y\\" \\\\ z"', [("set", False), ("a", False), ('x "y" \\ z', True)]),
        ("set a 'it'\\''s'", [("set", False), ("a", False), ("it's", True)]),
        ("set   a\tb", [("set", False), ("a", False), ("b", False)]),
        ("set a x\\ y", [("set", False), ("a", False), ("x y", True)]),
        ("set a ''", [("set", False), ("a", False), ("", True)]),
    ],
)
def test_tokenize_follows_cli_quoting(line, words):
    assert [(t.text, t.quoted) for t in ct.tokenize(line)] == words


@pytest.mark.parametrize("line", ["set a 'b", 'set a "b', "set a b\\"])
def test_tokenize_rejects_unterminated(line):
    with pytest.raises(ct.ConfigSyntaxError):
        ct.tokenize(line)


@pytest.mark.parametrize(
    "value",
    ["plain", "with space", "it's", "semi;colon && rm -rf /", 'dq " and \\ bs', "$(reboot)", "`x`", "ünïcødé", ""],
)
def test_quote_round_trips_through_the_cli_tokenizer(value):
    # Whatever the value, quoting yields exactly one token that reads back as the value.
    tokens = ct.tokenize("set a " + ct.quote(value))
    assert len(tokens) == 3
    assert tokens[2].text == value


@pytest.mark.parametrize("value", ["two\nlines", "cr\r", "nul\x00", "esc\x1b[2J", "del\x7f"])
def test_quote_refuses_control_characters(value):
    with pytest.raises(ValueError, match="control character"):
        ct.quote(value)


def test_tree_refuses_control_characters_in_any_word():
    with pytest.raises(ValueError):
        ct.ConfigTree().set(["interfaces", "tunnel", "tun0\ndelete system"], "x")


def test_render_quotes_values_and_odd_words_only():
    tree = ct.ConfigTree()
    tree.set(["interfaces", "tunnel", "tun0", "description"], "a b; delete system")
    tree.set(["firewall", "group", "address-group", "odd name", "address"], "192.0.2.1")
    tree.set(["protocols", "nhrp", "tunnel", "tun0", "shortcut"])
    assert tree.to_commands() == [
        "set interfaces tunnel tun0 description 'a b; delete system'",
        "set firewall group address-group 'odd name' address '192.0.2.1'",
        "set protocols nhrp tunnel tun0 shortcut",
    ]


def test_delete_subtree_and_missing_path():
    tree = ct.parse_show_commands(SHOW_COMMANDS)
    assert tree.delete(("interfaces", "tunnel", "tun0"))
    assert not tree.exists(("interfaces", "tunnel", "tun0"))
    assert tree.exists(("interfaces", "ethernet", "eth0"))
    assert not tree.delete(("interfaces", "tunnel", "tun9"))


def test_subtree_keeps_full_paths():
    tree = ct.parse_show_commands(SHOW_COMMANDS)
    sub = tree.subtree(("protocols", "nhrp"))
    assert sub.paths() == [("protocols", "nhrp", "tunnel", "tun0", "redirect")]


def test_equality_ignores_order_and_quoting():
    typed = ct.parse_set_lines(["set system host-name R1", "set interfaces tunnel tun0 address 10.0.0.1/24"])
    shown = ct.parse_show_commands(
        "set interfaces tunnel tun0 address '10.0.0.1/24'\nset system host-name 'R1'\n"
    )
    assert typed == shown
    shown.set(["system", "domain-name"], "example.net")
    assert typed != shown


@pytest.mark.parametrize("name", ["hub", "spoke1", "spoke2"])
def test_seed_configurations_parse_and_render_back(seed_lines, name):
    lines = seed_lines[name]
    tree = ct.parse_set_lines(lines)
    # The guide repeats a few paths (a bare ``proposal 1`` before its children); every
    # distinct leaf survives a render and a parse of the render.
    assert ct.parse_set_lines(tree.to_commands()) == tree
    assert tree.value(("vpn", "ipsec", "profile", "NHRPVPN", "bind", "tunnel")) is None
    assert tree.children(("vpn", "ipsec", "profile", "NHRPVPN", "bind", "tunnel")) == ["tun0"]
    assert tree.exists(("protocols", "nhrp", "tunnel", "tun0", "redirect"))


def test_parse_set_lines_names_the_bad_line():
    with pytest.raises(ct.ConfigSyntaxError) as err:
        ct.parse_set_lines(["set system host-name R1", "delete system host-name"])
    assert "line 2" in str(err.value)


# -- values VyOS prints escaped ------------------------------------------------------------------
# vyos1x-config src/config_tree.ml Renderer.render_commands escapes each value: OCaml's
# String.escaped on crux (550048b3dc49), Util.escape_string from equuleus on (51f6402aaacf).
# Each printed text below is worked out by hand from those rules, not from our code.
@pytest.mark.parametrize("printed, stored", [
    (r"Z\195\188rich", "Zürich"),                     # 1.2: every byte >= 128 as \DDD (ü = C3 BC)
    (r"say \"lab\"", 'say "lab"'),
    (r"back\\slash", "back\\slash"),
    (r"tab\there", "tab\there"),
    ("it's plain", "it's plain"),                     # a single quote is never escaped
    ("Zürich", "Zürich"),                             # 1.3+: UTF-8 printed as it is
])
def test_show_commands_escapes_are_undone(printed, stored):
    tree = ct.parse_show_commands("set interfaces tunnel tun0 description '%s'\n" % printed)
    assert tree.value(("interfaces", "tunnel", "tun0", "description")) == stored
