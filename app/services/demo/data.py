"""The demo data set: Zhengzhou, five projects in two districts, one user per role."""
from __future__ import annotations

from dataclasses import dataclass, field

# (code, name, parent code, notice prefix)
ORG_UNITS = [
    ("HA", "河南省住房和城乡建设厅", None, "豫建"),
    ("ZZ", "郑州市城乡建设局", "HA", "郑建"),
    ("ZZ-JS", "金水区住房和城乡建设局", "ZZ", "金建"),
    ("ZZ-EQ", "二七区住房和城乡建设局", "ZZ", "二建"),
    ("ZZ-ZY", "中原区住房和城乡建设局", "ZZ", "中建"),
    ("ZZ-ZD", "郑东新区建设局", "ZZ", "郑东建"),
]
DEPARTMENTS = [
    ("ZZ", "safety_station", "郑州市建设工程安全监督站"),
    ("ZZ", "urging_office", "郑州市考核督办办公室"),
    ("ZZ-JS", "safety_station", "金水区建设工程安全监督站"),
    ("ZZ-JS", "quality_station", "金水区建设工程质量监督站"),
    ("ZZ-EQ", "safety_station", "二七区建设工程安全监督站"),
    ("ZZ-EQ", "quality_station", "二七区建设工程质量监督站"),
    ("ZZ-ZY", "safety_station", "中原区建设工程安全监督站"),
    ("ZZ-ZD", "safety_station", "郑东新区建设工程安全监督站"),
]
# (key, 17-character body of the credit code, name, type, legal person)
ENTERPRISES = [
    ("E1", "91410100MA40CJT01", "郑州市城市建设投资有限公司", "owner", "王建国"),
    ("E2", "91410100MA40QJ702", "中建七局第二建筑有限公司", "contractor", "李志强"),
    ("E3", "91410100MA40JD003", "河南建达工程咨询有限公司", "supervisor", "赵明"),
    ("E4", "91410100MA40HJY04", "郑州市建筑设计院有限公司", "designer", "孙丽"),
    ("E5", "91410100MA40KC005", "河南省地质工程勘察院有限公司", "surveyor", "周伟"),
    ("E6", "91410100MA40GXY06", "郑州高新置业有限公司", "owner", "吴刚"),
    ("E7", "91410100MA40WJ007", "河南五建建设集团有限公司", "contractor", "郑华"),
    ("E8", "91410100MA40WX008", "郑州中兴工程监理有限公司", "supervisor", "冯军"),
    ("E9", "91410100MA40HD009", "郑州宏达建筑机械租赁有限公司", "equipment_owner", "陈涛"),
    ("E10", "91410100MA40AC010", "河南安诚起重设备安装有限公司", "installer", "褚亮"),
]
FIVE_PARTIES_A = {"owner": "E1", "contractor": "E2", "supervisor": "E3", "designer": "E4", "surveyor": "E5"}
FIVE_PARTIES_B = {"owner": "E6", "contractor": "E7", "supervisor": "E8", "designer": "E4", "surveyor": "E5"}
# (code, name, district, address, permit, parties)
PROJECTS = [
    ("JS-2026-001", "金水湾住宅小区一期工程", "ZZ-JS", "郑州市金水区花园路与国基路交叉口东北角",
     "410105202603150101", FIVE_PARTIES_A),
    ("JS-2026-002", "金水区人民医院门诊综合楼", "ZZ-JS", "郑州市金水区黄河路126号",
     "410105202604020102", FIVE_PARTIES_A),
    ("JS-2026-003", "龙子湖智慧岛科创中心", "ZZ-JS", "郑州市金水区龙子湖智慧岛中道东路",
     "410105202605110103", FIVE_PARTIES_A),
    ("EQ-2026-001", "二七区棚户区改造安置房项目", "ZZ-EQ", "郑州市二七区大学南路与航海路交叉口",
     "410103202603200201", FIVE_PARTIES_B),
    ("EQ-2026-002", "郑州南站综合交通枢纽配套工程", "ZZ-EQ", "郑州市二七区南四环与京广路交叉口",
     "410103202606080202", FIVE_PARTIES_B),
]


