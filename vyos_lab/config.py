"""A VyOS configuration: nested data checked against a version's schema.

Data layout: a plain node or a tag entry is a ``dict`` (child name -> data); a tag node is a
``dict`` (tag value -> entry dict); a leaf is a ``list`` of values; a flag is ``True``.
"""

import copy
import re

from .schemas import schema_for


class CliError(Exception):
    """An error the CLI prints (the text is already VyOS-styled)."""


MAX_NODE_NAME_BYTES = 255


def _invalid_path(words):
    return CliError("\n  Configuration path: [%s] is not valid\n" % " ".join(words))


def _sort_key(word):
    if re.fullmatch(r"[0-9]+", word):
        return (0, int(word), word)
    parts = re.split(r"([0-9]+)", word)
    return (1, 0, tuple((int(p) if p.isdigit() else p) for p in parts if p != ""))


def _safe_sorted(words):
    try:
        return sorted(words, key=_sort_key)
    except TypeError:
        return sorted(words)


class Step:
    __slots__ = ("schema", "word", "role")

    def __init__(self, schema, word, role):
        self.schema = schema
        self.word = word
        self.role = role

    def __repr__(self):
        return "Step(%s %s)" % (self.role, self.word)


class Config:
    def __init__(self, version, data=None):
        self.version = version
        self.schema = schema_for(version)
        self.data = data if data is not None else {}

    def copy(self):
        return Config(self.version, copy.deepcopy(self.data))

    def __eq__(self, other):
        return isinstance(other, Config) and self.data == other.data

    # -- path resolution --------------------------------------------------------------------
    def resolve(self, words, for_delete=False):
        """Check ``words`` against the schema; return the steps or raise CliError."""
        steps = []
        current = self.schema
        i = 0
        while i < len(words):
            word = words[i]
            kind = current.kind
            if kind == "node":
                child = current.children.get(word)
                if child is None:
                    raise _invalid_path(words[: i + 1])
                if child.kind == "leaf":
                    steps.append(Step(child, word, "leaf"))
                    if i + 1 == len(words):
                        if for_delete:
                            return steps
                        raise CliError("\n  Configuration path: [%s] requires a value\n" % " ".join(words))
                    if i + 2 < len(words):
                        raise _invalid_path(words[: i + 3])
                    value = words[i + 1]
                    if not for_delete:
                        error = child.validator(value)
                        if error:
                            raise CliError("\n  %s\n  Value validation failed\n" % error)
                    steps.append(Step(child, value, "value"))
                    return steps
                if child.kind == "flag":
                    if i + 1 < len(words):
                        raise _invalid_path(words[: i + 2])
                    steps.append(Step(child, word, "flag"))
                    return steps
                steps.append(Step(child, word, "node" if child.kind == "node" else "tag"))
                current = child
                i += 1
            elif kind == "tag":
                if len(word.encode("utf-8")) > MAX_NODE_NAME_BYTES:
                    # VyOS keeps its config tree as directories: a node name is a file name
                    raise CliError("\n  Node name too long (%d bytes; at most %d)\n  Value validation failed\n"
                                   % (len(word.encode("utf-8")), MAX_NODE_NAME_BYTES))
                if not for_delete:
                    error = current.validator(word)
                    if error:
                        raise CliError("\n  %s\n  Value validation failed\n" % error)
                steps.append(Step(current, word, "entry"))
                current = _EntrySchema(current)
                i += 1
            else:  # pragma: no cover - leaves/flags return above
                raise _invalid_path(words[: i + 1])
        if current.kind == "tag":
            raise CliError("\n  Configuration path: [%s] requires a value\n" % " ".join(words))
        return steps

    # -- changes ----------------------------------------------------------------------------
    def set(self, words):
        """Apply a ``set``; raise CliError (the router's text) when it cannot."""
        if not words:
            raise CliError("\n  Configuration path: [] is not valid\n")
        steps = self.resolve(words)
        container = self.data
        for step in steps:
            if step.role in ("node", "entry"):
                container = container.setdefault(step.word, {})
            elif step.role == "tag":
                container = container.setdefault(step.word, {})
            elif step.role == "leaf":
                values = container.get(step.word)
                if not isinstance(values, list):
                    values = container[step.word] = []
                leaf_values = values
            elif step.role == "value":
                if step.schema.multi:
                    if step.word in leaf_values:
                        raise CliError("\n  Configuration path: [%s] already exists\n" % " ".join(words))
                    leaf_values.append(step.word)
                else:
                    leaf_values[:] = [step.word]
            elif step.role == "flag":
                container[step.word] = True

    def delete(self, words):
        if not words:
            raise CliError("\n  Configuration path: [] is not valid\n")
        steps = self.resolve(words, for_delete=True)
        chain = []  # (container, key) pairs from the root down
        container = self.data
        for step in steps:
            if step.role == "value":
                values = container
                if step.word not in values:
                    raise CliError("\n  Nothing to delete (the specified value does not exist)\n")
                values.remove(step.word)
                if not values:
                    parent, key = chain[-1]
                    del parent[key]
                    chain.pop()
                self._prune(chain)
                return
            if step.word not in container:
                raise CliError("\n  Nothing to delete (the specified node does not exist)\n")
            chain.append((container, step.word))
            container = container[step.word]
        parent, key = chain.pop()
        del parent[key]
        self._prune(chain)

    def _prune(self, chain):
        """Remove plain nodes and tag nodes left empty; tag entries stay (VyOS keeps them)."""
        while chain:
            parent, key = chain[-1]
            if parent[key] or self._is_tag_entry(chain):
                return
            del parent[key]
            chain.pop()

    def _is_tag_entry(self, chain):
        """True if the last element of ``chain`` is a tag value (entry)."""
        words = [key for dummy, key in chain]
        try:
            steps = self.resolve(words, for_delete=True)
        except CliError:
            return False
        return bool(steps) and steps[-1].role == "entry"

    # -- reading ----------------------------------------------------------------------------
    def get(self, words, default=None):
        data = self.data
        for word in words:
            if not isinstance(data, dict) or word not in data:
                return default
            data = data[word]
        return data

    def exists(self, words):
        return self.get(words, _MISSING) is not _MISSING

    def leaves(self):
        """Yield (words, value_or_None) for every leaf line, in VyOS order."""
        yield from self._walk(self.schema, self.data, [])

    def _walk(self, schema, data, prefix):
        if schema.kind == "leaf":
            for value in data:
                yield prefix, value
            return
        if schema.kind == "flag":
            yield prefix, None
            return
        if not data:
            if prefix:
                yield prefix, None
            return
        if schema.kind == "tag":
            entry_schema = _EntrySchema(schema)
            for value in _safe_sorted(data):
                yield from self._walk(entry_schema, data[value], prefix + [value])
            return
        for name in sorted(data):
            child = schema.children.get(name)
            if child is None:  # data outside the schema never gets in; be safe
                continue
            yield from self._walk(child, data[name], prefix + [name])

    def commands(self, secrets=True, printed=False):
        """One ``set`` line per leaf; ``printed``: with each value escaped the way ``show
        configuration commands`` prints it on this version (the lab's own state and the tests
        read the values as stored)."""
        lines = []
        for words, value in self.leaves():
            if value is None:
                lines.append("set " + " ".join(words))
            else:
                shown = printed_value(value, self.version) if printed else value
                lines.append("set %s '%s'" % (" ".join(words), shown))
        return lines

    def curly(self):
        """Text as ``show configuration`` prints it."""
        out = []
        self._curly(self.schema, self.data, 0, out)
        return "\n".join(out)

    def _curly(self, schema, data, depth, out):
        pad = "    " * depth
        for name in sorted(data):
            child = schema.children.get(name)
            if child is None:
                continue
            value = data[name]
            if child.kind == "leaf":
                for item in value:
                    out.append("%s%s %s" % (pad, name, _curly_value(item)))
            elif child.kind == "flag":
                out.append(pad + name)
            elif child.kind == "tag":
                entry_schema = _EntrySchema(child)
                for tag_value in _safe_sorted(value):
                    out.append("%s%s %s {" % (pad, name, tag_value))
                    self._curly(entry_schema, value[tag_value], depth + 1, out)
                    out.append(pad + "}")
            else:
                out.append("%s%s {" % (pad, name))
                self._curly(child, value, depth + 1, out)
                out.append(pad + "}")

    def leaf_set(self):
        return set((tuple(words), value) for words, value in self.leaves())


