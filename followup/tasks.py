"""The work the background worker does for following up (``manage.py db_worker``): see ``followup.mail``."""

from django_tasks import task

from followup.mail import deliver


@task()
def send_email(email_id: int) -> None:
    deliver(email_id)
