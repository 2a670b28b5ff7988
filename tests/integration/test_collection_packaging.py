"""The collection builds into a clean Galaxy artifact and ansible-doc finds it from the clone."""

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
    for unwanted in (".venv", "tests", "benchmarks", "vyos_lab", "molecule", ".ci", "tools", "requirements", "dev"):
        assert unwanted not in tops, unwanted
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]


def test_ansible_doc_lists_the_collection_from_the_clone():
    for plugin_type in ("module", "filter"):
        result = run(os.path.join(BIN, "ansible-doc"), "-t", plugin_type, "-l", "dmvpn.vyos")
        assert "ERROR" not in result.stderr
