"""Where outside services post to the support desk (inbound email, WhatsApp): signed
notices that go through the store's inbox."""

app_name = "support-webhooks"

urlpatterns: list = []
