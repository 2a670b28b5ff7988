# -*- coding: utf-8 -*-
# Copyright: dmvpn.vyos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The IPsec section of the endpoint model: its WAN interface, IKE and ESP groups (with
their proposals) and profile (with the pre-shared secret), checked and normalised.

Pure Python, no Ansible imports. ``model.validate_endpoint`` calls :func:`check_ipsec` with
its :class:`checker.Checker`; the ipsec resource checks its groups and profiles with it too.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.ipsec_values import OLD_DPD_ACTION
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.name_patterns import (
    GROUP_NAME_RE,
    INTERFACE_NAME_RE,
    PROFILE_NAME_RE,
)

# The keys each mapping of the IPsec section may have.
_KEYS = {
    "ipsec": ("interface", "ike_group", "esp_group", "profile"),
    "ike_group": ("name", "key_exchange", "lifetime", "proposal", "dead_peer_detection", "close_action",
                  "ikev2_reauth", "disable_mobike"),
    "dead_peer_detection": ("action", "interval", "timeout"),
    "ike_proposal": ("proposal_id", "encryption", "hash", "dh_group"),
    "esp_group": ("name", "lifetime", "mode", "pfs", "proposal", "compression", "life_bytes", "life_packets"),
    "esp_proposal": ("proposal_id", "encryption", "hash"),
    "profile": ("name", "pre_shared_secret"),
}


def _proposals(check, value, field, kind):
    syntax = check.syntax
    entries = check.sequence(value, field)
    if value is not None and not entries and isinstance(value, (list, tuple)):
        check.add(field, "is empty", "give at least one proposal")
    elif value is None:
        check.add(field, "is required", "give at least one proposal")
    result = []
    seen = set()
    for index, entry in enumerate(entries):
        where = "%s[%d]" % (field, index)
        entry = check.mapping(entry, where, _KEYS[kind])
        if entry is None:
            continue
        item = {
            "proposal_id": check.integer(entry.get("proposal_id"), where + ".proposal_id",
                                         syntax.proposal_id_range, required=True),
            "encryption": check.choice(entry.get("encryption"), where + ".encryption",
                                       syntax.encryption_values),
            "hash": check.choice(entry.get("hash"), where + ".hash", syntax.hash_values),
        }
        if kind == "ike_proposal":
            item["dh_group"] = check.choice(entry.get("dh_group"), where + ".dh_group",
                                            syntax.dh_groups, required=False)
        if item["proposal_id"] is not None:
            if item["proposal_id"] in seen:
                check.add(where + ".proposal_id", "proposal %d is listed twice" % item["proposal_id"],
                          "give every proposal its own id")
            seen.add(item["proposal_id"])
        result.append(item)
    return result


