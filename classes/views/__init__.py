"""Class pages. Staff change; leadership read; a chair reads their own union's learners.

Every queryset goes through `for_user(request.user)`: a class, learner or payment
outside the user's scope is 404. Pages that change anything are for district staff
only (403 for everyone else, checked before any object is looked up).

One module per screen family; the URLs name the views through this package.
"""

from .attendance import AttendanceView
from .classes import (
    EnrollmentDetailView,
    EnrolView,
    SessionCreateView,
    TrainingClassCreateView,
    TrainingClassDetailView,
    TrainingClassListView,
    TrainingClassUpdateView,
)
from .exports import BudgetView, RosterExportView, StipendsExportView
from .payments import EmployerCommitmentsView, PaymentCancelView, PaymentDetailView, PaymentsView
from .policies import StipendPolicyCreateView, StipendPolicyListView, StipendPolicyUpdateView
from .results import ResultsView

__all__ = [
    "AttendanceView",
    "BudgetView",
    "EmployerCommitmentsView",
    "EnrolView",
    "EnrollmentDetailView",
    "PaymentCancelView",
    "PaymentDetailView",
    "PaymentsView",
    "ResultsView",
    "RosterExportView",
    "SessionCreateView",
    "StipendPolicyCreateView",
    "StipendPolicyListView",
    "StipendPolicyUpdateView",
    "StipendsExportView",
    "TrainingClassCreateView",
    "TrainingClassDetailView",
    "TrainingClassListView",
    "TrainingClassUpdateView",
]
