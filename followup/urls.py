from django.urls import path

from followup import views
from reporting.urls import PROGRAMME

urlpatterns = [
    path("thong-bao/", views.notifications, name="notifications"),
    path("thong-bao/<int:notification_id>/", views.open_notification, name="open_notification"),
    path("thong-bao/da-doc/", views.mark_read, name="mark_read"),
    path("thong-bao/nhan-qua-e-mail/", views.email_choices, name="email_choices"),
    path("thong-bao/hop-thu-thu/", views.mailbox, name="mailbox"),
    path(f"{PROGRAMME}/tong-quan/tien-do-nop/don-doc/", views.urge, name="urge"),
]
