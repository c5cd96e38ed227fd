"""Root URLconf: each app is mounted at its own name."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from django.views.i18n import set_language

from reports.views import dashboard
from tienlang.errors import catch_all, page_not_found
from tienlang.guide import guide_image, guide_index, guide_page
from unions.twofactor import TwoStepLoginView, otp_enrol, otp_verify
from unions.views import healthz

urlpatterns = [
    path("", dashboard, name="dashboard"),
    path("healthz", healthz, name="healthz"),
    path("accounts/login/", TwoStepLoginView.as_view(), name="login"),
    path("accounts/login/code/", otp_verify, name="otp_verify"),
    path("accounts/login/enrol/", otp_enrol, name="otp_enrol"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("unions/", include("unions.urls")),
    path("candidates/", include("candidates.urls")),
    path("classes/", include("classes.urls")),
    path("admission/", include("admission.urls")),
    path("reports/", include("reports.urls")),
    path("jobs/", include("jobs.urls")),
    # The guide of each role (docs/guide/*.md).
    path("guide/", guide_index, name="guide_index"),
    path("guide/img/<str:name>", guide_image, name="guide_image"),
    path("guide/<slug:slug>/", guide_page, name="guide_page"),
    # The language switch of the user menu (POST, stores the choice in the language cookie).
    path("i18n/setlang/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
    # Last: any other address ending in "/" is the product's 404 page, in the demo (DEBUG) too
    # (tienlang/errors.py); one without the slash is sent here first by APPEND_SLASH.
    re_path(r"^(?P<path>.*/)$", catch_all, name="not_found"),
]


handler404 = page_not_found
