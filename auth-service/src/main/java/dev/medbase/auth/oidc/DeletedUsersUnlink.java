package dev.medbase.auth.oidc;

import java.util.Collection;
import java.util.List;

import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.stereotype.Component;

import dev.medbase.platform.events.EventEnvelope;
import dev.medbase.platform.events.EventHandler;
import dev.medbase.platform.events.EventTopics;
import dev.medbase.platform.events.PoisonEventException;

/**
 * A deleted user's OIDC links go with them ({@code user_deleted} on {@code medbase.users}): the provider account can
 * log in again (as a new user), and the provider can be removed once no live user is linked.
 */
@Component
class DeletedUsersUnlink implements EventHandler {

    private final MongoTemplate mongo;

    DeletedUsersUnlink(MongoTemplate mongo) {
        this.mongo = mongo;
    }

    @Override
    public Collection<String> topics() {
        return List.of(EventTopics.forSource("users"));
    }

    @Override
    public Collection<String> types() {
        return List.of("user_deleted");
    }

    @Override
    public void handle(EventEnvelope event) {
        if (!(event.content().get("id") instanceof String userId) || userId.isBlank()) {
            throw new PoisonEventException("Event " + event.id() + " (user_deleted) names no user");
        }
        mongo.remove(Query.query(Criteria.where("userId").is(userId)), OidcProviders.LINKS);
    }
}
