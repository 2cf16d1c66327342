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
Purchases and the lifecycle (issue 15): lifecycle_*.py, purchases.py. Repairs (报修, issue 16):
repair_*.py, repairs.py, the 维修工 (Repairer) role.
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
from .lifecycle_todo import LIFECYCLE_TODOS
from .repair_todo import REPAIR_TODOS, REPAIR_WIDGETS
from .todo import PANELS, TODOS

MENU = "Assets"
READ = ("can_list", "can_show", "can_export")
REPORTS = ("can_ledger", "can_summary", "can_property_list", "can_schedule")
ALL_MENUS = ("Assets", "Asset ledger", "Asset classes", "Month-end depreciation", "Depreciation rows",
             "Reconciliation", "Ledger report", "Summary by class", "Property list", "Depreciation schedule")
API_READ = ("can_get", "can_info")
# issue 15: purchases and the lifecycle
LIFECYCLE_MENUS = ("Purchase requests", "Receipts", "Loans", "Transfers", "Damage", "Disposals", "Term-end recall",
                   "Purchase report", "Loan report", "Transfer report", "Damage report", "Disposal report")
LIFECYCLE_READ = (
    perms("PurchaseView", READ) + perms("ReceiptView", READ) + perms("LoanView", READ) + perms("TransferView", READ)
    + perms("DamageView", READ) + perms("DisposalView", READ + ("can_form",))
    + perms("LifecycleReportsView", ("can_recall", "can_purchases", "can_loans", "can_transfers", "can_damage",
                                     "can_disposals"))
    + perms("PurchaseApi", API_READ) + perms("ReceiptApi", API_READ) + perms("LoanApi", API_READ)
    + perms("TransferApi", API_READ) + perms("DamageApi", API_READ) + perms("DisposalApi", API_READ)
    + menus(*LIFECYCLE_MENUS)
)
# the reviewer (审核人) of a receipt is often the Director or the accountant
RECEIPT_REVIEW = perms("ReceiptView", ("can_confirm",)) + perms("ReceiptApi", ("can_confirm",))
STATUS_STEPS = ("can_set_idle", "can_set_repair", "can_back_in_use")
KEEPER_LIFECYCLE = (
    LIFECYCLE_READ
    + perms("AssetView", STATUS_STEPS + ("can_assign",)) + perms("AssetApi", STATUS_STEPS)
    + perms("PurchaseView", ("can_add", "can_submit", "can_for_any_department"))
    + perms("PurchaseApi", ("can_create", "can_submit"))
    + perms("ReceiptView", ("can_add", "can_confirm")) + perms("ReceiptApi", ("can_add", "can_confirm"))
    + perms("LoanView", ("can_add", "can_give_back")) + perms("LoanApi", ("can_post", "can_give_back"))
    + perms("TransferView", ("can_add", "can_receive", "can_refuse"))
    + perms("TransferApi", ("can_post", "can_receive", "can_refuse"))
    + perms("DamageView", ("can_add", "can_mark_paid")) + perms("DamageApi", ("can_post", "can_mark_paid"))
    + perms("DisposalView", ("can_add",)) + perms("DisposalApi", ("can_post",))
)
DIRECTOR_LIFECYCLE = (
    LIFECYCLE_READ + RECEIPT_REVIEW
    + perms("PurchaseView", ("can_approve", "can_reject", "can_add", "can_submit", "can_for_any_department"))
    + perms("PurchaseApi", ("can_approve", "can_reject", "can_create", "can_submit"))
    + perms("DisposalView", ("can_approve", "can_reject")) + perms("DisposalApi", ("can_approve", "can_reject"))
)
# Staff request purchases for their department, see their loans, confirm receipts they are named in
STAFF_LIFECYCLE = (
    perms("PurchaseView", ("can_list", "can_show", "can_add", "can_submit"))
    + perms("PurchaseApi", API_READ + ("can_create", "can_submit"))
    + perms("ReceiptView", ("can_list", "can_show", "can_confirm")) + perms("ReceiptApi", API_READ + ("can_confirm",))
    + perms("LoanView", ("can_list", "can_show")) + perms("LoanApi", API_READ)
    + menus("Purchase requests", "Receipts", "Loans")
)

