"""Upgrading a lab router's image from VyOS 1.4 to 1.5: its saved configuration rewritten the way
VyOS's migration scripts rewrite config.boot when the new image boots, then the router runs as 1.5.

Which steps run: each component's config version is in vyos/vyos-1x
interface-definitions/include/version/<component>-version.xml.i; a step N-to-M of
src/migration-scripts/<component>/ runs when 1.4's version is below the new image's. Between
sagitta (1.4, c3f688653) and circinus (1.5, d5322412e) of the local mirror, and nhrp-version 1
of the FRR-era tree (d9492c2; sagitta has no nhrp version, i.e. 0):

  nhrp            0 -> 1    0-to-1 (d9492c2)                 APPLIED below (migrate_nhrp)
  interfaces     32 -> 33   32-to-33: wireless country-code  not applicable: no wireless in the lab
  firewall       15 -> 16   15-to-16: system conntrack timeout -> firewall global-options
                                                             not applicable: no conntrack/firewall
  dhcp-server     8 -> 11   8-to-9, 9-to-10, 10-to-11        not applicable: no DHCP server
  dhcpv6-server   1 -> 5    1-to-2 .. 4-to-5                 not applicable: no DHCPv6 server
  ipoe-server     3 -> 4    3-to-4: vlan-mon                 not applicable: no IPoE server
  pppoe-server   10 -> 11   10-to-11: vlan-mon               not applicable: no PPPoE server
  openvpn        -  -> 4    0-to-1 .. 3-to-4 (component new in circinus)
                                                             not applicable: no OpenVPN
  ipsec 13, bgp 5, quagga 11 (static routes), system 27, ntp 3, ssh 2, config-management 1:
  the same number on both branches, so no ipsec, bgp, static-route or system step runs.

Every VyOS fact below cites vyos/vyos-1x src/migration-scripts/nhrp/0-to-1 at d9492c2.
"""

import ipaddress
import os

from .owner import write_private
from .shell import split_words

NHRP_0_TO_1 = "vyos/vyos-1x src/migration-scripts/nhrp/0-to-1 @d9492c2"
VERSION_FILE = "version"   # in the router's state dir, beside config.boot
VALUES = None   # the key of a node's values (a leaf); the other keys are its children's words


# -- a configuration tree in config.boot's order ------------------------------------------------
# A migration script works on the config tree in the order its nodes were added (vyos.configtree:
# a new node goes last among its siblings, a deleted one leaves its parent in place); the lab
# sorts the result when it loads it, as VyOS does when it saves.


def parse(text):
    """The tree of ``show configuration commands`` text: VyOS prints a leaf's value in single
    quotes and a node's or a tag's name bare, which says which word is a value."""
    tree = {}
    for line in text.splitlines():
        line = line.strip()
        if not line.startswith("set "):
            continue
        words = split_words(line)[1:]
        if line.endswith("'"):
            _set(tree, words[:-1], words[-1], replace=False)
        else:
            _set(tree, words)
    return tree


def render(tree):
    """The tree as ``set`` lines (values quoted), in the tree's order."""
    lines = []

    def walk(node, path):
        values = node.get(VALUES)
        for value in values or ():
            lines.append("set %s '%s'" % (" ".join(path), value))
        children = [word for word in node if word is not VALUES]
        for word in children:
            walk(node[word], path + [word])
        if not children and values is None and path:
            lines.append("set " + " ".join(path))

    walk(tree, [])
    return "".join(line + "\n" for line in lines)


def _node(tree, path):
    node = tree
    for word in path:
        node = node.get(word) if isinstance(node, dict) else None
        if node is None:
            return None
    return node


def _exists(tree, path):
    return _node(tree, path) is not None


def _values(tree, path):
    node = _node(tree, path)
    return list(node.get(VALUES) or ()) if node is not None else []


def _value(tree, path):
    values = _values(tree, path)
    return values[0] if values else None


def _children(tree, path):
    node = _node(tree, path)
    return [word for word in node if word is not VALUES] if node is not None else []


def _set(tree, path, value=None, replace=True):
    node = tree
    for word in path:
        node = node.setdefault(word, {})
    if value is not None:
        values = node.setdefault(VALUES, [])
        if replace:
            values[:] = [value]
        elif value not in values:
            values.append(value)


def _delete(tree, path):
    parent = _node(tree, path[:-1])
    if parent is not None:
        parent.pop(path[-1], None)


def _rename(tree, path, new_word):
    """A leaf moved to a sibling name: deleted, then set anew (so it goes last)."""
    values = _values(tree, path)
    _delete(tree, path)
    for value in values:
        _set(tree, path[:-1] + [new_word], value, replace=False)


# -- nhrp 0-to-1 --------------------------------------------------------------------------------

NHRP = ["protocols", "nhrp", "tunnel"]
TUNNEL = ["interfaces", "tunnel"]


