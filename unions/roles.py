"""Who a user is to the product (the role of their profile)."""

from __future__ import annotations

from django.db import models

from tienlang.lib import glossary


class Role(models.TextChoices):
    STAFF = "staff", glossary.ROLE["staff"]
    LEADERSHIP = "leadership", glossary.ROLE["leadership"]
    CHAIR = "chair", glossary.ROLE["chair"]
    PARTY_VIEWER = "party_viewer", glossary.ROLE["party_viewer"]
