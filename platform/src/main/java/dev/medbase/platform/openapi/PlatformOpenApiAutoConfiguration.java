package dev.medbase.platform.openapi;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.PropertyNamingStrategy;
import io.swagger.v3.core.jackson.ModelResolver;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.SpecVersion;
import io.swagger.v3.oas.models.examples.Example;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.oas.models.parameters.RequestBody;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springdoc.core.customizers.GlobalOperationComponentsCustomizer;
import org.springdoc.core.customizers.OperationCustomizer;
import org.springdoc.core.properties.SpringDocConfigProperties;
import org.springdoc.core.providers.ObjectMapperProvider;
import org.springdoc.core.utils.SpringDocAnnotationsUtils;
import org.springdoc.core.utils.SpringDocUtils;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.core.ResolvableType;
import org.springframework.core.env.Environment;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import dev.medbase.platform.error.ExhError;
import dev.medbase.platform.rql.PageEnvelope;
import dev.medbase.platform.rql.RqlQuery;
import dev.medbase.platform.security.Caller;

/**
 * Each service's OpenAPI document (springdoc, served at {@code springdoc.api-docs.path}, by default
 * {@code <medbase.service.prefix>/v3/api-docs} so the gateway routes it like any other call): what every operation
 * shares is added here once — the ExH error body {@code {code, name, message}}, the standard 400/401/403/404
 * responses, the bearer JWT scheme and the RQL query — so controllers only need annotations where a body or example
 * says more than their signature ({@link ApiBody} for the bodies they bind or return as free-form trees).
 */
@AutoConfiguration
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(ObjectMapperProvider.class)
@ConditionalOnProperty(name = "springdoc.api-docs.enabled", matchIfMissing = true)
public class PlatformOpenApiAutoConfiguration {

    static final String ERROR_SCHEMA = "ExhError";
    static final String BEARER = "bearer";

    static {
        // Resolved from the token and the query string by platform's argument resolvers, not request parameters.
        SpringDocUtils.getConfig().addRequestWrapperToIgnore(Caller.class, RqlQuery.class)
                // Jackson 3 trees are free-form JSON, not beans (springdoc only knows Jackson 2's).
                .replaceWithSchema(JsonNode.class, new Schema<>().description("Any JSON value"))
                .replaceWithSchema(ObjectNode.class, new ObjectSchema())
                .replaceWithSchema(ArrayNode.class, new ArraySchema().items(new Schema<>()))
                .replaceWithSchema(SseEmitter.class, new StringSchema().description("A stream of server-sent events"));
    }

    /** The standard error responses: status → examples, each a real catalogue entry. */
    private static final Map<String, StandardError> STANDARD_ERRORS = standardErrors();

    private record StandardError(String description, List<ExhError> examples) {}

    private static Map<String, StandardError> standardErrors() {
        Map<String, StandardError> errors = new LinkedHashMap<>();
        errors.put("400", new StandardError("Bad request: the body, a field, an id or the RQL is not valid",
                List.of(ExhError.FIELD_FORMAT_EXCEPTION, ExhError.MISSING_REQUIRED_FIELDS_EXCEPTION,
                        ExhError.ID_FORMAT_EXCEPTION, ExhError.INVALID_RQL_EXCEPTION)));
        errors.put("401", new StandardError("No valid token, or the caller lacks the permission (ExH answers 401 "
                + "for both)", List.of(ExhError.USER_NOT_AUTHENTICATED_EXCEPTION,
                ExhError.ACCESS_TOKEN_UNKNOWN_EXCEPTION, ExhError.ACCESS_TOKEN_EXPIRED_EXCEPTION,
                ExhError.NO_PERMISSION_EXCEPTION)));
        errors.put("403", new StandardError("Refused by a rule of the resource",
                List.of(ExhError.REMOVE_FIELD_EXCEPTION)));
        errors.put("404", new StandardError("The resource is unknown", List.of(ExhError.RESOURCE_UNKNOWN_EXCEPTION)));
        return errors;
    }

    @Bean
    OpenAPI medbaseOpenApi(Environment environment) {
        String service = environment.getProperty("spring.application.name", "medbase");
        Components components = new Components()
                .addSchemas(ERROR_SCHEMA, errorSchema())
                .addSecuritySchemes(BEARER, new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("bearer")
                        .bearerFormat("JWT")
                        .description("An access token from POST /auth/v2/oauth2/tokens"));
        STANDARD_ERRORS.forEach((status, error) -> components.addResponses(responseName(status), response(error)));
        return new OpenAPI()
                .info(new Info().title("Medbase " + service).version("v1")
                        .description("The Extra Horizon API as served by Medbase's " + service + ". Errors are "
                                + "{code, name, message}; list calls take an RQL query string."))
                .components(components)
                // Most calls need a token; the few public ones (login, registration, health…) ignore it.
                .addSecurityItem(new SecurityRequirement().addList(BEARER));
    }

    /** Adds the standard error responses and the RQL query to every operation (never replacing what it declares). */
    @Bean
    OperationCustomizer medbaseStandardResponses() {
        return (operation, handlerMethod) -> {
            ApiResponses responses = operation.getResponses() == null ? new ApiResponses() : operation.getResponses();
            STANDARD_ERRORS.keySet().forEach(status -> responses.computeIfAbsent(status,
                    s -> new ApiResponse().$ref("#/components/responses/" + responseName(s))));
            operation.setResponses(responses);
            boolean takesRql = Arrays.stream(handlerMethod.getMethodParameters())
                    .anyMatch(p -> p.getParameterType() == RqlQuery.class);
            if (takesRql) {
                operation.addParametersItem(new Parameter().in("query").name("RQL").required(false)
                        .description("An RQL expression as the whole query string, e.g. "
                                + "`?select(id,name)&eq(name,value)&sort(-creationTimestamp)&limit(20,0)`")
                        .schema(new StringSchema()));
            }
            return operation;
        };
    }