# issue 16: repairs (报修). Every staff member reports and confirms their own; the 维修工 works the
# requests dispatched to them; the keeper dispatches; the Director and the Auditor read all.
REPAIR_MENUS = ("Repairs", "Report a fault", "Repair requests")
REPAIR_REPORT = (
    perms("RepairView", ("can_list", "can_show", "can_add", "can_confirm", "can_send_back"))
    + perms("RepairApi", API_READ + ("can_post", "can_confirm", "can_send_back")) + menus(*REPAIR_MENUS)
)
REPAIR_READ_ALL = (
    perms("RepairView", ("can_list", "can_show", "can_export")) + perms("RepairApi", API_READ)
    + perms("RepairDeskView", ("can_open",)) + perms("RepairReportsView", ("can_log", "can_stats"))
    + menus(*REPAIR_MENUS[:1] + REPAIR_MENUS[2:], "Open repairs", "Repair log", "Repair statistics")
)
REPAIR_KEEPER = (
    REPAIR_REPORT + REPAIR_READ_ALL + perms("RepairView", ("can_dispatch", "can_fix", "can_cancel"))
    + perms("RepairApi", ("can_dispatch", "can_fix", "can_cancel"))
)
REPAIRER = (
    list(SELF_SERVICE) + REPAIR_REPORT + perms("RepairView", ("can_fix",)) + perms("RepairApi", ("can_fix",))
    + perms("RepairDeskView", ("can_queue",)) + menus("My repair queue")
)

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
        + menus(*ALL_MENUS) + KEEPER_LIFECYCLE + REPAIR_KEEPER
    ),
    # a login of its own: the self-service every core role has (own password, staff directory, to-do)
    "Accountant": (
        list(SELF_SERVICE) + perms("AssetView", READ) + perms("CategoryView", READ) + perms("DepreciationView", ("can_index",))
        + perms("DepreciationRowView", READ) + perms("AssetReportsView", REPORTS)
        + perms("ReconciliationView", ("can_list", "can_show", "can_confirm"))
        + perms("ReconciliationLineView", ("can_list", "can_show", "can_edit"))
        + perms("AssetApi", API_READ) + perms("CategoryApi", API_READ) + perms("DepreciationRowApi", API_READ)
        + perms("ReconciliationApi", API_READ + ("can_confirm",))
        + menus(*ALL_MENUS) + LIFECYCLE_READ + RECEIPT_REVIEW + REPAIR_REPORT
    ),
    "Director": (
        perms("AssetView", READ + ("can_change_life",)) + perms("CategoryView", READ)
        + perms("DepreciationView", ("can_index", "can_close")) + perms("DepreciationRowView", READ)
        + perms("AssetReportsView", REPORTS)
        + perms("ReconciliationView", ("can_list", "can_show", "can_reopen"))
        + perms("ReconciliationLineView", ("can_list", "can_show"))
        + perms("AssetApi", API_READ) + perms("CategoryApi", API_READ) + perms("DepreciationRowApi", API_READ)
        + perms("ReconciliationApi", API_READ + ("can_reopen",))
        + menus(*ALL_MENUS) + DIRECTOR_LIFECYCLE + REPAIR_REPORT + REPAIR_READ_ALL
    ),
    "Auditor": (
        perms("AssetView", READ) + perms("CategoryView", READ) + perms("DepreciationView", ("can_index",))
        + perms("DepreciationRowView", READ) + perms("AssetReportsView", REPORTS)
        + perms("ReconciliationView", ("can_list", "can_show")) + perms("ReconciliationLineView", ("can_list", "can_show"))
        + perms("AssetApi", API_READ) + perms("CategoryApi", API_READ) + perms("DepreciationRowApi", API_READ)
        + perms("ReconciliationApi", API_READ)
        + menus(*ALL_MENUS) + LIFECYCLE_READ + REPAIR_READ_ALL
    ),
    # 各室物品责任到人: staff see the assets in their own custody and print their list
    "Staff": (
        perms("AssetView", ("can_list", "can_show")) + perms("AssetReportsView", ("can_property_list",))
        + perms("AssetApi", API_READ) + menus("Assets", "Asset ledger", "Property list") + STAFF_LIFECYCLE
        + REPAIR_REPORT
    ),
    # any logged-in user reports a fault (报修): the gate, the committees, the appraisers too
    "Gatekeeper": REPAIR_REPORT, "MealCommittee": REPAIR_REPORT, "Appraiser": REPAIR_REPORT,
    "Repairer": REPAIRER,
}

