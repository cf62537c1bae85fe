"""schemathesis against the published schema, with a token: no server error and no response that
breaks the schema, over at least 1,000 generated cases (CI runs it on SQLite and on PostgreSQL)."""

import pytest
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings

from gongjiang.api.models import ApiToken

schemathesis = pytest.importorskip("schemathesis")
from schemathesis import checks as st_checks  # noqa: E402

EXAMPLES_PER_OPERATION = 25
CHECKS = [
    st_checks.not_a_server_error,
    st_checks.status_code_conformance,
    st_checks.content_type_conformance,
    st_checks.response_headers_conformance,
    st_checks.response_schema_conformance,
]


@pytest.fixture
def wsgi_app():
    """The project's WSGI application, keeping the test's database connection between requests
    (as Django's test client does): otherwise PostgreSQL's would be closed mid-transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.mark.django_db
def test_the_api_keeps_its_schema_under_generated_requests(org, contest, wsgi_app, record_property):
    _token, raw = ApiToken.issue(user=org.users.prov, name="schemathesis")
    headers = {"Authorization": f"Bearer {raw}"}
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", wsgi_app, headers=headers)
    cases = 0
    failures: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()

        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            derandomize=True,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def run(case) -> None:  # type: ignore[no-untyped-def]
            nonlocal cases
            cases += 1
            try:
                case.call_and_validate(headers=headers, checks=CHECKS)
            except Exception as exc:  # every failure is collected, so one run reports them all
                if len(failures) < 20:
                    failures.append(f"{case.operation.label}: {str(exc)[:600]}")

        run()
    record_property("schemathesis_cases", cases)
    print(f"schemathesis: {cases} cases over {len(list(schema.get_all_operations()))} operations")
    assert not failures, "\n\n".join(failures)
    assert cases >= 1000
