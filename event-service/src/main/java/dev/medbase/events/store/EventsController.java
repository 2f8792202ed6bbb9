package dev.medbase.events.store;

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

/** {@code GET /events/v1/{rql}} and {@code POST /events/v1/} (contract §10). */
@RestController
class EventsController {

    private final StoredEvents events;
    private final CustomEvents custom;

    EventsController(StoredEvents events, CustomEvents custom) {
        this.events = events;
        this.custom = custom;
    }

    @ApiBody(page = EventDocs.Event.class)
    @GetMapping({"/events/v1", "/events/v1/"})
    PageEnvelope<Map<String, Object>> find(Caller caller, RqlQuery rql) {
        caller.requirePermission("VIEW_EVENTS");
        return events.find(rql);
    }

    @ApiBody(request = EventDocs.NewEvent.class, response = EventDocs.Event.class)
    @PostMapping({"/events/v1", "/events/v1/"})
    Map<String, Object> create(Caller caller, @RequestBody(required = false) JsonNode body) {
        caller.requirePermission("CREATE_EVENTS");
        return custom.create(body);
    }
}
