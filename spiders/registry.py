"""Source kind → spider class: one spider per kind, registered with ``@register("kind")``.

Every module of the ``spiders`` package whose name does not start with ``_`` and is not part
of the machinery is imported by :func:`load_spiders`, so adding a spider is adding a module.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from spiders.base import SourceSpider

S = TypeVar("S", bound="type[SourceSpider]")

SPIDERS: dict[str, type[SourceSpider]] = {}
MACHINERY = {"base", "distributed", "items", "pipelines", "registry", "runner", "settings"}


def register(kind: str) -> Callable[[S], S]:
    """Class decorator: make ``cls`` the spider for sources of ``kind``."""

    def decorate(cls: S) -> S:
        existing = SPIDERS.get(kind)
        if existing is not None and existing is not cls:
            raise ValueError(f"kind {kind!r} already has a spider: {existing.__name__}")
        cls.kind = kind
        SPIDERS[kind] = cls
        return cls

    return decorate


def load_spiders() -> dict[str, type[SourceSpider]]:
    """Import every spider module of the package and return the registry."""
    import spiders

    for module in pkgutil.iter_modules(spiders.__path__):
        if module.name.startswith("_") or module.name in MACHINERY:
            continue
        importlib.import_module(f"spiders.{module.name}")
    return dict(SPIDERS)


def spider_for(kind: str) -> type[SourceSpider] | None:
    return load_spiders().get(kind)
