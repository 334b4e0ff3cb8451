"""The work the background worker does (`manage.py db_worker`): see ``reporting.downloads``."""

from django_tasks import task

from reporting.downloads import download_build


@task()
def prepare_download(download_id: str) -> None:
    download_build(download_id=download_id)
