from celery import shared_task


@shared_task(name="support.tickets_sla_watch")
def tickets_sla_watch() -> None:
    from support.services import tickets_sla_watch

    tickets_sla_watch()


@shared_task(name="support.delivery_incident_tickets_open")
def delivery_incident_tickets_open() -> None:
    from support.services.incidents import delivery_incident_tickets_open

    delivery_incident_tickets_open()


@shared_task(name="support.chats_unanswered_to_tickets")
def chats_unanswered_to_tickets() -> None:
    from support.services.chat import chats_idle_to_tickets, chats_unanswered_to_tickets

    chats_unanswered_to_tickets()
    chats_idle_to_tickets()


@shared_task(bind=True, name="support.tickets_close_resolved")
def tickets_close_resolved(self) -> None:
    from support.services import tickets_close_resolved

    if tickets_close_resolved() == 200:
        self.delay()


@shared_task(name="support.return_ticket_open")
def return_ticket_open(*, return_request_id: int) -> None:
    from support.services.incidents import return_ticket_open

    return_ticket_open(return_request_id=return_request_id)


@shared_task(name="support.return_tickets_sync")
def return_tickets_sync() -> None:
    from support.services.incidents import return_tickets_sync

    return_tickets_sync()
