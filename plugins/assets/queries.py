"""The register's report queries, as plain named columns (no ORM objects: a ledger is 100,000
cards). Every figure of depreciation comes from the stored rows: the card's total is their sum
(kept by the month-end run), a month's figure is the row of that month."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Optional

from sqlalchemy import and_, case, func, select

from app.models import Campus, Department, Room, Staff
from app.scoping import scope_clause

from .access import asset_access_clause
from .models import Asset, AssetCategory, DepreciationRow

ZERO = Decimal("0.00")


def scoped(query, campus_id: Optional[int] = None):
    for clause in (scope_clause(Asset.campus_id), asset_access_clause()):
        if clause is not None:
            query = query.where(clause)
    if campus_id:
        query = query.where(Asset.campus_id == campus_id)
    return query


def ledger_query(campus_id: Optional[int] = None, *, room_id=None, custodian_id=None, floats: bool = False):
    """资产台账: one line per card with its class, place and custodian, in code order.

    `floats=True` (the Excel file, which stores every number as a double anyway) reads the
    amounts as floats: turning 300,000 of them into Decimals was a third of the query's time at
    100,000 cards; the export rounds the net value to the fen."""
    from sqlalchemy import Float, cast

    from app.models import Building

    def money(column):
        return cast(column, Float).label(column.key) if floats else column

    q = select(Asset.id, Asset.code, Asset.legacy_no, Asset.name, AssetCategory.code.label("category_code"),
               AssetCategory.name_zh.label("category_zh"), AssetCategory.name_en.label("category_en"),
               AssetCategory.financial_class, Asset.brand, Asset.model, Asset.specification, Asset.quantity,
               Asset.unit, money(Asset.unit_price), money(Asset.original_value), money(Asset.accumulated_depreciation),
               Asset.acquired_on,
               Asset.status, Asset.life_months, Building.name.label("building_name"), Room.name.label("room"),
               Staff.name.label("custodian_name"), Department.name.label("department_name"),
               Campus.name.label("campus_name")) \
        .join(AssetCategory, Asset.category_id == AssetCategory.id) \
        .join(Campus, Asset.campus_id == Campus.id) \
        .outerjoin(Room, Asset.room_id == Room.id).outerjoin(Building, Room.building_id == Building.id) \
        .outerjoin(Staff, Asset.custodian_id == Staff.id) \
        .outerjoin(Department, Asset.department_id == Department.id)
    if room_id:
        q = q.where(Asset.room_id == room_id)
    if custodian_id:
        q = q.where(Asset.custodian_id == custodian_id)
    return scoped(q, campus_id).order_by(Asset.code)


def by_category(campus_id: Optional[int] = None) -> list:
    """Count, original value, accumulated depreciation and net value per class (one GROUP BY)."""
    q = select(AssetCategory.code, AssetCategory.name_zh, AssetCategory.name_en, AssetCategory.financial_class,
               func.count(Asset.id).label("cards"), func.sum(Asset.quantity).label("items"),
               func.sum(Asset.original_value).label("original"),
               func.sum(Asset.accumulated_depreciation).label("accumulated")) \
        .join(AssetCategory, Asset.category_id == AssetCategory.id) \
        .group_by(AssetCategory.code, AssetCategory.name_zh, AssetCategory.name_en, AssetCategory.financial_class)
    from app.extensions import db

    return db.session.execute(scoped(q, campus_id).order_by(AssetCategory.code)).all()


def by_financial_class(rows) -> dict:
    out: dict = {}
    for r in rows:
        line = out.setdefault(r.financial_class, {"cards": 0, "items": 0, "original": ZERO, "accumulated": ZERO})
        line["cards"] += r.cards
        line["items"] += r.items or 0
        line["original"] += r.original or ZERO
        line["accumulated"] += r.accumulated or ZERO
    return out


def schedule(first: date, last: date, campus_id: Optional[int] = None) -> list:
    """The depreciation of each class per month over a range, from the stored rows (the campus
    and class were copied onto each row: one index range per campus)."""
    from app.extensions import db

    t = DepreciationRow
    q = select(t.category_id, t.month, func.sum(t.amount).label("amount"), func.count(t.id).label("cards")) \
        .where(t.month >= first, t.month <= last)
    clause = scope_clause(t.campus_id)
    if clause is not None:
        q = q.where(clause)
    if campus_id:
        q = q.where(t.campus_id == campus_id)
    return db.session.execute(q.group_by(t.category_id, t.month)).all()


def ledger_at(month: date) -> dict:
    """Per financial class, what the ledger holds at the end of `month` (the whole institution,
    as finance's books): cards acquired by then and not disposed before it, and the stored
    accumulated depreciation at that month (the last row on or before it, else the opening
    figure counted to then)."""
    from app.extensions import db
    from . import rules

    end = rules.add_months(month, 1)
    t = DepreciationRow.__table__.c
    last_row = select(t.asset_id, func.max(t.month).label("m")).where(t.month <= month).group_by(t.asset_id).subquery()
    acc = select(t.asset_id, t.accumulated).join(last_row, and_(t.asset_id == last_row.c.asset_id,
                                                                t.month == last_row.c.m)).subquery()
    opening = case((Asset.opening_counted_to <= month, Asset.opening_accumulated), else_=ZERO)
    q = select(AssetCategory.financial_class, func.sum(Asset.original_value).label("original"),
               func.sum(func.coalesce(acc.c.accumulated, opening)).label("accumulated")) \
        .join(AssetCategory, Asset.category_id == AssetCategory.id) \
        .outerjoin(acc, acc.c.asset_id == Asset.id) \
        .where(Asset.acquired_on < end) \
        .where((Asset.disposed_on.is_(None)) | (Asset.disposed_on >= end)) \
        .group_by(AssetCategory.financial_class)
    return {fc: (original or ZERO, accumulated or ZERO) for fc, original, accumulated in db.session.execute(q)}
