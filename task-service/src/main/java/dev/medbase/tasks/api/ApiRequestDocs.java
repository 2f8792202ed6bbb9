package dev.medbase.tasks.api;

import io.swagger.v3.oas.annotations.media.Schema;

/** Documentation only (OpenAPI, {@code @ApiBody} on {@link ApiFunctionController}): API function calls (§9.1). */
final class ApiRequestDocs {

    private ApiRequestDocs() {
    }

    @Schema(description = "Any body (of any content type): the function receives it as event.body, base64-encoded "
            + "unless it is text", additionalProperties = Schema.AdditionalPropertiesValue.TRUE, example = """
            {"name": "Ada"}""")
    record ApiCallBody() {}

    @Schema(description = "One call of an API function")
    record ApiRequest(String id, String functionName, String method, String path, String userId,
                      String applicationId, Integer statusCode, String timestamp,
                      @Schema(description = "Seconds") Double duration, ApiRequestError error) {}

    record ApiRequestError(@Schema(allowableValues = {"invocation", "runtime", "response"}) String type, String name,
                           String message) {}
}
