package io.ccsync.delivery;

import io.ccsync.store.DatabaseConfiguration;
import io.ccsync.testing.Postgres;
import javax.sql.DataSource;

/** {@link DeltaStoreTest} on PostgreSQL, the database the nodes of a cluster share (its own upsert). */
class DeltaStorePostgresTest extends DeltaStoreTest {
    @Override
    DataSource database() {
        DataSource db = Postgres.database(Postgres.newDatabase());
        try {
            DatabaseConfiguration.applySchema(db);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return db;
    }
}
