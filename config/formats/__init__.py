"""Date and number formats where Django's own do not suit the store (FORMAT_MODULE_PATH)."""
