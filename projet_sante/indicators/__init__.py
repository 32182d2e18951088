"""Indicators (registry, computation, targets, quarterly snapshots) and the PDF reports
generated in the background; the base the other parts build on."""
