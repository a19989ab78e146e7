from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from sibao.notifications.models import Notification
from sibao.notifications.services import mark_read


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    messages = Notification.objects.inbox_of(request.user)
    page = Paginator(messages, 30).get_page(request.GET.get("page"))
    return render(request, "notifications/inbox.html", {"page": page})


@login_required
@require_POST
def read(request: HttpRequest) -> HttpResponse:
    ids = [int(value) for value in request.POST.getlist("id") if value.isdigit()]
    mark_read(user=request.user, notification_ids=ids or None)
    return redirect("notifications:inbox")
