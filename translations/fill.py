"""Fill empty entries of a catalogue from a TSV (msgid<TAB>msgstr, or context<TAB>msgid<TAB>msgstr)
and recompile: `python translations/fill.py zh some.tsv [--catalogue visitors]`. Existing
translations are kept. Catalogues: "core" (default) or a built-in plugin's name."""
from __future__ import annotations

import argparse
import os
import sys

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from update import catalogues  # noqa: E402


def main(argv=None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("lang")
    parser.add_argument("tsv", nargs="+")
    parser.add_argument("--catalogue", default="core")
    args = parser.parse_args(argv)
    table = {}
    for tsv in args.tsv:
        with open(tsv, encoding="utf-8") as fh:
            for line in fh:
                line = line.rstrip("\n")
                if "\t" in line and not line.startswith("#"):
                    parts = line.split("\t")
                    context, msgid, msgstr = (parts if len(parts) == 3 else [None, *parts])
                    table[(context or None, msgid)] = msgstr
    cat = next(c for c in catalogues() if c.name == args.catalogue)
    path = cat.po(args.lang)
    with open(path, "rb") as fh:
        catalog = read_po(fh, locale=args.lang)
    filled = 0
    for message in catalog:
        k = (message.context, message.id)
        if message.id and (not message.string or message.fuzzy) and k in table:
            message.string = table[k]
            message.flags.discard("fuzzy")
            filled += 1
    with open(path, "wb") as fh:
        write_po(fh, catalog, no_location=True, sort_output=True)
    with open(path[:-3] + ".mo", "wb") as fh:
        write_mo(fh, catalog)
    missing = [m.id for m in catalog if m.id and not m.string]
    print(f"{args.catalogue} {args.lang}: filled {filled}, still empty {len(missing)}")
    for m in missing:
        print("  ", repr(m))


if __name__ == "__main__":
    main()
