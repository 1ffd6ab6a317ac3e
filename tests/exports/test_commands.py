import csv
import io
import re

import pytest
from django.core.management import CommandError, call_command

from exports.models import ExportRun
from tests.exports.factories import at, order, payment

pytestmark = pytest.mark.django_db

COMMANDS = [
    "export_orders",
    "export_order_lines",
    "export_invoices",
    "export_payments",
    "export_refunds",
    "export_stock_movements",
    "export_returns",
]


def _run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.parametrize("command", COMMANDS)
def test_every_export_command_writes_its_header_even_when_empty(command):
    out, err = _run(command)

    assert out.splitlines()[0].count(",") >= 5
    assert "Próximo cursor: " in err


def test_export_to_standard_output_then_incremental_from_the_printed_cursor():
    order(number="300001", placed=at(1))
    out, err = _run("export_orders")
    assert [row["number"] for row in csv.DictReader(io.StringIO(out))] == ["300001"]
    cursor = err.strip().splitlines()[-1].removeprefix("Próximo cursor: ")

    order(number="300002", placed=at(2))
    out, _err = _run("export_orders", "--cursor", cursor)

    assert [row["number"] for row in csv.DictReader(io.StringIO(out))] == ["300002"]
    assert ExportRun.objects.filter(dataset="orders", requested_by="job:export_command").count() == 2


def test_export_to_a_file_in_json_lines(tmp_path):
    placed = order(number="300011", placed=at(1))
    payment(order=placed, at_=at(1, 11))
    target = tmp_path / "payments.jsonl"

    out, _err = _run("export_payments", "--format", "jsonl", "--output", str(target))

    assert '"order_number":"300011"' in target.read_text()
    assert out.startswith("Próximo cursor: ")


def test_dry_run_counts_and_writes_nothing(tmp_path):
    for number in ("300021", "300022"):
        order(number=number, placed=at(3))
    target = tmp_path / "orders.csv"

    out, _err = _run(
        "export_orders", "--from", "2026-03-03", "--to", "2026-03-03", "--dry-run", "--output", str(target)
    )

    assert "2 linhas a exportar." in out
    assert not target.exists()
    assert not ExportRun.objects.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "03/03/2026"], "Não é uma data: 03/03/2026 (escreva como AAAA-MM-DD)."),
        (["--from", "2026-03-05", "--to", "2026-03-01"], "A data inicial não pode ser depois da data final."),
        (["--cursor", "garbage"], "Este cursor não é desta exportação."),
    ],
)
def test_bad_input_stops_with_a_clear_error_and_no_output(tmp_path, args, message):
    target = tmp_path / "orders.csv"

    with pytest.raises(CommandError, match=re.escape(message)):
        _run("export_orders", "--output", str(target), *args)

    assert not target.exists()
    assert not ExportRun.objects.exists()
