"""企业工作台 (seed 000 §3.1.6.1): to-dos, announcements, warning reminders, my projects."""
from __future__ import annotations

from flask import render_template

from app.services.casework import task_words
from app.services.monitoring import site_pages
from app.web import bp
from app.web.common import page, web_actor
from app.web.i18n import english


@bp.get("/workbench")
@page
def workbench():
    wb = site_pages.workbench(web_actor())
    return render_template("workbench/index.html", wb=wb,
                           in_english=task_words.english_titles(wb.todo.items) if english() else {})
