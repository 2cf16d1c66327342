"""The plugin contract and the loader.

A plugin is a package exposing a `Plugin` object (its manifest) through the entry-point group
`houqin.plugins`. Core knows no plugin by name: it discovers what is installed, keeps what the
`PLUGINS` allowlist names, and pushes each kind of contribution into the host with its own short
function (`integrate_*` below), so a plugin's code never calls Flask-AppBuilder's registration.
Core's own screens are declared the same way (`app/manifest.py`).
"""
from __future__ import annotations

import importlib
import logging
import os
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import Any, Callable

log = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "houqin.plugins"


class PluginError(RuntimeError):
    """Start-up stops with this: the message names the plugin and what is wrong."""


# -- the kinds of contribution -------------------------------------------------------------------

@dataclass
class Widget:
    """A dashboard tile. `render(appbuilder)` returns HTML (Markup) or None to hide."""

    name: str
    render: Callable[[Any], Any]
    permission: tuple[str, str] | None = None  # (permission, view) the user must hold
    order: int = 100


@dataclass
class Todo:
    """A kind of "waiting for you" item (待办): a host confirming a visitor, a director deciding
    an override, a member with a scoring sheet to fill. Worked out from the records each time
    (no second copy), so an item vanishes when its record leaves the waiting state.

    `count(user)` returns a SELECT of one number (e.g. `select(func.count(Visit.id)).where(...)`)
    for the user's waiting items, or None when the user can have none; core runs every kind's
    count in one statement (the navbar's number on every page). `items(user, limit)` returns up
    to `limit` `app.todo.TodoItem`s, most urgent first (the to-do page, the dashboard). The user
    must hold `permission` (permission, view) for the kind to apply."""

    name: str
    label: Any
    count: Callable[[Any], Any]
    items: Callable[[Any, int], list]
    permission: tuple[str, str] | None = None
    icon: str = "fa-inbox"
    order: int = 100


@dataclass
class Panel:
    """A panel on a staff member's page ("assets in my custody", "my appraisal results").
    `render(viewer, staff)` returns HTML (Markup) or None: the panel decides itself, for this
    viewer and this staff record, whether and what to show. `data(viewer, staff)`, when given,
    returns what the API's `GET /api/v1/staff/<id>` answers under `panels` (JSON-able, or None)."""

    name: str
    title: Any
    render: Callable[[Any, Any], Any]
    data: Callable[[Any, Any], Any] | None = None
    order: int = 100


@dataclass
class SettingSpec:
    """A value on the settings screen. `scope` "campus" gives one value per campus.
    Kinds: str, int, decimal (a Decimal, `places` decimals), date (a datetime.date), time
    ("HH:MM"), bool, choice (one of `choices`), timezone. `minimum`/`maximum` bound int and
    decimal values (and dates)."""

    key: str
    label: Any
    default: Any
    kind: str = "str"  # str | int | decimal | date | time | bool | choice | multi (several choices) | timezone
    scope: str = "global"
    description: Any = ""
    choices: list[tuple[str, Any]] | None = None
    minimum: Any = None
    maximum: Any = None
    places: int = 2  # decimal: digits after the point
    job: str | None = None  # the scheduled job that acts on this value: the page shows it and its next run


@dataclass
class Menu:
    """A menu category (the navbar's drop-down). Lower `order` comes first."""

    name: str
    label: Any
    icon: str = ""
    order: int = 100


@dataclass
class View:
    """A screen: a Flask-AppBuilder view class (or "module:Class"), with a menu entry when
    `name` is given (in `category`, a Menu's name). `endpoint` points the entry at another of
    the view's routes than its default one (e.g. "GateReportsView.register")."""

    view: Any
    name: str | None = None
    label: Any = None
    icon: str = ""
    category: str | None = None
    endpoint: str | None = None


@dataclass
class Link:
    """A further menu entry to a route of a declared view ("GateReportsView.statistics").
    Its menu permission is ("menu_access", name); the route keeps its own permission."""

    name: str
    label: Any
    endpoint: str
    icon: str = ""
    category: str | None = None


