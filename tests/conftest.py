"""Make the collection importable as ``ansible_collections.dmvpn.vyos`` for every test.

The setup step (``./dev setup``) links the repository into
``.venv/collections/ansible_collections/dmvpn/vyos``; when the checkout already sits in an
``ansible_collections/dmvpn/vyos`` folder (as for ``ansible-test``) that folder is used.
"""

import os
import sys

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURES = os.path.join(REPO, "tests", "fixtures")


def _collections_root():
    parts = REPO.split(os.sep)
    if parts[-3:-2] == ["ansible_collections"]:
        return os.sep.join(parts[:-3])
    link_root = os.path.join(REPO, ".venv", "collections")
    link = os.path.join(link_root, "ansible_collections", "dmvpn", "vyos")
    if not os.path.exists(link):
        os.makedirs(os.path.dirname(link), exist_ok=True)
        os.symlink(REPO, link)
    return link_root


# tests/fixtures holds shared test data modules (seed_models.py)
if FIXTURES not in sys.path:
    sys.path.insert(0, FIXTURES)

_root = _collections_root()
if _root not in sys.path:
    sys.path.insert(0, _root)
# ``ansible_collections`` is a namespace package spread over several folders (ours and the
# ones the ``ansible`` package ships); drop a cached single-folder import if there is one.
for _name in [m for m in sys.modules if m == "ansible_collections" or m.startswith("ansible_collections.dmvpn")]:
    del sys.modules[_name]


@pytest.fixture
def seed_lines():
    """The seed guide's example configurations, by router name."""

    def read(name):
        with open(os.path.join(FIXTURES, "seed", name + ".set")) as handle:
            return handle.read().splitlines()

    return {name: read(name) for name in ("hub", "spoke1", "spoke2")}
