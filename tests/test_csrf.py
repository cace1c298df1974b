from tests.conftest import TOKEN
from tests.factories import PASSWORD, make_user


def test_plain_post_without_token_is_refused(client, db):
    make_user("sales", username="lixy")
    db.session.commit()
    response = client.post("/auth/login", data={"username": "lixy", "password": PASSWORD}, csrf=False)
    assert response.status_code == 400
    assert "请求未被接受" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302  # not signed in


def test_htmx_post_without_token_is_refused(client, login_as):
    user = login_as("sales")
    response = client.post("/clients/new", data={"name": "x"}, headers={"HX-Request": "true"}, csrf=False)
    assert response.status_code == 400
    response = client.post("/auth/logout", headers={"HX-Request": "true"}, csrf=False)
    assert response.status_code == 400
    assert user.display_name in client.get("/").get_data(as_text=True)  # still signed in


def test_htmx_post_with_the_header_token_passes(client, login_as):
    login_as("sales")
    response = client.post("/auth/logout", headers={"HX-Request": "true", "X-CSRFToken": client.csrf_token()},
                           csrf=False)
    assert response.status_code == 302


def test_pages_carry_the_token_for_htmx(client, login_as):
    login_as("sales")
    html = client.get("/").get_data(as_text=True)
    token = TOKEN.search(html).group(1)
    assert f'hx-headers=\'{{"X-CSRFToken": "{token}"}}\'' in html
    response = client.post("/auth/logout", headers={"HX-Request": "true", "X-CSRFToken": token}, csrf=False)
    assert response.status_code == 302
