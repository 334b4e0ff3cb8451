from django.urls import path

from synthesis import views

urlpatterns = [
    path("tong-hop/<int:period_id>/", views.compose, name="period_report"),
    path("tong-hop/<int:period_id>/mo-lai/", views.reopen, name="period_report_reopen"),
    path("tong-hop/<int:period_id>/bao-cao.docx", views.document, name="period_report_docx"),
    path("tong-hop/van-ban/<int:issued_id>.docx", views.issued, name="period_report_issued"),
    path("tong-hop/<int:period_id>/van-ban-ky/", views.signed_reports, name="period_report_signed"),
    path("tong-hop/van-ban-ky/<int:signed_id>/", views.signed_report_file, name="period_report_signed_file"),
]
