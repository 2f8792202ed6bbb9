package dev.medbase.events.dispatchers;

import java.util.List;
import java.util.Map;

import io.swagger.v3.oas.annotations.media.Schema;

/**
 * Documentation only (OpenAPI, {@code @ApiBody} on {@link DispatchersController}): dispatchers and their actions,
 * camelCase like the dispatchers service (unlike the snake_case events API); timestamps are ISO-8601.
 */
final class DispatcherDocs {

    private DispatcherDocs() {
    }

    @Schema(description = "An event type bound to mail and task actions", example = """
            {"name": "welcome-new-users", "description": "Greets every new user", "eventType": "user_created",
             "actions": [{"type": "mail", "name": "welcome mail", "templateId": "5e9fff9d90135a2a9a718e2f",
                          "recipients": {"to": ["$content.email"]}},
                         {"type": "task", "name": "onboarding", "functionName": "onboard-user",
                          "data": {"source": "dispatcher"}, "tags": ["onboarding"], "priority": 1}],
             "tags": ["onboarding"]}""")
    record NewDispatcher(String name, String description, String eventType, List<Action> actions,
                         List<String> tags) {}

    @Schema(description = "The fields to change (actions have their own endpoints)", example = """
            {"description": "Greets every new user, once", "tags": ["onboarding", "mail"]}""")
    record DispatcherChanges(String name, String description, String eventType, List<String> tags) {}

    @Schema(description = "A dispatcher")
    record Dispatcher(String id, String name, String description, String eventType, List<Action> actions,
                      List<String> tags, String creationTimestamp, String updateTimestamp) {}

    @Schema(description = "A mail action (templateId, recipients: addresses or $content.<path>) or a task action "
            + "(functionName, data, tags, startTimestamp, priority); the type cannot change", example = """
            {"type": "task", "name": "follow-up", "functionName": "follow-up-user", "data": {"days": 7},
             "priority": 2}""")
    record Action(String id, @Schema(allowableValues = {"mail", "task"}) String type, String name,
                  String description, String templateId, Recipients recipients, String functionName,
                  Map<String, Object> data, List<String> tags, String startTimestamp, Integer priority) {}

    record Recipients(List<String> to, List<String> cc, List<String> bcc) {}
}
