"""The plugin contract and the loader.

A plugin is a package exposing a `Plugin` object through the entry-point group
`houqin.plugins`. Core knows no plugin by name: it discovers what is installed,
keeps what the `PLUGINS` allowlist names, and lets each one push its parts in.
"""
from __future__ import annotations

import importlib
import logging
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import Any, Callable

log = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "houqin.plugins"


class PluginError(RuntimeError):
    """Start-up stops with this: the message names the plugin and what is wrong."""


@dataclass
class Widget:
    """A dashboard tile. `render(appbuilder)` returns HTML (Markup) or None to hide."""

    name: str
    render: Callable[[Any], Any]
    permission: tuple[str, str] | None = None  # (permission, view) the user must hold
    order: int = 100


@dataclass
class SettingSpec:
    """A value on the settings screen. `scope` "campus" gives one value per campus."""

    key: str
    label: Any
    default: Any
    kind: str = "str"  # str | int | time | bool | choice
    scope: str = "global"
    description: Any = ""
    choices: list[tuple[str, Any]] | None = None
    minimum: int | None = None
    maximum: int | None = None


@dataclass
class Plugin:
    name: str
    title: Any
    version: str = "0.1"
    requires: tuple[str, ...] = ()
    models: tuple[str, ...] = ()  # modules to import so metadata and Alembic see the tables
    register: Callable[[Any], None] | None = None  # register(appbuilder)
    roles: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    settings: list[SettingSpec] = field(default_factory=list)
    demo: Callable[[Any], None] | None = None  # demo(session)
    translations: str | None = None  # absolute folder with <lang>/LC_MESSAGES/messages.mo
    migrations: str | None = None  # absolute folder with an Alembic branch (third party)
    commands: list[Any] = field(default_factory=list)  # click commands added under `flask houqin`

    def import_models(self) -> None:
        for module in self.models:
            importlib.import_module(module)


def _installed() -> dict[str, Any]:
    return {ep.name: ep for ep in entry_points(group=ENTRY_POINT_GROUP)}


def allowlist(value: str | None, installed: list[str]) -> list[str]:
    if value is None or value.strip() == "*":
        return sorted(installed)
    return [name.strip() for name in value.split(",") if name.strip()]


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
        try:
            plugin = installed[name].load()
        except Exception as exc:  # any import failure must name the plugin
            raise PluginError(f"Plugin '{name}' failed to import: {exc!r}") from exc
        if not isinstance(plugin, Plugin):
            raise PluginError(f"Plugin '{name}': entry point does not give a houqin Plugin object.")
        if plugin.name != name:
            raise PluginError(f"Plugin '{name}': its object calls itself '{plugin.name}'.")
        loaded[name] = plugin
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


def all_installed_models() -> None:
    """Migrations see every installed plugin's tables, enabled or not (disabling hides, never drops)."""
    for name, ep in _installed().items():
        try:
            plugin = ep.load()
        except Exception as exc:
            raise PluginError(f"Plugin '{name}' failed to import: {exc!r}") from exc
        plugin.import_models()


def installed_migration_folders() -> list[str]:
    folders = []
    for name, ep in _installed().items():
        try:
            plugin = ep.load()
        except Exception:
            continue  # start-up reports import failures; Alembic still runs core
        if getattr(plugin, "migrations", None):
            folders.append(plugin.migrations)
    return folders


class Registry:
    """What the enabled plugins contributed, kept on app.extensions["houqin"]."""

    def __init__(self, plugins: list[Plugin]):
        self.plugins = plugins
        self.widgets: list[Widget] = []
        self.settings: list[SettingSpec] = []
        self.services: dict[str, Any] = {}
        self._loaded = False

    def plugin(self, name: str) -> Plugin | None:
        return next((p for p in self.plugins if p.name == name), None)

    def add_widget(self, widget: Widget) -> None:
        if all(w.name != widget.name for w in self.widgets):
            self.widgets.append(widget)
            self.widgets.sort(key=lambda w: w.order)

    def add_settings(self, specs: list[SettingSpec]) -> None:
        known = {s.key for s in self.settings}
        self.settings.extend(s for s in specs if s.key not in known)

    def setting_spec(self, key: str) -> SettingSpec:
        for spec in self.settings:
            if spec.key == key:
                return spec
        raise KeyError(key)

    def ensure_loaded(self, appbuilder) -> None:
        """Push every enabled plugin's parts into the host; calling it twice does nothing more."""
        if self._loaded:
            return
        for plugin in self.plugins:
            self.add_settings(plugin.settings)
            if plugin.register:
                plugin.register(appbuilder)
        self._loaded = True
