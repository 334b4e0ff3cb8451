from django.urls import path

from programme import views

urlpatterns = [
    path("mo-hinh/", views.register, name="register"),
    path("mo-hinh/<int:pk>/cong-nhan/", views.model_recognise, name="model_recognise"),
]
