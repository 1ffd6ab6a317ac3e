"""Pix "copia e cola" codes: the EMV BR Code payload the Central Bank specifies, with its
CRC16-CCITT checksum, as any Brazilian banking app reads it."""

from decimal import Decimal


def _field(tag: str, value: str) -> str:
    return f"{tag}{len(value):02d}{value}"


def crc16_ccitt(payload: str) -> str:
    """CRC16-CCITT (polynomial 0x1021, initial 0xFFFF), four upper-case hex digits."""
    crc = 0xFFFF
    for byte in payload.encode():
        crc ^= byte << 8
        for _bit in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
            crc &= 0xFFFF
    return f"{crc:04X}"


def pix_payload(*, key: str, amount: Decimal, merchant_name: str, merchant_city: str, txid: str) -> str:
    """A dynamic-amount Pix code for one charge, identified by `txid` (up to 25 letters/digits)."""
    account = _field("00", "br.gov.bcb.pix") + _field("01", key)
    payload = (
        _field("00", "01")  # payload format
        + _field("01", "12")  # point of initiation: used once
        + _field("26", account)
        + _field("52", "0000")  # merchant category
        + _field("53", "986")  # currency: BRL
        + _field("54", f"{amount:.2f}")
        + _field("58", "BR")
        + _field("59", merchant_name[:25])
        + _field("60", merchant_city[:15])
        + _field("62", _field("05", txid[:25]))
        + "6304"
    )
    return payload + crc16_ccitt(payload)


def is_valid_pix_payload(payload: str) -> bool:
    return len(payload) > 8 and payload[-8:-4] == "6304" and crc16_ccitt(payload[:-4]) == payload[-4:]
