"""Meal-committee benchmark (issue 19 point 14): 10 years of monthly meetings for 20 committees
(2,400 meetings) and 20,000 action items, the accounts of both kinds of every campus for the
10 years and a school calendar of 20 terms, beside Flask-AppBuilder's stock ModelView on the
same tables.

Measured as the real roles (Flask test client, server side, medians and p90 after warm-up): a
MealCommittee member of campus HQ who chairs committee 1 (the committees serving HQ are theirs),
the Director (every campus), and Staff reading the public notice:
  meeting page with its carried items     ≤ 30 ms
  action-item tracker, page 1             ≤ 25 ms and ≤ stock (the stock list of the same table)
  ledger of 10 years (table, terms, chart) ≤ 40 ms
  public notice print                     ≤ 40 ms

The seed is written with Core-level executemany (no ORM, no audit hook). HOUQIN_BENCH_MEAL_ITEMS
scales the action items down for a trial run (the figures then are not comparable)."""
from __future__ import annotations

import os
import random
from datetime import date, timedelta
from decimal import Decimal

from bench.common import Bench, Context, Page, Result, grant_stock, sql_is

SECTION = "meals"
PLUGINS = "meals"
SEED: dict = {"staff_per_campus": 100, "audit_rows": 10_000}

COMMITTEES, YEARS = 20, 10
N_ITEMS = int(os.environ.get("HOUQIN_BENCH_MEAL_ITEMS", 20_000))
MEETING_MS, TRACKER_MS, LEDGER_MS, NOTICE_MS = 30.0, 25.0, 40.0, 40.0
FIRST = date(2016, 9, 1)


def prepare(app) -> None:
    """The stock baselines: plain FAB ModelViews on the action items and the meetings, configured
    like the house views (columns, order, page size), without scoping, joins or formatters."""
    from flask_appbuilder import ModelView
    from flask_appbuilder.models.sqla.interface import SQLAInterface

    from plugins.meals.minutes import MeetingView
    from plugins.meals.models import ActionItem, Meeting
    from plugins.meals.views import ActionItemView

    class StockActionItemView(ModelView):
        datamodel = SQLAInterface(ActionItem)
        list_columns = ["committee", "meeting", "description", "due_on", "state", "done_on"]
        order_columns = ActionItemView.order_columns
        base_order = ActionItemView.base_order
        page_size = ActionItemView.page_size
        # no form field of the owner's name (read with the row, not a column to type into)
        add_columns = edit_columns = ActionItemView.edit_columns
        search_columns = ActionItemView.search_columns
        base_permissions = ["can_list", "can_show"]

    class StockMeetingView(ModelView):
        datamodel = SQLAInterface(Meeting)
        list_columns = MeetingView.list_columns
        show_columns = MeetingView.show_columns
        base_order = MeetingView.base_order
        page_size = MeetingView.page_size
        base_permissions = ["can_list", "can_show"]

    with app.app_context():
        app.appbuilder.add_view_no_menu(StockActionItemView)
        app.appbuilder.add_view_no_menu(StockMeetingView)


def _months():
    y, m = FIRST.year, FIRST.month
    for _ in range(YEARS * 12):
        yield y, m
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)


