package dev.medbase.tasks.queue;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import dev.medbase.platform.events.EventEnvelope;
import dev.medbase.platform.events.EventHandler;
import dev.medbase.platform.events.EventTopics;
import dev.medbase.tasks.functions.FunctionService;

/**
 * Creates tasks from {@code task_requested} commands: data-service transition actions on {@code medbase.data}
 * (docs/events-data.md) and event-service dispatcher commands on {@code medbase.events} (docs/events.md):
 * {@code {functionName, data?, priority?, tags?, startTimestamp?, initiatorId?}}; a null priority means the
 * function's default. One task per event
 * id, even when an event is delivered twice. A request without a functionName is dropped with a warning (retrying
 * would not help).
 */
@Component
public class TaskRequestedHandler implements EventHandler {

    private static final Logger log = LoggerFactory.getLogger(TaskRequestedHandler.class);

    private final TaskQueue queue;
    private final FunctionService functions;

    public TaskRequestedHandler(TaskQueue queue, FunctionService functions) {
        this.queue = queue;
        this.functions = functions;
    }

    @Override
    public Collection<String> topics() {
        // not medbase.custom: anyone with CREATE_EVENTS could publish there and so create tasks without CREATE_TASKS
        return List.of(EventTopics.forSource("data"), EventTopics.forSource("events"));
    }

    @Override
    public Collection<String> types() {
        return List.of("task_requested");
    }

    @Override
    @SuppressWarnings("unchecked")
    public void handle(EventEnvelope event) {
        Map<String, Object> c = event.content();
        if (!(c.get("functionName") instanceof String fn) || fn.isBlank()) {
            log.warn("Dropped task_requested {} without a functionName", event.id());
            return;
        }
        Map<String, Object> data = c.get("data") instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
        Integer priority = c.get("priority") instanceof Number n ? n.intValue()
                : functions.find(fn).map(f -> f.defaultPriority()).orElse(null);
        List<String> tags = new ArrayList<>();
        if (c.get("tags") instanceof List<?> l) {
            l.forEach(t -> tags.add(String.valueOf(t)));
        }
        java.time.Instant start = null;
        if (c.get("startTimestamp") instanceof String s) {
            try {
                start = java.time.OffsetDateTime.parse(s).toInstant();
            } catch (java.time.format.DateTimeParseException e) {
                // runs now
            }
        }
        queue.createOnce(new TaskQueue.NewTask(fn, data, tags, start, priority == null ? 0 : priority,
                c.get("initiatorId") instanceof String u ? u : null, null, null, event.source() + ":" + event.id()));
    }
}
