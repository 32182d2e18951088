"""The health project over the API: visibility, transitions, 409 for an illegal one."""

import pytest

from projet_sante.project import services as ps
from projet_sante.project.models import VersionStatus

pytestmark = pytest.mark.django_db


def test_authority_users_list_the_versions_submitted_to_them(
    api_client, authority, project_validated, project_manager
):
    ps.version_start(by=project_manager)  # v2, a draft: not theirs yet
    api_client.force_authenticate(authority)
    response = api_client.get("/api/v1/project-versions/")
    assert response.status_code == 200
    assert [v["number"] for v in response.json()["results"]] == [1]
    detail = api_client.get(f"/api/v1/project-versions/{project_validated.public_id}/").json()
    assert detail["sections"][0]["key"] == "diagnostic"
    assert detail["missions"][0]["actions"][0]["progress"] == 40


def test_requesters_get_403(api_client, requester, project_validated):
    api_client.force_authenticate(requester)
    assert api_client.get("/api/v1/project-versions/").status_code == 403


def test_transitions_over_the_api_and_409_when_illegal(
    api_client, authority, project_cpam, project_draft, project_manager
):
    url = f"/api/v1/project-versions/{project_draft.public_id}/"
    api_client.force_authenticate(authority)
    assert api_client.post(url + "validate/", {}, format="json").status_code == 404  # draft
    api_client.force_authenticate(project_manager)
    assert api_client.post(url + "submit/").json()["status"] == "submitted"
    assert api_client.post(url + "validate/", {}, format="json").status_code == 403
    api_client.force_authenticate(authority)
    response = api_client.post(
        url + "comments/", {"section": "missions", "body": "Précisez."}, format="json"
    )
    assert response.status_code == 201
    assert api_client.post(url + "request-revision/", {}, format="json").status_code == 400
    assert api_client.post(url + "validate/", {}, format="json").json()["status"] == "submitted"
    api_client.force_authenticate(project_cpam)
    assert api_client.post(url + "validate/", {}, format="json").json()["status"] == "validated"
    response = api_client.post(url + "request-revision/", {"reason": "Non."}, format="json")
    assert response.status_code == 409
    assert "Action impossible" in response.json()["detail"]
    project_draft.refresh_from_db()
    assert project_draft.status == VersionStatus.VALIDATED
