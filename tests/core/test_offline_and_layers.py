"""Offline schools and clean boundaries: no page loads anything from another host;
core never imports a plugin and no plugin imports another."""
import ast
import os
import re

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["'](?:https?:)?//(?!127\.0\.0\.1|localhost)""", re.I)
CSS_EXTERNAL = re.compile(r"""url\(\s*["']?(?:https?:)?//""", re.I)
IMPORT_EXTERNAL = re.compile(r"""@import\s+(?:url\()?["']?(?:https?:)?//""", re.I)


def menu_urls(app):
    urls = set()
    with app.test_request_context():
        for item in app.appbuilder.menu.get_list():
            for child in (item.childs or [item]):
                if child.name and child.name != "-" and child.get_url():
                    urls.add(child.get_url())
    return sorted(u for u in urls if u.startswith("/"))


def _external_refs(text):
    return EXTERNAL.findall(text) + CSS_EXTERNAL.findall(text) + IMPORT_EXTERNAL.findall(text)


def test_every_menu_page_loads_nothing_from_another_host(app, client_as):
    c = client_as("admin_a")
    urls = menu_urls(app) + ["/", "/users/userinfo/", "/staffview/add", "/staffview/import/"]
    assert len(urls) > 10
    offenders = {}
    login_page = app.test_client().get("/login/").get_data(as_text=True)
    if _external_refs(login_page):
        offenders["/login/"] = _external_refs(login_page)
    for url in urls:
        resp = c.get(url)
        assert resp.status_code == 200, url
        refs = _external_refs(resp.get_data(as_text=True))
        if refs:
            offenders[url] = refs
    assert offenders == {}


def test_stylesheets_and_scripts_we_serve_load_nothing_from_another_host(app, client_as):
    c = client_as("admin_a")
    page = c.get("/").get_data(as_text=True)
    assets = re.findall(r"""(?:src|href)=["'](/static/[^"']+\.(?:css|js))""", page)
    assert assets
    for asset in assets:
        body = c.get(asset).get_data(as_text=True)
        assert CSS_EXTERNAL.findall(body) == [] and IMPORT_EXTERNAL.findall(body) == [], asset


def _imports(path):
    tree = ast.parse(open(path, encoding="utf-8").read())
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module


def _py_files(folder):
    for root, _dirs, files in os.walk(os.path.join(ROOT, folder)):
        for name in files:
            if name.endswith(".py"):
                yield os.path.join(root, name)


def test_core_never_imports_a_plugin():
    bad = [(p, m) for p in _py_files("app") for m in _imports(p) if m.split(".")[0] == "plugins"]
    assert bad == []


def test_no_plugin_imports_another():
    plugins_dir = os.path.join(ROOT, "plugins")
    names = [n for n in os.listdir(plugins_dir) if os.path.isdir(os.path.join(plugins_dir, n)) and not n.startswith("_")]
    bad = []
    for name in names:
        for path in _py_files(os.path.join("plugins", name)):
            for module in _imports(path):
                parts = module.split(".")
                if parts[0] == "plugins" and len(parts) > 1 and parts[1] != name:
                    bad.append((path, module))
    assert bad == []


def _plugin_names():
    plugins_dir = os.path.join(ROOT, "plugins")
    return [n for n in sorted(os.listdir(plugins_dir))
            if os.path.isfile(os.path.join(plugins_dir, n, "__init__.py"))]


def _private_imports(path):
    tree = ast.parse(open(path, encoding="utf-8").read())
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            root = node.module.split(".")[0]
            if root not in ("app", "flask_appbuilder"):
                continue
            if any(part.startswith("_") and not part.startswith("__") for part in node.module.split(".")):
                yield node.module
            for alias in node.names:
                if alias.name.startswith("_") and not alias.name.startswith("__"):
                    yield f"{node.module}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] in ("app", "flask_appbuilder") and any(
                        p.startswith("_") and not p.startswith("__") for p in parts):
                    yield alias.name


