package dev.bbm.bench.springbatch;

import java.util.Map;
import javax.sql.DataSource;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.item.ItemStreamReader;
import org.springframework.batch.infrastructure.item.database.JdbcBatchItemWriter;
import org.springframework.batch.infrastructure.item.database.JdbcPagingItemReader;
import org.springframework.batch.infrastructure.item.database.Order;
import org.springframework.batch.infrastructure.item.database.builder.JdbcBatchItemWriterBuilder;
import org.springframework.batch.infrastructure.item.database.builder.JdbcPagingItemReaderBuilder;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * The two ways a Spring Batch user copies column {@code a} into {@code b} of a table
 * {@code (id bigserial primary key, a int, b bigint)}, one commit per chunk.
 */
public final class CopyJobs {

    /** One row as the chunk-oriented job reads it. */
    public record Row(long id, int a) {}

    /** A key range {@code [from, to]} of existing ids: the keyset loop's sub-batch. */
    public record KeyRange(long from, long to) {}

    private final JobRepository jobRepository;
    private final DataSource dataSource;
    private final PlatformTransactionManager transactionManager;

    public CopyJobs(JobRepository jobRepository, DataSource dataSource, PlatformTransactionManager transactionManager) {
        this.jobRepository = jobRepository;
        this.dataSource = dataSource;
        this.transactionManager = transactionManager;
    }

    /**
     * (e) The textbook chunk-oriented step: a {@link JdbcPagingItemReader} pages through {@code id, a}
     * by the sort key {@code id} (keyset paging: {@code WHERE id > ? ORDER BY id LIMIT n}), and a
     * {@link JdbcBatchItemWriter} sends one {@code UPDATE … WHERE id = :id} per row as a JDBC batch;
     * page size and commit interval are both {@code chunkSize}.
     */
    public Job chunkJob(String table, int chunkSize) throws Exception {
        JdbcPagingItemReader<Row> reader = new JdbcPagingItemReaderBuilder<Row>()
                .name("rows")
                .dataSource(dataSource)
                .selectClause("id, a")
                .fromClause(table)
                .sortKeys(Map.of("id", Order.ASCENDING))
                .pageSize(chunkSize)
                .rowMapper((rs, i) -> new Row(rs.getLong("id"), rs.getInt("a")))
                .build();
        JdbcBatchItemWriter<Row> writer = new JdbcBatchItemWriterBuilder<Row>()
                .dataSource(dataSource)
                .sql("UPDATE " + table + " SET b = :a WHERE id = :id")
                .itemSqlParameterSourceProvider(row -> new MapSqlParameterSource()
                        .addValue("id", row.id())
                        .addValue("a", row.a()))
                .build();
        Step step = new StepBuilder("copy", jobRepository)
                .<Row, Row>chunk(chunkSize)
                .transactionManager(transactionManager)
                .reader(reader)
                .writer(writer)
                .build();
        return new JobBuilder("copy-chunk", jobRepository).start(step).build();
    }

    /**
     * (f) Items are key ranges, cut as bbm and the hand-written loop cut their sub-batches (the next
     * {@code rangeSize} existing ids), each written with one {@code UPDATE … WHERE id BETWEEN ? AND ?};
     * a chunk is one range, so one commit per range.
     */
    public Job keyRangeJob(String table, int rangeSize) {
        JdbcBatchItemWriter<KeyRange> writer = new JdbcBatchItemWriterBuilder<KeyRange>()
                .dataSource(dataSource)
                .sql("UPDATE " + table + " SET b = a WHERE id BETWEEN ? AND ?")
                .itemPreparedStatementSetter((range, ps) -> {
                    ps.setLong(1, range.from());
                    ps.setLong(2, range.to());
                })
                .build();
        Step step = new StepBuilder("copy", jobRepository)
                .<KeyRange, KeyRange>chunk(1)
                .transactionManager(transactionManager)
                .reader(new KeyRangeReader(new JdbcTemplate(dataSource), table, rangeSize))
                .writer(writer)
                .build();
        return new JobBuilder("copy-key-ranges", jobRepository).start(step).build();
    }

    /**
     * The ranges of the next {@code rangeSize} existing ids, one after another; restartable: the
     * next id to start from is kept in the step's execution context.
     */
    static final class KeyRangeReader implements ItemStreamReader<KeyRange> {
        private static final String NEXT = "next";
        private final JdbcTemplate jdbc;
        private final String cut;
        private final int rangeSize;
        private long next = Long.MIN_VALUE;

        KeyRangeReader(JdbcTemplate jdbc, String table, int rangeSize) {
            this.jdbc = jdbc;
            this.rangeSize = rangeSize;
            this.cut = "SELECT min(id), max(id) FROM (SELECT id FROM " + table
                    + " WHERE id >= ? ORDER BY id LIMIT ?) k";
        }

        @Override
        public void open(ExecutionContext context) {
            if (context.containsKey(NEXT)) {
                next = context.getLong(NEXT);
            }
        }

        @Override
        public void update(ExecutionContext context) {
            context.putLong(NEXT, next);
        }

        @Override
        public KeyRange read() {
            KeyRange range = jdbc.queryForObject(cut, (rs, i) -> {
                long to = rs.getLong(2);
                return rs.wasNull() ? null : new KeyRange(rs.getLong(1), to);
            }, next, rangeSize);
            if (range != null) {
                next = range.to() + 1;
            }
            return range;
        }
    }
}
