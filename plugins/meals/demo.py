"""Demo data of the meal committee: one committee for two demo campuses (两园厨房) with parent
members, six months of meetings with the accounts of both kinds (one month beyond 2 %, the term
so far near the line), action items in every state and a meeting without quorum. Every row is
marked (app.demo.mark_demo), so `flask houqin demo --remove` deletes it."""
from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from app.demo import chinese_name, mark_demo, mobile
from app.models import AcademicYear, Campus, DemoRecord, HouqinUser, Staff, Term
from app.school_calendar import term_of
from app.periods import add_months, local_today

from .models import (ActionItem, Attendance, Committee, CommitteeCampus, FeedbackItem, FeeAccount, Meeting, Member,
                     MenuEntry, NutritionRow)

KINDS = ("staples", "meat_eggs", "vegetables", "oil_seasoning", "milk_fruit", "other_food")
SHARES = (Decimal("0.22"), Decimal("0.34"), Decimal("0.18"), Decimal("0.08"), Decimal("0.14"))
DISHES = ["米饭、番茄炒蛋、清炒油麦菜", "小米粥、鸡蛋、肉包", "馒头、红烧鸡腿、西兰花", "面条、虾仁蒸蛋、紫菜汤",
          "苹果、酸奶", "香蕉、牛奶"]
FEEDBACK = [("parent", "孩子反映午餐蔬菜偏咸", "减少盐用量，食堂每周抽查"),
            ("teacher", "中班幼儿水果分量不足", "按年龄段调整水果分量"),
            ("parent", "希望公示每周带量食谱", "每周五在公告栏和家长群公示")]
ITEMS = ["更换食堂排风扇", "公示下月带量食谱", "核对请假退费名单", "检查冷库温度记录", "组织家长开放日试餐"]


def _spending(total):
    parts = [(total * share).quantize(Decimal("0.01")) for share in SHARES]
    return dict(zip(KINDS, parts + [total - sum(parts)]))


def _account(session, campus, year, month, kind, fees, rate):
    """An account whose balance is `rate` (a fraction) of its income."""
    refunds = (fees * Decimal("0.04")).quantize(Decimal("0.01"))
    income = fees - refunds
    spending = (income * (1 - rate)).quantize(Decimal("0.01"))
    row = FeeAccount(campus_id=campus.id, year=year, month=month, kind=kind, fees_collected=fees,
                     absence_refunds=refunds, other_income=Decimal("0.00"), spending_total=spending,
                     **_spending(spending))
    session.add(row)
    mark_demo(session, row)


def _calendar(session, today: date) -> None:
    """A school year around today when the calendar has none (the term's rate needs its terms)."""
    if term_of(session, today) is not None or term_of(session, add_months(today, -3)) is not None:
        return
    first = today.year if today.month >= 8 else today.year - 1
    year = AcademicYear(name=f"{first}-{first + 1}", start_date=date(first, 8, 1), end_date=date(first + 1, 7, 31))
    session.add(year)
    mark_demo(session, year)
    terms = [Term(academic_year_id=year.id, number=1, start_date=date(first, 9, 1), end_date=date(first + 1, 1, 20)),
             Term(academic_year_id=year.id, number=2, start_date=date(first + 1, 2, 20), end_date=date(first + 1, 7, 10))]
    session.add_all(terms)
    mark_demo(session, *terms)


