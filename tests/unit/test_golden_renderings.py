"""The committed golden renderings (tests/golden/) are what the collection renders today.

A change to rendering or to the design changes what routers receive: it must arrive with the
reviewed diff of tests/golden/ (python tools/golden.py --write), never unnoticed.
"""

import os
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "tools"))

import golden  # noqa: E402  (tools/golden.py)


@pytest.fixture(scope="module")
def rendered():
    return golden.golden_files()


def test_every_golden_file_is_what_the_collection_renders_now(rendered):
    diffs = golden.stale(rendered)
    assert not diffs, "golden renderings are stale (review, then python tools/golden.py --write):\n" + "".join(diffs)


def test_a_changed_line_is_reported_with_its_file(rendered):
    changed = dict(rendered)
    rel = "lab/vyos-1.4.txt"
    changed[rel] = changed[rel].replace("set protocols nhrp tunnel tun0 holding-time '300'",
                                        "set protocols nhrp tunnel tun0 holding-time '600'", 1)
    assert changed[rel] != rendered[rel]
    diffs = golden.stale(changed)
    assert len(diffs) == 1
    assert "tests/golden/lab/vyos-1.4.txt" in diffs[0]
    assert "+set protocols nhrp tunnel tun0 holding-time '600'" in diffs[0]


def test_every_version_of_every_shipped_inventory_has_a_file(rendered):
    names = {rel.split("/")[0] for rel in rendered}
    assert names == {"lab", "bgp_dual_hub", "dataplane", "example", "dual_cloud"}
    assert sorted(rel for rel in rendered if rel.startswith("lab/")) == [
        "lab/vyos-1.2.txt", "lab/vyos-1.3.txt", "lab/vyos-1.4.txt", "lab/vyos-1.5.txt"]


def test_golden_files_hold_no_secret(rendered):
    # the lab secrets, read from the lab vault the same way the golden tool reads them
    hosts = golden.inventory_hostvars("inventories/lab")
    secrets = {str(hv[key]) for hv in hosts.values() for key in ("dmvpn_ipsec_psk", "dmvpn_nhrp_secret") if key in hv}
    assert secrets
    for rel, text in rendered.items():
        for secret in secrets:
            assert secret not in text, rel
