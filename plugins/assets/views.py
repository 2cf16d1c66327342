"""Screens of the register: the classes, the cards (ledger list, card page with its history and
stored depreciation rows, the Director's life change) and the card import."""
from __future__ import annotations

from flask import abort, flash, g, redirect, request, url_for
from flask_appbuilder import expose, has_access
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_appbuilder.fieldwidgets import BS3TextFieldWidget
from flask_appbuilder.security.decorators import permission_name
from flask_babel import gettext, lazy_gettext as _l
from sqlalchemy import select
from wtforms import StringField
from wtforms.validators import Optional

from app.extensions import db
from app.i18n import format_money
from app.periods import local_today
from app.rules import RuleError
from app.scoping import FilterCampusScope
from app.views.base import HouqinModelView, PerRequest, choice_label
from app.views.filters import COUNT_CAP, FilterActive
from app.views.imports import ImportMixin
from app.views.validators import rule_message

from . import catalog, depreciation, services
from .forms import VALIDATORS, extra_fields
from .imports import LedgerImporter
from .search import use_name_contains
from .labels import ASSET_LABELS, CATEGORY_LABELS, DETAIL_LABELS, HISTORY_HEADINGS
from .models import EVENT_LABELS, FUNDING, METHODS, STATUS_LABELS, Asset, AssetCategory, AssetEvent

ERR_CODE_NOT_BELOW = services.ERR_OWN_CLASS_PARENT


def financial_class_labels():
    from app.i18n import current_language

    en = current_language() == "en"
    return {k: (c.name_en if en else c.name_zh) for k, c in catalog.load().financial_classes.items()}


def _financial(value):
    return financial_class_labels().get(value, value or "")


def _money(value):
    return "" if value is None else format_money(value)


def _month(value):
    return "" if value is None else value.strftime("%Y-%m")


def _room_cells():
    """A room as "building room" without loading each room's building (the list joins rooms
    alone): the names come from the rooms map kept per worker until a room or building changes."""
    from .repair_queries import room_labels

    labels: dict = {}

    def cell(room):
        if room is None:
            return ""
        if not labels:  # once per page, on the first room shown
            labels.update(room_labels())
        building, name, _class_name = labels.get(room.id, ("", room.name, None))
        return f"{building} {name}".strip()
    return cell


def event_details(event) -> str:
    """An event's details as the office reads them: named in the user's language, empty ones left out."""
    labels = ASSET_LABELS
    parts = []
    for key, value in (event.detail or {}).items():
        if value in (None, "", []):
            continue
        if key == "fields":
            value = "、".join(str(labels.get(f, f)) for f in value if f in labels)
            if not value:
                continue
        parts.append(f"{DETAIL_LABELS.get(key, key)}: {value}")
    return "; ".join(parts)


class CategoryView(HouqinModelView):
    """The GB/T 14885-2022 tree as shipped (read-only) and the office's own classes below it."""

    datamodel = SQLAInterface(AssetCategory)
    list_title = _l("Asset classes")
    show_title = add_title = edit_title = _l("Asset class")
    list_columns = ["code", "name_zh", "name_en", "financial_class", "depreciable", "min_life_years", "code_source",
                    "shipped"]
    show_columns = ["code", "parent_code", "name_zh", "name_en", "financial_class", "depreciable", "min_life_years",
                    "life_by_structure", "life_source", "aliases", "code_source", "note", "shipped", "active"]
    add_columns = ["code", "name_zh", "name_en", "min_life_years", "aliases", "note"]
    edit_columns = ["name_zh", "name_en", "min_life_years", "aliases", "note", "active"]
    search_columns = ["code", "name_zh", "name_en", "financial_class", "shipped"]
    order_columns = ["code", "name_zh"]
    base_order = ("code", "asc")
    page_size = 100
    base_permissions = ["can_list", "can_show", "can_add", "can_edit", "can_export"]
    label_columns = CATEGORY_LABELS
    formatters_columns = {"financial_class": _financial}
    description_columns = {"code": _l("A GB/T 14885 code below an existing class, e.g. A05010399 → A05010398")}
    add_form_extra_fields = edit_form_extra_fields = {
        "aliases": StringField(CATEGORY_LABELS["aliases"], validators=[Optional()], widget=BS3TextFieldWidget()),
        "note": StringField(CATEGORY_LABELS["note"], validators=[Optional()], widget=BS3TextFieldWidget()),
    }

    def pre_add(self, item):
        super().pre_add(item)
        from .catalog import check_code, parent_code

        try:
            item.code = check_code(item.code, "code")
        except RuleError as err:
            raise ValueError(rule_message(err)) from None
        parent = db.session.execute(select(AssetCategory).where(AssetCategory.code == parent_code(item.code))
                                    ).scalar_one_or_none() if parent_code(item.code) else None
        if parent is None:
            raise ValueError(gettext(ERR_CODE_NOT_BELOW, parent=parent_code(item.code) or item.code))
        if db.session.execute(select(AssetCategory.id).where(AssetCategory.code == item.code)).first():
            raise ValueError(gettext(services.ERR_OWN_CLASS_TAKEN, code=item.code))
        # an office class inherits what the books need from its parent; its life not below the parent's
        item.parent_code, item.financial_class = parent.code, parent.financial_class
        item.depreciable, item.life_by_structure = parent.depreciable, parent.life_by_structure
        if item.depreciable and not item.life_by_structure:
            item.min_life_years = max(item.min_life_years or 0, parent.min_life_years or 0) or parent.min_life_years
        else:
            item.min_life_years = None
        item.life_source = parent.life_source or ""
        item.code_source, item.shipped, item.active = "office", False, True
        item.aliases, item.note = item.aliases or "", item.note or ""

    def pre_update(self, item):
        super().pre_update(item)
        item.aliases, item.note = item.aliases or "", item.note or ""
        if item.shipped:
            raise ValueError(gettext("The shipped classes are the reviewed table: add your own class below one instead"))


