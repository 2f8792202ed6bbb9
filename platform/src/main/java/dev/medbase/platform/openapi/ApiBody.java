package dev.medbase.platform.openapi;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Documents the JSON bodies of an endpoint that binds or returns a free-form tree ({@code JsonNode},
 * {@code Map<String, Object>}) — which springdoc can only show as "any JSON" — with documentation-only records of the
 * real wire shape. The records never bind anything: the controller keeps its signature, so nothing changes at runtime.
 * Put a realistic example on each request record with {@code @Schema(example = "…")}; the services' tests send them
 * to the real endpoints. When the controller reads the raw request (no {@code @RequestBody}), the request body is
 * added as JSON.
 *
 * <pre>{@code
 * @ApiBody(request = CommentDocs.CommentText.class, response = CommentDocs.Comment.class)
 * @PostMapping({"", "/"})
 * Map<String, Object> create(Caller caller, …, @RequestBody(required = false) JsonNode body) { … }
 *
 * @ApiBody(page = CommentDocs.Comment.class)   // {"page": {…}, "data": [Comment, …]}
 * @GetMapping({"", "/"})
 * PageEnvelope<Map<String, Object>> list(Caller caller, …, RqlQuery rql) { … }
 * }</pre>
 */
@Documented
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
public @interface ApiBody {

    /** The shape of the JSON request body ({@code Void} = leave it as springdoc derives it). */
    Class<?> request() default Void.class;

    /** The shape of the 2xx JSON response body ({@code Void} = leave it as springdoc derives it). */
    Class<?> response() default Void.class;

    /** The 2xx response is the RQL page envelope {@code {page, data}} of this item shape. */
    Class<?> page() default Void.class;
}
