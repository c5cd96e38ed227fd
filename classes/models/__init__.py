"""The classes' models: classes, sessions, learners and attendance (`learning`); stipends and
other support (`support`). See `classes.models.learning` for how they tie to the nominations.
"""

from .learning import (
    DEFAULT_ORGANISER,
    NOT_COMPLETED_RESULTS,
    Attendance,
    AttendanceQuerySet,
    ClassSession,
    ClassSessionQuerySet,
    ClassStatus,
    Enrollment,
    EnrollmentQuerySet,
    Result,
    TrainingClass,
    TrainingClassQuerySet,
)
from .support import (
    EmployerCommitment,
    EmployerCommitmentQuerySet,
    LearnerSupport,
    LearnerSupportQuerySet,
    PaymentStatus,
    StipendPayment,
    StipendPaymentQuerySet,
    StipendPolicy,
    StipendPolicyQuerySet,
    SupportKind,
)

__all__ = [
    "DEFAULT_ORGANISER",
    "ClassStatus",
    "TrainingClassQuerySet",
    "TrainingClass",
    "ClassSessionQuerySet",
    "ClassSession",
    "Result",
    "NOT_COMPLETED_RESULTS",
    "EnrollmentQuerySet",
    "Enrollment",
    "AttendanceQuerySet",
    "Attendance",
    "StipendPolicyQuerySet",
    "StipendPolicy",
    "PaymentStatus",
    "StipendPaymentQuerySet",
    "StipendPayment",
    "SupportKind",
    "LearnerSupportQuerySet",
    "LearnerSupport",
    "EmployerCommitmentQuerySet",
    "EmployerCommitment",
]