@dataclass
class CatalogueRole:
    """A role owned by code: synced by `flask houqin init`, read-only on the Roles screen.
    Core has eight; a plugin may add its own (the assets plugin's 维修工, say)."""

    key: str
    zh: str
    en: str
    duty: Any = ""  # one line, lazy-translated

    def label(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh


@dataclass
class Plugin:
    name: str
    title: Any
    version: str = "0.1"
    requires: tuple[str, ...] = ()
    models: tuple[str, ...] = ()  # modules to import so metadata and Alembic see the tables
    menus: list[Menu] = field(default_factory=list)
    views: list[View] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    apis: list[Any] = field(default_factory=list)  # ModelRestApi/BaseApi classes (or "module:Class")
    widgets: list[Widget] = field(default_factory=list)
    todos: list[Todo] = field(default_factory=list)  # "waiting for you" kinds (app/todo.py)
    panels: list[Panel] = field(default_factory=list)  # panels on the staff record
    catalogue_roles: list[CatalogueRole] = field(default_factory=list)
    roles: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # role -> (permission, view)
    settings: list[SettingSpec] = field(default_factory=list)
    # role -> endpoint: where a user of that role lands after signing in (the Gatekeeper: the desk);
    # users who see every campus (Director, Admin, Auditor) land on the dashboard.
    landing: dict[str, str] = field(default_factory=dict)
    commands: list[Any] = field(default_factory=list)  # click commands added under `flask houqin`
    demo: Callable[[Any], None] | None = None  # demo(session)
    # Record types that accept files (app.attachments.AttachmentOwner): name, model, the view
    # whose permissions and visible rows decide access, or an access function of its own.
    attachment_owners: list[Any] = field(default_factory=list)
    jobs: list[Any] = field(default_factory=list)  # app.jobs.Job: run by `flask houqin run-due`
    sequences: list[Any] = field(default_factory=list)  # app.numbering.Sequence: next_number(key, ...)
    # Folders; None = the conventional place inside the plugin's package when it exists
    # (templates/, static/, translations/, migrations/versions/).
    package_dir: str | None = None
    templates: str | None = None
    static: str | None = None
    static_url: str | None = None  # prefix of its static/ URLs: <prefix>/static/...; default /plugins/<name>
    translations: str | None = None
    migrations: str | None = None
    table_prefix: str | None = None  # its tables' names start with this (default "<name>_")

    def __post_init__(self):
        if self.package_dir:
            self.package_dir = os.path.abspath(self.package_dir)
            for attr, sub in (("templates", "templates"), ("static", "static"), ("translations", "translations"),
                              ("migrations", os.path.join("migrations", "versions"))):
                path = os.path.join(self.package_dir, sub)
                if getattr(self, attr) is None and os.path.isdir(path):
                    setattr(self, attr, path)
        if self.table_prefix is None:
            self.table_prefix = f"{self.name}_"

    def import_models(self) -> None:
        for module in self.models:
            importlib.import_module(module)


def resolve(ref):
    """A class given as itself or as "package.module:Name"."""
    if not isinstance(ref, str):
        return ref
    module, _, name = ref.partition(":")
    return getattr(importlib.import_module(module), name)


# -- discovery ---------------------------------------------------------------------------------

def _installed() -> dict[str, Any]:
    return {ep.name: ep for ep in entry_points(group=ENTRY_POINT_GROUP)}


def allowlist(value: str | None, installed: list[str]) -> list[str]:
    if value is None or value.strip() == "*":
        return sorted(installed)
    return [name.strip() for name in value.split(",") if name.strip()]


def _load(name: str, ep) -> Plugin:
    try:
        plugin = ep.load()
    except Exception as exc:  # any import failure must name the plugin
        raise PluginError(f"Plugin '{name}' failed to import: {exc!r}") from exc
    if not isinstance(plugin, Plugin):
        raise PluginError(f"Plugin '{name}': entry point does not give a houqin Plugin object.")
    if plugin.name != name:
        raise PluginError(f"Plugin '{name}': its object calls itself '{plugin.name}'.")
    return plugin


def discover(allow: str | None) -> list[Plugin]:
    """Load the allowlisted plugins, in an order where each follows what it requires."""
    installed = _installed()
    wanted = allowlist(allow, list(installed))
    loaded: dict[str, Plugin] = {}
    for name in wanted:
        if name not in installed:
            raise PluginError(
                f"Plugin '{name}' is in HOUQIN_PLUGINS but is not installed "
                f"(installed: {', '.join(sorted(installed)) or 'none'})."
            )
        loaded[name] = _load(name, installed[name])
    for plugin in loaded.values():
        for needed in plugin.requires:
            if needed not in loaded:
                raise PluginError(f"Plugin '{plugin.name}' requires plugin '{needed}', which is not enabled.")
    return _ordered(loaded)


def _ordered(loaded: dict[str, Plugin]) -> list[Plugin]:
    done: list[Plugin] = []
    seen: set[str] = set()

    def visit(plugin: Plugin, path: tuple[str, ...]) -> None:
        if plugin.name in seen:
            return
        if plugin.name in path:
            raise PluginError(f"Plugin '{plugin.name}' has circular requirements: {' -> '.join(path)}.")
        for needed in plugin.requires:
            visit(loaded[needed], path + (plugin.name,))
        seen.add(plugin.name)
        done.append(plugin)

    for plugin in loaded.values():
        visit(plugin, ())
    return done


def installed_plugins() -> list[Plugin]:
    """Every installed plugin, enabled or not (migrations, catalogues, benches)."""
    return [_load(name, ep) for name, ep in sorted(_installed().items())]


def all_installed_models() -> None:
    """Migrations see every installed plugin's tables, enabled or not (disabling hides, never drops)."""
    for plugin in installed_plugins():
        plugin.import_models()


def installed_migration_folders() -> list[str]:
    folders = []
    for name, ep in sorted(_installed().items()):
        try:
            plugin = _load(name, ep)
        except PluginError:
            continue  # start-up reports import failures; Alembic still runs core
        if plugin.migrations:
            folders.append(plugin.migrations)
    return folders


# -- integration: one short function per kind ----------------------------------------------------

def integrate_blueprint(appbuilder, plugin: Plugin, registry: "Registry") -> None:
    """templates/ (found as "<name>/page.html") and static/ (url_for("<name>.static", ...))."""
    if not (plugin.templates or plugin.static):
        return
    from flask import Blueprint, current_app as app

    if plugin.name in app.blueprints:
        return
    app.register_blueprint(Blueprint(
        plugin.name, plugin.name, root_path=plugin.package_dir or os.path.dirname(plugin.templates or plugin.static),
        template_folder=plugin.templates, static_folder=plugin.static,
        url_prefix=plugin.static_url or f"/plugins/{plugin.name}"))


def integrate_menus(appbuilder, plugin: Plugin, registry: "Registry") -> None:
    for menu in plugin.menus:
        registry.menus.setdefault(menu.name, menu)


def _category(registry: "Registry", name: str | None) -> dict:
    if not name:
        return {}
    menu = registry.menus.get(name)
    if menu is None:
        return {"category": name}
    return {"category": menu.name, "category_label": menu.label, "category_icon": menu.icon}


def integrate_views(appbuilder, plugin: Plugin, registry: "Registry") -> None:
    for spec in plugin.views:
        cls = resolve(spec.view)
        registry.owners[cls.__name__] = plugin.name
        if spec.name is None:
            appbuilder.add_view_no_menu(cls)
            continue
        extra = {"href": spec.endpoint} if spec.endpoint else {}
        appbuilder.add_view(cls, spec.name, label=spec.label or spec.name, icon=spec.icon,
                            **_category(registry, spec.category), **extra)
    for link in plugin.links:
        registry.links.append((plugin.name, link))
        appbuilder.add_link(link.name, href=link.endpoint, label=link.label, icon=link.icon,
                            **_category(registry, link.category))


def integrate_apis(appbuilder, plugin: Plugin, registry: "Registry") -> None:
    for ref in plugin.apis:
        cls = resolve(ref)
        registry.owners[cls.__name__] = plugin.name
        appbuilder.add_api(cls)


def integrate_widgets(appbuilder, plugin: Plugin, registry: "Registry") -> None:
    for widget in plugin.widgets:
        registry.add_widget(widget)


def integrate_settings(appbuilder, plugin: Plugin, registry: "Registry") -> None:
    registry.add_settings(plugin.settings, owner=_who(plugin))


def integrate_todos(appbuilder, plugin: Plugin, registry: "Registry") -> None:
    _add_named(plugin, "to-do kind", plugin.todos, registry.todos, registry.todo_owner)


def integrate_panels(appbuilder, plugin: Plugin, registry: "Registry") -> None:
    _add_named(plugin, "staff-record panel", plugin.panels, registry.panels, registry.panel_owner)


def _add_named(plugin: Plugin, kind: str, items: list, into: list, owners: dict[str, str]) -> None:
    """Contributions known by name (to-do kinds, panels): a name declared twice stops start-up."""
    for item in items:
        if item.name in owners:
            raise PluginError(f"{_who(plugin)} declares the {kind} '{item.name}', "
                              f"which {owners[item.name]} already declares.")
        owners[item.name] = _who(plugin)
        into.append(item)
    into.sort(key=lambda x: x.order)


def _who(plugin: Plugin) -> str:
    return "core" if plugin.name == "core" else f"plugin '{plugin.name}'"


def integrate_catalogue_roles(appbuilder, plugin: Plugin, registry: "Registry") -> None:
    for role in plugin.catalogue_roles:
        if role.key in registry.catalogue:
            raise PluginError(f"Plugin '{plugin.name}' declares the catalogue role '{role.key}', "
                              f"which {registry.catalogue_owner[role.key]} already declares.")
        registry.catalogue[role.key] = role
        registry.catalogue_owner[role.key] = f"plugin '{plugin.name}'" if plugin.name != "core" else "core"


def integrate_jobs(appbuilder, plugin: Plugin, registry: "Registry") -> None:
    for job in plugin.jobs:
        if job.name in registry.jobs:
            raise PluginError(f"Plugin '{plugin.name}' declares the job '{job.name}', which is already declared.")
        registry.jobs[job.name] = job


def integrate_sequences(appbuilder, plugin: Plugin, registry: "Registry") -> None:
    for seq in plugin.sequences:
        if seq.key in registry.sequences:
            raise PluginError(f"Plugin '{plugin.name}' declares the sequence '{seq.key}', which is already declared.")
        registry.sequences[seq.key] = seq


def integrate_attachment_owners(appbuilder, plugin: Plugin, registry: "Registry") -> None:
    for owner in plugin.attachment_owners:
        if owner.name in registry.attachment_owners:
            raise PluginError(f"Plugin '{plugin.name}' declares the attachment owner '{owner.name}', "
                              f"which is already declared.")
        registry.attachment_owners[owner.name] = owner


INTEGRATIONS = (integrate_catalogue_roles, integrate_menus, integrate_settings, integrate_views,
                integrate_apis, integrate_widgets, integrate_todos, integrate_panels, integrate_blueprint,
                integrate_attachment_owners, integrate_jobs, integrate_sequences)


class Registry:
    """What core and the enabled plugins contributed, kept on app.extensions["houqin"]."""

    def __init__(self, plugins: list[Plugin], core: Plugin | None = None):
        self.core = core
        self.plugins = plugins
        self.widgets: list[Widget] = []
        self.settings: list[SettingSpec] = []
        self.setting_owner: dict[str, str] = {}
        self.todos: list[Todo] = []
        self.todo_owner: dict[str, str] = {}
        self.panels: list[Panel] = []
        self.panel_owner: dict[str, str] = {}
        self.services: dict[str, Any] = {}
        self.menus: dict[str, Menu] = {}
        self.links: list[tuple[str, Link]] = []
        self.catalogue: dict[str, CatalogueRole] = {}
        self.catalogue_owner: dict[str, str] = {}
        self.owners: dict[str, str] = {}  # view/API class name -> "core" or the plugin's name
        self.host_views: set[str] = set()  # Flask-AppBuilder's own views (security, login ...): core's
        self.attachment_owners: dict[str, Any] = {}  # name -> app.attachments.AttachmentOwner
        self.jobs: dict[str, Any] = {}  # name -> app.jobs.Job
        self.sequences: dict[str, Any] = {}  # key -> app.numbering.Sequence
        self._loaded = False

    def landing_for(self, role_names) -> str | None:
        """The endpoint a user with these roles lands on after signing in, or None (the dashboard)."""
        for manifest in self.manifests:
            for role, endpoint in manifest.landing.items():
                if role in role_names:
                    return endpoint
        return None

    @property
    def manifests(self) -> list[Plugin]:
        """Core's declaration first, then each enabled plugin's."""
        return ([self.core] if self.core else []) + list(self.plugins)

    def plugin(self, name: str) -> Plugin | None:
        return next((p for p in self.plugins if p.name == name), None)

    def add_widget(self, widget: Widget) -> None:
        if all(w.name != widget.name for w in self.widgets):
            self.widgets.append(widget)
            self.widgets.sort(key=lambda w: w.order)

    def add_settings(self, specs: list[SettingSpec], owner: str = "core") -> None:
        """Two parts declaring one key would share one stored value with two meanings: stop."""
        for spec in specs:
            if spec.key in self.setting_owner:
                raise PluginError(f"The setting '{spec.key}' is declared by {self.setting_owner[spec.key]} "
                                  f"and by {owner}: rename one of them.")
            self.setting_owner[spec.key] = owner
            self.settings.append(spec)

    def setting_spec(self, key: str) -> SettingSpec:
        for spec in self.settings:
            if spec.key == key:
                return spec
        raise KeyError(key)

    def role_permissions(self) -> dict[str, set[tuple[str, str]]]:
        """role -> every (permission, view) core and the enabled plugins give it."""
        wanted: dict[str, set[tuple[str, str]]] = {name: set() for name in self.catalogue}
        for manifest in self.manifests:
            for role, items in manifest.roles.items():
                wanted.setdefault(role, set()).update(items)
        return wanted

    def ensure_loaded(self, appbuilder) -> None:
        """Push every manifest's parts into the host; calling it twice does nothing more."""
        if self._loaded:
            return
        for manifest in self.manifests:
            for integrate in INTEGRATIONS:
                integrate(appbuilder, manifest, self)
        self._loaded = True

    # -- what start-up refuses -----------------------------------------------------------------
    def check(self, appbuilder) -> None:
        """A permission no view has, a role nobody defines, a menu entry without a view: stop,
        naming the plugin (a typo would otherwise be a permission that silently guards nothing)."""
        from flask import current_app

        available = available_permissions(appbuilder)
        endpoints = set(current_app.view_functions)
        for manifest in self.manifests:
            who = "Core" if manifest is self.core else f"Plugin '{manifest.name}'"
            for role, items in manifest.roles.items():
                if role not in self.catalogue:
                    raise PluginError(f"{who} gives permissions to the role '{role}', which neither core nor "
                                      f"an enabled plugin declares.")
                for pair in items:
                    if tuple(pair) not in available:
                        raise PluginError(f"{who} gives '{role}' the permission {pair[0]} on {pair[1]}, "
                                          f"which no view or menu has.")
            for spec in manifest.views:
                if spec.endpoint and spec.endpoint not in endpoints:
                    raise PluginError(f"{who} has a menu entry '{spec.name}' pointing at '{spec.endpoint}', "
                                      f"which is no route.")
                if spec.category and spec.category not in self.menus:
                    raise PluginError(f"{who} puts '{spec.name}' in the menu '{spec.category}', "
                                      f"which nobody declares.")
            for owner in manifest.attachment_owners:
                if owner.view and owner.view not in {type(v).__name__ for v in appbuilder.baseviews}:
                    raise PluginError(f"{who} lets the view '{owner.view}' decide who sees the attachments "
                                      f"of '{owner.name}', but no such view is registered.")
                if not owner.view and owner.access is None:
                    raise PluginError(f"{who} declares the attachment owner '{owner.name}' with neither a "
                                      f"view nor an access function: nobody could be refused.")
            for link in manifest.links:
                if link.endpoint not in endpoints:
                    raise PluginError(f"{who} has a menu entry '{link.name}' without a view "
                                      f"('{link.endpoint}' is no route).")
                if link.category and link.category not in self.menus:
                    raise PluginError(f"{who} puts '{link.name}' in the menu '{link.category}', "
                                      f"which nobody declares.")


def available_permissions(appbuilder) -> set[tuple[str, str]]:
    """Every (permission, view) a registered view or menu entry can be guarded by."""
    pairs = set()
    for view in appbuilder.baseviews:
        for perm in getattr(view, "base_permissions", None) or ():
            pairs.add((perm, view.class_permission_name))
    for item in appbuilder.menu.get_list():
        pairs.add(("menu_access", item.name))
        for child in item.childs or []:
            if child.name and child.name != "-":
                pairs.add(("menu_access", child.name))
    return pairs
