"""Rubrics as plain data: a template to and from a dict (the JSON files in rubrics/, and later the
Excel sheet through the core importer), and the templates shipped with the plugin. Stdlib only.

The file format (one template per file, numbers exact: read with Decimal, written as numbers):
    {"format": 1, "code", "name": {"zh", "en"}, "source": {"zh", "en"}, "sample": bool,
     "period": "annual" | "term" | "monthly" | "special", "full_points",
     "scorer_groups": [{"code", "name"}], "grades": [{"code", "name", "minimum"}, ...],
     "quota": {"grade", "percent"} | null, "vetoes": [{"code", "name"}], "notes": [{"zh", "en"}],
     "sections": [group, ...]}
    group: {"code", "name", "points", "children": [group | item, ...]}
    item:  {"code", "name", "kind", "points", "minimum", "scorer", "may_not_apply", "guidance",
            "occurrences": [{"code", "name", "unit", "amount"}],
            "exemptions": [{"code", "name", "unit", "limit", "beyond"}], "forfeits": [{"code", "name"}]}"""
from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any, Mapping, Optional

from app.rules import N_, RuleError

from .rubric import (
    COMMITTEE, Band, Exemption, Finding, Group, Item, Name, Node, Occurrence, Rubric, check_rubric,
)
from .rules import ZERO, to_points

FORMAT = 1
SHIPPED = Path(__file__).parent / "rubrics"

ERR_KEY_MISSING = N_("The template lacks %(key)s")
ERR_FORMAT = N_("This is not an appraisal template this version can read")
ERR_NOT_JSON = N_("The template file is not valid JSON")
ERR_SHAPE = N_("%(key)s has the wrong shape")
ERR_UNKNOWN_KEY = N_("%(key)s is not something a template has (a misspelt name?)")

# The keys each object may have: a misspelt "minumum" must not silently become a minimum of 0.
TEMPLATE_KEYS = {"format", "code", "name", "source", "sample", "period", "full_points", "notes", "scorer_groups",
                 "grades", "quota", "vetoes", "sections"}
GROUP_KEYS = {"code", "name", "points", "children"}
ITEM_KEYS = {"code", "name", "kind", "points", "minimum", "scorer", "may_not_apply", "guidance", "occurrences",
             "exemptions", "forfeits"}
OCCURRENCE_KEYS = {"code", "name", "unit", "amount"}
EXEMPTION_KEYS = {"code", "name", "unit", "limit", "beyond"}
FINDING_KEYS = {"code", "name"}
GRADE_KEYS = {"code", "name", "minimum"}
QUOTA_KEYS = {"grade", "percent"}
NAME_KEYS = {"zh", "en"}


def _only(data: Any, allowed: set[str], at: str) -> None:
    if not isinstance(data, Mapping):
        raise RuleError(ERR_SHAPE, field=at, key=at)
    for key in data:
        if key not in allowed:
            where = f"{at}.{key}" if at else str(key)
            raise RuleError(ERR_UNKNOWN_KEY, field=where, key=where)


def _get(data: Mapping[str, Any], key: str, at: str = "") -> Any:
    if not isinstance(data, Mapping):
        raise RuleError(ERR_SHAPE, field=at or key, key=at or key)
    if data.get(key) is None:
        where = f"{at}.{key}" if at else key
        raise RuleError(ERR_KEY_MISSING, field=where, key=where)
    return data[key]


def _name(data: Any, at: str) -> Name:
    _only(data, NAME_KEYS, at)
    return Name(str(data.get("zh") or "").strip(), str(data.get("en") or "").strip())


def _optional_name(data: Any, at: str) -> Optional[Name]:
    return None if data is None else _name(data, at)


def _list(data: Mapping[str, Any], key: str, at: str = "") -> list:
    value = data.get(key) or []
    if not isinstance(value, list):
        where = f"{at}.{key}" if at else key
        raise RuleError(ERR_SHAPE, field=where, key=where)
    return value


def _finding(data: Any, at: str) -> Finding:
    _only(data, FINDING_KEYS, at)
    return Finding(str(_get(data, "code", at)), _name(data.get("name"), f"{at}.name"))


def _findings(data: Mapping[str, Any], key: str, at: str = "") -> tuple[Finding, ...]:
    return tuple(_finding(f, f"{at}.{key}" if at else key) for f in _list(data, key, at))


def _number(raw: Any, at: str, default: Optional[Decimal] = None) -> Optional[Decimal]:
    return default if raw is None else to_points(raw, field=at)


def _node(data: Mapping[str, Any]) -> Node:
    code = str(_get(data, "code"))
    name = _name(data.get("name"), f"{code}.name")
    _only(data, GROUP_KEYS if "children" in data else ITEM_KEYS, code)
    for entry in _list(data, "occurrences", code):
        _only(entry, OCCURRENCE_KEYS, f"{code}.occurrences")
    for entry in _list(data, "exemptions", code):
        _only(entry, EXEMPTION_KEYS, f"{code}.exemptions")
    if "children" in data:
        return Group(code, name, _number(_get(data, "points", code), f"{code}.points"),
                     tuple(_node(c) for c in _list(data, "children", code)))
    occurrences = tuple(Occurrence(str(_get(o, "code", code)), _name(o.get("name"), f"{code}.name"),
                                   str(_get(o, "unit", code)), _number(_get(o, "amount", code), f"{code}.amount"))
                        for o in _list(data, "occurrences", code))
    exemptions = tuple(Exemption(str(_get(e, "code", code)), _name(e.get("name"), f"{code}.name"),
                                 str(_get(e, "unit", code)), _number(e.get("limit"), f"{code}.limit"),
                                 e.get("beyond"))
                       for e in _list(data, "exemptions", code))
    return Item(code, name, str(_get(data, "kind", code)), _number(data.get("points"), f"{code}.points"),
                _number(data.get("minimum"), f"{code}.minimum", ZERO), str(data.get("scorer") or COMMITTEE),
                occurrences, exemptions, _findings(data, "forfeits", code), bool(data.get("may_not_apply")),
                _optional_name(data.get("guidance"), f"{code}.guidance"))


