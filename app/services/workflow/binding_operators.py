"""Binding a task to one named user, e.g. a self-check's rectifier and reviewer: the task goes
to that user alone when he works on the case's project.

`project_user_ids` gives plain ids for a user task's `candidateUserVariable`;
`bind_project_users` (one-seat multi-instance lists) stays for instances of diagram versions
deployed before that property existed."""
from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import RoleGrant, User
from app.services.definitions.operator_registry import OperatorContext, operator
from app.services.workflow import timeline


def project_user_id(project_id: int | None, username: object) -> int | None:
    """The id of `username` if he holds a role on the project, else None."""
    if project_id is None or not isinstance(username, str):
        return None
    return db.session.scalar(select(User.id).join(RoleGrant, RoleGrant.user_id == User.id).where(
        User.username == username, RoleGrant.project_id == project_id).limit(1))


@operator("project_user_ids", summary="把用户名换成项目上的用户编号", free_params="每个参数“变量名: 用户名”，写回该变量为用户编号（该用户须在本项目任职，否则为空）")
def project_user_ids(ctx: OperatorContext, params: dict, data: dict) -> dict:
    """Each param `<variable>: <username>` becomes `<variable>: user id` (None when he holds no
    role on the case's project: the lane's role then decides; a `binding_fallback` event says so)."""
    out = {variable: project_user_id(ctx.instance.project_id, username)
           for variable, username in params.items()}
    unknown = [params[variable] for variable, user_id in out.items() if user_id is None]
    if unknown:
        timeline.note(ctx, "binding_fallback", {"usernames": unknown})
    return out


@operator("bind_project_users", summary="把用户名绑定为多实例席位", free_params="每个参数“席位变量名: 用户名”，写回该变量为席位列表")
def bind_project_users(ctx: OperatorContext, params: dict, data: dict) -> dict:
    """Each param `<seats variable>: <username>` becomes `[{"user_id": id}]` (or `[None]`: the
    lane's role then decides)."""
    out, unknown = {}, []
    for variable, username in params.items():
        user_id = project_user_id(ctx.instance.project_id, username)
        out[variable] = [{"user_id": user_id, "username": username} if user_id else None]
        if user_id is None:
            unknown.append(username)
    if unknown:
        timeline.note(ctx, "binding_fallback", {"usernames": unknown})
    return out
