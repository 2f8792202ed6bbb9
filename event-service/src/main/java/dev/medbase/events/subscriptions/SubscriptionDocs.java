package dev.medbase.events.subscriptions;

import java.util.List;

import io.swagger.v3.oas.annotations.media.Schema;

/**
 * Documentation only (OpenAPI, {@code @ApiBody} on {@link SubscriptionsController}): subscriptions (contract §10),
 * snake_case as on the wire (eventTypes is accepted for event_types).
 */
final class SubscriptionDocs {

    private SubscriptionDocs() {
    }

    @Schema(description = "A service's subscription to event types", example = """
            {"service": {"name": "reports-service", "version": {"major": 1, "minor": 2, "patch": 0}},
             "event_types": ["user_created", "user_deleted"], "retriable": true}""")
    record NewSubscription(Service service, List<String> event_types, Boolean retriable) {}

    record Service(String name, Version version) {}

    record Version(int major, int minor, int patch) {}

    @Schema(description = "A subscription; timestamps are epoch milliseconds")
    record Subscription(String id, Service service, List<String> event_types, Boolean retriable,
                        Long creation_timestamp, Long update_timestamp) {}
}