    /**
     * Replaces the "any JSON" schemas springdoc derives from free-form trees with the documentation-only records named
     * by {@link ApiBody}: the request body (added when the controller reads the raw request), and every 2xx JSON
     * response.
     */
    @Bean
    GlobalOperationComponentsCustomizer medbaseApiBodies(SpringDocConfigProperties springdoc) {
        SpecVersion version = springdoc.isOpenapi31() ? SpecVersion.V31 : SpecVersion.V30;
        return new GlobalOperationComponentsCustomizer() {
            @Override
            public Operation customize(Operation operation, Components components, HandlerMethod handlerMethod) {
                ApiBody bodies = handlerMethod.getMethodAnnotation(ApiBody.class);
                if (bodies == null) {
                    return operation;
                }
                if (bodies.request() != Void.class) {
                    RequestBody request = operation.getRequestBody() == null
                            ? new RequestBody().required(true) : operation.getRequestBody();
                    request.setContent(withSchema(request.getContent(),
                            SpringDocAnnotationsUtils.extractSchema(components, bodies.request(), null, null, version)));
                    operation.setRequestBody(request);
                }
                java.lang.reflect.Type response = bodies.page() != Void.class
                        ? ResolvableType.forClassWithGenerics(PageEnvelope.class, bodies.page()).getType()
                        : bodies.response() != Void.class ? bodies.response() : null;
                if (response != null) {
                    Schema<?> schema = SpringDocAnnotationsUtils.extractSchema(components, response, null, null, version);
                    operation.getResponses().forEach((status, answer) -> {
                        if (status.startsWith("2") && answer.get$ref() == null) {
                            answer.setContent(withSchema(answer.getContent(), schema));
                        }
                    });
                }
                return operation;
            }

            @Override
            public Operation customize(Operation operation, HandlerMethod handlerMethod) {
                return operation;
            }
        };
    }

    /** The JSON media types of a body with the documented schema (JSON alone when springdoc derived none). */
    private static Content withSchema(Content content, Schema<?> schema) {
        Content json = content == null || content.isEmpty()
                ? new Content().addMediaType(org.springframework.http.MediaType.APPLICATION_JSON_VALUE, new MediaType())
                : content;
        json.forEach((type, media) -> {
            if (type.contains("json") || type.equals("*/*")) {
                media.setSchema(schema);
            }
        });
        return json;
    }

    /**
     * Springdoc describes bodies with swagger-core's Jackson 2 introspection, not with the service's Jackson 3
     * mapper; this gives it the same property naming strategy, so a snake_case service's document shows snake_case.
     */
    @Bean
    ModelResolver medbaseModelResolver(ObjectMapperProvider springdocMappers, JsonMapper jsonMapper) {
        ObjectMapper mapper = springdocMappers.jsonMapper().copy();
        var strategy = jsonMapper.serializationConfig().getPropertyNamingStrategy();
        if (strategy != null) {
            mapper.setPropertyNamingStrategy(jackson2Strategy(strategy.getClass()));
        }
        return new ModelResolver(mapper);
    }

    /** The Jackson 2 strategy of the same kind (the two libraries name their strategy classes alike). */
    static PropertyNamingStrategy jackson2Strategy(Class<?> jackson3Strategy) {
        for (var field : PropertyNamingStrategies.class.getFields()) {
            try {
                if (field.get(null) instanceof PropertyNamingStrategy candidate
                        && candidate.getClass().getSimpleName().equals(jackson3Strategy.getSimpleName())) {
                    return candidate;
                }
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException("No OpenAPI equivalent for the property naming strategy "
                + jackson3Strategy.getName() + "; the document would show the wrong key casing");
    }

    private static String responseName(String status) {
        return "Error" + status;
    }

    private static Schema<?> errorSchema() {
        return new ObjectSchema()
                .description("The Extra Horizon error body; some errors add fields (e.g. the missing fields)")
                .addProperty("code", new IntegerSchema().description("The ExH error code the SDK dispatches on")
                        .example(ExhError.RESOURCE_UNKNOWN_EXCEPTION.code()))
                .addProperty("name", new StringSchema().example(ExhError.RESOURCE_UNKNOWN_EXCEPTION.name()))
                .addProperty("message", new StringSchema().example(ExhError.RESOURCE_UNKNOWN_EXCEPTION.defaultMessage()))
                .required(List.of("code", "name", "message"));
    }

    private static ApiResponse response(StandardError error) {
        MediaType json = new MediaType().schema(new Schema<>().$ref("#/components/schemas/" + ERROR_SCHEMA));
        error.examples().forEach(e -> json.addExamples(e.name(), new Example().summary(e.code() + " " + e.name())
                .value(example(e))));
        return new ApiResponse().description(error.description())
                .content(new Content().addMediaType("application/json", json));
    }

    private static Map<String, Object> example(ExhError error) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("code", error.code());
        body.put("name", error.name());
        body.put("message", error.defaultMessage());
        return body;
    }
}
