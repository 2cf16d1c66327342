"""固定资产/校产 — the fixed-assets register that matches the books.

Adds: the GB/T 14885-2022 class tree (categories.csv, reviewed; the office's own classes below
it), asset cards (code from core numbering, photos and invoices as core attachments, history,
stored depreciation rows), the month-end depreciation run (政府会计准则第3号: a core monthly job
`assets.depreciation`, `flask houqin depreciate --month YYYY-MM` and the keeper's button;
months closed by the Director), the import of the existing Excel ledger (core importer), the
ledger reports (ledger, summary by class and financial class with a chart, the property list
of a room or custodian for signing, the depreciation schedule; on screen, A4 and Excel), the
monthly reconciliation with finance (keeper and accountant), a REST API, the custody panel on
the staff record, demo data. Pure rules in rules.py, values.py and catalog.py.
"""
import os
from decimal import Decimal

from flask_babel import lazy_gettext as _l

from app.attachments import AttachmentOwner
from app.jobs import Job, monthly
from app.manifest import SELF_SERVICE, menus, perms
from app.numbering import Sequence
from app.plugin import CatalogueRole, Link, Menu, Plugin, SettingSpec, View

from .cli import depreciate_command
from .todo import PANELS, TODOS

MENU = "Assets"
READ = ("can_list", "can_show", "can_export")
REPORTS = ("can_ledger", "can_summary", "can_property_list", "can_schedule")
ALL_MENUS = ("Assets", "Asset ledger", "Asset classes", "Month-end depreciation", "Depreciation rows",
             "Reconciliation", "Ledger report", "Summary by class", "Property list", "Depreciation schedule")
API_READ = ("can_get", "can_info")

ROLES = {
    "AssetKeeper": (
        perms("AssetView", READ + ("can_add", "can_edit", "can_import", "can_template"))
        + perms("CategoryView", READ + ("can_add", "can_edit"))
        + perms("DepreciationView", ("can_index", "can_run"))
        + perms("DepreciationRowView", READ)
        + perms("AssetReportsView", REPORTS)
        + perms("ReconciliationView", ("can_list", "can_show", "can_add", "can_edit", "can_import", "can_template",
                                       "can_sign"))
        + perms("ReconciliationLineView", ("can_list", "can_show", "can_edit"))
        + perms("AssetApi", API_READ + ("can_post", "can_put")) + perms("CategoryApi", API_READ)
        + perms("DepreciationRowApi", API_READ) + perms("ReconciliationApi", API_READ + ("can_sign",))
        + menus(*ALL_MENUS)
    ),
    # a login of its own: the self-service every core role has (own password, staff directory, to-do)
    "Accountant": (
        list(SELF_SERVICE) + perms("AssetView", READ) + perms("CategoryView", READ) + perms("DepreciationView", ("can_index",))
        + perms("DepreciationRowView", READ) + perms("AssetReportsView", REPORTS)
        + perms("ReconciliationView", ("can_list", "can_show", "can_confirm"))
        + perms("ReconciliationLineView", ("can_list", "can_show", "can_edit"))
        + perms("AssetApi", API_READ) + perms("CategoryApi", API_READ) + perms("DepreciationRowApi", API_READ)
        + perms("ReconciliationApi", API_READ + ("can_confirm",))
        + menus(*ALL_MENUS)
    ),
    "Director": (
        perms("AssetView", READ + ("can_change_life",)) + perms("CategoryView", READ)
        + perms("DepreciationView", ("can_index", "can_close")) + perms("DepreciationRowView", READ)
        + perms("AssetReportsView", REPORTS)
        + perms("ReconciliationView", ("can_list", "can_show", "can_reopen"))
        + perms("ReconciliationLineView", ("can_list", "can_show"))
        + perms("AssetApi", API_READ) + perms("CategoryApi", API_READ) + perms("DepreciationRowApi", API_READ)
        + perms("ReconciliationApi", API_READ + ("can_reopen",))
        + menus(*ALL_MENUS)
    ),
    "Auditor": (
        perms("AssetView", READ) + perms("CategoryView", READ) + perms("DepreciationView", ("can_index",))
        + perms("DepreciationRowView", READ) + perms("AssetReportsView", REPORTS)
        + perms("ReconciliationView", ("can_list", "can_show")) + perms("ReconciliationLineView", ("can_list", "can_show"))
        + perms("AssetApi", API_READ) + perms("CategoryApi", API_READ) + perms("DepreciationRowApi", API_READ)
        + perms("ReconciliationApi", API_READ)
        + menus(*ALL_MENUS)
    ),
    # 各室物品责任到人: staff see the assets in their own custody and print their list
    "Staff": (
        perms("AssetView", ("can_list", "can_show")) + perms("AssetReportsView", ("can_property_list",))
        + perms("AssetApi", API_READ) + menus("Assets", "Asset ledger", "Property list")
    ),
}

