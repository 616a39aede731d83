package dev.bbm.deploy;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.bbm.health.MigrationsHealthCheck;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The manifests in {@code kubernetes/} are written by hand and never applied in CI, so this test
 * holds them against the application: every probe and the upgrade gate must ask for a path the
 * running app serves, on the port it listens on.
 */
@QuarkusTest
class KubernetesManifestsTest {

    private static final Path MANIFESTS = Path.of("kubernetes");
    private static final Path APPLICATION_PROPERTIES = Path.of("src/main/resources/application.properties");
    private static final List<String> PROBES = List.of("startupProbe", "livenessProbe", "readinessProbe");
    /** A bbm endpoint inside a shell script or a comment, e.g. {@code http://bbm/q/health/group/migrations}. */
    private static final Pattern BBM_URL = Pattern.compile("http://[^\\s\"'`/$]+/q/[^\\s\"'`;|)]*");

    private record Manifest(Path file, JsonNode document) {
        String kind() {
            return document.path("kind").asText();
        }

        String name() {
            return document.path("metadata").path("name").asText();
        }
    }

    private record Port(String name, int containerPort) {}

    private record Container(Path file, String name, List<Port> ports, JsonNode node) {
        Optional<Port> resolve(JsonNode port) {
            return ports.stream()
                    .filter(p -> port.isInt()
                            ? p.containerPort() == port.asInt()
                            : p.name().equals(port.asText()))
                    .findFirst();
        }
    }

    private record PodTemplate(Manifest source, JsonNode labels, List<Container> containers) {}

    private record Probe(Container container, String kind, String path, JsonNode port) {
        String where() {
            return container.file() + ", container " + container.name() + ", " + kind;
        }
    }

    private record GateUrl(Path file, URI url) {}

    private static int httpPort;
    private static List<Manifest> manifests;
    private static List<PodTemplate> templates;
    private static List<Probe> probes;
    private static List<GateUrl> commandUrls;
    private static List<GateUrl> allUrls;

    @BeforeAll
    static void parseManifests() throws IOException {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(APPLICATION_PROPERTIES)) {
            properties.load(reader);
        }
        httpPort = Integer.parseInt(properties.getProperty("quarkus.http.port"));

        List<Path> files;
        try (Stream<Path> listed = Files.list(MANIFESTS)) {
            files = listed.filter(p -> p.getFileName().toString().endsWith(".yaml"))
                    .sorted()
                    .toList();
        }
        YAMLMapper yaml = new YAMLMapper();
        manifests = new ArrayList<>();
        allUrls = new ArrayList<>();
        for (Path file : files) {
            try (MappingIterator<JsonNode> documents =
                    yaml.readerFor(JsonNode.class).readValues(file.toFile())) {
                while (documents.hasNext()) {
                    JsonNode document = documents.next();
                    if (document != null && document.isObject()) {
                        manifests.add(new Manifest(file, document));
                    }
                }
            }
            // Comments too: the initContainer variant of the upgrade gate is documented in one.
            bbmUrls(file, Files.readString(file), allUrls);
        }

