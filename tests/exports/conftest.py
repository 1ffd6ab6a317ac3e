import pytest


@pytest.fixture(autouse=True)
def _no_settling(settings):
    """Rows made by a test are exported at once (the store waits a minute for open transactions)."""
    settings.STORE_EXPORT_SETTLE_SECONDS = 0