SETTINGS = [
    SettingSpec("assets_depreciation_start", _l("Depreciation starts"), "acquisition", "choice",
                choices=[("acquisition", _l("In the month of acquisition (当月增加当月计提)")),
                         ("next", _l("In the month after acquisition"))],
                description=_l("政府会计准则第3号: the month of acquisition unless the office decides otherwise.")),
    SettingSpec("assets_capitalisation_threshold", _l("Capitalisation threshold (yuan)"), Decimal("1000.00"),
                "decimal", minimum=0, places=2,
                description=_l("事业单位财务规则: a unit price below it is warned about, never refused.")),
    SettingSpec("assets_special_threshold", _l("Capitalisation threshold for special equipment (yuan)"),
                Decimal("1500.00"), "decimal", minimum=0, places=2),
]


def load_demo(session):
    from .demo import load

    load(session)


plugin = Plugin(
    name="assets",
    title=_l("Fixed assets"),
    version="1.0",
    package_dir=os.path.dirname(os.path.abspath(__file__)),
    models=("plugins.assets.models",),
    menus=[Menu(MENU, _l("Assets"), "fa-boxes", order=30)],
    views=[
        View("plugins.assets.views:AssetView", "Asset ledger", _l("Asset ledger"), "fa-list", MENU),
        View("plugins.assets.views:CategoryView", "Asset classes", _l("Asset classes"), "fa-sitemap", MENU),
        View("plugins.assets.month_end:DepreciationView", "Month-end depreciation", _l("Month-end depreciation"),
             "fa-calendar-check", MENU),
        View("plugins.assets.month_end:DepreciationRowView", "Depreciation rows", _l("Depreciation rows"),
             "fa-table", MENU),
        View("plugins.assets.reconcile:ReconciliationView", "Reconciliation", _l("Reconciliation with finance"),
             "fa-balance-scale", MENU),
        View("plugins.assets.reconcile:ReconciliationLineView"),
        View("plugins.assets.reports:AssetReportsView", "Ledger report", _l("Ledger report"), "fa-book", MENU,
             endpoint="AssetReportsView.ledger"),
    ],
    links=[
        Link("Summary by class", _l("Summary by class"), "AssetReportsView.summary", "fa-chart-bar", MENU),
        Link("Property list", _l("Property list"), "AssetReportsView.property_list", "fa-clipboard-list", MENU),
        Link("Depreciation schedule", _l("Depreciation schedule"), "AssetReportsView.schedule", "fa-calendar", MENU),
    ],
    apis=["plugins.assets.api:CategoryApi", "plugins.assets.api:AssetApi", "plugins.assets.api:DepreciationRowApi",
          "plugins.assets.reconcile:ReconciliationApi"],
    todos=TODOS,
    panels=PANELS,
    catalogue_roles=[CatalogueRole("Accountant", "会计", "Accountant",
                                   _l("Confirms the monthly reconciliation of the asset register with the books."))],
    roles=ROLES,
    settings=SETTINGS,
    attachment_owners=[AttachmentOwner("assets.card", "plugins.assets.models:Asset", view="AssetView",
                                       label=_l("Asset cards"))],
    sequences=[Sequence("assets.card", "{scope}-{period}-{n:04d}", period="year", label=_l("Asset codes")),
               Sequence("assets.demo_card", "DEMO-{scope}-{period}-{n:04d}", period="year",
                        label=_l("Demo asset codes"))],
    jobs=[Job("assets.depreciation", "plugins.assets.depreciation:month_end_job", _l("Month-end depreciation"),
              monthly(day=1, at="01:00"),
              description=_l("Stores each asset's depreciation for the month just ended (missed months first)."))],
    commands=[depreciate_command],
    demo=load_demo,
)
