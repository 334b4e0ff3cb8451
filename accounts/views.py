from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.urls import reverse_lazy


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's own (the old password asked, the validators applied, this session kept, the others ended)."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("home")

    def form_valid(self, form):
        messages.success(self.request, "Đã đổi mật khẩu. Lần đăng nhập sau, đồng chí dùng mật khẩu mới.")
        return super().form_valid(form)
