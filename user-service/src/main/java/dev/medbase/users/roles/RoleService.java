package dev.medbase.users.roles;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.bson.Document;
import org.bson.types.ObjectId;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.mongodb.core.FindAndModifyOptions;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Service;

import dev.medbase.platform.error.ExhError;
import dev.medbase.platform.error.ExhException;
import dev.medbase.platform.events.EventPublisher;
import dev.medbase.platform.rql.FieldType;
import dev.medbase.platform.rql.PageEnvelope;
import dev.medbase.platform.rql.RqlPaging;
import dev.medbase.platform.rql.RqlQuery;
import dev.medbase.platform.rql.RqlTranslator;
import dev.medbase.users.accounts.StoredUser;
import dev.medbase.users.accounts.UserQueries;
import dev.medbase.users.events.UserEvents;
import dev.medbase.users.web.AffectedRecords;
import dev.medbase.users.web.Bulk;
import dev.medbase.users.web.Times;

/** Global roles: CRUD, their permissions, and their assignment to users. */
@Service
public class RoleService {

    static final RqlTranslator ROLES = RqlTranslator.builder()
            .field("id", "_id", FieldType.OBJECT_ID)
            .field("name", FieldType.STRING)
            .field("description", FieldType.STRING)
            .field("permissions", FieldType.STRING)
            .field("permissions.name", "permissions", FieldType.STRING)
            .field("creation_timestamp", FieldType.DATE)
            .field("update_timestamp", FieldType.DATE)
            .camelCaseAliases()
            .build();

    private final MongoTemplate mongo;
    private final EventPublisher events;
    private final Clock clock;

    public RoleService(MongoTemplate mongo, EventPublisher events, Clock clock) {
        this.mongo = mongo;
        this.events = events;
        this.clock = clock;
    }

    public PageEnvelope<Role> find(RqlQuery rql) {
        return RqlPaging.find(mongo, ROLES.toQuery(rql), rql, StoredRole.class, StoredRole.COLLECTION, Role::of);
    }

    public Role create(String name, String description) {
        Instant now = clock.instant();
        ObjectId id = new ObjectId();
        Document role = new Document("_id", id).append("name", name).append("description", description)
                .append("permissions", List.of()).append("creation_timestamp", Times.date(now))
                .append("update_timestamp", Times.date(now));
        try {
            mongo.insert(role, StoredRole.COLLECTION);
        } catch (DuplicateKeyException e) {
            throw nameTaken(name);
        }
        events.publish(UserEvents.ROLE_CREATED, id.toHexString(), Map.of("id", id.toHexString(), "name", name));
        return Role.of(mongo.findById(id, StoredRole.class, StoredRole.COLLECTION));
    }

    public Role update(ObjectId id, String name, String description) {
        Update update = new Update().set("update_timestamp", Times.date(clock.instant()));
        if (name != null) {
            update.set("name", name);
        }
        if (description != null) {
            update.set("description", description);
        }
        StoredRole role;
        try {
            role = mongo.findAndModify(Query.query(Criteria.where("_id").is(id)), update,
                    FindAndModifyOptions.options().returnNew(true), StoredRole.class, StoredRole.COLLECTION);
        } catch (DuplicateKeyException e) {
            throw nameTaken(name);
        }
        if (role == null) {
            throw new ExhException(ExhError.RESOURCE_UNKNOWN_EXCEPTION, "Unknown role " + id.toHexString());
        }
        Map<String, Object> content = new LinkedHashMap<>();
        content.put("id", id.toHexString());
        content.put("name", role.name());
        events.publish(UserEvents.ROLE_UPDATED, id.toHexString(), content);
        return Role.of(role);
    }

    /** Deletes the roles the RQL selects and takes them away from every user; 16 when it selects none. */
    public AffectedRecords delete(RqlQuery rql) {
        List<StoredRole> roles = selected(rql);
        List<ObjectId> ids = roles.stream().map(StoredRole::id).toList();
        long removed = mongo.remove(Query.query(Criteria.where("_id").in(ids)), StoredRole.COLLECTION)
                .getDeletedCount();
        mongo.updateMulti(Query.query(Criteria.where("roles").in(ids)),
                new Update().pullAll("roles", ids.toArray()), StoredUser.COLLECTION);
        for (StoredRole role : roles) {
            events.publish(UserEvents.ROLE_DELETED, role.id().toHexString(),
                    Map.of("id", role.id().toHexString(), "name", role.name()));
        }
        return AffectedRecords.of(removed);
    }

