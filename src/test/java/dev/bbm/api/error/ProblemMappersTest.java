package dev.bbm.api.error;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import dev.bbm.api.QueueMigrationRequest;
import dev.bbm.config.JsonConfig;
import dev.bbm.problem.Problem;
import dev.bbm.service.FieldError;
import dev.bbm.service.ServiceException;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each failure becomes the problem+json a client can act on, with no Java in it. */
class ProblemMappersTest {

    private final ProblemMappers mappers = new ProblemMappers(null);
    private final ObjectMapper json = strictMapper();

    private static ObjectMapper strictMapper() {
        ObjectMapper mapper = new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
        new JsonConfig().customize(mapper);
        return mapper;
    }

    private static Problem problem(Response response) {
        assertEquals(Problem.MEDIA_TYPE, response.getMediaType().toString());
        Problem problem = (Problem) response.getEntity();
        assertEquals(response.getStatus(), problem.status());
        assertFalse(
                problem.detail().contains("Exception")
                        || problem.detail().contains("dev.bbm")
                        || problem.detail().contains("com.fasterxml"),
                problem.detail());
        return problem;
    }

    private Problem parse(String body) {
        JsonProcessingException e =
                assertThrows(JsonProcessingException.class, () -> json.readValue(body, QueueMigrationRequest.class));
        return problem(mappers.json(e));
    }

    @Test
    void aServiceRefusalKeepsItsWordingAndGetsItsStatus() {
        Problem notFound = problem(
                mappers.service(new ServiceException.NotFound("There is no batched background migration with id 9.")));
        assertEquals(404, notFound.status());
        assertEquals("There is no batched background migration with id 9.", notFound.detail());
        Problem refused = problem(mappers.service(
                new ServiceException.Refused("You can pause only active batched background migrations.")));
        assertEquals(422, refused.status());
        assertEquals("You can pause only active batched background migrations.", refused.detail());
    }

    @Test
    void invalidInputNamesEveryField() {
        Problem problem = problem(mappers.service(new ServiceException.InvalidInput(List.of(
                new FieldError("batch_size", "must be at least 1"),
                new FieldError("interval", "must be between 0 and 32767")))));
        assertEquals(422, problem.status());
        assertEquals(
                List.of("batch_size", "interval"),
                problem.errors().stream().map(FieldError::field).toList());
        assertTrue(
                problem.detail().startsWith("2 fields are invalid: batch_size: must be at least 1"), problem.detail());
    }

    @Test
    void anUnknownFieldIsNamedWithTheKnownOnes() {
        Problem problem = parse("{\"batchsize\": 10}");
        assertEquals(400, problem.status());
        assertEquals("batchsize", problem.errors().get(0).field());
        assertTrue(problem.detail().contains("known fields: batch_size"), problem.detail());
    }

    @Test
    void aValueOfTheWrongTypeNamesTheFieldAndTheTypeExpected() {
        Problem problem = parse("{\"batch_size\": \"10\"}");
        assertEquals(400, problem.status());
        assertEquals("batch_size: has the wrong type: expected an integer", problem.detail());
    }

    @Test
    void aFieldSentTwiceIsRefused() {
        Problem problem = parse("{\"table_name\": \"a\", \"table_name\": \"b\"}");
        assertEquals(400, problem.status());
        assertEquals("table_name", problem.errors().get(0).field());
    }

    @Test
    void aNumberOutOfRangeSaysSo() {
        Problem problem = parse("{\"batch_size\": 2147483648}");
        assertEquals(400, problem.status());
        assertTrue(problem.detail().contains("out of range"), problem.detail());
    }

    @Test
    void malformedJsonIsA400WithoutJava() {
        Problem problem = parse("{\"batch_size\": ");
        assertEquals(400, problem.status());
        assertEquals("Malformed JSON", problem.title());
    }

    @Test
    void anUnexpectedFailureIsA500ThatPointsToTheLog() {
        Problem problem = problem(mappers.unexpected(new IllegalStateException("dev.bbm.Something broke")));
        assertEquals(500, problem.status());
        assertEquals("The server failed to answer this request; its log has the details.", problem.detail());
    }
}