SETTINGS = [
    SettingSpec("assets_depreciation_start", _l("Depreciation starts"), "acquisition", "choice",
                choices=[("acquisition", _l("In the month of acquisition (当月增加当月计提)")),
                         ("next", _l("In the month after acquisition"))],
                description=_l("政府会计准则第3号: the month of acquisition unless the office decides otherwise.")),
    SettingSpec("assets_capitalisation_threshold", _l("Capitalisation threshold (yuan)"), Decimal("1000.00"),
                "decimal", minimum=0, places=2,
                description=_l("事业单位财务规则: a unit price below it is warned about, never refused.")),
    SettingSpec("assets_purchase_external_from", _l("Purchases approved with an external approval from (yuan)"),
                Decimal("1000.00"), "decimal", minimum=0, places=2,
                description=_l("购置仟元以内物品由园委会讨论通过, 仟元以上…再填表审批: below it the Director records "
                               "the 园委会's decision, from it the external approval (批复文号).")),
    SettingSpec("assets_disposal_external_from", _l("Disposals take effect after an external approval from (yuan)"),
                Decimal("10000.00"), "decimal", minimum=0, places=2,
                description=_l("An asset of this original value or more is disposed only with the approving body's "
                               "document recorded (上报有关部门审批).")),
    SettingSpec("assets_repair_day_ends", _l("Repairs: the working day ends at"), "17:30", "time",
                description=_l("做到当天通知维修部门, 不留问题过夜: a repair not fixed by this local time of the day it "
                               "was reported (reported later: of the next day) is flagged 过夜.")),
    SettingSpec("assets_special_threshold", _l("Capitalisation threshold for special equipment (yuan)"),
                Decimal("1500.00"), "decimal", minimum=0, places=2),
]


def _repair_files(record):
    from .repair_views import attachment_access

    return attachment_access(record)


def load_demo(session):
    from .demo import load

    load(session)


