"""Server-rendered pages (Chinese UI)."""
from flask import Blueprint

bp = Blueprint("web", __name__, template_folder="templates", static_folder="static",
               static_url_path="/static")

from app.web import pages  # noqa: E402,F401
