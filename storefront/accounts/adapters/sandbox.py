"""A CEP directory for development and tests, read from the tables shipped with the store.

`data/ceps.csv` lists a few hundred CEPs of every state with their street (the demo's and
the journeys' CEPs among them); `data/cep_ranges.csv` gives the ranges of the capitals and
larger towns. Any other CEP of a state is answered with the town of the nearest listed CEP
of that state, without street and district, so at least the city and state fill in. A CEP
that belongs to no state is not found, and UNAVAILABLE_CEP plays an outage.
"""

import bisect
import csv
from functools import cache
from pathlib import Path

from core.cep import normalize_cep, state_for_cep
from storefront.accounts.adapters.base import AddressLookupUnavailable, CepNotFound, FoundAddress

DATA = Path(__file__).resolve().parent.parent / "data"
UNAVAILABLE_CEP = "99999999"  # the sandbox answers this one as a service that is down


@cache
def _streets() -> dict[str, FoundAddress]:
    with (DATA / "ceps.csv").open(encoding="utf-8", newline="") as rows:
        return {row["cep"]: FoundAddress(**row) for row in csv.DictReader(rows)}


@cache
def _ranges() -> list[tuple[str, str, str, str]]:
    with (DATA / "cep_ranges.csv").open(encoding="utf-8", newline="") as rows:
        return sorted((row["first"], row["last"], row["city"], row["state"]) for row in csv.DictReader(rows))


@cache
def _by_state() -> dict[str, list[FoundAddress]]:
    states: dict[str, list[FoundAddress]] = {}
    for address in sorted(_streets().values(), key=lambda found: found.cep):
        states.setdefault(address.state, []).append(address)
    return states


def _nearest_town(cep: str, state: str) -> FoundAddress:
    listed = _by_state()[state]
    position = bisect.bisect_left([address.cep for address in listed], cep)
    neighbours = listed[max(position - 1, 0) : position + 1]
    nearest = min(neighbours, key=lambda address: abs(int(address.cep) - int(cep)))
    return FoundAddress(cep=cep, street="", district="", city=nearest.city, state=state)


class SandboxAddressLookup:
    name = "sandbox"

    def lookup(self, *, cep: str) -> FoundAddress:
        cep = normalize_cep(cep)
        if cep == UNAVAILABLE_CEP:
            raise AddressLookupUnavailable()
        state = state_for_cep(cep)
        if state is None:
            raise CepNotFound()
        if cep in _streets():
            return _streets()[cep]
        for first, last, city, range_state in _ranges():
            if first <= cep <= last:
                return FoundAddress(cep=cep, street="", district="", city=city, state=range_state)
        return _nearest_town(cep, state)