class AssetView(ImportMixin, HouqinModelView):
    """资产台账: the cards of the user's campuses (Staff: their own custody), with accumulated
    depreciation and net value read from the stored rows' total on the card."""

    datamodel = SQLAInterface(Asset)
    importer = LedgerImporter()
    attachment_owner = "assets.card"  # photos and invoices
    show_template = "assets/card.html"
    list_joins = ("category", "room", "custodian", "campus")
    name_search_relations = ("custodian",)
    count_cap = COUNT_CAP
    indexed_prefix_search = True
    campus_column = "campus_id"
    list_title = _l("Asset ledger")
    show_title = _l("Asset card")
    add_title = _l("New asset card")
    edit_title = _l("Edit asset card")
    list_columns = ["code", "legacy_no", "name", "category", "quantity", "unit", "original_value",
                    "accumulated_depreciation", "net_value", "room", "custodian", "status", "campus"]
    show_columns = ["code", "legacy_no", "name", "category", "brand", "model", "specification", "serial_no",
                    "quantity", "unit", "unit_price", "original_value", "accumulated_depreciation", "net_value",
                    "acquired_on", "acquisition_method", "funding_source", "supplier", "invoice_no", "campus", "room",
                    "department", "custodian", "status", "warranty_end", "life_months", "structure", "nominal",
                    "depreciated_through", "opening_accumulated", "opening_counted_to", "caught_up_in", "note"]
    add_columns = ["name", "legacy_no", "category", "brand", "model", "specification", "serial_no", "quantity", "unit",
                   "unit_price", "original_value", "acquired_on", "acquisition_method", "funding_source", "supplier",
                   "invoice_no", "campus", "room", "department", "custodian", "status", "warranty_end", "life_months",
                   "structure", "nominal", "note"]
    # the status moves only through the lifecycle's steps (core workflow)
    edit_columns = [c for c in add_columns if c != "status"]
    export_columns = ["code", "legacy_no", "name", "category.code", "category", "specification", "quantity", "unit",
                      "unit_price", "original_value", "accumulated_depreciation", "net_value", "acquired_on", "room",
                      "department", "custodian", "status", "campus"]
    money_columns = ("unit_price", "original_value", "accumulated_depreciation", "net_value")
    # rooms (2,000 in a large school) are searched on the property list, not as a drop-down here
    search_columns = ["code", "legacy_no", "name", "category", "status", "custodian", "acquired_on", "campus"]
    order_columns = ["code", "legacy_no", "name", "original_value", "acquired_on", "status"]
    base_order = ("code", "asc")
    base_permissions = ["can_list", "can_show", "can_add", "can_edit", "can_export", "can_import", "can_template",
                        "can_change_life", "can_assign", "can_set_idle", "can_set_repair", "can_back_in_use"]
    label_columns = ASSET_LABELS
    formatters_columns = {
        "status": choice_label(STATUS_LABELS), "acquisition_method": choice_label(METHODS),
        "funding_source": choice_label(FUNDING), "unit_price": _money, "original_value": _money,
        "accumulated_depreciation": _money, "net_value": _money, "opening_accumulated": _money,
        "depreciated_through": _month, "opening_counted_to": _month, "caught_up_in": _month,
        "room": PerRequest(_room_cells),
    }
    description_columns = {
        "original_value": _l("Unit price × quantity; a batch bought for one invoice total may differ by under half a fen per item"),
        "life_months": _l("Not below the class minimum (应用指南, 财会〔2017〕4号)"),
        "legacy_no": _l("The number on the existing label sticker"),
    }
    add_form_extra_fields = extra_fields()
    edit_form_extra_fields = extra_fields(edit=True)
    validators_columns = VALIDATORS
    add_form_query_rel_fields = {"room": [["campus_id", FilterCampusScope, False]],
                                 "custodian": [["campus_id", FilterCampusScope, False]],
                                 "category": [["active", FilterActive, None]]}
    edit_form_query_rel_fields = add_form_query_rel_fields

    @staticmethod
    def row_access():
        from .access import asset_access_clause

        return asset_access_clause()

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        use_name_contains(self.datamodel)  # search.py: any part of the name over distinct names
        self.show_template = "assets/card.html"  # core's show page (files, workflow) plus the card's own parts

    def pre_add(self, item):
        super().pre_add(item)
        item.structure = item.structure or None
        item.funding_source = item.funding_source or None
        errors = services.check_card(item)
        if errors:
            raise ValueError(" ".join(rule_message(e) for e in errors))
        services.register(db.session, item, user_id=g.user.id)

    def pre_update(self, item):
        super().pre_update(item)
        from sqlalchemy import inspect as sa_inspect

        item.structure = item.structure or None
        item.funding_source = item.funding_source or None
        state = sa_inspect(item)
        planned = ("original_value", "acquired_on", "life_months", "category_id", "category", "nominal", "structure")
        changed = [k for k in planned if k in state.attrs and state.attrs[k].history.has_changes()]
        if changed and services.has_rows(db.session, item):
            raise ValueError(gettext(services.ERR_LOCKED_FIELD))
        errors = services.check_card(item)
        if errors:
            raise ValueError(" ".join(rule_message(e) for e in errors))
        if changed:
            services.set_plan(item)
        services.record(db.session, item, "edited", user_id=g.user.id,
                        fields=sorted(k for k in state.attrs.keys() if state.attrs[k].history.has_changes()))

    def post_add(self, item):
        for warning in services.warnings(item):
            flash(rule_message(warning), "warning")

    def render_template(self, template, **kwargs):
        if template == self.show_template and getattr(g, "_assets_card", None) is not None:
            kwargs["card"] = card_context(g._assets_card)
        return super().render_template(template, **kwargs)

    def _get_show_widget(self, pk, item, **kwargs):
        g._assets_card = item
        return super()._get_show_widget(pk, item, **kwargs)

    @expose("/life/<int:pk>", methods=["POST"])
    @has_access
    @permission_name("change_life")
    def change_life(self, pk):
        """The Director's change of a card's life, with a reason (rules.changed_life_plan)."""
        item = self.visible(pk)
        if item is None:
            abort(404)
        try:
            services.change_life(db.session, item, request.form.get("life_months", ""), request.form.get("reason", ""),
                                 user_id=g.user.id)
            db.session.commit()
            flash(gettext("The useful life is now %(months)s months.", months=item.life_months), "success")
        except RuleError as err:
            db.session.rollback()
            flash(rule_message(err), "danger")
        return redirect(url_for(".show", pk=pk))


    # 闲置, 维修中 and back in use: core workflow transitions, posted from the card's buttons (the
    # card page does not take core's workflow panel: it would add three queries to every card)
    @expose("/set_idle/<int:pk>", methods=["POST"])
    @has_access
    @permission_name("set_idle")
    def set_idle(self, pk):
        return self._status(pk, "set_idle")

    @expose("/set_repair/<int:pk>", methods=["POST"])
    @has_access
    @permission_name("set_repair")
    def set_repair(self, pk):
        return self._status(pk, "set_repair")

    @expose("/back_in_use/<int:pk>", methods=["POST"])
    @has_access
    @permission_name("back_in_use")
    def back_in_use(self, pk):
        return self._status(pk, "back_in_use")

    def _status(self, pk, name):
        from app.workflow import transition

        item = self.visible(pk)
        if item is None:
            abort(404)
        try:
            transition(db.session, Asset, pk, name)
            services.record(db.session, db.session.get(Asset, pk), "status_changed", user_id=g.user.id,
                            on=local_today(), step=name)
            db.session.commit()
            flash(gettext("Status changed."), "success")
        except RuleError as err:
            db.session.rollback()
            flash(rule_message(err), "danger")
        return redirect(url_for(".show", pk=pk))

    @expose("/assign/<int:pk>", methods=["GET", "POST"])
    @has_access
    @permission_name("assign")
    def assign(self, pk):
        """领用: custodian, location and department, an event on the card."""
        from . import actions, lifecycle

        item = self.visible(pk)
        if item is None:
            abort(404)
        form = actions.AssignForm()
        form.custodian.choices = actions.staff_choices(item.campus_id)
        form.room.choices = actions.room_choices(item.campus_id)
        form.department.choices = actions.department_choices()
        if request.method == "GET":
            form.custodian.data, form.room.data = str(item.custodian_id or ""), str(item.room_id or "")
            form.department.data = str(item.department_id or "")

        def apply(f):
            return lifecycle.assign(db.session, item, custodian_id=actions.as_id(f.custodian.data),
                                    room_id=actions.as_id(f.room.data), department_id=actions.as_id(f.department.data),
                                    on=actions.date_of(f, "on"))

        def done(_result):
            flash(gettext("Assigned."), "success")
            return redirect(url_for(".show", pk=pk))
        return actions.run_step(self, form, apply, success=done,
                                template_args=dict(asset=item, title=gettext("Assign"), submit_label=gettext("Assign"),
                                                   back=url_for(".show", pk=pk)))


