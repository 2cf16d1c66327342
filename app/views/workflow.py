"""Workflow transitions on screens and in the REST API, declared rather than coded:

    class DisposalView(TransitionsMixin, HouqinModelView):
        datamodel = SQLAInterface(Disposal)
        transition_routes = ("approve", "reject", "reopen")   # names of the model's transitions

gives POST /disposalview/do/approve/<pk> (permission can_approve on DisposalView), and on the show
page the record's state, the buttons the user may press from it (with a reason box, and the
external approval's fields above its threshold), its approvals and its earlier versions. A refused
transition re-shows the page with the message on the field and what was typed kept (422), or
flashes why when the record has moved on. `perform_transition` is the one place to call a
plugin's own service instead of the plain transition.

    class DisposalApi(TransitionsApiMixin, HouqinModelRestApi):
        transition_routes = ("approve", "reject", "reopen")

gives POST /api/v1/<resource>/<pk>/approve with {"reason", "external": {"body", "number", "date"}},
answering 200 {"id", "state"}, 403, 404, 409 {"message"} (moved on, locked) or 422 {"message":
{field: [...]}}; documented in the OpenAPI spec.

RecordVersionView shows the readable versions of a locked record to those who may read it.
"""
from __future__ import annotations

from flask import abort, flash, g, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_appbuilder.api import expose as api_expose, protect, safe
from flask_appbuilder.security.decorators import permission_name
from flask_babel import gettext, lazy_gettext as _l
from marshmallow import Schema, fields

from ..extensions import db
from ..versions import shown_value, versions as record_versions
from ..rules import RuleError
from ..workflow import (StateMoved, approvals, available, field_errors, find_transition, refusal_response,
                        transition, workflows)
from .validators import rule_message

REOPEN_NOTE = _l("The current content is kept as a readable version.")
DONE_DEFAULT = _l("Done: %(action)s.")


def external_threshold(record, t):
    """The amount from which this transition's approval needs the external reference, when the
    record reaches it (for the form); else None."""
    from decimal import Decimal

    from flask import current_app

    approval = t.approval
    if approval is None or approval.amount is None or approval.external_from is None:
        return None
    amount = approval.amount(record) if callable(approval.amount) else getattr(record, approval.amount)
    threshold = approval.external_from
    if isinstance(threshold, str):
        threshold = current_app.extensions["houqin_settings"].get(threshold)
    if amount is None or threshold is None or Decimal(str(amount)) < Decimal(str(threshold)):
        return None
    return threshold


def _add_routes(cls, decorate, doc) -> None:
    """One route per declared transition, do_<name>, guarded by the permission can_<name>."""
    for name in cls.transition_routes:
        attr = f"do_{name}"
        if attr in cls.__dict__:
            continue

        def handler(self, pk, _name=name):
            return self.run_transition(_name, pk)
        handler.__name__ = attr
        handler.__doc__ = doc(name)
        setattr(cls, attr, decorate(name, handler))


def _add_permissions(view) -> None:
    """A view that lists its permissions must list the transitions' too."""
    if view.base_permissions is not None:
        view.base_permissions = list(view.base_permissions) + [
            f"can_{n}" for n in view.transition_routes if f"can_{n}" not in view.base_permissions]


def _form_input():
    form = request.form
    external = {k: form.get(f"external_{k}") for k in ("body", "number", "date")}
    return form.get("reason"), (external if any(external.values()) else None)


