"""The notification bell (unread count in the top bar) and the /notifications page: only my own
messages, mark-read by POST with CSRF, another user's message is 404."""
from __future__ import annotations

import re

from sqlalchemy import select

from app.extensions import db
from app.models import Notification, User
from app.services.demo import seed


def _notify(username: str, title: str, *, read: bool = False, instance_id: int | None = None) -> int:
    from app.infra import wallclock

    user_id = db.session.scalar(select(User.id).where(User.username == username))
    row = Notification(user_id=user_id, title=title, body=f"{title}的内容", instance_id=instance_id,
                       read_at=wallclock.now() if read else None)
    db.session.add(row)
    db.session.commit()
    return row.id


def _bell(html: str) -> str | None:
    found = re.search(r'class="bell-count" data-unread="(\d+)"', html)
    return found.group(1) if found else None


def test_the_bell_counts_my_unread_messages(browser, site):
    first = _notify("contractor_pm", "请提交专项施工方案")
    _notify("contractor_pm", "监理已退回")
    _notify("contractor_pm", "早已读过", read=True)
    _notify("supervisor", "别人的消息")
    html = browser("contractor_pm").get("/inbox").get_data(as_text=True)
    assert _bell(html) == "2" and 'href="/notifications?unread=1"' in html
    # an inline icon: no emoji font needed to draw the bell
    assert re.search(r'id="bell"[^>]*>\s*<svg class="bell-icon"', html) and "\U0001f514" not in html
    assert _bell(browser("supervisor").get("/inbox").get_data(as_text=True)) == "1"
    assert _bell(browser("owner_rep").get("/inbox").get_data(as_text=True)) is None
    assert 'id="bell"' in browser("owner_rep").get("/inbox").get_data(as_text=True)
    assert 'id="bell"' not in site.test_client().get("/login").get_data(as_text=True)
    assert browser("contractor_pm").post(f"/notifications/{first}/read").status_code == 302
    assert _bell(browser("contractor_pm").get("/inbox").get_data(as_text=True)) == "1"


def test_the_notifications_page_lists_mine_and_marks_read(browser, site):
    mine = _notify("contractor_pm", "请提交专项施工方案")
    _notify("contractor_pm", "早已读过", read=True)
    theirs = _notify("supervisor", "别人的消息")
    page = browser("contractor_pm").get("/notifications").get_data(as_text=True)
    assert "请提交专项施工方案" in page and "早已读过" in page and "别人的消息" not in page
    assert f'data-mark-read="{mine}"' in page and 'id="unread-total">1<' in page
    unread = browser("contractor_pm").get("/notifications?unread=1").get_data(as_text=True)
    assert "请提交专项施工方案" in unread and "早已读过" not in unread
    r = browser("contractor_pm").post(f"/notifications/{mine}/read", data={"unread": "1"})
    assert r.status_code == 302 and r.headers["Location"].endswith("/notifications?unread=1")
    assert db.session.get(Notification, mine).read_at is not None
    assert "暂无未读消息" in browser("contractor_pm").get("/notifications?unread=1").get_data(as_text=True)
    assert browser("contractor_pm").post(f"/notifications/{mine}/read").status_code == 302  # again: no change
    assert browser("contractor_pm").post(f"/notifications/{theirs}/read").status_code == 404
    assert db.session.get(Notification, theirs).read_at is None
    assert site.test_client().get("/notifications").status_code == 302  # to the login page


def test_mark_read_requires_csrf(sqlite_template, tmp_path):
    from tests.conftest import make_sqlite_app

    app = make_sqlite_app(sqlite_template, tmp_path, WTF_CSRF_ENABLED=True)
    with app.app_context():
        seed.load_demo(app.config["DEMO_PASSWORD"])
        mine = _notify("contractor_pm", "带令牌才能标记")
        client = app.test_client()
        token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").get_data(as_text=True)).group(1)
        assert client.post("/login", data={"username": "contractor_pm", "password": app.config["DEMO_PASSWORD"],
                                           "csrf_token": token}).status_code == 302
        assert client.post(f"/notifications/{mine}/read").status_code == 400
        assert client.post("/works/1/plans", data={"category": "special"}).status_code == 400
        page = client.get("/notifications").get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        assert client.post(f"/notifications/{mine}/read", data={"csrf_token": token}).status_code == 302
        db.session.expire_all()
        assert db.session.get(Notification, mine).read_at is not None
        db.session.remove()
        db.engine.dispose()
