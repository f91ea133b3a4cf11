"""The change feed for upper platforms (issue 18)."""
from __future__ import annotations

from flask import request

from app.api import bp
from app.api.auth import api_actor
from app.api.envelope import ok
from app.api.openapi import doc
from app.schemas.exchange import ChangeSchema, ChangesQuerySchema
from app.services.exchange import feed_reads


@bp.get("/exchange/changes")
@doc(query=ChangesQuerySchema, response=ChangeSchema, many=True)
def exchange_changes():
    """Every created, changed or deleted record of the exchanged types the caller may see, in
    commit order without gaps, after the cursor `since`; resume from `meta.next_cursor`
    (`meta.more`: another page is ready now)."""
    args = ChangesQuerySchema().load(request.args)
    page = feed_reads.changes(api_actor(), args["since"], args["limit"])
    return ok(ChangeSchema(many=True).dump(page.entries), {"next_cursor": page.next_cursor, "more": page.more})
