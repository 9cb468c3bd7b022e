package io.ccsync.lifecycle;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.sql.SqlConstants;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Applies opt-outs to the CRM with {@code ccsync.crm.optout-sql} through camel-sql (batch mode, one execution per
 * opt-out), a page of them in one CRM transaction: all of a page is applied or none. camel-sql runs on Spring's
 * JdbcTemplate, which joins the transaction this class opens on the same {@code crmDb} pool and thread.
 */
public final class CrmOptOuts {
    /** The three parameters, written {@code :email} as in any SQL tool; camel-sql spells named ones {@code :#email}. */
    private static final Pattern PARAMETER = Pattern.compile("(?<![:\\w]):(email|optedOutAt|reason)\\b");
    static final String ENDPOINT = "sql:ccsync-optout-sql?dataSource=#crmDb&batch=true";

    private final ProducerTemplate template;
    private final TransactionTemplate transaction;
    private final String statement;

    public CrmOptOuts(CamelContext context, DataSource crmDb, String optOutSql) {
        this.template = context.createProducerTemplate();
        this.transaction = new TransactionTemplate(new DataSourceTransactionManager(crmDb));
        this.statement = camelSql(optOutSql);
    }

    static String camelSql(String sql) {
        return PARAMETER.matcher(sql.trim()).replaceAll(":#$1");
    }

    /**
     * One transaction: a failure rolls the whole page back and is thrown. Sent as a copy of the poll's exchange, so
     * the sql endpoint's metrics name the route (optouts-poll) like every other endpoint's.
     */
    public void apply(Exchange poll, List<OptOut> page) {
        List<Map<String, Object>> rows = new ArrayList<>(page.size());
        for (OptOut o : page) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("email", o.email());
            row.put("optedOutAt", OptOuts.timestamp(o.optedOutAt()));
            row.put("reason", o.reason());
            rows.add(row);
        }
        transaction.executeWithoutResult(status -> {
            Exchange call = poll.copy();
            call.getIn().removeHeaders("*");
            call.getIn().setHeader(SqlConstants.SQL_QUERY, statement);
            call.getIn().setBody(rows);
            Exchange done = template.send(ENDPOINT, call);
            if (done.getException() != null) {
                throw new CrmOptOutException(page.size(), done.getException());
            }
        });
    }
}
