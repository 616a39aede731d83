package dev.bbm.api;

import dev.bbm.api.error.ApiException;
import dev.bbm.config.DatabaseUrls;
import dev.bbm.problem.Problem;
import dev.bbm.service.DatabaseServices;
import dev.bbm.service.FieldError;
import jakarta.enterprise.context.RequestScoped;
import java.util.List;
import java.util.Set;

/**
 * The database a request works on: GitLab's {@code database} parameter, from the query (checked
 * by {@link DatabaseParameterFilter} before anything else) or from a JSON body where GitLab
 * accepts it there; {@code main} when neither names one.
 */
@RequestScoped
public class RequestedDatabase {

    static final String PARAMETER = "database";
    /** GitLab's wording, which its clients and request specs compare exactly. */
    static final String INVALID = "does not have a valid value";

    private final DatabaseServices services;
    private String fromQuery;

    public RequestedDatabase(DatabaseServices services) {
        this.services = services;
    }

    void fromQuery(String name) {
        this.fromQuery = name;
    }

    /** The use cases of the database the query names, or {@code main}. */
    public DatabaseServices.Served services() {
        return services(null);
    }

    /**
     * The use cases of the database the query or the body ({@code fromBody}) names, or
     * {@code main}; both may name it, but not two different ones.
     */
    public DatabaseServices.Served services(String fromBody) {
        if (fromBody != null && fromQuery != null && !fromBody.equals(fromQuery)) {
            throw ApiException.validation(List.of(new FieldError(
                            PARAMETER,
                            "the query names " + fromQuery + " and the body " + fromBody
                                    + "; name the database once, or the same in both")))
                    .asBadRequest();
        }
        String name = fromQuery != null ? fromQuery : fromBody != null ? fromBody : DatabaseUrls.MAIN;
        return services.find(name).orElseThrow(() -> new ApiException(unknown(services.names())));
    }

    /** GitLab's 400 for a name that is not served, with the names that are. */
    static Problem unknown(Set<String> names) {
        return new Problem(
                "https://bbm.dev/problems/validation",
                "Invalid request",
                400,
                PARAMETER + ": " + INVALID + "; the databases are: " + String.join(", ", names),
                List.of(new FieldError(PARAMETER, INVALID)));
    }
}
