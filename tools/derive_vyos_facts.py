"""Derive vyos_lab/facts/vyos_facts.json from VyOS's own sources (issue 20 item 1).

For each supported version, every configuration path the lab models (the trees of
vyos_lab/schemas.py build(), which hold every path the product renders) is looked up in that
version's definitions: kind, multi, the value constraint (enum, regex, validator, numeric
range, Perl type) and the file and commit it came from. A path the sources of its area do not
define is recorded ``absent``; a path of an area no mirrored source covers is ``underived``.

    python tools/derive_vyos_facts.py            # write the facts file
    python tools/derive_vyos_facts.py --check    # exit 1 when the committed file differs

The mirrors are bare git directories under /work/.mirror (MIRRORS overrides), brought with the
``fetch`` tool. When one is missing, --check prints SKIP and exits 0 (CI has no mirrors and
relies on the committed file); writing refuses.

Sources, per version (VERSION_SOURCES): 1.2 crux = the Perl template repositories
(vyatta-cfg-vpn, vyos-nhrp, vyatta-cfg-system, vyatta-cfg-quagga, vyatta-cfg-firewall) and
vyos-1x crux XML; 1.3 equuleus = vyos-1x equuleus XML for interfaces and system, the Perl
repositories' equuleus branches for IPsec, NHRP, routing and firewall (vyos-1x equuleus has no
vpn ipsec / protocols XML); 1.4 sagitta and 1.5 = vyos-1x XML, except 1.5's
``protocols nhrp``: the FRR-era definition from aapostoliuk/vyos-1x 74ba38b (the migration
branch), patched with its differences from dozenos/dozenos-1x 020ab1d (FRR_NHRP_PATCHES).
1.5 reads vyos-1x ``current`` (3710c5879, 2024-10-21), not ``circinus``: the lab's 1.5 is
1.5-rolling-202410210000, a build of current, and the mirror's circinus branch forked from
current in June 2024 (it lacks ``system config-management commit-confirm``, T5976).
"""

import argparse
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path[:0] = [HERE, REPO]

import vyos_sources  # noqa: E402  (tools/ is not a package)

OUT = os.path.join(REPO, "vyos_lab", "facts", "vyos_facts.json")
MIRRORS = os.environ.get("MIRRORS", "/work/.mirror")

# Areas (path prefixes) each source is authoritative for: a lab path inside one that the
# source does not define is absent on that version.
_IPSEC = ("vpn", "ipsec")
_NHRP = ("protocols", "nhrp")
_ROUTING = (("protocols", "static"), ("protocols", "bgp"))
_IFACES = (("interfaces", "ethernet"), ("interfaces", "tunnel"), ("interfaces", "loopback"))
_SYS_XML = (("system", "host-name"), ("system", "domain-name"), ("system", "name-server"),
            ("system", "ntp"), ("service", "ntp"), ("service", "ssh"), ("system", "syslog"))


def _perl(repo, ref, root, covers):
    return {"format": "perl", "repo": repo, "ref": ref, "root": root, "covers": covers}


def _xml(repo, ref, files, covers):
    return {"format": "xml", "repo": repo, "ref": ref, "files": files, "covers": covers}


def _vyos1x_xml(ref, names, covers, repo="vyos/vyos-1x"):
    return _xml(repo, ref, ["interface-definitions/" + name for name in names], covers)


_OLD_SYSTEM_XML = ("dns-domain-name.xml", "ntp.xml", "ssh.xml", "syslog.xml")
_NEW_XML = ("firewall.xml.in", "interfaces_ethernet.xml.in", "interfaces_loopback.xml.in",
            "interfaces_tunnel.xml.in", "protocols_bgp.xml.in", "protocols_static.xml.in",
            "service_ntp.xml.in", "service_ssh.xml.in", "system_config-management.xml.in",
            "system_console.xml.in", "system_domain-name.xml.in", "system_host-name.xml.in",
            "system_login.xml.in", "system_login_banner.xml.in", "system_name-server.xml.in",
            "system_syslog.xml.in", "system_time-zone.xml.in", "vpn_ipsec.xml.in")
_NEW_COVERS = (_IPSEC,) + _ROUTING + _IFACES + _SYS_XML + (
    ("firewall",), ("system", "login"), ("system", "config-management"), ("system", "console"),
    ("system", "time-zone"))


