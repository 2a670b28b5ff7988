"""Readers for VyOS's configuration definitions, turning them into plain facts.

Two formats, read from bare git mirrors (``git show REF:path``):

* the Vyatta/Perl template trees of 1.2/1.3 (``node.def`` per node: ``tag:``, ``multi:``,
  ``type:``, ``syntax:expression:``);
* the vyos-1x XML interface definitions (``<node>``, ``<tagNode>``, ``<leafNode>`` with
  ``<constraint>``, ``<valueless/>``, ``<multi/>``), ``#include <include/...>`` resolved.

Each reader returns ``{path: fact}``; a path is a tuple of words where ``*`` stands for the
value of a tag node. A fact holds only what VyOS's own definition says: kind
(node/tag/leaf/flag), multi, the value constraint and where it was read. No code or help text
is kept.
"""

import re
import subprocess
import xml.etree.ElementTree as ET


def git(mirror, *args):
    return subprocess.run(["git", "-C", mirror] + list(args), check=True, capture_output=True,
                          text=True).stdout


def commit_of(mirror, ref):
    return git(mirror, "rev-parse", ref + "^{commit}").strip()


def files_under(mirror, ref, folder):
    return git(mirror, "ls-tree", "-r", "--name-only", ref, folder).splitlines()


# ---------------------------------------------------------------------------------------------
# values: an alternation of plain words in a regex is an enumeration
# ---------------------------------------------------------------------------------------------
_WORD = r"[A-Za-z0-9_.:/-]+"


def regex_words(pattern):
    """The words of a regex that is only ``(a|b|c)`` / ``a|b`` / ``word``, else None."""
    body = pattern.strip()
    if body.startswith("^"):
        body = body[1:]
    if body.endswith("$"):
        body = body[:-1]
    if body.startswith("(") and body.endswith(")") and body.count("(") == 1:
        body = body[1:-1]
    words = body.split("|")
    if all(re.fullmatch(_WORD, word) for word in words) and not re.search(r"[.]", body.replace("\\.", "")):
        return words
    return None


def numeric_ranges(argument):
    """``--range 1-65535 --range 70-80`` -> [[1, 65535], [70, 80]] (None when not a range)."""
    found = re.findall(r"--range\s+(\d+)-(\d+)", argument or "")
    return [[int(low), int(high)] for low, high in found] or None


# ---------------------------------------------------------------------------------------------
# Perl templates (node.def)
# ---------------------------------------------------------------------------------------------
def _node_def_fields(text):
    """{field: [values]} of a node.def; continuation lines (trailing backslash) are joined."""
    fields = {}
    joined = re.sub(r"\\\n", " ", text)
    current = None
    for line in joined.splitlines():
        match = re.match(r"^([a-z_]+(?::[a-z_]+)?):(.*)$", line)
        if match and match.group(1) in ("tag", "multi", "type", "syntax:expression", "allowed", "default",
                                        "help", "val_help", "comp_help", "commit:expression", "priority",
                                        "begin", "end", "create", "update", "delete", "activate",
                                        "syntax:expression"):
            current = match.group(1)
            fields.setdefault(current, []).append(match.group(2).strip())
        elif current in ("syntax:expression",) and line.startswith((" ", "\t")):
            fields[current][-1] += " " + line.strip()
    return fields


def perl_expression(expr):
    """The constraint a ``syntax:expression:`` states, as facts (None when not understood)."""
    expr = expr.split(";")[0].strip() if not expr.startswith("pattern") else expr
    match = re.match(r'^\$VAR\(@\)\s+in\s+(.*)$', expr)
    if match:
        return {"enum": re.findall(r'"([^"]*)"', match.group(1))}
    match = re.match(r'^pattern\s+\$VAR\(@\)\s+"((?:[^"\\]|\\.)*)"', expr)
    if match:
        return {"regex": [match.group(1)]}
    match = re.match(r'^exec\s+"([^"]*)"', expr)
    if match:
        words = match.group(1).split()
        name = words[0].rsplit("/", 1)[-1] if words else ""
        return {"validators": [{"name": name, "argument": " ".join(w for w in words[1:] if "$VAR" not in w)}]}
    numbers = expr.replace("(", " ").replace(")", " ")
    if re.fullmatch(r"[\s$VAR@<>=&|!0-9]+", numbers.replace("$VAR@", "$VAR@")):
        ranges = []
        for part in re.split(r"\|\|", numbers):
            low = re.search(r">=?\s*(\d+)", part)
            high = re.search(r"<=?\s*(\d+)", part)
            equal = re.search(r"==\s*(\d+)", part)
            if equal:
                ranges.append([int(equal.group(1))] * 2)
            elif low and high:
                ranges.append([int(low.group(1)) + (0 if ">=" in part else 1),
                               int(high.group(1)) - (0 if "<=" in part else 1)])
            else:
                return None
        return {"ranges": ranges}
    return None


