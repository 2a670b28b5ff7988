# -*- coding: utf-8 -*-
# Copyright: dmvpn.vyos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Version names: the VyOS versions the collection supports, and reading any way of naming
one (``1.4.0``, ``1.5-rolling-...``, ``sagitta``, ``show version`` output) into its family.

Pure Python, no Ansible imports. What differs *between* the versions is not here: that is
:mod:`versions` (``syntax_for``), which reads its argument with :func:`normalize_version`.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

SUPPORTED_VERSIONS = ("1.2", "1.3", "1.4", "1.5")

# VyOS release trains (the ``Release train`` line of ``show version``) per version family.
RELEASE_TRAINS = {
    "crux": "1.2",
    "equuleus": "1.3",
    "sagitta": "1.4",
    "circinus": "1.5",
}

_VERSION_RE = re.compile(r"^(?:vyos\s*)?v?(\d+)\.(\d+)(?:[.\-+~_ ].*)?\Z", re.IGNORECASE)
# Date-stamped rolling builds (``2025.01.07-0021-rolling``) are the 1.5 family.
_DATED_ROLLING_RE = re.compile(r"^\d{4}\.\d{2}\.\d{2}-\d+-rolling\Z")
_SHOW_VERSION_RE = re.compile(r"^\s*Version:\s+VyOS\s+(\S+)", re.MULTILINE)
_SHOW_TRAIN_RE = re.compile(r"^\s*Release train:\s+(\S+)", re.MULTILINE)


def _unsupported(value, why):
    return ValueError(
        "unsupported VyOS version %r (%s); supported versions are %s"
        % (value, why, ", ".join(SUPPORTED_VERSIONS))
    )


def normalize_version(value):
    """``"1.4"``, ``"1.4.0"``, ``"1.5-rolling-2024..."``, ``1.4`` (float) → ``"1.4"``.

    Raises ValueError naming the supported versions for anything else.
    """
    if isinstance(value, bool) or value is None:
        raise _unsupported(value, "not a version number")
    if isinstance(value, float):
        text = "%.1f" % value
        if float(text) != value:
            raise _unsupported(value, "not a major.minor version")
    elif isinstance(value, int):
        raise _unsupported(value, "give major.minor, e.g. '1.4'")
    elif isinstance(value, str):
        text = value.strip()
    else:
        raise _unsupported(value, "not a version string")
    if text.lower() in RELEASE_TRAINS:
        return RELEASE_TRAINS[text.lower()]
    if _DATED_ROLLING_RE.match(text):
        return "1.5"
    match = _VERSION_RE.match(text)
    if not match:
        raise _unsupported(value, "cannot read a major.minor version from it")
    family = "%d.%d" % (int(match.group(1)), int(match.group(2)))
    if family not in SUPPORTED_VERSIONS:
        raise _unsupported(value, "VyOS %s is not supported" % family)
    return family


def version_from_show_version(text):
    """The version family (``"1.4"``) from the output of ``show version``.

    Reads ``Version:          VyOS 1.4.0``; when that line carries no major.minor number
    (date-stamped rolling builds) the ``Release train`` line decides. Raises ValueError with
    a clear message for unsupported or unreadable output.
    """
    if not isinstance(text, str):
        raise ValueError("show version output must be text, got %s" % type(text).__name__)
    match = _SHOW_VERSION_RE.search(text)
    if not match:
        raise ValueError(
            "cannot find a 'Version: VyOS <version>' line in the output of 'show version'; "
            "is this a VyOS router? Supported versions are %s" % ", ".join(SUPPORTED_VERSIONS)
        )
    raw = match.group(1)
    try:
        return normalize_version(raw)
    except ValueError:
        train = _SHOW_TRAIN_RE.search(text)
        if train and train.group(1).lower() in RELEASE_TRAINS and not _VERSION_RE.match(raw):
            return RELEASE_TRAINS[train.group(1).lower()]
        raise


def candidate_versions(value):
    """The versions a router configured with ``value`` may run: every supported one for
    ``auto`` (or None), else the one :func:`normalize_version` reads (ValueError otherwise)."""
    if value is None or value == "auto":
        return SUPPORTED_VERSIONS
    return (normalize_version(value),)


def same_version(first, second):
    """True when two version values name the same VyOS family (``"1.4.0"`` and ``1.4``)."""
    return normalize_version(first) == normalize_version(second)
