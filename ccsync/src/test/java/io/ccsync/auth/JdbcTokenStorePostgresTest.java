package io.ccsync.auth;

import io.ccsync.testing.Postgres;

/** The jdbc token store on a real PostgreSQL server, as a cluster of ccsync nodes runs it. */
class JdbcTokenStorePostgresTest extends JdbcTokenStoreContract {
    @Override
    String url() {
        return Postgres.url();
    }
}