def printed_value(value, version):
    """``value`` as ``show configuration commands`` prints it (vyos1x-config
    Renderer.render_commands escapes every value): 1.2 with OCaml's String.escaped (crux
    550048b3dc49: backslash, double quote, \\n \\t \\r \\b, every other byte outside ' '..'~',
    UTF-8 included, as \\DDD); 1.3+ with Util.escape_string (equuleus 51f6402aaacf, sagitta
    84720462dc1d: the same, UTF-8 bytes kept). On 1.4/1.5 vyos-1x python/vyos/configtree.py
    to_commands then turns a doubled backslash back into one (unescape_backslash, sagitta
    c3f688653, circinus d5322412e); its regex misses some lines (a value with a single quote),
    which the lab does not model. A double quote cannot reach this point on a real router
    intact (showCfg prints it unescaped, vyatta-cfg cnode-algorithm.cpp _print_value_str): the
    lab prints it escaped, as if the parse had survived."""
    if not re.search(r'["\\\x00-\x1f\x7f]', value) and (version != "1.2" or value.isascii()):
        return value
    out = []
    for byte in value.encode("utf-8"):
        char = chr(byte)
        if char in '"\\':
            out.append("\\" + char)
        elif char in "\n\t\r\b":
            out.append("\\" + {"\n": "n", "\t": "t", "\r": "r", "\b": "b"}[char])
        elif 32 <= byte <= 126 or (byte >= 128 and version != "1.2"):
            out.append(char)
        else:
            out.append("\\%03d" % byte)
    # (bytes >= 128 kept as one latin-1 character each above: back to the UTF-8 text)
    text = "".join(out).encode("latin-1").decode("utf-8", "replace")
    if version in ("1.4", "1.5"):
        text = text.replace("\\\\", "\\")
    return text


