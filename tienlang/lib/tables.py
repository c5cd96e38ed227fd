"""A faster django-tables2: the signature of a cell's render function, computed once.

django-tables2 calls `inspect.signature` on the render function of every cell it renders
(to pass only the arguments the function takes): 12 % of a 50-row list page's time at
the city tier (docs/performance.md). A function's signature does not change, so it is
computed once per function. Bound methods are keyed by their function (a column's method
is bound anew on each request), so the cache holds functions, never tables or rows.
"""

from __future__ import annotations

import inspect

import django_tables2.utils as tables_utils

_original = tables_utils.signature
_cache: dict[tuple, tuple] = {}
MAX_ENTRIES = 4096


def cached_signature(fn):
    if inspect.ismethod(fn):
        key = (fn.__func__, True)
    elif inspect.isfunction(fn):
        key = (fn, False)
    else:  # callable objects, partials: not worth keeping
        return _original(fn)
    found = _cache.get(key)
    if found is None:
        if len(_cache) >= MAX_ENTRIES:  # functions made on the fly (lambdas per request)
            _cache.clear()
        found = _cache[key] = _original(fn)
    return found


def install() -> None:
    tables_utils.signature = cached_signature
