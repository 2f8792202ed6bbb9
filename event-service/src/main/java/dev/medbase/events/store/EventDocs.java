package dev.medbase.events.store;

import java.util.Map;

import io.swagger.v3.oas.annotations.media.Schema;

/**
 * Documentation only (OpenAPI, {@code @ApiBody} on {@link EventsController}): events (contract §10), snake_case as on
 * the wire; {@code content} is the publisher's own JSON.
 */
final class EventDocs {

    private EventDocs() {
    }

    @Schema(description = "A custom event to publish", example = """
            {"type": "device_paired", "content": {"device_id": "ab-1234", "user_id": "6310a263cff47e0008fb2221"}}""")
    record NewEvent(String type, Map<String, Object> content) {}

    @Schema(description = "An event; creation_timestamp is epoch milliseconds")
    record Event(String id, String type, Map<String, Object> content, Long creation_timestamp) {}
}
