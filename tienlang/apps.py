from django.contrib.admin.apps import AdminConfig


class TienLangAdminConfig(AdminConfig):
    default_site = "tienlang.admin_site.TienLangAdminSite"
