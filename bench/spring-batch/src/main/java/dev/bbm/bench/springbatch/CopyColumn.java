package dev.bbm.bench.springbatch;

import com.zaxxer.hikari.HikariDataSource;
import java.net.URI;
import java.util.Locale;
import javax.sql.DataSource;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;

/**
 * Bench section 1's methods (e) and (f): copies {@code a} into {@code b} of a table with Spring Batch,
 * warm, and prints the measured job's seconds on stdout (all else goes to stderr).
 *
 * <pre>java -jar bench-spring-batch.jar chunk|ranges DATABASE_URL TABLE WARMUP_TABLE SUB_BATCH</pre>
 *
 * DATABASE_URL is libpq's {@code postgresql://user[:password]@host:port/database}. The job repository
 * lives in that database; its tables are created from Spring Batch's own script when missing. The
 * same job first runs on WARMUP_TABLE (JIT, pools, the repository's statements), then a CHECKPOINT
 * writes out what the warm-up dirtied, then the measured job runs on TABLE: its time is taken from
 * just before {@code JobOperator.start} to its return (the operator runs the job in this thread).
 */
public final class CopyColumn {

    public static void main(String[] args) throws Exception {
        if (args.length != 5 || !args[0].matches("chunk|ranges")) {
            System.err.println("usage: chunk|ranges DATABASE_URL TABLE WARMUP_TABLE SUB_BATCH");
            System.exit(2);
        }
        String mode = args[0];
        String table = identifier(args[2]);
        String warmupTable = identifier(args[3]);
        int subBatch = Integer.parseInt(args[4]);
        try (HikariDataSource dataSource = dataSource(args[1]);
             AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext()) {
            createRepositorySchema(dataSource);
            context.registerBean("dataSource", DataSource.class, () -> dataSource);
            context.register(BatchConfiguration.class);
            context.refresh();
            JobOperator operator = context.getBean(JobOperator.class);
            CopyJobs jobs = context.getBean(CopyJobs.class);
            JdbcTemplate jdbc = new JdbcTemplate(dataSource);

            run(operator, job(jobs, mode, warmupTable, subBatch), warmupTable);
            jdbc.execute("CHECKPOINT");

            Job measured = job(jobs, mode, table, subBatch);
            long start = System.nanoTime();
            run(operator, measured, table);
            double seconds = (System.nanoTime() - start) / 1e9;

            Long missed = jdbc.queryForObject("SELECT count(*) FROM " + table + " WHERE b IS DISTINCT FROM a", Long.class);
            if (missed == null || missed != 0) {
                throw new IllegalStateException(table + ": " + missed + " rows not copied");
            }
            System.out.println(String.format(Locale.ROOT, "%.3f", seconds));
        }
    }

    private static Job job(CopyJobs jobs, String mode, String table, int subBatch) throws Exception {
        return mode.equals("chunk") ? jobs.chunkJob(table, subBatch) : jobs.keyRangeJob(table, subBatch);
    }

    private static void run(JobOperator operator, Job job, String table) throws Exception {
        JobExecution execution = operator.start(job, new JobParametersBuilder()
                .addString("table", table)
                .addLong("run", System.currentTimeMillis())
                .toJobParameters());
        if (execution.getStatus() != BatchStatus.COMPLETED) {
            throw new IllegalStateException(job.getName() + " on " + table + " ended " + execution.getStatus()
                    + ": " + execution.getAllFailureExceptions());
        }
        System.err.println(job.getName() + " on " + table + ": " + execution.getStepExecutions());
    }

    private static void createRepositorySchema(DataSource dataSource) {
        Boolean present = new JdbcTemplate(dataSource)
                .queryForObject("SELECT to_regclass('batch_job_instance') IS NOT NULL", Boolean.class);
        if (!Boolean.TRUE.equals(present)) {
            new ResourceDatabasePopulator(new ClassPathResource("org/springframework/batch/core/schema-postgresql.sql"))
                    .execute(dataSource);
        }
    }

    /** A small pool on libpq's URL form, the one the harness and psql use. */
    private static HikariDataSource dataSource(String url) {
        URI uri = URI.create(url);
        HikariDataSource dataSource = new HikariDataSource();
        dataSource.setJdbcUrl("jdbc:postgresql://" + uri.getHost() + ":" + (uri.getPort() > 0 ? uri.getPort() : 5432)
                + uri.getPath() + (uri.getRawQuery() != null ? "?" + uri.getRawQuery() : ""));
        if (uri.getUserInfo() != null) {
            String[] user = uri.getUserInfo().split(":", 2);
            dataSource.setUsername(user[0]);
            if (user.length > 1) {
                dataSource.setPassword(user[1]);
            }
        }
        dataSource.setMaximumPoolSize(4);
        dataSource.setPoolName("bench-spring-batch");
        return dataSource;
    }

    private static String identifier(String name) {
        if (!name.matches("[a-z_][a-z0-9_]*")) {
            throw new IllegalArgumentException("not a plain table name: " + name);
        }
        return name;
    }
}