        templates = new ArrayList<>();
        manifests.forEach(m -> findPodTemplates(m, m.document(), templates));
        probes = new ArrayList<>();
        commandUrls = new ArrayList<>();
        for (PodTemplate template : templates) {
            for (Container container : template.containers()) {
                for (String kind : PROBES) {
                    JsonNode httpGet = container.node().path(kind).path("httpGet");
                    if (httpGet.isObject()) {
                        probes.add(
                                new Probe(container, kind, httpGet.path("path").asText("/"), httpGet.path("port")));
                    }
                }
                StringBuilder script = new StringBuilder();
                container
                        .node()
                        .path("command")
                        .forEach(part -> script.append(part.asText()).append('\n'));
                container
                        .node()
                        .path("args")
                        .forEach(part -> script.append(part.asText()).append('\n'));
                bbmUrls(container.file(), script.toString(), commandUrls);
            }
        }
    }

    @Test
    void everyProbeAsksThePortTheAppListensOn() {
        assertFalse(probes.isEmpty(), "No httpGet probe found in " + MANIFESTS);
        for (Probe probe : probes) {
            if (probe.port().isInt()) {
                assertEquals(
                        httpPort, probe.port().asInt(), probe.where() + " probes a port other than quarkus.http.port");
            } else {
                Optional<Port> port = probe.container().resolve(probe.port());
                assertTrue(
                        port.isPresent(),
                        probe.where() + " probes port '" + probe.port().asText()
                                + "', which its container does not declare");
                assertEquals(
                        httpPort,
                        port.get().containerPort(),
                        probe.where() + " probes port '" + probe.port().asText() + "', which is not quarkus.http.port");
            }
        }
    }

    @Test
    void everyProbePathIsServedByTheApp() {
        assertFalse(probes.isEmpty(), "No httpGet probe found in " + MANIFESTS);
        probes.forEach(probe -> assertServed(probe.path(), probe.where()));
    }

    @Test
    void theUpgradeGatePollsAPathTheAppServesThroughTheBbmService() {
        assertFalse(commandUrls.isEmpty(), "No container in " + MANIFESTS + " polls a bbm URL");
        for (GateUrl gate : allUrls) {
            String where = gate.file() + ", " + gate.url();
            assertServed(gate.url().getPath(), where);
            // The gate must wait for the migrations check itself, not for whatever else a path reports.
            List<String> checks = given().when()
                    .get(gate.url().getPath())
                    .then()
                    .extract()
                    .jsonPath()
                    .getList("checks.name");
            assertTrue(
                    checks != null && checks.contains(MigrationsHealthCheck.NAME),
                    where + " does not report the check " + MigrationsHealthCheck.NAME + " (it reports " + checks
                            + ")");
            String serviceName = gate.url().getHost().split("\\.")[0];
            Manifest service = find("Service", serviceName)
                    .orElseThrow(() -> new AssertionError(where + " names no Service of the manifests"));
            int port = gate.url().getPort() == -1 ? 80 : gate.url().getPort();
            assertTrue(
                    ints(service.document().path("spec").path("ports"), "port").contains(port),
                    where + " asks port " + port + ", which Service " + serviceName + " does not expose");
        }
    }

    @Test
    void theServiceReachesTheHttpPortOfThePodsItSelects() {
        List<Manifest> services =
                manifests.stream().filter(m -> m.kind().equals("Service")).toList();
        assertFalse(services.isEmpty(), "No Service found in " + MANIFESTS);
        for (Manifest service : services) {
            JsonNode selector = service.document().path("spec").path("selector");
            List<Container> selected = templates.stream()
                    .filter(t -> selects(selector, t.labels()))
                    .flatMap(t -> t.containers().stream())
                    .toList();
            assertFalse(selected.isEmpty(), "Service " + service.name() + " selects no pod of the manifests");
            for (JsonNode servicePort : service.document().path("spec").path("ports")) {
                JsonNode target =
                        servicePort.has("targetPort") ? servicePort.get("targetPort") : servicePort.get("port");
                Optional<Port> resolved = selected.stream()
                        .flatMap(c -> c.resolve(target).stream())
                        .findFirst();
                assertTrue(
                        resolved.isPresent(),
                        "Service " + service.name() + " targets port '" + target.asText()
                                + "', which no container it selects declares");
                assertEquals(
                        httpPort,
                        resolved.get().containerPort(),
                        "Service " + service.name() + " targets a container port other than quarkus.http.port");
            }
        }
    }

    @Test
    void twoReplicasRunBehindAServiceThatAlsoReachesNotReadyPods() {
        Manifest deployment = find("Deployment", "bbm").orElseThrow(() -> new AssertionError("No Deployment bbm"));
        assertEquals(2, deployment.document().path("spec").path("replicas").asInt());
        Manifest service = find("Service", "bbm").orElseThrow(() -> new AssertionError("No Service bbm"));
        // Readiness is DOWN while migrations run; without this the admin API would be unreachable.
        assertTrue(
                service.document().path("spec").path("publishNotReadyAddresses").asBoolean(false),
                "Service bbm must set publishNotReadyAddresses: true");
    }

    @Test
    void everySecretKeyTheDeploymentReadsIsInTheExampleSecret() {
        for (PodTemplate template : templates) {
            for (Container container : template.containers()) {
                for (JsonNode env : container.node().path("env")) {
                    JsonNode ref = env.path("valueFrom").path("secretKeyRef");
                    if (ref.isObject()) {
                        Manifest secret = find("Secret", ref.path("name").asText())
                                .orElseThrow(() -> new AssertionError(container.name() + " reads Secret "
                                        + ref.path("name").asText() + ", which has no example"));
                        JsonNode data = secret.document().path("stringData");
                        assertTrue(
                                data.has(ref.path("key").asText())
                                        || secret.document()
                                                .path("data")
                                                .has(ref.path("key").asText()),
                                "Secret " + secret.name() + " has no key "
                                        + ref.path("key").asText());
                    }
                }
            }
        }
    }

    /**
     * Not found would be 404; 503 is a DOWN health check, which still proves the path exists. A
     * health path must also run at least one check: an unknown health group answers UP, not 404.
     */
    private static void assertServed(String path, String where) {
        ExtractableResponse<Response> response = given().when().get(path).then().extract();
        assertTrue(
                response.statusCode() == 200 || response.statusCode() == 503,
                where + ": GET " + path + " answers " + response.statusCode()
                        + " from the application, not 200 or 503");
        if (path.startsWith("/q/health")) {
            List<String> checks = response.jsonPath().getList("checks.name");
            assertTrue(checks != null && !checks.isEmpty(), where + ": GET " + path + " runs no health check");
        }
    }

    private static Optional<Manifest> find(String kind, String name) {
        return manifests.stream()
                .filter(m -> m.kind().equals(kind) && m.name().equals(name))
                .findFirst();
    }

    /** A pod template is any object whose spec lists containers: Deployment, Job, CronJob, Pod alike. */
    private static void findPodTemplates(Manifest source, JsonNode node, List<PodTemplate> found) {
        if (node.path("spec").path("containers").isArray()) {
            JsonNode spec = node.get("spec");
            List<Container> containers = new ArrayList<>();
            for (String field : List.of("initContainers", "containers")) {
                for (JsonNode container : spec.path(field)) {
                    List<Port> ports = new ArrayList<>();
                    container
                            .path("ports")
                            .forEach(p -> ports.add(new Port(
                                    p.path("name").asText(),
                                    p.path("containerPort").asInt())));
                    containers.add(
                            new Container(source.file(), container.path("name").asText(), ports, container));
                }
            }
            found.add(new PodTemplate(source, node.path("metadata").path("labels"), containers));
            return;
        }
        node.forEach(child -> findPodTemplates(source, child, found));
    }

    private static boolean selects(JsonNode selector, JsonNode labels) {
        if (!selector.isObject() || selector.isEmpty()) {
            return false;
        }
        for (Map.Entry<String, JsonNode> entry : selector.properties()) {
            if (!labels.path(entry.getKey()).asText().equals(entry.getValue().asText())) {
                return false;
            }
        }
        return true;
    }

    private static List<Integer> ints(JsonNode array, String field) {
        List<Integer> values = new ArrayList<>();
        array.forEach(element -> values.add(element.path(field).asInt()));
        return values;
    }

    private static void bbmUrls(Path file, String text, List<GateUrl> found) {
        Matcher matcher = BBM_URL.matcher(text);
        while (matcher.find()) {
            found.add(new GateUrl(file, URI.create(matcher.group())));
        }
    }
}
