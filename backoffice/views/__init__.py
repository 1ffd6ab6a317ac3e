"""Back-office screens, one module per area."""
