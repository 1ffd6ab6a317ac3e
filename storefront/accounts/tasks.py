from celery import shared_task


@shared_task(bind=True, name="accounts.privacy_retention")
def privacy_retention(self) -> None:
    """Anonymise guest data past its retention period, a batch at a time."""
    from storefront.accounts.retention import privacy_retention

    if privacy_retention().is_full:
        self.delay()
