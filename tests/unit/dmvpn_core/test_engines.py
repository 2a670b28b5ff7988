"""dmvpn_engine: one engine per run (dmvpn_core/engines.py), as site.yml picks its plays by it."""

from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.engines import run_engine


def test_unset_everywhere_is_network_cli():
    assert run_engine([("H", None), ("S", None)]) == ("network_cli", [])


def test_one_engine_set_everywhere_is_the_runs():
    assert run_engine([("H", "fleet"), ("S", "fleet")]) == ("fleet", [])


def test_routers_that_differ_are_a_problem_naming_the_fewer():
    engine, problems = run_engine([("H", "fleet"), ("S1", "fleet"), ("S2", None)])
    assert engine == "fleet"
    assert problems == [{"host": "S2", "field": "dmvpn_engine",
                         "message": "is 'network_cli' on 1 routers (S2), 'fleet' on the others; site.yml uses one "
                                    "engine for all routers", "fix": "set dmvpn_engine once, in group_vars/dmvpn"}]
