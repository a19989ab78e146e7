"""Issue 9 #5: every app declares its demo data on its AppConfig and ``load_demo`` runs them in the declared
order, without the kernel importing any app."""

import inspect

from django.utils import translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from sibao.core.demo import DemoData, demo_data


def test_the_demo_runs_reference_data_first_then_each_app_after_what_it_uses() -> None:
    loaders = [demo.loader.split(".")[1] for demo in demo_data()]
    assert loaders[:3] == ["regions", "organisation", "enterprises"]
    for earlier, later in [
        ("accounts", "whitelist"),  # the whitelist is played by demo users
        ("whitelist", "epidemic"),  # employees of whitelisted enterprises
        ("epidemic", "sentinel"),  # warnings about employees
        ("epidemic", "incidents"),
    ]:
        assert loaders.index(earlier) < loaders.index(later), (earlier, later)


def test_every_loader_is_importable_and_needs_no_arguments() -> None:
    for demo in demo_data():
        loader = import_string(demo.loader)
        required = [
            p for p in inspect.signature(loader).parameters.values() if p.default is p.empty and p.kind != p.VAR_KEYWORD
        ]
        assert not required, demo.loader


def test_the_summary_line_is_translated_and_filled_with_the_counts() -> None:
    demo = DemoData(order=1, loader="x.y", summary=_("Demo users: {users}"))
    with translation.override("zh-hans"):
        assert demo.describe({"users": 25}) == "演示用户 25 个"
    with translation.override("en"):
        assert demo.describe({"users": 25}) == "Demo users: 25"
    assert DemoData(order=1, loader="x.y").describe({"users": 25}) == ""
