"""Sign-in events go to the access log (the username only; never a password); a federation's new
area is followed by what is judged by it."""

from __future__ import annotations

import logging

from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from .models import AccessLog, Federation
from .services import areas_changed

logger = logging.getLogger("tienlang.auth")
BRAND_SESSION_KEY = "brand_federation"


@receiver(user_logged_in)
def note_login(sender, request, user, **kwargs):
    profile = getattr(user, "profile", None)
    AccessLog.objects.create(
        user=user,
        username=user.get_username(),
        federation_id=getattr(profile, "federation_id", None),
        action=AccessLog.Action.LOGIN,
        what="Đăng nhập",
        path=getattr(request, "path", "")[:300],
    )
    logger.info("login ok user_id=%s", user.pk)
    if request is not None and hasattr(request, "session"):
        # The header's brand, read once at sign-in so no page pays a query for it.
        federation = getattr(profile, "federation", None)
        request.session[BRAND_SESSION_KEY] = (federation.short_name or federation.name) if federation else ""


@receiver(user_login_failed)
def note_failed_login(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", ""))[:150]
    AccessLog.objects.create(
        username=username,
        action=AccessLog.Action.LOGIN_FAILED,
        what="Đăng nhập sai",
        path=getattr(request, "path", "")[:300] if request is not None else "",
    )
    logger.warning("login failed")


@receiver(pre_save, sender=Federation)
def note_area_before(sender, instance, update_fields=None, raw=False, **kwargs):
    """Remember the federation's area as stored, when this save may change it."""
    if raw or instance.pk is None or (update_fields is not None and "area" not in update_fields):
        return
    instance._stored_area_id = Federation.objects.filter(pk=instance.pk).values_list("area_id", flat=True).first()


@receiver(post_save, sender=Federation)
def follow_area_change(sender, instance, created=False, raw=False, **kwargs):
    """A federation given another area: its people's "in the area" is judged again in the same transaction."""
    if "_stored_area_id" not in instance.__dict__:
        return
    stored = instance.__dict__.pop("_stored_area_id")
    if raw or created or stored == instance.area_id:
        return
    areas_changed([instance.pk])
