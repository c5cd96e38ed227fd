"""JSON serialization that keeps full precision (used by `manage.py backup`).

Django's JSON encoder cuts datetimes to milliseconds; a backup must restore every value
exactly, so datetimes and times keep their microseconds here. Reading uses Django's own
JSON deserializer, which accepts both.
"""

from __future__ import annotations

import datetime

from django.core.serializers import json as django_json
from django.core.serializers.json import DjangoJSONEncoder

Deserializer = django_json.Deserializer


class ExactJSONEncoder(DjangoJSONEncoder):
    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


class Serializer(django_json.Serializer):
    def _init_options(self):
        super()._init_options()
        self.json_kwargs["cls"] = ExactJSONEncoder
