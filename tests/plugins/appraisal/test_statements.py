"""Statement counts (issue 17 point 14): the grid and the cell save run a fixed number of
statements, whatever the size of the sheet (no query per person or per cell)."""
from __future__ import annotations

GRID_STATEMENTS, CELL_STATEMENTS = 16, 16


def _grid_count(appraisal, client_as, count_statements, staff):
    r = appraisal.round(members=1, staff=staff)
    username, user_id, _ = r["members"][0]
    appraisal.fill(r, value=lambda m, p, item: "12", submit=False)
    sheet = appraisal.sheet_id(r["round"], user_id)
    web = client_as(username)
    web.get(f"/appraisal/sheet/{sheet}/")
    with count_statements() as grid:
        assert web.get(f"/appraisal/sheet/{sheet}/").status_code == 200
    with count_statements() as cell:
        resp = web.post(f"/appraisal/sheet/{sheet}/cell", json={"staff_id": r["staff"][0], "item": "quality",
                                                                 "value": "13"})
        assert resp.status_code == 200
    return grid.count, cell.count


def test_the_grid_and_a_cell_save_cost_the_same_for_two_or_eight_people(appraisal, client_as, count_statements):
    small = _grid_count(appraisal, client_as, count_statements, 2)
    large = _grid_count(appraisal, client_as, count_statements, 8)
    assert small == large, (small, large)
    assert small[0] <= GRID_STATEMENTS and small[1] <= CELL_STATEMENTS, small