def _old(ref, system_perl_covers, xml_names, xml_covers):
    return [
        _perl("vyos/vyatta-cfg-vpn", ref, "templates", (_IPSEC,)),
        _perl("vyos/vyos-nhrp", ref, "templates-cfg", (_NHRP,)),
        _perl("vyos/vyatta-cfg-quagga", ref, "templates", _ROUTING),
        _perl("vyos/vyatta-cfg-firewall", ref, "templates", (("firewall",),)),
        _perl("vyos/vyatta-cfg-system", ref, "templates", system_perl_covers),
        _vyos1x_xml(ref, xml_names, xml_covers),
    ]


VERSION_SOURCES = {
    "1.2": _old("crux", _IFACES + (("system", "login"), ("system", "console"), ("system", "time-zone")),
                _OLD_SYSTEM_XML + ("ipsec-settings.xml",), _SYS_XML),
    "1.3": _old("equuleus", (),
                ("dns-domain-name.xml.in", "ntp.xml.in", "ssh.xml.in",
                    "ipsec-settings.xml.in", "interfaces-ethernet.xml.in", "interfaces-loopback.xml.in",
                    "interfaces-tunnel.xml.in", "system-login.xml.in", "system-login-banner.xml.in",
                    "system-console.xml.in", "system-syslog.xml.in", "system-time-zone.xml.in"),
                _SYS_XML + _IFACES + (("system", "login"), ("system", "console"), ("system", "time-zone"))),
    "1.4": [_vyos1x_xml("sagitta", _NEW_XML + ("protocols_nhrp.xml.in",), _NEW_COVERS + (_NHRP,))],
    "1.5": [_vyos1x_xml("current", _NEW_XML, _NEW_COVERS),
            _vyos1x_xml("74ba38bb1c88179628c92b80b38c1e46d69290c1", ("protocols_nhrp.xml.in",), (_NHRP,),
                        repo="aapostoliuk/vyos-1x")],
}

# dozenos/dozenos-1x (a rebranded fork of vyos-1x current after the FRR NHRP migration was
# merged) cannot be mirrored here; its interface-definitions/protocols_nhrp.xml.in at
# 020ab1d9d132cb2b38a5425eea1143014a7aa877 was read with the index's read_file. Its one
# difference in facts from aapostoliuk/vyos-1x 74ba38b: ``nhs tunnel-ip X nbma`` is <multi/>.
FRR_NHRP_PATCHES = {
    ("protocols", "nhrp", "tunnel", "*", "nhs", "tunnel-ip", "*", "nbma"): {
        "multi": True,
        "source": "dozenos/dozenos-1x@020ab1d9d132:interface-definitions/protocols_nhrp.xml.in",
    },
}


# 1.2/1.3 have no node.def files for ``interfaces <type> X firewall``: vyatta-cfg-firewall's
# gen-interface-templates.pl writes them at build time (a node per direction in/out/local, a
# txt leaf per table name/ipv6-name naming a rule set). Their facts, read from that script in
# the firewall mirror (commit_of below), for ethernet interfaces, the only ones the lab has.
GENERATED_FIREWALL = "vyos/vyatta-cfg-firewall"


def generated_interface_firewall(ref):
    mirror = mirror_dir(GENERATED_FIREWALL)
    commit = vyos_sources.commit_of(mirror, ref)
    text = subprocess.run(["git", "-C", mirror, "show", "%s:gen-interface-templates.pl" % commit],
                          check=True, capture_output=True, text=True).stdout
    if "'ethernet/node.tag'" not in text or 'my @ruleset_directions = ( "in", "out", "local" );' not in text \
            or 'my @ruleset_tables = ( "name", "ipv6-name" );' not in text or "type: txt" not in text:
        raise SystemExit("gen-interface-templates.pl at %s no longer reads as expected" % commit)
    source = "%s@%s:gen-interface-templates.pl" % (GENERATED_FIREWALL, commit[:12])
    base = ("interfaces", "ethernet", "*", "firewall")
    facts = {base: {"kind": "node", "multi": False, "source": source}}
    for direction in ("in", "out", "local"):
        facts[base + (direction,)] = {"kind": "node", "multi": False, "source": source}
        for table in ("name", "ipv6-name"):
            facts[base + (direction, table)] = {"kind": "leaf", "multi": False, "constraint": {"type": "txt"},
                                                "source": source}
    return facts


