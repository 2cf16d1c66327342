"""Point 8 of issue 13: the gatekeeper lands on the desk after signing in (the manifest's
`landing`); everyone else on the dashboard; an address the login was sent to is kept."""


def _login(app, username, path="/login/"):
    from tests.seed import PASSWORD

    client = app.test_client()
    return client, client.post(path, data={"username": username, "password": PASSWORD})


def test_the_gatekeeper_lands_on_the_desk_and_the_office_on_the_dashboard(app):
    client, response = _login(app, "gatekeeper_a")
    assert response.status_code == 302 and response.headers["Location"].endswith("/gate/desk/")
    assert client.get("/gate/desk/").status_code == 200
    assert client.get("/").status_code == 200  # the dashboard is still one click away
    for username in ("staff_a", "director_a", "director_all", "auditor_a"):
        _, response = _login(app, username)
        assert not response.headers["Location"].endswith("/gate/desk/"), username


def test_a_next_address_is_kept(app):
    _, response = _login(app, "gatekeeper_a", "/login/?next=%2Fvisitview%2Flist%2F")
    assert response.status_code == 302 and response.headers["Location"].endswith("/visitview/list/")


def test_the_hosts_answer_buttons_come_right_after_the_visitors_name(app, client_as, gate, uid):
    """Point 4: 同意入内/拒绝 in view without scrolling the visits list sideways."""
    import re

    host = gate.staff("TA", username="staff_a")
    name = uid("候")
    gate.visit(name=name, host_id=host)
    page = client_as("staff_a").get(f"/visitview/list/?_flt_0_visitor_name={name}").get_data(as_text=True)
    row = re.search(r"<tr[^>]*>(?:(?!</tr>).)*" + name + r"(?:(?!</tr>).)*</tr>", page, re.S).group(0)
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
    at = next(i for i, c in enumerate(cells) if name in c)
    assert "同意入内" in cells[at + 1] and "拒绝" in cells[at + 1]
