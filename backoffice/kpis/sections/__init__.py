"""The dashboards' sections: every module of this package that defines `SECTION` (a
`backoffice.kpis.dashboards.Section`) is one, listed by its `order`."""

import importlib
import pkgutil
from functools import cache

from backoffice.kpis.dashboards import Section


@cache
def sections() -> tuple[Section, ...]:
    found = []
    for module_info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        section = getattr(module, "SECTION", None)
        if isinstance(section, Section):
            found.append(section)
    slugs = [section.slug for section in found]
    if len(slugs) != len(set(slugs)):
        raise ValueError(f"Two KPI sections share a slug: {sorted(slugs)}")
    return tuple(sorted(found, key=lambda section: (section.order, section.slug)))


def section_get(slug: str) -> Section | None:
    return next((section for section in sections() if section.slug == slug), None)
