"""The translation catalogues: core's (translations/, for app/ and the Flask-AppBuilder strings
its own Chinese catalogue misses) and one per built-in plugin (plugins/<name>/translations/,
for that folder's strings that core's catalogue does not already hold).

    python translations/update.py           extract, update and compile every catalogue (`make i18n`)
    python translations/update.py compile   compile the .mo files that are missing or older than
                                            their .po (the set-up step; .mo files are not committed)

A string moved between catalogues keeps its translation: new entries are filled from every
other catalogue's translation of the same msgid and context. All catalogues are merged into one
at run time (core's after Flask-AppBuilder's, each plugin's after core's; the last one wins), so
tests/core/test_i18n.py refuses one msgid translated differently in two of them: give such
words a context (pgettext("appraisal", "Round")).
"""
from __future__ import annotations

import copy
import io
import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
LANGS = ("zh", "en")
KEYWORDS = ["-k", "N_", "-k", "_l", "-k", "lazy_gettext", "-k", "pgettext:1c,2", "-k", "lazy_pgettext:1c,2",
            "-k", "_lp:1c,2", "-k", "ngettext:1,2", "-k", "lazy_ngettext:1,2"]
MAPPING = "[python: **.py]\n[jinja2: **/templates/**.html]\n"


@dataclass
class Catalogue:
    name: str  # "core" or the plugin's name
    source: str  # folder whose strings it holds
    folder: str  # the translations/ folder: messages.pot, <lang>/LC_MESSAGES/messages.po

    @property
    def pot(self) -> str:
        return os.path.join(self.folder, "messages.pot")

    def po(self, lang: str) -> str:
        return os.path.join(self.folder, lang, "LC_MESSAGES", "messages.po")


def catalogues() -> list[Catalogue]:
    """Core's first, then each built-in plugin's (a folder under plugins/ with a package)."""
    found = [Catalogue("core", os.path.join(ROOT, "app"), HERE)]
    plugins = os.path.join(ROOT, "plugins")
    for name in sorted(os.listdir(plugins)):
        folder = os.path.join(plugins, name)
        if os.path.isfile(os.path.join(folder, "__init__.py")):
            found.append(Catalogue(name, folder, os.path.join(folder, "translations")))
    return found


def pybabel(*args: str, cwd: str = ROOT) -> None:
    subprocess.run([os.path.join(os.path.dirname(sys.executable), "pybabel"), "-q", *args], check=True, cwd=cwd)


def extract(source: str) -> Catalog:
    """Every marked string of a folder (Python and Jinja templates)."""
    with tempfile.TemporaryDirectory() as tmp:
        cfg, out = os.path.join(tmp, "babel.cfg"), os.path.join(tmp, "messages.pot")
        with open(cfg, "w") as fh:
            fh.write(MAPPING)
        pybabel("extract", "-F", cfg, *KEYWORDS, "--no-location", "--sort-output", "--project", "Houqin",
                "-o", out, ".", cwd=source)
        with open(out, "rb") as fh:
            return read_po(fh)


def key(message) -> tuple:
    # Babel's .mo reader gives a context as bytes, its .po reader as text.
    context = message.context.decode("utf-8") if isinstance(message.context, bytes) else message.context
    return (context, message.id if isinstance(message.id, str) else tuple(message.id))


def fab_gaps() -> list[str]:
    """FAB msgids that FAB's own zh catalogue leaves untranslated."""
    import flask_appbuilder

    fab = os.path.dirname(flask_appbuilder.__file__)
    pot = extract(fab)
    with open(os.path.join(fab, "translations", "zh", "LC_MESSAGES", "messages.po"), "rb") as fh:
        zh = read_po(fh)
    have = {m.id for m in zh if m.id and m.string and not m.fuzzy}
    return [m.id for m in pot if m.id and m.id not in have]


def template(cat: Catalogue, core_keys: set | None) -> Catalog:
    """What the catalogue must hold: its folder's strings; core's also FAB's gaps; a plugin's
    without what core's catalogue already holds."""
    pot = extract(cat.source)
    if core_keys is None:
        for msgid in fab_gaps():
            if pot.get(msgid) is None:
                pot.add(msgid, auto_comments=["Flask-AppBuilder string missing from its own zh catalogue"])
    else:
        for message in list(pot):
            if message.id and key(message) in core_keys:
                pot.delete(message.id, context=message.context)
    return pot


def read(path: str, lang: str | None = None) -> Catalog | None:
    if not os.path.exists(path):
        return None
    with open(path, "rb") as fh:
        return read_po(fh, locale=lang)


def memory(lang: str) -> dict[tuple, object]:
    """Every translation any catalogue (or the former single catalogue) holds, by (context, msgid)."""
    known = {}
    for cat in catalogues():
        po = read(cat.po(lang), lang)
        for message in po or ():
            if message.id and message.string and not message.fuzzy:
                known.setdefault(key(message), message.string)
    return known


def _without_dates(data: bytes) -> bytes:
    return re.sub(rb'"(POT-Creation-Date|PO-Revision-Date): [^"]*"', b"", data)


def write_if_changed(path: str, catalog: Catalog, **options) -> None:
    """Write a catalogue only when more than its header dates would change: every `make i18n`
    rewriting every catalogue's date made branches built side by side conflict in all of them."""
    buffer = io.BytesIO()
    write_po(buffer, catalog, **options)
    data = buffer.getvalue()
    if os.path.exists(path):
        with open(path, "rb") as fh:
            if _without_dates(fh.read()) == _without_dates(data):
                return
    with open(path, "wb") as fh:
        fh.write(data)


def update() -> None:
    cats = catalogues()
    memories = {lang: memory(lang) for lang in LANGS}
    core_keys: set | None = None
    for cat in cats:
        pot = template(cat, core_keys)
        os.makedirs(cat.folder, exist_ok=True)
        write_if_changed(cat.pot, pot, no_location=True, sort_output=True)
        if core_keys is None:
            core_keys = {key(m) for m in pot if m.id}
        for lang in LANGS:
            old = read(cat.po(lang), lang) or Catalog(locale=lang, project="Houqin")
            # update() may adopt the template's Message objects: give each language its own copy.
            old.update(copy.deepcopy(pot), no_fuzzy_matching=True)
            old.obsolete.clear()
            for message in old:
                if message.id and not message.string and key(message) in memories[lang]:
                    message.string = memories[lang][key(message)]
            os.makedirs(os.path.dirname(cat.po(lang)), exist_ok=True)
            write_if_changed(cat.po(lang), old, no_location=True, sort_output=True, ignore_obsolete=True)
    compile_all(force=True)


def compile_all(force: bool = False) -> int:
    """Write each .mo that is missing or older than its .po; returns how many were written."""
    written = 0
    for cat in catalogues():
        for lang in LANGS:
            po, mo = cat.po(lang), cat.po(lang)[:-3] + ".mo"
            if not os.path.exists(po):
                continue
            if not force and os.path.exists(mo) and os.path.getmtime(mo) >= os.path.getmtime(po):
                continue
            catalog = read(po, lang)
            with open(mo, "wb") as fh:
                write_mo(fh, catalog, use_fuzzy=False)
            written += 1
    return written


if __name__ == "__main__":
    if sys.argv[1:] == ["compile"]:
        n = compile_all()
        if n:
            print(f"translations: compiled {n} catalogue(s)")
    else:
        update()
