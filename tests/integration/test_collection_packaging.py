"""The collection builds into a clean Galaxy artifact and ansible-doc finds it from the clone."""

import json
import os
import re
import subprocess
import sys
import tarfile

import requirement_pins  # (tests/fixtures, on the path through tests/conftest.py)

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
    pinned = requirement_pins.pins(os.path.join(REPO, "requirements", "runtime.txt"))
    with open(os.path.join(REPO, "requirements.txt")) as handle:
        bounds = [Requirement(line.split("#")[0].strip()) for line in handle if line.split("#")[0].strip()]
    assert bounds
    for bound in bounds:
        assert bound.name not in ("ansible-core", "ansible"), bound
        assert "==" not in str(bound.specifier), bound
        assert bound.specifier.contains(pinned[bound.name.lower()]), (bound, pinned)


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


MODULES = {"dmvpn", "dmvpn_status", "fleet", "ipsec", "nhrp", "tunnel", "underlay"}
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


def _on_disk():
    """{ansible-doc type: names} of every plugin and role in the checkout: modules (plugins/modules/*.py),
    filters (their documentation files, plugins/filter/*.yml) and roles (roles/*/meta/argument_specs.yml)."""
    def names(folder, ext):
        path = os.path.join(REPO, folder)
        return sorted(n[: -len(ext)] for n in os.listdir(path) if n.endswith(ext) and not n.startswith("_"))

    roles = sorted(r for r in os.listdir(os.path.join(REPO, "roles"))
                   if os.path.exists(os.path.join(REPO, "roles", r, "meta", "argument_specs.yml")))
    return {"module": names("plugins/modules", ".py"), "filter": names("plugins/filter", ".yml"), "role": roles}


def test_ansible_doc_renders_every_plugin_and_role_on_disk_without_a_warning():
    found = _on_disk()
    assert set(found["module"]) == MODULES and set(found["filter"]) == FILTERS  # the lists above are the disk's
    assert found["role"] == ["dmvpn_endpoint", "dmvpn_hub", "dmvpn_spoke"]
    for plugin_type, names in found.items():
        fqcns = ["dmvpn.vyos." + name for name in names]
        # the text rendering (what a user reads) and the JSON (every name resolved, with its doc)
        text = subprocess.run([os.path.join(BIN, "ansible-doc"), "-t", plugin_type] + fqcns, cwd=REPO, check=False,
                              capture_output=True, text=True,
                              env=dict(os.environ, ANSIBLE_CONFIG=os.path.join(REPO, "ansible.cfg"), ANSIBLE_NOCOLOR="1"))
        assert text.returncode == 0, (plugin_type, text.stderr)
        # (ansible-core 2.21's ansible-doc -t role warns about its own internal collection
        # ansible._protomatter, which has no MANIFEST.json: that one line is ansible-core's, not ours)
        stderr = "".join(line for line in text.stderr.splitlines(True) if not re.fullmatch(
            r"\[WARNING\]: Collection at '\S+/ansible/_internal/ansible_collections/ansible/_protomatter' does not have a "
            r"MANIFEST\.json file, nor has it galaxy\.yml: cannot detect version\.\s*", line))
        assert "WARNING" not in stderr and "DEPRECATION" not in stderr and "ERROR" not in stderr, (plugin_type, text.stderr)
        headers = [line for line in text.stdout.splitlines() if line.startswith("> ")]
        for fqcn in fqcns:  # one rendered page per plugin, headed "> MODULE dmvpn.vyos.x (path)" or the like
            assert [h for h in headers if fqcn in re.split(r"[\s*]+", h)], (plugin_type, fqcn, text.stdout[:3000])
        docs = json.loads(run(os.path.join(BIN, "ansible-doc"), "-t", plugin_type, "--json", *fqcns).stdout)
        assert sorted(docs) == sorted(fqcns), plugin_type
        for fqcn, doc in docs.items():
            if plugin_type == "role":
                assert doc["entry_points"]["main"]["short_description"], fqcn
            else:
                assert doc["doc"]["short_description"] and doc["doc"]["description"], fqcn


def test_the_changelog_fragments_lint_and_the_next_release_preview_is_current():
    # antsibull-changelog's own check of changelogs/ (fragment sections and syntax)
    lint = run(os.path.join(BIN, "antsibull-changelog"), "lint")
    assert lint.stdout == "" and lint.stderr == "", lint.stdout + lint.stderr
    sys.path.insert(0, os.path.join(REPO, "tools"))
    import changelog_preview  # tools/changelog_preview.py

    diffs = changelog_preview.generated_files.stale(changelog_preview.generated(), REPO)
    assert not diffs, "stale docs/changelog-next.md (python tools/changelog_preview.py --write):\n" + "".join(diffs)
    with open(os.path.join(REPO, changelog_preview.TARGET)) as handle:
        text = re.sub(r"</?code>", "", handle.read().replace("\\", ""))
    # every fragment's entries are in it (a fragment's first words, as antsibull renders them)
    folder = os.path.join(REPO, "changelogs", "fragments")
    import yaml

    for name in sorted(os.listdir(folder)):
        with open(os.path.join(folder, name)) as handle:
            fragment = yaml.safe_load(handle)
        for section, entries in fragment.items():
            if section == "trivial":
                continue  # changelogs/config.yaml's trivial_section_name: left out of every changelog by design
            for entry in entries if isinstance(entries, list) else [entries]:
                words = re.sub(r"``([^`]*)``", r"\1", entry).split()[:4]
                assert " ".join(words).replace("\\", "") in " ".join(text.split()), (name, section, words)
