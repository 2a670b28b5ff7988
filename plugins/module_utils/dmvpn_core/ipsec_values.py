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