def _curly_value(value):
    if re.fullmatch(r"[A-Za-z0-9_./:@+-]+", value):
        return value
    return '"%s"' % value.replace("\\", "\\\\").replace('"', '\\"')


class _EntrySchema:
    """The schema of one entry of a tag node: the tag's children."""

    kind = "node"

    def __init__(self, tag_schema):
        self.children = tag_schema.children


_MISSING = object()


def diff_commands(old, new):
    """``delete``/``set`` lines that turn ``old`` into ``new`` (as ``compare commands`` shows)."""
    old_set, new_set = old.leaf_set(), new.leaf_set()
    lines = []
    for words, value in old.leaves():
        if (tuple(words), value) not in new_set:
            lines.append(_line("delete", words, value))
    for words, value in new.leaves():
        if (tuple(words), value) not in old_set:
            lines.append(_line("set", words, value))
    return lines


def _line(verb, words, value):
    if value is None:
        return "%s %s" % (verb, " ".join(words))
    return "%s %s '%s'" % (verb, " ".join(words), value)


def compare_text(old, new):
    """The text of ``compare``: changed leaves grouped under their parent path."""
    old_set, new_set = old.leaf_set(), new.leaf_set()
    groups = {}
    order = []
    for sign, conf, other in (("-", old, new_set), ("+", new, old_set)):
        for words, value in conf.leaves():
            if (tuple(words), value) in other:
                continue
            parent = " ".join(words[:-1])
            if parent not in groups:
                groups[parent] = []
                order.append(parent)
            leaf = words[-1] if value is None else "%s %s" % (words[-1], _curly_value(value))
            groups[parent].append("%s %s" % (sign, leaf))
    out = []
    for parent in order:
        out.append("[%s]" % parent)
        out.extend(groups[parent])
        out.append("")
    return "\n".join(out)
