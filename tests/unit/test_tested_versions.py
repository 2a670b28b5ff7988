"""What the collection says it supports is exactly what ./dev matrix tests: requires_ansible
(meta/runtime.yml) spans the ansible-core minor releases of the matrix legs
(requirements/runtime.txt and requirements/matrix/*.txt) and nothing more, and galaxy.yml's
dependency ranges hold the vyos.vyos / ansible.netcommon this leg's ``ansible`` package bundles."""

import glob
import json
import os
import re

import ansible.release
import yaml
from ansible.module_utils.compat.version import LooseVersion

from conftest import REPO
from requirement_pins import pins


def _legs():
    files = [os.path.join(REPO, "requirements", "runtime.txt")] + glob.glob(os.path.join(REPO, "requirements", "matrix", "*.txt"))
    return sorted((pins(path)["ansible-core"] for path in files), key=LooseVersion)


def _minor(version):
    return tuple(int(part) for part in version.split(".")[:2])


def _bounds(spec):
    """(lowest allowed, first excluded) of a ">=a,<b" range."""
    parts = dict(re.fullmatch(r"(>=|<)([0-9.]+)", item.strip()).groups() for item in spec.split(","))
    return parts[">="], parts["<"]


def test_requires_ansible_is_exactly_the_tested_cores():
    with open(os.path.join(REPO, "meta", "runtime.yml")) as handle:
        low, high = _bounds(yaml.safe_load(handle)["requires_ansible"])
    legs = _legs()
    minors = sorted({_minor(leg) for leg in legs})
    assert minors == [(2, 19), (2, 20), (2, 21)], legs
    assert _minor(low) == minors[0] and low.endswith(".0")
    assert _minor(high) == (minors[-1][0], minors[-1][1] + 1) and high.endswith(".0")


def test_this_leg_is_one_of_the_matrix_and_bundles_collections_inside_galaxy_ranges():
    assert ansible.release.__version__ in _legs()
    import ansible_collections  # pylint: disable=import-outside-toplevel
    with open(os.path.join(REPO, "galaxy.yml")) as handle:
        dependencies = yaml.safe_load(handle)["dependencies"]
    assert sorted(dependencies) == ["ansible.netcommon", "vyos.vyos"]
    for name, spec in dependencies.items():
        namespace, collection = name.split(".")
        manifests = [os.path.join(path, namespace, collection, "MANIFEST.json") for path in ansible_collections.__path__]
        manifest = next(path for path in manifests if os.path.exists(path))
        with open(manifest) as handle:
            version = json.load(handle)["collection_info"]["version"]
        low, high = _bounds(spec)
        assert LooseVersion(low) <= LooseVersion(version) < LooseVersion(high), (name, version, spec)
    with open(os.path.join(REPO, "requirements.yml")) as handle:
        listed = {item["name"]: item["version"] for item in yaml.safe_load(handle)["collections"]}
    assert listed == dependencies
