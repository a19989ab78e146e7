"""Print the demo logins (make run does this before serving)."""

from typing import Any

from django.core.management.base import BaseCommand
from django.db.models import Q

from sibao.accounts.demo import DEMO_ENTERPRISE_USERS, DEMO_PASSWORD, DEMO_USERS
from sibao.accounts.models import User


class Command(BaseCommand):
    help = "打印演示账号"

    def handle(self, *args: Any, **options: Any) -> None:
        prefixes = tuple(f"{prefix}_ent" for prefix in DEMO_ENTERPRISE_USERS)
        usernames = [spec.username for spec in DEMO_USERS]
        users = {
            user.username: user
            for user in User.objects.filter(username__in=usernames).select_related("region", "enterprise")
        }
        by_prefix = Q()
        for prefix in prefixes:
            by_prefix |= Q(username__startswith=prefix)
        enterprise_users = User.objects.filter(by_prefix).select_related("enterprise")
        self.stdout.write("")
        self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
        self.stdout.write(f"  {'用户名':<22}{'角色':<14}范围")
        for username in usernames:
            user = users.get(username)
            if user:
                scope = user.region.name if user.region else ""
                if user.sector:
                    scope += f" · {user.get_sector_display()}"
                self.stdout.write(f"  {username:<24}{user.get_role_display():<12}{scope}")
        for user in enterprise_users.order_by("username"):
            self.stdout.write(f"  {user.username:<24}{user.get_role_display():<12}{user.enterprise}")
        self.stdout.write("")
