from django.contrib import admin
from django.urls import include, path

from dvproject.views import health
from reporting.views.programmes import latest

admin.site.site_header = "Quản trị — Theo dõi công tác dân vận"
admin.site.site_title = "Quản trị công tác dân vận"
admin.site.index_title = "Dữ liệu chương trình, đơn vị và báo cáo"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("suc-khoe/", health, name="health"),
    path("", include("accounts.urls")),
    path("", include("reporting.urls")),
    path("", include("programme.urls")),
    path("", include("followup.urls")),
    path("", include("milestones.urls")),
    path("", include("synthesis.urls")),
    # The addresses from before the programme was in the address: the newest programme the user may see
    path("<old_address:rest>", latest, name="programme_latest"),
]
