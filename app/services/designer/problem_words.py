"""The designer's problem messages in the page's language. The service checks word their findings
in Chinese, the engine's checks (app/engine/validation.py) in English; each known sentence is
matched here and said again in the other language, names and values carried over (English on an
English page, Chinese on a Chinese one). A sentence not listed stays as it is."""
from __future__ import annotations

import re

_Q = "“(?P<name>[^”]*)”"
# (Chinese sentence as a pattern, its English with the same named groups)
SENTENCES: list[tuple[re.Pattern[str], str]] = [(re.compile(f"^{zh}$"), en) for zh, en in (
    (r"第(?P<line>\d+)行：", "Line {line}: "),
    (r"流程图是空的：没有任何流程节点。", "The diagram is empty: it has no flow node."),
    (r"流程图没有图形信息（没有任何图形和连线），设计器无法显示，不能部署；请先用 flask processes layout 生成布局或在设计器中绘制。",
     "The diagram has no diagram interchange (no shapes, no edges): the designer cannot draw it and it cannot be "
     "deployed. Generate a layout with flask processes layout or draw it in the designer first."),
    (r"流程没有在图中画出（缺少泳池或画布）。", "The process is not drawn (no pool or plane)."),
    (f"元素{_Q}没有图形，设计器中看不到它。", "Element “{name}” has no shape: the designer does not show it."),
    (f"连线{_Q}没有连线，设计器中看不到它。", "Flow “{name}” has no edge: the designer does not show it."),
    (f"连线{_Q}连线缺少路径点，设计器中看不到它。", "Flow “{name}” has an edge without waypoints: the designer does not show it."),
    (r"消息流没有连线。", "A message flow has no edge."),
    (r"声明了 (?P<names>\S+) 却没有 (?P<subject>\w+)（发起对象）。",
     "{names} declared without {subject} (the subject it starts on)."),
    (r"(?P<prop>\w+) 的值 (?P<value>\S+) 不是已知的发起对象（可用：(?P<known>[^）]*)）。",
     "{prop} {value} is not a known subject (known: {known})."),
    (r"(?P<prop>\w+) 中的 (?P<value>\S+) 不是该对象的状态。", "{value} in {prop} is not a status of the subject."),
    (r"(?P<prop>\w+) 中的 (?P<value>\S+) 不是项目角色。", "{value} in {prop} is not a project role."),
    (r"(?P<prop>\w+) 只能是 true 或 false。", "{prop} must be true or false."),
    (r"发起规则须同时写明 (?P<a>\w+) 和 (?P<b>\w+)。", "A start rule names both {a} and {b}."),
    (r"(?P<param>\w+) 须写成带引号的流程标识，如 'rectification_order'。",
     "{param} must be a quoted process key, e.g. 'rectification_order'."),
    (r"表单 (?P<forms>.+) 都填写字段“(?P<field>[^”]+)”：后提交的会覆盖先前的内容（案件数据只有一份），请给其中一个改名（同一步骤的可选办理人请共用一个表单）。",
     "Forms {forms} all write the field “{field}”: the later answer overwrites the earlier one (a case has one set of "
     "data). Rename it in one of them (the alternative holders of one step share one form)."),
    (r"没有同名的流程图。", "There is no diagram of the same name."),
    (r"不是有效的 JSON：(?P<error>.*)", "Not valid JSON: {error}"),
    (r"表单定义必须是 JSON 对象。", "A form definition is a JSON object."),
    (r"表单的根类型必须是 object。", "The root type of a form is object."),
    (r"请上传至少一个流程文件。", "Upload at least one process file."),
    (r"只接受 \.bpmn、\.dmn 和 \.json 表单文件。", "Only .bpmn, .dmn and .json form files are accepted."),
    (r"文件超过 2 MB。", "The file is larger than 2 MB."),
    (r"上传的文件不符合要求。", "The uploaded files are not acceptable."),
    (r"请至少上传一个 \.bpmn 流程文件。", "Upload at least one .bpmn process file."),
    (r"流程文件校验未通过。", "The process files are not valid."),
)]
_PROBLEM = re.compile(r"^(?P<code>\[\w+\] )?(?P<line>第\d+行：)?(?P<text>.*)$", re.S)


_V = "'(?P<value>[^']*)'"
# The engine's English sentences in Chinese.
ENGINE: list[tuple[re.Pattern[str], str]] = [(re.compile(f"^{en}$"), zh) for en, zh in (
    (f"(?P<kind>\\w+) {_V} must be quoted: .*", "{kind} 的值 '{value}' 须加引号，如 \"'{value}'\"。"),
    (f"(?P<name>\\w+) {_V} must name a task-data variable", "{name} 的值 '{value}' 须是任务数据中的变量名。"),
    (f"reviews {_V} must name another user task of this process", "reviews 的值 '{value}' 须是本流程中另一个用户任务的编号。"),
    ("user task names no (?P<name>\\w+)", "用户任务没有指定表单（{name}）。"),
    (f"form {_V} does not exist", "表单 '{value}' 不存在。"),
    (r"user task is in no lane \(no role\)", "用户任务不在任何泳道中（没有办理角色）。"),
    ("service task operator (?P<value>'[^']*'|None) is not registered", "服务任务的操作 {value} 没有登记。"),
    ("lane name (?P<value>'[^']*'|None) is not a known role code", "泳道名称 {value} 不是已知的角色代码。"),
    (f"executable process id {_V} must equal the file stem '(?P<stem>[^']*)'",
     "可执行流程的编号 '{value}' 须与文件名 '{stem}' 相同。"),
)]


def sentence_in_chinese(text: str) -> str:
    """One sentence of the engine's checks in Chinese (unchanged when it is not a known one)."""
    for pattern, chinese in ENGINE:
        match = pattern.match(text)
        if match:
            return chinese.format(**match.groupdict())
    return text


def in_language(message: str, lang: str) -> str:
    """A problem message in `lang` ("en"; anything else is Chinese)."""
    if lang == "en":
        return in_english(message)
    parts = _PROBLEM.match(message)
    if parts is None:
        return message
    return f"{parts['code'] or ''}{parts['line'] or ''}{sentence_in_chinese(parts['text'])}"


def sentence_in_english(text: str) -> str:
    """One sentence of a check in English (unchanged when it is not a known one)."""
    for pattern, english in SENTENCES:
        match = pattern.match(text)
        if match:
            return english.format(**match.groupdict())
    return text


def in_english(message: str) -> str:
    """A problem message, optionally "[code] 第N行：" before it, in English."""
    parts = _PROBLEM.match(message)
    if parts is None:
        return message
    line = sentence_in_english(parts["line"]) if parts["line"] else ""
    return f"{parts['code'] or ''}{line}{sentence_in_english(parts['text'])}"


def fields_in(fields: dict[str, list[str]], lang: str) -> dict[str, list[str]]:
    return {key: [in_language(m, lang) for m in messages] for key, messages in fields.items()}
