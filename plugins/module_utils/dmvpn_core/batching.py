# -*- coding: utf-8 -*-
# Copyright: dmvpn.vyos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Batching: configuration lines cut into the batches typed ahead in one write to the router.

Pure Python, no Ansible imports. ``network/runner.py`` sends each batch and counts the
answers.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

# Lines typed ahead in one write: VyOS's shell reads them one after another and answers each
# with one "[edit]" prompt. Bounded so a write stays well inside a terminal's input buffer.
BATCH_MAX_LINES = 50
BATCH_MAX_BYTES = 4000


def batch_lines(lines, max_lines=BATCH_MAX_LINES, max_bytes=BATCH_MAX_BYTES):
    """Split configuration lines into batches of at most ``max_lines`` lines and ``max_bytes``
    bytes (a longer single line forms a batch of its own), in order."""
    batches, current, size = [], [], 0
    for line in lines:
        length = len(line.encode("utf-8")) + 1
        if current and (len(current) >= max_lines or size + length > max_bytes):
            batches.append(current)
            current, size = [], 0
        current.append(line)
        size += length
    if current:
        batches.append(current)
    return batches
