import asyncio
import os
import sys

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
if REPO not in sys.path:
    sys.path.insert(0, REPO)

from vyos_lab.cli import CliSession  # noqa: E402
from vyos_lab.router import Router  # noqa: E402

FIXTURES = os.path.join(REPO, "tests", "fixtures")


class Console:
    """Drive one router's CLI like a person at the console."""

    def __init__(self, router, lab=None):
        self.router = router
        self.session = CliSession(router, lab)

    def __call__(self, line):
        return asyncio.run(self.session.execute(line))

    def configure(self, lines):
        """Enter configuration mode and send ``lines``; return the outputs that are errors."""
        self("configure")
        errors = {}
        for line in lines:
            out = self(line)
            if out.strip():
                errors[line] = out
        return errors


@pytest.fixture
def console():
    def make(version, name="R1", **kwargs):
        return Console(Router(name, version, **kwargs))

    return make


@pytest.fixture
def config_lines():
    """The seed topology's lines for a router in a version's syntax."""
    return fixture_lines


def fixture_lines(version, name):
    folder = "seed" if version == "1.2" else os.path.join("versions", version)
    with open(os.path.join(FIXTURES, folder, name + ".set")) as handle:
        return [line for line in handle.read().splitlines() if line.strip()]
