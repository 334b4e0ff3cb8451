"""The backup's JSON: Django's, with every moment to the microsecond.

Django's encoder cuts times to milliseconds (the ECMA-262 format), so a restored backup would move each saved
moment by up to 999 µs. ``loaddata`` reads the full ISO 8601 form back exactly, through Django's own
deserializer.
"""

import datetime

from django.core.serializers import json


class ExactEncoder(json.DjangoJSONEncoder):
    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


class Serializer(json.Serializer):
    def serialize(self, queryset, **options):
        return super().serialize(queryset, cls=ExactEncoder, **options)


Deserializer = json.Deserializer
