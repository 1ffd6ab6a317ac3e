#!/usr/bin/env python
import os
import sys

MISSING_SETTING = "Missing required setting"
LOCAL_USE_HINT = "for local use, set DJANGO_DEBUG=true"


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(sys.argv)
    except SystemExit as stop:
        # The settings stop with one line naming what production needs; someone trying the
        # store on their own machine needs debug mode instead, so say that on the same line.
        if isinstance(stop.code, str) and stop.code.startswith(MISSING_SETTING):
            sys.exit(f"{stop.code.rstrip('.')} ({LOCAL_USE_HINT}).")
        raise


if __name__ == "__main__":
    main()
