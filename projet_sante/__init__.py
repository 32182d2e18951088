"""Projet de santé: what the ESS shows its funders and its territory, in three parts with the
same anatomy (models, services, selectors, permissions, forms, views, urls, api, tasks, demo):

- `project`: the health-project document, its versions and their review by the ARS/CPAM;
- `indicators`: the indicators, their targets and quarterly snapshots, the PDF reports;
- `newsletter`: the quarterly information letter, its audience and subscriptions.

`indicators` is the base: `project` and `newsletter` use it and never each other. The app's
`models.py`, `urls.py` and `tasks.py` only gather the parts' for Django and Celery.
"""
