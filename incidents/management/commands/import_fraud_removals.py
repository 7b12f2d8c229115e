from incidents.choices import ImportKind

from ._import_base import ImportCommand


class Command(ImportCommand):
    help = "Import DigiD accounts removed for identity fraud from a CSV or XLSX file: all rows or none."
    kind = ImportKind.FRAUD_REMOVALS
