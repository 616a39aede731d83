package dev.bbm.bench.springbatch;

import javax.sql.DataSource;
import org.springframework.batch.core.configuration.annotation.EnableBatchProcessing;
import org.springframework.batch.core.configuration.annotation.EnableJdbcJobRepository;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.support.JdbcTransactionManager;

/**
 * Spring Batch's infrastructure as its reference documentation sets it up without Spring Boot: the
 * JDBC job repository (tables {@code BATCH_*}) in the database that holds the data, and a
 * {@code JobOperator} that runs a job in the calling thread. The {@code dataSource} bean is
 * registered by {@link CopyColumn}.
 */
@Configuration
@EnableBatchProcessing
@EnableJdbcJobRepository
public class BatchConfiguration {

    @Bean
    public JdbcTransactionManager transactionManager(DataSource dataSource) {
        return new JdbcTransactionManager(dataSource);
    }

    @Bean
    public CopyJobs copyJobs(org.springframework.batch.core.repository.JobRepository jobRepository,
                             DataSource dataSource, JdbcTransactionManager transactionManager) {
        return new CopyJobs(jobRepository, dataSource, transactionManager);
    }
}
