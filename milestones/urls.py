from django.urls import path

from milestones import views
from reporting.urls import PROGRAMME

urlpatterns = [
    path(
        f"{PROGRAMME}/tong-quan/don-vi/<unit:unit_code>/moc-cong-viec/", views.unit_milestones, name="unit_milestones"
    ),
    path(f"{PROGRAMME}/tong-quan/moc-cong-viec/", views.board, name="milestones_board"),
    path("tong-quan/moc-cong-viec/xac-nhan/<int:record_id>/", views.review, name="milestone_review"),
    path("tong-quan/moc-cong-viec/tep/<int:record_id>/", views.attachment, name="milestone_attachment"),
]