class TransitionsMixin:
    transition_routes: tuple[str, ...] = ()
    show_template = "houqin/show.html"

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        _add_routes(cls, lambda name, handler: expose(f"/do/{name}/<int:pk>", methods=["POST"])(
            has_access(permission_name(name)(handler))), lambda name: f"Run the transition {name!r}.")

    def __init__(self, **kwargs):
        _add_permissions(self)
        super().__init__(**kwargs)

    # -- running -------------------------------------------------------------------------------
    def perform_transition(self, name: str, item, *, reason, external):
        """Run the transition (override to call the plugin's service for `name`)."""
        return transition(db.session, self.datamodel.obj, self.datamodel.get_pk_value(item), name,
                          reason=reason, external=external)

    def run_transition(self, name: str, pk):
        item = self.datamodel.get(pk, self._base_filters)
        if item is None:
            abort(404)
        _flow, t = find_transition(self.datamodel.obj, name)
        reason, external = _form_input()
        try:
            self.perform_transition(name, item, reason=reason, external=external)
            db.session.commit()
        except RuleError as err:
            db.session.rollback()
            status = getattr(err, "http_status", 422)
            if status == 422:
                errors: dict[str, list[str]] = {}
                for e in field_errors(err):
                    errors.setdefault(e.field or "message", []).append(rule_message(e))
                g._hq_transition = {"name": name, "errors": errors, "values": request.form.to_dict()}
                return self._show_again(pk), 422
            flash(rule_message(err), "danger")
            return redirect(url_for(f"{self.endpoint}.show", pk=pk))
        flash(str(t.done) if t.done else gettext(DONE_DEFAULT, action=str(t.label or name)), "success")
        return redirect(url_for(f"{self.endpoint}.show", pk=pk))

    def _show_again(self, pk):
        widgets = self._show(pk)
        return self.render_template(self.show_template, pk=pk, title=self.show_title, widgets=widgets,
                                    related_views=self._related_views)

    # -- the show page ---------------------------------------------------------------------------
    def render_template(self, template, **kwargs):
        if template == self.show_template and "pk" in kwargs:
            item = self.datamodel.get(kwargs["pk"], self._base_filters)
            if item is not None:
                kwargs["hq_flow"] = self.workflow_panel(item)
        return super().render_template(template, **kwargs)

    def workflow_panel(self, item) -> dict:
        model = self.datamodel.obj
        pk = self.datamodel.get_pk_value(item)
        posted = g.get("_hq_transition") or {}
        buttons = []
        for flow, t in available(item):
            if t.name not in self.transition_routes:
                continue
            threshold = external_threshold(item, t)
            mine = posted.get("name") == t.name
            errors = posted.get("errors", {}) if mine else {}
            own = {"reason", "external_body", "external_number", "external_date"}
            buttons.append(dict(
                general=[m for key, messages in errors.items() if key not in own for m in messages],
                name=t.name, label=str(t.label or t.name), style=t.style, needs_reason=t.needs_reason,
                reopen=t.reopen, threshold=threshold,
                url=url_for(f"{self.endpoint}.do_{t.name}", pk=pk),
                errors=errors,
                typed=posted.get("values", {}) if mine else {}))
        flows = workflows(model)
        kept = record_versions(db.session, model, pk)
        # Approvals given before the last reopen belong to an earlier version, not to this content.
        since = kept[0].at if kept else None
        return dict(
            states=[(flow.label(getattr(item, flow.column)), flow.is_locked(getattr(item, flow.column)))
                    for flow in flows],
            buttons=buttons, reopen_note=str(REOPEN_NOTE),
            approvals=[a for a in approvals(db.session, model, pk) if since is None or a.at >= since],
            versions=kept,
            versions_url=url_for("RecordVersionView.record", table=model.__tablename__, pk=pk))


# -- the REST API ------------------------------------------------------------------------------------

class ExternalApprovalSchema(Schema):
    body = fields.String(metadata={"description": "The approving body (审批机关)"})
    number = fields.String(metadata={"description": "Its document number (批复文号)"})
    date = fields.Date(metadata={"description": "The approval's date"})


class TransitionSchema(Schema):
    """The body of POST /api/v1/<resource>/<pk>/<transition>."""

    reason = fields.String(metadata={"description": "Required by transitions that ask for a reason (reopen ...)"})
    external = fields.Nested(ExternalApprovalSchema, metadata={
        "description": "The external approval, required from the approval's threshold on"})


API_DOC = """Run the transition '{name}' once (a conditional update: a second request finds the state moved on).
---
post:
  parameters:
  - in: path
    name: pk
    schema:
      type: integer
  requestBody:
    required: false
    content:
      application/json:
        schema:
          $ref: '#/components/schemas/TransitionSchema'
  responses:
    200:
      description: Done; the record's new state
    403:
      $ref: '#/components/responses/403'
    404:
      $ref: '#/components/responses/404'
    409:
      description: The record has moved on, or is locked
    422:
      $ref: '#/components/responses/422'
"""


