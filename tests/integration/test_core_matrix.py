"""The lab subset every leg of ``./dev matrix`` runs on its own ansible-core (2.19, 2.20, 2.21):
site.yml converges blank routers (underlay through vyos.vyos's modules, DMVPN through ours),
a re-run changes nothing, verify passes, and a refused commit leaves its router as it was.
The default leg runs it with the other integration tests; the others run only this subset
(marker ``matrix``), so what differs between cores (templating, module loading, network_cli,
callbacks) is exercised end to end on each."""

import pytest

from labkit import NO_VERIFY, SITE, recap, site, verify_rows  # noqa: F401 pylint: disable=unused-import

pytestmark = [pytest.mark.lab, pytest.mark.matrix]


def test_converge_idempotence_verify_and_a_refused_commit(site):
    s = site("1.5")
    first = s.run()
    assert first.rc == 0, first.stdout[-4000:] + first.stderr[-2000:]
    stats = recap(first)
    assert sorted(stats) == ["HUB", "SPOKE1", "SPOKE2"], first.stdout[-2000:]
    assert all(stats[name]["changed"] > 0 and stats[name]["failed"] == 0 for name in stats), stats
    rows = verify_rows(first.stdout)
    assert rows["HUB"].startswith("hub 2/2 ") and rows["HUB"].endswith(" OK"), rows
    assert all(rows[name].startswith("spoke 1/1 ") and rows[name].endswith(" OK") for name in ("SPOKE1", "SPOKE2")), rows

    converged, commits = s.running(), s.commits()
    second = s.run(SITE, *NO_VERIFY)
    assert second.rc == 0, second.stdout[-4000:]
    assert {name: stats["changed"] for name, stats in recap(second).items()} == {"HUB": 0, "SPOKE1": 0, "SPOKE2": 0}
    assert s.commits() == commits and s.running() == converged

    # A change on every router (tunnel MTU 1400), SPOKE1's commit refused: SPOKE1 keeps
    # its configuration, reports it, the run fails; the others take the change in one commit.
    s.set_group_var("dmvpn_tunnel_mtu", 1400)
    s.handle.fault("SPOKE1", fail_commits=1)
    third = s.run(SITE, *NO_VERIFY)
    assert third.rc != 0
    assert "left as it was" in third.stdout and "lab fault injection" in third.stdout, third.stdout[-4000:]
    assert recap(third)["SPOKE1"]["failed"] == 1, third.stdout[-2000:]
    assert s.handle.running("SPOKE1") == converged["SPOKE1"]
    after = s.commits()
    assert after == {"HUB": commits["HUB"] + 1, "SPOKE1": commits["SPOKE1"], "SPOKE2": commits["SPOKE2"] + 1}
    for name in ("HUB", "SPOKE2"):
        assert s.handle.running(name) != converged[name], name
