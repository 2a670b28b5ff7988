"""The lab takes the WAN firewall rules the collection writes, per version, and the
collection reads back what the lab prints (issue 21 item 4): one converge, a re-read that
finds nothing to change, and turning the rules off, which leaves the operator's rule 10.
The lab's schema and commit rules follow VyOS's firewall sources (vyos_facts.json,
commit_rules.py); the product's rules must pass them unchanged."""

import os
import sys

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
sys.path.insert(0, os.path.join(REPO, "tests", "fixtures"))
from operator_firewall import OPERATOR  # noqa: E402
from seed_models import model  # noqa: E402

from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import diff as df  # noqa: E402
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import render as rd  # noqa: E402
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import resources as rs  # noqa: E402
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.configtree import parse_show_commands  # noqa: E402


def shown(cli):
    """``show configuration commands`` read in operational mode."""
    if cli.session.config is not None:
        cli("exit")
    return cli("show configuration commands").splitlines()


def fw(lines):
    return [line for line in lines if " firewall " in line]


def run(cli, version, data):
    """One overridden converge of ``data``'s firewall on the lab router: the lines sent."""
    have = parse_show_commands("\n".join(shown(cli)))
    endpoint = rs.DMVPN.validate(data, version, have, "overridden")
    want = rd.render_endpoint(endpoint, version)
    commands = fw(df.plan_commands(have, want, rs.DMVPN.objects(endpoint, version, have, "overridden"), version,
                                   "overridden"))
    if commands:
        assert cli.configure(commands) == {}, commands
        assert cli("commit") == "", commands
    return commands


@pytest.mark.parametrize("version", ["1.2", "1.3", "1.4", "1.5"])
@pytest.mark.parametrize("operator", [False, True])
def test_on_again_off_on_the_lab(console, version, operator):
    cli = console(version)
    if operator:
        assert cli.configure(OPERATOR[version]) == {}
        assert cli("commit") == ""
    before = fw(shown(cli))
    data = model("hub")
    data["firewall"] = {"peers": ["203.0.113.2", "203.0.113.3"], "drop_other": True}
    assert len(run(cli, version, data)) > 20
    assert [line for line in shown(cli) if " rule 9901 protocol " in line]
    assert run(cli, version, data) == []
    off = model("hub")
    assert run(cli, version, off) != []
    assert fw(shown(cli)) == before
