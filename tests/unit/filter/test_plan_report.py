"""Unit tests of the dmvpn_plan_report filter (playbooks/plan.yml): registered check-mode results
shaped into per-router plans and one Markdown page; only masked lines and names are copied."""

from ansible_collections.dmvpn.vyos.plugins.filter import dmvpn_plan as flt

PSK_LINE = "set vpn ipsec profile NHRPVPN authentication pre-shared-secret '********'"
CHANGED = {"changed": True, "version": "1.4",
           "commands": ["delete interfaces tunnel tun0 mtu", PSK_LINE],
           "plan": {"objects_added": [], "objects_removed": ["route: protocols static route 192.168.3.0/24 next-hop 10.0.0.3"],
                    "leaves_removed": ["set interfaces tunnel tun0 mtu '1400'"]},
           # (what a registered result also holds: the module's arguments, secrets and all)
           "invocation": {"module_args": {"config": {"ipsec": {"profile": {"pre_shared_secret": "Canary-in-args"}}}}}}


def report(**results):
    hostvars = {name: ({"dmvpn_endpoint_applied": result} if result is not None else {})
                for name, result in results.items()}
    return flt.dmvpn_plan_report(hostvars, sorted(results))


def test_a_changed_router_unchanged_one_and_one_without_a_result():
    got = report(HUB=CHANGED, SPOKE1={"changed": False, "version": "1.4", "commands": [],
                                      "plan": {"objects_added": [], "objects_removed": [], "leaves_removed": []}},
                 SPOKE2=None)
    assert got["routers"]["HUB"] == {
        "router": "HUB", "read": True, "reason": None, "changed": True, "version": "1.4", "set": [PSK_LINE],
        "delete": ["delete interfaces tunnel tun0 mtu"], "confirm": [], "pending_commit_confirm": None,
        "objects_added": [], "objects_removed": ["route: protocols static route 192.168.3.0/24 next-hop 10.0.0.3"],
        "leaves_removed": ["set interfaces tunnel tun0 mtu '1400'"]}
    assert got["routers"]["SPOKE1"]["changed"] is False
    assert got["routers"]["SPOKE2"]["read"] is False and got["routers"]["SPOKE2"]["reason"] == flt.NOT_RUN
    assert (got["changed"], got["not_read"]) == (["HUB"], ["SPOKE2"])
    assert got["not_read_lines"] == ["SPOKE2: not read: " + flt.NOT_RUN]
    table = got["markdown"].split("\n")[4:7]
    assert table == ["| HUB | yes | 1 | 1 | 0 | 1 | no | 1 |", "| SPOKE1 | no | 0 | 0 | 0 | 0 | no | 0 |",
                     "| SPOKE2 | not read: %s | | | | | | |" % flt.NOT_RUN]
    assert "Canary-in-args" not in str(got)


def test_a_failed_or_unreachable_result_is_not_read_with_its_message_on_one_line():
    got = report(HUB={"failed": True, "msg": "a commit-confirm is pending on the router:\nit rolls | back"},
                 SPOKE1={"unreachable": True, "msg": "Connection refused"})
    assert got["routers"]["HUB"]["reason"] == "a commit-confirm is pending on the router: it rolls | back"
    assert "| HUB | not read: a commit-confirm is pending on the router: it rolls \\| back | | | | | | |" in got["markdown"]
    assert got["not_read_lines"] == ["HUB: not read: a commit-confirm is pending on the router: it rolls | back",
                                     "SPOKE1: not read: Connection refused"]


def test_a_pending_commit_confirm_that_would_be_confirmed():
    got = report(HUB={"changed": True, "version": "1.4", "commands": ["confirm", "save"],
                      "pending_commit_confirm": "Wed 2026-12-02 01:40:00 UTC"})
    entry = got["routers"]["HUB"]
    assert (entry["set"], entry["delete"], entry["confirm"]) == ([], [], ["confirm", "save"])
    assert "| HUB | yes | 0 | 0 | 0 | 0 | rolls back at Wed 2026-12-02 01:40:00 UTC (would be confirmed) | 0 |" in got["markdown"]
    assert ("A commit-confirm is pending (it rolls back at Wed 2026-12-02 01:40:00 UTC); the router holds what the "
            "inventory wants, so the run would send: confirm, save") in got["markdown"]
