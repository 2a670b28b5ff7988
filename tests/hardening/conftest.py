"""The hardening suite: bad inventories, hostile values, secrets, faults, concurrency and drift,
each case a named test, against the emulated lab or, where only site.yml's validation play
decides, against that play's check filter (``InventoryCopy``). The suite prints its own
figures at the end (cases, outcomes, ansible-playbook runs, lab commits and logins, secret
hits, time) and writes them to ``build/hardening/figures.{md,json}``.

A test reports its figures through the ``observe`` fixture; they travel on the test report's
``user_properties``, so the table is right with pytest-xdist too (the controller sums them).

Speed: the lab-based cases start from one converged seed topology. site.yml converges blank
routers once per test run (``seed``, whichever worker asks first; the others wait for it and
read its result) and every lab a case needs then boots with the configuration that run left
(``start_site``), in a fraction of a second instead of a converge. A case that needs several
site.yml runs of its own shares them with its neighbours through ``shared_once`` (one
computation per test run, whichever worker asks first), not through a module-scoped lab that
each pytest-xdist worker would build again.
"""

import contextlib
import fcntl
import functools
import json
import os
import shutil
import sys

import pytest
import yaml

TESTS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, TESTS)

import inventory_kit  # noqa: E402  tests/inventory_kit.py
import labkit  # noqa: E402
from labkit import REPO, SITE, LabHandle, Site, lab, playbook, playbook_runner, recap, site, verify_rows  # noqa: E402,F401 pylint: disable=unused-import
from vyos_lab.lab import LabThread, RouterSpec  # noqa: E402
# the figures table: pytest hooks, registered by being names of this conftest
from hardening_figures import pytest_runtest_logreport, pytest_sessionstart, pytest_terminal_summary  # noqa: E402,F401 pylint: disable=unused-import

# The secrets every hardening inventory uses instead of the lab vault's: distinctive, so a
# grep for them finds nothing else. The NHRP secret is at most 8 characters (VyOS).
CANARY_PSK = "Canary-PSK-7f3a9c2e51"
CANARY_NHRP = "Cn7r9x2q"
CANARIES = (CANARY_PSK, CANARY_NHRP)

ROUTERS = ("HUB", "SPOKE1", "SPOKE2")
SEED_DESCRIPTION = "DMVPN hub and spokes"


def secret_hits(text, secrets=CANARIES):
    """How often any of ``secrets`` occurs in ``text``."""
    return sum(text.count(secret) for secret in secrets if secret)


class Observer:
    """What one case saw: lab commits, secret hits in everything it read."""

    def __init__(self, item):
        self.item = item

    def commits(self, count):
        self.item.user_properties.append(("commits", int(count)))

    def logins(self, count):
        self.item.user_properties.append(("logins", int(count)))

    @contextlib.contextmanager
    def counting(self, site):
        """Record the lab commits and logins of ``site``'s routers during the block."""
        commits, logins = site.total_commits(), site.logins()
        yield
        self.commits(site.total_commits() - commits)
        self.logins(site.logins() - logins)

    def scan(self, *texts, **kwargs):
        """Count the canary secrets in ``texts`` (output, results, files); returns the hits."""
        hits = sum(secret_hits(text or "", kwargs.get("secrets", CANARIES)) for text in texts)
        self.item.user_properties.append(("secret_hits", hits))
        return hits

    def note(self, key, value):
        self.item.user_properties.append((key, value))

    def add(self, figures):
        """Figures measured elsewhere (a shared computation this case started): {key: count}."""
        for key in ("commits", "logins", "playbook_runs", "secret_hits"):
            if figures.get(key):
                self.item.user_properties.append((key, int(figures[key])))


@pytest.fixture
def observe(request):
    return Observer(request.node)


_RUN_PLAYBOOK = labkit.run_playbook


@pytest.fixture(autouse=True)
def _count_playbook_runs(request, monkeypatch):
    """Every ansible-playbook process a case starts is counted in its figures."""
    def counted(*args, **kwargs):
        request.node.user_properties.append(("playbook_runs", 1))
        return _RUN_PLAYBOOK(*args, **kwargs)

    monkeypatch.setattr(labkit, "run_playbook", counted)


# -- one computation per test run, shared by the pytest-xdist workers --------------------------
_SHARED = {}


def shared_once(request, key, compute):
    """``compute()`` (JSON data) once per test run: the first worker to ask computes it under a
    lock, the others wait and read its result. Its figures go to the case that computed it
    (``compute`` returns {"figures": {...}, ...} to have them counted there)."""
    if key in _SHARED:
        return _SHARED[key]
    worker = getattr(request.config, "workerinput", None)
    if worker is None:   # no pytest-xdist: this process is the whole run
        data = json.loads(json.dumps(compute()))   # the same data as a worker reads
    else:
        root = request.getfixturevalue("tmp_path_factory").getbasetemp().parent  # this run's workers share it
        path = root / ("shared-%s.json" % key)
        with open(str(root / ("shared-%s.lock" % key)), "w") as lock:
            fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
            if path.exists():
                data = json.loads(path.read_text())
                data["figures"] = {}  # counted by the worker that computed it
            else:
                try:
                    data = compute()
                except Exception as exc:  # the other workers fail at once, not after a rerun
                    path.write_text(json.dumps({"error": "%s: %s" % (type(exc).__name__, exc)}))
                    raise
                tmp = str(path) + ".tmp"
                with open(tmp, "w") as out:
                    json.dump(data, out)
                os.replace(tmp, str(path))
                data = json.loads(json.dumps(data))
    if "error" in data:
        raise AssertionError("the shared setup %s failed in another worker: %s" % (key, data["error"]))
    _SHARED[key] = dict(data, figures={})
    return data


