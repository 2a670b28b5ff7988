# -*- coding: utf-8 -*-
# Copyright: dmvpn.vyos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Secrets scan of the repository: no plaintext secret may be committed.

    python tools/secrets_scan.py [ROOT] [--json] [--verbose]

Scans the files git tracks under ROOT (default: the repository holding this script) and the
untracked files git does not ignore (``git ls-files -z`` and
``git ls-files -z --others --exclude-standard``) and prints one line per finding::

    path:line: kind: description

The secret itself is never printed: descriptions carry a masked form (first 2 characters,
``***`` and the length). The last line is a summary (files scanned, files skipped and why,
findings). Exit code 1 when there are findings, 0 when there are none, 2 when the files could
not be listed. ``--json`` prints the findings as a JSON list on stdout (summary on stderr).

Kinds of findings:

private-key          a PEM private key block (``-----BEGIN ... PRIVATE KEY-----``, OpenSSH, PGP)
cloud-token          an AWS access key id, GitHub, Slack, Google API or GitLab token
secret-assignment    ``password|passwd|secret|psk|pre_shared_secret|api_key|token|authentication``
                     keys assigned a literal value (YAML, INI, JSON, shell, Python; a Jinja
                     ``{{ }}`` reference, a ``!vault`` value, a variable or an empty value is fine)
vyos-secret          a VyOS configuration line with a literal secret: ``pre-shared-secret``,
                     ``cisco-authentication``, ``nhrp tunnel X authentication``,
                     ``plaintext-password``, ``encrypted-password``, ``md5-key``, ``private-key``
                     and, on ``set`` lines, ``secret`` / ``password``
high-entropy         a random-looking value (base64/hex, 20+ characters, Shannon entropy over
                     the threshold) assigned to a key that looks secret (``key``, ``auth``, ...)
vault-file           an Ansible Vault encrypted file (or inline ``!vault`` value) outside a folder
                     whose README says its secrets are for the lab only
vault-password-file  a file named like a vault password file without ``LAB-ONLY`` in its name

