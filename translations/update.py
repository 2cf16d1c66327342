"""`make i18n`: extract our strings (core and built-in plugins) plus the
Flask-AppBuilder strings its own Chinese catalogue misses, then update and
compile the zh and en catalogues. Our catalogue is merged after FAB's and wins."""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile

from babel.messages.pofile import read_po, write_po

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
POT = os.path.join(HERE, "messages.pot")
KEYWORDS = ["-k", "N_", "-k", "_l", "-k", "lazy_gettext"]


def pybabel(*args: str) -> None:
    subprocess.run([os.path.join(os.path.dirname(sys.executable), "pybabel"), "-q", *args], check=True, cwd=ROOT)


def fab_gaps() -> list[str]:
    """FAB msgids that FAB's own zh catalogue leaves untranslated."""
    import flask_appbuilder

    fab = os.path.dirname(flask_appbuilder.__file__)
    with tempfile.TemporaryDirectory() as tmp:
        cfg = os.path.join(tmp, "fab.cfg")
        with open(cfg, "w") as fh:
            fh.write("[python: **.py]\n[jinja2: **/templates/**.html]\n")
        out = os.path.join(tmp, "fab.pot")
        pybabel("extract", "-F", cfg, "-k", "lazy_gettext", "-k", "_l", "-o", out, fab)
        with open(out, "rb") as fh:
            pot = read_po(fh)
    with open(os.path.join(fab, "translations", "zh", "LC_MESSAGES", "messages.po"), "rb") as fh:
        zh = read_po(fh)
    have = {m.id for m in zh if m.id and m.string and not m.fuzzy}
    return [m.id for m in pot if m.id and m.id not in have]


def main() -> None:
    pybabel("extract", "-F", "babel.cfg", *KEYWORDS, "--no-location", "--sort-output",
            "--project", "Houqin", "-o", POT, ".")
    with open(POT, "rb") as fh:
        pot = read_po(fh)
    for msgid in fab_gaps():
        if msgid not in pot:
            pot.add(msgid, auto_comments=["Flask-AppBuilder string missing from its own zh catalogue"])
    with open(POT, "wb") as fh:
        write_po(fh, pot, no_location=True, sort_output=True)
    for lang in ("zh", "en"):
        po = os.path.join(HERE, lang, "LC_MESSAGES", "messages.po")
        if os.path.exists(po):
            pybabel("update", "-i", POT, "-d", HERE, "-l", lang, "--no-fuzzy-matching", "--ignore-obsolete")
        else:
            pybabel("init", "-i", POT, "-d", HERE, "-l", lang)
    pybabel("compile", "-d", HERE, "--statistics")


if __name__ == "__main__":
    main()
