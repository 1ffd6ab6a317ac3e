"""ViaCEP (viacep.com.br), the free public CEP directory, over its JSON API.

`GET https://viacep.com.br/ws/01310100/json/` answers `{"cep": "01310-100", "logradouro":
"Avenida Paulista", "bairro": "Bela Vista", "localidade": "São Paulo", "uf": "SP", ...}`,
or `{"erro": true}` for a CEP it does not know. Every call has a short timeout: a checkout
never waits on it for long.
"""

import httpx
from django.conf import settings

from core.cep import normalize_cep
from storefront.accounts.adapters.base import AddressLookupUnavailable, CepNotFound, FoundAddress


class ViaCepAddressLookup:
    name = "viacep"

    def __init__(self, *, transport: httpx.BaseTransport | None = None):
        self._transport = transport  # tests hand in a mocked transport; never the internet

    def lookup(self, *, cep: str) -> FoundAddress:
        cep = normalize_cep(cep)
        url = settings.STORE_VIACEP_URL.format(cep=cep)
        timeout = httpx.Timeout(settings.STORE_ADDRESS_LOOKUP_TIMEOUT_SECONDS)
        try:
            with httpx.Client(transport=self._transport, timeout=timeout) as client:
                response = client.get(url, headers={"Accept": "application/json"})
        except httpx.HTTPError as error:
            raise AddressLookupUnavailable() from error
        if response.status_code == httpx.codes.BAD_REQUEST:  # a CEP it cannot read as one
            raise CepNotFound()
        if response.status_code != httpx.codes.OK:
            raise AddressLookupUnavailable()
        try:
            payload = response.json()
        except ValueError as error:
            raise AddressLookupUnavailable() from error
        if not isinstance(payload, dict):
            raise AddressLookupUnavailable()
        if payload.get("erro") in (True, "true"):
            raise CepNotFound()
        state, city = str(payload.get("uf", "")).strip().upper(), str(payload.get("localidade", "")).strip()
        if not (state and city):
            raise AddressLookupUnavailable()
        return FoundAddress(
            cep=cep,
            street=str(payload.get("logradouro", "")).strip(),
            district=str(payload.get("bairro", "")).strip(),
            city=city,
            state=state,
        )
