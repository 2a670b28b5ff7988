"""The lab's schema (vyos_lab/schemas.py) against VyOS's own facts (vyos_lab/facts/vyos_facts.json,
derived from VyOS's Perl templates and vyos-1x XML by tools/derive_vyos_facts.py, issue 20).

For every path of every version: present or absent as VyOS has it, the same kind (node, tag,
leaf, flag) and the same multi. For the value checks, probe values come from the facts
themselves (each enum value of any version, each range's bounds and their neighbours) plus a
fixed list of typical values: the lab must accept exactly those VyOS accepts, wherever the
facts can judge a probe (vyos_lab.facts.verdict; unknown verdicts are not compared).
"""

import pytest

from vyos_lab import facts, schemas

VERSIONS = schemas.VERSIONS

# Typical values of the areas the product renders (addresses, names, numbers, secrets).
COMMON_PROBES = (
    "192.0.2.1", "192.0.2.300", "2001:db8::1", "192.0.2.0/24", "192.0.2.1/24", "192.0.2.1/32",
    "10.0.0.0/8", "hub.example.com", "abc", "tun0", "eth0", "0", "1", "65535", "4294967295",
    "4294967296", "abcdefghi", "a b", "secret", "s3cr3t!@#$%", "pass'word", "dynamic", "local",
    "enable", "disable", "dhcp", "nhs",
)


def lab_paths(version):
    found = {}

    def walk(node, prefix):
        for name, child in node.children.items():
            path = prefix + (name,)
            found[" ".join(path)] = child
            walk(child, path + (("*",) if child.kind == "tag" else ()))

    walk(schemas.build(version), ())
    return found


LAB = {version: lab_paths(version) for version in VERSIONS}


def every_path():
    return sorted(facts.load()["versions"][VERSIONS[0]])


def test_the_facts_list_every_lab_path_of_every_version():
    for version in VERSIONS:
        assert set(LAB[version]) <= set(facts.load()["versions"][version]), version


@pytest.mark.parametrize("version", VERSIONS)
def test_presence_kind_and_multi_match_vyos(version):
    wrong = []
    for key in every_path():
        entry = facts.fact(version, key)
        lab = LAB[version].get(key)
        if "underived" in entry:
            continue
        if entry.get("absent"):
            if lab is not None:
                wrong.append("%s: the lab has it, VyOS %s does not" % (key, version))
            continue
        if lab is None:
            parent = key.split(" ")[:-1]
            parent = " ".join(parent[:-1] if parent and parent[-1] == "*" else parent)
            if not parent or parent in LAB[version]:  # report the top of a missing subtree only
                wrong.append("%s: VyOS %s has it (%s), the lab does not" % (key, version, entry["source"]))
            continue
        if lab.kind != entry["kind"]:
            wrong.append("%s: lab %s, VyOS %s %s (%s)" % (key, lab.kind, version, entry["kind"], entry["source"]))
        if bool(getattr(lab, "multi", False)) != entry["multi"]:
            wrong.append("%s: lab multi=%s, VyOS %s multi=%s (%s)" % (
                key, bool(getattr(lab, "multi", False)), version, entry["multi"], entry["source"]))
    assert not wrong, "\n".join(wrong)


def test_only_config_management_is_underived():
    """1.2/1.3 'system config-management' lives in vyatta-config-mgmt, not mirrored: the only
    area the facts cannot judge."""
    underived = {(version, key) for version in VERSIONS
                 for key, entry in facts.load()["versions"][version].items() if "underived" in entry}
    assert {key.split(" ")[1] for dummy, key in underived} == {"config-management"}
    assert {version for version, dummy in underived} == {"1.2", "1.3"}


def probes(key):
    found = set(COMMON_PROBES)
    for version in VERSIONS:
        constraint = (facts.fact(version, key) or {}).get("constraint") or {}
        found.update(constraint.get("enum", ()))
        for low, high in constraint.get("ranges", ()):
            found.update(str(n) for n in (low - 1, low, high, high + 1) if n >= 0)
    return sorted(found)


def lab_value_checks(version):
    for key, lab in sorted(LAB[version].items()):
        if lab.kind not in ("leaf", "tag"):
            continue
        if not facts.in_value_area(tuple(key.split())):
            continue
        entry = facts.fact(version, key)
        if entry.get("absent") or "underived" in entry:
            continue
        yield key, lab, entry


@pytest.mark.parametrize("version", VERSIONS)
def test_the_lab_accepts_exactly_the_values_vyos_accepts(version):
    wrong = []
    for key, lab, entry in lab_value_checks(version):
        for value in probes(key):
            vyos = facts.verdict(entry, value)
            if vyos is None:
                continue
            accepted = lab.validator(value) is None
            if accepted != vyos:
                wrong.append("%s %r: lab %s, VyOS %s %s (%s)" % (
                    key, value, "accepts" if accepted else "refuses", version,
                    "accepts" if vyos else "refuses", entry["source"]))
    assert not wrong, "%d differences:\n%s" % (len(wrong), "\n".join(wrong))


def test_the_judge_reads_the_facts_both_ways():
    """The judge itself: a 1.2 (Perl, enum) and a 1.5 (XML, validator) fact, each way."""
    crux = facts.fact("1.2", "vpn ipsec esp-group * proposal * encryption")
    assert facts.verdict(crux, "aes256") is True and facts.verdict(crux, "aes192ctr") is False
    nbma = facts.fact("1.5", "protocols nhrp tunnel * nhs tunnel-ip * nbma")
    assert facts.verdict(nbma, "192.0.2.1") is True
    assert facts.verdict(nbma, "hub.example.com") is False and facts.verdict(nbma, "192.0.2.300") is False
