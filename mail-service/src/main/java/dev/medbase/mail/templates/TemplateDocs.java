package dev.medbase.mail.templates;

import java.util.Map;

import io.swagger.v3.oas.annotations.media.Schema;

/**
 * Documentation only (OpenAPI, {@code @ApiBody} on {@link TemplatesController}): templates v1 (Velocity, snake_case
 * resolve requests) and v2 (Handlebars, camelCase) as on the wire (contract §11.2–11.3); timestamps are epoch ms.
 */
final class TemplateDocs {

    private TemplateDocs() {
    }

    @Schema(description = "A v1 template: schema.fields types the content, fields are Velocity strings; "
            + "localizations (a Medbase extension) are {key: {LANGUAGE: text}}", example = """
            {"name": "order_confirm_email", "description": "Tells a customer the order is ready",
             "schema": {"type": "object", "fields": {"first_name": {"type": "string"},
                                                     "order_id": {"type": "number"}}},
             "fields": {"subject": "Order $content.order_id is ready",
                        "body": "Hello $content.first_name, {{ready,$content.order_id}}"},
             "localizations": {"ready": {"EN": "order $1 is ready.", "NL": "bestelling $1 is klaar."}}}""")
    record NewTemplateV1(String name, String description, Map<String, Object> schema, Map<String, String> fields,
                         Map<String, Map<String, String>> localizations) {}

    @Schema(description = "A v1 template")
    record TemplateV1(String id, String name, String description, Map<String, Object> schema,
                      Map<String, String> fields, Map<String, Map<String, String>> localizations,
                      Long creationTimestamp, Long updateTimestamp) {}

    @Schema(description = "The content to fill a v1 template with", example = """
            {"language": "NL", "time_zone": "Europe/Brussels", "content": {"first_name": "Jan", "order_id": 1234}}""")
    record ResolveV1(String language, String time_zone, Map<String, Object> content) {}

    @Schema(description = "A v2 template: inputs type the values, outputs are Handlebars strings", example = """
            {"name": "appointment-reminder", "description": "Reminds a patient of an appointment",
             "inputs": {"first_name": {"type": "string"}, "time": {"type": "string"}},
             "outputs": {"subject": "Your appointment at {{@inputs.time}}",
                         "body": "<p>Dear {{@inputs.first_name}}, see you at {{@inputs.time}}.</p>"}}""")
    record NewTemplateV2(String name, String description, Map<String, Object> inputs, Map<String, String> outputs,
                         Map<String, Map<String, String>> localizations) {}

    @Schema(description = "A v2 template")
    record TemplateV2(String id, String name, String description, Map<String, Object> inputs,
                      Map<String, String> outputs, Map<String, Map<String, String>> localizations,
                      Long creationTimestamp, Long updateTimestamp) {}

    @Schema(description = "The inputs to fill a v2 template with", example = """
            {"language": "EN", "timeZone": "Europe/Brussels", "inputs": {"first_name": "Ann", "time": "10:30"}}""")
    record ResolveV2(String language, String timeZone, Map<String, Object> inputs) {}

    @Schema(description = "Each field (v1) or output (v2) of the template, filled in", additionalProperties =
            Schema.AdditionalPropertiesValue.TRUE, example = """
            {"subject": "Order 1234 is ready", "body": "Hello Jan, bestelling 1234 is klaar."}""")
    record Resolved() {}
}
