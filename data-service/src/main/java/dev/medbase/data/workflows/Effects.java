package dev.medbase.data.workflows;

import java.util.ArrayList;
import java.util.List;

import tools.jackson.databind.node.ObjectNode;

import dev.medbase.data.schemas.Schema;

/** What a creation or transition did besides changing the document: the transitions run and the tasks requested. */
public final class Effects {

    /** One transition that ran. {@code transition.id()} is null for the creation transition. */
    public record Run(Schema.Transition transition, String fromStatus, String toStatus, boolean automatic,
                      List<String> actions) {
    }

    /** A {@code task} action or afterAction: task-service creates the task from the event. */
    public record TaskRequest(String functionName, Integer priority, ObjectNode data, Schema.Transition transition,
                              boolean afterAction) {
    }

    final List<Run> runs = new ArrayList<>();
    final List<TaskRequest> tasks = new ArrayList<>();

    public List<Run> runs() {
        return runs;
    }

    public List<TaskRequest> tasks() {
        return tasks;
    }
}
