"""Secrets (the IPsec PSK and the NHRP secret) never appear in what a run leaves behind: the
output at -vvv --diff, check mode, a failing commit, a failing validation, the module results
(JSON callback, registered results written to files) and every file of the run's folder
(Ansible's log_path, temporary and retry files)."""

import json
import os

import pytest

from conftest import CANARIES, REPO, SITE, all_output, everything

pytestmark = pytest.mark.lab

ROTATED = "Canary-PSK-rotated-S1"


@pytest.fixture
def shared(seeded):
    """The converged seed topology (its own routers per case)."""
    return seeded()


def logged_run(site, *args, **kwargs):
    """site.yml (or another playbook) with Ansible's log_path in the run's folder."""
    env = dict(kwargs.pop("env", {}), ANSIBLE_LOG_PATH=os.path.join(site.handle.workdir, "ansible.log"))
    playbook = kwargs.pop("playbook", SITE)
    return site.run(playbook, *args, env=env, **kwargs)


def check(observe, texts, secrets=CANARIES + (ROTATED,)):
    hits = observe.scan(*texts, secrets=secrets)
    leaks = [line for text in texts for line in text.splitlines() if any(s in line for s in secrets)]
    assert hits == 0, leaks[:5]


@pytest.mark.seed_first
def test_site_at_vvv_with_diff_from_blank_routers(seed, observe):
    """site.yml at -vvv --diff from blank routers, underlay included: the seed's own run
    (conftest.converge_from_blank scans what it printed and left in its folder)."""
    seen = seed["vvv"]
    observe.add(seed["run_figures"])
    observe.item.user_properties.append(("secret_hits", seen["secret_hits"]))
    assert seen["shown_masked"]   # the lines are shown, masked
    assert seen["log_bytes"] > 10000
    assert seen["secret_hits"] == 0, seen["leaks"]
    assert seen["hub_holds_psk"]  # ...and the routers do hold the secrets


def test_check_mode_of_a_psk_change_at_vvv_with_diff(shared, observe):
    site = shared
    site.set(dmvpn_ipsec_psk=ROTATED)
    before = site.running()
    with observe.counting(site):
        run = logged_run(site, "-vvv", "--diff", "--check")
    assert run.rc == 0, all_output(run)[-3000:]
    assert site.total_commits() == 0 and site.running() == before
    assert "pre-shared-secret" in all_output(run)
    check(observe, everything(site.handle.workdir, run))


def test_a_failing_commit_at_vvv_with_diff(shared, observe):
    site = shared
    site.set(dmvpn_ipsec_psk=ROTATED)
    site.handle.fault("HUB", fail_commits=1)
    with observe.counting(site):
        run = logged_run(site, "-vvv", "--diff")
    assert run.rc != 0
    assert "lab fault injection" in all_output(run)
    check(observe, everything(site.handle.workdir, run))


@pytest.mark.parametrize("bad", [
    {"dmvpn_nhrp_secret": "Cn7r9x2qX"},              # the NHRP secret itself is wrong (too long)
    {"dmvpn_ipsec_psk": "Can ary"},                  # the PSK itself is wrong (a space)
    {"dmvpn_gre_key": "one"},                        # another field is wrong, the secrets are fine
], ids=["nhrp-secret-too-long", "psk-with-space", "other-field"])
def test_a_failing_validation_at_vvv(shared, observe, bad):
    site = shared
    site.set(**bad)
    with observe.counting(site):
        run = logged_run(site, "-vvv", "--diff")
    assert run.rc != 0 and "no router was touched" in all_output(run)
    assert (site.total_commits(), site.logins()) == (0, 0)
    secrets = CANARIES + tuple(value for value in bad.values() if value != "one")
    check(observe, everything(site.handle.workdir, run), secrets=secrets)


def test_module_results_and_registered_values(shared, observe):
    """Every state of dmvpn.vyos.dmvpn, its result registered and written to a file, and the
    JSON callback's full results: the secrets are masked everywhere."""
    site = shared
    dump = os.path.join(site.handle.workdir, "results")
    os.makedirs(dump, exist_ok=True)
    play = [{
        "name": "Every state, results kept",
        "hosts": "HUB",
        "gather_facts": False,
        "tasks": [
            {"name": "endpoint", "ansible.builtin.set_fact": {
                "endpoint": "{{ hostvars | dmvpn.vyos.dmvpn_endpoint(groups['dmvpn'], inventory_hostname) }}"},
             "no_log": True},
            {"name": "running config", "vyos.vyos.vyos_command": {"commands": ["show configuration commands"]},
             "register": "show", "no_log": True},
        ] + [
            {"name": "state %s" % state, "dmvpn.vyos.dmvpn": dict(
                {"state": state},
                **({"config": "{{ endpoint }}"} if state in ("merged", "replaced", "overridden", "rendered") else {}),
                **({"running_config": "{{ show.stdout[0] }}"} if state == "parsed" else {}),
                **({"version": "1.4"} if state in ("rendered", "parsed") else {})),
             "register": "result_%s" % state}
            for state in ("merged", "replaced", "overridden", "gathered", "rendered", "parsed")
        ] + [
            {"name": "keep the results", "ansible.builtin.copy": {
                "dest": os.path.join(dump, "{{ item }}.json"),
                "content": "{{ lookup('vars', 'result_' + item) | to_nice_json }}"},
             "delegate_to": "localhost", "loop": ["merged", "replaced", "overridden", "gathered", "rendered", "parsed"]},
        ],
    }]
    path = os.path.join(site.handle.workdir, "states.yml")
    with open(path, "w") as out:
        json.dump(play, out)
    with observe.counting(site):
        run = site.playbook(path, site.hosts_file, "-v", json_output=True,
                            env={"ANSIBLE_LOG_PATH": os.path.join(site.handle.workdir, "ansible.log")})
    assert run.rc == 0, all_output(run)[-3000:]
    parsed = run.result("HUB", "state parsed")["parsed"]
    assert parsed and "********" in json.dumps(parsed)  # the secrets are there, masked
    assert len(os.listdir(dump)) == 6
    check(observe, everything(site.handle.workdir, run))


def test_the_lab_vault_password_is_labelled_lab_only():
    # the checkout's ansible.cfg names no vault password (issue 19 item 10); the lab's vault
    # files say whose they are with the vault id label "lab"
    with open(os.path.join(REPO, "ansible.cfg")) as handle:
        settings = [line for line in handle.read().splitlines() if not line.lstrip().startswith("#")]
    assert not [line for line in settings if "vault" in line]
    for inventory in ("inventories/lab", "inventories/bgp_dual_hub", "inventories/dual_cloud", "dataplane/inventory"):
        with open(os.path.join(REPO, inventory, "group_vars", "dmvpn", "vault.yml")) as handle:
            assert handle.readline().rstrip("\n") == "$ANSIBLE_VAULT;1.2;AES256;lab"
    with open(os.path.join(REPO, "inventories", "lab", "README.md")) as handle:
        assert "for the lab only" in handle.read()
