import os
import sys

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
if REPO not in sys.path:
    sys.path.insert(0, REPO)

from vyos_lab.cli import LocalConsole  # noqa: E402
from vyos_lab.router import Router  # noqa: E402

FIXTURES = os.path.join(REPO, "tests", "fixtures")


@pytest.fixture
def console():
    def make(version, name="R1", **kwargs):
        return LocalConsole(Router(name, version, **kwargs))

    return make


@pytest.fixture
def config_lines():
    """The seed topology's lines for a router in a version's syntax."""
    return fixture_lines


def fixture_lines(version, name):
    folder = "seed" if version == "1.2" else os.path.join("versions", version)
    with open(os.path.join(FIXTURES, folder, name + ".set")) as handle:
        return [line for line in handle.read().splitlines() if line.strip()]
