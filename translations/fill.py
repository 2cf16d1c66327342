"""Fill empty zh entries from a TSV (msgid<TAB>msgstr) and recompile:
`python translations/fill.py zh some.tsv`. Existing translations are kept."""
from __future__ import annotations

import os
import sys

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

HERE = os.path.dirname(os.path.abspath(__file__))


def main(lang: str, *tsvs: str) -> None:
    table = {}
    for tsv in tsvs:
        with open(tsv, encoding="utf-8") as fh:
            for line in fh:
                line = line.rstrip("\n")
                if "\t" in line and not line.startswith("#"):
                    msgid, msgstr = line.split("\t", 1)
                    table[msgid] = msgstr
    path = os.path.join(HERE, lang, "LC_MESSAGES", "messages.po")
    with open(path, "rb") as fh:
        catalog = read_po(fh, locale=lang)
    filled = 0
    for message in catalog:
        if message.id and (not message.string or message.fuzzy) and message.id in table:
            message.string = table[message.id]
            message.flags.discard("fuzzy")
            filled += 1
    with open(path, "wb") as fh:
        write_po(fh, catalog, no_location=True, sort_output=True)
    with open(path[:-3] + ".mo", "wb") as fh:
        write_mo(fh, catalog)
    missing = [m.id for m in catalog if m.id and not m.string]
    print(f"{lang}: filled {filled}, still empty {len(missing)}")
    for m in missing:
        print("  ", repr(m))


if __name__ == "__main__":
    main(sys.argv[1], *sys.argv[2:])
