"""A template (考核方案) as spreadsheet rows, one per part of the tree, exported to Excel and read back
through core's importer (issue 17 point 2): the committee adjusts a copy in Excel or WPS, the
Director imports it as a new template. Every row names its template and its kind; the template's
own row carries its name, period, full points and quota. The whole template is checked by the
pure rules (rubric_data / rubric.check_rubric) before anything is written: all or nothing."""
from __future__ import annotations

import json
from collections import OrderedDict
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.extensions import db
from app.imports import ImportColumn, Importer
from app.imports.parsers import choice
from app.rules import N_, RuleError, parse_yes_no

from .models import AppraisalTemplate
from .rubric_data import FORMAT, dumps_rubric, rubric_from_dict

ROW_KINDS = ("template", "grade", "veto", "scorer_group", "note", "section", "group", "item", "occurrence",
             "exemption", "forfeit")
WORDS = {k: k for k in ROW_KINDS} | {"方案": "template", "等次": "grade", "一票否决": "veto", "评分组": "scorer_group",
                                      "说明": "note", "部分": "section", "分组": "group", "项目": "item",
                                      "扣加分情形": "occurrence", "免扣情形": "exemption", "取消得分": "forfeit"}
ERR_TEMPLATE_EXISTS = N_("A template with the code %(code)s exists: change the code in the file")
ERR_NO_TEMPLATE_ROW = N_("The file has no template row for %(code)s")
ERR_PARENT = N_("Row %(code)s names a parent %(parent)s that is not above it")

COLUMNS = [
    ImportColumn("template", "方案代码", "Template code", True, example="logistics_2027"),
    ImportColumn("row_type", "类型", "Row type", True, parse=choice(WORDS), example="item"),
    ImportColumn("code", "代码", "Code", example="attendance"),
    ImportColumn("parent", "上级代码", "Parent code", example="duties"),
    ImportColumn("name_zh", "中文名称", "Chinese name", example="出勤"),
    ImportColumn("name_en", "英文名称", "English name", example="Attendance"),
    ImportColumn("kind", "评分方式", "Scoring kind", example="deduction"),
    ImportColumn("points", "分值", "Points", example="10"),
    ImportColumn("minimum", "最低分", "Minimum", example="0"),
    ImportColumn("scorer", "评分者", "Scorer", example="secretary"),
    ImportColumn("unit", "单位", "Unit", example="day"),
    ImportColumn("beyond", "超出计入", "Beyond the limit counts as", example=""),
    ImportColumn("quota", "名额比例", "Quota %", example=""),
    ImportColumn("may_not_apply", "可不适用", "May not apply", example=""),
    ImportColumn("source", "来源", "Source", example=""),
    ImportColumn("source_en", "来源（英文）", "Source (English)", example=""),
    ImportColumn("guidance_zh", "评分说明", "Guidance", example=""),
    ImportColumn("guidance_en", "评分说明（英文）", "Guidance (English)", example=""),
    ImportColumn("sample", "示例", "Sample", example=""),
]


def _name(node) -> tuple[str, str]:
    name = node.get("name") or {}
    return name.get("zh", ""), name.get("en", "")


def template_rows(data: dict) -> list[dict]:
    """The template's JSON (rubric_data's format) as rows, parents before children."""
    code = data["code"]
    rows = []

    def row(row_type, **values):
        rows.append({"template": code, "row_type": row_type, **values})

    quota = data.get("quota") or {}
    source = data.get("source") or {}
    row("template", code=code, name_zh=_name(data)[0], name_en=_name(data)[1], kind=data.get("period"),
        points=data.get("full_points"), quota=quota.get("percent"), source=source.get("zh", ""),
        source_en=source.get("en", ""), sample="yes" if data.get("sample") else "")
    for note in data.get("notes") or []:
        row("note", name_zh=note.get("zh", ""), name_en=note.get("en", ""))
    for grade in data.get("grades") or []:
        row("grade", code=grade["code"], name_zh=_name(grade)[0], name_en=_name(grade)[1], points=grade["minimum"])
    for key, kind in (("vetoes", "veto"), ("scorer_groups", "scorer_group")):
        for f in data.get(key) or []:
            row(kind, code=f["code"], name_zh=_name(f)[0], name_en=_name(f)[1])

    def walk(node, parent, top):
        if "children" in node:
            row("section" if top else "group", code=node["code"], parent=parent, name_zh=_name(node)[0],
                name_en=_name(node)[1], points=node.get("points"))
            for child in node["children"]:
                walk(child, node["code"], False)
            return
        row("item", code=node["code"], parent=parent, name_zh=_name(node)[0], name_en=_name(node)[1],
            kind=node.get("kind"), points=node.get("points"), minimum=node.get("minimum"),
            scorer=node.get("scorer"), may_not_apply="yes" if node.get("may_not_apply") else "",
            guidance_zh=(node.get("guidance") or {}).get("zh", ""), guidance_en=(node.get("guidance") or {}).get("en", ""))
        for o in node.get("occurrences") or []:
            row("occurrence", code=o["code"], parent=node["code"], name_zh=_name(o)[0], name_en=_name(o)[1],
                unit=o["unit"], points=o["amount"])
        for e in node.get("exemptions") or []:
            row("exemption", code=e["code"], parent=node["code"], name_zh=_name(e)[0], name_en=_name(e)[1],
                unit=e["unit"], points=e.get("limit"), beyond=e.get("beyond"))
        for f in node.get("forfeits") or []:
            row("forfeit", code=f["code"], parent=node["code"], name_zh=_name(f)[0], name_en=_name(f)[1])

    for section in data.get("sections") or []:
        walk(section, "", True)
    return rows


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _number(value: Any):
    text = _text(value)
    return text or None


