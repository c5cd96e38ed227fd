"""Issue a one-time enrolment code so that USERNAME can set up an authenticator app.

The code is printed once (only a hash is kept). Hand it to the user in person or by
telephone, never together with the password. Issuing a code voids the user's earlier unused
code; when the user confirms a new authenticator with it, the old one stops working.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from unions.models import EnrolmentCode
from unions.twofactor import issue_enrolment_code


class Command(BaseCommand):
    help = "Cấp mã đăng ký (dùng một lần) để người dùng cài ứng dụng xác thực hai bước."

    def add_arguments(self, parser):
        parser.add_argument("username", help="Tên đăng nhập của người được cấp mã")
        parser.add_argument(
            "--hours",
            type=int,
            default=None,
            help=f"Số giờ mã còn hiệu lực (mặc định ENROLMENT_CODE_HOURS = {settings.ENROLMENT_CODE_HOURS})",
        )

    def handle(self, *args, username, hours, **options):
        if hours is not None and hours < 1:
            raise CommandError(_("Số giờ phải từ 1 trở lên."))
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(_("Không có tài khoản %(username)s.") % {"username": username})
        if not user.is_active:
            raise CommandError(_("Tài khoản %(username)s đã bị khóa.") % {"username": username})
        code = issue_enrolment_code(user, hours=hours)
        expires_at = EnrolmentCode.objects.filter(user=user).latest("issued_at").expires_at
        expires = formats.date_format(timezone.localtime(expires_at), "d/m/Y H:i")
        self.stdout.write(_("Mã đăng ký cho %(username)s: %(code)s") % {"username": username, "code": code})
        self.stdout.write(
            _(
                "Dùng một lần, đến %(expires)s. Mã chỉ hiển thị lần này; trao cho người dùng trực tiếp "
                "hoặc qua điện thoại, không gửi kèm mật khẩu."
            )
            % {"expires": expires}
        )
