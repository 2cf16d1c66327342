"""Named verbs of the register: register a card (its code from core numbering, its plan from
rules.py), check a card as the form, the API and the import do, change a life (Director),
record history. The month-end run is in depreciation.py, the import in imports.py."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Optional

from flask import current_app, has_app_context
from sqlalchemy import select

from app.numbering import next_number
from app.periods import local_today
from app.rules import N_, RuleError

from . import catalog, rules
from .models import DISPOSED, EDITABLE_STATUSES, Asset, AssetCategory, AssetEvent

ERR_DISPOSED_LOCKED = N_("This asset is disposed and locked")
ERR_CATEGORY_GROUP = N_("%(code)s %(name)s is a group of classes: choose a class below it")
ERR_STATUS_EVENT = N_("Lent out and disposed are set by the lending and disposal steps, not on the card")
ERR_LOCKED_FIELD = N_("This card already has stored depreciation: its value, acquisition date, class and life change only through the Director's life change")
ERR_OWN_CLASS_PARENT = N_("An office class goes below an existing class: %(parent)s is not one")
ERR_OWN_CLASS_TAKEN = N_("The code %(code)s is taken")
DEMO_PREFIX = "DEMO-"  # demo cards' codes (a reserved prefix, never given to a real card)


def setting(key: str, default=None):
    if not has_app_context():
        return default
    return current_app.extensions["houqin_settings"].get(key)


def start_rule() -> str:
    return setting("assets_depreciation_start", "acquisition") or "acquisition"


def category_row(c: AssetCategory) -> catalog.Category:
    return catalog.Category(
        code=c.code, name_zh=c.name_zh, name_en=c.name_en, financial_class=c.financial_class or "",
        depreciable=bool(c.depreciable), min_life_years=c.min_life_years, life_by_structure=bool(c.life_by_structure),
        life_source=c.life_source or "", aliases=tuple(a for a in (c.aliases or "").split("|") if a),
        code_source=c.code_source or "office", note=c.note or "")


def catalogue(session) -> catalog.Catalogue:
    """The shipped table with the office's own classes (validated together)."""
    shipped = catalog.load()
    rows = [category_row(c) for c in session.execute(select(AssetCategory).where(AssetCategory.active.is_(True))).scalars()]
    known = {r.code for r in rows}
    rows += [c for code, c in shipped.categories.items() if code not in known]
    return catalog.Catalogue(rows, shipped.financial_classes.values(), shipped.structures.values(),
                             shipped.map_2010.values())


def minimum_years(category: AssetCategory, structure: Optional[str]) -> Optional[int]:
    if not category.depreciable:
        return None
    if category.life_by_structure:
        structures = catalog.load().structures
        if not structure:
            raise RuleError(catalog.ERR_STRUCTURE_REQUIRED, field="structure")
        if structure not in structures:
            raise RuleError(catalog.ERR_STRUCTURE_UNKNOWN, field="structure", structure=structure)
        return structures[structure].min_life_years
    return category.min_life_years


def assignable(category: AssetCategory) -> bool:
    return category_row(category).assignable


def check_card(asset: Asset, *, today: Optional[date] = None, imported: bool = False) -> list[RuleError]:
    """Every rule of a card, as a list of errors (each on its field); warnings are kept on the
    card (`short_life_minimum`) or returned by `warnings(asset)`. Converts typed values in place."""
    today = today or local_today()
    errors: list[RuleError] = []

    def run(fn):
        try:
            return fn()
        except RuleError as err:
            errors.append(err)
            return None

    price = run(lambda: rules.check_unit_price(asset.unit_price))
    quantity = run(lambda: rules.check_quantity(asset.quantity))
    if price is not None and quantity is not None:
        asset.unit_price, asset.quantity = price, quantity
        if asset.original_value in (None, ""):
            asset.original_value = rules.original_value(price, quantity)
        value = run(lambda: rules.check_original_value(asset.original_value, price, quantity))
        if value is not None:
            asset.original_value = value
    acquired = run(lambda: rules.check_acquired_on(asset.acquired_on, today))
    if acquired is not None:
        asset.acquired_on = acquired
    category = asset.category
    if category is None:
        errors.append(RuleError(N_("This field is required."), field="category"))
    elif not assignable(category):
        errors.append(RuleError(ERR_CATEGORY_GROUP, field="category", code=category.code, name=category.name_zh))
    if asset.status not in EDITABLE_STATUSES and not imported and asset.id is None:
        errors.append(RuleError(ERR_STATUS_EVENT, field="status"))
    if category is not None and not any(e.field == "category" for e in errors):
        years = run(lambda: minimum_years(category, asset.structure))
        warning = run(lambda: rules.check_life(asset.life_months, years, imported=imported))
        if warning is not None:
            asset.short_life_minimum = warning.params["years"]
        elif not any(e.field in ("life_months", "structure") for e in errors):
            asset.short_life_minimum = None
        if not any(e.field == "life_months" for e in errors):
            asset.life_months = rules.check_life_months(asset.life_months)
    return errors


