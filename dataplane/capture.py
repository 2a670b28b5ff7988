"""Recording of what the checks read (``DMVPN_DATAPLANE_CAPTURE=DIR``).

Every command output a check reads on a VM is written, exactly as read, to
``DIR/<phase>-<router>-<command>.txt`` (the last read of a command wins: the one the check
judged). tests/fixtures/dataplane holds such a recording; the unit tests parse it with the
status parsers, so those parsers are tested on what real FRR and strongSwan print.
"""

import os
import re

ENV = "DMVPN_DATAPLANE_CAPTURE"


def file_name(phase, router, command):
    """``static-HUB-show-ip-nhrp-cache.txt`` for (static, HUB, ``show ip nhrp cache``)."""
    slug = re.sub(r"[^a-z0-9]+", "-", command.lower()).strip("-")
    return "%s-%s-%s.txt" % (phase, router, slug)


class Capture:
    def __init__(self, folder=None):
        self.folder = folder if folder is not None else os.environ.get(ENV) or None
        if self.folder:
            os.makedirs(self.folder, exist_ok=True)

    @property
    def on(self):
        return bool(self.folder)

    def save(self, phase, router, command, text):
        if self.folder:
            with open(os.path.join(self.folder, file_name(phase, router, command)), "w") as fh:
                fh.write(text)
        return text
