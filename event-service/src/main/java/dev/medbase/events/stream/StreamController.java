package dev.medbase.events.stream;

import java.io.IOException;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import dev.medbase.events.store.StoredEvents;
import dev.medbase.platform.error.ExhErrorHandler;
import dev.medbase.platform.error.ExhException;
import dev.medbase.platform.rql.Rql;
import dev.medbase.platform.rql.RqlQuery;
import dev.medbase.platform.security.Caller;

/**
 * {@code GET /events/v1/stream{rql}} (extension): Server-Sent Events of events as they are stored, for callers with
 * {@code VIEW_EVENTS}. Each message is {@code id: <event id>} and {@code data: <the event object>}, as
 * {@code GET /events/v1/} shows it; an RQL filter narrows the stream ({@code ?eq(type,user_created)}; sort, select and
 * limit do not apply). A client that reconnects with {@code Last-Event-ID} gets what was stored after that event.
 * Errors before the stream opens are the usual ExH JSON errors.
 */
@RestController
class StreamController {

    private final StreamHub hub;

    StreamController(StreamHub hub) {
        this.hub = hub;
    }

    @GetMapping({"/events/v1/stream", "/events/v1/stream/"})
    SseEmitter stream(Caller caller, HttpServletRequest request, HttpServletResponse response) throws IOException {
        try {
            caller.requirePermission("VIEW_EVENTS");
            RqlQuery rql = Rql.parse(request.getQueryString());
            Criteria filter = rql.hasFilter() ? StoredEvents.RQL.toCriteria(rql.filter()) : null;
            return hub.subscribe(filter, request.getHeader("Last-Event-ID"));
        } catch (ExhException e) {
            // written here: the client asked for text/event-stream, which the JSON error advice cannot produce
            ExhErrorHandler.write(response, e.error().status(), e.error(), e.getMessage());
            return null;
        }
    }
}
