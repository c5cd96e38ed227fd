from django.contrib.admin.apps import AdminConfig
from django.db.backends.signals import connection_created

from tienlang.lib.collation import register_sqlite_collation


class TienLangAdminConfig(AdminConfig):
    default_site = "tienlang.admin_site.TienLangAdminSite"

    def ready(self):
        super().ready()
        # Before any migration or query: SQLite needs the Vietnamese collation of the name columns.
        connection_created.connect(register_sqlite_collation, dispatch_uid="tienlang_vi_collation")
