"""A favicon (issue 13, point 13): linked from every page and answered at /favicon.ico, offline."""


def test_a_favicon_is_linked_and_served(app, client_as, anon):
    page = client_as("gatekeeper_a").get("/").get_data(as_text=True)
    assert 'rel="icon"' in page and "favicon.svg" in page
    response = anon.get("/favicon.ico")
    assert response.status_code == 301 and response.headers["Location"].endswith("/houqin/favicon.svg")
    assert anon.get("/static/houqin/favicon.svg").status_code == 200
