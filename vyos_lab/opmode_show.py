"""What each version's op mode prints for the NHRP and IPsec show commands, from the state the
lab computes (NetworkView). Every format is written from the script that VyOS runs for the
command; the sources are named at each function.

The lab is the oracle: it asks the router's version, never the product's Syntax table.
"""

import re

OPENNHRP_NOT_RUNNING = "OpenNHRP is not running."


def tabulate_simple(headers, rows):
    """``tabulate.tabulate(rows, headers)`` in tabulate's default "simple" format (python3-
    tabulate of VyOS's Debian base; the same for string cells in 0.8.x): a column per header,
    as wide as its longest cell or its header plus 2, left-aligned, 2 spaces apart, the header
    underlined with dashes, each line's trailing spaces cut, each cell stripped. Every cell here is a string that
    tabulate does not read as a number (tests/fixtures/nhrp and tests/fixtures/ipsec hold
    outputs made with tabulate itself that this must match)."""
    rows = [[cell.strip() for cell in row] for row in rows]
    widths = [max([len(header) + 2] + [len(row[i]) for row in rows]) for i, header in enumerate(headers)]

    def line(cells):
        return "  ".join(cell.ljust(width) for cell, width in zip(cells, widths)).rstrip()

    return "\n".join([line(headers), line(["-" * width for width in widths])] + [line(row) for row in rows])


# -- NHRP, opennhrp (1.2-1.4) ----------------------------------------------------------------
def opennhrp_blocks(status, peers):
    """``opennhrpctl show`` as opennhrp prints it (nhrp/admin.c admin_show): ``Status: ok``, a
    blank line, then a ``Key: value`` block per peer, each ended by a blank line. VyOS 1.2 and
    1.3 print it as it is: ``show nhrp tunnel`` runs ``sudo opennhrpctl show`` (vyos/vyos-nhrp
    templates-op/show/nhrp/tunnel/node.def, crux b428efd and equuleus 43421e0)."""
    out = ["Status: %s" % status, ""]
    for peer in peers:
        out += ["%s: %s" % pair for pair in peer] + [""]
    return "\n".join(out).rstrip("\n")


def opennhrp_table(status, peers):
    """VyOS 1.4's ``show nhrp tunnel`` (vyos-1x src/op_mode/nhrp.py show_tunnel, sagitta
    c3f688653): ``Status: ok``, then ``tabulate(peers, headers='keys', numalign='left')`` of
    opennhrpctl's blocks: a column per key in the order the keys first appear, an empty cell
    for a missing key; no table at all without peers. tests/fixtures/nhrp has outputs made
    with tabulate itself that this must match (no cell here is a number, which tabulate would
    realign)."""
    keys = []
    for peer in peers:
        keys += [key for key, _value in peer if key not in keys]
    rows = [[dict(peer).get(key, "") for key in keys] for peer in peers]
    return "\n".join(["Status: %s" % status] + ([tabulate_simple(keys, rows)] if peers else []))


# -- NHRP, FRR nhrpd (1.5) ---------------------------------------------------------------------
# VyOS 1.5's ``show ip nhrp cache|nhs|shortcut`` run vtysh_wrapper.sh, i.e. ``vtysh -c "show ip
# nhrp ..."`` (FRR-era op-mode-definitions/nhrp.xml.in, dozenos/dozenos-1x 020ab1d; the
# wrapper: vyos-1x src/op_mode/vtysh_wrapper.sh, circinus d5322412e). ``show ip nhrp`` alone
# is no command there (the node has only those three children). The tables are nhrpd's
# (FRRouting/frr nhrpd/nhrp_vty.c @00683a1 show_ip_nhrp_cache / _nhs / _shortcut): printf
# columns, a header before the first row, ``% No entries`` when there is none.
FRR_NO_ENTRIES = "% No entries"


def frr_nhrp_cache(rows):
    """rows: (iface, type, protocol, nbma, claimed nbma, flags "UTA" subset, identity)."""
    if not rows:
        return FRR_NO_ENTRIES
    header = ("Iface", "Type", "Protocol", "NBMA", "Claimed NBMA", "Flags", "Identity")
    out = ["%-8s %-8s %-24s %-24s %-24s %-6s %s" % header]
    for iface, kind, proto, nbma, claimed, flags, identity in rows:
        marks = "".join(flag if flag in flags else " " for flag in "UTA")
        out.append("%-8s %-8s %-24s %-24s %-24s %s    %s" % (iface, kind, proto, nbma, claimed, marks, identity))
    return "\n".join(out)


def frr_nhrp_nhs(rows):
    """rows: (iface, nbma as configured (FQDN column), registered NBMA or "-", protocol)."""
    if not rows:
        return FRR_NO_ENTRIES
    fmt = "%-8s %-24s %-16s %-16s"
    return "\n".join([fmt % ("Iface", "FQDN", "NBMA", "Protocol")] + [fmt % row for row in rows])


def frr_nhrp_shortcut(rows):
    """rows: (type, prefix, via or "", identity or "")."""
    if not rows:
        return FRR_NO_ENTRIES
    fmt = "%-8s %-24s %-24s %s"
    return "\n".join([fmt % ("Type", "Prefix", "Via", "Identity")] + [fmt % row for row in rows])


