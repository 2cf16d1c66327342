"""The desk's main flow in a real browser (Debian's Chromium, no downloads):
returning visitor filled in by Enter in the ID field, Enter signs in, one-click
sign-out, and the Director's override answer arriving without a reload."""
import re
import shutil
import threading

import pytest

from tests.conftest import PASSWORD

pytestmark = pytest.mark.skipif(not shutil.which("chromium"), reason="needs Debian's chromium")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": "/usr/bin/chromium", "args": ["--disable-gpu"]}


@pytest.fixture(scope="module")
def server(app):
    from werkzeug.serving import make_server

    srv = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{srv.server_port}"
    srv.shutdown()


def login(page, server, username):
    page.goto(f"{server}/lang/en")
    page.goto(f"{server}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.press("input[name=password]", "Enter")
    page.wait_for_url(re.compile(r".*/(\?.*)?$"))


def test_gatekeeper_signs_a_returning_visitor_in_and_out_with_the_keyboard(page, server, gate, resident_id, uid):
    number = resident_id()
    name = uid("浏览")
    gate.visit(id_number=number, name=name, organisation="京东物流")
    login(page, server, "gatekeeper_a")
    page.goto(f"{server}/gate/desk/")
    for row in page.locator("tr", has_text=name).all():  # the earlier visit is still on site
        row.get_by_role("button", name="Sign out").click()
        page.wait_for_load_state()
    assert page.evaluate("document.activeElement.name") == "id_number"
    page.keyboard.type(number)
    page.keyboard.press("Enter")  # name empty: Enter looks the visitor up
    page.wait_for_function("document.querySelector('#f-name').value !== ''")
    assert page.input_value("#f-name") == name and page.input_value("#f-organisation") == "京东物流"
    assert "Returning visitor" in page.inner_text("#hq-lookup-note")
    badge = uid("W")[-4:]
    page.fill("#f-badge", badge)
    page.press("#f-badge", "Enter")  # now Enter signs in
    page.wait_for_selector(f"#hq-on-site tr:has-text('{badge.upper()}')")
    row = page.locator("#hq-on-site tr", has_text=badge.upper())
    row.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()
    assert page.locator("#hq-on-site tr", has_text=badge.upper()).count() == 0


def test_the_directors_answer_reaches_the_gate_without_a_reload(page, server, gate, client_as, resident_id, uid):
    number = resident_id()
    name = uid("覆核")
    gate.blocklist("黑名单浏览", id_number=number)
    login(page, server, "gatekeeper_a")
    page.goto(f"{server}/gate/desk/")
    page.fill("#f-id_number", number)
    page.fill("#f-name", name)
    page.select_option("#f-purpose_id", str(gate.purpose()))
    page.press("#f-name", "Enter")
    page.wait_for_selector("#hq-refused")
    page.fill("#override-note", "家长会")
    page.get_by_role("button", name="Request override").click()
    page.wait_for_selector("#hq-pending-override")
    override_id = page.get_attribute("#hq-pending-override", "data-override")
    client_as("director_a").post(f"/gate/desk/override/{override_id}/decide",
                                 data={"decision": "approve", "reason": "班主任陪同"})
    page.wait_for_selector("#hq-pending-override form.hq-admit:not([hidden])", timeout=10000)
    assert "班主任陪同" in page.inner_text("#hq-pending-override")
    page.get_by_role("button", name="Admit the visitor").click()
    page.wait_for_selector(f"#hq-on-site tr:has-text('{name}')")
