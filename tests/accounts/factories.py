import factory
from factory.django import DjangoModelFactory

from storefront.accounts.models import User

TEST_PASSWORD = "senha-forte-2026"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"cliente{n}@example.com.br")
    full_name = factory.Faker("name", locale="pt_BR")
    language = "pt-br"
    password = factory.django.Password(TEST_PASSWORD)
