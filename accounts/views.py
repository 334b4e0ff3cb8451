from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.urls import reverse_lazy


class SignOutView(auth_views.LogoutView):
    """Sign out, and have the browser drop what the site stored in it: on a shared commune computer, copies of
    report forms kept for their officer must not outlive the session. The sign-out form's script removes them
    too, for browsers that ignore the header (it is only honoured over HTTPS)."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        response["Clear-Site-Data"] = '"storage"'
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's own (the old password asked, the validators applied, this session kept, the others ended)."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("home")

    def form_valid(self, form):
        messages.success(self.request, "Đã đổi mật khẩu. Lần đăng nhập sau, đồng chí dùng mật khẩu mới.")
        return super().form_valid(form)
