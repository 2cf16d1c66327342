"""Extension objects, created without an app and bound in create_app()."""
from flask_appbuilder import Model
from flask_appbuilder.utils.legacy import get_sqla_class
from flask_migrate import Migrate
from flask_wtf.csrf import CSRFProtect

# model_class=Model: without it Alembic sees no tables (DESIGN.md).
db = get_sqla_class()(model_class=Model)
migrate = Migrate()
csrf = CSRFProtect()

# The per-request work core adds to every page (the user, permissions, to-do count, settings
# freshness; a session check) is tagged with this execution option, {FRAME: "user"} etc., so the
# page budget (at most 4 statements, docs/architecture.md) is counted by tests and the bench.
FRAME = "houqin_frame"
