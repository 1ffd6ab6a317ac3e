from exports.management.export_command import ExportCommand


class Command(ExportCommand):
    dataset_name = "order_lines"
