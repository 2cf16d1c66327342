"""A favicon (issue 13, point 13): every page links the house icon, served from the app (offline)."""


def test_a_favicon_is_linked_and_served(app, client_as, anon):
    page = client_as("gatekeeper_a").get("/").get_data(as_text=True)
    assert 'rel="icon"' in page and "/static/houqin/favicon.svg" in page
    login = anon.get("/login/").get_data(as_text=True)
    assert "/static/houqin/favicon.svg" in login
    response = anon.get("/static/houqin/favicon.svg")
    assert response.status_code == 200 and b"<svg" in response.data