def rubric_from_dict(data: Mapping[str, Any]) -> Rubric:
    """A checked Rubric from its plain-data form; RuleError on the first thing wrong."""
    if not isinstance(data, Mapping) or data.get("format") != FORMAT:
        raise RuleError(ERR_FORMAT, field="format")
    _only(data, TEMPLATE_KEYS, "")
    quota = data.get("quota") or {}
    _only(quota, QUOTA_KEYS, "quota")
    for grade in _list(data, "grades"):
        _only(grade, GRADE_KEYS, "grades")
    rubric = Rubric(
        code=str(_get(data, "code")),
        name=_name(_get(data, "name"), "name"),
        full_points=_number(_get(data, "full_points"), "full_points"),
        sections=tuple(_node(s) for s in _list(data, "sections")),
        bands=tuple(Band(str(_get(b, "code", "grades")), _name(b.get("name"), "grades"),
                         _number(_get(b, "minimum", "grades"), "grades"))
                    for b in _list(data, "grades")),
        quota_band=quota.get("grade"),
        quota_percent=_number(quota.get("percent"), "quota_percent"),
        vetoes=_findings(data, "vetoes"),
        scorer_groups=_findings(data, "scorer_groups"),
        period=str(data.get("period") or "annual"),
        source=_optional_name(data.get("source"), "source"),
        sample=bool(data.get("sample")),
        notes=tuple(_name(n, "notes") for n in _list(data, "notes")),
    )
    return check_rubric(rubric)


def _plain(value: Decimal) -> int | float:
    # A two-place Decimal survives float's shortest repr exactly; the reader uses Decimal again.
    return int(value) if value == value.to_integral_value() else float(value)


def _name_dict(name: Optional[Name]) -> Optional[dict]:
    return None if name is None else {"zh": name.zh, "en": name.en}


def _findings_dict(findings: tuple[Finding, ...]) -> list[dict]:
    return [{"code": f.code, "name": _name_dict(f.name)} for f in findings]


def _node_dict(node: Node) -> dict:
    out: dict[str, Any] = {"code": node.code, "name": _name_dict(node.name)}
    if isinstance(node, Group):
        out["points"] = _plain(node.points)
        out["children"] = [_node_dict(c) for c in node.children]
        return out
    out["kind"] = node.kind
    out["points"] = None if node.points is None else _plain(node.points)
    if node.minimum:
        out["minimum"] = _plain(node.minimum)
    out["scorer"] = node.scorer
    if node.may_not_apply:
        out["may_not_apply"] = True
    if node.guidance:
        out["guidance"] = _name_dict(node.guidance)
    if node.occurrences:
        out["occurrences"] = [{"code": o.code, "name": _name_dict(o.name), "unit": o.unit,
                               "amount": _plain(o.amount)} for o in node.occurrences]
    if node.exemptions:
        out["exemptions"] = [{"code": e.code, "name": _name_dict(e.name), "unit": e.unit,
                              "limit": None if e.limit is None else _plain(e.limit), "beyond": e.beyond}
                             for e in node.exemptions]
    if node.forfeits:
        out["forfeits"] = _findings_dict(node.forfeits)
    return out


def rubric_to_dict(rubric: Rubric) -> dict:
    """The plain-data form `rubric_from_dict` reads back to an equal Rubric (JSON-ready)."""
    return {
        "format": FORMAT, "code": rubric.code, "name": _name_dict(rubric.name),
        "source": _name_dict(rubric.source), "sample": rubric.sample, "period": rubric.period,
        "full_points": _plain(rubric.full_points), "notes": [_name_dict(n) for n in rubric.notes],
        "scorer_groups": _findings_dict(rubric.scorer_groups),
        "grades": [{"code": b.code, "name": _name_dict(b.name), "minimum": _plain(b.minimum)}
                   for b in rubric.bands],
        "quota": None if rubric.quota_band is None else {"grade": rubric.quota_band,
                                                         "percent": _plain(rubric.quota_percent)},
        "vetoes": _findings_dict(rubric.vetoes),
        "sections": [_node_dict(s) for s in rubric.sections],
    }


def loads_rubric(text: str | bytes) -> Rubric:
    try:
        data = json.loads(text, parse_float=Decimal)
    except ValueError:
        raise RuleError(ERR_NOT_JSON, field="file") from None
    return rubric_from_dict(data)


def dumps_rubric(rubric: Rubric) -> str:
    return json.dumps(rubric_to_dict(rubric), ensure_ascii=False, indent=2) + "\n"


def shipped_rubrics() -> dict[str, Rubric]:
    """The templates shipped in rubrics/*.json, by code, in file-name order."""
    found = {}
    for path in sorted(SHIPPED.glob("*.json")):
        rubric = loads_rubric(path.read_text(encoding="utf-8"))
        found[rubric.code] = rubric
    return found
