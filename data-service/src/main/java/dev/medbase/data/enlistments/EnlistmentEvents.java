package dev.medbase.data.enlistments;

import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Map;

import org.springframework.stereotype.Component;

import dev.medbase.platform.events.EventEnvelope;
import dev.medbase.platform.events.EventHandler;
import dev.medbase.platform.events.EventTopics;

/**
 * Keeps the {@link EnlistmentStore} in step with user-service: {@code patient_enlistment_added {user_id, group_id,
 * expiry_timestamp?}}, {@code patient_enlistment_removed {user_id, group_id}} and {@code user_deleted {id}} (camelCase
 * spellings accepted too), then re-syncs the groups of that user's documents.
 */
@Component
public class EnlistmentEvents implements EventHandler {

    private final EnlistmentStore store;
    private final GroupSync sync;

    public EnlistmentEvents(EnlistmentStore store, GroupSync sync) {
        this.store = store;
        this.sync = sync;
    }

    @Override
    public Collection<String> topics() {
        return List.of(EventTopics.forSource("users"));
    }

    @Override
    public Collection<String> types() {
        return List.of("patient_enlistment_added", "patient_enlistment_removed", "user_deleted");
    }

    @Override
    public void handle(EventEnvelope event) {
        Map<String, Object> content = event.content();
        String user = text(content, "user_id", "userId");
        String group = text(content, "group_id", "groupId");
        switch (event.type()) {
            case "patient_enlistment_added" -> {
                if (user == null || group == null) {
                    return;
                }
                Object expiry = content.containsKey("expiry_timestamp") ? content.get("expiry_timestamp")
                        : content.get("expiryTimestamp");
                store.add(user, group, expiry instanceof Number n ? new Date(n.longValue()) : null);
            }
            case "patient_enlistment_removed" -> {
                if (user == null || group == null) {
                    return;
                }
                store.remove(user, group);
            }
            default -> {
                user = user != null ? user : text(content, "id", "id");
                if (user == null) {
                    return;
                }
                store.removeUser(user);
            }
        }
        sync.userChanged(user);
    }

    private static String text(Map<String, Object> content, String snake, String camel) {
        Object v = content.containsKey(snake) ? content.get(snake) : content.get(camel);
        return v == null ? null : String.valueOf(v);
    }
}
