package dev.bbm.api.error;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.bbm.db.DatabaseOutage;
import dev.bbm.engine.Databases;
import dev.bbm.problem.Problem;
import dev.bbm.service.FieldError;
import dev.bbm.service.ServiceException;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Turns every failure into application/problem+json. Messages that would leak Java (class names,
 * stack traces) are replaced by ones written for the person who sent the request.
 */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    private final Databases databases;

    public ProblemMappers(Databases databases) {
        this.databases = databases;
    }

    @ServerExceptionMapper
    public Response api(ApiException e) {
        return respond(e.problem());
    }

    /** A use case's refusal, in HTTP terms: 404, 422 with GitLab's wording, 422 naming the fields. */
    @ServerExceptionMapper
    public Response service(ServiceException e) {
        return respond(ApiException.from(e).problem());
    }

    @ServerExceptionMapper
    public Response unknownField(UnrecognizedPropertyException e) {
        return json(e);
    }

    @ServerExceptionMapper
    public Response wrongType(MismatchedInputException e) {
        return json(e);
    }

    @ServerExceptionMapper
    public Response numberOutOfRange(InputCoercionException e) {
        return respond(Problem.of(
                "malformed-json", "Malformed JSON", 400, "A number in the request is out of range" + at(e) + "."));
    }

    @ServerExceptionMapper
    public Response json(JsonProcessingException e) {
        String field = e instanceof JsonMappingException m ? path(m) : "";
        if (causedBy(e, InputCoercionException.class)) {
            return field.isEmpty()
                    ? numberOutOfRange(null)
                    : invalid(field, "is out of range for this field; see its limits in /q/openapi");
        }
        if (e instanceof StreamConstraintsException) {
            return respond(Problem.of(
                    "malformed-json",
                    "Malformed JSON",
                    400,
                    "The request body exceeds a JSON limit (a number too long or arrays nested too deep)."));
        }
        String message = String.valueOf(e.getOriginalMessage());
        if (message.startsWith("Duplicate field '")) {
            String duplicate = message.substring(
                    "Duplicate field '".length(), message.indexOf('\'', "Duplicate field '".length()));
            return invalid(duplicate, "appears more than once in the request body; send each field once");
        }
        if (e instanceof UnrecognizedPropertyException u) {
            return invalid(
                    field,
                    "is not a known field; known fields: "
                            + u.getKnownPropertyIds().stream()
                                    .map(Object::toString)
                                    .sorted()
                                    .collect(Collectors.joining(", ")));
        }
        if (e instanceof InvalidFormatException || e instanceof MismatchedInputException) {
            if (!field.isEmpty()) {
                return invalid(field, "has the wrong type: expected " + expected((MismatchedInputException) e));
            }
            return respond(Problem.of(
                    "malformed-json",
                    "Malformed JSON",
                    400,
                    "The request body must be a JSON object, as described in /q/openapi."));
        }
        return respond(Problem.of(
                "malformed-json", "Malformed JSON", 400, "The request body is not valid JSON" + at(e) + "."));
    }

    /** Where in the body, when Jackson knows. */
    private static String at(JsonProcessingException e) {
        return e == null || e.getLocation() == null
                ? ""
                : " (at line " + e.getLocation().getLineNr() + ", column "
                        + e.getLocation().getColumnNr() + ")";
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        if (e.getCause() instanceof JsonProcessingException json) {
            return json(json);
        }
        int status = e.getResponse().getStatus();
        String detail = switch (status) {
            case 404 -> "There is nothing at this path. The API lives under /api/v4; see /q/openapi.";
            case 405 -> "This path does not accept that HTTP method; see /q/openapi.";
            case 406 -> "This endpoint answers application/json only.";
            case 413 -> "The request body is too large.";
            case 415 -> "Send the request body as application/json.";
            default -> status >= 500 ? "The server could not answer this request." : "The request was not accepted.";
        };
        if (status >= 500) {
            LOG.error("Request failed", e);
        }
        Response.Status type = Response.Status.fromStatusCode(status);
        String title = type == null ? "Error" : type.getReasonPhrase();
        return respond(Problem.of(title.toLowerCase().replace(' ', '-'), title, status, detail));
    }

    @ServerExceptionMapper(priority = Priorities.USER + 1000)
    public Response unexpected(Throwable e) {
        if (DatabaseOutage.isOutage(e)) {
            // Logged once per outage of each database there, not once per request here.
            databases.all().forEach(database -> database.outage().check());
            return respond(Problem.of(
                    "database-unreachable",
                    "Service Unavailable",
                    503,
                    "The database is unreachable, so this request cannot be answered now; retry once it is back."));
        }
        LOG.error("Unexpected failure while answering a request", e);
        return respond(Problem.of(
                "internal-error",
                "Internal error",
                500,
                "The server failed to answer this request; its log has the details."));
    }

    private static Response invalid(String field, String message) {
        return respond(ApiException.validation(List.of(new FieldError(field, message)))
                .problem()
                .withStatus(400));
    }

    static Response respond(Problem problem) {
        return Response.status(problem.status())
                .type(Problem.MEDIA_TYPE)
                .entity(problem)
                .build();
    }

    private static String path(JsonMappingException e) {
        return e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining("."))
                .replace(".[", "[");
    }

    private static String expected(MismatchedInputException e) {
        Class<?> target = e.getTargetType();
        if (target == null) {
            return "another JSON type";
        }
        if (Number.class.isAssignableFrom(target) || target.isPrimitive() && target != boolean.class) {
            return "an integer";
        }
        if (target == Boolean.class || target == boolean.class) {
            return "true or false";
        }
        if (target == String.class) {
            return "a string";
        }
        if (JsonNode.class.isAssignableFrom(target) || Collection.class.isAssignableFrom(target)) {
            return "a JSON array";
        }
        return "a JSON object";
    }
}