class TransitionsApiMixin:
    transition_routes: tuple[str, ...] = ()

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        _add_routes(cls, lambda name, handler: api_expose(f"/<int:pk>/{name}", methods=["POST"])(
            protect()(safe(permission_name(name)(handler)))), lambda name: API_DOC.format(name=name))

    def __init__(self):
        _add_permissions(self)
        self.openapi_spec_component_schemas = tuple(self.openapi_spec_component_schemas or ()) + (
            TransitionSchema, ExternalApprovalSchema)
        super().__init__()

    def perform_transition(self, name: str, item, *, reason, external):
        return transition(db.session, self.datamodel.obj, self.datamodel.get_pk_value(item), name,
                          reason=reason, external=external)

    def run_transition(self, name: str, pk):
        item = self.datamodel.get(pk, self._base_filters)
        if item is None:
            return self.response_404()
        body = request.get_json(silent=True)
        if body is None:
            body = {}
        if not isinstance(body, dict) or not isinstance(body.get("external") or {}, dict):
            return self.response_400(message="Request is not a JSON object")
        try:
            outcome = self.perform_transition(name, item, reason=body.get("reason"), external=body.get("external"))
            db.session.commit()
        except RuleError as err:
            db.session.rollback()
            return refusal_response(self, err)
        return self.response(200, id=pk, state=outcome.target, self_approved=outcome.self_approved)


# -- readable versions -----------------------------------------------------------------------------

def _owner_view(model):
    """The screen that shows records of `model` (its labels and who may read it)."""
    from flask import current_app

    for view in current_app.appbuilder.baseviews:
        datamodel = getattr(view, "datamodel", None)
        if datamodel is not None and getattr(datamodel, "obj", None) is model and hasattr(view, "show_columns"):
            yield view


def _readable(model, pk):
    """The view through which the current user may read this record, or None."""
    from flask import current_app

    sm = current_app.appbuilder.sm
    for view in _owner_view(model):
        if sm.has_access("can_show", view.class_permission_name) and \
                view.datamodel.get(pk, view._base_filters) is not None:
            return view
    return None


class RecordVersionView(BaseView):
    """/versions/<table>/<pk>: the earlier contents of a record (who, when, why), for whoever may
    read the record itself on its own screen."""

    route_base = "/versions"
    default_view = "record"

    def _guard(self, table, pk):
        """The record's model and the screen through which the user may read it (signed in first)."""
        from ..locks import info

        user = getattr(g, "user", None)
        if user is None or not user.is_authenticated:
            return None, redirect(url_for(f"{self.appbuilder.sm.auth_view.__class__.__name__}.login",
                                          next=request.url))
        model = info().by_table.get(table)
        view = _readable(model, pk) if model is not None else None
        if view is None:
            abort(404)
        return model, view

    @expose("/<table>/<int:pk>")
    def record(self, table, pk):
        model, view = self._guard(table, pk)
        if model is None:
            return view
        rows = record_versions(db.session, model, pk)
        return self.render_template("houqin/versions.html", rows=rows, table=table, pk=pk,
                                    state_label=lambda state: _state_label(model, state),
                                    back=url_for(f"{view.endpoint}.show", pk=pk), title=gettext("Versions"),
                                    record=str(view.datamodel.get(pk)))

    @expose("/<table>/<int:pk>/<int:number>")
    def version(self, table, pk, number):
        from sqlalchemy import select

        from ..models.workflow import RecordVersion

        model, view = self._guard(table, pk)
        if model is None:
            return view
        row = db.session.execute(select(RecordVersion).where(
            RecordVersion.table_name == table, RecordVersion.record_id == str(pk),
            RecordVersion.number == number)).scalar_one_or_none()
        if row is None:
            abort(404)
        current = view.datamodel.get(pk)
        fields_ = []
        for key, label, value, raw_now in _readable_fields(model, view, row.data.get("fields") or {}, current,
                                                         getattr(view, "show_columns", None)):
            fields_.append(dict(key=key, label=label, value=value, changed=raw_now is not _NOT_SHOWN
                                and raw_now != (row.data.get("fields") or {}).get(key)))
        children = [_child_table(table_name, rows_, model) for table_name, rows_ in
                    (row.data.get("children") or {}).items()]
        for title, rows_ in (row.data.get("extra") or {}).items():  # a plugin's own snapshot data
            rows_ = rows_ if isinstance(rows_, list) else [{"": rows_}]
            keys = list(rows_[0]) if rows_ and isinstance(rows_[0], dict) else [""]
            children.append(dict(title=title, headers=keys, rows=[[r.get(k) if isinstance(r, dict) else r
                                                                     for k in keys] for r in rows_]))
        return self.render_template("houqin/version.html", row=row, fields=fields_, children=children,
                                    back=url_for(".record", table=table, pk=pk), title=gettext("Version %(n)s", n=number),
                                    state=_state_label(model, row.state), record=str(current))


