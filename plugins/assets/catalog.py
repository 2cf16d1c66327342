"""The asset classes: GB/T 14885-2022 codes, the reviewed class table shipped with the plugin
(categories.csv and its companions), and the rules an imported code and name pass.

Pure: reads files and checks values, no Flask, no database. The files are loaded once and
validated as a whole (unique codes, parents present, lives and depreciable flags consistent);
a broken file is a CatalogueError listing every problem with its line. The plugin later stores
these rows and the office's own classes below them; `Catalogue(...)` validates that set too.
"""
from __future__ import annotations

import csv
import io
import os
import re
from dataclasses import dataclass
from typing import Iterable, Optional

from app.rules import N_, RuleError, ascii_upper, folded, squeeze

FOLDER = os.path.dirname(os.path.abspath(__file__))

ERR_CODE_FORMAT = N_("A class code is one capital letter and 8 digits (GB/T 14885-2022), e.g. A02010105")
ERR_CODE_LEVELS = N_("%(code)s is not a GB/T 14885 code: below a level of 00 every level is 00")
ERR_CODE_UNKNOWN = N_("No class has the code %(code)s")
ERR_CODE_NAME_MISMATCH = N_("Class %(code)s is “%(expected)s”, but the row says “%(given)s”")
ERR_CODE_GROUP = N_("%(code)s %(name)s is a group of classes: choose a class below it")
ERR_CODE_2010_UNMAPPED = N_("The 2010 code %(code)s has no 2022 code in the table: enter the GB/T 14885-2022 code")
ERR_CODE_2010_HINT = N_("The 2010 code %(code)s has no 2022 code in the table; its group %(group)s is %(suggestion)s %(name)s in 2022: enter the 2022 code")
ERR_STRUCTURE_REQUIRED = N_("Choose the building's structure: the minimum life depends on it")
ERR_STRUCTURE_UNKNOWN = N_("Unknown building structure: %(structure)s")

CODE_2022 = re.compile(r"[A-Z][0-9]{8}")
CODE_2010 = re.compile(r"[0-9]{7}")
# 准则第3号: 文物和陈列品, 图书档案 and 动植物 are never depreciated, whatever a row says.
NON_DEPRECIABLE_SECTIONS = ("A03", "A04", "A06")
CODE_SOURCES = ("DOMAIN", "public-list", "inferred", "unverified", "toc", "office")
# Punctuation that public tables write differently for one name (教学、实验椅凳 / 教学实验椅凳).
_NAME_NOISE = re.compile(r"[\s、，,.。·・()（）\[\]【】「」\"'“”‘’/\\\-—_:：;；]")


# --- Codes ---------------------------------------------------------------------------------------

def check_code(raw: object, field: str = "category") -> str:
    """A GB/T 14885-2022 code in its canonical form: one capital letter and 8 digits in four
    levels (A02 | 01 | 01 | 05); a lower level is 00 when the class stops above it."""
    code = ascii_upper(squeeze(raw, extra="-"))
    if not CODE_2022.fullmatch(code):
        raise RuleError(ERR_CODE_FORMAT, field=field)
    pairs = [code[1:3], code[3:5], code[5:7], code[7:9]]
    if pairs[0] == "00" or any(a == "00" and b != "00" for a, b in zip(pairs, pairs[1:])):
        raise RuleError(ERR_CODE_LEVELS, field=field, code=code)
    return code


def code_level(code: str) -> int:
    """1 (门类 A02000000) to 4 (小类 A02010105)."""
    return 1 + sum(1 for pair in (code[3:5], code[5:7], code[7:9]) if pair != "00")


def parent_code(code: str) -> Optional[str]:
    level = code_level(code)
    if level == 1:
        return None
    keep = 1 + 2 * level  # the letter and the pairs above this level
    return code[:keep - 2].ljust(9, "0")


