package dev.medbase.events.webhooks;

import java.util.List;

import io.swagger.v3.oas.annotations.media.Schema;

/**
 * Documentation only (OpenAPI, {@code @ApiBody} on {@link WebhooksController}): webhooks and their deliveries (a
 * Medbase extension), snake_case like the rest of the events API; timestamps are epoch milliseconds.
 */
final class WebhookDocs {

    private WebhookDocs() {
    }

    @Schema(description = "A webhook: every event of the types (\"*\" for all) is POSTed to the HTTPS url, signed "
            + "with the secret", example = """
            {"url": "https://crm.example.com/hooks/medbase", "event_types": ["user_created", "user_deleted"],
             "description": "Keeps the CRM in sync", "enabled": true}""")
    record NewWebhook(String url, List<String> event_types, String description, Boolean enabled) {}

    @Schema(description = "The fields to change; null removes the description", example = """
            {"event_types": ["*"], "enabled": false}""")
    record WebhookChanges(String url, List<String> event_types, String description, Boolean enabled) {}

    @Schema(description = "A webhook; the secret only in the answer of its creation")
    record Webhook(String id, String url, List<String> event_types, String description, Boolean enabled,
                   Long creation_timestamp, Long update_timestamp, String secret) {}

    @Schema(description = "The new signing secret, shown once")
    record Secret(String id, String secret) {}

    @Schema(description = "{\"records_affected\": 1}")
    record RecordsAffected(long records_affected) {}

    @Schema(description = "Re-sends stored events: exactly one of from_event_id and from_timestamp (epoch ms or "
            + "ISO-8601)", example = """
            {"from_timestamp": "2024-01-01T00:00:00.000Z"}""")
    record Replay(String from_event_id, Object from_timestamp) {}

    record ReplayQueued(String replay_id, int queued, boolean truncated) {}

    @Schema(description = "One event's delivery to a webhook and its attempts")
    record Delivery(String id, String webhook_id, String event_id, String event_type, String replay_id,
                    @Schema(allowableValues = {"pending", "delivering", "succeeded", "dead", "paused"}) String status, Integer attempts,
                    Long next_attempt_timestamp, Integer last_status_code, String last_error, List<Attempt> history,
                    Long creation_timestamp, Long update_timestamp, Long completed_timestamp) {}

    record Attempt(int attempt, Long timestamp, Integer status_code, String error, Long duration_ms) {}
}