class InventoryEdits:
    """Edits of a copy of inventories/lab (``self.inventory``): canary secrets in plain text in
    group_vars/dmvpn/zz-hardening.yml (over the vaulted ones), host_vars, group_vars."""

    def start_extra(self):
        self.extra = {"dmvpn_ipsec_psk": CANARY_PSK, "dmvpn_nhrp_secret": CANARY_NHRP}
        self.write_extra()

    def write_extra(self):
        with open(os.path.join(self.inventory, "group_vars", "dmvpn", "zz-hardening.yml"), "w") as out:
            yaml.safe_dump(self.extra, out)

    def set(self, **values):
        self.extra.update(values)
        self.write_extra()

    def host_vars(self, name, **values):
        path = os.path.join(self.inventory, "host_vars", name + ".yml")
        with open(path) as handle:
            data = yaml.safe_load(handle) or {}
        data.update(values)
        with open(path, "w") as out:
            yaml.safe_dump(data, out)

    def drop_group_var(self, key):
        """Remove ``key`` from every group_vars file of the inventory copy."""
        for root, dummy, files in os.walk(os.path.join(self.inventory, "group_vars")):
            for name in files:
                path = os.path.join(root, name)
                with open(path) as handle:
                    text = handle.read()
                if text.startswith("$ANSIBLE_VAULT"):
                    continue
                data = yaml.safe_load(text) or {}
                if key in data:
                    del data[key]
                    with open(path, "w") as out:
                        yaml.safe_dump(data, out)
                if key in self.extra:
                    del self.extra[key]


class InventoryCopy(InventoryEdits):
    """A copy of inventories/lab without routers, for the cases that only need what site.yml's
    validation play computes: ``check()`` reads it as ansible-playbook would (inventory, vault,
    templating) and returns dmvpn.vyos.dmvpn_networks_check's {problems, endpoints}."""

    def __init__(self, folder, **extra):
        self.inventory = str(folder)
        shutil.copytree(os.path.join(REPO, "inventories", "lab"), self.inventory)
        self.start_extra()
        if extra:
            self.set(**extra)

    def check(self):
        return inventory_kit.check(self.inventory)


class HardeningSite(InventoryEdits, Site):
    """A copy of inventories/lab on this test's lab routers, with canary secrets."""

    def __init__(self, handle, workdir, playbook_runner):
        Site.__init__(self, handle, workdir, playbook_runner)
        self.start_extra()

    def total_commits(self):
        return sum(self.commits().values())

    def logins(self):
        return sum(self.handle.counters(name)["logins"] for name in self.handle.lab.routers)


@pytest.fixture
def hsite(site):
    """``hsite()`` -> HardeningSite on fresh lab routers HUB, SPOKE1, SPOKE2."""
    return functools.partial(site, cls=HardeningSite)


def converge_from_blank(workdir, version="1.4", names=ROUTERS):
    """Blank lab routers converged by site.yml (verify included), underlay included: the seed
    every lab-based case starts from. The run is the secrets case's too: at -vvv --diff with
    Ansible's log_path in its folder, and what it printed and left there is scanned for the
    canary secrets (test_secrets.py checks the result)."""
    handle = labkit.start_lab({name: version for name in names}, workdir)
    try:
        def run(plays, inventory, *extra_args, **kwargs):   # counted in the secrets case
            return _RUN_PLAYBOOK(plays, inventory, workdir, extra_args, **kwargs)

        site = HardeningSite(handle, workdir, run)
        site.set(dmvpn_tunnel_description=SEED_DESCRIPTION)
        log = os.path.join(workdir, "ansible.log")
        first = site.run(SITE, "-vvv", "--diff", env={"ANSIBLE_LOG_PATH": log})   # verify included
        output = all_output(first)
        if first.rc != 0:
            raise AssertionError(output[-3000:])
        texts = everything(workdir, first)
        leaks = [line for text in texts for line in text.splitlines() if any(secret in line for secret in CANARIES)]
        return {"lines": {name: handle.running(name) for name in names}, "version": version,
                "vvv": {"secret_hits": sum(secret_hits(text) for text in texts), "leaks": leaks[:5],
                        "log_bytes": os.path.getsize(log),
                        "shown_masked": "pre-shared-secret" in output and "********" in output,
                        "hub_holds_psk": any(CANARY_PSK in line for line in handle.running("HUB"))},
                "run_figures": {"commits": site.total_commits(), "logins": site.logins(), "playbook_runs": 1}}
    finally:
        handle.thread.stop()