@dataclass(frozen=True)
class DemoUser:
    username: str
    display_name: str
    role: str
    org_unit: str | None = None
    enterprise: str | None = None
    projects: tuple[str, ...] = field(default_factory=tuple)
    department: str | None = None


_A = ("JS-2026-001", "JS-2026-002", "JS-2026-003")
_B = ("EQ-2026-001", "EQ-2026-002")
DEMO_USERS = [
    DemoUser("admin", "系统管理员", "sys_admin", org_unit="HA"),
    DemoUser("city_official", "刘振华（市安监站）", "city_official", org_unit="ZZ", department="safety_station"),
    DemoUser("district_safety", "马晓东（金水区安监站）", "district_safety_officer", org_unit="ZZ-JS",
             department="safety_station"),
    DemoUser("district_safety2", "韩磊（二七区安监站）", "district_safety_officer", org_unit="ZZ-EQ",
             department="safety_station"),
    DemoUser("district_quality", "杨帆（金水区质监站）", "district_quality_officer", org_unit="ZZ-JS",
             department="quality_station"),
    DemoUser("district_leader", "高建军（金水区住建局）", "district_leader", org_unit="ZZ-JS"),
    DemoUser("urging_clerk", "许静（市督办办）", "urging_clerk", org_unit="ZZ", department="urging_office"),
    DemoUser("designer", "何平（流程设计）", "process_designer", org_unit="ZZ"),
    DemoUser("auditor", "罗敏（安全审计）", "auditor", org_unit="ZZ"),
    DemoUser("owner_rep", "王磊（建设单位）", "owner_rep", enterprise="E1", projects=_A),
    DemoUser("contractor_pm", "张伟（项目经理）", "contractor_pm", enterprise="E2", projects=_A),
    DemoUser("tech_lead", "陈刚（技术负责人）", "contractor_tech_lead", enterprise="E2", projects=_A),
    DemoUser("safety_officer", "李娜（专职安全员）", "contractor_safety_officer", enterprise="E2", projects=_A),
    DemoUser("chief_supervisor", "赵军（总监理工程师）", "chief_supervisor", enterprise="E3", projects=_A),
    DemoUser("supervisor", "孙浩（监理工程师）", "supervisor", enterprise="E3", projects=_A),
    DemoUser("contractor_pm2", "郑强（项目经理）", "contractor_pm", enterprise="E7", projects=_B),
]
# (number, name, specialties, employer key or free text, title, certificate)
EXPERTS = [
    ("01", "王守仁", ["geotechnical", "structure", "formwork"], "郑州大学土木工程学院", "教授"),
    ("02", "李春明", ["geotechnical", "tunnelling", "lifting", "structure"], "河南省建筑科学研究院", "教授级高工"),
    ("03", "张国栋", ["geotechnical", "formwork"], "E2", "高级工程师"),
    ("04", "刘芳", ["formwork", "scaffold", "structure"], "河南工业大学", "副教授"),
    ("05", "陈德华", ["geotechnical", "lifting"], "E4", "高级工程师"),
    ("06", "杨启明", ["lifting", "structure", "formwork", "scaffold"], "中国建筑第七工程局", "教授级高工"),
    ("07", "黄立新", ["formwork", "scaffold", "geotechnical"], "E3", "高级工程师"),
    ("08", "周文斌", ["geotechnical", "demolition", "lifting", "scaffold", "structure"], "华北水利水电大学", "教授"),
    ("09", "吴海涛", ["lifting", "scaffold", "formwork"], "河南省特种设备检验院", "高级工程师"),
    ("10", "徐兰", ["structure", "formwork", "geotechnical", "scaffold"], "郑州航空工业管理学院", "教授"),
    ("11", "孙建平", ["lifting", "geotechnical"], "E7", "高级工程师"),
    ("12", "马永刚", ["scaffold", "formwork", "lifting", "geotechnical"], "河南省安全生产专家库", "教授级高工"),
]
# (project, code, name, category, parameters, scope, subcontractor)
HAZARDOUS_WORKS = [
    ("JS-2026-001", "WD-01", "1#地块深基坑开挖与支护", "JK", {"depth_m": 8.5}, "基坑开挖深度8.5m，排桩+内支撑", "河南岩土工程有限公司"),
    ("JS-2026-001", "WD-02", "地下车库顶板高支模", "MB-SUP", {"height_m": 6.2, "span_m": 12}, "车库顶板模板支撑", None),
    ("JS-2026-001", "WD-03", "1#塔吊安装与拆卸", "QZ-MACH", {"capacity_kn": 200, "height_m": 120}, "QTZ80塔吊安拆", "河南安诚起重设备安装有限公司"),
    ("JS-2026-001", "WD-04", "6-28层悬挑脚手架", "JSJ-CANT", {"section_height_m": 24}, "型钢悬挑脚手架，分段搭设高度24m", None),
    ("JS-2026-002", "WD-01", "门诊楼落地式钢管脚手架", "JSJ-FLOOR", {"height_m": 36}, "落地式双排脚手架", None),
    ("JS-2026-003", "WD-01", "科创中心玻璃幕墙安装", "QT-CW", {"install_height_m": 62}, "单元式幕墙安装高度62m", "河南远大幕墙有限公司"),
    ("EQ-2026-001", "WD-01", "安置房基坑工程", "JK", {"depth_m": 4.2}, "基坑开挖深度4.2m", None),
    ("EQ-2026-002", "WD-01", "站房钢结构网架安装", "QT-STEEL", {"steel_span_m": 42}, "钢结构跨度42m", "中建钢构河南有限公司"),
]
# (project, code, type, name, hazardous work code)
DEVICES = [
    ("JS-2026-001", "JS001-TC-01", "tower_crane", "1#塔吊 QTZ80", "WD-03"),
    ("JS-2026-001", "JS001-SJJ-01", "hoist", "1#施工升降机", None),
    ("JS-2026-001", "JS001-XLPT-01", "unloading_platform", "6层卸料平台", None),
    ("JS-2026-001", "JS001-JK-01", "deep_pit", "基坑监测站", "WD-01"),
    ("JS-2026-001", "JS001-GZM-01", "high_formwork", "车库高支模监测", "WD-02"),
    ("JS-2026-001", "JS001-YC-01", "dust", "东门扬尘监测", None),
    ("JS-2026-001", "JS001-ZS-01", "noise", "东门噪声监测", None),
    ("JS-2026-001", "JS001-AI-01", "ai_camera", "大门AI摄像头", None),
    ("JS-2026-002", "JS002-TC-01", "tower_crane", "门诊楼塔吊", None),
    ("EQ-2026-001", "EQ001-TC-01", "tower_crane", "安置房2#塔吊", None),
    ("EQ-2026-001", "EQ001-YC-01", "dust", "安置房扬尘监测", None),
    ("EQ-2026-002", "EQ002-AI-01", "ai_camera", "站房AI摄像头", None),
]
# 特种作业人员: (device, name, trade, certificate number, valid until). The cranes and the hoist of
# JS-2026-001 have none registered yet and EQ001-TC-01's only driver has an expired certificate,
# so the daily compliance sweep has something to report in the demo.
DEVICE_OPERATORS = [
    ("JS002-TC-01", "孙建明", "crane_driver_tower", "建(A)41010520180045", "2028-03-31"),
    ("JS002-TC-01", "刘海涛", "signal_rigger", "建(B)41010520190112", "2027-09-30"),
    ("EQ001-TC-01", "高振华", "crane_driver_tower", "建(A)41010720170233", "2025-06-30"),
]