_NOT_SHOWN = object()


def _readable_fields(model, view, stored: dict, current, columns):
    """(column, label, value as shown, current stored value) for the columns the record's own screen
    shows, in its order: a relation by the related record's name, a state by its label, dates and
    yes/no in the house formats. Columns the screen does not show (keys, hashes) are left out."""
    from datetime import date as date_, datetime as datetime_

    from sqlalchemy import inspect as sa_inspect

    from ..i18n import format_date, format_datetime
    from .base import yes_no

    labels = dict(getattr(view, "label_columns", {}) or {})
    mapper = sa_inspect(model)
    flows = {flow.column: flow for flow in workflows(model)}
    out = []
    for name in columns or list(stored):
        key, related = name, None
        if name in mapper.relationships:
            rel = mapper.relationships[name]
            if rel.direction.name != "MANYTOONE":
                continue
            (local, _remote), = rel.local_remote_pairs
            key, related = local.key, rel.mapper.class_
        if key not in stored:
            continue
        value = stored[key]
        now = shown_value(current, key, getattr(current, key, None)) if current is not None else _NOT_SHOWN
        if related is not None and value is not None:
            obj = db.session.get(related, value)
            value = str(obj) if obj is not None else f"#{value}"
        elif key in flows:
            value = flows[key].label(value)
        elif isinstance(value, bool):
            value = yes_no()[value]
        elif isinstance(value, str) and len(value) >= 10 and value[4:5] == "-" and value[7:8] == "-":
            try:
                value = format_datetime(datetime_.fromisoformat(value)) if "T" in value else \
                    format_date(date_.fromisoformat(value))
            except ValueError:
                pass
        out.append((key, str(labels.get(name, name)), value, now))
    return out


def _child_table(table: str, rows: list[dict], parent_model) -> dict:
    """A child table of a version with the columns and headings its own screen lists."""
    from ..locks import info

    model = info().by_table.get(table)
    view = next(iter(_owner_view(model)), None) if model is not None else None
    title = str(getattr(view, "list_title", "") or table) if view is not None else table
    columns = [c for c in (getattr(view, "list_columns", None) or list(rows[0] if rows else []))
               if _relation_target(model, c) is not parent_model]
    table_rows, headers = [], []
    for row in rows:
        shown = _readable_fields(model, view, row, None, columns) if model is not None else \
            [(k, k, v, _NOT_SHOWN) for k, v in row.items()]
        headers = [label for _key, label, _value, _now in shown]
        table_rows.append([value for _key, _label, value, _now in shown])
    return dict(title=title, headers=headers, rows=table_rows)


def _relation_target(model, name):
    from sqlalchemy import inspect as sa_inspect

    if model is None:
        return None
    rels = sa_inspect(model).relationships
    return rels[name].mapper.class_ if name in rels else None


def _state_label(model, state):
    for flow in workflows(model):
        if state in flow.states:
            return flow.label(state)
    return state or ""


__all__ = ["TransitionsMixin", "TransitionsApiMixin", "RecordVersionView", "TransitionSchema", "StateMoved"]
