"""Reference views the product is compared to: what a request costs with nothing but Django.

- `bare`: a login-required view running one indexed ORM query (the 25 newest referrals, read
  through the primary key index) and returning a small HTML page. Every middleware of the product
  runs in front of it, as in front of the dashboard: the comparison is about the view's own cost.
- `same_writes`: the database writes of one API submission (bench/api_reference.py lists
  them), done with the plain ORM in one transaction, without validation, serialization,
  permissions or notifications' content.
"""

import json

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.utils.html import format_html_join
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from referrals.models import Referral


@login_required
def bare(request):
    rows = Referral.objects.order_by("-pk").values_list("reference", "status")[:25]
    body = format_html_join("", "<li>{} {}</li>", rows)
    return HttpResponse(f"<!doctype html><title>bare</title><ul>{body}</ul>")


@csrf_exempt
@require_POST
@login_required
def same_writes(request):
    from bench.api_reference import same_writes as write

    referral = write(request.user, json.loads(request.body))
    return JsonResponse({"reference": getattr(referral, "reference", "")}, status=201)
