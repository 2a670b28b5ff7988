# -*- coding: utf-8 -*-
# Copyright: dmvpn.vyos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Per-version IPsec values VyOS accepts, and the pre-shared secret charset: the one home of
these facts for the core (versions.Syntax hands them out; nothing else lists them).

Each table is what VyOS's own definitions allow, as derived into vyos_lab/facts/vyos_facts.json
by tools/derive_vyos_facts.py; tests/unit/dmvpn_core/test_versions_match_facts.py fails when a
table here and the facts differ.

- 1.2 (crux): vyos/vyatta-cfg-vpn crux 03e70cd8690a templates/vpn/ipsec/{esp,ike}-group/node.tag/
  proposal/node.tag/{encryption,hash,dh-group}/node.def, esp-group/node.tag/pfs/node.def,
  profile/node.tag/authentication/pre-shared-secret/node.def.
- 1.3 (equuleus): the same files, vyatta-cfg-vpn equuleus 9cc815ff47ca (camellia ctr/ccm added).
- 1.4/1.5: vyos-1x sagitta c3f688653 / current 3710c5879 interface-definitions/vpn_ipsec.xml.in and
  include/vpn-ipsec-{encryption,hash}.xml.i; same lists as 1.3.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

_CRUX_GROUPS = ("2", "5") + tuple(str(group) for group in range(14, 27))
_GROUPS = ("1", "2", "5") + tuple(str(group) for group in range(14, 33))

_ENCRYPTION = (
    ("null", "aes128", "aes192", "aes256", "aes128ctr", "aes192ctr", "aes256ctr")
    + tuple("aes%d%s%d" % (bits, mode, icv) for bits in (128, 192, 256) for mode in ("ccm", "gcm")
            for icv in (64, 96, 128))
    + ("aes128gmac", "aes192gmac", "aes256gmac", "3des", "blowfish128", "blowfish192", "blowfish256",
       "camellia128", "camellia192", "camellia256", "camellia128ctr", "camellia192ctr", "camellia256ctr")
    + tuple("camellia%dccm%d" % (bits, icv) for bits in (128, 192, 256) for icv in (64, 96, 128))
    + ("serpent128", "serpent192", "serpent256", "twofish128", "twofish192", "twofish256", "cast128",
       "chacha20poly1305")
)
_HASH = ("md5", "md5_128", "sha1", "sha1_160", "sha256", "sha256_96", "sha384", "sha512",
         "aesxcbc", "aescmac", "aes128gmac", "aes192gmac", "aes256gmac")

# The PSK charset of the 1.2/1.3 templates' pattern. 1.4+ (vyos-1x) sets no constraint on the
# secret; the product keeps this charset there too as its policy (no quotes, spaces or shell
# separators in a secret, tests/unit/dmvpn_core/test_model.py), a subset of what VyOS takes.
_PSK = (re.compile(r"^[-+&!@#$%^*(),.:_a-zA-Z0-9]+\Z"), "letters, digits and - + & ! @ # $ % ^ * ( ) , . : _")


def _values(encryption, hashes, groups):
    return dict(encryption_values=encryption, hash_values=hashes, dh_groups=groups,
                pfs_values=("enable", "disable") + tuple("dh-group" + group for group in groups),
                psk_allowed_re=_PSK[0], psk_allowed_text=_PSK[1])


# crux's lists (1.2), and the lists of equuleus's templates and vyos-1x (1.3 and later).
CRUX = _values(("aes128", "aes256", "aes128gcm128", "aes256gcm128", "3des", "chacha20poly1305"),
               ("md5", "sha1", "sha256", "sha384", "sha512"), _CRUX_GROUPS)
LATER = _values(_ENCRYPTION, _HASH, _GROUPS)


