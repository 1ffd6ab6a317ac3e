from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, transaction

from core.sequences import sequence_next

pytestmark = pytest.mark.django_db


def test_numbers_follow_one_another_from_the_start():
    with transaction.atomic():
        assert [sequence_next("pedidos", start=100001) for _ in range(3)] == [100001, 100002, 100003]


def test_a_rolled_back_number_is_handed_out_again():
    with transaction.atomic():
        first = sequence_next("notas")
    try:
        with transaction.atomic():
            sequence_next("notas")
            raise RuntimeError("invoice failed")
    except RuntimeError:
        pass
    with transaction.atomic():
        assert sequence_next("notas") == first + 1


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_is_a_programming_error():
    with pytest.raises(RuntimeError):
        sequence_next("pedidos")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_callers_get_distinct_numbers_without_gaps():
    def take(_index: int) -> int:
        try:
            with transaction.atomic():
                return sequence_next("concorrencia")
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=8) as pool:
        numbers = sorted(pool.map(take, range(40)))
    assert numbers == list(range(1, 41))
