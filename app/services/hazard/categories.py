"""Hazardous-work categories: loaded from the shipped CSV, then edited as data."""
from __future__ import annotations

import csv
from pathlib import Path

from sqlalchemy import select

from app import settings
from app.extensions import db
from app.models import HazardousCategory

# Expert specialty that a category's panel needs (used by the expert draw).
SPECIALTY_BY_PREFIX = {
    "JK": "geotechnical", "MB": "formwork", "QZ": "lifting", "JSJ": "scaffold",
    "CC": "demolition", "AW": "tunnelling", "QT": "structure",
}


def csv_path() -> Path:
    return settings.current().domain_dir / "hazardous-categories.csv"


def load_default_categories() -> int:
    """Insert the categories of the CSV that are not there yet (edited rows are kept). Returns new rows."""
    existing = set(db.session.scalars(select(HazardousCategory.code)))
    added = 0
    with csv_path().open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["code"] in existing:
                continue
            name = row["category_zh"]
            db.session.add(HazardousCategory(
                code=row["code"], name_zh=name, name_en=row["category_en"],
                division=name.split("（")[0][:50], sub_item=name,
                hazardous_rule=row["hazardous_if"], super_scale_rule=row["super_scale_if"],
                specialty=SPECIALTY_BY_PREFIX.get(row["code"].split("-")[0]),
                source_tag=row["source_tag"], active=True))
            added += 1
    return added
