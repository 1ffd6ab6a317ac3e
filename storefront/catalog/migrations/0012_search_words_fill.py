"""Fill the search vocabulary from the catalog there is: product names, brands and categories."""

from django.db import migrations

from storefront.catalog.text import search_words


def words_fill(apps, schema_editor):
    Product = apps.get_model("catalog", "Product")
    Brand = apps.get_model("catalog", "Brand")
    Category = apps.get_model("catalog", "Category")
    SearchWord = apps.get_model("catalog", "SearchWord")
    words: set[str] = set()
    for name in Product.objects.filter(is_published=True).values_list("name", flat=True).iterator():
        words |= search_words(name)
    for model in (Brand, Category):
        for name in model.objects.values_list("name", flat=True):
            words |= search_words(name)
    SearchWord.objects.bulk_create(
        [SearchWord(word=word) for word in sorted(words)], batch_size=1000, ignore_conflicts=True
    )


class Migration(migrations.Migration):
    dependencies = [("catalog", "0011_search_word_trigram_index")]

    operations = [migrations.RunPython(words_fill, migrations.RunPython.noop)]
