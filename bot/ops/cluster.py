"""`make cluster`: the bot as Rasa documents it for production, on one machine.

Rasa replicas and stateless action servers behind nginx, the conversations in a
PostgreSQL tracker store, a Redis lock store so that one conversation's messages
are handled one at a time whichever replica receives them, the account backend on
PostgreSQL. The files an operator deploys (`deploy/`) are the ones used here.
"""

from __future__ import annotations

import dataclasses
import json
import secrets
import shutil
import string
from pathlib import Path
from typing import Dict, List, Sequence, Tuple
from urllib.parse import unquote, urlsplit

import psycopg2
import redis
from psycopg2 import sql

from bot.config import PROJECT_ROOT, ClusterSettings, Settings
from bot.domain.handover import unavailable_text
from bot.ops.stack import (
    action_server_argv,
    action_token_env,
    backend_spec,
    rasa_argv,
    rasa_token_env,
    shared_env,
    web_spec,
)
from bot.ops.supervisor import ServiceSpec, free_port, with_service_env

DEPLOY = PROJECT_ROOT / "deploy"
NGINX_TEMPLATE = DEPLOY / "nginx" / "roulement.conf.template"
ENDPOINTS = DEPLOY / "endpoints.yml"


class MissingDependency(RuntimeError):
    """PostgreSQL, Redis or nginx is not there; the message says what to do."""


def postgres_parts(url: str) -> Dict[str, str]:
    parts = urlsplit(url)
    if parts.scheme not in {"postgresql", "postgres"} or not parts.path.strip("/"):
        raise ValueError(f"expected postgresql://user[:password]@host:port/database, got {url!r}")
    return {
        "host": parts.hostname or "127.0.0.1",
        "port": str(parts.port or 5432),
        "db": parts.path.strip("/"),
        "user": unquote(parts.username or ""),
        "password": unquote(parts.password or ""),
    }


def _redis_parts(url: str) -> Dict[str, str]:
    parts = urlsplit(url)
    if parts.scheme != "redis":
        raise ValueError(f"expected redis://[:password@]host:port/db, got {url!r}")
    return {
        "host": parts.hostname or "127.0.0.1",
        "port": str(parts.port or 6379),
        "db": parts.path.strip("/") or "0",
        "password": unquote(parts.password or ""),
    }


def store_env(cluster: ClusterSettings) -> Dict[str, str]:
    """The variables deploy/endpoints.yml reads, from the two store URLs."""
    tracker, lock = postgres_parts(cluster.tracker_store_url), _redis_parts(cluster.lock_store_url)
    return {
        "TRACKER_DB_HOST": tracker["host"],
        "TRACKER_DB_PORT": tracker["port"],
        "TRACKER_DB_NAME": tracker["db"],
        "TRACKER_DB_USER": tracker["user"],
        "TRACKER_DB_PASSWORD": tracker["password"],
        "TRACKER_DB_LOGIN_DB": "postgres",
        "LOCK_STORE_HOST": lock["host"],
        "LOCK_STORE_PORT": lock["port"],
        "LOCK_STORE_DB": lock["db"],
        "LOCK_STORE_PASSWORD": lock["password"],
        "LOCK_STORE_KEY_PREFIX": cluster.lock_key_prefix,
        "TICKET_LOCK_LIFETIME": str(cluster.lock_lifetime),
    }


def _server_connection(parts: Dict[str, str]):
    """An autocommit connection to the server's `postgres` database (to create or drop one)."""
    connection = psycopg2.connect(
        host=parts["host"],
        port=parts["port"],
        dbname="postgres",
        user=parts["user"] or None,
        password=parts["password"] or None,
        connect_timeout=3,
    )
    connection.autocommit = True
    return connection


