"""The product's URLs plus the benchmark's reference views (never served by the product)."""

from django.urls import path

from bench import reference_views
from ess.urls import urlpatterns as product_urlpatterns

urlpatterns = [
    path("bench/bare/", reference_views.bare, name="bench-bare"),
    path("bench/same-writes/", reference_views.same_writes, name="bench-same-writes"),
    *product_urlpatterns,
]
