from celery import shared_task


@shared_task(bind=True, name="surveys.surveys_send_due")
def surveys_send_due(self) -> None:
    from support.surveys.services import SEND_BATCH, surveys_send_due

    if surveys_send_due() == SEND_BATCH:
        self.delay()


@shared_task(name="surveys.ticket_survey_send")
def ticket_survey_send(*, ticket_id: int) -> None:
    from support.surveys.services import ticket_survey_send

    ticket_survey_send(ticket_id=ticket_id)


@shared_task(bind=True, name="surveys.ticket_surveys_reconcile")
def ticket_surveys_reconcile(self) -> None:
    from support.surveys.services import SEND_BATCH, ticket_surveys_reconcile

    if ticket_surveys_reconcile() == SEND_BATCH:
        self.delay()