def load(session, seed: int = 2026) -> None:
    rng = random.Random(seed)
    demo = select(DemoRecord.record_id).where(DemoRecord.table_name == "campus")
    campuses = session.execute(select(Campus).where(Campus.id.in_(demo)).order_by(Campus.id)).scalars().all()[:2]
    if len(campuses) < 2:
        return
    staff = session.execute(select(Staff).where(Staff.campus_id.in_([c.id for c in campuses]))
                            .order_by(Staff.id)).scalars().all()
    # The demo's committee login chairs the committee (so it can approve), when the core demo made one.
    member_login = session.execute(select(Staff).join(HouqinUser, HouqinUser.id == Staff.user_id).where(
        HouqinUser.id.in_(select(DemoRecord.record_id).where(DemoRecord.table_name == "ab_user")),
        HouqinUser.roles.any(name="MealCommittee"))).scalars().first()
    if member_login is not None:
        staff = [member_login] + [s for s in staff if s.id != member_login.id]
    _calendar(session, local_today())
    committee = Committee(name="两园伙食委员会", campus_id=campuses[0].id, active=True)
    session.add(committee)
    mark_demo(session, committee)
    for c in campuses:
        link = CommitteeCampus(committee_id=committee.id, campus_id=c.id)
        session.add(link)
        mark_demo(session, link)
    today = local_today()
    start = add_months(today.replace(day=1), -6)
    members = []
    for i, role in enumerate(("chair", "health_doctor", "kitchen_lead", "teacher_rep", "finance")):
        if i < len(staff):
            members.append(Member(committee_id=committee.id, staff_id=staff[i].id, role=role, term_from=start,
                                  secretary=(role == "teacher_rep")))
    for n in range(3):
        members.append(Member(committee_id=committee.id, name=chinese_name(rng), phone=mobile(rng),
                              child_class=["小一班", "中二班", "大一班"][n], role="parent_rep", term_from=start,
                              term_to=add_months(start, 12)))
    session.add_all(members)
    mark_demo(session, *members)
    chair, secretary = members[0], next((m for m in members if m.secretary), members[0])
    for k in range(6):
        held = add_months(start, k + 1) - timedelta(days=3)
        if held > today:
            held = today
        no_quorum = k == 2
        # States as the demo stands (a new row may be created in any state; later only transitions move it).
        # Demo numbers carry a prefix of their own and take no core counter (demo --remove leaves none).
        meeting = Meeting(committee_id=committee.id, held_on=held, number=f"演示{held.year}年第{k + 1}次", starts_at="15:30", place="综合楼三楼会议室",
                          chair_id=chair.id, minute_taker_id=secretary.id, quorum_met=None if k == 5 else not no_quorum,
                          status="published" if k < 4 else ("circulated" if k == 4 else "draft"),
                          decisions="\n".join(["下月起每周五公示带量食谱", "伙食费支出继续控制在2%以内"][: 1 + k % 2]))
        session.add(meeting)
        mark_demo(session, meeting)
        for j, m in enumerate(members):
            present = not no_quorum or j < 3
            row = Attendance(meeting_id=meeting.id, member_id=m.id, present=present,
                             absence_reason=None if present else "外出学习", confirmed=present and k < 5,
                             confirmed_via_minute_taker=present and m.staff_id is None)
            session.add(row)
            mark_demo(session, row)
        for age, energy in (("小班", "1120"), ("中班", "1260"), ("大班", "1380")):
            for nutrient, intake, standard in (("energy", energy, "1400"), ("protein", "38", "40")):
                row = NutritionRow(meeting_id=meeting.id, age_group=age, nutrient=nutrient, intake=Decimal(intake),
                                   standard=Decimal(standard))
                session.add(row)
                mark_demo(session, row)
        source, text, response = FEEDBACK[k % len(FEEDBACK)]
        fb = FeedbackItem(meeting_id=meeting.id, source=source, text=text, response=response)
        menu = [MenuEntry(meeting_id=meeting.id, day=held + timedelta(days=7 + d), meal="lunch",
                          dishes=DISHES[d % len(DISHES)], quantities="米50g、肉30g、蔬菜80g") for d in range(5)]
        session.add_all([fb, *menu])
        mark_demo(session, fb, *menu)
        done = k < 3  # done; the later ones open, and those past their due date overdue
        item = ActionItem(meeting_id=meeting.id, committee_id=committee.id, raised_on=held,
                          state="done" if done else "open", done_on=held + timedelta(days=10) if done else None,
                          done_note="已完成，下次会议通报" if done else None,
                          description=ITEMS[k % len(ITEMS)], owner_member_id=members[2].id if len(members) > 2 else None,
                          owner_staff_id=None if len(members) > 2 else staff[0].id,
                          due_on=held + timedelta(days=20))
        session.add(item)
        mark_demo(session, item)
        for campus in campuses:
            fees = Decimal(rng.randrange(180000, 220000))
            rate = Decimal("0.031") if k == 1 else Decimal("0.018") + Decimal(rng.randrange(0, 3)) / 1000
            _account(session, campus, held.year, held.month, "children", fees, rate)
            _account(session, campus, held.year, held.month, "staff", Decimal(rng.randrange(30000, 40000)),
                     Decimal("0.005"))
    planned = Meeting(committee_id=committee.id, held_on=add_months(today, 1).replace(day=25), starts_at="15:30",
                      place="综合楼三楼会议室", chair_id=chair.id, minute_taker_id=secretary.id, status="draft",
                      number="演示下次会议")
    session.add(planned)
    mark_demo(session, planned)
