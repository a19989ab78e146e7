"""Issue an API token for another system (X-5). The raw token is printed once and never stored."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sibao.accounts.models import User
from sibao.accounts.services import api_token_create


class Command(BaseCommand):
    help = "为对接系统签发接口令牌（只显示一次）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="令牌代表的用户（其数据范围即令牌的数据范围）")
        parser.add_argument("--name", required=True, help="令牌名称，例如“省一体化平台”")
        parser.add_argument("--days", type=int, default=365, help="有效天数，0 表示不过期")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"], is_active=True).first()
        if user is None:
            raise CommandError(f"没有名为 {options['username']} 的有效用户。")
        token, raw = api_token_create(actor=None, user=user, name=options["name"], valid_days=options["days"] or None)
        self.stdout.write(f"令牌“{token.name}”已签发，请立即妥善保存（不会再次显示）：\n{raw}")