def parent_code_2010(code: str) -> Optional[str]:
    """2010 codes: 门类 (1 digit), 大类, 中类, 小类 (2 digits each); 2010104 -> 2010100 -> 2010000."""
    for keep in (5, 3, 1):
        if code[keep:] != "0" * (7 - keep):
            return code[:keep].ljust(7, "0")
    return None


def name_key(name: object) -> str:
    """A name as compared across tables: full-width folded, punctuation and case ignored."""
    return _NAME_NOISE.sub("", folded(name)).lower()


# --- The rows ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Category:
    code: str
    name_zh: str
    name_en: str
    financial_class: str  # a key of financial_classes.csv; "" only for a group mixing classes
    depreciable: bool
    min_life_years: Optional[int] = None
    life_by_structure: bool = False  # a building: the minimum comes from its structure
    life_source: str = ""
    aliases: tuple[str, ...] = ()
    code_source: str = "office"
    note: str = ""

    @property
    def level(self) -> int:
        return code_level(self.code)

    @property
    def parent(self) -> Optional[str]:
        return parent_code(self.code)

    @property
    def assignable(self) -> bool:
        """Cards go here: a class with a life (or none to have), not a group like 设备."""
        return bool(self.financial_class) and (
            not self.depreciable or bool(self.min_life_years) or self.life_by_structure)

    @property
    def special(self) -> bool:
        """专用设备: the 1500-yuan capitalisation threshold applies."""
        return self.financial_class == "special_equipment"

    def names(self) -> set[str]:
        return {name_key(n) for n in (self.name_zh, self.name_en, *self.aliases) if n}


@dataclass(frozen=True)
class FinancialClass:
    key: str
    name_zh: str
    name_en: str
    depreciable: str  # yes, no, or mixed (家具、用具、装具及动植物)
    source: str = ""


@dataclass(frozen=True)
class Structure:
    key: str
    name_zh: str
    name_en: str
    min_life_years: int
    life_source: str = ""


@dataclass(frozen=True)
class Mapping2010:
    code_2010: str
    name_2010: str
    code_2022: str
    code_source: str = ""
    note: str = ""


class CatalogueError(ValueError):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


# --- Reading the files -----------------------------------------------------------------------------

def _rows(text: str, name: str, problems: list[str]) -> Iterable[tuple[str, dict]]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))  # Excel saves a BOM
    for row in reader:
        where = f"{name} line {reader.line_num}"
        if None in row or any(v is None for v in row.values()):
            problems.append(f"{where}: wrong number of columns")
            continue
        yield where, {k: (v or "").strip() for k, v in row.items()}


def _flag(value: str, where: str, column: str, problems: list[str]) -> bool:
    if value not in ("yes", "no"):
        problems.append(f"{where}: {column} is yes or no, not {value!r}")
    return value == "yes"


def _years(value: str, where: str, problems: list[str]) -> Optional[int]:
    if not value:
        return None
    if not re.fullmatch(r"[0-9]+", value):
        problems.append(f"{where}: min_life_years is a whole number of years >= 0, not {value!r}")
        return None
    return int(value)


def parse_categories(text: str, problems: list[str], name: str = "categories.csv") -> list[tuple[str, Category]]:
    out = []
    for where, r in _rows(text, name, problems):
        try:
            code = check_code(r["code"])
        except RuleError:
            problems.append(f"{where}: {r['code']!r} is not a GB/T 14885-2022 code")
            continue
        out.append((where, Category(
            code=code, name_zh=r["name_zh"], name_en=r["name_en"], financial_class=r["financial_class"],
            depreciable=_flag(r["depreciable"], where, "depreciable", problems),
            min_life_years=_years(r["min_life_years"], where, problems),
            life_by_structure=_flag(r["life_by_structure"], where, "life_by_structure", problems),
            life_source=r["life_source"], aliases=tuple(a.strip() for a in r["aliases"].split("|") if a.strip()),
            code_source=r["code_source"], note=r["note"])))
    return out


def _read(folder: str, name: str) -> str:
    with open(os.path.join(folder, name), encoding="utf-8") as fh:
        return fh.read()