plugin = Plugin(
    name="assets",
    title=_l("Fixed assets"),
    version="1.0",
    package_dir=os.path.dirname(os.path.abspath(__file__)),
    models=("plugins.assets.models", "plugins.assets.lifecycle_models", "plugins.assets.repair_models"),
    menus=[Menu(MENU, _l("Assets"), "fa-boxes", order=30), Menu("Repairs", _l("Repairs"), "fa-tools", order=31)],
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
        View("plugins.assets.purchase_views:PurchaseView", "Purchase requests", _l("Purchase requests"),
             "fa-shopping-cart", MENU),
        View("plugins.assets.purchase_views:ReceiptView", "Receipts", _l("Receipts"), "fa-truck", MENU),
        View("plugins.assets.lifecycle_views:LoanView", "Loans", _l("Loans"), "fa-hand-holding", MENU),
        View("plugins.assets.lifecycle_views:TransferView", "Transfers", _l("Transfers"), "fa-exchange-alt", MENU),
        View("plugins.assets.lifecycle_views:DamageView", "Damage", _l("Damage and compensation"), "fa-hammer", MENU),
        View("plugins.assets.lifecycle_views:DisposalView", "Disposals", _l("Disposals"), "fa-trash", MENU),
        View("plugins.assets.lifecycle_reports:LifecycleReportsView", "Term-end recall", _l("Term-end recall of loans"),
             "fa-undo", MENU, endpoint="LifecycleReportsView.recall"),
        View("plugins.assets.repair_views:RepairView", "Report a fault", _l("Report a fault"), "fa-bullhorn",
             "Repairs", endpoint="RepairView.report"),
        View("plugins.assets.repair_views:RepairDeskView", "Open repairs", _l("Open repairs"), "fa-tools", "Repairs",
             endpoint="RepairDeskView.open"),
        View("plugins.assets.repair_reports:RepairReportsView", "Repair log", _l("Repair log (维修记录单)"), "fa-print",
             "Repairs", endpoint="RepairReportsView.log"),
    ],
    links=[
        Link("Summary by class", _l("Summary by class"), "AssetReportsView.summary", "fa-chart-bar", MENU),
        Link("Property list", _l("Property list"), "AssetReportsView.property_list", "fa-clipboard-list", MENU),
        Link("Depreciation schedule", _l("Depreciation schedule"), "AssetReportsView.schedule", "fa-calendar", MENU),
        Link("Purchase report", _l("Purchase report"), "LifecycleReportsView.purchases", "fa-file-invoice", MENU),
        Link("Loan report", _l("Loan report"), "LifecycleReportsView.loans", "fa-file-alt", MENU),
        Link("Transfer report", _l("Transfer report"), "LifecycleReportsView.transfers", "fa-file-alt", MENU),
        Link("Damage report", _l("Damage report"), "LifecycleReportsView.damage", "fa-file-alt", MENU),
        Link("Disposal report", _l("Disposal report"), "LifecycleReportsView.disposals", "fa-file-alt", MENU),
        Link("Repair requests", _l("Repair requests"), "RepairView.list", "fa-list", "Repairs"),
        Link("My repair queue", _l("My repair queue"), "RepairDeskView.queue", "fa-wrench", "Repairs"),
        Link("Repair statistics", _l("Repair statistics"), "RepairReportsView.stats", "fa-chart-bar", "Repairs"),
    ],
    apis=["plugins.assets.api:CategoryApi", "plugins.assets.api:AssetApi", "plugins.assets.api:DepreciationRowApi",
          "plugins.assets.reconcile:ReconciliationApi", "plugins.assets.lifecycle_api:PurchaseApi",
          "plugins.assets.lifecycle_api:ReceiptApi", "plugins.assets.lifecycle_api:LoanApi",
          "plugins.assets.lifecycle_api:TransferApi", "plugins.assets.lifecycle_api:DamageApi",
          "plugins.assets.lifecycle_api:DisposalApi", "plugins.assets.repair_api:RepairApi"],
    todos=TODOS + LIFECYCLE_TODOS + REPAIR_TODOS,
    widgets=REPAIR_WIDGETS,
    panels=PANELS,
    catalogue_roles=[CatalogueRole("Accountant", "会计", "Accountant",
                                   _l("Confirms the monthly reconciliation of the asset register with the books.")),
                     CatalogueRole("Repairer", "维修工", "Repairer",
                                   _l("Works the repair requests dispatched to them, on a phone: records the work, "
                                      "materials and cost and marks them fixed."))],
    roles=ROLES,
    settings=SETTINGS,
    attachment_owners=[AttachmentOwner("assets.card", "plugins.assets.models:Asset", view="AssetView",
                                       label=_l("Asset cards")),
                       AttachmentOwner("assets.purchase", "plugins.assets.lifecycle_models:PurchaseRequest",
                                       view="PurchaseView", label=_l("Purchase requests")),
                       AttachmentOwner("assets.receipt", "plugins.assets.lifecycle_models:Receipt", view="ReceiptView",
                                       label=_l("Receipts")),
                       AttachmentOwner("assets.damage", "plugins.assets.lifecycle_models:Damage", view="DamageView",
                                       label=_l("Damage and compensation")),
                       AttachmentOwner("assets.disposal", "plugins.assets.lifecycle_models:Disposal",
                                       view="DisposalView", label=_l("Disposals")),
                       AttachmentOwner("assets.repair", "plugins.assets.repair_models:RepairRequest",
                                       view="RepairView", access=_repair_files, label=_l("Repair requests"))],
    sequences=[Sequence("assets.card", "{scope}-{period}-{n:04d}", period="year", label=_l("Asset codes")),
               Sequence("assets.purchase", "CG{period}-{n:04d}", gaps=False, period="year",
                        label=_l("Purchase request numbers")),
               Sequence("assets.disposal", "BF{period}-{n:04d}", gaps=False, period="year",
                        label=_l("Disposal numbers")),
               Sequence("assets.repair", "WX{period}-{n:05d}", period="year", label=_l("Repair request numbers")),
               Sequence("assets.demo_card", "DEMO-{scope}-{period}-{n:04d}", period="year",
                        label=_l("Demo asset codes"))],
    jobs=[Job("assets.depreciation", "plugins.assets.depreciation:month_end_job", _l("Month-end depreciation"),
              monthly(day=1, at="01:00"),
              description=_l("Stores each asset's depreciation for the month just ended (missed months first)."))],
    commands=[depreciate_command],
    demo=load_demo,
)
