from django.contrib.auth import views as auth_views


class SignOutView(auth_views.LogoutView):
    """Sign out, and have the browser drop what the site stored in it: on a shared commune computer, copies of
    report forms kept for their officer must not outlive the session. The sign-out form's script removes them
    too, for browsers that ignore the header (it is only honoured over HTTPS)."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        response["Clear-Site-Data"] = '"storage"'
        return response
