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
    (r"表单文字缺少英文（ui:en）：(?P<texts>.*?)(?: 等 (?P<count>\d+) 处)?。",
     "Texts of the form without their English (ui:en): {texts}."),
    (r"摘要文字缺少英文（en）：(?P<texts>.*?)(?: 等 (?P<count>\d+) 处)?。",
     "Texts of the summary without their English (en): {texts}."),
    # a summary's own problems (formdefs.summaries.problems, code summary_invalid)
    (r"摘要必须是一个 JSON 对象。", "A summary is a JSON object."),
    (r"(?P<name>\w+) 必须是文本。", "{name} must be a text."),
    (r"en 必须是以中文文字为键、英文为值的对象。", "en must be an object of Chinese texts and their English."),
    (r"facts 必须是非空列表。", "facts must be a list that is not empty."),
    (r"tasks 必须是以用户任务 id 为键的对象。", "tasks must be an object keyed by user task ids."),
    (r"tasks\.(?P<name>[^：]+)：流程中没有这个用户任务。", "tasks.{name}: the process has no such user task."),
    (r"(?P<where>[\w.]+) 必须是列表。", "{where} must be a list."),
    (r"(?P<where>[\w.]+)：每一项都要有 label。", "{where}: every item has a label."),
    (r"(?P<where>[\w.]+)：须且只能有 (?P<kinds>[\w/]+) 之一。", "{where}: exactly one of {kinds}."),
    (r"(?P<where>[\w.]+)：as 只能是 (?P<formats>[\w/]+)。", "{where}: as is one of {formats}."),
    (r"(?P<where>[\w.]+)：item 必须是文本模板。", "{where}: item must be a text template."),
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


# What a sandbox refusal is about, (Chinese, English).
WHAT = {"expression": ("表达式", "expression"), "script": ("脚本", "script"), "condition": ("条件表达式", "condition"),
        "timeDate": ("定时器日期", "timer date"), "timeDuration": ("定时器时长", "timer duration"),
        "timeCycle": ("定时器周期", "timer cycle")}
# Why the sandbox refused a source ({what} as above, {name} the name refused), (Chinese, English):
# the properties panel's reasons (designer/catalogue.py) and the validate/deploy answers say the same.
SANDBOX = {
    "syntax": ("{what}语法错误，无法编译。", "The {what} has a syntax error and does not compile."),
    "not_allowed": ("不允许使用 {name}。", "{name} is not allowed."),
    "underscore": ("不允许使用以下划线开头的名称 {name}。", "Names starting with an underscore are not allowed: {name}."),
    "too_long": ("内容过长，超过沙箱允许的长度。", "Too long for the sandbox."),
    "too_deep": ("嵌套过深，沙箱无法编译。", "Nested too deeply for the sandbox."),
    "refused": ("沙箱不允许这种写法（如以下划线开头的名称、访问内部属性等）。",
                "The sandbox does not allow this (names starting with an underscore, internal attributes…)."),
}
# The problems whose text comes from a library (engine.BundleProblem.reason), (Chinese, English);
# the English keeps the library's {detail} where a designer can use it.
REASONS: dict[str, tuple[str, str]] = {
    **{f"sandbox_{key}": (f"{zh[:-1]}：{{source}}", f"{en[:-1]}: {{source}}") for key, (zh, en) in SANDBOX.items()},
    **{f"timer_sandbox_{key}": (f"{{what}} {{value}}：{zh}", f"The {{what}} {{value}}: {en}")
       for key, (zh, en) in SANDBOX.items()},
    "timer_not_quoted": ("{what} {value} 须加引号，如 \"'{value}'\"。", "The {what} {value} must be quoted: '\"{value}\"'."),
    "timer_value_invalid": ("{what} {value} 不是有效的值（日期、时长或周期须是 ISO 8601 写法，如 \"P3D\"）。",
                            "The {what} {value} is not a valid value (dates, durations and cycles are ISO 8601, e.g. "
                            "\"P3D\")."),
    "timer_too_slow": ("{what} {value} 计算超时。", "The {what} {value} takes too long to evaluate."),
    "timer_unsafe": ("{what} {value} 做了沙箱不允许的事。", "The {what} {value} does something the sandbox does not allow."),
    "xml_doctype": ("BPMN/DMN 文件不得包含 DOCTYPE 声明。", "BPMN/DMN files may not contain a DOCTYPE declaration."),
    "xml_syntax": ("文件不是格式正确的 XML，无法读取（标签未闭合、不匹配或有非法字符）。",
                   "The file is not well-formed XML and cannot be read: {detail}"),
    "xsd_element_unexpected": ("此处不应出现元素 {element}（不符合 BPMN 2.0 规范）。",
                               "Element {element} is not expected here (BPMN 2.0 schema)."),
    "xsd_attribute_not_allowed": ("元素 {element} 不允许有属性 {attribute}。", "Element {element} may not have the attribute {attribute}."),
    "xsd_attribute_missing": ("元素 {element} 缺少必需的属性 {attribute}。", "Element {element} lacks the required attribute {attribute}."),
    "xsd_value_invalid": ("元素 {element} 的属性 {attribute} 的值 '{value}' 不符合规定（如编号须以字母开头）。",
                          "The value '{value}' of {attribute} on element {element} is not valid (an id starts with a letter…)."),
    "xsd_child_missing": ("元素 {element} 缺少必需的子元素。", "Element {element} lacks a required child element."),
    "xsd_text_not_allowed": ("元素 {element} 中不能直接写文字。", "Element {element} may not hold text."),
    "xsd_invalid": ("文件不符合 BPMN 2.0 规范（XSD 校验未通过）。", "The file does not conform to the BPMN 2.0 schema: {detail}"),
    "parser_refused": ("流程引擎无法解析此元素（如不支持的写法或缺少必需的连线）。", "The engine cannot parse this element: {detail}"),
    "parser_failed": ("流程引擎无法解析此流程图（如使用了不支持的事件类型）。", "The engine cannot parse the diagram: {detail}"),
}


def sandbox_reason(reason: str, name: str, what: str, lang: str) -> str:
    """Why the sandbox refused a source (`engine.SandboxCompileError.reason`), in `lang`."""
    en = lang == "en"
    return SANDBOX[reason][en].format(what=WHAT[what][en], name=name)


def problem_message(problem, lang: str) -> str:
    """An engine.BundleProblem's message in `lang`: by its reason when it has one, else its sentence."""
    words = REASONS.get(problem.reason)
    if words is None:
        return in_language(problem.message, lang)
    en = lang == "en"
    values = dict(problem.values)
    what = WHAT.get(values.get("what") or values.get("kind", ""))
    return words[en].format_map({**values, "what": what[en] if what else ""})


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
