"""Helpers shared by the lab test suites (tests/integration, tests/hardening): an emulated VyOS
lab in this process, and real ansible-playbook runs against it over ansible.netcommon.network_cli."""

import json
import os
import re
import shutil
import subprocess
import sys

import pytest
import yaml

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.dirname(sys.executable)
FIXTURES = os.path.join(REPO, "tests", "fixtures")
SITE = os.path.join(REPO, "playbooks", "site.yml")
# site.yml without its verify play, for runs a test judges by commits and running configs
NO_VERIFY = ("-e", "dmvpn_verify=false")
if REPO not in sys.path:
    sys.path.insert(0, REPO)

from vyos_lab.vault import vault_args  # noqa: E402
from vyos_lab.lab import LabThread, RouterSpec  # noqa: E402


class PlaybookRun:
    def __init__(self, proc, data):
        self.proc = proc
        self.rc = proc.returncode
        self.stdout = proc.stdout
        self.stderr = proc.stderr
        self.data = data

    def results(self, host, task=None):
        """Results of ``host`` for every task (or the task named ``task``), in order."""
        out = []
        for play in (self.data or {}).get("plays", []):
            for item in play["tasks"]:
                if task is not None and item["task"]["name"] != task:
                    continue
                if host in item["hosts"]:
                    out.append(item["hosts"][host])
        return out

    def result(self, host, task):
        found = self.results(host, task)
        assert found, "no result for %s / %s\n%s\n%s" % (host, task, self.stdout[-3000:], self.stderr[-3000:])
        return found[-1]

    def stats(self):
        return (self.data or {}).get("stats", {})


class LabHandle:
    def __init__(self, thread, workdir):
        self.thread = thread
        self.lab = thread.lab
        self.workdir = workdir

    def router(self, name):
        return self.lab.routers[name]

    def port(self, name):
        return self.lab.specs[name].port

    def inventory(self, host_vars=None, group_vars=None, ssh_type="libssh"):
        hosts = {}
        for name, spec in self.lab.specs.items():
            entry = {"ansible_host": spec.host, "ansible_port": spec.port}
            entry.update((host_vars or {}).get(name, {}))
            hosts[name] = entry
        all_vars = {
            "ansible_connection": "ansible.netcommon.network_cli",
            "ansible_network_os": "vyos.vyos.vyos",
            "ansible_user": "vyos",
            "ansible_password": "vyos",
            "ansible_host_key_checking": False,
            "ansible_network_cli_ssh_type": ssh_type,
            "ansible_command_timeout": 20,
            "ansible_connect_timeout": 20,
        }
        all_vars.update(group_vars or {})
        path = os.path.join(self.workdir, "inventory.yml")
        with open(path, "w") as handle:
            yaml.safe_dump({"all": {"hosts": hosts, "vars": all_vars}}, handle)
        return path

    def show(self, name, command):
        return self.thread.control(op="command", router=name, command=command)

    def running(self, name):
        return self.router(name).running.commands()

    def fault(self, name, **values):
        return self.thread.control(op="fault", router=name, set=values)

    def load(self, name, lines, save=True):
        return self.thread.control(op="load", router=name, lines=lines, save=save)

    def journal(self, name, clear=False):
        """[(mode, line)] every line the router's shells received ("op" or "configure" mode)."""
        return [tuple(entry) for entry in self.thread.control(op="journal", router=name, clear=clear)]

    def counters(self, name):
        return self.router(name).counters.as_dict()


def run_playbook(playbook, inventory, workdir, extra_args=(), env=None, json_output=True):
    """Run ansible-playbook (file path or a list of plays) and parse its JSON output."""
    if not isinstance(playbook, str):
        path = os.path.join(workdir, "play.yml")
        with open(path, "w") as handle:
            yaml.safe_dump(playbook, handle, sort_keys=False)
        playbook = path
    full_env = dict(os.environ)
    full_env.update({
        "ANSIBLE_CONFIG": os.path.join(REPO, "ansible.cfg"),
        "ANSIBLE_HOST_KEY_CHECKING": "False",
        "ANSIBLE_NOCOLOR": "1",
        "ANSIBLE_RETRY_FILES_ENABLED": "False",
        "ANSIBLE_LOCAL_TEMP": os.path.join(workdir, "tmp"),
        "PATH": BIN + os.pathsep + full_env.get("PATH", ""),
    })
    if json_output:
        full_env["ANSIBLE_STDOUT_CALLBACK"] = "ansible.posix.json"
    full_env.update(env or {})
    # (the harness's inventories are copies of the lab's: the lab's vault id, as vyos_lab passes it)
    cmd = [os.path.join(BIN, "ansible-playbook"), "-i", inventory, playbook] + vault_args(None) + list(extra_args)
    proc = subprocess.run(cmd, cwd=workdir, env=full_env, capture_output=True, text=True, timeout=600, check=False)
    data = None
    if json_output:
        try:
            data = json.loads(proc.stdout[proc.stdout.index("{"):])
        except ValueError:
            data = None
    return PlaybookRun(proc, data)


