from collections.abc import Iterable, Iterator
from typing import TypeVar

from django.utils.translation import gettext
from tqdm import tqdm

T = TypeVar("T")


def progress(items: Iterable[T], *, total: int | None = None, label: str, stream=None) -> Iterator[T]:
    """Wrap a long loop of a management command in a progress bar (on stderr by default).

    Quiet when the stream is not a terminal and no total is known, so logs stay readable.
    """
    return iter(
        tqdm(
            items,
            total=total,
            desc=label,
            file=stream,
            unit=" " + gettext("rows"),
            dynamic_ncols=True,
            mininterval=0.5,
        )
    )