def card_context(item: Asset) -> dict:
    """What the card page adds below the fields: warnings, history and stored rows (two queries)."""
    events = db.session.execute(select(AssetEvent).where(AssetEvent.asset_id == item.id)
                                .order_by(AssetEvent.id.desc()).limit(200)).scalars().all()
    rows = depreciation.rows_of(db.session, item.id)
    return {"asset": item, "warnings": [rule_message(w) for w in services.warnings(item)], "events": events,
            "rows": rows, "event_labels": {k: str(v) for k, v in EVENT_LABELS.items()}, "who": _who(),
            "headings": {k: str(v) for k, v in HISTORY_HEADINGS.items()}, "details": event_details,
            "may_change_life": g.user is not None and _may("can_change_life", "AssetView"),
            "steps": card_steps(item), "status_buttons": status_buttons(item),
            "not_depreciated": not services.depreciable(item)}


def _who():
    """event -> who did it, as a person reads it: the staff member's name (login beside it when it
    differs), the login for a login with no staff record, nothing for the system (a job)."""
    from .repair_queries import user_labels

    users = user_labels()

    def who(event):
        if event.user_id is None:
            return ""
        shown = users.get(event.user_id)
        if shown is None:  # a login made since the names were read: its own row
            return event.user.username if event.user is not None else ""
        name, _full, login = shown
        return name if name == login else f"{name} ({login})"
    return who


