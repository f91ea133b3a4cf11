"""SQLAlchemy models, one module per aggregate. Importing this registers every table."""
from app.models.announcement import Announcement
from app.models.assessment import ASSESSMENT_SUBJECTS, AssessmentPoint, AssessmentResult
from app.models.audit import AuditLog
from app.models.backup import BACKUP_KINDS, AuditArchive, BackupArchive
from app.models.concrete import ConcreteDelivery, ConcreteProducer, ConcreteStrengthTest
from app.models.device import DEVICE_TYPES, OPERATOR_TRADES, Device, DeviceOperator
from app.models.display import DisplayToken
from app.models.document import DOCUMENT_STATUSES, IssuedDocument, NoticeCounter
from app.models.emergency_plan import PLAN_CATEGORIES, EmergencyPlan
from app.models.enterprise import ENTERPRISE_TYPES, PARTY_TYPES, Enterprise
from app.models.exchange import FEED_ACTIONS, FEED_RECORD_TYPES, ChangeFeedEntry, ExchangeAccount
from app.models.hazard import WORK_STATUSES, Expert, HazardousCategory, HazardousWork
from app.models.health_check import (
    HealthCheckDeduction,
    HealthCheckIndicator,
    HealthCheckScore,
    HealthCheckStandard,
)
from app.models.notification import Notification
from app.models.orders import LegalClause, RectificationOrder, UrgingAssignment
from app.models.org import DEPARTMENT_KINDS, Department, OrgUnit
from app.models.project import Project, ProjectParticipant
from app.models.quality import (
    REPORT_CONCLUSIONS,
    WARNING_KINDS,
    AgencyEquipment,
    AgencyPerson,
    QualityCommission,
    QualityReport,
    QualitySample,
    QualityWarning,
    ReportRejection,
    ReportRevision,
    SampleChange,
    TestingAgency,
)
from app.models.registration import EnterpriseChange, EnterpriseProfile, ProjectRegistration
from app.models.rollups import AlarmDayRollup, AlarmRollupCell, AlarmRollupDirty
from app.models.safety_education import (
    EDUCATION_KINDS,
    ENTRY_LEVELS,
    PASS_MARK,
    EducationAttendance,
    EducationReminder,
    EducationSession,
    SiteWorker,
)
from app.models.site_records import (
    RECORD_KINDS,
    RECORD_STATUSES,
    SupervisionLogReminder,
    SupervisionRecord,
    SupervisionRecordFile,
)
from app.models.telemetry import DeviceAlarm, DeviceReading, ProjectThreshold, RejectedMessage
from app.models.user import ApiToken, LoginThrottle, RoleGrant, User
from app.models.webhooks import DELIVERY_STATUSES, WebhookAttempt, WebhookDelivery, WebhookSubscription
from app.models.workflow import (
    INSTANCE_STATUSES,
    Attachment,
    InboxTask,
    Incident,
    InstanceEvent,
    MessageReceipt,
    MessageSubscription,
    OutboxMessage,
    ProcessDefinition,
    ProcessInstance,
    TaskComment,
)

__all__ = [
    "ASSESSMENT_SUBJECTS", "AssessmentPoint", "AssessmentResult",
    "RECORD_KINDS", "RECORD_STATUSES", "SupervisionLogReminder", "SupervisionRecord", "SupervisionRecordFile",
    "Announcement",
    "ChangeFeedEntry", "ExchangeAccount", "FEED_ACTIONS", "FEED_RECORD_TYPES",
    "DELIVERY_STATUSES", "WebhookAttempt", "WebhookDelivery", "WebhookSubscription",
    "HealthCheckDeduction", "HealthCheckIndicator", "HealthCheckScore", "HealthCheckStandard",
    "Notification",
    "EmergencyPlan", "PLAN_CATEGORIES",
    "LegalClause", "RectificationOrder", "UrgingAssignment",
    "AuditLog", "ApiToken", "LoginThrottle", "DEPARTMENT_KINDS", "DEVICE_TYPES", "Department", "Device", "DeviceOperator", "OPERATOR_TRADES",
    "ENTERPRISE_TYPES", "Enterprise", "Expert", "HazardousCategory", "HazardousWork", "OrgUnit",
    "PARTY_TYPES", "Project", "ProjectParticipant", "RoleGrant", "User", "WORK_STATUSES",
    "INSTANCE_STATUSES", "Attachment", "Incident", "InboxTask", "InstanceEvent", "MessageReceipt",
    "MessageSubscription", "OutboxMessage", "ProcessDefinition", "ProcessInstance", "TaskComment",
    "DeviceAlarm", "DeviceReading", "ProjectThreshold", "RejectedMessage",
    "DOCUMENT_STATUSES", "IssuedDocument", "NoticeCounter",
    "EnterpriseChange", "EnterpriseProfile", "ProjectRegistration",
    "BACKUP_KINDS", "AuditArchive", "BackupArchive",
    "ConcreteDelivery", "ConcreteProducer", "ConcreteStrengthTest",
    "REPORT_CONCLUSIONS", "WARNING_KINDS", "AgencyEquipment", "AgencyPerson", "QualitySample",
    "QualityWarning", "ReportRejection", "ReportRevision", "SampleChange", "QualityCommission",
    "TestingAgency", "QualityReport",
    "EDUCATION_KINDS", "ENTRY_LEVELS", "PASS_MARK", "EducationAttendance", "EducationReminder",
    "EducationSession", "SiteWorker",
    "AlarmDayRollup", "AlarmRollupCell", "AlarmRollupDirty", "DisplayToken",
]