def ensure_postgres_database(url: str) -> None:
    """Creates the database when it does not exist (from the server's `postgres` database)."""
    parts = postgres_parts(url)
    try:
        connection = _server_connection(parts)
    except psycopg2.OperationalError as error:
        raise MissingDependency(
            f"PostgreSQL is not reachable at {parts['host']}:{parts['port']} "
            f"({str(error).strip().splitlines()[0]}): start it, or set TRACKER_STORE_URL and "
            "CLUSTER_DATABASE_URL to a PostgreSQL server you can use"
        ) from error
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", (parts["db"],))
            if cursor.fetchone() is None:
                cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(parts["db"])))
    finally:
        connection.close()


def check_redis(url: str) -> None:
    parts = _redis_parts(url)
    try:
        redis.Redis.from_url(url, socket_connect_timeout=3).ping()
    except redis.RedisError as error:
        raise MissingDependency(
            f"Redis is not reachable at {parts['host']}:{parts['port']} ({error}): start it, "
            "or set LOCK_STORE_URL to a Redis server you can use"
        ) from error


def nginx_binary() -> str:
    found = shutil.which("nginx") or next(
        (path for path in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if Path(path).is_file()),
        None,
    )
    if not found:
        raise MissingDependency("nginx is missing: apt-get install nginx-light (Debian/Ubuntu)")
    return found


def _nginx_escape(text: str) -> str:
    """A JSON string body inside nginx's single-quoted `return` argument."""
    return json.dumps(text, ensure_ascii=False)[1:-1].replace("\\", "\\\\").replace("'", "\\'")


def render_nginx_site(settings: Settings, host: str = "127.0.0.1") -> str:
    """deploy/nginx/roulement.conf.template filled in for the replicas of `settings`."""
    cluster = settings.cluster

    def servers(ports: Sequence[int]) -> str:
        # A replica that failed is left alone for 3 s instead of being tried on every request.
        return "\n".join(f"    server {host}:{port} max_fails=1 fail_timeout=3s;" for port in ports)

    return string.Template(NGINX_TEMPLATE.read_text(encoding="utf-8")).substitute(
        RASA_UPSTREAM_SERVERS=servers(cluster.rasa_ports),
        ACTION_UPSTREAM_SERVERS=servers(cluster.action_ports),
        LISTEN_HOST=settings.host,
        RASA_LB_PORT=settings.rasa_port,
        RASA_API_LB_PORT=cluster.rasa_api_port,
        ACTION_LB_PORT=settings.action_port,
        HANDOVER_TEXT=_nginx_escape(unavailable_text(settings)),
        # nginx's own variable, kept as is (envsubst in the nginx image leaves it too).
        host="$host",
        server_port="$server_port",
        uri="$uri",
        rasa_path_refused="$rasa_path_refused",
    )


def write_nginx_config(settings: Settings, workdir: Path) -> Path:
    """A whole nginx configuration that runs unprivileged in `workdir`."""
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "roulement.conf").write_text(render_nginx_site(settings), encoding="utf-8")
    main = workdir / "nginx.conf"
    main.write_text(
        "worker_processes 1;\n"
        f"pid {workdir / 'nginx.pid'};\n"
        f"error_log {workdir / 'error.log'} warn;\n"
        "events { worker_connections 1024; }\n"
        "http {\n"
        "    access_log off;\n"
        "    server_tokens off;\n"
        f"    client_body_temp_path {workdir / 'client_body'};\n"
        f"    proxy_temp_path {workdir / 'proxy'};\n"
        f"    fastcgi_temp_path {workdir / 'fastcgi'};\n"
        f"    uwsgi_temp_path {workdir / 'uwsgi'};\n"
        f"    scgi_temp_path {workdir / 'scgi'};\n"
        f"    include {workdir / 'roulement.conf'};\n"
        "}\n",
        encoding="utf-8",
    )
    return main


def nginx_spec(settings: Settings, workdir: Path) -> ServiceSpec:
    config = write_nginx_config(settings, workdir)
    return ServiceSpec(
        name="nginx",
        argv=[nginx_binary(), "-p", str(workdir), "-c", str(config), "-g", "daemon off;"],
        health_url=f"http://{settings.host}:{settings.rasa_port}/nginx-health",
        cwd=PROJECT_ROOT,
        ready_timeout=20,
    )


