"""The try-out's mailbox: the e-mails the file backend wrote, shown to administrators only."""

from django.core.mail import EmailMultiAlternatives
from django.test import override_settings
from django.urls import reverse


def test_the_mailbox_shows_the_emails_written_to_files(client, administrator, reviewer, tmp_path):
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend", EMAIL_FILE_PATH=str(tmp_path)
    ):
        for n in range(2):
            mail = EmailMultiAlternatives(f"Thư số {n}", f"Nội dung thư {n}: báo cáo quý I", to=["donvi@x.example"])
            mail.attach_alternative(f"<p>Nội dung thư {n}</p>", "text/html")
            mail.send()
        client.force_login(administrator)
        page = client.get(reverse("mailbox")).text
        assert "Thư số 0" in page and "Thư số 1" in page and "Nội dung thư 1: báo cáo quý I" in page
        assert "Gửi tới donvi@x.example" in page and "có bản HTML" in page
        client.force_login(reviewer)
        assert client.get(reverse("mailbox")).status_code == 403


def test_without_files_the_mailbox_says_so(client, administrator):
    client.force_login(administrator)
    page = client.get(reverse("mailbox")).text
    assert "không ghi thành tệp" in page
