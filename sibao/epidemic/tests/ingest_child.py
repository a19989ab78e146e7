"""A separate process for ``test_ingest_recovery``: a web request and a worker that get killed (SIGKILL) at a
chosen moment of a test-result import, a scheduler pass, a re-send. Run as
``python -m sibao.epidemic.tests.ingest_child <action> [<moment>]`` with ``DATABASE_URL`` and
``SIBAO_TEST_MEDIA`` naming the test's database and media folder; it prints one JSON line per result and
``PAUSED`` when it is ready to be killed.

The import code runs unchanged; only the moment of the kill is chosen, by wrapping the ingest's validation
or write step so that the process stops there (after the real step has run) and waits for its SIGKILL.
"""

import json
import os
import sys
import time
from datetime import date, timedelta
from typing import Any

ROWS = 2_000
INSTITUTION = "通许县人民医院"
FILE_NAME = "results.csv"
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def number(index: int) -> str:
    body = f"4102221990{index // 1000 + 1:02d}01{index % 1000:03d}"
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, WEIGHTS, strict=True)) % 11]


def content() -> bytes:
    """The same bytes in every process: ROWS people, one negative test each, sampled yesterday (within the
    retention of test results: the scheduler pass that recovers the import also purges expired results)."""
    day = date.today() - timedelta(days=1)
    lines = ["姓名,身份证号码,采样时间,检测结果,检测机构"]
    lines += [f"员工{index},{number(index)},{day:%Y-%m-%d} 08:{index % 60:02d},阴性," for index in range(ROWS)]
    return ("\n".join(lines) + "\n").encode()


def pause() -> None:
    print("PAUSED", flush=True)
    while True:  # until the test's SIGKILL
        time.sleep(60)


def say(**values: Any) -> None:
    print(json.dumps(values), flush=True)


def main(action: str, moment: str = "") -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sibao.settings_test")
    django.setup()
    from django.conf import settings

    settings.MEDIA_ROOT = os.environ["SIBAO_TEST_MEDIA"]  # shared with the test (settings_test makes its own)

    from sibao.accounts.models import User
    from sibao.epidemic import ingest

    actor = User.objects.get(username="p_tongxu_epidemic")
    if action == "worker":
        # The web request registers the file; the task it enqueues is lost with this process (a dummy
        # backend), as when a worker takes a task and dies, or the queue is lost.
        settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
        ingest.INLINE_MAX_BYTES = 0
        submitted = ingest.results_import_submit(
            actor=actor, institution=INSTITUTION, file_name=FILE_NAME, content=content()
        )
        say(id=submitted.pk, status=submitted.status)
        if moment == "before":
            pause()
        real_validate, real_write = ingest.validate_file, ingest.write_results

        def validate_then_stop(*args: Any, **kwargs: Any) -> Any:
            checked = real_validate(*args, **kwargs)
            if moment == "validate":
                pause()
            return checked

        def write_then_stop(*args: Any, **kwargs: Any) -> Any:
            added = real_write(*args, **kwargs)  # the rows are in the open transaction, not committed
            if moment == "write":
                pause()
            return added

        ingest.validate_file, ingest.write_results = validate_then_stop, write_then_stop
        ingest.results_import_run(submitted.pk)  # the worker's task body
        say(unexpected="the run was not stopped")
    elif action == "scheduler":
        from django.core.management import call_command

        call_command("schedule_jobs")  # the next scheduler pass; its tasks run at once (immediate backend)
    elif action == "resend":
        from sibao.core.errors import ServiceError

        try:
            again = ingest.results_import_submit(
                actor=actor, institution=INSTITUTION, file_name=FILE_NAME, content=content()
            )
        except ServiceError as refused:
            say(refused=refused.code)
        else:
            say(id=again.pk, status=again.status)
    else:
        raise SystemExit(f"unknown action {action}")


if __name__ == "__main__":
    main(*sys.argv[1:])