def load(folder: str = FOLDER) -> "Catalogue":
    """The shipped class table, validated (CatalogueError on any problem)."""
    problems: list[str] = []
    categories = parse_categories(_read(folder, "categories.csv"), problems)
    classes = [FinancialClass(r["key"], r["name_zh"], r["name_en"], r["depreciable"], r["source"])
               for _, r in _rows(_read(folder, "financial_classes.csv"), "financial_classes.csv", problems)]
    structures = []
    for where, r in _rows(_read(folder, "building_structures.csv"), "building_structures.csv", problems):
        years = _years(r["min_life_years"], where, problems)
        structures.append(Structure(r["key"], r["name_zh"], r["name_en"], years or 0, r["life_source"]))
    mappings = [(where, Mapping2010(r["code_2010"], r["name_2010"], r["code_2022"], r["code_source"], r["note"]))
                for where, r in _rows(_read(folder, "code_map_2010.csv"), "code_map_2010.csv", problems)]
    return Catalogue(categories, classes, structures, mappings, problems)


# --- The table as a whole ----------------------------------------------------------------------------

class Catalogue:
    """The classes by code, the financial classes they reconcile to, the building structures
    and the 2010-edition codes mapped to 2022. Built from (where, row) pairs so a problem names
    its line; plain rows are accepted too (the office's own classes from the database)."""

    def __init__(self, categories, financial_classes, structures, map_2010, problems=None) -> None:
        problems = list(problems or [])
        self.financial_classes = {c.key: c for c in financial_classes}
        self.structures = {s.key: s for s in structures}
        self.categories: dict[str, Category] = {}
        self.map_2010: dict[str, Mapping2010] = {}
        self._by_name: dict[str, Category] = {}
        rows = [r if isinstance(r, tuple) else (r.code, r) for r in categories]
        for where, c in rows:
            if c.code in self.categories:
                problems.append(f"{where}: code {c.code} appears twice")
            self.categories[c.code] = c
        for where, c in rows:
            problems.extend(f"{where}: {p}" for p in self._row_problems(c))
            for key in c.names():
                other = self._by_name.setdefault(key, c)
                if other.code != c.code:
                    problems.append(f"{where}: the name {key!r} is also {other.code}'s")
        for s in structures:
            if s.min_life_years < 1:
                problems.append(f"structure {s.key}: a minimum life of at least one year")
        for where, m in (r if isinstance(r, tuple) else (r.code_2010, r) for r in map_2010):
            target = self.categories.get(m.code_2022)
            if not CODE_2010.fullmatch(m.code_2010):
                problems.append(f"{where}: {m.code_2010!r} is not a 7-digit 2010 code")
            elif m.code_2010 in self.map_2010:
                problems.append(f"{where}: 2010 code {m.code_2010} appears twice")
            if not m.name_2010:
                problems.append(f"{where}: the 2010 name is missing")
            if target is None or not target.assignable:
                problems.append(f"{where}: {m.code_2022} is not a class cards can go to")
            self.map_2010[m.code_2010] = m
        if problems:
            raise CatalogueError(problems)

    def _row_problems(self, c: Category) -> Iterable[str]:
        fin = self.financial_classes.get(c.financial_class)
        parent = self.categories.get(c.parent) if c.parent else None
        has_children = any(o.parent == c.code for o in self.categories.values())
        if not c.name_zh or not c.name_en:
            yield "both names are needed (name_zh, name_en)"
        if c.parent and parent is None:
            yield f"its parent {c.parent} is not in the table"
        if c.financial_class and fin is None:
            yield f"unknown financial class {c.financial_class!r}"
        if not c.financial_class and not has_children:
            yield "only a group with classes below it may leave financial_class empty"
        if parent and parent.financial_class and c.financial_class != parent.financial_class:
            yield f"financial class {c.financial_class!r} differs from its parent's {parent.financial_class!r}"
        must_not = c.code[:3] in NON_DEPRECIABLE_SECTIONS or (fin is not None and fin.depreciable == "no")
        if c.depreciable and (must_not or (parent is not None and not parent.depreciable)):
            yield "this class is not depreciated (准则第3号): depreciable must be no"
        if not c.depreciable and (c.min_life_years or c.life_by_structure):
            yield "a class that is not depreciated has no minimum life"
        if c.depreciable and c.min_life_years == 0:
            yield "a depreciated class has a minimum life of at least one year"
        if c.life_by_structure and (c.min_life_years or c.financial_class != "buildings"):
            yield "only a building class takes its life from the structure, with min_life_years empty"
        if c.depreciable and (c.min_life_years or c.life_by_structure) and not c.life_source:
            yield "say where the minimum life comes from (life_source)"
        if c.depreciable and not c.assignable and not has_children:
            yield "a depreciated class needs a minimum life (or classes below it)"
        if c.code_source not in CODE_SOURCES:
            yield f"code_source is one of {', '.join(CODE_SOURCES)}"

    # --- Look-ups ---

    def get(self, code: str) -> Optional[Category]:
        return self.categories.get(code)

    def children(self, code: str) -> list[Category]:
        return sorted((c for c in self.categories.values() if c.parent == code), key=lambda c: c.code)

    def named(self, name: str) -> Optional[Category]:
        return self._by_name.get(name_key(name))

    def resolve(self, raw_code: object, name: object = None, field: str = "category") -> Category:
        """The class of an imported row: a 2022 code, or a 2010-edition one through the map;
        with a name, the name must be the code's (in either language, or a name other public
        tables use for it). A mismatch is an error showing both: the tables disagree on names,
        and a ledger coded with the 2013 procurement catalogue (A02010104 台式计算机) would
        otherwise file desktops as servers."""
        text = ascii_upper(squeeze(raw_code, extra="-"))
        given = squeeze(name)
        if CODE_2010.fullmatch(text):
            mapping = self.map_2010.get(text)
            if mapping is None:
                raise self._unmapped(text, field)
            category = self.categories[mapping.code_2022]
            if given and name_key(given) not in category.names() | {name_key(mapping.name_2010)}:
                raise RuleError(ERR_CODE_NAME_MISMATCH, field=field, code=text, expected=mapping.name_2010,
                                given=given)
            return category
        code = check_code(text, field)
        category = self.categories.get(code)
        if category is None:
            raise RuleError(ERR_CODE_UNKNOWN, field=field, code=code)
        if given and name_key(given) not in category.names():
            raise RuleError(ERR_CODE_NAME_MISMATCH, field=field, code=code, expected=category.name_zh, given=given)
        if not category.assignable:
            raise RuleError(ERR_CODE_GROUP, field=field, code=code, name=category.name_zh)
        return category

    def _unmapped(self, code: str, field: str) -> RuleError:
        group = parent_code_2010(code)
        while group and group not in self.map_2010:
            group = parent_code_2010(group)
        if group is None:
            return RuleError(ERR_CODE_2010_UNMAPPED, field=field, code=code)
        target = self.categories[self.map_2010[group].code_2022]
        return RuleError(ERR_CODE_2010_HINT, field=field, code=code, group=group, suggestion=target.code,
                         name=target.name_zh)

    def minimum_life_years(self, code: str, structure: Optional[str] = None) -> Optional[int]:
        """The 应用指南 minimum for a card of this class; None for a class that is not
        depreciated. A building's depends on its structure (钢筋混凝土 50, 砖混 30, 简易房 8)."""
        category = self.categories[code]
        if not category.depreciable:
            return None
        if not category.life_by_structure:
            return category.min_life_years
        if not structure:
            raise RuleError(ERR_STRUCTURE_REQUIRED, field="structure")
        if structure not in self.structures:
            raise RuleError(ERR_STRUCTURE_UNKNOWN, field="structure", structure=structure)
        return self.structures[structure].min_life_years