def warnings(asset: Asset) -> list[RuleError]:
    """Shown, never refused: a unit price below the capitalisation threshold, a short imported life."""
    out = []
    if asset.short_life_minimum:
        years = asset.short_life_minimum
        out.append(RuleError(rules.WARN_LIFE_BELOW_MINIMUM, field="life_months", years=years))
    if asset.unit_price is not None and asset.category is not None:
        special = asset.category.financial_class == "special_equipment"
        warn = rules.capitalisation_warning(
            Decimal(asset.unit_price), asset.quantity or 1, special,
            threshold=Decimal(setting("assets_capitalisation_threshold", 1000) or 1000),
            special_threshold=Decimal(setting("assets_special_threshold", 1500) or 1500))
        if warn is not None:
            out.append(warn)
    return out


def depreciable(asset: Asset) -> bool:
    return bool(asset.category.depreciable) and not asset.nominal


def set_plan(asset: Asset) -> None:
    """A new card's plan: the original value over its life from the acquisition month (or the
    month after, by the setting); nothing for a class that is not depreciated."""
    plan = rules.plan(asset.original_value, asset.life_months, asset.acquired_on, depreciable=depreciable(asset),
                      start=start_rule())
    asset.dep_base, asset.dep_months, asset.dep_first = plan.base, plan.months, plan.first
    asset.opening_accumulated = asset.opening_accumulated or Decimal("0.00")
    asset.accumulated_depreciation = asset.opening_accumulated


def card_plan(asset: Asset) -> rules.Plan:
    return rules.Plan(Decimal(asset.dep_base), asset.dep_months, asset.dep_first,
                      rules.as_month(asset.disposed_on) if asset.disposed_on else None)


def has_rows(session, asset: Asset) -> bool:
    from .models import DepreciationRow

    return asset.id is not None and session.execute(
        select(DepreciationRow.id).where(DepreciationRow.asset_id == asset.id).limit(1)).first() is not None


def give_code(session, asset: Asset, demo: bool = False) -> None:
    """Category code + year + sequence (core numbering: never given twice, gaps allowed)."""
    key = "assets.demo_card" if demo else "assets.card"
    asset.code = next_number(key, scope=asset.category.code, period=asset.acquired_on, session=session).text


def record(session, asset: Asset, kind: str, *, user_id=None, on=None, note=None, **detail) -> AssetEvent:
    event = AssetEvent(asset=asset, kind=kind, user_id=user_id, on=on, note=note, detail=_plain(detail))
    session.add(event)
    return event


def event_detail(**detail) -> dict:
    """An event's details as stored (JSON: amounts and dates as text)."""
    return _plain(detail)


def _plain(detail: dict) -> dict:
    out = {}
    for k, v in detail.items():
        if isinstance(v, Decimal):
            v = str(v)
        elif isinstance(v, date):
            v = v.isoformat()
        out[k] = v
    return out


def register(session, asset: Asset, *, user_id=None, demo: bool = False) -> Asset:
    """A checked new card: code, plan, the "registered" event."""
    give_code(session, asset, demo=demo)
    set_plan(asset)
    session.add(asset)
    record(session, asset, "registered", user_id=user_id, on=asset.acquired_on,
           value=asset.original_value, quantity=asset.quantity, life_months=asset.life_months)
    return asset


def change_life(session, asset: Asset, new_life, reason: str, *, user_id=None, through: Optional[date] = None) -> None:
    """The Director changes a card's life: the net value at the last month booked is spread over
    the new life's months still to come (rules.changed_life_plan)."""
    plan = card_plan(asset)
    through = through or asset.depreciated_through or rules.add_months(plan.first, -1)
    done = asset.life_months - plan.months_left(through)
    years = minimum_years(asset.category, asset.structure)
    net = Decimal(asset.original_value) - Decimal(asset.accumulated_depreciation)
    new = rules.changed_life_plan(net, new_life, done, rules.add_months(through, 1), reason, years)
    old = asset.life_months
    asset.life_months = rules.check_life_months(new_life)
    asset.dep_base, asset.dep_months, asset.dep_first = new.base, new.months, new.first
    asset.opening_accumulated = asset.accumulated_depreciation
    asset.short_life_minimum = None
    record(session, asset, "life_changed", user_id=user_id, on=new.first, note=reason.strip()[:500],
           old=old, new=asset.life_months, net=net)


def is_disposed(asset: Asset) -> bool:
    return asset.status == DISPOSED


def refuse_if_disposed(asset: Asset) -> None:
    """A disposed card is locked (core lock): say so before anything is written."""
    if is_disposed(asset):
        from app.locks import refuse_if_locked

        refuse_if_locked(asset)
        raise RuleError(ERR_DISPOSED_LOCKED)
