package dev.medbase.events.subscriptions;

import java.util.Map;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

import dev.medbase.platform.openapi.ApiBody;
import dev.medbase.platform.rql.PageEnvelope;
import dev.medbase.platform.rql.RqlQuery;
import dev.medbase.platform.security.Caller;

/** {@code GET /events/v1/subscriptions{rql}} and {@code POST /events/v1/subscriptions} (contract §10, NICE). */
@RestController
class SubscriptionsController {

    private final Subscriptions subscriptions;

    SubscriptionsController(Subscriptions subscriptions) {
        this.subscriptions = subscriptions;
    }

    @ApiBody(page = SubscriptionDocs.Subscription.class)
    @GetMapping({"/events/v1/subscriptions", "/events/v1/subscriptions/"})
    PageEnvelope<Map<String, Object>> find(Caller caller, RqlQuery rql) {
        caller.requirePermission("VIEW_SUBSCRIPTIONS");
        return subscriptions.find(rql);
    }

    @ApiBody(request = SubscriptionDocs.NewSubscription.class, response = SubscriptionDocs.Subscription.class)
    @PostMapping({"/events/v1/subscriptions", "/events/v1/subscriptions/"})
    Map<String, Object> create(Caller caller, @RequestBody(required = false) JsonNode body) {
        caller.requirePermission("CREATE_SUBSCRIPTIONS");
        return subscriptions.create(body);
    }
}