def mirror_dir(repo):
    return os.path.join(MIRRORS, repo.replace("/", "+"), "repo")


def missing_mirrors():
    repos = {src["repo"] for sources in VERSION_SOURCES.values() for src in sources}
    return sorted(repo for repo in repos if not os.path.isdir(mirror_dir(repo)))


def read_version(version):
    """({path: fact}, covered prefixes, source list) of one version."""
    facts, covers, used = {}, [], []
    for src in VERSION_SOURCES[version]:
        mirror = mirror_dir(src["repo"])
        commit = vyos_sources.commit_of(mirror, src["ref"])
        label = "%s@%s" % (src["repo"], commit[:12])
        if src["format"] == "perl":
            found = vyos_sources.read_perl(mirror, commit, src["root"], label)
        else:
            found = vyos_sources.read_xml(mirror, commit, src["files"], label)
        for path, fact in found.items():
            if any(path[:len(prefix)] == prefix for prefix in src["covers"]) or path not in facts:
                facts[path] = fact
        covers.extend(src["covers"])
        used.append({"repo": src["repo"], "ref": src["ref"], "commit": commit})
    if version in ("1.2", "1.3"):
        facts.update(generated_interface_firewall({"1.2": "crux", "1.3": "equuleus"}[version]))
    if version == "1.5":
        for path, patch in FRR_NHRP_PATCHES.items():
            facts[path] = dict(facts[path], **patch)
    return facts, covers, used


def lab_paths(version):
    """Every path of the lab's schema of ``version``: {path: kind, multi}."""
    from vyos_lab import schemas

    found = {}

    def walk(node, prefix):
        for name, child in node.children.items():
            path = prefix + (name,)
            found[path] = {"kind": child.kind, "multi": bool(getattr(child, "multi", False))}
            walk(child, path + (("*",) if child.kind == "tag" else ()))

    walk(schemas.build(version), ())
    return found


def derive():
    from vyos_lab import schemas

    every = set()
    for version in schemas.VERSIONS:
        every |= set(lab_paths(version))
    out = {"about": "Facts read from VyOS's own definitions by tools/derive_vyos_facts.py; "
                    "'*' is a tag node's value. No code or help text is copied.",
           "sources": {}, "versions": {}}
    for version in schemas.VERSIONS:
        facts, covers, used = read_version(version)
        out["sources"][version] = used
        table = {}
        for path in sorted(every):
            key = " ".join(path)
            if path in facts:
                fact = dict(facts[path])
                fact.setdefault("multi", False)
                table[key] = fact
            elif any(path[:len(prefix)] == prefix for prefix in covers):
                table[key] = {"absent": True}
            else:
                table[key] = {"underived": "no mirrored source covers this area on %s" % version}
        out["versions"][version] = table
    return out


def dump(data):
    """Stable text, one path a line, so a change in the sources reads as a small diff."""
    def one(value):
        return json.dumps(value, sort_keys=True, separators=(",", ":"))

    lines = ["{", ' "about": %s,' % one(data["about"]), ' "sources": %s,' % one(data["sources"]),
             ' "versions": {']
    for v_index, version in enumerate(sorted(data["versions"])):
        table = data["versions"][version]
        lines.append('  %s: {' % one(version))
        keys = sorted(table)
        lines += ['   %s: %s%s' % (one(k), one(table[k]), "," if i < len(keys) - 1 else "") for i, k in enumerate(keys)]
        lines.append("  }" + ("," if v_index < len(data["versions"]) - 1 else ""))
    return "\n".join(lines + [" }", "}"]) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with the committed file")
    args = parser.parse_args(argv)
    missing = missing_mirrors()
    if missing:
        message = "mirrors missing under %s: %s (bring them with the fetch tool)" % (MIRRORS, ", ".join(missing))
        if args.check:
            print("SKIP: " + message)
            return 0
        print("error: " + message, file=sys.stderr)
        return 2
    text = dump(derive())
    if args.check:
        with open(OUT) as handle:
            if handle.read() != text:
                print("%s differs from a fresh derivation: run tools/derive_vyos_facts.py" % OUT)
                return 1
        print("ok: %s matches the sources" % OUT)
        return 0
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as handle:
        handle.write(text)
    print("wrote %s" % OUT)
    return 0


if __name__ == "__main__":
    sys.exit(main())
