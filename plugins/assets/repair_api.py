"""REST API of repairs, with the screens' rules and messages (the same services):
/api/v1/assetrepair/ (GET the requests the user may see), POST /report {room_id, asset_id,
description, urgency}, and the steps /<pk>/dispatch {repairer_id | vendor}, /<pk>/fix {work,
materials, cost}, /<pk>/confirm, /<pk>/send_back {reason}, /<pk>/cancel {reason}. Refusals: 403, 404,
409 {"message"}, 422 {"message": {field: [...]}}; never 500."""
from __future__ import annotations

from flask_appbuilder.api import expose, protect, safe
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_appbuilder.security.decorators import permission_name

from app.extensions import db
from app.rules import N_, RuleError
from app.workflow import InputErrors

from . import repairs
from .access import repair_access_clause
from .lifecycle_api import ActionApi, Body, _doc, done
from .repair_models import RepairRequest

# the API names its fields as the body does
API_FIELDS = {"room": "room_id", "asset": "asset_id", "repairer": "repairer_id"}


def _renamed(err: RuleError) -> RuleError:
    """Field names as the body has them; a refusal of another kind (moved on, not permitted) as it is."""
    if not isinstance(err, InputErrors) and type(err) is not RuleError:
        return err
    errors = [RuleError(e.message, field=API_FIELDS.get(e.field, e.field), **e.params)
              for e in (getattr(err, "errors", None) or [err])]
    return InputErrors(errors) if isinstance(err, InputErrors) or len(errors) > 1 else errors[0]


def _ids(body, key):
    try:
        return body.id(key)
    except RuleError as err:
        raise InputErrors([err]) from None


class RepairApi(ActionApi):
    resource_name = "assetrepair"
    datamodel = SQLAInterface(RepairRequest)
    campus_column = "campus_id"
    transition_routes = ("dispatch", "fix", "confirm", "send_back", "cancel")
    list_columns = show_columns = ["id", "number", "room_id", "asset_id", "description", "urgency", "reported_by_id",
                                   "reported_at", "due_at", "status", "dispatched_at", "repairer_id", "vendor",
                                   "work", "materials", "cost", "fixed_at", "confirmed_at", "sent_back", "note",
                                   "campus_id"]
    order_columns = ["id", "reported_at"]
    base_permissions = ["can_get", "can_info", "can_post"]
    row_access = staticmethod(repair_access_clause)

    @expose("/report", methods=["POST"])
    @protect()
    @safe
    @permission_name("post")
    @_doc("Report a fault (room_id, asset_id: one of the room's cards or none, description, urgency "
          "normal|urgent|low). Photos: POST /attachments/assets.repair/<id>/upload.")
    def report(self):
        def build(b):
            urgency = b.data.get("urgency") or "normal"
            try:
                return repairs.report(db.session, RepairRequest(
                    room_id=_ids(b, "room_id"), asset_id=_ids(b, "asset_id"),
                    description=b.data.get("description") if isinstance(b.data.get("description"), str) else "",
                    urgency=urgency if isinstance(urgency, str) else "?"))
            except RuleError as err:
                raise _renamed(err) from None
        return self.act(build)

    def perform_transition(self, name, item, *, reason, external):
        body = Body()
        try:
            if name == "dispatch":
                vendor = body.data.get("vendor")
                return done(repairs.dispatch(db.session, item.id, repairer_id=_ids(body, "repairer_id"),
                                             vendor=vendor if isinstance(vendor, str) else None))
            if name == "fix":
                cost = body.data.get("cost")
                if isinstance(cost, bool) or not isinstance(cost, (str, int, float, type(None))):
                    raise InputErrors([RuleError(N_("Not a valid choice"), field="cost")])
                return done(repairs.fix(db.session, item.id, work=_text(body, "work"),
                                        materials=_text(body, "materials"), cost=None if cost is None else str(cost)))
            if name == "confirm":
                return done(repairs.confirm(db.session, item.id))
            if name == "send_back":
                return done(repairs.send_back(db.session, item.id, reason or ""))
            return done(repairs.cancel(db.session, item.id, reason or ""))
        except RuleError as err:
            raise _renamed(err) from None


def _text(body, key):
    value = body.data.get(key)
    return value if isinstance(value, str) else ""