Documented example, lab and test values are allow-listed in ALLOWLIST below (the one place,
each entry with its reason). Binary files, files over 1 MB and symlinks to files that are
scanned anyway are skipped and counted in the summary. Python standard library only.
"""

import argparse
import collections
import json
import math
import os
import re
import subprocess
import sys

MAX_BYTES = 1024 * 1024
# Shorter values are not secrets: the collection itself rejects an NHRP key under 4 characters
# (inventory_checks.MIN_NHRP_SECRET_LENGTH) and a PSK under 6 (inventory_checks.MIN_PSK_LENGTH).
MIN_SECRET_LENGTH = 4
ENTROPY_MIN_LENGTH = 20
# bits per character; random base64 of 20+ characters scores 4.0-6.0, random hex 3.5-4.0,
# English words and identifiers mostly stay under these
ENTROPY_THRESHOLD = {"hex": 3.0, "base64": 3.7}

Finding = collections.namedtuple("Finding", "path line kind description")


class Allow(collections.namedtuple("Allow", "values paths reason")):
    """An allow-listed value: ``values`` (strings matched exactly, or compiled patterns matched
    in full) found in a file matching one of the ``paths`` globs (``**`` spans folders)."""

    def matches(self, value, path):
        if not any(_glob_re(glob).match(path) for glob in self.paths):
            return False
        return any(value == item if isinstance(item, str) else item.fullmatch(value) for item in self.values)


# The one allowlist. Prefer a value + path globs over a value allowed everywhere; never add a
# real key here (rotate it and remove it from the history instead).
ALLOWLIST = (
    Allow(("SECRET",), ("tests/**", "plugins/module_utils/dmvpn_core/model.py"),
          "the VyOS DMVPN guide's own example secret (NHRP key and PSK of its hub/spoke configurations); "
          "the seed configurations (tests/fixtures), the tests and the model's docstring example reproduce the guide"),
    Allow(("vyos",), ("inventories/lab/**", "inventories/bgp_dual_hub/**", "inventories/dual_cloud/**", "dataplane/inventory/**",
                      "dataplane/inventory_dual/**", "molecule/**",
                      "benchmarks/**", "tests/**", "vyos_lab/**", "docs/lab.md"),
          "the login of the emulated lab routers, vyos/vyos (VyOS's factory default; lab only, see inventories/lab/README.md)"),
    Allow((re.compile(r"(?i)change[-_]?me(?:[-_].*)?"), re.compile(r"(?i)example"), re.compile(r"<[^<>]+>"),
           re.compile(r"(?i)x{3,}")),
          ("**",),
          "obvious placeholders (inventories/example/group_vars/dmvpn/vault.yml.example says CHANGEME)"),
    Allow((re.compile(r"\*+"),), ("**",),
          "a masked secret: the modules print ******** in place of every secret (doc_fragments/common.py)"),
    Allow(("$6$lab$emulatedvyoslabpasswordhash" + "x" * 32,),
          ("vyos_lab/**", "inventories/dual_cloud/host_vars/**", "dataplane/inventory_dual/host_vars/**"),
          "the emulated router's default encrypted-password: a made-up string shaped like a sha512-crypt "
          "hash (no password hashes to it), shown by 'show configuration' like on a real VyOS (and in the "
          "first configuration of the dual-cloud lab's three-NIC spokes, lab_initial_config, also in the "
          "dataplane's 1.5 copy of that lab)"),
    Allow(("bnchNHRP", "benchmark-psk-0", "benchmark-psk-1", "Nh-2026", "Bench-Psk-0001"), ("benchmarks/**",),
          "benchmark-only NHRP keys and PSKs applied to the emulated lab's routers (benchmarks/topology.py)"),
    Allow(("wrong-key-on-purpose",), ("dataplane/**", "tests/unit/dataplane/**"),
          "the deliberately wrong PSK the dataplane lab gives one spoke's VM to see that spoke cut off"),
    Allow(("WRONGPSK",), ("tests/**",),
          "the deliberately wrong PSK the fault tests configure on SPOKE2 to see the tunnel go down"),
    Allow((re.compile(r"(?i)canary[-_].*"),), ("tests/**",),
          "test canaries: values the tests plant to prove that no output shows them, named Canary-... to say so"),
    Allow(("Psk-Very.Secret-42", "Another-Psk-77", "Psk.Resource-1", "Nh8Sec!", "Nh.Res1", "wrong"), ("tests/integration/**",),
          "canaries the integration tests configure to prove that no output ever shows them, and the wrong "
          "login password the lab must refuse"),
    Allow(("Top-S3cret!", "nhrpK3y", "N3W-s3cret", "Another-1", "NHRPKEY", "PSK-1", "Short", "Way-Too-Long-Secret",
           "SECRET2", "Ex4mple", "Example-PSK-0001", "$6$abc", "WRONG", "OTHER", "secret", "nhrp", "shared"),
          ("tests/unit/**",),
          "canaries, mismatched and invalid values of the unit tests (masking, validation of secrets, differ, "
          "the emulated lab's PSK/NHRP mismatch)"),
    Allow(("NineChars", "Cn7r9x2qX", "Can ary"), ("tests/hardening/**",),
          "NHRP keys / PSKs that are wrong on purpose (too long, a space), which the hardening tests expect the "
          "inventory checks to reject without echoing them"),
)

# -- patterns --------------------------------------------------------------------------------------------

PEM_RE = re.compile(r"-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY(?: BLOCK)?-----")
CLOUD_TOKENS = (
    ("AWS access key id", re.compile(r"(?<![A-Z0-9])(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z0-9]{16}(?![A-Z0-9])")),
    ("GitHub token", re.compile(r"(?<![A-Za-z0-9_])gh[pousr]_[A-Za-z0-9]{36,}")),
    ("GitHub fine-grained token", re.compile(r"(?<![A-Za-z0-9_])github_pat_[A-Za-z0-9_]{22,}")),
    ("Slack token", re.compile(r"(?<![A-Za-z0-9_])xox[abposr]-[A-Za-z0-9-]{10,}")),
    ("Google API key", re.compile(r"(?<![A-Za-z0-9_])AIza[0-9A-Za-z_-]{35}")),
    ("GitLab token", re.compile(r"(?<![A-Za-z0-9_])glpat-[A-Za-z0-9_-]{20,}")),
)

SECRET_KEY_RE = re.compile(r"(?i)password|passwd|secret|psk|pre[-_]shared[-_]secret|api[-_]?key|token|authentication")
BROAD_KEY_RE = re.compile(r"(?i)key|token|secret|passw|passwd|pwd|psk|auth|cred|salt|signature|cookie|session|private")
# keys naming where a secret is, not the secret (ansible.cfg vault_password_file, ...)
KEY_NOT_A_SECRET_RE = re.compile(r"(?i)(?:_|-)(?:file|files|path|dir|env|length|len|re|regex|text|paths|leaf|mode)$")
VALUE = r"""(?P<value>[rRbBuU]?"(?:[^"\\\n]|\\.)*"|[rRbBuU]?'(?:[^'\\\n]|\\.)*'|[^\s,;#'"\]\)\}\[\{][^\s,;#'"\]\)\}]*)"""
# a whole-line YAML/INI/shell assignment: the value runs to the end of the line or a " #" comment
BLOCK_ASSIGN_RE = re.compile(r"""^\s*(?:-\s+|export\s+)?(?P<key>[A-Za-z_][A-Za-z0-9_.-]*)\s*(?P<op>:|=)(?![=:/])\s*(?P<value>.*?)\s*(?:\s#.*)?$""")
ASSIGN_RE = re.compile(r"""(?<![A-Za-z0-9_.$-])(?P<key>[A-Za-z_][A-Za-z0-9_.-]*)["']?\]?\s*(?<![!<>=])(?P<op>:|=)(?![=:/])\s*""" + VALUE)
VYOS_VALUE = r"""(?P<value>'[^'\n]*'|"[^"\n]*"|[^\s'";]+)"""
# leaves that hold a secret wherever they appear (set commands, config.boot, show output)
VYOS_SECRET_RE = re.compile(r"""(?:^|(?<=[\s'"(]))(?P<leaf>pre-shared-secret|cisco-authentication|plaintext-password|encrypted-password)"""
                            r"""\s+""" + VYOS_VALUE)
VYOS_NHRP_AUTH_RE = re.compile(r"""\bnhrp\s+tunnel\s+\S+\s+(?P<leaf>authentication)\s+""" + VYOS_VALUE)
# generic leaf names, only on a line with a VyOS set command (outside its quoted values)
VYOS_CONTEXT_RE = re.compile(r"""(?:^|[\s'"(])set\s+(?:vpn|protocols|system|service|interfaces|high-availability|nat|firewall|policy|pki)\s""")
VYOS_GENERIC_RE = re.compile(r"""(?<=\s)(?P<leaf>secret|password|md5-key|private-key)\s+""" + VYOS_VALUE)
VAULT_LINE_RE = re.compile(r"^\s*\$ANSIBLE_VAULT;")
VAULT_PASSWORD_NAME_RE = re.compile(r"(?i)vault[-_.]?pass")
LAB_ONLY_NAME = "LAB-ONLY"
LAB_ONLY_README_RE = re.compile(r"(?i)\blab[\s_-]+only\b")
SECRET_WORD_RE = re.compile(r"(?i)secret|vault|password")
README_NAMES = ("README.md", "README", "README.rst", "README.txt")

# values that are not literals: Jinja, vault, variables, format placeholders
REFERENCE_RE = re.compile(r"""\{\{|\{%|^!vault|^\$\{?[A-Za-z_][A-Za-z0-9_]*\}?$|^\$\d$|^\$\(|%[sdr](?![A-Za-z0-9])|%\(\w+\)[sdr]|^\{\w*\}$""")
# a bare value at the end of a string literal in code ends with its escapes ("... SECRET\n")
ESCAPES_AT_END_RE = re.compile(r"(?:\\[nrt])+$")
YAML_NOT_STRING_RE = re.compile(r"(?i)^(?:true|false|yes|no|on|off|null|none|~|[-+]?[0-9][0-9_.:e+-]*)$")
CODE_EXTENSIONS = (".py", ".pyi", ".j2", ".jinja", ".jinja2", ".js", ".ts", ".go", ".rb")
HEX_RE = re.compile(r"^[0-9a-fA-F]+$")
BASE64_RE = re.compile(r"^[A-Za-z0-9+/=_-]+$")

GLOB_CACHE = {}


def _glob_re(glob):
    if glob not in GLOB_CACHE:
        out = []
        i = 0
        while i < len(glob):
            if glob.startswith("**/", i):
                out.append("(?:.*/)?")
                i += 3
            elif glob.startswith("**", i):
                out.append(".*")
                i += 2
            elif glob[i] == "*":
                out.append("[^/]*")
                i += 1
            elif glob[i] == "?":
                out.append("[^/]")
                i += 1
            else:
                out.append(re.escape(glob[i]))
                i += 1
        GLOB_CACHE[glob] = re.compile("".join(out) + r"\Z")
    return GLOB_CACHE[glob]


def mask(value):
    """The printable form of a secret: its first 2 characters, *** and its length."""
    return "%s***(%d chars)" % (value[:2], len(value))


def shannon_entropy(text):
    if not text:
        return 0.0
    counts = collections.Counter(text)
    return -sum(n / len(text) * math.log2(n / len(text)) for n in counts.values())


def high_entropy(value):
    """'hex' or 'base64' when ``value`` looks random, else None."""
    if len(value) < ENTROPY_MIN_LENGTH:
        return None
    for charset, regex in (("hex", HEX_RE), ("base64", BASE64_RE)):
        if regex.match(value) and shannon_entropy(value) > ENTROPY_THRESHOLD[charset]:
            return charset
    return None


def unquote(value):
    if value[:1] in "rRbBuU" and value[1:2] in ("'", '"'):
        value = value[1:]
    if len(value) >= 2 and value[0] == value[-1] and value[0] in ("'", '"'):
        return value[1:-1], True
    return value, False


def is_literal_secret(value):
    """True when ``value`` (unquoted) may be a secret: not empty, not a reference, not prose."""
    return (len(value) >= MIN_SECRET_LENGTH and not REFERENCE_RE.search(value)
            and not any(char.isspace() for char in value))


class Report:
    """The result of a scan: ``findings`` (list of Finding), files scanned and skipped."""

    def __init__(self):
        self.findings = []
        self.scanned = 0
        self.skipped = collections.OrderedDict(
            (reason, []) for reason in ("binary", "larger than 1 MB", "symlink to a scanned file", "missing", "not a file"))
        self.allowed = collections.Counter()

    def summary(self):
        skipped = ", ".join("%d %s" % (len(paths), reason) for reason, paths in self.skipped.items() if paths)
        unused = sum(1 for entry in ALLOWLIST if not self.allowed[entry.reason])
        return ("secrets_scan: %d files scanned, %d skipped (%s); %d findings (%d allow-listed values, %d allowlist entries unused)"
                % (self.scanned, sum(len(paths) for paths in self.skipped.values()), skipped or "none",
                   len(self.findings), sum(self.allowed.values()), unused))


class Scanner:
    def __init__(self, root, report):
        self.root = root
        self.report = report
        self.readme_cache = {}

    def allowed(self, value, path):
        for entry in ALLOWLIST:
            if entry.matches(value, path):
                self.report.allowed[entry.reason] += 1
                return True
        return False

    def lab_only_folder(self, path):
        """True when a README in the file's folder or a parent folder (below the repository
        root, whose README speaks of everything) says the secrets there are for the lab only."""
        folder = os.path.dirname(path)
        while folder:
            if folder not in self.readme_cache:
                says = False
                for name in README_NAMES:
                    readme = os.path.join(self.root, folder, name)
                    if os.path.isfile(readme):
                        with open(readme, encoding="utf-8", errors="replace") as handle:
                            text = handle.read(MAX_BYTES)
                        says = says or bool(LAB_ONLY_README_RE.search(text) and SECRET_WORD_RE.search(text))
                self.readme_cache[folder] = says
            if self.readme_cache[folder]:
                return True
            folder = os.path.dirname(folder)
        return False

    def scan_file(self, path, listed):
        full = os.path.join(self.root, path)
        name = os.path.basename(path)
        if VAULT_PASSWORD_NAME_RE.search(name) and LAB_ONLY_NAME not in name:
            self.add(path, 1, "vault-password-file",
                     "looks like an Ansible Vault password file and its name does not say %s" % LAB_ONLY_NAME)
        if os.path.islink(full):
            target = os.path.relpath(os.path.realpath(full), os.path.realpath(self.root))
            if target.replace(os.sep, "/") in listed:
                self.report.skipped["symlink to a scanned file"].append(path)
                return
        if not os.path.lexists(full):
            self.report.skipped["missing"].append(path)
            return
        if not os.path.isfile(full):
            self.report.skipped["not a file"].append(path)
            return
        if os.path.getsize(full) > MAX_BYTES:
            self.report.skipped["larger than 1 MB"].append(path)
            return
        with open(full, "rb") as handle:
            data = handle.read()
        if b"\0" in data:
            self.report.skipped["binary"].append(path)
            return
        self.report.scanned += 1
        self.scan_text(path, data.decode("utf-8", errors="replace"))

    def add(self, path, line, kind, description):
        self.report.findings.append(Finding(path, line, kind, description))

    def scan_text(self, path, text):
        code = path.endswith(CODE_EXTENSIONS)
        vault_line = 0
        for number, line in enumerate(text.splitlines(), 1):
            if not vault_line and VAULT_LINE_RE.match(line):
                vault_line = number
            seen = set()
            self.scan_pem(path, number, line)
            self.scan_tokens(path, number, line, seen)
            self.scan_vyos(path, number, line, seen)
            self.scan_assignments(path, number, line, code, seen)
        if vault_line and not self.lab_only_folder(path):
            self.add(path, vault_line, "vault-file",
                     "Ansible Vault encrypted content outside a folder whose README says its secrets are for the lab only")

    def scan_pem(self, path, number, line):
        match = PEM_RE.search(line)
        if match:
            label = (match.group(1) or "").strip()
            self.add(path, number, "private-key", "PEM private key block%s" % (" (%s)" % label if label else ""))

    def scan_tokens(self, path, number, line, seen):
        for label, regex in CLOUD_TOKENS:
            for match in regex.finditer(line):
                value = match.group(0)
                if value not in seen and not self.allowed(value, path):
                    seen.add(value)
                    self.add(path, number, "cloud-token", "%s %s" % (label, mask(value)))

    def scan_vyos(self, path, number, line, seen):
        matches = list(VYOS_SECRET_RE.finditer(line)) + list(VYOS_NHRP_AUTH_RE.finditer(line))
        commands = [match.end() for match in VYOS_CONTEXT_RE.finditer(line)]
        if commands:
            matches += list(VYOS_GENERIC_RE.finditer(line))
        for match in matches:
            command = [end for end in commands if end <= match.start()]
            if command and line[command[-1]:match.start()].count("'") % 2:
                continue  # inside a quoted value of the command (a description, ...)
            value, quoted = unquote(match.group("value"))
            if not quoted:
                value = ESCAPES_AT_END_RE.sub("", value)
            if value in seen or not is_literal_secret(value):
                continue
            seen.add(value)
            if not self.allowed(value, path):
                self.add(path, number, "vyos-secret", "VyOS %s with a literal value %s" % (match.group("leaf"), mask(value)))

    def scan_assignments(self, path, number, line, code, seen):
        block = None if code else BLOCK_ASSIGN_RE.match(line)
        if block and block.group("value")[:1] not in ("{", "[") and BROAD_KEY_RE.search(block.group("key")):
            matches = [block]
        else:
            matches = ASSIGN_RE.finditer(line)
        for match in matches:
            key = match.group("key")
            strict = bool(SECRET_KEY_RE.search(key))
            if not (strict or BROAD_KEY_RE.search(key)) or KEY_NOT_A_SECRET_RE.search(key):
                continue
            value, quoted = unquote(match.group("value"))
            if code and not quoted:
                continue  # a variable or an expression, not a literal
            if not quoted and (YAML_NOT_STRING_RE.match(value) or value[:1] in ("|", ">", "!", "&", "*")):
                continue  # YAML boolean/number/null, block scalar, tag, anchor or alias
            if value in seen or not is_literal_secret(value):
                continue
            charset = high_entropy(value)
            if not strict and not charset:
                continue
            seen.add(value)
            if self.allowed(value, path):
                continue
            if strict:
                self.add(path, number, "secret-assignment", "%s is assigned a literal value %s%s"
                         % (key, mask(value), " (high-entropy %s)" % charset if charset else ""))
            else:
                self.add(path, number, "high-entropy", "%s is assigned a random-looking %s value %s (entropy %.1f bits/char)"
                         % (key, charset, mask(value), shannon_entropy(value)))


def list_files(root):
    """The files git tracks under ``root`` plus the untracked files it does not ignore."""
    paths = []
    for extra in ([], ["--others", "--exclude-standard"]):
        out = subprocess.run(["git", "ls-files", "-z"] + extra, cwd=root, check=True,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE).stdout
        paths += [item for item in out.decode("utf-8", errors="surrogateescape").split("\0") if item]
    return sorted(set(paths))


def scan(root=None):
    """Scan the repository at ``root`` (default: the one holding this script); a Report."""
    root = os.path.abspath(root or os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    report = Report()
    listed = list_files(root)
    scanner = Scanner(root, report)
    listed_set = set(listed)
    for path in listed:
        scanner.scan_file(path, listed_set)
    report.findings.sort(key=lambda finding: (finding.path, finding.line, finding.kind))
    return report


def format_finding(finding):
    return "%s:%d: %s: %s" % (finding.path, finding.line, finding.kind, finding.description)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", nargs="?", help="repository root (default: the repository holding this script)")
    parser.add_argument("--json", action="store_true", help="print the findings as a JSON list")
    parser.add_argument("--verbose", "-v", action="store_true", help="also list skipped files and allowlist use")
    args = parser.parse_args(argv)
    try:
        report = scan(args.root)
    except (OSError, subprocess.CalledProcessError) as exc:
        print("secrets_scan: cannot list the files of %s: %s" % (args.root or "the repository", exc), file=sys.stderr)
        return 2
    info = sys.stderr if args.json else sys.stdout
    if args.json:
        print(json.dumps([finding._asdict() for finding in report.findings], indent=1))
    else:
        for finding in report.findings:
            print(format_finding(finding))
    if args.verbose:
        for reason, paths in report.skipped.items():
            for path in paths:
                print("skipped (%s): %s" % (reason, path), file=info)
        for entry in ALLOWLIST:
            print("allowlist: %d hits: %s" % (report.allowed[entry.reason], entry.reason), file=info)
    print(report.summary(), file=info)
    return 1 if report.findings else 0


if __name__ == "__main__":
    sys.exit(main())
