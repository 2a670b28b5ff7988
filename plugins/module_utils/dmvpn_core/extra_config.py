# -*- coding: utf-8 -*-
# Copyright: dmvpn.vyos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Declared extra lines: options the collection does not model, kept inside the objects it
owns (issue 21 item 7).

The endpoint's ``extra`` section lists, per owned object (the tunnel, its NHRP entry, the IKE
and ESP groups, the IPsec profile), configuration lines relative to that object, for example
``mode main`` (the IKEv1 phase 1 mode) under the IKE group. They are rendered into the wanted
tree below the object, so the differ keeps them and a run that reads them back has nothing to
do; a line taken out of the inventory is then an undeclared leaf, which replaced/overridden
delete (and ``unmanaged.py`` names).

What is checked here: the words (split the way VyOS's CLI, a shell, splits them; single quotes
allowed), no shell metacharacter, no secret-looking leaf (secrets are modelled and masked), and
no line that sets what the collection models (that check renders the endpoint, so it is in
``unmanaged.py``, which the module's and the inventory's validation call). Whether VyOS knows the path is for the router to say at
commit (an unknown path is refused and the candidate discarded, like every refused line).

Pure Python, no Ansible imports.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.configtree import tokenize

# The objects extra lines may go in (the names are render.KIND_*: a unit test holds them equal;
# render imports the model, which imports this, so they cannot be imported from there).
KINDS = ("tunnel", "nhrp", "ike_group", "esp_group", "profile")
INVENTORY_VARIABLE = "dmvpn_extra_config"
MAX_LINES = 64  # per object: more is a configuration to model, not a few options to carry
# Characters a shell (VyOS's CLI is bash) reads as more than a word: command separators, pipes,
# background, substitution. Every word is quoted when sent, so none could run anything; a line
# holding one is still refused, as it is almost certainly not the option meant.
_METACHARACTERS = (";", "|", "&", "`", "$(", "<", ">")
# Double quotes and backslashes: VyOS does not print them back as stored (model.py, tunnel
# description), so a line holding one would be sent again on every run.
_NOT_PRINTED_BACK = ('"', "\\")
# Path words that name a secret: the modelled, masked ones (NHRP authentication, the profile's
# pre-shared secret) and anything that looks like one. Extra lines are shown unmasked.
_SECRET_WORD_RE = re.compile(r"(authentication|secret|password|passphrase|private-key)")
_SECRET_FIELDS = {"tunnel": "nhrp.authentication", "nhrp": "nhrp.authentication",
                  "ike_group": "ipsec.profile.pre_shared_secret", "esp_group": "ipsec.profile.pre_shared_secret",
                  "profile": "ipsec.profile.pre_shared_secret"}


def object_path(kind, endpoint, syntax):
    """The path of the owned object extra lines of ``kind`` go in, or None when the endpoint
    has no such object (no IPsec) or its name is not known (a refused name)."""
    tunnel = endpoint.get("tunnel") or {}
    ipsec = endpoint.get("ipsec") or {}
    if kind in ("tunnel", "nhrp"):
        name = tunnel.get("name")
        path_of = syntax.tunnel_path if kind == "tunnel" else syntax.nhrp_path
    else:
        name = (ipsec.get(kind) or {}).get("name")
        path_of = {"ike_group": syntax.ike_group_path, "esp_group": syntax.esp_group_path,
                   "profile": syntax.profile_path}[kind]
    return tuple(path_of(name)) if name else None


def _words(check, field, line):
    """The words of one line (None after a problem)."""
    text = check.string(line, field)
    if text is None:
        return None
    fix = "give the option's words as on the VyOS command line, e.g. 'mode main'"
    bad = [char for char in _METACHARACTERS + _NOT_PRINTED_BACK if char in text]
    if bad:
        check.add(field, "%r holds %s, which an extra line may not contain" % (text, " and ".join(repr(c) for c in bad)),
                  "%s; one option per line, single quotes around a value with spaces" % fix)
        return None
    try:
        tokens = tokenize(text)
    except ValueError as exc:
        check.add(field, "%r cannot be split into words: %s" % (text, exc), fix)
        return None
    if not tokens:
        check.add(field, "is empty", "remove it, or %s" % fix)
        return None
    if any(not token.text for token in tokens):
        check.add(field, "%r has an empty word ('')" % text, fix)
        return None
    if tokens[0].text in ("delete", "edit", "commit", "run") and not tokens[0].quoted:
        check.add(field, "%r is not a set line" % text, "declare only what the router is to hold (set lines)")
        return None
    return [token.text for token in tokens]


