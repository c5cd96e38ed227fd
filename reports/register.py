"""Issuing a report: the register's next number, the file as sent, kept unchanged with its hash.

`issue()` takes the next number of the federation's register for the year and document type
under a row lock (`SELECT … FOR UPDATE` on the register's counter; the counter row of a new
year or type is created under a unique constraint and, if someone else created it at the same
moment, read again), builds the workbook with that number, date, signer and recipients in its
header and footer (`tienlang.lib.document.issuing`), and stores the exact bytes with their
SHA-256 in the same transaction. Two people issuing at once get consecutive numbers.
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from tienlang.lib import disclosure
from tienlang.lib.document import Issue, issuing

from .exports import KINDS, TITLES, build_report
from .models import DocumentType, IssuedReport, RegisterCounter
from .queries import Scope

# The document types a new install starts with (rows staff can change in the admin).
DEFAULT_TYPES = [
    ("BC", "Báo cáo", ["quota", "coverage", "history"]),
    ("DS", "Danh sách", ["roster", "stipends", "introductions"]),
]


def document_types():
    """The document types, creating the default ones on a register that has none yet."""
    if not DocumentType.objects.exists():
        for code, name, kinds in DEFAULT_TYPES:
            DocumentType.objects.get_or_create(code=code, defaults={"name": name, "report_kinds": kinds})
    return DocumentType.objects.order_by("code")


def default_type(kind: str) -> DocumentType | None:
    types = list(document_types())
    return next((t for t in types if kind in (t.report_kinds or [])), types[0] if types else None)


def sha256(data: bytes) -> str:
    return hashlib.sha256(bytes(data)).hexdigest()


@dataclass
class IssueRequest:
    kind: str
    report_year: int
    document_type: DocumentType
    signer_title: str
    signer_name: str
    recipients: list[str]
    addressed_to: list = field(default_factory=list)  # PartyOrganization rows
    issued_on: datetime.date | None = None


def _counter(federation, year: int, document_type: DocumentType) -> RegisterCounter:
    """The register's counter row, locked until the end of the transaction."""
    for _attempt in range(3):
        counter = (
            RegisterCounter.objects.select_for_update()
            .filter(federation=federation, year=year, document_type=document_type)
            .first()
        )
        if counter is not None:
            return counter
        try:
            with transaction.atomic():  # a savepoint: a clash leaves the outer transaction usable
                return RegisterCounter.objects.create(federation=federation, year=year, document_type=document_type)
        except IntegrityError:
            continue  # created by someone else meanwhile: lock theirs
    raise RuntimeError("register counter could not be locked")


def issue(user, request: IssueRequest) -> IssuedReport:
    """Give the report the register's next number and keep the file exactly as built."""
    if request.kind not in KINDS:
        raise ValueError(_("Loại báo cáo không hợp lệ: %(kind)s") % {"kind": request.kind})
    scope = Scope(user=user)
    federation = scope.issuing_federation()
    if federation is None:
        raise ValueError(_("Tài khoản chưa gắn với liên đoàn lao động nào: không có sổ văn bản đi."))
    issued_on = request.issued_on or datetime.date.today()
    recipients = list(request.recipients)
    for organisation in request.addressed_to:
        if organisation.name not in recipients:
            recipients.insert(0, organisation.name)
    with transaction.atomic():
        counter = _counter(federation, issued_on.year, request.document_type)
        number = counter.last_number + 1
        reference = f"{number}/{request.document_type.code}-{federation.document_code or 'LĐLĐ'}"
        printed = Issue(
            number=f"Số: {reference}",
            on=issued_on,
            signer_title=request.signer_title,
            signer_name=request.signer_name,
            recipients=tuple(recipients),
        )
        with disclosure.collecting() as seen, issuing(printed):
            data = build_report(request.kind, scope, request.report_year)
        RegisterCounter.objects.filter(pk=counter.pk).update(last_number=number)
        report = IssuedReport.objects.create(
            federation=federation,
            document_type=request.document_type,
            register_year=issued_on.year,
            number=number,
            reference=reference,
            report_kind=request.kind,
            report_year=request.report_year,
            title=f"{TITLES[request.kind]} — năm {request.report_year}",
            issued_on=issued_on,
            signer_title=request.signer_title,
            signer_name=request.signer_name,
            recipients="\n".join(recipients),
            content=data,
            sha256=sha256(data),
            size=len(data),
            person_ids=sorted(seen.person_ids),
            disclosed_fields=sorted(seen.fields),
            issued_by=user,
        )
        report.addressed_to.set(request.addressed_to)
    return report


def latest_issued(user, kind: str, year: int) -> IssuedReport | None:
    """The last issued version of a report the user may see, for the "since issued" comparison."""
    federation = Scope(user=user).issuing_federation()
    return (
        IssuedReport.objects.for_user(user)
        .filter(federation=federation, report_kind=kind, report_year=year)
        .order_by("-issued_on", "-created_at", "-pk")
        .first()
    )