def migrate_nhrp(tree):
    """opennhrp's CLI (1.4) to FRR nhrpd's (1.5), step by step as NHRP_0_TO_1 does it."""
    for network_id, name in enumerate(_children(tree, NHRP), 1):
        base = NHRP + [name]
        _rename(tree, base + ["cisco-authentication"], "authentication")
        _delete(tree, base + ["dynamic-map"])            # dropped, not translated
        _rename(tree, base + ["holding-time"], "holdtime")
        _set(tree, base + ["network-id"], str(network_id))   # 1, 2, ... in the tunnels' order
        nhs_ips, nhs_nbmas = _migrate_maps(tree, base)
        _migrate_address(tree, name, nhs_ips)
        if _value(tree, base + ["multicast"]) == "nhs":   # 'dynamic' stays as it is
            _delete(tree, base + ["multicast"])
            for nbma in nhs_nbmas:
                _set(tree, base + ["multicast"], nbma, replace=False)
        _delete(tree, base + ["non-caching"])
        for gone in ("shortcut-destination", "shortcut-target"):   # each implies shortcut
            if _exists(tree, base + [gone]):
                _set(tree, base + ["shortcut"])
                _delete(tree, base + [gone])
        _set(tree, base + ["registration-no-unique"])    # on every tunnel
    return tree


def _migrate_maps(tree, base):
    """``map <ip>/<len> nbma-address X`` with ``register`` becomes ``nhs tunnel-ip <ip> nbma X``,
    without it ``map tunnel-ip <ip> nbma X``; a map without nbma-address, and ``cisco``, are
    dropped. Returns the NHS tunnel addresses and NBMA addresses, each once, in order."""
    nhs_ips, nhs_nbmas, maps = [], [], []
    for tag in _children(tree, base + ["map"]):
        entry = base + ["map", tag]
        ip, nbma = tag.split("/")[0], _value(tree, entry + ["nbma-address"])
        if nbma is None:
            continue
        if _exists(tree, entry + ["register"]):
            # (value replaced: of two register maps to one address the last one's NBMA stays)
            _set(tree, base + ["nhs", "tunnel-ip", ip, "nbma"], nbma)
            nhs_ips += [ip] if ip not in nhs_ips else []
            nhs_nbmas += [nbma] if nbma not in nhs_nbmas else []
        else:
            maps.append((ip, nbma))
    _delete(tree, base + ["map"])
    for ip, nbma in maps:     # re-created after the whole map node went: after nhs
        _set(tree, base + ["map", "tunnel-ip", ip, "nbma"], nbma)
    return nhs_ips, nhs_nbmas


def _migrate_address(tree, name, nhs_ips):
    """Each tunnel address becomes a /32 (the same host once), and each NHS gets a route to the
    address's subnet at distance 250."""
    path = TUNNEL + [name, "address"]
    if not _exists(tree, path):
        return
    hosts = []
    for address in _values(tree, path):
        host = address.split("/")[0] + "/32"
        if host in hosts:
            continue
        hosts.append(host)
        subnet = str(ipaddress.ip_network(address, strict=False))
        for nhs in nhs_ips:
            _set(tree, ["protocols", "static", "route", subnet, "next-hop", nhs, "distance"], "250")
    _delete(tree, path)
    for host in hosts:
        _set(tree, path, host, replace=False)


def migrate_14_to_15(text):
    """The 1.4 ``show configuration commands`` text as the 1.5 image's migration leaves it."""
    return render(migrate_nhrp(parse(text)))


# -- the lab operation ----------------------------------------------------------------------------

UPGRADES = {("1.4", "1.5"): migrate_14_to_15}


def upgrade_router(router, version):
    """Boot ``router`` (a router.Router) on the image of ``version``: its saved configuration
    migrated (an image upgrade takes config.boot, not unsaved changes), loaded as the running
    one; sessions dropped, a pending commit-confirm gone (a reboot). The commit history starts
    afresh: the lab's revisions are configurations of the old version's schema. Returns the
    number of lines the migration changed (no line itself: they hold the NHRP key)."""
    from .config import Config

    migrate = UPGRADES.get((router.version, version))
    if migrate is None:
        raise ValueError("the lab upgrades %s only (not %s -> %s)"
                         % (", ".join("%s -> %s" % pair for pair in sorted(UPGRADES)), router.version, version))
    with router.lock:
        old = router.saved.commands()
        new = migrate("".join(line + "\n" for line in old))
        config = Config(version)
        for line in new.splitlines():
            config.set(split_words(line)[1:])
        router.version = version
        router.running = config
        router.save()               # (saved := running, written to config.boot)
        router.counters.saves -= 1   # (not a save the user made)
        if router.state_dir:        # a lab restarted on this state boots the new image
            write_private(os.path.join(router.state_dir, VERSION_FILE), version + "\n")
        router.history = []
        router.reboot()
        return len(set(old) ^ set(config.commands()))


def installed_version(state_dir):
    """The version a router's state says it was upgraded to (None: never upgraded)."""
    path = os.path.join(state_dir, VERSION_FILE) if state_dir else None
    if not path or not os.path.exists(path):
        return None
    with open(path) as handle:
        return handle.read().strip()