def start_lab(routers, workdir, **kwargs):
    """Start lab routers ({name: version}, ports picked by the system) with their state in
    ``workdir``/lab; the caller stops ``handle.thread``."""
    specs = [RouterSpec(name, version, 0) for name, version in routers.items()]
    thread = LabThread(specs, state_dir=os.path.join(workdir, "lab"), **kwargs)
    thread.start()
    return LabHandle(thread, workdir)


def playbook_runner(workdir):
    """``run(plays, inventory, *extra_args, **kwargs)``: run_playbook with its files in ``workdir``."""
    def run(plays, inventory, *extra_args, **kwargs):
        return run_playbook(plays, inventory, workdir, extra_args, **kwargs)

    return run


@pytest.fixture
def lab(tmp_path):
    """Start lab routers: ``lab({"HUB": "1.4", "SPOKE1": "1.4"})`` -> LabHandle."""
    started = []

    def start(routers, **kwargs):
        handle = start_lab(routers, str(tmp_path), **kwargs)
        started.append(handle.thread)
        return handle

    yield start
    for thread in started:
        thread.stop()


@pytest.fixture
def playbook(tmp_path):
    return playbook_runner(str(tmp_path))


class Site:
    """A copy of an inventory of inventories/ (``lab`` by default) pointing at this test's lab routers."""

    def __init__(self, handle, workdir, playbook, source="lab"):
        self.handle = handle
        self.playbook = playbook
        self.inventory = os.path.join(workdir, "inventory")
        shutil.copytree(os.path.join(REPO, "inventories", source), self.inventory)
        self.hosts_file = os.path.join(self.inventory, "hosts.yml")
        with open(self.hosts_file) as handle_:
            self.hosts = yaml.safe_load(handle_)
        self.write()

    def groups(self):
        return self.hosts["all"]["children"]["dmvpn"]["children"]

    def write(self):
        for group in self.groups().values():
            for name, entry in group["hosts"].items():
                if name in self.handle.lab.specs:
                    entry["ansible_port"] = self.handle.port(name)
        with open(self.hosts_file, "w") as out:
            yaml.safe_dump(self.hosts, out)

    def set_group_var(self, key, value):
        path = os.path.join(self.inventory, "group_vars", "dmvpn", "dmvpn.yml")
        with open(path) as handle_:
            data = yaml.safe_load(handle_)
        data[key] = value
        with open(path, "w") as out:
            yaml.safe_dump(data, out)

    def add_spoke(self, name, host_vars):
        self.groups()["dmvpn_spokes"]["hosts"][name] = {}
        with open(os.path.join(self.inventory, "host_vars", name + ".yml"), "w") as out:
            yaml.safe_dump(host_vars, out)
        self.write()

    def drop_host(self, name):
        self.groups()["dmvpn_spokes"]["hosts"].pop(name, None)
        self.write()

    def run(self, playbook=SITE, *args, **kwargs):
        return self.playbook(playbook, self.hosts_file, *args, json_output=False, **kwargs)

    def commits(self):
        return {name: self.handle.counters(name)["commits"] for name in self.handle.lab.routers}

    def running(self):
        return {name: self.handle.running(name) for name in self.handle.lab.routers}


def verify_rows(text):
    """{router: its row of verify.yml's table, spaces squeezed} from ``text`` (the table's lines
    are quoted strings: one per line in the debug output, in one list in the failure message)."""
    rows = {}
    for match in re.finditer(r"""["']([A-Z][A-Z0-9_]*) +(hub|spoke) +([^"'\n]*?)["']""", text):
        rows[match.group(1)] = "%s %s" % (match.group(2), " ".join(match.group(3).split()))
    return rows


def recap(run):
    """{host: {ok, changed, failed, ...}} from the PLAY RECAP lines."""
    out = {}
    for line in run.stdout.splitlines():
        if " : ok=" in line:
            host, stats = line.split(" : ")
            out[host.strip()] = {k: int(v) for k, v in (item.split("=") for item in stats.split())}
    return out


def seed_lines(version, name):
    folder = "seed" if version == "1.2" else os.path.join("versions", version)
    with open(os.path.join(FIXTURES, folder, name + ".set")) as handle:
        return handle.read().splitlines()


@pytest.fixture
def site(lab, playbook, tmp_path):
    """``site()`` -> a Site (or ``cls``) on fresh lab routers HUB, SPOKE1, SPOKE2."""
    def make(version="1.4", names=("HUB", "SPOKE1", "SPOKE2"), cls=Site):
        handle = lab({name: version for name in names})
        return cls(handle, str(tmp_path), playbook)

    return make
