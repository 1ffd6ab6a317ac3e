from django.conf import settings
from django.http import HttpRequest

from core.cpf import only_digits


def store(request: HttpRequest) -> dict:
    return {
        "store_name": settings.SITE_NAME,
        "store_max_installments": settings.STORE_MAX_INSTALLMENTS,
        "store_company": {
            "legal_name": settings.STORE_COMPANY_NAME,
            "cnpj": settings.STORE_COMPANY_CNPJ,
            "address": settings.STORE_COMPANY_ADDRESS,
            "email": settings.STORE_CONTACT_EMAIL,
            "phone": settings.STORE_CONTACT_PHONE,
            "phone_link": f"+55{only_digits(settings.STORE_CONTACT_PHONE)}",
            "whatsapp": settings.STORE_CONTACT_WHATSAPP,
            "whatsapp_link": f"55{only_digits(settings.STORE_CONTACT_WHATSAPP)}",
        },
    }
