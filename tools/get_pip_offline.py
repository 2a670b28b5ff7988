"""Stand-in for the pip bootstrap script that ansible-test downloads for its sanity venvs.

ansible-test creates each sanity-test virtualenv without pip and then runs a cached
``get-pip.py`` to put pip (and the packages it names) into it. Our machines cannot download
that script, so ``./dev sanity`` places this file in its cache instead: it installs pip with
the interpreter's own ``ensurepip`` and then runs ``pip install`` with the same arguments.
"""

import subprocess
import sys

GET_PIP_ONLY_FLAGS = ("--no-setuptools", "--no-wheel")


def main():
    args = [arg for arg in sys.argv[1:] if arg not in GET_PIP_ONLY_FLAGS]
    subprocess.check_call([sys.executable, "-m", "ensurepip", "--default-pip"], stdout=subprocess.DEVNULL)
    subprocess.check_call([sys.executable, "-m", "pip", "install", "--quiet"] + args)


if __name__ == "__main__":
    main()
