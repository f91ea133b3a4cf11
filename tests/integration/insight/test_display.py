"""The command-centre wall: a display token opens one jurisdiction's figures without a login,
read-only; it is stored hashed and stops working when revoked."""
from __future__ import annotations

import hashlib

from sqlalchemy import select, text

from app.extensions import db
from app.models import DisplayToken
from app.services.insight import display


def _figures(client, token):
    return client.get("/api/v1/display/command-centre", headers={"Authorization": f"Display {token}"})


def test_a_district_token_reads_its_district_only(app, world):
    row, token = display.issue(world["districts"]["A"].code, "A区指挥大厅")
    client = app.test_client()
    r = _figures(client, token)
    assert r.status_code == 200, r.get_json()
    data = r.get_json()["data"]
    assert data["display"] == {"name": "A区指挥大厅", "unit": "A区住建局"}
    assert [d["label"] for d in data["districts"]] == ["A区住建局"] and data["projects"]["total"] == 1
    assert db.session.get(DisplayToken, row.id).last_used_at is not None


def test_the_wall_keeps_its_token_in_an_httponly_cookie(app, world):
    """The URL's token is checked once and moved to a cookie no script can read; the page then
    lives at /display, never holds the token, and reads its figures with the cookie."""
    _, token = display.issue(world["districts"]["A"].code, "A区指挥大厅")
    client = app.test_client()
    opened = client.get(f"/display?token={token}")
    assert opened.status_code == 303 and opened.headers["Location"].endswith("/display")
    [cookie] = opened.headers.getlist("Set-Cookie")
    assert cookie.startswith(f"{display.COOKIE}={token};")
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/;" in cookie + ";"
    page = client.get("/display")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "A区住建局" in html and 'class="big-screen"' in html
    assert token not in html
    figures = client.get("/api/v1/display/command-centre")
    assert figures.status_code == 200 and figures.get_json()["data"]["display"]["name"] == "A区指挥大厅"


def test_a_wrong_token_sets_no_cookie(app, world):
    display.issue(world["districts"]["A"].code, "墙屏")
    client = app.test_client()
    r = client.get("/display?token=guess")
    assert r.status_code == 401
    assert not [c for c in r.headers.getlist("Set-Cookie") if c.startswith(display.COOKIE)]


def test_a_city_token_reads_every_district(app, world):
    city = db.session.get(type(world["districts"]["A"]), world["districts"]["A"].parent_id)
    _, token = display.issue(city.code, "市指挥中心")
    data = _figures(app.test_client(), token).get_json()["data"]
    assert sorted(d["label"] for d in data["districts"]) == ["A区住建局", "B区住建局"]


def test_stored_hashed_and_revocable(app, world):
    row, token = display.issue(world["districts"]["A"].code, "墙屏")
    stored = db.session.execute(text("SELECT token_sha256 FROM display_token")).scalars().all()
    assert stored == [hashlib.sha256(token.encode()).hexdigest()] and token not in stored[0]
    display.revoke(row.id)
    client = app.test_client()
    client.set_cookie(display.COOKIE, token)
    for r in (_figures(client, token), client.get(f"/display?token={token}"), client.get("/display"),
              client.get("/api/v1/display/command-centre")):
        assert r.status_code == 401
    assert _figures(client, token).get_json()["error"]["code"] == "display_token_invalid"


def test_no_or_wrong_token_and_no_writes(app, world):
    display.issue(world["districts"]["A"].code, "墙屏")
    client = app.test_client()
    assert client.get("/api/v1/display/command-centre").status_code == 401
    assert _figures(client, "guess").status_code == 401
    assert client.get("/display").status_code == 401 and client.get("/display?token=guess").status_code == 401
    # Read-only: the wall's routes answer GET only.
    assert client.post("/api/v1/display/command-centre").status_code == 405


def test_the_cli_issues_lists_and_revokes(app, world):
    runner = app.test_cli_runner()
    out = runner.invoke(args=["display", "issue", world["districts"]["B"].code, "B区大屏"])
    assert out.exit_code == 0, out.output
    token = out.output.split(": ", 1)[1].split("\n", 1)[0]
    row = db.session.scalar(select(DisplayToken))
    assert _figures(app.test_client(), token).status_code == 200
    assert "B区大屏\tactive" in runner.invoke(args=["display", "list"]).output
    assert runner.invoke(args=["display", "revoke", str(row.id)]).exit_code == 0
    assert _figures(app.test_client(), token).status_code == 401
