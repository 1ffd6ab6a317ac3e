"""The widths every new page is walked at, and its screenshots, kept after the run for a
person to look at."""

import contextlib
import tempfile
from pathlib import Path

from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
FITS = "document.documentElement.scrollWidth <= window.innerWidth"
# The outermost elements that reach past the right edge, to name in a failure.
OVERFLOWING = """() => {
  const pastTheEdge = (element) => element.getBoundingClientRect().right > window.innerWidth + 0.5;
  // Past the edge inside a fixed layer or a scrolling strip is not past the page's edge.
  const heldInside = (element) => {
    for (let node = element; node; node = node.parentElement) {
      const style = getComputedStyle(node);
      if (style.position === "fixed") return true;
      if (node !== element && style.overflowX !== "visible") return true;
    }
    return false;
  };
  return [...document.querySelectorAll("body *")]
  .filter((element) => pastTheEdge(element) && !heldInside(element))
  .filter((element) => !pastTheEdge(element.parentElement))
  .slice(0, 5)
  .map((element) => {
    const name = `${element.tagName.toLowerCase()}.${[...element.classList].join(".")}`;
    return `${name} ${Math.round(element.getBoundingClientRect().right)}px`;
  });
}"""
SHOTS = Path(tempfile.gettempdir()) / "shots"


def shoot(page, name: str) -> None:
    """The page at its current width, which it must fit without sideways scrolling."""
    # A resize settles a frame or two later (charts redraw on a ResizeObserver): wait for the fit.
    with contextlib.suppress(PlaywrightTimeoutError):
        page.wait_for_function(FITS, timeout=3_000)
    assert page.evaluate(FITS), (
        f"{name} scrolls sideways at {page.viewport_size['width']} px: {page.evaluate(OVERFLOWING)}"
    )
    SHOTS.mkdir(parents=True, exist_ok=True)
    # Hiding the caret would inject an inline style, which the store's Content-Security-Policy refuses.
    page.screenshot(path=SHOTS / f"{name}.png", full_page=True, caret="initial")


def shoot_widths(page, name: str) -> None:
    """The page at a phone's width and a laptop's, each fitting it."""
    for viewport in (PHONE, DESKTOP):
        page.set_viewport_size(viewport)
        shoot(page, f"{name}-{viewport['width']}")
