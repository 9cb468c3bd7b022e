package io.ccsync.source;

import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.apache.camel.component.sql.RowMapperFactory;
import org.springframework.jdbc.core.ColumnMapRowMapper;
import org.springframework.jdbc.core.RowMapper;

/**
 * Reads the CRM poll's rows (bean {@code crmRowMapper}, the sql endpoint's {@code rowMapperFactory}) with times that
 * do not depend on the JVM's time zone. The default mapping reads a timestamp as {@link java.sql.Timestamp}, which is
 * built in the JVM's zone: a time in a daylight-saving gap (02:30 on the spring-forward night) comes back an hour
 * later, and the watermark with it, so the rows of that hour were skipped. Here a {@code TIMESTAMP} column is read as
 * the {@link LocalDateTime} written in it, and a {@code TIMESTAMP WITH TIME ZONE} ({@code timestamptz}) column as its
 * instant in UTC.
 */
public final class CrmRowMapper implements RowMapperFactory {
    private static final RowMapper<?> COLUMNS = new ColumnMapRowMapper() {
        @Override
        protected Object getColumnValue(ResultSet rs, int index) throws SQLException {
            ResultSetMetaData md = rs.getMetaData();
            if (instant(md, index)) {
                OffsetDateTime at = rs.getObject(index, OffsetDateTime.class);
                return at == null ? null : at.withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime();
            }
            if (md.getColumnType(index) == Types.TIMESTAMP) {
                return rs.getObject(index, LocalDateTime.class);
            }
            return super.getColumnValue(rs, index);
        }
    };

    /** Whether column {@code index} holds instants (with a time zone) rather than wall-clock times. */
    static boolean instant(ResultSetMetaData md, int index) throws SQLException {
        return md.getColumnType(index) == Types.TIMESTAMP_WITH_TIMEZONE
                || "timestamptz".equalsIgnoreCase(md.getColumnTypeName(index)); // PostgreSQL's driver says TIMESTAMP
    }

    @Override
    public RowMapper<?> newColumnRowMapper() {
        return COLUMNS;
    }

    @Override
    public RowMapper<?> newBeanRowMapper(Class<?> type) {
        throw new UnsupportedOperationException("the CRM poll reads rows as columns (outputType SelectList)");
    }
}
