"""Models of the four mechanisms, the weekly report and notifications (DESIGN §1, §3)."""

from .common import Attachment, CalendarDay, CalendarDayKind, Comment
from .consultation import Consultation, ConsultationStatus, Resolution, ResolutionStatus
from .dispatch import Dispatch, DispatchStatus, Instruction, InstructionStatus
from .notifications import Notification, NotificationKind
from .problems import (
    AssignmentStatus,
    DeadlineExtension,
    ExtensionStatus,
    ProblemAssignment,
    ProblemCase,
    ProblemCategory,
    ProblemSeverity,
    ProblemSource,
    ProblemStatus,
    Satisfaction,
)
from .reminders import (
    Channel,
    DeliveryStatus,
    NotificationPreference,
    Reminder,
    ReminderDelivery,
    ReminderKind,
    ReminderStatus,
)
from .requests import DecisionRequest, DecisionRequestStatus, Report, ReportKind, ReportStatus
from .weekly import WeeklyReport, WeeklyReportProblem, WeeklyReportReading, WeeklyReportStatus

__all__ = [
    "Channel",
    "DeliveryStatus",
    "NotificationPreference",
    "Reminder",
    "ReminderDelivery",
    "ReminderKind",
    "ReminderStatus",
    "Attachment",
    "AssignmentStatus",
    "CalendarDay",
    "CalendarDayKind",
    "Comment",
    "Consultation",
    "ConsultationStatus",
    "DeadlineExtension",
    "DecisionRequest",
    "DecisionRequestStatus",
    "Dispatch",
    "DispatchStatus",
    "ExtensionStatus",
    "Instruction",
    "InstructionStatus",
    "Notification",
    "NotificationKind",
    "ProblemAssignment",
    "ProblemCase",
    "ProblemCategory",
    "ProblemSeverity",
    "ProblemSource",
    "ProblemStatus",
    "Report",
    "ReportKind",
    "ReportStatus",
    "Resolution",
    "ResolutionStatus",
    "Satisfaction",
    "WeeklyReport",
    "WeeklyReportProblem",
    "WeeklyReportReading",
    "WeeklyReportStatus",
]
