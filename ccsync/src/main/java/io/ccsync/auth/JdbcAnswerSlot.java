package io.ccsync.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.function.UnaryOperator;

/**
 * The jdbc store's slot: a pooled connection taken and the row's UPDATE prepared before the request (fenced by the
 * lease when the refresh holds one), the driver's send and receive path and the cipher run once on a dummy value.
 * Keeping the answer is that UPDATE in autocommit: durable when the database has committed it.
 */
final class JdbcAnswerSlot implements AnswerSlot {
    private final Connection connection;
    private final PreparedStatement update;
    private final PreparedStatement rehearsal;
    private final UnaryOperator<String> seal;
    private final String where;

    /**
     * @param updateSql the UPDATE whose first parameter is the sealed answer; {@code bind} sets the others
     * @param seal      the store's cipher for the {@code incoming} column
     */
    JdbcAnswerSlot(Connection connection, String updateSql, SqlBinder bind, UnaryOperator<String> seal, String where)
            throws SQLException {
        this.connection = connection;
        this.seal = seal;
        this.where = where;
        try {
            connection.setAutoCommit(true);
            this.update = connection.prepareStatement(updateSql);
            bind.bind(update);
            this.rehearsal = connection.prepareStatement("SELECT length(?)");
        } catch (SQLException e) {
            connection.close();
            throw e;
        }
    }

    @FunctionalInterface
    interface SqlBinder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    @Override
    public long keep(byte[] answer) throws IOException {
        try {
            update.setString(1, seal.apply(new String(answer, StandardCharsets.UTF_8)));
            if (update.executeUpdate() != 1) {
                throw new IOException("the token row of " + where + " was not updated (taken over or deleted)");
            }
            return System.nanoTime(); // committed
        } catch (SQLException e) {
            throw new IOException("cannot keep the token answer in " + where + " (SQLState " + e.getSQLState() + ")");
        }
    }

    @Override
    public void rehearse(byte[] dummy) throws IOException {
        try {
            rehearsal.setString(1, seal.apply(new String(dummy, StandardCharsets.UTF_8)));
            try (ResultSet rs = rehearsal.executeQuery()) {
                rs.next();
            }
        } catch (SQLException e) {
            throw new IOException("cannot reach " + where + " (SQLState " + e.getSQLState() + ")");
        }
    }

    @Override
    public String describe() {
        return where;
    }

    @Override
    public void close() {
        try {
            connection.close(); // back to the pool; its statements close with it
        } catch (SQLException ignored) {
            // the pool replaces a broken connection
        }
    }
}
