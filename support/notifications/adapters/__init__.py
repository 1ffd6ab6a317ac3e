"""Outside services that carry messages to customers, behind small interfaces."""
