package dev.bbm.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bbm.client.ApiClient;
import dev.bbm.client.ApiException;
import dev.bbm.client.api.ApplicationSettingsApi;
import dev.bbm.client.api.BatchedBackgroundMigrationsApi;
import dev.bbm.client.model.BatchedJob;
import dev.bbm.client.model.BatchedMigration;
import dev.bbm.client.model.JobStatus;
import dev.bbm.client.model.MigrationConfiguration;
import dev.bbm.client.model.MigrationStatus;
import dev.bbm.client.model.QueueMigrationRequest;
import dev.bbm.support.Api;
import dev.bbm.support.DatabaseTestCase;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An operator's scenario through the Java client generated from openapi/openapi.yaml at build
 * time: if the document promises something the service does not do, this fails.
 */
@QuarkusTest
class GeneratedClientTest extends DatabaseTestCase {

    /** GitLab's database parameter, which every generated method takes. */
    private static final String MAIN = "main";

    @TestHTTPResource("/")
    URI baseUri;

    BatchedBackgroundMigrationsApi migrations;
    ApplicationSettingsApi settings;

    @BeforeEach
    void setUp() {
        ApiClient client = new ApiClient();
        client.updateBaseUri(baseUri.toString().replaceAll("/$", ""));
        client.setRequestInterceptor(request -> request.header("PRIVATE-TOKEN", Api.ADMIN_TOKEN));
        migrations = new BatchedBackgroundMigrationsApi(client);
        settings = new ApplicationSettingsApi(client);
    }

    @Test
    void anOperatorScenarioRunsThroughTheGeneratedClient() throws Exception {
        db.createCopyTable("client_events", 5000, 3);
        List<List<Object>> arguments = List.of(List.of("a"), List.of("b"));
        BatchedMigration queued = migrations.queueMigration(
                new QueueMigrationRequest()
                        .jobClassName("CopyColumnUsingBackgroundMigrationJob")
                        .tableName("client_events")
                        .columnName("id")
                        .jobArguments(arguments)
                        .batchSize(1000)
                        .subBatchSize(250)
                        .interval(120)
                        .pauseMs(0),
                MAIN);
        assertEquals(MigrationStatus.ACTIVE, queued.getStatus());
        assertEquals(List.of(List.of("a"), List.of("b")), queued.getJobArguments());

        List<BatchedMigration> listed = migrations.listMigrations(null, 1, 20, "queued", "client_events", MAIN);
        assertEquals(
                List.of(queued.getId()),
                listed.stream().map(BatchedMigration::getId).toList());
        assertEquals(5000L, migrations.getMigration(queued.getId(), MAIN).getMaxValue());

        assertEquals(
                MigrationStatus.PAUSED,
                migrations.pauseMigration(queued.getId(), MAIN).getStatus());
        ApiException refused = assertThrows(ApiException.class, () -> migrations.pauseMigration(queued.getId(), MAIN));
        assertEquals(422, refused.getCode());
        assertTrue(refused.getResponseBody().contains("You can pause only active batched background migrations."));
        assertEquals(
                MigrationStatus.ACTIVE,
                migrations.resumeMigration(queued.getId(), MAIN).getStatus());

        MigrationConfiguration configuration = new MigrationConfiguration()
                .jobClassName("CopyColumnUsingBackgroundMigrationJob")
                .tableName("client_events")
                .columnName("id")
                .jobArguments(arguments);
        ApiException notYet =
                assertThrows(ApiException.class, () -> migrations.ensureFinished(configuration, false, null, MAIN));
        assertEquals(409, notYet.getCode());

        BatchedMigration finalized = migrations.finalizeMigration(queued.getId(), false, 120, true, MAIN);
        assertEquals(MigrationStatus.FINISHED, finalized.getStatus());
        assertEquals(0, db.wrongCopies("client_events", 5000));

        assertEquals(
                MigrationStatus.FINISHED,
                migrations.ensureFinished(configuration, false, null, MAIN).getStatus());
        List<BatchedJob> jobs = migrations.listJobs(queued.getId(), 1, 100, "succeeded", MAIN);
        assertEquals(4, jobs.size());
        assertTrue(jobs.stream()
                .allMatch(job -> job.getStatus() == JobStatus.SUCCEEDED
                        && !job.getTransitionLogs().isEmpty()));

        assertEquals(2, settings.getSettings(MAIN).getDatabaseMaxRunningBatchedBackgroundMigrations());
    }
}
