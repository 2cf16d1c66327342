"""Search keys for Chinese names, so a drop-down is found by typing pinyin: "zl" or "zhangli"
finds 张丽. pypinyin ships its dictionary in the package (no download, works offline). Both
readings of a surname that has two (曾 zeng/ceng, 单 shan/dan) are keys."""
from __future__ import annotations

from functools import lru_cache

from pypinyin import Style, lazy_pinyin, pinyin


@lru_cache(maxsize=8192)
def search_keys(text: str) -> str:
    """"zhangli zl" for 张丽 (lower case, space separated; "" when the text has no Chinese)."""
    if not text or not any("\u3400" <= ch <= "\u9fff" for ch in text):
        return ""
    han = "".join(ch for ch in text if "\u3400" <= ch <= "\u9fff")
    rest = lazy_pinyin(han[1:])
    keys = []
    for first in pinyin(han[0], style=Style.NORMAL, heteronym=True)[0]:
        syllables = [first, *rest]
        full, initials = "".join(syllables), "".join(s[0] for s in syllables if s)
        keys += [k for k in (full, initials) if k not in keys]
    return " ".join(keys).lower()
