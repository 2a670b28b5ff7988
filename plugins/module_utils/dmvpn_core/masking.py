# -*- coding: utf-8 -*-
# Copyright: dmvpn.vyos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Masking: secrets replaced by ``'********'`` in commands, configuration lines, trees and
free text (router error messages), before anything leaves a module.

Pure Python, no Ansible imports. Which paths hold a secret is a per-version fact
(``versions.Syntax.is_secret_path``).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.configtree import (
    ConfigTree,
    quote,
    quote_word,
    tokenize,
)
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.versions import syntax_for

MASK = "********"
_VERBS = ("set", "delete")


def _mask_words(words, syntax):
    """The index of the secret value in ``words`` (path words), or None."""
    for index in range(1, len(words)):
        if syntax.is_secret_path(words[:index]):
            return index
    return None


def _mask_line(line, syntax):
    try:
        tokens = tokenize(line)
    except ValueError:
        tokens = None
    if tokens:
        verb = tokens[0].text if tokens[0].text in _VERBS and not tokens[0].quoted else None
        words = [token.text for token in tokens[1 if verb else 0:]]
        index = _mask_words(words, syntax)
        if index is None:
            return line
        indent = line[:len(line) - len(line.lstrip())]
        head = ([verb] if verb else []) + [quote_word(word) for word in words[:index]]
        return indent + " ".join(head + [quote(MASK)])
    # Not shell-splittable (``show configuration commands`` prints values unescaped):
    # path words run up to the first single quote, the value is the rest of the line.
    head, sep, dummy = line.partition("'")
    words = head.split()
    if words and words[0] in _VERBS:
        words = words[1:]
    if sep and words and syntax.is_secret_path(words):
        return head + quote(MASK)
    return line


def mask_secrets(lines_or_tree, version):
    """Replace the value of every secret path by ``'********'``.

    Accepts a ConfigTree (returns a masked copy), a list of lines (``set``/``delete``
    commands, ``show configuration commands`` output; returns a list) or one text (returns
    text with the same line breaks).
    """
    syntax = syntax_for(version)
    if isinstance(lines_or_tree, ConfigTree):
        masked = ConfigTree()
        for path, is_value in lines_or_tree.leaves():
            if len(path) > 1 and syntax.is_secret_path(path[:-1]):
                masked.set(path[:-1], MASK, checked=False)
            elif is_value:  # (a copy of what the tree holds, maybe read from the router)
                masked.set(path[:-1], path[-1], checked=False)
            else:
                masked.set(path, checked=False)
        return masked
    if isinstance(lines_or_tree, str):
        masked = []
        for line in lines_or_tree.split("\n"):  # (\n only: values may hold NEL or U+2028)
            body = line.rstrip("\r")
            masked.append(_mask_line(body, syntax) + line[len(body):])
        return "\n".join(masked)
    return [_mask_line(line, syntax) for line in lines_or_tree]


def mask_text(text, secrets):
    """Replace every literal occurrence of each secret (and its CLI-quoted form) in ``text``.

    For free text such as router error messages, where no path tells what is secret.
    """
    if text is None:
        return text
    text = str(text)
    forms = set()
    for secret in secrets or ():
        if isinstance(secret, str) and secret:
            forms.add(secret)
            if "'" in secret:
                try:
                    forms.add(quote(secret))
                except ValueError:
                    pass
    for form in sorted(forms, key=len, reverse=True):
        text = text.replace(form, MASK)
    return text


def secret_inside_words(tree, secrets, version):
    """The secrets of ``secrets`` that occur in a word of ``tree`` (a ConfigTree) other than
    their own value at a secret path, each with the path words before that word (which do not
    contain it; other secrets in them masked): ``[(secret, words_before)]``, in tree order.

    Ansible's no_log masking replaces each secret wherever it occurs in a module's result, so
    a PSK ``shared`` turns ``mode 'pre-shared-secret'`` into ``'pre-********-secret'``, and a
    PSK ``sha256`` every hash of the proposals: such a secret garbles the output and tells
    which word it is part of. It is refused instead (the design's and the module's checks)."""
    syntax = syntax_for(version)
    wanted = [secret for secret in secrets or () if isinstance(secret, str) and secret]
    found = []
    for path, dummy in tree.leaves():
        for index, word in enumerate(path):
            for secret in wanted:
                # (the substring test first: the secret-path test is the costly one)
                if secret in word and not (index and syntax.is_secret_path(path[:index])) \
                        and secret not in [item[0] for item in found]:
                    found.append((secret, [mask_text(before, wanted) for before in path[:index]]))
    return found


# the keys of the secrets in gathered and parsed data (gather.py)
_SECRET_KEYS = ("authentication", "pre_shared_secret")


def mask_structure(value):
    """A copy of gathered/parsed data with every secret value replaced by the mask."""
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if key in _SECRET_KEYS and isinstance(item, str):
                out[key] = MASK
            else:
                out[key] = mask_structure(item)
        return out
    if isinstance(value, list):
        return [mask_structure(item) for item in value]
    return value


CHANGED_MARK = " (changed)"


def masked_diff(before_lines, after_lines, version):
    """``(before, after)``: both lists of ``show configuration commands`` lines masked, and a
    secret that differs between them marked on the after side (``'********' (changed)``):
    masked alike, a rotated or drifted key would otherwise leave the diff empty."""
    before = mask_secrets(list(before_lines), version)
    after = mask_secrets(list(after_lines), version)
    raw_before = set(before_lines)
    masked_before = set(before)
    marked = []
    for raw, masked in zip(after_lines, after):
        if masked != raw and masked in masked_before and raw not in raw_before:
            masked += CHANGED_MARK
        marked.append(masked)
    return before, marked
