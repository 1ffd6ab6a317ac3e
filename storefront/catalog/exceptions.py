from django.utils.translation import gettext

from core.exceptions import DomainError


class CatalogRowRejected(DomainError):
    """A checked import row failed a model check while being written (the database changed
    after the check); the whole import is rolled back."""

    code = "catalog_row_rejected"

    def __init__(self, *, row: int, reason: str) -> None:
        self.row = row
        super().__init__(gettext("Row %(row)s: %(reason)s") % {"row": row, "reason": reason})