def check_ipsec(check, data):
    """The ``ipsec`` section (None when absent): the WAN interface, the IKE and ESP groups with
    their proposals, and the profile with its pre-shared secret."""
    syntax = check.syntax
    ipsec = check.mapping(data, "ipsec", _KEYS["ipsec"], required=False)
    if ipsec is None:
        return None
    result = {
        "interface": check.word(ipsec.get("interface"), "ipsec.interface", INTERFACE_NAME_RE,
                                "the WAN interface name, e.g. eth0"),
    }
    ike = check.mapping(ipsec.get("ike_group"), "ipsec.ike_group", _KEYS["ike_group"])
    if ike is not None:
        result["ike_group"] = {
            "name": check.word(ike.get("name"), "ipsec.ike_group.name", GROUP_NAME_RE,
                               "1 to 64 letters, digits, '-', '_' and '.'"),
            "key_exchange": check.choice(ike.get("key_exchange"), "ipsec.ike_group.key_exchange",
                                         syntax.key_exchange_values, required=False),
            "lifetime": check.integer(ike.get("lifetime"), "ipsec.ike_group.lifetime",
                                      syntax.lifetime_range),
            "proposal": _proposals(check, ike.get("proposal"), "ipsec.ike_group.proposal", "ike_proposal"),
            "dead_peer_detection": _dpd(check, ike.get("dead_peer_detection")),
            "ikev2_reauth": check.boolean(ike.get("ikev2_reauth"), "ipsec.ike_group.ikev2_reauth", False),
            "disable_mobike": check.boolean(ike.get("disable_mobike"), "ipsec.ike_group.disable_mobike", False),
        }
        _unused(check, "ipsec.ike_group", ike, result["ike_group"], ("close_action", "ikev2_reauth", "disable_mobike"))
    esp = check.mapping(ipsec.get("esp_group"), "ipsec.esp_group", _KEYS["esp_group"])
    if esp is not None:
        result["esp_group"] = {
            "name": check.word(esp.get("name"), "ipsec.esp_group.name", GROUP_NAME_RE,
                               "1 to 64 letters, digits, '-', '_' and '.'"),
            "lifetime": check.integer(esp.get("lifetime"), "ipsec.esp_group.lifetime",
                                      syntax.lifetime_range),
            "mode": check.choice(esp.get("mode"), "ipsec.esp_group.mode", syntax.esp_modes,
                                 required=False),
            "pfs": check.choice(esp.get("pfs"), "ipsec.esp_group.pfs", syntax.pfs_values,
                                required=False),
            "proposal": _proposals(check, esp.get("proposal"), "ipsec.esp_group.proposal", "esp_proposal"),
            "compression": check.boolean(esp.get("compression"), "ipsec.esp_group.compression", False),
        }
        _unused(check, "ipsec.esp_group", esp, result["esp_group"], ("compression", "life_bytes", "life_packets"))
    profile = check.mapping(ipsec.get("profile"), "ipsec.profile", _KEYS["profile"])
    if profile is not None:
        result["profile"] = {
            "name": check.word(profile.get("name"), "ipsec.profile.name", PROFILE_NAME_RE,
                               "a name of 2 to 64 characters starting with a letter "
                               "(letters, digits, '-', '_')"),
            "pre_shared_secret": _psk(check, profile.get("pre_shared_secret")),
        }
    return result


def _dpd(check, value):
    """``dead_peer_detection``: None when absent; otherwise at least one of its keys (VyOS fills
    the others with its defaults once the node exists)."""
    field = "ipsec.ike_group.dead_peer_detection"
    dpd = check.mapping(value, field, _KEYS["dead_peer_detection"], required=False)
    if dpd is None:
        return None
    if not any(dpd.get(key) is not None for key in _KEYS["dead_peer_detection"]):
        check.add(field, "is empty", "give action, interval or timeout, or leave dead_peer_detection out")
        return None
    syntax = check.syntax
    action = dpd.get("action")
    action = syntax.migrated_dpd_actions.get(action, action)
    if action in OLD_DPD_ACTION and action not in syntax.dpd_actions and OLD_DPD_ACTION[action] in syntax.dpd_actions:
        check.add(field + ".action", "VyOS %s has no %r" % (syntax.version, action),
                  "use %r, its word for the same action" % OLD_DPD_ACTION[action])
        action = None
    else:
        action = check.choice(action, field + ".action", syntax.dpd_actions, required=False)
    return {"action": action,
            "interval": check.integer(dpd.get("interval"), field + ".interval", syntax.dpd_range),
            "timeout": check.integer(dpd.get("timeout"), field + ".timeout", syntax.dpd_range)}


def _unused(check, field, given, result, names):
    """Refuse, on this version, the options its DMVPN connection never uses (ipsec_values:
    unused_group_options); an option left out or false is fine. The ones no version uses
    (close_action, life_bytes, life_packets) are in the model only to say so."""
    for name in names:
        value = given.get(name)
        why = check.syntax.unused_group_options.get(name)
        # (a switch that is not a boolean is reported as such, once)
        if why and value is not None and value is not False and result.get(name, True) is True:
            check.add("%s.%s" % (field, name), "is not supported on VyOS %s: %s" % (check.syntax.version, why),
                      "leave it out")
            if name in result:
                result[name] = False
        result.setdefault(name, None)


def _psk(check, value):
    field = "ipsec.profile.pre_shared_secret"
    text = check.string(value, field, fix="set the pre-shared secret (use Ansible Vault)")
    if text is None:
        return None
    if not check.syntax.psk_allowed_re.match(text):
        check.add(field, "contains characters VyOS does not accept in a pre-shared secret "
                  "(empty, spaces, quotes or others)",
                  "use only %s" % check.syntax.psk_allowed_text)
        return None
    return text
