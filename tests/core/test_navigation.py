"""After login, a language switch or a greeting the user goes back only to a page of this site."""
import pytest

from app.core.navigation import safe_next


@pytest.mark.parametrize("target", [
    "//evil.example/x", "/\\evil.example", "/\t/evil.example/x", "/%09/evil.example/x".replace("%09", "\t"),
    "\n//evil.example", "https://evil.example/", "javascript:alert(1)", "/\r\n/evil.example", "", None,
    "evil.example", "/\u2028/evil.example",
])
def test_anything_but_a_same_site_path_falls_back(target):
    assert safe_next(target, "/fallback") == "/fallback"


@pytest.mark.parametrize("target", ["/clients/3", "/visits/?status=all&mine=0", "/clients/?q=%E5%8C%BB%E9%99%A2"])
def test_same_site_paths_are_kept(target):
    assert safe_next(target, "/fallback") == target


def test_login_with_a_tab_smuggled_next_stays_on_the_site(client, db, login_as):
    user = login_as("sales")
    client.post("/auth/logout")
    response = client.post("/auth/login?next=/%09/evil.example/x",
                           data={"username": user.username, "password": "correct-horse-9"})
    assert response.status_code == 302 and response.location == "/"
    client.post("/auth/logout")
    response = client.post("/auth/login?next=/x%0d%0aSet-Cookie:a=b",
                           data={"username": user.username, "password": "correct-horse-9"})
    assert response.status_code == 302 and response.location == "/xSet-Cookie:a=b"  # one harmless local path
    assert not any("a=b" in cookie for cookie in response.headers.getlist("Set-Cookie"))


def test_the_language_switch_refuses_an_outside_next(client, db):
    response = client.post("/auth/language", data={"lang": "en", "next": "/\t/evil.example"})
    assert response.status_code == 302 and response.location == "/"