def everything(workdir, *runs):
    """All output of ``runs`` plus every file in ``workdir`` (log, temporary and retry files),
    except the inventory (it holds the secrets on purpose) and the lab (the routers)."""
    texts = [all_output(run) for run in runs]
    for name in os.listdir(workdir):
        path = os.path.join(workdir, name)
        if name in ("inventory", "lab"):
            continue
        texts.append(files_text(path) if os.path.isdir(path) else open(path, errors="replace").read())
    return texts


@pytest.fixture
def seed(request):
    """The converged seed topology (HUB, SPOKE1, SPOKE2 on VyOS 1.4): each router's running
    configuration after site.yml, computed once per test run (the test run's first case,
    test_secrets.py's, computes it: see pytest_collection_modifyitems)."""
    def compute():
        return converge_from_blank(str(request.getfixturevalue("tmp_path_factory").mktemp("seed")))

    return shared_once(request, "seed-1.4", compute)


def pytest_configure(config):
    config.addinivalue_line("markers", "seed_first: the case that computes the seed; collected first")
    config.addinivalue_line("markers", "shares(key): the case reads the shared_once computation ``key``")
    # pytest-xdist hands a worker its next case one at a time (not in chunks of consecutive
    # cases): the lab cases take 5-30 s each, and a chunk queued on one worker would leave the
    # other idle at the end. (Read where the scheduler is made: with ``-n 2 tests/hardening``.)
    if getattr(config.option, "maxschedchunk", "absent") is None:
        config.option.maxschedchunk = 1


# Rough seconds of a lab case on 2 busy cores, only to order them (longest first).
WEIGHTS = {"test_two_site_runs_at_once_never_mix": 25, "test_no_op_runs_commit_nothing": 25,
           "test_module_results_and_registered_values": 25, "test_fault_during_a_change": 20,
           "test_restart_after_a_change": 20, "test_a_commit_by_someone_else_meanwhile_is_never_mixed_in": 15,
           "test_check_mode_of_a_psk_change_at_vvv_with_diff": 14, "test_hostile_value_stored": 10,
           "test_the_module_refuses_hostile_values_before_any_login": 8, "test_a_failing_commit_at_vvv_with_diff": 7,
           "test_a_failing_validation_at_vvv": 3}
NEEDS_NO_SEED = ("test_a_handful_of_routers_in_one_run_with_fewer_forks",
                 "test_every_bad_case_at_once_is_reported_in_one_run", "test_the_lab_vault_password_is_labelled_lab_only")


def pytest_collection_modifyitems(items):
    """An order that keeps both pytest-xdist workers busy: the case that computes the seed
    first; then the cases without the lab (fast: the other worker runs them meanwhile) and the
    lab cases that need no seed; then the first case of each shared computation, longest first;
    then the other lab cases, longest first; last the other cases of each shared computation,
    which by then only read its result. The order changes no outcome: every case starts from
    the seed or from blank routers of its own."""
    seen = set()

    def key(item):
        if item.get_closest_marker("seed_first"):
            return (0, 0)
        if not item.get_closest_marker("lab"):
            return (1, 0)
        name = item.originalname
        if name in NEEDS_NO_SEED:
            return (2, 0)
        shares = item.get_closest_marker("shares")
        if shares is not None:
            if shares.args[0] in seen:
                return (5, 0)
            seen.add(shares.args[0])
            return (3, -WEIGHTS.get(name, 5))
        return (4, -WEIGHTS.get(name, 5))

    items.sort(key=key)


def start_site(workdir, seed, names=ROUTERS):
    """A HardeningSite on lab routers booted with the seed's configuration (the caller stops
    ``site.handle.thread``): what site.yml left on them, so site.yml finds nothing to change
    (underlay tasks left out from here on: they are part of the seed)."""
    specs = [RouterSpec(name, seed["version"], 0, initial_lines=seed["lines"][name]) for name in names]
    thread = LabThread(specs, state_dir=os.path.join(workdir, "lab"))
    thread.start()
    site = HardeningSite(LabHandle(thread, workdir), workdir, playbook_runner(workdir))
    site.set(dmvpn_tunnel_description=SEED_DESCRIPTION, dmvpn_manage_underlay=False)
    return site


@pytest.fixture
def seeded(seed, tmp_path):
    """``seeded()`` -> a HardeningSite on routers booted with the seed (stopped afterwards)."""
    started = []

    def make(name="site"):
        site = start_site(str(tmp_path / name), seed)
        started.append(site)
        return site

    yield make
    for site in started:
        site.handle.thread.stop()


def all_output(run):
    """Everything a playbook run printed."""
    return (run.stdout or "") + (run.stderr or "")


def files_text(folder):
    """The text of every file under ``folder`` (logs, backups, retry files...)."""
    chunks = []
    for root, dummy, files in os.walk(folder):
        for name in files:
            try:
                with open(os.path.join(root, name), errors="replace") as handle:
                    chunks.append(handle.read())
            except OSError:
                continue
    return "\n".join(chunks)
