from django.urls import path

from reporting.views import home, officer, review

urlpatterns = [
    path("", home.home, name="home"),
    path("bao-cao/<int:period_id>/<str:unit_code>/", officer.report, name="report"),
    path("bao-cao/<int:period_id>/<str:unit_code>/lich-su/", officer.report_history, name="report_history"),
    path("tham-dinh/", review.inbox, name="inbox"),
    path("tham-dinh/<int:period_id>/<str:unit_code>/", review.review, name="review"),
]
