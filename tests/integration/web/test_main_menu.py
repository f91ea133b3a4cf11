"""The main menu, rendered once per process for each language and kind of user (common.main_nav):
each user still sees his own menu, in his page's language."""
import re

MENU = re.compile(r'<nav class="mainnav".*?</nav>', re.S)


def _menu(client, url: str) -> str:
    answer = client.get(url)
    assert answer.status_code == 200
    return MENU.search(answer.get_data(as_text=True)).group(0)


def test_each_user_sees_his_own_menu_in_his_language(browser):
    contractor, admin, official = browser("contractor_pm"), browser("admin"), browser("district_safety")
    first = _menu(contractor, "/account/password")
    assert "工作台" in first and "系统管理" not in first and "统计报表" in first
    assert "系统管理" in _menu(admin, "/account/password")
    by_official = _menu(official, "/inbox")
    assert "工作台" not in by_official and "线索跟踪" in by_official and "流程设计" in by_official
    assert _menu(contractor, "/inbox") == first  # the same menu, whichever page
    english = _menu(contractor, "/account/password?lang=en")
    assert "To-do" in english and "Workbench" in english and "待办" not in english
    assert _menu(contractor, "/inbox") == english  # the session keeps his language
    assert "系统管理" in _menu(admin, "/inbox")  # the others' stay theirs
