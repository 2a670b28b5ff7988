"""When a module refuses a bad value, measured on the emulated router's own counters and
journal: with an explicit version before any login, with auto right after 'show version'
(the lab answers it like VyOS), never after reading the configuration."""

import pytest
from seed_models import model

pytestmark = pytest.mark.lab


def bad_hub_task(version):
    config = model("hub")
    config["nhrp"]["holding_time"] = 0  # VyOS's range is 1-65000
    return {"name": "dmvpn", "dmvpn.vyos.dmvpn": {"config": config, "state": "overridden", "version": version}}


@pytest.mark.parametrize("version, lines_seen", [("1.4", None), ("auto", ["show version"])])
def test_a_bad_value_is_refused_before_the_configuration_is_read(lab, playbook, version, lines_seen):
    handle = lab({"HUB": "1.4"})
    handle.journal("HUB", clear=True)
    logins = handle.counters("HUB")["logins"]
    run = playbook([{"hosts": "HUB", "gather_facts": False, "tasks": [bad_hub_task(version)]}], handle.inventory())
    assert run.rc != 0
    result = run.result("HUB", "dmvpn")
    assert result["failed"] is True and "nhrp.holding_time" in result["msg"]
    journal = handle.journal("HUB")
    typed = [line for mode, line in journal]
    # the login's terminal setup (set terminal ...) is operational mode; nothing reached
    # configuration mode and the configuration was never read
    assert not any(mode == "configure" or line == "configure" or "show configuration" in line
                   for mode, line in journal), journal
    if lines_seen is None:
        assert handle.counters("HUB")["logins"] == logins  # not even a login
        assert typed == []
    else:
        # network_cli's device info: show version (and show host name); nothing after it
        assert [line for line in typed if line in lines_seen] == lines_seen
        assert typed[-1] in ("show version", "show host name"), typed
    assert handle.counters("HUB")["commits"] == 0
