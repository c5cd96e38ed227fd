"""Organisation tree, enterprises, grassroots unions and who belongs where.

Administrative units, federations and Party organisations are rows, never constants:
Vietnam reorganises them (the 2025 reform abolished districts and merged communes), so
they can be renamed, merged into another row (keeping the old-to-new mapping) and retired.

One concept a module; every name is importable from `unions.models`.
"""

from .accesslog import AccessLog, AccessLogQuerySet
from .areas import AdministrativeUnit, AdministrativeUnitQuerySet, AreaMerge
from .base import ActiveQuerySetMixin, RetirableMixin, Role
from .committee import CommitteeMember, CommitteeMemberQuerySet, Sex
from .enterprises import TAX_CODE_RE, Enterprise, EnterpriseQuerySet, tax_code_validator
from .federations import Federation
from .grassroots import GrassrootsUnion, UnionQuerySet
from .party import PartyOrganization
from .reorganisations import Reorganisation, ReorganisationItem, UnionAffiliation
from .users import EnrolmentCode, UserProfile
from .workforce import WorkforceFigure, WorkforceFigureQuerySet

__all__ = [
    "TAX_CODE_RE",
    "AccessLog",
    "AccessLogQuerySet",
    "ActiveQuerySetMixin",
    "AdministrativeUnit",
    "AdministrativeUnitQuerySet",
    "AreaMerge",
    "CommitteeMember",
    "CommitteeMemberQuerySet",
    "EnrolmentCode",
    "Enterprise",
    "EnterpriseQuerySet",
    "Federation",
    "GrassrootsUnion",
    "PartyOrganization",
    "Reorganisation",
    "ReorganisationItem",
    "RetirableMixin",
    "Role",
    "Sex",
    "UnionAffiliation",
    "UnionQuerySet",
    "UserProfile",
    "WorkforceFigure",
    "WorkforceFigureQuerySet",
    "tax_code_validator",
]
