# -*- coding: utf-8 -*-
# Copyright: dmvpn.vyos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The secrets scan (tools/secrets_scan.py): the repository holds no plaintext secret, and the
scan does find each kind of secret planted in a scratch git repository, without printing it.

The planted values are put together at run time (``"AKIA" + ...``) so that this file holds
none of them: the repository scan reads this file too.
"""

import base64
import hashlib
import importlib.util
import json
import os
import subprocess

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SPEC = importlib.util.spec_from_file_location("secrets_scan", os.path.join(REPO, "tools", "secrets_scan.py"))
secrets_scan = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(secrets_scan)


def random_looking(seed, length):
    """A deterministic random-looking base64 string (nothing to find in this file)."""
    text = base64.b64encode(hashlib.sha512(seed.encode()).digest()).decode().rstrip("=")
    return text[:length]


def make_repo(root, files):
    """A git repository at ``root`` whose index holds ``files`` ({path: text or bytes})."""
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    for path, content in files.items():
        full = root / path
        full.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            full.write_bytes(content)
        else:
            full.write_text(content)
    subprocess.run(["git", "add", "-A"], cwd=str(root), check=True)
    return root


def run_main(capsys, *args):
    rc = secrets_scan.main([str(arg) for arg in args])
    out, err = capsys.readouterr()
    return rc, out, err


# -- (a) the repository itself ---------------------------------------------------------------------------

def test_repository_has_no_plaintext_secret():
    report = secrets_scan.scan(REPO)
    assert report.scanned > 100, report.summary()
    assert report.findings == [], "\n".join([secrets_scan.format_finding(finding) for finding in report.findings]
                                            + [report.summary()])


# -- (b) planted secrets are found, and never printed -----------------------------------------------------

PEM_BODY = random_looking("pem", 64)
VAULT_CIPHERTEXT = hashlib.sha256(b"vault").hexdigest() * 2
PLANTED = [
    # id, path, content (%s: the value), value, kind, line
    ("pem-private-key", "deploy/id_rsa",
     "-----BEGIN RSA " + "PRIVATE KEY-----\n%s\n-----END RSA " + "PRIVATE KEY-----\n", PEM_BODY, "private-key", 1),
    ("openssh-private-key", "home/.ssh/id_ed25519",
     "-----BEGIN OPENSSH " + "PRIVATE KEY-----\n%s\n-----END OPENSSH " + "PRIVATE KEY-----\n", PEM_BODY, "private-key", 1),
    ("aws-access-key-id", "scripts/deploy.sh",
     "#!/bin/sh\nAWS_ACCESS_KEY_ID=%s\n", "AKIA" + "PLANTED0TESTKEY7", "cloud-token", 2),
    ("github-token", "ci/env.ini",
     "[ci]\nuser = bot\ngh = %s\n", "ghp_" + random_looking("github", 36).replace("+", "a").replace("/", "b"), "cloud-token", 3),
    ("slack-token", "notify.py",
     "HOOK = '%s'\n", "xoxb-" + "123456789012-" + "PlantedSlackTok", "cloud-token", 1),
    ("group-vars-plaintext-psk", "inventories/prod/group_vars/dmvpn/dmvpn.yml",
     "---\ndmvpn_gre_key: 7\ndmvpn_ipsec_psk: %s\n", "Tr0ub4dor&3" + "xyzzy-planted", "secret-assignment", 3),
    ("python-password-literal", "tools/deploy.py",
     "import os\nconnect(host, password='%s')\n", "Pl4nted" + "-Pa55", "secret-assignment", 2),
    ("vyos-pre-shared-secret", "configs/hub.set",
     "set vpn ipsec site-to-site peer 192.0.2.1 authentication pre-shared-secret '%s'\n",
     "abcDEF123" + "plantedPSK", "vyos-secret", 1),
    ("vyos-nhrp-cisco-authentication", "configs/spoke.set",
     "set interfaces tunnel tun0 mtu 1436\nset protocols nhrp tunnel tun0 cisco-authentication '%s'\n",
     "Nh9" + "xq7Z", "vyos-secret", 2),
    ("vyos-plaintext-password", "configs/login.set",
     "set system login user admin authentication plaintext-password %s\n", "Adm1n" + "Planted", "vyos-secret", 1),
    ("vyos-psk-secret", "configs/s2s.set",
     "set vpn ipsec authentication psk peer1 secret '%s'\n", "S2s" + "PlantedSecret", "vyos-secret", 1),
    ("high-entropy-value", "app/settings.yml",
     "signing_key: %s\n", random_looking("entropy", 40), "high-entropy", 1),
    ("vault-file-outside-lab-folder", "inventories/prod/group_vars/all/vault.yml",
     "$ANSIBLE_VAULT;1.1;AES256\n%s\n", VAULT_CIPHERTEXT, "vault-file", 1),
    ("vault-password-file-without-lab-only", "inventories/prod/.vault_pass",
     "%s\n", "planted-" + "vault-pass-42", "vault-password-file", 1),
    ("vault-password-file-named-vault-password", "vault-password.txt",
     "%s\n", "planted-" + "vault-pass-43", "vault-password-file", 1),
]


@pytest.mark.parametrize("path, content, value, kind, line", [pytest.param(*case[1:], id=case[0]) for case in PLANTED])
def test_planted_secret_is_found_and_masked(tmp_path, capsys, path, content, value, kind, line):
    root = make_repo(tmp_path / "repo", {"README.md": "scratch\n", path: content % value})
    report = secrets_scan.scan(str(root))
    assert [(finding.path, finding.line, finding.kind) for finding in report.findings] == [(path, line, kind)], report.findings
    rc, out, err = run_main(capsys, root)
    assert rc == 1
    assert "%s:%d: %s: " % (path, line, kind) in out
    assert value not in out + err, "the scan printed the secret"
    assert "1 findings" in out
    rc, out, err = run_main(capsys, root, "--json")
    assert rc == 1 and value not in out + err
    assert [(item["path"], item["line"], item["kind"]) for item in json.loads(out)] == [(path, line, kind)]


def test_masked_form_shows_two_characters_and_the_length():
    assert secrets_scan.mask("Tr0ub4dor&3") == "Tr***(11 chars)"


LAB_ONLY_TEXT = "lab-only\n"


def test_references_and_empty_values_are_not_secrets(tmp_path):
    files = {
        "group_vars/dmvpn.yml": ("dmvpn_nhrp_secret: \"{{ vault_dmvpn_nhrp_secret }}\"\n"
                                 "dmvpn_ipsec_psk: '{{ lookup(\"env\", \"PSK\") }}'\n"
                                 "api_token: \"\"\n"
                                 "ansible_become_password:\n"
                                 "dmvpn_ipsec_enabled_psk: true\n"
                                 "vault_password_file: ~/.config/dmvpn/vault-pass.LAB-ONLY\n"),
        "group_vars/vault_inline.yml": "db_password: !vault |\n  $ANSIBLE_VAULT;1.1;AES256\n  6162636465\n",
        "lab/README.md": "# Lab\n\nEverything secret in this folder is for the lab only.\n",
        "lab/group_vars/vault.yml": "$ANSIBLE_VAULT;1.1;AES256\n" + VAULT_CIPHERTEXT + "\n",
        "lab/vault-password.LAB-ONLY.txt": LAB_ONLY_TEXT,
        "templates/dmvpn.j2": "set vpn ipsec profile P authentication pre-shared-secret '{{ dmvpn_ipsec_psk }}'\n",
        "code.py": "password = os.environ['PW']\nsecret = settings.secret\nline = \"pre-shared-secret '%s'\" % psk\n",
        "notes.set": "set interfaces tunnel tun0 description 'the secret word is here'\n",
    }
    report = secrets_scan.scan(str(make_repo(tmp_path / "repo", files)))
    # only the inline vault value outside the lab folder
    assert [(finding.path, finding.kind) for finding in report.findings] == [("group_vars/vault_inline.yml", "vault-file")]


def test_untracked_files_are_scanned_and_ignored_files_are_not(tmp_path):
    root = make_repo(tmp_path / "repo", {".gitignore": "ignored.yml\n"})
    (root / "untracked.yml").write_text("my_password: Untr4cked-Planted\n")
    (root / "ignored.yml").write_text("my_password: Ign0red-Planted\n")
    report = secrets_scan.scan(str(root))
    assert [(finding.path, finding.kind) for finding in report.findings] == [("untracked.yml", "secret-assignment")]


def test_binary_and_large_files_are_skipped_and_counted(tmp_path, capsys):
    planted = "dmvpn_ipsec_psk: " + "Big-Planted-Psk1\n"
    files = {"image.png": b"\x89PNG\0\0" + planted.encode(), "big.yml": "# filler\n" * 120000 + planted}
    root = make_repo(tmp_path / "repo", files)
    report = secrets_scan.scan(str(root))
    assert report.findings == []
    assert report.skipped["binary"] == ["image.png"] and report.skipped["larger than 1 MB"] == ["big.yml"]
    rc, out, dummy = run_main(capsys, root)
    assert rc == 0
    assert "1 binary" in out and "1 larger than 1 MB" in out and "0 findings" in out


# -- (c) documented example values are allow-listed, by value and path ------------------------------------

ALLOWED_LINES = ("set vpn ipsec profile NHRPVPN authentication pre-shared-secret 'SECRET'\n"
                 "set protocols nhrp tunnel tun0 cisco-authentication SECRET\n")


def test_guide_example_secret_in_a_test_fixture_is_not_reported(tmp_path, capsys):
    root = make_repo(tmp_path / "repo", {"tests/fixtures/seed/hub.set": ALLOWED_LINES})
    report = secrets_scan.scan(str(root))
    assert report.findings == []
    assert report.allowed[secrets_scan.ALLOWLIST[0].reason] == 2
    rc, dummy, dummy = run_main(capsys, root)
    assert rc == 0


def test_guide_example_secret_outside_the_tests_is_reported(tmp_path):
    # the allowlist is per path: the same value in a real inventory is a finding
    root = make_repo(tmp_path / "repo", {"configs/hub.set": ALLOWED_LINES})
    assert [(finding.line, finding.kind) for finding in secrets_scan.scan(str(root)).findings] == [
        (1, "vyos-secret"), (2, "vyos-secret")]


def test_placeholders_and_masked_values_are_not_reported(tmp_path):
    files = {"inventories/example/vault.yml.example": "vault_dmvpn_nhrp_secret: CHANGEME\nvault_dmvpn_ipsec_psk: CHANGE_ME\n"
                                                      "api_token: <your token>\nother_secret: xxxxxxxx\n",
             "docs/output.txt": "set vpn ipsec profile NHRPVPN authentication pre-shared-secret '********'\n"}
    assert secrets_scan.scan(str(make_repo(tmp_path / "repo", files))).findings == []


def test_every_allowlist_entry_has_a_reason_and_paths():
    for entry in secrets_scan.ALLOWLIST:
        assert entry.values and entry.paths and len(entry.reason) > 20, entry


# -- (d) the lab's committed vault password is marked lab-only ---------------------------------------------

def test_lab_vault_password_file_is_marked_lab_only():
    assert os.path.isfile(os.path.join(REPO, "inventories", "lab", "vault-password.LAB-ONLY.txt"))
    with open(os.path.join(REPO, "inventories", "lab", "README.md")) as handle:
        readme = handle.read()
    assert secrets_scan.LAB_ONLY_README_RE.search(readme) and "vault-password.LAB-ONLY.txt" in readme
    scanner = secrets_scan.Scanner(REPO, secrets_scan.Report())
    assert scanner.lab_only_folder("inventories/lab/group_vars/dmvpn/vault.yml")
    assert not scanner.lab_only_folder("inventories/example/group_vars/dmvpn/vault.yml")
