"""Integration fixtures (tests/labkit.py): ``lab`` starts emulated VyOS routers in this process,
``playbook`` runs ansible-playbook against them over ansible.netcommon.network_cli.

Scheduling with pytest-xdist (./dev runs -n 2): tests marked ``long`` (a minute or so on 2
cores) are collected first, and each worker gets one test at a time (--maxschedchunk 1 unless
given), so the two workers start on the long tests and share the short ones at the end. (By
default xdist hands each worker a chunk of consecutive tests up front: one worker would get
all the long tests while the other runs out of work.)"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from labkit import BIN, REPO, LabHandle, PlaybookRun, lab, playbook, run_playbook  # noqa: E402,F401 pylint: disable=unused-import


def underlay_lines(host_vars):
    """The lines the roles' underlay tasks set for ``host_vars``' dmvpn_underlay (host name, WAN
    and LAN addresses): for tests that start routers with their underlay in place."""
    underlay = host_vars["dmvpn_underlay"]
    return ["set system host-name '%s'" % underlay["hostname"]] + [
        "set interfaces ethernet %s address '%s'" % (item["name"], item["address"]) for item in underlay["interfaces"]]


def pytest_configure(config):
    config.addinivalue_line("markers", "long: a long lab test, run first (tests/integration/conftest.py)")
    if config.pluginmanager.hasplugin("xdist") and getattr(config.option, "maxschedchunk", None) is None:
        config.option.maxschedchunk = 1


def pytest_collection_modifyitems(items):
    items.sort(key=lambda item: item.get_closest_marker("long") is None)
