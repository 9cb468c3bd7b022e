package io.ccsync.delivery;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ccsync.contract.DeliveryReport;
import io.ccsync.contract.SourceRecord;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * The dead letter in {@code delivery_dead_letter}: each record that could not be delivered, kept with the source
 * record itself (so it can be sent again through the same routes), the reason and the attempts.
 */
public final class DeadLetters {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_REASON = 4000;

    private final Supplier<DataSource> db;
    private final Clock clock;

    public DeadLetters(Supplier<DataSource> db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    /** One dead-lettered record as stored. */
    public record Letter(long id, SourceRecord record, boolean signUp, String reason, int attempts, Instant failedAt) {
    }

    /**
     * Keeps the chunk's dead-lettered records, after settling it (a record still pending is dead-lettered first), so
     * that every record the report calls dead-lettered is in the table. Should the write fail, the chunk fails: no
     * report, and a source moves no watermark past records that are in neither Constant Contact nor the table.
     */
    public Chunk keep(Chunk chunk) throws SQLException {
        chunk.settle();
        List<Item> dead = chunk.items().stream().filter(i -> i.outcome() == Item.Outcome.DEAD_LETTERED).toList();
        if (dead.isEmpty()) {
            return chunk;
        }
        try (Connection c = db.get().getConnection(); PreparedStatement st = c.prepareStatement(
                "INSERT INTO delivery_dead_letter (origin, email, record, sign_up, reason, attempts, failed_at) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            Timestamp now = Timestamp.from(clock.instant());
            for (Item item : dead) {
                st.setString(1, item.source().origin());
                st.setString(2, item.email());
                st.setString(3, json(item.source()));
                st.setBoolean(4, item.signUp());
                String reason = item.reason() == null ? "unknown" : item.reason();
                st.setString(5, reason.length() > MAX_REASON ? reason.substring(0, MAX_REASON) : reason);
                st.setInt(6, item.attempts());
                st.setTimestamp(7, now);
                st.addBatch();
            }
            st.executeBatch();
        }
        return chunk;
    }

    /** Every letter, oldest first. */
    public List<Letter> list() throws SQLException {
        List<Letter> letters = new ArrayList<>();
        try (Connection c = db.get().getConnection(); PreparedStatement st = c.prepareStatement(
                "SELECT id, record, sign_up, reason, attempts, failed_at FROM delivery_dead_letter ORDER BY id")) {
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    letters.add(new Letter(rs.getLong(1), record(rs.getString(2)), rs.getBoolean(3), rs.getString(4),
                            rs.getInt(5), rs.getTimestamp(6).toInstant()));
                }
            }
        }
        return letters;
    }

    /**
     * Sends the letters present now through {@code direct:contacts} again (as replayed: a sign-up among them is
     * never sent through {@code sign_up_form} to a contact that is unsubscribed now), {@code chunkSize} at a time, and removes
     * each once its chunk has a report (a record that fails again is kept as a new letter, not replayed twice).
     */
    public DeliveryReport replay(org.apache.camel.ProducerTemplate template, int chunkSize) throws SQLException {
        DeliveryReport total = new DeliveryReport();
        for (boolean signUp : List.of(false, true)) {
            List<Letter> letters = list().stream().filter(l -> l.signUp() == signUp).toList();
            for (int from = 0; from < letters.size(); from += chunkSize) {
                List<Letter> part = letters.subList(from, Math.min(letters.size(), from + chunkSize));
                // marked as replayed: an old sign-up reads its contact's consent before any sign_up_form
                DeliveryReport report = template.requestBodyAndHeaders("direct:contacts",
                        part.stream().map(Letter::record).toList(), Map.of(DeliveryIntake.SIGN_UP,
                                Boolean.toString(signUp), DeliveryIntake.REPLAY, "true"), DeliveryReport.class);
                remove(part);
                total.merge(report);
            }
        }
        return total;
    }

    /** Removes letters that were sent again (a record that failed again was kept as a new letter). */
    public void remove(List<Letter> letters) throws SQLException {
        try (Connection c = db.get().getConnection();
             PreparedStatement st = c.prepareStatement("DELETE FROM delivery_dead_letter WHERE id = ?")) {
            for (Letter letter : letters) {
                st.setLong(1, letter.id());
                st.addBatch();
            }
            st.executeBatch();
        }
    }

    private static String json(SourceRecord record) {
        Map<String, Object> node = new LinkedHashMap<>();
        node.put("source", record.source());
        node.put("position", record.position());
        node.put("fields", new java.util.TreeMap<>(record.fields()));
        try {
            return JSON.writeValueAsString(node);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static SourceRecord record(String json) {
        try {
            Map<String, Object> node = JSON.readValue(json, new TypeReference<>() { });
            @SuppressWarnings("unchecked")
            Map<String, String> fields = (Map<String, String>) node.get("fields");
            return new SourceRecord((String) node.get("source"), (String) node.get("position"), fields);
        } catch (IOException e) {
            throw new IllegalStateException("a dead letter row is not readable JSON: " + e.getMessage(), e);
        }
    }
}
