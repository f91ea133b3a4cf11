"""The one vocabulary: every code shown to people, in Chinese and English.

Statuses, roles, alarm levels and types (metrics with their units), order types, timeline event
kinds, process and notice names. Pages and notices print codes through `word` (the Jinja filter
`words`); form field names are the forms' own titles (`app.formdefs.field_titles`).
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Term:
    zh: str
    en: str

    def in_(self, lang: str) -> str:
        return self.en if lang.startswith("en") else self.zh


def _terms(**pairs: tuple[str, str]) -> dict[str, Term]:
    return {code: Term(*pair) for code, pair in pairs.items()}


ROLE = _terms(
    sys_admin=("系统管理员", "System administrator"), city_official=("市级监管人员", "City official"),
    district_safety_officer=("安监站监督员", "Safety station inspector"),
    district_quality_officer=("质监站监督员", "Quality station inspector"),
    district_leader=("签发领导", "Signing leader"), urging_clerk=("考核督办员", "Urging clerk"),
    process_designer=("流程设计员", "Process designer"), auditor=("安全审计员", "Security auditor"),
    owner_rep=("建设单位项目负责人", "Owner's project lead"),
    contractor_pm=("施工单位项目经理", "Contractor project manager"),
    contractor_tech_lead=("施工单位技术负责人", "Contractor technical lead"),
    contractor_safety_officer=("专职安全员", "Full-time safety officer"),
    chief_supervisor=("总监理工程师", "Chief supervising engineer"), supervisor=("监理工程师", "Supervising engineer"),
    expert=("专家", "Expert"),
)
CASE_STATUS = _terms(
    running=("办理中", "In progress"), waiting=("等待中", "Waiting"), completed=("已办结", "Completed"),
    cancelled=("已撤销", "Cancelled"), error=("故障", "Failed"),
)
TASK_STATUS = _terms(open=("待办", "Open"), completed=("已办理", "Done"), cancelled=("已取消", "Cancelled"),
                     resolved=("已处理", "Resolved"))
WORK_STATUS = _terms(
    registered=("已登记", "Registered"), plan_approved=("方案已通过", "Plan approved"),
    in_progress=("施工中", "Under construction"), suspended=("已中止", "Suspended"),
    accepted=("已验收", "Accepted"), terminated=("已终止", "Terminated"),
)
PROJECT_STATUS = _terms(registered=("已登记", "Registered"), active=("在建", "Active"),
                        pending=("待审核", "Pending review"))
NOTICE_STATUS = _terms(pending=("生成中", "Being produced"), rendered=("有效", "Valid"),
                       failed=("生成失败", "Production failed"))
ORDER_STATUS = _terms(issued=("已下发", "Issued"), replied=("已回复", "Replied"), closed=("已关闭", "Closed"),
                      overdue=("已逾期", "Overdue"), escalated=("已督办", "Escalated"))
ORDER_TYPE = _terms(deadline=("限期整改", "Rectify by a deadline"), partial_stop=("局部停工整改", "Partial stop"),
                    full_stop=("全面停工整改", "Full stop"))
ALARM_LEVEL = _terms(warning=("预警", "Warning"), alarm=("报警", "Alarm"))
ALARM_STATUS = _terms(open=("未关闭", "Open"), closed=("已关闭", "Closed"))


@dataclass(frozen=True)
class Metric:
    term: Term
    unit: str


def _metrics(**rows: tuple[str, str, str]) -> dict[str, Metric]:
    return {code: Metric(Term(zh, en), unit) for code, (zh, en, unit) in rows.items()}


METRIC = _metrics(
    load_pct=("载重", "Load", "%额定"), moment_pct=("力矩", "Moment", "%额定"),
    wind_speed=("风速", "Wind speed", "m/s"), tilt_permille=("倾斜", "Tilt", "‰"),
    collision_distance_m=("防碰撞距离", "Collision distance", "m"), tilt_deg=("倾角", "Inclination", "°"),
    wall_top_horizontal_mm=("墙顶水平位移", "Wall-top horizontal displacement", "mm"),
    wall_top_horizontal_rate_mm_d=("墙顶水平位移速率", "Wall-top displacement rate", "mm/d"),
    wall_top_settlement_mm=("墙顶沉降", "Wall-top settlement", "mm"),
    deep_horizontal_mm=("深层水平位移", "Deep horizontal displacement", "mm"),
    ground_settlement_mm=("地表沉降", "Ground settlement", "mm"),
    strut_axial_force_pct=("支撑轴力", "Strut axial force", "%设计值"),
    groundwater_change_mm=("地下水位变化", "Groundwater level change", "mm"),
    settlement_mm=("模板沉降", "Formwork settlement", "mm"), horizontal_mm=("水平位移", "Horizontal displacement", "mm"),
    pole_tilt_deg=("立杆倾角", "Pole inclination", "°"), pole_axial_force_kn=("立杆轴力", "Pole axial force", "kN"),
    pm10_ug_m3=("PM10", "PM10", "µg/m³"), leq_day_db=("昼间噪声", "Daytime noise", "dB(A)"),
    leq_night_db=("夜间噪声", "Night-time noise", "dB(A)"),
)
# The numeric parameters of the hazardous-work category rules (hazardous-categories.csv).
PARAMETER = _metrics(
    depth_m=("开挖（挖孔）深度", "Excavation depth", "m"), height_m=("搭设（安装）高度", "Erection height", "m"),
    span_m=("搭设跨度", "Span", "m"), load_kn_m2=("施工总荷载", "Total construction load", "kN/m²"),
    line_load_kn_m=("集中线荷载", "Concentrated line load", "kN/m"), point_load_kn=("单点集中荷载", "Point load", "kN"),
    lift_kn=("单件起吊重量", "Single lift weight", "kN"), capacity_kn=("起重量", "Lifting capacity", "kN"),
    base_elevation_m=("基础标高", "Foundation elevation", "m"), lift_height_m=("提升高度", "Lifting height", "m"),
    section_height_m=("分段架体搭设高度", "Section height", "m"), install_height_m=("幕墙安装高度", "Curtain wall height", "m"),
    steel_span_m=("钢结构跨度", "Steel structure span", "m"), frame_span_m=("网架或索膜结构跨度", "Space frame span", "m"),
    weight_kn=("顶升（平移）重量", "Jacking weight", "kN"),
)
# Alarm types that are not a metric: the registry's compliance checks (device_compliance).
COMPLIANCE_ALARM = _terms(operator_unregistered=("特种作业人员未登记", "Operator not registered"),
                          certificate_expired=("特种作业人员证书过期", "Operator certificate expired"))
EVENT = _terms(
    started=("发起", "Started"), case_started=("发起", "Started"), task_completed=("办理", "Done"),
    task_claimed=("签收", "Claimed"), task_unclaimed=("退回签收", "Released"), task_assigned=("指派", "Assigned"),
    timer=("计时", "Timer"), timer_fired=("计时到期", "Time limit reached"), message=("消息", "Message"),
    message_received=("收到消息", "Message received"), message_caught=("收到消息", "Message received"),
    message_thrown=("发出消息", "Message sent"), message_unrouted=("消息未送达", "Message not delivered"),
    incident=("故障", "Failure"), incident_resolved=("故障已处理", "Failure resolved"),
    incident_retry_failed=("重试失败", "Retry failed"), case_cancelled=("撤销", "Cancelled"),
    cancelled=("撤销", "Cancelled"), case_completed=("办结", "Completed"), completed=("办结", "Completed"),
    candidate_fallback=("改由角色办理", "Given to the role"), binding_fallback=("改由角色办理", "Given to the role"),
    review_conflict=("回避", "Conflict of interest"), reviewer_missing=("无人审核", "No one to review"), migrated=("迁移到新版本", "Moved to a newer version"),
    document_issued=("签发文书", "Notice issued"), document_rendered=("文书已生成", "Notice produced"),
    document_failed=("文书生成失败", "Notice production failed"), document_retry=("重新生成文书", "Notice retried"),
    order_opened=("发起整改", "Order opened"), order_issued=("下发整改", "Order issued"),
    order_returned=("整改退回", "Order returned"), order_resumed=("恢复整改", "Order resumed"),
    order_overdue_reminder=("逾期提醒", "Overdue reminder"), order_escalated=("转入督办", "Escalated to urging"),
    returned=("退回", "Returned"), rectification_order_requested=("申请下发整改", "Order requested"),
    urging_planned=("督办计划", "Urging planned"), urging_warning=("督办预警", "Urging warning"),
    urged=("督办", "Urged"), urging_done=("督办完成", "Urging done"), random_draw=("双随机抽取", "Random draw"),
    work_status=("危大工程状态变更", "Work status changed"), record_status=("监理记录状态变更", "Record status changed"),
    expert_draw=("抽取专家", "Experts drawn"),
    expert_redraw=("重新抽取专家", "Experts redrawn"), enterprise_applied=("企业申请", "Enterprise applied"),
    accounts_created=("开通账号", "Accounts created"),
    operator_called=("系统处理", "System step"), engine=("系统处理", "System step"),
)
PROCESS = _terms(
    clue_assignment=("线索交办", "Clue assignment"), device_alarm_disposal=("设备预警处置", "Device alarm disposal"),
    enterprise_review=("企业信息审核", "Enterprise review"), hazard_self_check=("企业安全隐患排查", "Hazard self-check"),
    hazardous_acceptance=("危大工程验收", "Hazardous work acceptance"),
    hazardous_emergency=("危大工程应急处置报告", "Hazardous work emergency report"),
    hazardous_inspection=("危大工程专项巡视检查", "Hazardous work patrol"),
    hazardous_plan_review=("危大工程专项施工方案审查与专家论证", "Hazardous work plan review"),
    hazardous_suspension=("危大工程中止与恢复施工", "Hazardous work suspension"),
    hazardous_termination=("危大工程终止", "Hazardous work termination"),
    health_check_rectification=("工地体检整改跟踪", "Site health check follow-up"),
    project_registration=("工程开工登记", "Project registration"),
    quality_handling=("检测不合格处理", "Failed test handling"), rectification_order=("下发整改", "Rectification order"),
    site_check=("现场检查（实名制/扬尘）", "Site check"), supervision_inspection=("监督检查", "Supervision inspection"),
    supervision_urging=("督办", "Urging"), supervision_record_review=("监理记录审核", "Supervision record review"),
)
NOTICE = _terms(
    rectification_notice=("安全隐患整改通知书", "Rectification notice"), stop_work_notice=("停工整改通知书", "Stop-work notice"),
    resumption_notice=("复工通知书", "Resumption notice"), urging_notice=("督办通知书", "Urging notice"),
    supervision_suspend_notice=("中止施工安全监督告知书", "Suspension notice"),
    supervision_resume_notice=("恢复施工安全监督告知书", "Resumption of supervision notice"),
    supervision_terminate_notice=("终止施工安全监督告知书", "Termination notice"),
    expert_argumentation_report=("专家论证报告", "Expert argumentation report"),
    inspection_record=("监督检查记录", "Inspection record"), health_check_report=("工地体检报告", "Site health check report"),
    quality_rectification_notice=("质量整改通知书", "Quality rectification notice"),
    sample_label_sheet=("见证取样样品标识", "Witness sample labels"),
    supervision_log=("监理日志", "Supervision log"), side_station_record=("旁站记录", "Side-station record"),
    parallel_inspection_record=("平行检验记录", "Parallel inspection record"),
)
# What the record of a random draw (双随机, expert panels) says, and why an expert was avoided.
DRAW = _terms(
    seed=("随机种子", "Random seed"), projects=("抽中项目", "Projects drawn"), expert_draws=("各项目专家抽取", "Experts per project"),
    excluded=("回避的专家", "Experts avoided"), employed_by_participant=("受聘于本项目参建单位", "Employed by a participant"),
    specialty=("专业", "Specialty"),
)
# Where a bare code is looked up, in this order (a status word wins over a process of the same code).
# The exchanged record types (the change feed, webhooks) and what became of a webhook delivery.
EXCHANGE_RECORD = _terms(project=("工程项目", "Project"), hazardous_work=("危大工程", "Hazardous work"),
                         alarm=("设备报警", "Device alarm"), case=("办理事项", "Case"),
                         order=("整改单", "Rectification order"), document=("文书", "Notice"))
FEED_ACTION = _terms(created=("新增", "Created"), changed=("变更", "Changed"), deleted=("删除", "Deleted"))
# What a process's start rule may name as its subject (definitions.start_guards.GUARDS).
SUBJECT = _terms(hazardous_work=("危大工程", "Hazardous work"), supervision_record=("监理记录", "Supervision record"))
DELIVERY_STATUS = _terms(pending=("待推送", "Pending"), delivered=("已送达", "Delivered"),
                         dead=("已放弃", "Given up"))

# Why a case stopped (incident.code): the engine's error codes (app.engine), the reviewer's
# avoidance rule (review_duties.CONFLICT_CODE) and a notice that did not render (notices.issuing).
INCIDENT = _terms(
    time_budget_exceeded=("流程脚本运行超时", "A script of the process ran out of time"),
    script_unsafe=("流程脚本含不允许的写法", "A script of the process uses what is not allowed"),
    script_error=("流程脚本出错", "A script of the process failed"),
    script_syntax=("流程脚本有语法错误", "A script of the process does not parse"),
    condition_syntax=("流程条件有语法错误", "A condition of the process does not parse"),
    expression_error=("流程条件或表达式出错", "A condition or expression of the process failed"),
    workflow_error=("流程执行出错", "The process could not go on"),
    engine_error=("流程引擎内部错误", "The workflow engine failed"),
    operator_failed=("流程调用的系统操作失败", "A system operation of the process failed"),
    operator_unknown=("流程调用了未知的系统操作", "The process calls an unknown system operation"),
    operator_unsupported=("流程使用了不支持的服务任务", "The process uses an unsupported service task"),
    state_invalid=("案件状态数据无法读取", "The case's state cannot be read"),
    step_failed=("办理步骤失败", "A step of the case failed"),
    multi_instance_too_large=("并行任务数量超出上限", "Too many parallel tasks"),
    migration_blocked=("案件无法迁移到新版本", "The case cannot move to the new version"),
    bundle_invalid=("流程定义无效", "The process definition is invalid"),
    review_conflict=("审查人须回避", "The reviewer must stand aside"),
    notice_render_failed=("文书生成失败", "The notice could not be produced"),
)

GROUPS: dict[str, dict[str, Term]] = {
    "role": ROLE, "case_status": CASE_STATUS, "task_status": TASK_STATUS, "work_status": WORK_STATUS,
    "project_status": PROJECT_STATUS, "notice_status": NOTICE_STATUS, "order_status": ORDER_STATUS,
    "order_type": ORDER_TYPE, "alarm_level": ALARM_LEVEL, "alarm_status": ALARM_STATUS,
    "metric": {code: m.term for code, m in METRIC.items()}, "compliance_alarm": COMPLIANCE_ALARM,
    "parameter": {code: m.term for code, m in PARAMETER.items()},
    "event": EVENT, "process": PROCESS, "notice": NOTICE, "draw": DRAW,
    "exchange_record": EXCHANGE_RECORD, "feed_action": FEED_ACTION, "delivery_status": DELIVERY_STATUS,
    "subject": SUBJECT, "incident": INCIDENT,
}


def term(code: str | None, group: str | None = None) -> Term | None:
    """The term of `code` in `group` (or in the first group that knows it); None when unknown."""
    if not code:
        return None
    if group is not None:
        return GROUPS[group].get(code)
    for terms in GROUPS.values():
        if code in terms:
            return terms[code]
    return None


def word(code: str | None, group: str | None = None, lang: str = "zh") -> str:
    """The word people read for `code`: the code itself only when the vocabulary does not know it
    (free text passes through unchanged)."""
    found = term(code, group)
    return found.in_(lang) if found else (code or "")


def alarm_label(alarm_type: str, lang: str = "zh") -> str:
    """An alarm type in words: its metric's name, or the compliance check's."""
    return word(alarm_type, "metric", lang) if alarm_type in METRIC else word(alarm_type, "compliance_alarm", lang)


def metric_with_unit(metric: str, lang: str = "zh") -> str:
    """`风速（m/s）`: a metric's (or rule parameter's) name with its unit, for figures people compare."""
    known = METRIC.get(metric) or PARAMETER.get(metric)
    return f"{known.term.in_(lang)}（{known.unit}）" if known else metric


def unit_of(code: str) -> str:
    known = METRIC.get(code) or PARAMETER.get(code)
    return known.unit if known else ""


def labels(group: str, lang: str = "zh") -> dict[str, str]:
    """A whole group as {code: word}, for choices and legends."""
    return {code: t.in_(lang) for code, t in GROUPS[group].items()}


def english_of(zh: str) -> str | None:
    """The English of a word the vocabulary holds in Chinese (a page that printed the Chinese word
    of a code, e.g. a metric's name from a service, still reads in English); None when unknown."""
    return _ENGLISH_OF.get(zh)


_ENGLISH_OF: dict[str, str] = {}
for _group in GROUPS.values():
    for _term in _group.values():
        _ENGLISH_OF.setdefault(_term.zh, _term.en)
