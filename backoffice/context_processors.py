from django.http import HttpRequest

from backoffice.areas import area_menus_for_user


def staff_areas(request: HttpRequest) -> dict:
    # Called by the template only when a back-office page draws its menu.
    return {"staff_menus": lambda: area_menus_for_user(request.user)}
