"""Settings of the benchmarks: the product's settings, with the benchmark's URLs (the product's
plus the reference views of bench/reference_views.py, which exist only here)."""

from ess.settings import *  # noqa: F403 -- the product's settings, unchanged but for the URLs

ROOT_URLCONF = "bench.urls"
