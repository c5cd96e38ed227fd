"""The admin site, sharing the application's single login page."""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.urls import URLPattern, reverse
from django.utils.translation import gettext_lazy as _

from tienlang.lib.collation import vietnamese_sort_key

# Third-party apps name themselves and their models in English (or not at all): their labels in
# the admin, by app label and by model name, without forking them.
APP_NAMES = {
    "axes": _("Đăng nhập sai và khóa tài khoản"),
    "otp_totp": _("Xác thực hai bước"),
    "simple_history": _("Lịch sử thay đổi"),
}
MODEL_NAMES = {
    ("axes", "accessattempt"): _("Lần đăng nhập sai đang tính"),
    ("axes", "accessfailurelog"): _("Nhật ký đăng nhập sai"),
    ("axes", "accesslog"): _("Nhật ký đăng nhập"),
    ("otp_totp", "totpdevice"): _("Ứng dụng xác thực (TOTP)"),
}


class TienLangAdminSite(admin.AdminSite):
    site_header = _("Quản trị — Phát triển đảng viên trong doanh nghiệp")
    site_title = _("Quản trị")
    index_title = _("Dữ liệu")

    def get_app_list(self, request, app_label=None):
        """Every app and model in Vietnamese, in Vietnamese alphabetical order."""
        apps = super().get_app_list(request, app_label)
        for app in apps:
            app["name"] = APP_NAMES.get(app["app_label"], app["name"])
            for model in app["models"]:
                key = (app["app_label"], model["object_name"].lower())
                model["name"] = MODEL_NAMES.get(key, model["name"])
            app["models"].sort(key=lambda model: vietnamese_sort_key(str(model["name"])))
        apps.sort(key=lambda app: vietnamese_sort_key(str(app["name"])))
        return apps

    def login(self, request, extra_context=None):
        # One login page for the whole product; signed-in non-administrators get 403.
        if request.user.is_authenticated:
            raise PermissionDenied
        return redirect_to_login(request.GET.get("next") or self.index_url())

    def index_url(self) -> str:
        return reverse("admin:index", current_app=self.name)

    def admin_view(self, view, cacheable=False):
        inner = super().admin_view(view, cacheable)

        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            return inner(request, *args, **kwargs)

        wrapper.__dict__.update(inner.__dict__)
        return wrapper

    def get_urls(self):
        urls = super().get_urls()
        # LoginRequiredMiddleware redirects to the view's `login_url`: use the product's.
        for pattern in urls:
            if isinstance(pattern, URLPattern) and hasattr(pattern.callback, "login_url"):
                pattern.callback.login_url = settings.LOGIN_URL
        return urls