def _relative(check, field, words, base):
    """``words`` relative to the object at ``base``: a full ``set`` line (or the full path)
    must lie inside it; a relative line is taken as it is."""
    full = words[1:] if words[0] == "set" else words
    if tuple(full[:len(base)]) == base:
        full = full[len(base):]
    elif words[0] == "set" or (full and full[0] in ("interfaces", "protocols", "vpn", "system", "service")):
        check.add(field, "'%s' is outside %s, the object these lines go in" % (" ".join(words), " ".join(base)),
                  "give the line relative to that object (e.g. 'mode main' under the IKE "
                  "group), or as a full 'set %s ...' line" % " ".join(base))
        return None
    if not full:
        check.add(field, "'%s' names the object itself, no option in it" % " ".join(words),
                  "give the option's words below %s" % " ".join(base))
        return None
    return full


def _secret(check, field, kind, words, base, syntax):
    path_words = words[:-1] if len(words) > 1 else words
    secret = any(syntax.is_secret_path(base + tuple(words[:index])) for index in range(1, len(words) + 1))
    named = [word for word in path_words if _SECRET_WORD_RE.search(word)]
    if secret or named:
        check.add(field, "'%s' sets a secret (%s); extra lines are shown in the output unmasked"
                  % (" ".join(path_words), named[0] if named else "a masked leaf"),
                  "secrets are modelled and masked: use %s (kept in Ansible Vault)" % _SECRET_FIELDS[kind])
        return True
    return False


def check_extra(check, value, endpoint, ipsec_given=True):
    """The ``extra`` section, checked: ``{kind: [[word, ...], ...]}`` with the words relative to
    each object (every kind present, [] when none). ``endpoint``: the sections checked so far
    (for the objects' names); a name that was refused leaves its lines unchecked (its own
    problem is reported). ``ipsec_given``: the input has an ipsec section."""
    result = dict((kind, []) for kind in KINDS)
    extra = check.mapping(value, "extra", KINDS, required=False)
    if extra is None:
        return result
    for kind in KINDS:
        lines = check.sequence(extra.get(kind), "extra." + kind)
        if len(lines) > MAX_LINES:
            check.add("extra." + kind, "lists %d lines; at most %d" % (len(lines), MAX_LINES),
                      "model the option (open an issue) instead of carrying it as extra lines")
            continue
        base = object_path(kind, endpoint, check.syntax)
        if lines and not ipsec_given and kind not in ("tunnel", "nhrp"):
            check.add("extra." + kind, "there is no %s: the endpoint has no IPsec" % kind.replace("_", " "),
                      "remove extra.%s or give the ipsec section" % kind)
            continue
        seen = []
        for index, line in enumerate(lines):
            field = "extra.%s[%d]" % (kind, index)
            words = _words(check, field, line)
            if words is None or base is None:
                continue
            words = _relative(check, field, words, base)
            if words is None or _secret(check, field, kind, words, base, check.syntax):
                continue
            if words in seen:
                check.add(field, "'%s' is listed twice" % " ".join(words), "list every line once")
                continue
            seen.append(words)
            result[kind].append(words)
    return result


def render_extra(tree, endpoint, syntax):
    """Set every declared extra line of ``endpoint`` below its object in ``tree``. The last
    word of a line of two or more words is its value and is sent quoted (VyOS's CLI drops the
    quotes, so a valueless node written last is stored as the node it names); a one-word line
    is a valueless node."""
    for kind in KINDS:
        base = object_path(kind, endpoint, syntax)
        for words in (endpoint.get("extra") or {}).get(kind) or []:
            if len(words) == 1:
                tree.set(base + tuple(words))
            else:
                tree.set(base + tuple(words[:-1]), words[-1])
    return tree
