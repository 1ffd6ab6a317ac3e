"""Where queries go when a read replica is configured (DATABASE_REPLICA_URL): reads made inside
`core.replica.replica_reads()` to the replica while it is usable, everything else to the
primary. Registered in settings only together with the replica."""

from django.db import DEFAULT_DB_ALIAS, connections

from core.replica import REPLICA, is_reading_from_replica, replica_usable


class ReplicaRouter:
    def db_for_read(self, model, **hints) -> str:
        if not is_reading_from_replica():
            return DEFAULT_DB_ALIAS
        # Inside a transaction on the primary a read must see the transaction's own writes.
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS
        return REPLICA if replica_usable() else DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints) -> bool | None:
        # Both hold the same rows: an object read from the replica may point at one from the primary.
        databases = {DEFAULT_DB_ALIAS, REPLICA}
        if obj1._state.db in databases and obj2._state.db in databases:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool:
        # The replica copies the primary's schema; it cannot be migrated itself.
        return db == DEFAULT_DB_ALIAS
