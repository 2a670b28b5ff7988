"""The collection builds into a clean Galaxy artifact and ansible-doc finds it from the clone."""

import json
import os
import subprocess
import sys
import tarfile

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.dirname(sys.executable)


def run(*cmd, **kwargs):
    env = dict(os.environ, ANSIBLE_CONFIG=os.path.join(REPO, "ansible.cfg"), PATH=BIN + os.pathsep + os.environ["PATH"])
    return subprocess.run(cmd, cwd=REPO, env=env, check=True, capture_output=True, text=True, **kwargs)


def test_galaxy_build_contains_the_collection_and_nothing_else(tmp_path):
    run(os.path.join(BIN, "ansible-galaxy"), "collection", "build", "--output-path", str(tmp_path), "--force")
    (artifact,) = list(tmp_path.glob("dmvpn-vyos-*.tar.gz"))
    with tarfile.open(artifact) as tar:
        names = tar.getnames()
    tops = {name.split("/")[0] for name in names}
    for wanted in ("plugins", "meta", "MANIFEST.json", "FILES.json", "README.md"):
        assert wanted in tops, wanted
    for present in ("roles", "playbooks", "docs"):
        if os.path.isdir(os.path.join(REPO, present)) and os.listdir(os.path.join(REPO, present)):
            assert present in tops, present
    for unwanted in (".venv", "tests", "benchmarks", "vyos_lab", "molecule", ".ci", "tools", "requirements", "dev",
                     ".config", "execution-environment.yml"):
        assert unwanted not in tops, unwanted
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]
    # Nothing that only the lab can use: the lab inventories (emulated routers on 127.0.0.1, the
    # committed LAB-ONLY vault password), Molecule's config. Users keep the production example
    # and the files an execution environment reads (meta/execution-environment.yml).
    assert not [n for n in names if "LAB-ONLY" in n or ".config/molecule" in n]
    inventories = {n.split("/")[1] for n in names if n.startswith("inventories/") and n.count("/") > 1}
    assert inventories == {"example"}
    for wanted in ("inventories/example/hosts.yml", "inventories/example/group_vars/dmvpn/vault.yml.example",
                   "playbooks/site.yml", "playbooks/verify.yml", "meta/execution-environment.yml",
                   "requirements.txt", "bindep.txt", "requirements.yml"):
        assert wanted in names, wanted
    # no vault file encrypted with the lab's id
    with tarfile.open(artifact) as tar:
        for member in tar.getmembers():
            if member.isfile() and member.name.endswith(".yml"):
                assert not tar.extractfile(member).read().startswith(b"$ANSIBLE_VAULT"), member.name


def test_execution_environment_metadata_names_the_dependency_files_and_their_bounds():
    """meta/execution-environment.yml points at requirements.txt and bindep.txt; the lower bounds
    in requirements.txt admit the versions we pin and test with (requirements/runtime.txt), and
    name no ansible-core (the user's EE chooses it)."""
    import yaml
    from packaging.requirements import Requirement

    with open(os.path.join(REPO, "meta", "execution-environment.yml")) as handle:
        meta = yaml.safe_load(handle)
    assert meta["dependencies"] == {"python": "requirements.txt", "system": "bindep.txt"}
    with open(os.path.join(REPO, "requirements", "runtime.txt")) as handle:
        pins = {Requirement(line.strip()).name: Requirement(line.strip()) for line in handle if "==" in line}
    with open(os.path.join(REPO, "requirements.txt")) as handle:
        bounds = [Requirement(line.split("#")[0].strip()) for line in handle if line.split("#")[0].strip()]
    assert bounds
    for bound in bounds:
        assert bound.name not in ("ansible-core", "ansible"), bound
        assert "==" not in str(bound.specifier), bound
        (pinned,) = pins[bound.name].specifier
        assert bound.specifier.contains(pinned.version), (bound, pinned)


def test_ansible_builder_introspect_lists_our_python_and_system_dependencies(tmp_path):
    """What ansible-builder reads from the installed artifact (its introspect step): our
    requirements.txt and bindep.txt (libssh for ansible-pylibssh), attributed to dmvpn.vyos."""
    run(os.path.join(BIN, "ansible-galaxy"), "collection", "build", "--output-path", str(tmp_path), "--force")
    (artifact,) = list(tmp_path.glob("dmvpn-vyos-*.tar.gz"))
    installed = tmp_path / "installed"
    run(os.path.join(BIN, "ansible-galaxy"), "collection", "install", "--force", "--no-deps", "-p", str(installed),
        str(artifact))
    import yaml

    out = run(os.path.join(BIN, "ansible-builder"), "introspect", str(installed)).stdout
    data = yaml.safe_load(out)

    def lines(name):
        with open(os.path.join(REPO, name)) as handle:
            return [line.strip() + "  # from collection dmvpn.vyos" for line in handle
                    if line.strip() and not line.startswith("#")]

    assert data == {"python": lines("requirements.txt"), "system": lines("bindep.txt")}
    assert any(line.startswith("libssh") for line in data["system"])


MODULES = {"dmvpn", "dmvpn_status", "ipsec", "nhrp", "tunnel"}
FILTERS = {"dmvpn_design_summary", "dmvpn_endpoint", "dmvpn_inventory_problems", "dmvpn_l3_interface",
           "dmvpn_networks_check", "dmvpn_networks_endpoints", "dmvpn_networks_problems", "dmvpn_networks_report",
           "dmvpn_problem_lines", "dmvpn_shortcut_targets", "dmvpn_spoke_maps", "dmvpn_static_routes",
           "dmvpn_tunnel_address", "dmvpn_verify_pings", "dmvpn_verify_report", "dmvpn_plan_report",
           "dmvpn_endpoint_clouds"}


def listed(plugin_type):
    result = run(os.path.join(BIN, "ansible-doc"), "-t", plugin_type, "-l", "dmvpn.vyos", "--json")
    assert "ERROR" not in result.stderr, result.stderr
    return {name.split(".", 2)[2] for name in json.loads(result.stdout)}


def test_ansible_doc_lists_every_module_and_filter_from_the_clone():
    assert listed("module") == MODULES
    assert listed("filter") == FILTERS
    # every filter the plugin returns is documented, and nothing else is
    from ansible_collections.dmvpn.vyos.plugins.filter import dmvpn, dmvpn_clouds, dmvpn_plan

    plugins = (dmvpn, dmvpn_clouds, dmvpn_plan)
    assert set().union(*(set(plugin.FilterModule().filters()) for plugin in plugins)) == FILTERS


def test_ansible_doc_renders_the_options_from_the_one_spec():
    result = run(os.path.join(BIN, "ansible-doc"), "--json", "dmvpn.vyos.dmvpn", "dmvpn.vyos.nhrp")
    docs = json.loads(result.stdout)
    for module in ("dmvpn.vyos.dmvpn", "dmvpn.vyos.nhrp"):
        options = docs[module]["doc"]["options"]
        assert {"state", "version", "comment", "confirm", "save", "lock_timeout", "config"} <= set(options)
    nhrp = docs["dmvpn.vyos.dmvpn"]["doc"]["options"]["config"]["suboptions"]["nhrp"]["suboptions"]
    assert nhrp["network_id"] == docs["dmvpn.vyos.nhrp"]["doc"]["options"]["config"]["suboptions"]["network_id"]
    roles = run(os.path.join(BIN, "ansible-doc"), "-t", "role", "-l", "dmvpn.vyos").stdout
    for role in ("dmvpn_hub", "dmvpn_spoke"):
        assert "dmvpn.vyos.%s" % role in roles
