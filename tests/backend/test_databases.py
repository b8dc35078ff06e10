import os

from tests.support.backend import POSTGRES_URL


def test_ci_runs_the_backend_tests_on_postgresql():
    """CI provides PostgreSQL: a run there without it would quietly test less."""
    assert POSTGRES_URL or not os.environ.get("CI"), "CI must set TEST_POSTGRES_URL"