    public AffectedRecords addPermissions(RqlQuery rql, List<String> permissions) {
        return changePermissions(rql, permissions, true);
    }

    public AffectedRecords removePermissions(RqlQuery rql, List<String> permissions) {
        return changePermissions(rql, permissions, false);
    }

    private AffectedRecords changePermissions(RqlQuery rql, List<String> permissions, boolean add) {
        List<ObjectId> ids = selected(rql).stream().map(StoredRole::id).toList();
        Update update = new Update().set("update_timestamp", Times.date(clock.instant()));
        if (add) {
            update.addToSet("permissions").each(permissions.toArray());
        } else {
            update.pullAll("permissions", permissions.toArray());
        }
        long matched = mongo.updateMulti(Query.query(Criteria.where("_id").in(ids)), update, StoredRole.COLLECTION)
                .getMatchedCount();
        for (ObjectId id : ids) {
            events.publish(add ? UserEvents.ROLE_PERMISSIONS_ADDED : UserEvents.ROLE_PERMISSIONS_REMOVED,
                    id.toHexString(), Map.of("role_id", id.toHexString(), "permissions", permissions));
        }
        return AffectedRecords.of(matched);
    }

    /** Adds global roles to the users the RQL selects; every role must exist (16). */
    public AffectedRecords addToUsers(RqlQuery rql, List<ObjectId> roleIds) {
        return changeUserRoles(rql, roleIds, true);
    }

    /** Takes global roles from the users the RQL selects. */
    public AffectedRecords removeFromUsers(RqlQuery rql, List<ObjectId> roleIds) {
        return changeUserRoles(rql, roleIds, false);
    }

    private AffectedRecords changeUserRoles(RqlQuery rql, List<ObjectId> roleIds, boolean add) {
        Query users = Bulk.query(UserQueries.FULL, rql);
        users.fields().include("_id");
        if (add) {
            long known = mongo.count(Query.query(Criteria.where("_id").in(roleIds)), StoredRole.COLLECTION);
            if (known != roleIds.size()) {
                throw new ExhException(ExhError.RESOURCE_UNKNOWN_EXCEPTION, "One or more roles are unknown");
            }
        }
        List<ObjectId> userIds = mongo.find(users, Document.class, StoredUser.COLLECTION).stream()
                .map(d -> d.getObjectId("_id")).toList();
        if (userIds.isEmpty()) {
            return AffectedRecords.of(0);
        }
        Update update = new Update().set("update_timestamp", Times.date(clock.instant()));
        if (add) {
            update.addToSet("roles").each(roleIds.toArray());
        } else {
            update.pullAll("roles", roleIds.toArray());
        }
        long matched = mongo.updateMulti(Query.query(Criteria.where("_id").in(userIds)), update,
                StoredUser.COLLECTION).getMatchedCount();
        List<String> hexRoles = roleIds.stream().map(ObjectId::toHexString).toList();
        for (ObjectId userId : userIds) {
            events.publish(add ? UserEvents.USER_ROLES_ADDED : UserEvents.USER_ROLES_REMOVED, userId.toHexString(),
                    Map.of("user_id", userId.toHexString(), "roles", hexRoles));
        }
        return AffectedRecords.of(matched);
    }

    /** The roles a bulk RQL selects: 20 without a filter, 16 when nothing matches. */
    private List<StoredRole> selected(RqlQuery rql) {
        List<StoredRole> roles = mongo.find(Bulk.query(ROLES, rql), StoredRole.class, StoredRole.COLLECTION);
        if (roles.isEmpty()) {
            throw new ExhException(ExhError.RESOURCE_UNKNOWN_EXCEPTION, "No role matches the query");
        }
        return roles;
    }

    private static ExhException nameTaken(String name) {
        return new ExhException(ExhError.RESOURCE_ALREADY_EXISTS_EXCEPTION, "A role named '" + name + "' exists");
    }
}
