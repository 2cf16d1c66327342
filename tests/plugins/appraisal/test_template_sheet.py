"""Templates to Excel and back through core's importer (issue 17 point 2): every shipped template
survives the round trip unchanged; a changed copy imports as a new template, and a broken one
is refused whole with the rule's message."""
from __future__ import annotations

import io
import json

import pytest


@pytest.mark.parametrize("code", ["annual_003_teachers", "annual_logistics_sample", "monthly_gate_sample"])
def test_rows_give_back_the_same_template(code):
    from plugins.appraisal.rubric_data import rubric_from_dict, rubric_to_dict, shipped_rubrics
    from plugins.appraisal.template_sheet import dicts_from_rows, template_rows

    rubric = shipped_rubrics()[code]
    data = rubric_to_dict(rubric)
    back = dicts_from_rows(template_rows(data))[rubric.code]
    assert rubric_from_dict(json.loads(json.dumps(back))) == rubric


def test_export_then_import_a_changed_copy(appraisal, client_as):
    from openpyxl import load_workbook
    from openpyxl import Workbook

    template = appraisal.template()
    web = client_as("director_a", lang="en")
    resp = web.get(f"/appraisaltemplateview/sheet/{template}")
    assert resp.status_code == 200
    book = load_workbook(io.BytesIO(resp.get_data()))
    sheet = book.active
    rows = [[c.value for c in r] for r in sheet.iter_rows()]
    header_at = next(i for i, r in enumerate(rows) if r and r[0] and "Template code" in str(r[0]))
    header, body = rows[header_at], rows[header_at + 1:]
    code_col = header.index(next(h for h in header if "Template code" in str(h)))
    new_code = f"copy_{template}"
    out = Workbook()
    ws = out.active
    ws.append(header)
    for r in body:
        r = list(r)
        r[code_col] = new_code
        ws.append(r)
    ws.append(r[:1] + ["item"] + [None] * (len(header) - 2))   # a broken extra row: no code, no parent
    buf = io.BytesIO()
    out.save(buf)
    broken = web.post("/appraisaltemplateview/import/", data={"file": (io.BytesIO(buf.getvalue()), "t.xlsx")},
                      content_type="multipart/form-data", follow_redirects=True)
    assert broken.status_code in (200, 422)
    from plugins.appraisal.models import AppraisalTemplate
    from sqlalchemy import select

    with appraisal.ctx() as session:
        assert session.execute(select(AppraisalTemplate.id).where(AppraisalTemplate.code == new_code)).first() is None
    ws.delete_rows(ws.max_row)
    buf = io.BytesIO()
    out.save(buf)
    ok = web.post("/appraisaltemplateview/import/", data={"file": (io.BytesIO(buf.getvalue()), "t.xlsx")},
                  content_type="multipart/form-data", follow_redirects=True)
    assert ok.status_code == 200
    with appraisal.ctx() as session:
        row = session.execute(select(AppraisalTemplate).where(AppraisalTemplate.code == new_code)).scalar_one()
        original = session.get(AppraisalTemplate, template)
        assert json.loads(row.data)["sections"] == json.loads(original.data)["sections"]
