"""Starting, watching and stopping the bot's processes.

Used by `make run` and by the test fixtures, so that the tests exercise the
exact commands a user runs. Each process gets its own process group: stopping
a service also stops whatever it spawned, and nothing is left behind.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, List, Mapping, Optional, Sequence, Union

logger = logging.getLogger(__name__)


class ServiceError(RuntimeError):
    """A service did not start, or died and could not be restarted."""


@dataclass(frozen=True)
class ServiceSpec:
    name: str
    argv: Sequence[str]
    health_url: str
    env: Mapping[str, str] = field(default_factory=dict)
    cwd: Optional[Path] = None
    ready_timeout: float = 180.0


def free_port() -> int:
    """A loopback port nothing listens on right now (for tests and benchmarks)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def is_healthy(url: str, timeout: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError, ValueError):
        return False


def process_group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class Service:
    """One supervised process, started in its own process group."""

    def __init__(self, spec: ServiceSpec, log_dir: Optional[Path] = None) -> None:
        self.spec = spec
        self.log_path = log_dir / f"{spec.name}.log" if log_dir else None
        self._log: Optional[IO[bytes]] = None
        self.process: Optional[subprocess.Popen] = None

    @property
    def pid(self) -> Optional[int]:
        return self.process.pid if self.process else None

    def start(self) -> None:
        output = None
        if self.log_path:
            self.log_path.parent.mkdir(parents=True, exist_ok=True)
            self._log = output = open(self.log_path, "ab")  # noqa: SIM115 closed in stop()
        logger.info("starting %s: %s", self.spec.name, " ".join(self.spec.argv))
        self.process = subprocess.Popen(
            list(self.spec.argv),
            env={**os.environ, **self.spec.env},
            cwd=self.spec.cwd,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT if output else None,
            start_new_session=True,
        )

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def wait_ready(self) -> None:
        deadline = time.monotonic() + self.spec.ready_timeout
        while time.monotonic() < deadline:
            if not self.alive():
                raise ServiceError(f"{self.spec.name} exited before it was ready{self._log_hint()}")
            if is_healthy(self.spec.health_url):
                logger.info("%s is ready", self.spec.name)
                return
            time.sleep(0.5)
        raise ServiceError(
            f"{self.spec.name} not ready after {self.spec.ready_timeout:.0f} s{self._log_hint()}"
        )

    def stop(self, timeout: float = 15.0) -> None:
        """SIGTERM to the whole group, SIGKILL to whatever is still there after `timeout`."""
        if self.process is None:
            return
        pgid = self.process.pid
        self._signal_group(pgid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while process_group_alive(pgid) and time.monotonic() < deadline:
            self.process.poll()
            time.sleep(0.1)
        if process_group_alive(pgid):
            logger.warning("%s did not stop in %.0f s: killing it", self.spec.name, timeout)
            self._signal_group(pgid, signal.SIGKILL)
        self.process.wait()
        if self._log:
            self._log.close()
            self._log = None

    @staticmethod
    def _signal_group(pgid: int, signum: int) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pgid, signum)

    def _log_hint(self) -> str:
        return f" (see {self.log_path})" if self.log_path else ""


Stage = Union[ServiceSpec, Sequence[ServiceSpec]]


def with_service_env(spec: ServiceSpec, env: Mapping[str, str]) -> ServiceSpec:
    """The same service with `env` added to its own."""
    return dataclasses.replace(spec, env={**spec.env, **env})


def with_env(stages: Sequence[Stage], env: Mapping[str, str]) -> List[Stage]:
    """The same stages, every service with `env` added to its own (a pinned clock...)."""
    return [
        with_service_env(stage, env)
        if isinstance(stage, ServiceSpec)
        else tuple(with_service_env(spec, env) for spec in stage)
        for stage in stages
    ]


class Stack:
    """Services started in stages, each stage ready before the next; stopped in reverse.

    A stage is one service, or several that start together (replicas of one kind,
    which would otherwise each wait for the previous one to load its model).
    """

    def __init__(self, stages: Sequence[Stage], log_dir: Optional[Path] = None) -> None:
        self.stages: List[List[Service]] = [
            [
                Service(spec, log_dir)
                for spec in ([stage] if isinstance(stage, ServiceSpec) else stage)
            ]
            for stage in stages
        ]
        self.services: List[Service] = [service for stage in self.stages for service in stage]

    def __enter__(self) -> "Stack":
        try:
            for stage in self.stages:
                for service in stage:
                    service.start()
                for service in stage:
                    service.wait_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def __getitem__(self, name: str) -> Service:
        return next(s for s in self.services if s.spec.name == name)

    def stop(self) -> None:
        for service in reversed(self.services):
            service.stop()

    def supervise(self, max_restarts: int = 3, poll_seconds: float = 1.0) -> None:
        """Restart any service that dies, until one has died `max_restarts` times."""
        restarts = {service.spec.name: 0 for service in self.services}
        while True:
            for service in self.services:
                if service.alive():
                    continue
                name = service.spec.name
                if restarts[name] >= max_restarts:
                    raise ServiceError(f"{name} died {max_restarts + 1} times: giving up")
                restarts[name] += 1
                logger.error(
                    "%s exited with %s: restarting it",
                    name,
                    service.process.returncode if service.process else None,
                )
                service.stop()
                service.start()
                service.wait_ready()
            time.sleep(poll_seconds)