def cluster_env(settings: Settings) -> Dict[str, str]:
    """Every process of the cluster uses the cluster's backend database."""
    return {
        **shared_env(settings),
        "DATABASE_URL": settings.cluster.database_url,
        "BACKEND_TRACKER_STORE_URL": settings.cluster.tracker_store_url,
    }


def action_server_specs(settings: Settings) -> List[ServiceSpec]:
    return [
        ServiceSpec(
            name=f"actions-{i + 1}",
            argv=action_server_argv(port),
            health_url=f"http://{settings.host}:{port}/health",
            env={
                **cluster_env(settings),
                **action_token_env(settings),
                "SANIC_HOST": settings.host,
            },
            cwd=PROJECT_ROOT,
            ready_timeout=60,
        )
        for i, port in enumerate(settings.cluster.action_ports)
    ]


def rasa_replica_specs(settings: Settings) -> List[ServiceSpec]:
    action_endpoint = f"http://{settings.host}:{settings.action_port}/webhook"
    env = {
        **cluster_env(settings),
        **store_env(settings.cluster),
        **action_token_env(settings),
        **rasa_token_env(settings),
        "ACTION_ENDPOINT_URL": action_endpoint,
    }
    return [
        ServiceSpec(
            name=f"rasa-{i + 1}",
            argv=rasa_argv(settings, port, ENDPOINTS),
            health_url=f"http://{settings.host}:{port}/",
            env=env,
            cwd=PROJECT_ROOT,
            ready_timeout=300,
        )
        for i, port in enumerate(settings.cluster.rasa_ports)
    ]


def prepare(settings: Settings) -> None:
    """Checks what the cluster needs from the machine before starting anything."""
    nginx_binary()
    ensure_postgres_database(settings.cluster.database_url)
    ensure_postgres_database(settings.cluster.tracker_store_url)
    check_redis(settings.cluster.lock_store_url)


def cluster_stages(settings: Settings, workdir: Path) -> List[Tuple[ServiceSpec, ...]]:
    """Every process, in start stages: the replicas of one kind start together."""
    on_cluster_database = cluster_env(settings)
    backend = with_service_env(backend_spec(settings), on_cluster_database)
    # The web server reads conversations and parses messages: nginx's API listener.
    web = with_service_env(
        web_spec(settings),
        {**on_cluster_database, "RASA_PORT": str(settings.cluster.rasa_api_port)},
    )
    return [
        (backend,),
        tuple(action_server_specs(settings)),
        tuple(rasa_replica_specs(settings)),
        (nginx_spec(settings, workdir),),
        (web,),
    ]


def _replace_database(url: str, database: str) -> str:
    parts = urlsplit(url)
    return parts._replace(path=f"/{database}").geturl()


def isolated_cluster_settings(settings: Settings, postgres_url: str, redis_url: str) -> Settings:
    """A cluster of its own for tests and the soak: free ports (on top of
    `settings`, already isolated), fresh databases, its own lock keys."""
    suffix = secrets.token_hex(4)
    cluster = dataclasses.replace(
        settings.cluster,
        tracker_store_url=_replace_database(postgres_url, f"roulement_tracker_{suffix}"),
        database_url=_replace_database(postgres_url, f"roulement_{suffix}"),
        lock_store_url=redis_url,
        lock_key_prefix=f"test{suffix}",
        rasa_ports=(free_port(), free_port()),
        action_ports=(free_port(), free_port()),
        rasa_api_port=free_port(),
    )
    backend = dataclasses.replace(settings.backend, database_url=cluster.database_url)
    return dataclasses.replace(settings, cluster=cluster, backend=backend)


def drop_postgres_database(url: str) -> None:
    parts = postgres_parts(url)
    connection = _server_connection(parts)
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                    sql.Identifier(parts["db"])
                )
            )
    finally:
        connection.close()
