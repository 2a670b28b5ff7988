"""The EE definition (execution-environment.yml) and tools/ee.py agree on what the build gets.

Backed by ansible-builder 3.2.0's own rules (ansible_builder/containerfile.py): the base stage
installs dependencies.ansible_core/ansible_runner and options.container_init.package_pip, the
builder stage `bindep pyyaml packaging`, the builder/final stages the definition's python list
and every collection's requirements.txt; and by the Debian rootfs tools/ee.py makes.
"""

import os
import sys

import yaml

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(REPO, "tools"))

import ee  # noqa: E402  (tools/ee.py)
import requirement_pins  # noqa: E402  (tests/fixtures, on the path through tests/conftest.py)


def load(path):
    with open(os.path.join(REPO, path)) as handle:
        return yaml.safe_load(handle)


def test_every_python_package_the_build_installs_gets_a_wheel():
    definition = load("execution-environment.yml")
    packages = ee.pip_packages(definition)
    deps = definition["dependencies"]
    for wanted in [deps["ansible_core"]["package_pip"], deps["ansible_runner"]["package_pip"],
                   definition["options"]["container_init"]["package_pip"]] + deps["python"]:
        assert wanted in packages, wanted
    assert set(ee.collection_requirements()) <= set(packages)
    assert {"bindep", "pyyaml", "packaging"} <= set(packages)
    # the append_base step installs only packages that get wheels too
    for step in definition["additional_build_steps"]["append_base"]:
        for word in step.split("install --no-cache-dir", 1)[1].split():
            assert any(p == word or p.startswith(word) for p in packages), word


def test_the_build_reads_what_tools_ee_writes_and_pip_stays_offline():
    definition = load("execution-environment.yml")
    (entry,) = definition["dependencies"]["galaxy"]["collections"]
    assert entry == {"name": "collections/dmvpn-vyos.tar.gz", "type": "file"}
    sources = {item["src"]: item["dest"] for item in definition["additional_build_files"]}
    assert sources == {"build/ee/wheels": "wheels", "build/ee/collections": "collections", "build/ee/pip.conf": "."}
    assert os.path.relpath(ee.WORK, REPO) == os.path.join("build", "ee")
    steps = definition["additional_build_steps"]
    assert "COPY _build/pip.conf /etc/pip.conf" in steps["prepend_base"]
    assert "RUN rm -rf /wheels /etc/pip.conf" in steps["append_final"]
    # Galaxy is not reachable: dependencies come from the ansible package, not ansible-galaxy
    assert definition["build_arg_defaults"]["ANSIBLE_GALAXY_CLI_COLLECTION_OPTS"] == "--no-deps"
    assert any(p.startswith("ansible==") for p in definition["dependencies"]["python"])


def test_the_base_image_has_what_bindep_and_the_interpreter_path_need():
    definition = load("execution-environment.yml")
    assert definition["dependencies"]["python_interpreter"]["python_path"] == "/opt/ee/bin/python3"
    assert "python3 -m venv /opt/ee" in ee.BASE_DOCKERFILE
    with open(os.path.join(REPO, "bindep.txt")) as handle:
        dpkg = [line.split()[0] for line in handle if "[platform:dpkg]" in line]
    assert dpkg and set(dpkg) <= set(ee.BASE_PACKAGES)
    assert definition["options"]["package_manager_path"] == "/usr/bin/apt-get"


def test_the_ee_pins_are_the_tested_2_19_leg_and_the_ee_tooling():
    """The EE's ansible-core and ansible are the 2.19 leg of ./dev matrix (the one its Python,
    bookworm's 3.11, can run), and its ansible-runner is the one ./dev runs: one version each."""
    definition = load("execution-environment.yml")
    leg = requirement_pins.pins(os.path.join(REPO, "requirements", "matrix", "ansible-core-2.19.txt"))
    tooling = requirement_pins.pins(os.path.join(REPO, "requirements", "ee.txt"))
    deps = definition["dependencies"]
    assert deps["ansible_core"]["package_pip"] == "ansible-core==" + leg["ansible-core"]
    assert "ansible==" + leg["ansible"] in deps["python"]
    assert "install --no-cache-dir ansible==%s " % leg["ansible"] in definition["additional_build_steps"]["append_base"][0]
    assert deps["ansible_runner"]["package_pip"] == "ansible-runner==" + tooling["ansible-runner"]
