"""Column labels of the register's screens, exports and API (one place, both languages)."""
from flask_babel import lazy_gettext as _l, lazy_pgettext as _lp

ASSET_LABELS = {
    "code": _l("Asset code"), "legacy_no": _l("Label number"), "name": _lp("assets", "Name"), "category": _l("Class"),
    "category.code": _l("Class code"), "category.financial_class": _l("Financial class"),
    "brand": _l("Brand"), "model": _l("Model"), "specification": _l("Specification"), "serial_no": _l("Serial number"),
    "quantity": _l("Quantity"), "unit": _l("Unit"), "unit_price": _l("Unit price"),
    "original_value": _l("Original value"), "acquired_on": _l("Acquired on"),
    "acquisition_method": _l("Acquired by"), "funding_source": _l("Funding source"), "supplier": _l("Supplier"),
    "invoice_no": _l("Invoice number"), "campus": _l("Campus"), "room": _l("Location"),
    "department": _l("Using department"), "custodian": _l("Custodian"), "status": _l("Status"),
    "warranty_end": _l("Warranty ends"), "life_months": _l("Useful life (months)"),
    "structure": _l("Building structure"), "nominal": _l("At nominal value (not depreciated)"),
    "accumulated_depreciation": _l("Accumulated depreciation"), "net_value": _l("Net value"),
    "depreciated_through": _l("Depreciated through"), "opening_accumulated": _l("Opening accumulated depreciation"),
    "opening_counted_to": _l("Opening counted to"), "caught_up_in": _l("Caught up in"), "note": _l("Note"),
    "disposed_on": _l("Disposed on"),
}

CATEGORY_LABELS = {
    "code": _l("Class code"), "parent_code": _l("Parent class"), "name_zh": _l("Chinese name"),
    "name_en": _l("English name"), "financial_class": _l("Financial class"), "depreciable": _l("Depreciated"),
    "min_life_years": _l("Minimum life (years)"), "life_by_structure": _l("Life by building structure"),
    "life_source": _l("Source of the life"), "aliases": _l("Other names"), "code_source": _l("Source of the code"),
    "note": _l("Note"), "shipped": _l("Shipped with the system"), "active": _l("Active"),
}

ROW_LABELS = {"month": _l("Month"), "amount": _l("Depreciation"), "accumulated": _l("Accumulated depreciation"),
              "net": _l("Net value")}

RECONCILIATION_LABELS = {
    "month": _l("Month"), "status": _l("State"), "note": _l("Explanation of differences"),
    "keeper": _l("Asset keeper"), "keeper_at": _l("Signed at"), "accountant": _l("Accountant"),
    "accountant_at": _l("Confirmed at"), "reopen_reason": _l("Reason for reopening"), "lines": _l("Lines"),
}

LINE_LABELS = {
    "reconciliation": _l("Reconciliation"), "financial_class": _l("Financial class"),
    "finance_original": _l("Finance: original value"), "finance_accumulated": _l("Finance: accumulated depreciation"),
    "ledger_original": _l("Ledger: original value"), "ledger_accumulated": _l("Ledger: accumulated depreciation"),
    "original_difference": _l("Difference in original value"),
    "accumulated_difference": _l("Difference in accumulated depreciation"),
}

# the card's history: the headings, and what each detail of an event is called
HISTORY_HEADINGS = {"at": _lp("assets", "When"), "kind": _l("Event"), "on": _l("Effective"),
                    "user": _lp("assets", "By"), "detail": _lp("assets", "Details")}
DETAIL_LABELS = {"value": _l("Original value"), "quantity": _l("Quantity"), "life_months": _l("Useful life (months)"),
                 "opening": _l("Opening accumulated depreciation"), "counted_to": _l("Opening counted to"),
                 "month": _l("Month"), "old": _l("Former life (months)"), "new": _l("Useful life (months)"),
                 "net": _l("Net value"), "fields": _l("Fields changed"), "source": _l("Source"),
                 # the lifecycle's events (issue 15)
                 "purchase": _l("Purchase request"), "supplier": _l("Supplier"), "invoice": _l("Invoice number"),
                 "due": _l("Due back on"), "borrower": _l("Borrower"), "condition": _l("Condition on return"),
                 "custodian": _l("Custodian"), "room": _l("Location"), "department": _l("Using department"),
                 "before": _l("Before"), "to_campus": _l("To campus"), "from_campus": _l("From campus"),
                 "to_room": _l("To location"), "to_department": _l("To department"), "cause": _l("Cause"),
                 "responsible": _l("Who caused it"), "compensation": _l("Compensation"),
                 "disposal_kind": _l("Kind of disposal"), "number": _l("Number"), "into": _l("Split into"),
                 "accumulated": _l("Accumulated depreciation"), "step": _l("Status change"), "note": _l("Note")}
