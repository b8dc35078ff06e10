"""The production layout (`make cluster`) on free loopback ports: 2 Rasa replicas and
2 action servers behind nginx, a fresh PostgreSQL tracker store and backend database,
Redis locks under a key prefix of this run. Started once for these tests.

Needs the PostgreSQL and Redis of TEST_POSTGRES_URL and TEST_REDIS_URL (set by the
Makefile and .ci/run). Without them the tests skip with the reason, except in CI
where they fail. Helpers are in tests/support/cluster.py and tests/support/stack.py.
"""

from __future__ import annotations

import os
from typing import Iterator

import pytest

from bot.config import Settings
from bot.ops import cluster
from bot.ops.stack import isolated_settings
from bot.ops.supervisor import Stack
from tests.support.cluster import unavailable
from tests.support.stack import assert_nothing_left, started


@pytest.fixture(scope="session")
def cluster_settings(stack_settings: Settings, tmp_path_factory) -> Iterator[Settings]:
    postgres_url, redis_url = os.environ.get("TEST_POSTGRES_URL"), os.environ.get("TEST_REDIS_URL")
    if not postgres_url or not redis_url:
        unavailable("TEST_POSTGRES_URL and TEST_REDIS_URL are not set")
    # Ports of its own for nginx, the backend and the web server, beside the single stack.
    isolated = isolated_settings(stack_settings, tmp_path_factory.mktemp("cluster"))
    settings = cluster.isolated_cluster_settings(isolated, postgres_url, redis_url)
    try:
        cluster.prepare(settings)
    except cluster.MissingDependency as missing:
        unavailable(str(missing))
    yield settings
    for url in (settings.cluster.tracker_store_url, settings.cluster.database_url):
        cluster.drop_postgres_database(url)


@pytest.fixture(scope="session")
def cluster_stack(cluster_settings: Settings, tmp_path_factory) -> Iterator[Stack]:
    stack = started(
        cluster.cluster_stages(cluster_settings, tmp_path_factory.mktemp("nginx")),
        logs="logs/cluster",
    )
    with stack:
        yield stack
    assert_nothing_left(stack)


@pytest.fixture(scope="session")
def balancer(cluster_stack: Stack, cluster_settings: Settings) -> str:
    """nginx in front of the replicas."""
    return f"http://{cluster_settings.host}:{cluster_settings.rasa_port}"


@pytest.fixture(scope="session")
def rasa_api(cluster_stack: Stack, cluster_settings: Settings) -> str:
    """nginx's internal listener: Rasa's whole HTTP API, for the web server."""
    return f"http://{cluster_settings.host}:{cluster_settings.cluster.rasa_api_port}"


@pytest.fixture(scope="session")
def replicas(cluster_stack: Stack, cluster_settings: Settings) -> list:
    """Each replica's own address, to choose which one answers a turn."""
    return [
        f"http://{cluster_settings.host}:{port}" for port in cluster_settings.cluster.rasa_ports
    ]
