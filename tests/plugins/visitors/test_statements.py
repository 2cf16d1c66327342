"""The desk is used all day: its page and the sign-in POST run a fixed, small
number of SQL statements, however many visitors are on site (no N+1)."""
DESK_PAGE_MAX = 10  # measured 8 on SQLite and PostgreSQL
SIGN_IN_MAX = 12  # measured 10 (3 of them audit-log inserts)
VISIT_LIST_MAX = 7  # user, permissions, to-do count, capped count, page, purpose and campus choices


def measure(count_statements, call):
    with count_statements() as counter:
        resp = call()
    return resp, counter.count


def test_the_desk_page_runs_few_statements_whatever_the_number_on_site(app, client_as, gate, count_statements):
    host = gate.staff("TB", name="统计主人")
    c = client_as("gatekeeper_b")
    c.get("/gate/desk/")  # warm caches (settings, permissions of this session)
    gate.visit("TB", username="gatekeeper_b", host_id=host)
    resp, few = measure(count_statements, lambda: c.get("/gate/desk/"))
    assert resp.status_code == 200
    for _ in range(5):
        gate.visit("TB", username="gatekeeper_b", host_id=host, host_confirmation="phone")
    resp, many = measure(count_statements, lambda: c.get("/gate/desk/"))
    print("desk page statements:", few, many)
    assert many == few
    assert many <= DESK_PAGE_MAX


def test_a_sign_in_runs_few_statements(app, client_as, gate, count_statements):
    c = client_as("gatekeeper_a")
    c.get("/gate/desk/")
    resp, n = measure(count_statements, lambda: c.post("/gate/desk/sign-in", data=gate.form(badge="")))
    print("sign-in statements:", n)
    assert resp.status_code == 302
    assert n <= SIGN_IN_MAX


def test_the_visit_list_runs_few_statements_whatever_the_number_of_staff(app, client_as, gate, count_statements, uid):
    c = client_as("director_a")
    c.get("/visitview/list/")
    for _ in range(3):
        gate.visit(host_id=gate.staff("TA", name=uid("列表")))
    resp, n = measure(count_statements, lambda: c.get("/visitview/list/"))
    print("visit list statements:", n)
    assert resp.status_code == 200
    assert n <= VISIT_LIST_MAX