# -- show vpn ipsec sa -------------------------------------------------------------------------
# entries: (IKE connection ``dmvpn-<profile>-<tunnel>``, peer NBMA, "up" or "down") per peer,
# from NetworkView.sa_entries. The lab's SAs carry no traffic: 0 bytes, 0 packets.
LAB_UPTIME_SECONDS = 300
LAB_IKE_PROPOSAL = "AES_CBC_256/HMAC_SHA1_96/PRF_HMAC_SHA1/MODP_1024"
LAB_CHILD_PROPOSAL = "AES_CBC_256/HMAC_SHA1_96/MODP_1024"


def _seconds_to_human(seconds):
    """vyos.util.seconds_to_human (equuleus) / vyos.utils.convert.seconds_to_human (sagitta
    c3f688653): 1w4d18h35m59s, each unit only when not zero."""
    out = []
    for unit, size in (("w", 604800), ("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            out.append("%d%s" % (seconds // size, unit))
            seconds %= size
    return "".join(out) + ("%ds" % seconds if seconds else "")


def ipsec_sa(version, entries, running):
    if version in ("1.2", "1.3"):
        if not running:   # vyos/vyatta-op-vpn templates/show/vpn/ipsec/sa/node.def: echo -e "...\n"
            return "IPSec Process NOT Running\n"
        return ipsec_sa_crux(entries) if version == "1.2" else ipsec_sa_equuleus(entries)
    if not running:       # vyos-1x op-mode-definitions/vpn-ipsec.xml.in (sagitta c3f688653)
        return "IPsec process not running"
    return ipsec_sa_vici(entries, "dmvpn" if version == "1.4" else None)


def _alphanum_key(row):
    """The scripts' sort key (alphanum_key): str(row) with its digit runs read as numbers."""
    return [int(part) if part.isdigit() else part.lower() for part in re.split("([0-9]+)", str(row))]


def _by_connection(entries):
    conns = {}
    for conn, nbma, state in entries:
        conns.setdefault(conn, []).append((nbma, state))
    return conns


def ipsec_sa_crux(entries):
    """1.2: vyos-1x src/op_mode/show_ipsec_sa.py (crux 5e67704be), run by vyatta-op-vpn's
    ``show vpn ipsec sa`` (crux 18d6073): one row per connection (the DMVPN ones are the
    ``dmvpn-*`` names of swanctl.conf: vyatta-cfg-vpn scripts/dmvpn-config.pl, crux 03e70cd),
    from ``ipsec statusall <connection>``: ``up`` when any of its IKE SAs is ESTABLISHED with
    an INSTALLED child, the first one's age ("5 minutes " as statusall prints it), address and
    IKE proposal; else ``down`` and N/A. A hub with three spokes shows one row."""
    rows = []
    for conn, peers in sorted(_by_connection(entries).items()):
        up = [nbma for nbma, state in peers if state == "up"]
        if up:
            # (tabulate strips the cell: statusall's "5 minutes " shows as "5 minutes")
            rows.append([conn, "up", "%d minutes " % (LAB_UPTIME_SECONDS // 60), "0B/0B", up[0], "N/A",
                         LAB_IKE_PROPOSAL])
        else:
            rows.append([conn, "down"] + ["N/A"] * 5)
    return tabulate_simple(["Connection", "State", "Up", "Bytes In/Out", "Remote address", "Remote ID", "Proposal"],
                           sorted(rows, key=_alphanum_key))


VICI_HEADERS = ["Connection", "State", "Uptime", "Bytes In/Out", "Packets In/Out", "Remote address", "Remote ID",
                "Proposal"]


def ipsec_sa_equuleus(entries):
    """1.3: vyos-1x src/op_mode/show_ipsec_sa.py (equuleus a79b59070) over vici: the IKE SAs
    are kept in a dict by connection name, so only the last one listed of each connection
    counts (a hub shows one row, not one per spoke); its child ``dmvpn`` (dmvpn-config.pl,
    equuleus 9cc815f) is ``up`` when that SA is ESTABLISHED with the child INSTALLED, else a
    ``down`` row of N/A. A connection without any IKE SA has no row. The remote ID is N/A when
    it equals the address (PSK, no id set)."""
    rows = []
    for conn, peers in sorted(_by_connection(entries).items()):
        nbma, state = peers[-1]
        if state == "up":
            rows.append(["dmvpn", "up", _seconds_to_human(LAB_UPTIME_SECONDS), "0B/0B", "0/0", nbma, "N/A",
                         LAB_CHILD_PROPOSAL])
        else:
            rows.append(["dmvpn", "down"] + ["N/A"] * 6)
    return tabulate_simple(VICI_HEADERS, sorted(rows, key=_alphanum_key))


def ipsec_sa_vici(entries, child=None):
    """1.4/1.5: vyos-1x src/op_mode/ipsec.py show_sa (sagitta c3f688653, the same in circinus
    d5322412e): a row per child SA of every IKE SA, named by the child (1.4 ``dmvpn``, swanctl/
    profile.j2 sagitta; 1.5 ``dmvpn-<profile>-<tunnel>-child``, FRR-era profile.j2 of
    dozenos/dozenos-1x 020ab1d), ``up`` when INSTALLED, the remote ID as charon reports it (the
    address, with PSK and no id). A peer whose IKE SA does not establish (a wrong key) has no
    child SA, so no row; rows sorted by name (alphanumerically)."""
    rows = []
    for conn, nbma, state in entries:
        if state == "up":
            rows.append([child or conn + "-child", "up", _seconds_to_human(LAB_UPTIME_SECONDS), "0B/0B", "0/0", nbma,
                         nbma, LAB_CHILD_PROPOSAL])
    return tabulate_simple(VICI_HEADERS, sorted(rows, key=_alphanum_key))
