"""Review moderation: what customers wrote about products, to publish or reject with a reason."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.actor import Actor
from core.exceptions import DomainError
from storefront.reviews.forms import ReviewModerationForm
from storefront.reviews.models import Review
from storefront.reviews.selectors import review_count_pending, review_list_for_moderation
from storefront.reviews.services import review_approve, review_reject

PAGE_SIZE = 20
# Query budget, asserted in tests/reviews/test_moderation_views.py: session, user, two-factor,
# permissions (2), the pending count, the page's count and reviews with product, author and
# order, (navigation).
REVIEW_QUEUE_QUERIES = 9


def _status(value: str) -> str:
    return value if value in Review.Status.values else Review.Status.PENDING


def review_queue_view(request: HttpRequest) -> HttpResponse:
    status = _status(request.GET.get("status", ""))
    page = Paginator(review_list_for_moderation(status=status), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "backoffice/reviews/review_queue.html",
        {
            "status": status,
            "statuses": Review.Status.choices,
            "pending_count": review_count_pending(),
            "page_obj": page,
            "reviews": page.object_list,
        },
    )


@require_POST
def review_moderate_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Publish or reject one review; a rejection needs the reason its author will read."""
    form = ReviewModerationForm(request.POST)
    back = f"{reverse('backoffice:review-queue')}?status={_status(request.POST.get('back', ''))}"
    if not form.is_valid():
        messages.error(request, " ".join(error for errors in form.errors.values() for error in errors))
        return redirect(back)
    actor = Actor.staff(request.user)
    try:
        if form.cleaned_data["decision"] == ReviewModerationForm.Decision.APPROVE:
            review = review_approve(review_id=pk, actor=actor)
            notice = _("The review “%(title)s” is published.")
        else:
            review = review_reject(review_id=pk, actor=actor, reason=form.cleaned_data["reason"])
            notice = _("The review “%(title)s” is rejected.")
    except Review.DoesNotExist as error:
        raise Http404("No such review.") from error
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, notice % {"title": review.title})
    return redirect(back)