def seed(ctx: Context, member_user: int) -> dict:
    from sqlalchemy import insert, select

    from app.models import AcademicYear, Campus, Staff, Term
    from plugins.meals.models import (ActionItem, Committee, CommitteeCampus, FeeAccount, Meeting, Member)

    rng = random.Random(19)
    with ctx.app.app_context():
        s = ctx.db.session
        campuses = s.execute(select(Campus.id, Campus.code).order_by(Campus.id)).all()
        for year in range(FIRST.year, FIRST.year + YEARS):
            y = s.execute(insert(AcademicYear).values(name=f"{year}-{year + 1}", start_date=date(year, 9, 1),
                                                      end_date=date(year + 1, 8, 31)).returning(AcademicYear.id)).scalar()
            s.execute(insert(Term), [dict(academic_year_id=y, number=1, start_date=date(year, 9, 1),
                                          end_date=date(year + 1, 1, 20)),
                                     dict(academic_year_id=y, number=2, start_date=date(year + 1, 2, 20),
                                          end_date=date(year + 1, 7, 10))])
        s.execute(insert(Committee), [dict(id=i + 1, name=f"伙委会{i + 1:02d}", campus_id=campuses[i % len(campuses)][0],
                                           active=True) for i in range(COMMITTEES)])
        s.execute(insert(CommitteeCampus), [dict(committee_id=i + 1, campus_id=campuses[i % len(campuses)][0])
                                            for i in range(COMMITTEES)])
        # Eight members a committee: five staff (the first, the chair, is the bench member's own staff
        # record in committee 1), three external parent representatives with phones.
        staff_ids = list(s.execute(select(Staff.id).where(Staff.user_id.is_(None)).order_by(Staff.id)
                                   .limit(COMMITTEES * 5)).scalars())
        own = s.execute(insert(Staff).values(name="伙委会主任", staff_no="BENCH-MEALS", campus_id=campuses[0][0],
                                             active=True, user_id=member_user).returning(Staff.id)).scalar()
        staff_ids[0] = own
        members, member_id = [], 0
        for c in range(1, COMMITTEES + 1):
            for k in range(8):
                member_id += 1
                external = k > 4
                members.append(dict(id=member_id, committee_id=c, staff_id=None if external else staff_ids.pop(0),
                                    name=f"家长{member_id}" if external else None,
                                    role="parent_rep" if external else ("chair" if k == 0 else "teacher_rep"),
                                    secretary=k == 1, term_from=FIRST, phone=f"139{member_id:08d}" if external else None))
        s.execute(insert(Member), members)
        meetings, mid = [], 0
        for c in range(1, COMMITTEES + 1):
            for n, (y, m) in enumerate(_months()):
                mid += 1
                meetings.append(dict(id=mid, committee_id=c, number=f"{y}年第{m}次", held_on=date(y, m, 20),
                                     starts_at="15:00", place="会议室", chair_id=(c - 1) * 8 + 1, status="published",
                                     quorum_met=True, decisions="公示带量食谱\n伙食费支出控制在2%以内"))
        # The latest meeting of each committee is the one being written (draft): its page carries the
        # forms to mark the carried items done; the one before it is published (the notice).
        for c in range(1, COMMITTEES + 1):
            latest = meetings[c * YEARS * 12 - 1]
            latest.update(status="draft", quorum_met=None)
        s.execute(insert(Meeting), meetings)
        items = []
        for i in range(N_ITEMS):
            meeting = meetings[rng.randrange(len(meetings))]
            done = rng.random() > 0.03
            due = meeting["held_on"] + timedelta(days=rng.randrange(5, 60))
            items.append(dict(meeting_id=meeting["id"], committee_id=meeting["committee_id"],
                              raised_on=meeting["held_on"], description=f"事项{i}",
                              owner_member_id=(meeting["committee_id"] - 1) * 8 + 1 + rng.randrange(8), due_on=due,
                              state="done" if done else "open", done_on=due if done else None,
                              done_note="已完成" if done else None))
        s.execute(insert(ActionItem), items)
        accounts = []
        for campus_id, _code in campuses:
            for y, m in _months():
                for kind, fees in (("children", Decimal(rng.randrange(150000, 220000))),
                                   ("staff", Decimal(rng.randrange(20000, 40000)))):
                    spent = (fees * Decimal(rng.randrange(970, 1000)) / 1000).quantize(Decimal("0.01"))
                    accounts.append(dict(campus_id=campus_id, year=y, month=m, kind=kind, fees_collected=fees,
                                         absence_refunds=0, other_income=0, staples=spent, meat_eggs=0,
                                         vegetables=0, oil_seasoning=0, milk_fruit=0, other_food=0,
                                         spending_total=spent))
        s.execute(insert(FeeAccount), accounts)
        s.commit()
        last = max(m["id"] for m in meetings if m["committee_id"] == 1)
        held = {m["id"]: m["held_on"] for m in meetings}
        previous = sorted(m["held_on"] for m in meetings if m["committee_id"] == 1)[-2]
        carried = sum(1 for it in items if it["committee_id"] == 1 and it["meeting_id"] != last
                      and (it["done_on"] is None or it["done_on"] >= previous) and it["raised_on"] <= held[last])
        served = [i + 1 for i in range(COMMITTEES) if i % len(campuses) == 0]
        return {"meeting": last, "published": last - 1, "campus": campuses[0][0], "carried": carried,
                "served": len(served),
                "items_hq": sum(1 for it in items if it["committee_id"] in served)}


