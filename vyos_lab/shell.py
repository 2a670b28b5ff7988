"""Shell lexing of a VyOS command line: expansion, word splitting, ``;``/``&&`` and ``|``.

VyOS's CLI is bash, so a line reaches the router the way bash would cut it. This module only
lexes text: the CLI (cli.py), the router's boot config (router.py) and the lab's control API
(lab.py) all read ``set ...`` lines with it, which is why it imports neither of them.
"""

import re
import shlex

from .config import CliError

_EXPANSION_RE = re.compile(r"\$\([^)]*\)?|`[^`]*`?|\$\{[^}]*\}?|\$[A-Za-z_][A-Za-z0-9_]*")


def expand(line):
    """What bash does to ``$(...)``, backticks, ``${...}`` and ``$NAME`` outside single quotes:
    the lab runs no command and has no variables, so each expands to nothing. A client that
    quotes a value wrongly then finds the router storing something else, as on VyOS."""
    out, quote, i = [], None, 0
    while i < len(line):
        ch = line[i]
        if quote == "'":
            out.append(ch)
            if ch == "'":
                quote = None
        elif ch == "\\" and i + 1 < len(line):
            # inside double quotes bash drops the backslash of \$ and \`; elsewhere shlex does
            out.append(line[i + 1] if quote == '"' and line[i + 1] in "$`" else line[i:i + 2])
            i += 1
        elif ch in "$`":
            match = _EXPANSION_RE.match(line, i)
            if match:
                i = match.end()
                continue
            out.append(ch)
        else:
            if ch == "'" and quote is None:
                quote = "'"
            elif ch == '"':
                quote = None if quote == '"' else '"'
            out.append(ch)
        i += 1
    return "".join(out)


def split_words(line):
    """Split a command line the way VyOS's (bash based) CLI does."""
    line = expand(line)
    try:
        lexer = shlex.shlex(line, posix=True)
        lexer.whitespace_split = True
        lexer.commenters = ""
        lexer.escapedquotes = '"'
        return list(lexer)
    except ValueError as exc:
        raise CliError("\n  Invalid command: %s\n" % exc)


def split_commands(line):
    """Split at unquoted ``;`` and ``&&``: VyOS's CLI is a shell and runs each part."""
    parts, current, quote, i = [], [], None, 0
    while i < len(line):
        ch = line[i]
        if quote:
            current.append(ch)
            if ch == quote:
                quote = None
        elif ch == "\\" and i + 1 < len(line):
            current.append(line[i:i + 2])
            i += 1
        elif ch in "'\"":
            quote = ch
            current.append(ch)
        elif ch == ";" or line.startswith("&&", i):
            parts.append("".join(current))
            current = []
            if ch == "&":
                i += 1
        else:
            current.append(ch)
        i += 1
    parts.append("".join(current))
    return [p.strip() for p in parts if p.strip()] or [""]


def split_pipes(line):
    """Split ``cmd | filter | filter`` outside quotes."""
    parts, current, quote = [], [], None
    for ch in line:
        if quote:
            current.append(ch)
            if ch == quote:
                quote = None
        elif ch in "'\"":
            quote = ch
            current.append(ch)
        elif ch == "|":
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return [p.strip() for p in parts]
