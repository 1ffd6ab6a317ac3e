from core.locks import for_update
from storefront.promotions.models import Voucher


def lock_voucher(voucher_id: int) -> Voucher:
    return for_update(Voucher.objects.filter(pk=voucher_id)).get()
