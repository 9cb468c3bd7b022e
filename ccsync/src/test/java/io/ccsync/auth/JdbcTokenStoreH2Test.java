package io.ccsync.auth;

import java.util.UUID;

/** The jdbc token store on H2 (an in-memory database per class; every pool of the class shares it). */
class JdbcTokenStoreH2Test extends JdbcTokenStoreContract {
    private static final String URL = "jdbc:h2:mem:tokens-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";

    @Override
    String url() {
        return URL;
    }
}
