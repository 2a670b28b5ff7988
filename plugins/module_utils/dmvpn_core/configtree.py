# -*- coding: utf-8 -*-
# Copyright: dmvpn.vyos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""VyOS configuration as a tree of words.

Pure Python, no Ansible imports. It reads the two text forms VyOS speaks:

* the output of ``show configuration commands``: one ``set`` line per leaf, path words bare,
  every value wrapped in single quotes (so the value runs from the first single quote to the
  last character of the line), with OCaml's escapes inside (:func:`unescape_printed`);
* command lines as a person types them (the seed documents, ``set`` lines we send), which
  follow the shell quoting of VyOS's CLI: ``'...'`` literal, ``"..."`` with backslash
  escapes, a backslash escapes the next character, adjacent pieces join.

and writes ``set`` lines back with every value quoted so that no value can end the line or
start another command.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re


class ConfigSyntaxError(ValueError):
    """A line that is not a valid VyOS configuration command."""

    def __init__(self, message, line=None, lineno=None):
        self.line = line
        self.lineno = lineno
        where = " (line %d)" % lineno if lineno is not None else ""
        super(ConfigSyntaxError, self).__init__(message + where)


# Characters that can never be sent inside one CLI line: the ASCII controls end the line or
# the command; NEL, the Unicode line and paragraph separators are line breaks to Python's
# str.splitlines (and to other readers of the output); the zero-width and bidirectional
# controls make a value look like another one.
CONTROL_RE = re.compile("[\x00-\x1f\x7f\x85\u2028\u2029\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
# Words that need no quoting at all on the VyOS command line.
_BARE_WORD_RE = re.compile(r"^[A-Za-z0-9_./:@+,=%-]+$")


def check_cli_text(text, what="value"):
    """Raise ValueError if ``text`` cannot be carried safely on one CLI line."""
    if not isinstance(text, str):
        raise ValueError("%s must be a string, got %s" % (what, type(text).__name__))
    match = CONTROL_RE.search(text)
    if match:
        raise ValueError(
            "%s contains the control character %r (U+%04X); line breaks, other control characters "
            "and invisible formatting characters cannot be part of a VyOS value" % (what, match.group(0), ord(match.group(0)))
        )
    return text


def control_characters(value, field="config"):
    """``(field, character)`` of the first string in ``value`` (a module's input: nested dicts and
    lists) holding a character of CONTROL_RE, or None."""
    if isinstance(value, dict):
        for key, item in value.items():
            found = control_characters(item, "%s.%s" % (field, key))
            if found:
                return found
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found = control_characters(item, "%s[%d]" % (field, index))
            if found:
                return found
    elif isinstance(value, str):
        match = CONTROL_RE.search(value)
        if match:
            return field, match.group(0)
    return None


def sendable(text):
    """True when ``text`` can be carried on one CLI line (:func:`check_cli_text` accepts it)."""
    return isinstance(text, str) and not CONTROL_RE.search(text)


def quote(value):
    """Quote a value for the VyOS CLI so that the router stores exactly ``value``.

    Single quotes make everything literal; a single quote inside the value is written the
    shell way (``'it'\\''s'``), which VyOS's CLI joins back into one word.
    """
    check_cli_text(value)
    return "'" + value.replace("'", "'\\''") + "'"


def quote_word(word):
    """A path word: bare when it is a plain word, quoted otherwise."""
    check_cli_text(word, "path word")
    if word and _BARE_WORD_RE.match(word):
        return word
    return quote(word)


class Token:
    """One word of a command line and whether any part of it was quoted."""

    __slots__ = ("text", "quoted")

    def __init__(self, text, quoted):
        self.text = text
        self.quoted = quoted

    def __eq__(self, other):
        return isinstance(other, Token) and (self.text, self.quoted) == (other.text, other.quoted)

    def __repr__(self):
        return "Token(%r, quoted=%r)" % (self.text, self.quoted)


def tokenize(line):
    """Split a command line into Tokens following the VyOS CLI's shell quoting."""
    check_cli_text(line.replace("\t", " "), "command line")
    tokens = []
    i, n = 0, len(line)
    while i < n:
        if line[i] in " \t":
            i += 1
            continue
        text, quoted = [], False
        while i < n and line[i] not in " \t":
            ch = line[i]
            if ch == "'":
                end = line.find("'", i + 1)
                if end < 0:
                    raise ConfigSyntaxError("unterminated single quote", line)
                text.append(line[i + 1:end])
                quoted, i = True, end + 1
            elif ch == '"':
                i += 1
                quoted = True
                while True:
                    if i >= n:
                        raise ConfigSyntaxError("unterminated double quote", line)
                    ch = line[i]
                    if ch == '"':
                        i += 1
                        break
                    if ch == "\\" and i + 1 < n and line[i + 1] in '"\\$`':
                        text.append(line[i + 1])
                        i += 2
                        continue
                    text.append(ch)
                    i += 1
            elif ch == "\\":
                if i + 1 >= n:
                    raise ConfigSyntaxError("line ends with a backslash", line)
                text.append(line[i + 1])
                quoted, i = True, i + 2
            else:
                text.append(ch)
                i += 1
        tokens.append(Token("".join(text), quoted))
    return tokens


class Node:
    """A configuration node: ordered children; ``is_value`` marks a leaf that is a value."""

    __slots__ = ("children", "is_value")

    def __init__(self, is_value=False):
        self.children = {}
        self.is_value = is_value


class ConfigTree:
    """An ordered tree of configuration words.

    A path is a tuple of words; for a leaf that carries a value the value is the last word
    (``("interfaces", "tunnel", "tun0", "address", "10.0.0.1/24")``). Two trees are equal when
    they hold the same paths, whatever their order or quoting.
    """

    def __init__(self):
        self.root = Node()

    # -- building -------------------------------------------------------------------------
    def set(self, path, value=None, checked=True):
        """Add ``path`` (a sequence of words), and ``value`` below it when given. ``checked``
        (the default) refuses words no CLI line can carry; a tree read from the router holds
        whatever the router holds (``checked=False``): such words are never sent."""
        words = list(path) + ([value] if value is not None else [])
        if not words:
            raise ValueError("empty configuration path")
        node = self.root
        for index, word in enumerate(words):
            if checked:
                check_cli_text(word, "configuration word")
            child = node.children.get(word)
            if child is None:
                child = Node(is_value=(value is not None and index == len(words) - 1))
                node.children[word] = child
            node = child
        return self

    def delete(self, path):
        """Remove ``path`` and everything below it. Returns True if something was removed."""
        words = list(path)
        if not words:
            removed = bool(self.root.children)
            self.root.children.clear()
            return removed
        parent = self._node(words[:-1])
        if parent is None or words[-1] not in parent.children:
            return False
        del parent.children[words[-1]]
        return True

    def merge(self, other):
        """Add every path of ``other`` to this tree."""
        for path, is_value in other.leaves():
            if is_value:  # (copies what a tree holds: render_line checks what is sent)
                self.set(path[:-1], path[-1], checked=False)
            else:
                self.set(path, checked=False)
        return self

    # -- reading --------------------------------------------------------------------------
    def _node(self, path):
        node = self.root
        for word in path:
            node = node.children.get(word)
            if node is None:
                return None
        return node

    def exists(self, path):
        return self._node(path) is not None

    def children(self, path=()):
        """The child words below ``path`` (empty list when the path does not exist)."""
        node = self._node(path)
        return list(node.children) if node is not None else []

    def value(self, path, default=None):
        """The single value below a leaf ``path`` (the first one for a multi-value leaf)."""
        values = self.values(path)
        return values[0] if values else default

    def values(self, path):
        node = self._node(path)
        if node is None:
            return []
        return [word for word, child in node.children.items() if child.is_value]

    def subtree(self, path):
        """A new tree holding only ``path`` and what is below it (full paths kept)."""
        result = ConfigTree()
        node = self._node(path)
        if node is None:
            return result
        for sub, is_value in self._walk(node, tuple(path)):
            if is_value:
                result.set(sub[:-1], sub[-1], checked=False)
            else:
                result.set(sub, checked=False)
        return result

    def leaves(self):
        """Yield ``(path, is_value)`` for every leaf, in tree order."""
        return self._walk(self.root, ())

    def _walk(self, node, prefix):
        if not node.children:
            if prefix:
                yield prefix, node.is_value
            return
        for word, child in node.children.items():
            yield from self._walk(child, prefix + (word,))

    def paths(self):
        return [path for path, dummy in self.leaves()]

    def __eq__(self, other):
        return isinstance(other, ConfigTree) and set(self.paths()) == set(other.paths())

    def __ne__(self, other):
        return not self == other

    def __len__(self):
        return len(self.paths())

    def __repr__(self):
        return "ConfigTree(%d leaves)" % len(self)

    # -- writing --------------------------------------------------------------------------
    def to_commands(self, verb="set"):
        """``set`` lines for every leaf, values quoted, ready to send to a router."""
        return [render_line(verb, path, is_value) for path, is_value in self.leaves()]

    def to_show_commands(self):
        """The leaves the way ``show configuration commands`` prints them (values in plain
        single quotes, nothing escaped): for display, never for sending."""
        lines = []
        for path, is_value in self.leaves():
            if is_value:
                lines.append("set %s '%s'" % (" ".join(path[:-1]), path[-1]))
            else:
                lines.append("set " + " ".join(path))
        return lines

    def copy(self):
        """A tree of the same paths in the same order: the nodes cloned (merging the leaves
        into a new tree costs a walk and a set per leaf; every run copies the router's tree)."""
        clone = ConfigTree()
        pending = [(self.root, clone.root)]
        while pending:
            source, target = pending.pop()
            for word, child in source.children.items():
                twin = target.children[word] = Node(child.is_value)
                pending.append((child, twin))
        return clone


def render_line(verb, path, is_value):
    """One CLI line: ``verb`` then the path words, the last one quoted when it is a value."""
    words = list(path)
    if is_value:
        head, last = words[:-1], quote(words[-1])
    else:
        head, last = words, None
    parts = [verb] + [quote_word(word) for word in head]
    if last is not None:
        parts.append(last)
    return " ".join(parts)


# ``show configuration commands`` passes every value through vyos1x-config's escaping before
# it wraps it in single quotes (src/config_tree.ml Renderer.render_commands): OCaml's
# String.escaped on crux (550048b3dc49: backslash, double quote, \n \t \r \b, and every byte
# outside ' '..'~' as \DDD, UTF-8 included), Util.escape_string from equuleus on (51f6402aaacf,
# sagitta 84720462dc1d, master 406158f8557f: the same, UTF-8 bytes left as they are). A single
# quote is never escaped. The values the collection writes hold no double quote or backslash
# (model.py refuses them: VyOS does not print them back faithfully); these escapes come from
# non-ASCII text on 1.2 and from values set by others.
_PRINTED_ESCAPE_RE = re.compile(r'\\(?:([\\"ntrb])|([0-9]{3}))')
_PRINTED_ESCAPES = {"\\": b"\\", '"': b'"', "n": b"\n", "t": b"\t", "r": b"\r", "b": b"\b"}


def unescape_printed(value):
    """A value as VyOS stores it, from the text between the quotes of its printed line."""
    if "\\" not in value:
        return value
    out = bytearray()
    pos = 0
    for match in _PRINTED_ESCAPE_RE.finditer(value):
        out += value[pos:match.start()].encode("utf-8", "surrogatepass")
        char, digits = match.groups()
        out += _PRINTED_ESCAPES[char] if char else bytes([int(digits) % 256])
        pos = match.end()
    out += value[pos:].encode("utf-8", "surrogatepass")
    return out.decode("utf-8", "replace")


def parse_show_commands(text):
    """Parse the output of ``show configuration commands`` into a ConfigTree.

    Blank lines and VyOS's ``comment`` lines are skipped; any other line that is not a
    ``set`` line raises ConfigSyntaxError naming the line number.
    """
    tree = ConfigTree()
    # Lines end with \n (and \r\n) only: str.splitlines would also break a value at NEL or
    # U+2028, which VyOS stores and prints as they are.
    for lineno, raw in enumerate(text.split("\n"), 1):
        line = raw.rstrip("\r").rstrip(" \t")
        if not line.strip() or line.lstrip().startswith("comment "):
            continue
        if not line.startswith("set "):
            raise ConfigSyntaxError("not a 'set' line: %r" % line, line, lineno)
        head, sep, tail = line[4:].partition("'")
        words = head.split()
        if sep:
            if not tail.endswith("'"):
                raise ConfigSyntaxError("value does not end with a single quote", line, lineno)
            if not words:
                raise ConfigSyntaxError("value without a path", line, lineno)
            tree.set(words, unescape_printed(tail[:-1]), checked=False)
        else:
            if not words:
                raise ConfigSyntaxError("empty 'set' line", line, lineno)
            tree.set(words, checked=False)
    return tree


def parse_set_lines(lines):
    """Parse typed ``set`` command lines (as in the VyOS guides) into a ConfigTree.

    A quoted last word is taken as a value; an unquoted one as a node, so equality with a
    tree parsed from the router still holds (it compares words, not quoting).
    """
    if isinstance(lines, str):
        lines = lines.splitlines()
    tree = ConfigTree()
    for lineno, raw in enumerate(lines, 1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        try:
            tokens = tokenize(raw)
        except ValueError as exc:
            raise ConfigSyntaxError(str(exc), raw, lineno)
        if tokens[0].text != "set" or tokens[0].quoted or len(tokens) < 2:
            raise ConfigSyntaxError("not a 'set' line: %r" % raw.strip(), raw, lineno)
        words = [token.text for token in tokens[1:]]
        if tokens[-1].quoted and len(tokens) > 2:
            tree.set(words[:-1], words[-1])
        else:
            tree.set(words)
    return tree
