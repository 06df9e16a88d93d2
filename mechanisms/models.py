"""The models of every room, re-exported: Django loads ``mechanisms.models``, and code outside
the app imports models from here. Inside the app, import from the room itself.

One app label (``mechanisms``), one ``migrations/`` folder: the rooms are a layout of the
code, not separate apps, so moving a model between rooms needs no migration.
"""
from mechanisms.common.models import (  # noqa: F401
    Attachment,
    CalendarDay,
    CalendarDayKind,
    Comment,
    Notification,
    NotificationKind,
    NotificationPreference,
    RowChange,
)
from mechanisms.consultation.models import (  # noqa: F401
    Consultation,
    ConsultationStatus,
    Resolution,
    ResolutionStatus,
)
from mechanisms.dispatch.models import (  # noqa: F401
    Dispatch,
    DispatchStatus,
    Instruction,
    InstructionStatus,
)
from mechanisms.problems.models import (  # noqa: F401
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
from mechanisms.reminders.models import (  # noqa: F401
    Channel,
    DeliveryStatus,
    Reminder,
    ReminderDelivery,
    ReminderKind,
    ReminderStatus,
)
from mechanisms.requests.models import (  # noqa: F401
    DecisionRequest,
    DecisionRequestStatus,
    Report,
    ReportKind,
    ReportStatus,
)
from mechanisms.weekly.models import (  # noqa: F401
    WeeklyReport,
    WeeklyReportProblem,
    WeeklyReportReading,
    WeeklyReportStatus,
)

__all__ = [
    "AssignmentStatus",
    "Attachment",
    "CalendarDay",
    "CalendarDayKind",
    "Channel",
    "Comment",
    "Consultation",
    "ConsultationStatus",
    "DeadlineExtension",
    "DecisionRequest",
    "DecisionRequestStatus",
    "DeliveryStatus",
    "Dispatch",
    "DispatchStatus",
    "ExtensionStatus",
    "Instruction",
    "InstructionStatus",
    "Notification",
    "RowChange",
    "NotificationKind",
    "NotificationPreference",
    "ProblemAssignment",
    "ProblemCase",
    "ProblemCategory",
    "ProblemSeverity",
    "ProblemSource",
    "ProblemStatus",
    "Reminder",
    "ReminderDelivery",
    "ReminderKind",
    "ReminderStatus",
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
