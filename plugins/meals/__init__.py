"""伙委会 / 膳食委员会 — the monthly meal-committee meeting and its minutes.

Adds: committees serving one or several campuses, members (staff or external parents and
students, masked phones), meetings numbered per committee and year with attendance and quorum,
the minutes in sections (carried action items, nutrition, feedback, accounts, menus, decisions,
new action items) approved through core's workflow and locked, corrections as new versions,
the action-item tracker and to-dos, the meal-fee accounts with the 2 % rule per term, the
ledger (chart, Excel), the printed minutes and the public notice (A4), dashboard tiles, a
REST API, demo data, and a daily job anonymising external members after their term.
"""


def __getattr__(name):
    """The manifest (manifest.py) is built when the plugin loader asks for it: importing the pure
    rules (plugins.meals.rules) must load neither Flask nor the database (tests/plugins/meals)."""
    if name == "plugin":
        from .manifest import plugin

        return plugin
    raise AttributeError(name)
