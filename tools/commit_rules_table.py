"""The table of the emulated lab's commit rules in docs/lab.md, generated from their one list
(vyos_lab/commit_rules.py RULES: the rules the lab's commit checks refuse with), between the
``generated: lab commit rules`` markers. A unit test (tests/unit/vyos_lab/test_commit_rules.py)
runs the check.

    python tools/commit_rules_table.py --check    # exit 1 and show the stale table
    python tools/commit_rules_table.py --write
"""

from __future__ import annotations

import os
import sys

TOOLS = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(TOOLS)
sys.path.insert(0, TOOLS)
sys.path.insert(0, ROOT)
import generated_files  # noqa: E402  (tools/generated_files.py)
from vyos_lab.commit_rules import RULES  # noqa: E402

TARGET = "docs/lab.md"  # the lab's page (it was README.md's section before issue 22)
LAB_DOC = os.path.join(ROOT, TARGET)
BEGIN = "<!-- generated: lab commit rules (python tools/commit_rules_table.py --write); edit vyos_lab/commit_rules.py -->"
END = "<!-- end of generated: lab commit rules -->"


def _cell(value):
    return str(value).replace("|", "\\|").replace("\n", "<br>")


def rule_table(rules=RULES):
    """One row per rule record: versions, the node VyOS names, its text, where VyOS has it."""
    rows = [BEGIN, "| rule | VyOS | node | VyOS refuses with | source |", "|---|---|---|---|---|"]
    for rule in rules:
        cells = (rule.rid, ", ".join(rule.versions), _cell(rule.path), _cell(rule.text), _cell(rule.source))
        rows.append("| `%s` | %s | `%s` | %s | %s |" % cells)
    rows.append(END)
    return "\n".join(rows)


def doc_text(rules=RULES):
    return generated_files.splice(LAB_DOC, BEGIN, END, rule_table(rules), "commit_rules_table")


def generated(rules=RULES):
    return {TARGET: doc_text(rules)}


def stale(files):
    return generated_files.stale(files, ROOT, label="(from vyos_lab/commit_rules.py)")


if __name__ == "__main__":
    sys.exit(generated_files.main(None, __doc__.splitlines()[0], "commit_rules_table", generated, ROOT,
                                  check=stale))
