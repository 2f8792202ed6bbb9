package dev.medbase.events.dispatchers;

import java.util.Map;

import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

import dev.medbase.platform.openapi.AffectedRecordsDoc;
import dev.medbase.platform.openapi.ApiBody;
import dev.medbase.platform.rql.PageEnvelope;
import dev.medbase.platform.rql.RqlQuery;
import dev.medbase.platform.security.Caller;

/**
 * {@code /dispatchers/v1} as the SDK's {@code exh.dispatchers} and {@code exh.dispatchers.actions} call it: bodies
 * and responses camelCase, sent as given (the SDK does not convert them), timestamps ISO-8601, updates and deletes
 * answering {@code {affectedRecords}}.
 */
@RestController
class DispatchersController {

    private final Dispatchers dispatchers;

    DispatchersController(Dispatchers dispatchers) {
        this.dispatchers = dispatchers;
    }

    @ApiBody(page = DispatcherDocs.Dispatcher.class)
    @GetMapping({"/dispatchers/v1", "/dispatchers/v1/"})
    PageEnvelope<Map<String, Object>> find(Caller caller, RqlQuery rql) {
        caller.requirePermission("VIEW_DISPATCHERS");
        return dispatchers.find(rql);
    }

    @ApiBody(request = DispatcherDocs.NewDispatcher.class, response = DispatcherDocs.Dispatcher.class)
    @PostMapping({"/dispatchers/v1", "/dispatchers/v1/"})
    Map<String, Object> create(Caller caller, @RequestBody(required = false) JsonNode body) {
        caller.requirePermission("CREATE_DISPATCHERS");
        return dispatchers.create(body);
    }

    @ApiBody(request = DispatcherDocs.DispatcherChanges.class, response = AffectedRecordsDoc.class)
    @PutMapping("/dispatchers/v1/{dispatcherId}")
    Map<String, Object> update(Caller caller, @PathVariable String dispatcherId,
                               @RequestBody(required = false) JsonNode body) {
        caller.requirePermission("UPDATE_DISPATCHERS");
        return dispatchers.update(dispatcherId, body);
    }

    @ApiBody(response = AffectedRecordsDoc.class)
    @DeleteMapping("/dispatchers/v1/{dispatcherId}")
    Map<String, Object> delete(Caller caller, @PathVariable String dispatcherId) {
        caller.requirePermission("DELETE_DISPATCHERS");
        return dispatchers.delete(dispatcherId);
    }

    @ApiBody(request = DispatcherDocs.Action.class, response = DispatcherDocs.Action.class)
    @PostMapping("/dispatchers/v1/{dispatcherId}/actions")
    Map<String, Object> addAction(Caller caller, @PathVariable String dispatcherId,
                                  @RequestBody(required = false) JsonNode body) {
        caller.requirePermission("UPDATE_DISPATCHERS");
        return dispatchers.addAction(dispatcherId, body);
    }

    @ApiBody(request = DispatcherDocs.Action.class, response = AffectedRecordsDoc.class)
    @PutMapping("/dispatchers/v1/{dispatcherId}/actions/{actionId}")
    Map<String, Object> updateAction(Caller caller, @PathVariable String dispatcherId, @PathVariable String actionId,
                                     @RequestBody(required = false) JsonNode body) {
        caller.requirePermission("UPDATE_DISPATCHERS");
        return dispatchers.updateAction(dispatcherId, actionId, body);
    }

    @ApiBody(response = AffectedRecordsDoc.class)
    @DeleteMapping("/dispatchers/v1/{dispatcherId}/actions/{actionId}")
    Map<String, Object> removeAction(Caller caller, @PathVariable String dispatcherId,
                                     @PathVariable String actionId) {
        caller.requirePermission("UPDATE_DISPATCHERS");
        return dispatchers.removeAction(dispatcherId, actionId);
    }
}
