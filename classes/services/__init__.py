"""Everything that changes a class, its learners, their results and their stipends.

Each function is one transaction: it checks everything first and saves nothing when any
row is wrong (every message names the person), then writes. Nomination statuses move only
through `candidates.services.move`, which records the step in the nomination's history:

- enrolling an approved nomination moves it to "enrolled" (details: the class);
- a passed result with its certificate moves it to "completed";
- a failed, absent or left result moves it to "not completed" with the reason.

Withdrawals are the nomination's own move ("withdrawn" on the nomination page); a
withdrawn learner stays on the class roster, but gets no result and no more stipend.
"""

from .attendance import Mark, attendance_stamp, record_attendance
from .budget import BUDGET_GROUPS, budget_rows, budget_summary, budget_totals, iter_budget_rows
from .common import PAYABLE_STATUSES
from .enrolment import enrol
from .results import ResultInput, record_results
from .stipends import cancel_payment, commit_stipends, pay_stipends, payable_problem
from .support import CommitmentInput, record_support, save_employer_commitments

__all__ = [
    "BUDGET_GROUPS",
    "PAYABLE_STATUSES",
    "CommitmentInput",
    "Mark",
    "ResultInput",
    "attendance_stamp",
    "budget_rows",
    "budget_summary",
    "budget_totals",
    "iter_budget_rows",
    "cancel_payment",
    "commit_stipends",
    "enrol",
    "pay_stipends",
    "payable_problem",
    "record_attendance",
    "record_results",
    "record_support",
    "save_employer_commitments",
]
