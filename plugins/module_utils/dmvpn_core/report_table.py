# -*- coding: utf-8 -*-
# Copyright: dmvpn.vyos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The printable table of verify's report (the dmvpn_verify_report filter builds its rows):
one line per router, then its problems, the problems that wait for a pending change, and the
causes found at other routers."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


def table(rows, problems, waiting, listed, with_bgp):
    """The table's text. ``problems``/``waiting``/``listed``: {host: [line, ..]} shown under
    the host's row as they are, as "pending: ..." and as they are; ``with_bgp``: the BGP
    columns (some router routes by BGP)."""
    columns = [("host", "router", 20), ("role", "role", 6), ("nhrp", "NHRP", 10), ("ipsec", "IPsec up/min", 12)]
    if with_bgp:
        columns += [("bgp", "BGP up", 8), ("learned", "learned", 9)]
    columns += [("shortcuts", "shortcuts", 10), ("status", "status", 0)]
    header = " ".join("%-*s" % (width, title) for dummy, title, width in columns).rstrip()
    lines = [header, "-" * len(header)]
    for row in rows:
        lines.append(" ".join("%-*s" % (width, row.get(key, "-")) for key, dummy, width in columns).rstrip())
        lines += ["    - " + problem for problem in problems.get(row["host"], [])]
        lines += ["    - pending: " + problem for problem in waiting.get(row["host"], [])]
        lines += ["    - " + note for note in listed.get(row["host"], [])]
    return "\n".join(lines)