def _may(permission, view):
    from flask import current_app

    return current_app.appbuilder.sm.has_access(permission, view)


STATUS_STEPS = (("set_idle", ("in_use",), _l("Mark idle")), ("set_repair", ("in_use", "idle"), _l("Mark under repair")),
                ("back_in_use", ("idle", "repair"), _l("Back in use")))


def status_buttons(item: Asset) -> list:
    """(label, url, name) of the status steps open to this user from the card's status."""
    return [(str(label), url_for(f"AssetView.{name}", pk=item.id), name) for name, sources, label in STATUS_STEPS
            if item.status in sources and g.user is not None and _may(f"can_{name}", "AssetView")]


def card_steps(item: Asset) -> list:
    """The lifecycle steps the user may start from this card: (label, url, id)."""
    from .lifecycle_models import Loan

    if item.status == "disposed" or g.user is None:
        return []
    steps = []
    loan = db.session.execute(select(Loan.id).where(Loan.asset_id == item.id, Loan.status == "open")).scalar() \
        if item.status == "lent" else None
    for perm, view, label, endpoint, args, when in (
            ("can_assign", "AssetView", _l("Assign"), "AssetView.assign", {"pk": item.id}, item.status != "lent"),
            ("can_add", "LoanView", _l("Lend"), "LoanView.lend", {"asset_id": item.id}, item.status in ("in_use", "idle")),
            ("can_give_back", "LoanView", _l("Return"), "LoanView.give_back_form", {"pk": loan}, loan is not None),
            ("can_add", "TransferView", _l("Transfer"), "TransferView.start", {"asset_id": item.id},
             item.status != "lent"),
            ("can_add", "DamageView", _l("Record damage"), "DamageView.start", {"asset_id": item.id}, True),
            ("can_add", "DisposalView", _l("Request disposal"), "DisposalView.start", {"asset_id": item.id},
             item.status in ("in_use", "idle", "repair"))):
        if when and _may(perm, view):
            steps.append((str(label), url_for(endpoint, **args), endpoint.replace(".", "-")))
    return steps
