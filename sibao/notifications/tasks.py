"""Delivery of many inbox messages at once to the outbound channels, off the request (issue 12: a region's
switch writes one message per enterprise — 10,000 for a city — and the HQ office should not wait for 10,000
SMS or WeCom calls)."""

from django_tasks import task

from sibao.notifications.channels import deliver


@task()
def deliver_notifications(notification_ids: list[int]) -> int:
    for start in range(0, len(notification_ids), 1000):
        deliver(notification_ids[start : start + 1000])
    return len(notification_ids)
