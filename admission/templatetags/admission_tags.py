"""The nomination page's part after the introduction: each open step's due date and working days
left, and the forms of the steps that do not change the status (the cell's resolution, the
ceremony). Rendered from the admission app so that candidates knows nothing of it."""

from __future__ import annotations

from django import template
from django.utils import timezone

from candidates.models import Status
from unions.permissions import is_district_staff

from .. import clocks

register = template.Library()


def _open_clocks(nomination) -> list:
    """The nomination's open steps, computed once a page: both tags below show them, and each
    computation reads the rules, the events, the dossier and the requests anew."""
    found = getattr(nomination, "_open_clocks", None)
    if found is None:
        found = []
        if nomination.status in (Status.INTRODUCED, Status.ADMITTED):
            found = clocks.Clocks([nomination], timezone.localdate()).for_nomination(nomination)
        nomination._open_clocks = found
    return found


@register.inclusion_tag("admission/_steps.html", takes_context=True)
def admission_steps(context, nomination):
    request = context.get("request")
    user = getattr(request, "user", None)
    found = _open_clocks(nomination)
    refused = (request.session.pop(f"refused-step-{nomination.pk}", None) if request is not None else None) or {}
    staff = user is not None and is_district_staff(user) and not nomination.person.processing_restricted
    return {
        "nomination": nomination,
        "clocks": found,
        "can_record_cell": staff
        and nomination.status == Status.INTRODUCED
        and not any(c.step == "decision" for c in found),
        "can_record_ceremony": staff and any(c.step == "ceremony" for c in found),
        "cell_on": clocks_cell_on(nomination, found),
        "refused": refused,
        "has_introduction": nomination.stage >= 5,
    }


def clocks_cell_on(nomination, found) -> str:
    """The cell's date already recorded (dd/mm/yyyy), for the admission form to start from."""
    if not any(c.step == "decision" for c in found):
        return ""
    cell_on = found[0].started_on
    return cell_on.strftime("%d/%m/%Y") if cell_on else ""


@register.simple_tag
def admission_cell_on(nomination) -> str:
    """The cell's date recorded with its resolution (dd/mm/yyyy), or ""."""
    if nomination.status != Status.INTRODUCED:
        return ""
    return clocks_cell_on(nomination, _open_clocks(nomination))
