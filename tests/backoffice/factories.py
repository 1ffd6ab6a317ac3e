from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice


def totp_device(user, *, confirmed: bool = True) -> TOTPDevice:
    """An authenticator app set up for `user`."""
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=confirmed)


def totp_code(device: TOTPDevice) -> str:
    """The code the authenticator app shows now."""
    device.refresh_from_db()
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift)
    return f"{code:0{device.digits}d}"
