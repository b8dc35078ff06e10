"""Back-off on failed agent log-ins, per client address and per account name (issue 12,
finding 6: 1,000 wrong passwords went through in 2.8 s).

A key (an address, a name) gets a few free failures; each failure after those locks it for
twice as long as the one before (1 s, 2 s, 4 s… up to `longest`), and a locked key is
answered 429 with Retry-After before any password is checked. 1,000 guesses on one name
then take days instead of seconds, while an agent who mistypes twice waits nothing.

The counts live in the web server's memory: one process serves the agents' page
(deploy/README.md). Their number is bounded (least recently failed keys go first), so
guessing with made-up names cannot fill the memory."""

from __future__ import annotations

import ipaddress
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Callable


@dataclass
class _Failures:
    count: int
    locked_until: float
    last: float


class Throttle:
    def __init__(
        self,
        free: int,
        longest: float = 15 * 60,
        forget_after: float = 60 * 60,
        max_keys: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._free, self._longest, self._forget_after = free, longest, forget_after
        self._max_keys, self._clock = max_keys, clock
        self._keys: "OrderedDict[str, _Failures]" = OrderedDict()

    def retry_after(self, key: str) -> float:
        """Seconds before `key` may try again; 0 when it may now."""
        failures = self._current(key)
        return max(0.0, failures.locked_until - self._clock()) if failures else 0.0

    def failed(self, key: str) -> None:
        now = self._clock()
        failures = self._current(key) or _Failures(0, now, now)
        failures.count += 1
        failures.last = now
        beyond_free = failures.count - self._free
        if beyond_free > 0:
            failures.locked_until = now + min(self._longest, 2.0 ** (beyond_free - 1))
        self._keys[key] = failures
        self._keys.move_to_end(key)
        while len(self._keys) > self._max_keys:
            self._keys.popitem(last=False)

    def succeeded(self, key: str) -> None:
        self._keys.pop(key, None)

    def _current(self, key: str) -> "_Failures | None":
        failures = self._keys.get(key)
        if failures and self._clock() - failures.last > self._forget_after:
            del self._keys[key]
            return None
        return failures


def address_key(address: str) -> str:
    """The client an address stands for: an IPv6 host gets a whole /64 from its provider,
    so counting per /128 would give it 2^64 fresh starts."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


class LoginThrottle:
    """Both limits of the agents' log-in: a name is tried from many addresses (botnets),
    an address tries many names (spraying one common password)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.by_address = Throttle(free=20, clock=clock)
        self.by_name = Throttle(free=5, clock=clock)

    def retry_after(self, address: str, name: str) -> float:
        return max(
            self.by_address.retry_after(address_key(address)), self.by_name.retry_after(name)
        )

    def failed(self, address: str, name: str) -> None:
        self.by_address.failed(address_key(address))
        self.by_name.failed(name)

    def succeeded(self, address: str, name: str) -> None:
        self.by_address.succeeded(address_key(address))
        self.by_name.succeeded(name)