def read_perl(mirror, ref, root, label):
    """Facts of every node.def below ``root`` (a folder such as ``templates``)."""
    paths = [p for p in files_under(mirror, ref, root) if p.endswith("/node.def")]
    dirs = {p[:-len("/node.def")] for p in paths}
    facts = {}
    for path in sorted(paths):
        folder = path[:-len("/node.def")]
        words = tuple("*" if w == "node.tag" else w for w in folder[len(root) + 1:].split("/"))
        fields = _node_def_fields(git(mirror, "show", "%s:%s" % (ref, path)))
        has_children = any(d.startswith(folder + "/") for d in dirs)
        tag = "tag" in fields
        kind = "tag" if tag else ("node" if has_children else ("leaf" if "type" in fields else "flag"))
        fact = {"kind": kind, "source": "%s:%s" % (label, path)}
        if "multi" in fields:
            fact["multi"] = True
        constraint = {}
        if "type" in fields:
            constraint["type"] = fields["type"][0].split(";")[0].strip()
        for expr in fields.get("syntax:expression", []):
            parsed = perl_expression(expr)
            if parsed is None:
                constraint["unparsed"] = constraint.get("unparsed", 0) + 1
            else:
                for key, value in parsed.items():
                    constraint.setdefault(key, []).extend(value)
        if constraint:
            fact["constraint"] = constraint
        facts[words] = fact
    return facts


# ---------------------------------------------------------------------------------------------
# vyos-1x XML
# ---------------------------------------------------------------------------------------------
def _expand_includes(mirror, ref, text, seen=()):
    def replace(match):
        target = "interface-definitions/" + match.group(1)
        if target in seen:
            raise ValueError("include loop at %s" % target)
        inner = git(mirror, "show", "%s:%s" % (ref, target))
        return _expand_includes(mirror, ref, inner, seen + (target,))

    return re.sub(r"^\s*#include <(include/[^>]+)>\s*$", replace, text, flags=re.M)


def _strip_decl(text):
    return re.sub(r"<\?xml[^>]*\?>", "", text)


def _xml_constraint(props):
    constraint = {}
    for holder in props.findall("constraint"):
        for item in holder:
            if item.tag == "regex":
                constraint.setdefault("regex", []).append((item.text or "").strip())
            elif item.tag == "validator":
                validator = {"name": item.get("name")}
                if item.get("argument"):
                    validator["argument"] = item.get("argument")
                constraint.setdefault("validators", []).append(validator)
    for validator in constraint.get("validators", []):
        if validator["name"] == "numeric":
            ranges = numeric_ranges(validator.get("argument"))
            if ranges:
                constraint.setdefault("ranges", []).extend(ranges)
    # A regex that only lists words is recorded as those words (an enumeration).
    plain = []
    for pattern in constraint.pop("regex", []):
        words = regex_words(pattern)
        if words:
            constraint.setdefault("enum", []).extend(words)
        else:
            plain.append(pattern)
    if plain:
        constraint["regex"] = plain
    return constraint


def _walk_xml(element, prefix, label, facts):
    for child in element:
        if child.tag not in ("node", "tagNode", "leafNode"):
            continue
        name = child.get("name").strip()
        path = prefix + (name,)
        props = child.find("properties")
        props = props if props is not None else ET.Element("properties")
        if child.tag == "leafNode":
            kind = "flag" if props.find("valueless") is not None else "leaf"
        else:
            kind = "tag" if child.tag == "tagNode" else "node"
        fact = facts.get(path, {"kind": kind, "source": label})
        if props.find("multi") is not None:
            fact["multi"] = True
        constraint = _xml_constraint(props)
        if constraint:
            fact["constraint"] = constraint
        facts[path] = fact
        children = child.find("children")
        if children is not None:
            _walk_xml(children, path + (("*",) if kind == "tag" else ()), label, facts)


def read_xml(mirror, ref, files, label):
    """Facts of the given interface-definition files (paths inside the repository)."""
    facts = {}
    for path in files:
        text = _expand_includes(mirror, ref, git(mirror, "show", "%s:%s" % (ref, path)))
        root = ET.fromstring(_strip_decl(text).strip())
        _walk_xml(root, (), "%s:%s" % (label, path), facts)
    return facts