# -- IKE/ESP group options beyond the proposals. VyOS accepts more group nodes than its DMVPN
# connection uses: a profile's connection is written by vyatta-cfg-vpn scripts/dmvpn-config.pl
# (1.2 crux 03e70cd8690a, 1.3 equuleus 9cc815ff47ca) and by vyos-1x
# data/templates/ipsec/swanctl/profile.j2 (1.4 sagitta c3f688653, identical in current 3710c5879;
# 1.5's FRR-era template, aapostoliuk/vyos-1x 74ba38b, forces the child's dpd_action = clear,
# close_action = none, start_action = none, as nhrpd brings SAs up and down itself). verify()
# (src/conf_mode/vpn_ipsec.py, every branch) checks only that a profile names existing groups
# and has authentication: nothing about DPD or close-action. The product refuses an option that
# would be stored but never reach strongSwan (``unused``: field -> why), so no option reads as
# working when it is not; the lab schema still takes every node VyOS takes.
#
# What each family reads (the node words: 1.2/1.3 templates/vpn/ipsec/{ike,esp}-group/node.tag/;
# 1.4+ interface-definitions/vpn_ipsec.xml.in):
# - dead-peer-detection interval/timeout (2-86400): all; action: 1.2/1.3 hold|clear|restart,
#   1.4 trap|clear|restart, 1.5 only clear takes effect (forced, above).
# - ikev2-reauth (1.2/1.3 "yes" -> reauth_time), mobike disable (-> mobike = no), compression
#   enable (-> ipcomp = yes): read by dmvpn-config.pl. On 1.4+ the nodes are valueless
#   (ikev2-reauth, disable-mobike, compression) and profile.j2 reads none of them (it tests
#   compression for the value 'enable', which a valueless leaf never has).
# - close-action: dmvpn-config.pl never reads it, profile.j2 neither (1.5 forces none).
# - life-bytes/life-packets: only 1.4+ have them (1024-/1000-26843545600000), profile.j2 does
#   not read them.
# A "switch" is (words below the group, value word or None for a valueless leaf): how gather
# reads the node on either family.
#
# When a 1.3 router is upgraded, VyOS's migration rewrites the old action words (vyos-1x sagitta
# src/migration-scripts/ipsec/12-to-13: dead-peer-detection action hold -> trap); ``migrated``
# holds that rewrite, so one inventory value fits a DMVPN of mixed versions. A 1.4 word on
# 1.2/1.3 has no source behind a translation: it is refused, naming the old word.
DPD_RANGE = (2, 86400)
_VYATTA_READS = "vyos/vyatta-cfg-vpn scripts/dmvpn-config.pl, crux 03e70cd / equuleus 9cc815f"
_PROFILE_J2 = "vyos/vyos-1x data/templates/ipsec/swanctl/profile.j2, sagitta c3f688653"
_FRR_PROFILE_J2 = "the FRR-era data/templates/ipsec/swanctl/profile.j2, aapostoliuk/vyos-1x 74ba38b"


def _unused(reader, names):
    return {name: "VyOS stores it but its DMVPN connection never uses it (%s)" % reader for name in names}


_NO_LIFE_COUNTS = {name: "VyOS 1.2/1.3 have no esp-group %s (vyatta-cfg-vpn templates)" % word
                   for name, word in (("life_bytes", "life-bytes"), ("life_packets", "life-packets"))}
VYATTA_GROUP_OPTIONS = dict(
    dpd_actions=("hold", "clear", "restart"),
    ikev2_reauth_switch=(("ikev2-reauth",), "yes"),
    disable_mobike_switch=(("mobike",), "disable"),
    compression_switch=(("compression",), "enable"),
    life_bytes_range=None,
    life_packets_range=None,
    migrated_dpd_actions={},
    unused_group_options=dict(_unused(_VYATTA_READS, ("close_action",)), **_NO_LIFE_COUNTS),
)
_VYOS1X_UNUSED = ("close_action", "ikev2_reauth", "disable_mobike", "compression", "life_bytes", "life_packets")
SAGITTA_GROUP_OPTIONS = dict(
    dpd_actions=("trap", "clear", "restart"),
    ikev2_reauth_switch=(("ikev2-reauth",), None),
    disable_mobike_switch=(("disable-mobike",), None),
    compression_switch=(("compression",), None),
    life_bytes_range=(1024, 26843545600000),
    life_packets_range=(1000, 26843545600000),
    migrated_dpd_actions={"hold": "trap"},
    unused_group_options=_unused(_PROFILE_J2, _VYOS1X_UNUSED),
)
# 1.5: the same nodes; of the DPD actions only clear takes effect (forced by the template).
FRR_GROUP_OPTIONS = dict(SAGITTA_GROUP_OPTIONS, dpd_actions=("clear",), migrated_dpd_actions={},
                         unused_group_options=_unused(_FRR_PROFILE_J2, _VYOS1X_UNUSED))
# The 1.2/1.3 word for a 1.4 one, to name it when refusing.
OLD_DPD_ACTION = {"trap": "hold"}