def dicts_from_rows(rows: list[dict]) -> "OrderedDict[str, dict]":
    """Rows back to templates in rubric_data's format (numbers as text: the loader reads them)."""
    out: OrderedDict[str, dict] = OrderedDict()
    nodes: dict[tuple[str, str], dict] = {}
    for r in rows:
        code, kind = _text(r.get("template")), r.get("row_type")
        name = {"zh": _text(r.get("name_zh")), "en": _text(r.get("name_en"))}
        own = _text(r.get("code"))
        if kind == "template":
            out[code] = {"format": FORMAT, "code": code, "name": name, "period": _text(r.get("kind")) or "annual",
                         "full_points": _number(r.get("points")), "sample": parse_yes_no(r.get("sample") or ""),
                         "source": ({"zh": _text(r.get("source")), "en": _text(r.get("source_en")) or _text(r.get("source"))}
                                    if _text(r.get("source")) else None),
                         "grades": [], "vetoes": [], "scorer_groups": [], "notes": [], "sections": [], "quota": None,
                         "_quota": _number(r.get("quota"))}
            continue
        data = out.get(code)
        if data is None:
            raise RuleError(ERR_NO_TEMPLATE_ROW, field="template", code=code)
        if kind == "note":
            data["notes"].append(name)
        elif kind == "grade":
            data["grades"].append({"code": own, "name": name, "minimum": _number(r.get("points"))})
        elif kind in ("veto", "scorer_group"):
            data["vetoes" if kind == "veto" else "scorer_groups"].append({"code": own, "name": name})
        elif kind in ("section", "group"):
            node = {"code": own, "name": name, "points": _number(r.get("points")), "children": []}
            _attach(data, nodes, code, r, node, kind == "section")
        elif kind == "item":
            node = {"code": own, "name": name, "kind": _text(r.get("kind")), "points": _number(r.get("points")),
                    "minimum": _number(r.get("minimum")) or "0", "scorer": _text(r.get("scorer")) or "committee",
                    "may_not_apply": parse_yes_no(r.get("may_not_apply") or ""), "occurrences": [],
                    "exemptions": [], "forfeits": []}
            if _text(r.get("guidance_zh")):
                node["guidance"] = {"zh": _text(r.get("guidance_zh")), "en": _text(r.get("guidance_en"))}
            _attach(data, nodes, code, r, node, False)
        else:
            item = nodes.get((code, _text(r.get("parent"))))
            if item is None or "kind" not in item:
                raise RuleError(ERR_PARENT, field="parent", code=own, parent=_text(r.get("parent")))
            if kind == "occurrence":
                item["occurrences"].append({"code": own, "name": name, "unit": _text(r.get("unit")),
                                            "amount": _number(r.get("points"))})
            elif kind == "exemption":
                item["exemptions"].append({"code": own, "name": name, "unit": _text(r.get("unit")),
                                           "limit": _number(r.get("points")), "beyond": _text(r.get("beyond")) or None})
            else:
                item["forfeits"].append({"code": own, "name": name})
    for data in out.values():
        percent = data.pop("_quota")
        if percent and data["grades"]:
            data["quota"] = {"grade": data["grades"][0]["code"], "percent": percent}
        for node in _nodes(data["sections"]):
            for key in ("occurrences", "exemptions", "forfeits"):
                if key in node and not node[key]:
                    del node[key]
    return out


def _nodes(nodes):
    for node in nodes:
        yield node
        yield from _nodes(node.get("children") or [])


def _attach(data, nodes, code, r, node, top):
    parent = _text(r.get("parent"))
    if top and not parent:
        data["sections"].append(node)
    else:
        holder = nodes.get((code, parent))
        if holder is None or "children" not in holder:
            raise RuleError(ERR_PARENT, field="parent", code=node["code"], parent=parent)
        holder["children"].append(node)
    nodes[(code, node["code"])] = node


class TemplateImporter(Importer):
    """/appraisaltemplateview/import/: new templates from the rows of an exported sheet."""

    name = "appraisal_template"
    title = _l("Appraisal templates")
    columns = COLUMNS
    max_rows = 2000

    def write(self, records, state):
        for code, data in dicts_from_rows(records).items():
            rubric = rubric_from_dict(json.loads(json.dumps(data)))   # checks the whole tree
            if db.session.execute(select(AppraisalTemplate.id).where(AppraisalTemplate.code == rubric.code)).first():
                raise RuleError(ERR_TEMPLATE_EXISTS, field="template", code=rubric.code)
            db.session.add(AppraisalTemplate(code=rubric.code, name_zh=rubric.name.zh, name_en=rubric.name.en,
                                             period=rubric.period, sample=rubric.sample,
                                             source=rubric.source.zh if rubric.source else None,
                                             data=dumps_rubric(rubric), active=True))


def sheet_columns(gettext) -> list:
    """The export's columns: the importer's, headed in both languages so the file reads back."""
    from app.export.xlsx import Column

    return [Column(header=f"{c.zh} {c.en}", value=(lambda row, key=c.key: row.get(key)), kind="text")
            for c in COLUMNS]