def test_plugins_import_no_private_name_from_core_or_flask_appbuilder():
    """A plugin builds on what core and Flask-AppBuilder offer publicly, so either can change
    its insides without breaking a plugin."""
    bad = [(os.path.relpath(p, ROOT), name) for plugin in _plugin_names()
           for p in _py_files(os.path.join("plugins", plugin)) for name in _private_imports(p)]
    assert bad == []


# Tables created before plugins had to carry their name (the gate desk's visit, visitor ...).
UNPREFIXED = {"visitors"}


def test_each_plugins_tables_carry_its_prefix():
    from flask_appbuilder import Model

    from app.plugin import installed_plugins

    for plugin in installed_plugins():
        plugin.import_models()
        tables = {m.local_table.name for m in Model.registry.mappers if m.class_.__module__ in plugin.models}
        if plugin.name in UNPREFIXED:
            continue
        assert plugin.table_prefix, plugin.name
        assert {t for t in tables if not t.startswith(plugin.table_prefix)} == set(), plugin.name


@pytest.mark.parametrize("plugin", _plugin_names())
def test_no_module_of_a_plugin_is_past_about_400_lines(plugin):
    """STYLE.md: a file past ~400 lines is asking to be split along a concept."""
    long = {os.path.relpath(p, ROOT): n for p in _py_files(os.path.join("plugins", plugin))
            if "migrations" not in p and (n := sum(1 for _ in open(p, encoding="utf-8"))) > 440}
    assert long == {}


CORE_CODE = ["app", "migrations", "bench", "config.py", "run.py", "tests/conftest.py", "tests/seed.py",
             "tests/browser_support.py", "translations/update.py"]


def test_core_names_no_plugin():
    """A plugin needs no line in core: no core module, migration, bench runner or shared test
    fixture names one (by module path or as a string)."""
    names = set(_plugin_names())
    bad = []
    for entry in CORE_CODE:
        path = os.path.join(ROOT, entry)
        files = [path] if path.endswith(".py") else list(_py_files(entry))
        for file in files:
            tree = ast.parse(open(file, encoding="utf-8").read())
            for node in ast.walk(tree):
                if isinstance(node, ast.Constant) and isinstance(node.value, str) and (
                        node.value in names or any(f"plugins.{n}" in node.value or f"plugins/{n}" in node.value
                                                   for n in names)):
                    bad.append((os.path.relpath(file, ROOT), node.value[:60]))
    assert bad == []


def _module_imports(path, package):
    """Modules of `package` that a file imports at module level (imports inside functions are
    deliberate late bindings and do not count)."""
    tree = ast.parse(open(path, encoding="utf-8").read())
    for node in tree.body:
        if isinstance(node, ast.ImportFrom):
            if node.level == 1:
                if node.module:
                    yield node.module.split(".")[0]
                else:
                    yield from (alias.name for alias in node.names)
            elif node.module and node.module.startswith(package + "."):
                yield node.module[len(package) + 1:].split(".")[0]


@pytest.mark.parametrize("plugin", _plugin_names())
def test_a_plugins_modules_import_each_other_without_a_cycle(plugin):
    folder = os.path.join(ROOT, "plugins", plugin)
    modules = {n[:-3] for n in os.listdir(folder) if n.endswith(".py") and n != "__init__.py"}
    graph = {m: {d for d in _module_imports(os.path.join(folder, m + ".py"), f"plugins.{plugin}") if d in modules}
             for m in modules}
    state: dict[str, int] = {}

    def visit(node, path):
        if state.get(node) == 1:
            raise AssertionError(f"import cycle: {' -> '.join(path + [node])}")
        if state.get(node) == 2:
            return
        state[node] = 1
        for dep in graph[node]:
            visit(dep, path + [node])
        state[node] = 2

    for module in sorted(graph):
        visit(module, [])