STOCK_VIEWS = {"StockActionItemView": ("can_list", "can_show"), "StockMeetingView": ("can_list", "can_show")}


def run(ctx: Context) -> list[Result]:
    from sqlalchemy import select

    from app.models import HouqinUser

    for role in ("MealCommittee", "Director"):
        grant_stock(ctx, role, STOCK_VIEWS)
    ctx.add_user("member", "MealCommittee", ("HQ",))
    with ctx.app.app_context():
        member_user = ctx.db.session.execute(select(HouqinUser.id).where(HouqinUser.username == "bench_member")).scalar()
    print(f"[bench] meals: seeding {COMMITTEES * YEARS * 12:,} meetings and {N_ITEMS:,} action items ...", flush=True)
    seeded = seed(ctx, member_user)
    if seeded["campus"] != ctx.campus_ids["HQ"]:
        raise RuntimeError("committee 1 should serve campus HQ, the bench member's")
    ctx.analyze()
    bench = Bench(ctx)
    member, director, staff = ctx.client("member"), ctx.client("director"), ctx.client("staff")
    m, d, st = "MealCommittee@HQ", "Director", "Staff@HQ"
    meeting_url = f"/meetingview/show/{seeded['meeting']}"
    items = sql_is("meals_action_item", limit=True)
    bench.pages([
        Page("stock_items", "stock list of the action items, page 1", member, m, "/stockactionitemview/list/",
             main=items),
        Page("stock_meetings", "stock list of the meetings, page 1", member, m, "/stockmeetingview/list/",
             main=sql_is("meals_meeting", limit=True)),
        Page("d_stock_items", "stock list of the action items, page 1", director, d, "/stockactionitemview/list/",
             main=items),
    ])
    bench.pages([
        Page("meeting", f"meeting page (draft) with its {seeded['carried']} carried items", member, m, meeting_url,
             main=sql_is("meals_action_item"), target_ms=MEETING_MS, target_text=f"≤ {MEETING_MS:g} ms",
             note="beside the stock meeting list", best_of=("stock_meetings",), explain=True),
        Page("d_meeting", f"meeting page (draft) with its {seeded['carried']} carried items", director, d, meeting_url,
             main=sql_is("meals_action_item"), target_ms=MEETING_MS, target_text=f"≤ {MEETING_MS:g} ms"),
        Page("tracker", "action-item tracker, page 1", member, m, "/actionitemview/list/", main=items,
             target_ms=TRACKER_MS, target_text=f"≤ {TRACKER_MS:g} ms and ≤ stock", stock_key="stock_items",
             explain=True),
        Page("d_tracker", "action-item tracker, page 1", director, d, "/actionitemview/list/", main=items,
             target_ms=TRACKER_MS, target_text=f"≤ {TRACKER_MS:g} ms and ≤ stock", stock_key="d_stock_items"),
        Page("ledger", "ledger of 10 years (children's account)", member, m,
             f"/meals/reports/ledger?campus_id={seeded['campus']}", main=sql_is("meals_fee_account"),
             target_ms=LEDGER_MS, target_text=f"≤ {LEDGER_MS:g} ms"),
        Page("notice", "public notice print", staff, st, f"/meals/reports/notice/{seeded['published']}",
             main=sql_is("meals_fee_account"), target_ms=NOTICE_MS, target_text=f"≤ {NOTICE_MS:g} ms"),
    ])
    ctx.notes.append(f"{COMMITTEES} committees, {COMMITTEES * YEARS * 12:,} meetings, {N_ITEMS:,} action items; the "
                     f"member's campus HQ is served by {seeded['served']} committees ({seeded['items_hq']:,} items)")
    return bench.results
