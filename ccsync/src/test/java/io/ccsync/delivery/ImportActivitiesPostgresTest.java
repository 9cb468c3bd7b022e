package io.ccsync.delivery;

import io.ccsync.store.DatabaseConfiguration;
import io.ccsync.testing.Postgres;
import javax.sql.DataSource;

/** {@link ImportActivitiesTest} on PostgreSQL, the database the nodes of a cluster share. */
class ImportActivitiesPostgresTest extends ImportActivitiesTest {
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
