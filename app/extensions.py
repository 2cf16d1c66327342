"""Extension objects, created without an app and bound in create_app()."""
from flask_appbuilder import Model
from flask_appbuilder.utils.legacy import get_sqla_class
from flask_migrate import Migrate
from flask_wtf.csrf import CSRFProtect

# model_class=Model: without it Alembic sees no tables (DESIGN.md).
db = get_sqla_class()(model_class=Model)
migrate = Migrate()
csrf = CSRFProtect()
