package dev.medbase.users.groups;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.bson.Document;
import org.bson.types.ObjectId;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.FindAndModifyOptions;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.index.Index;
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

/** Group roles: CRUD, permissions, assignment to the group's staff (contract §6.2 rows 45–52). */
@Service
public class GroupRoleService implements ApplicationRunner {

    static final RqlTranslator GROUP_ROLES = RqlTranslator.builder()
            .field("id", "_id", FieldType.OBJECT_ID)
            .field("group_id", FieldType.OBJECT_ID)
            .field("name", FieldType.STRING)
            .field("description", FieldType.STRING)
            .field("permissions", FieldType.STRING)
            .field("creation_timestamp", FieldType.DATE)
            .field("update_timestamp", FieldType.DATE)
            .camelCaseAliases()
            .build();

    private final MongoTemplate mongo;
    private final EventPublisher events;
    private final Clock clock;

    public GroupRoleService(MongoTemplate mongo, EventPublisher events, Clock clock) {
        this.mongo = mongo;
        this.events = events;
        this.clock = clock;
    }

    @Override
    public void run(ApplicationArguments args) {
        mongo.indexOps(StoredGroupRole.COLLECTION).createIndex(
                new Index().on("group_id", Sort.Direction.ASC).on("name", Sort.Direction.ASC).unique());
    }

    public PageEnvelope<GroupRole> find(ObjectId group, RqlQuery rql) {
        return RqlPaging.find(mongo, GROUP_ROLES.toQuery(rql, inGroup(group)), rql, StoredGroupRole.class,
                StoredGroupRole.COLLECTION, GroupRole::of);
    }

    public GroupRole create(ObjectId group, String name, String description) {
        Instant now = clock.instant();
        ObjectId id = new ObjectId();
        try {
            mongo.insert(new Document("_id", id).append("group_id", group).append("name", name)
                    .append("description", description).append("permissions", List.of())
                    .append("creation_timestamp", Times.date(now)).append("update_timestamp", Times.date(now)),
                    StoredGroupRole.COLLECTION);
        } catch (DuplicateKeyException e) {
            throw nameTaken(name);
        }
        events.publish(UserEvents.GROUP_ROLE_CREATED, id.toHexString(),
                Map.of("id", id.toHexString(), "group_id", group.toHexString(), "name", name));
        return GroupRole.of(mongo.findById(id, StoredGroupRole.class, StoredGroupRole.COLLECTION));
    }

    public GroupRole update(ObjectId group, ObjectId roleId, String name, String description) {
        Update update = new Update().set("update_timestamp", Times.date(clock.instant()));
        if (name != null) {
            update.set("name", name);
        }
        if (description != null) {
            update.set("description", description);
        }
        StoredGroupRole role;
        try {
            role = mongo.findAndModify(Query.query(Criteria.where("_id").is(roleId).and("group_id").is(group)),
                    update, FindAndModifyOptions.options().returnNew(true), StoredGroupRole.class,
                    StoredGroupRole.COLLECTION);
        } catch (DuplicateKeyException e) {
            throw nameTaken(name);
        }
        if (role == null) {
            throw new ExhException(ExhError.RESOURCE_UNKNOWN_EXCEPTION,
                    "Unknown role " + roleId.toHexString() + " in group " + group.toHexString());
        }
        events.publish(UserEvents.GROUP_ROLE_UPDATED, roleId.toHexString(),
                Map.of("id", roleId.toHexString(), "group_id", group.toHexString(), "name", role.name()));
        return GroupRole.of(role);
    }

    /** Deletes the group's roles the RQL selects (16 if none) and takes them from the group's staff. */
    public AffectedRecords delete(ObjectId group, RqlQuery rql) {
        return delete(group, selected(group, rql));
    }

    /** {@code DELETE /groups/{groupId}/roles/{roleId}} (the Postman form of the same call); 16 when unknown. */
    public AffectedRecords delete(ObjectId group, ObjectId roleId) {
        StoredGroupRole role = mongo.findOne(Query.query(Criteria.where("_id").is(roleId).and("group_id").is(group)),
                StoredGroupRole.class, StoredGroupRole.COLLECTION);
        if (role == null) {
            throw new ExhException(ExhError.RESOURCE_UNKNOWN_EXCEPTION,
                    "Unknown role " + roleId.toHexString() + " in group " + group.toHexString());
        }
        return delete(group, List.of(role));
    }

    private AffectedRecords delete(ObjectId group, List<StoredGroupRole> roles) {
        List<ObjectId> ids = roles.stream().map(StoredGroupRole::id).toList();
        long removed = mongo.remove(Query.query(Criteria.where("_id").in(ids)), StoredGroupRole.COLLECTION)
                .getDeletedCount();
        for (ObjectId userId : staffHolding(group, ids)) {
            mongo.updateFirst(staffEnlistment(userId, group),
                    new Update().pullAll("staff_enlistments.$.roles", ids.toArray()), StoredUser.COLLECTION);
        }
        for (StoredGroupRole role : roles) {
            events.publish(UserEvents.GROUP_ROLE_DELETED, role.id().toHexString(), Map.of("id",
                    role.id().toHexString(), "group_id", group.toHexString(), "name", role.name()));
        }
        return AffectedRecords.of(removed);
    }

    public AffectedRecords changePermissions(ObjectId group, RqlQuery rql, List<String> permissions, boolean add) {
        List<ObjectId> ids = selected(group, rql).stream().map(StoredGroupRole::id).toList();
        Update update = new Update().set("update_timestamp", Times.date(clock.instant()));
        if (add) {
            update.addToSet("permissions").each(permissions.toArray());
        } else {
            update.pullAll("permissions", permissions.toArray());
        }
        long matched = mongo.updateMulti(Query.query(Criteria.where("_id").in(ids)), update,
                StoredGroupRole.COLLECTION).getMatchedCount();
        for (ObjectId id : ids) {
            events.publish(add ? UserEvents.GROUP_ROLE_PERMISSIONS_ADDED : UserEvents.GROUP_ROLE_PERMISSIONS_REMOVED,
                    id.toHexString(), Map.of("role_id", id.toHexString(), "group_id", group.toHexString(),
                            "permissions", permissions));
        }
        return AffectedRecords.of(matched);
    }

    /**
     * Adds (or removes) group roles to the staff enlistment in this group of every user the RQL selects; users who
     * are not staff of the group are left alone. Added roles must be roles of this group (16).
     */
    public AffectedRecords changeStaffRoles(ObjectId group, RqlQuery rql, List<ObjectId> roleIds, boolean add) {
        Query users = Bulk.query(UserQueries.FULL, rql, Criteria.where("staff_enlistments.group_id").is(group));
        users.fields().include("_id");
        if (add) {
            long known = mongo.count(Query.query(Criteria.where("_id").in(roleIds).and("group_id").is(group)),
                    StoredGroupRole.COLLECTION);
            if (known != roleIds.size()) {
                throw new ExhException(ExhError.RESOURCE_UNKNOWN_EXCEPTION,
                        "One or more roles are not roles of group " + group.toHexString());
            }
        }
        List<ObjectId> userIds = mongo.find(users, Document.class, StoredUser.COLLECTION).stream()
                .map(d -> d.getObjectId("_id")).toList();
        Instant now = clock.instant();
        List<String> hexRoles = roleIds.stream().map(ObjectId::toHexString).toList();
        long affected = 0;
        for (ObjectId userId : userIds) {
            Update update = new Update().set("staff_enlistments.$.update_timestamp", Times.date(now))
                    .set("update_timestamp", Times.date(now));
            if (add) {
                update.addToSet("staff_enlistments.$.roles").each(roleIds.toArray());
            } else {
                update.pullAll("staff_enlistments.$.roles", roleIds.toArray());
            }
            if (mongo.updateFirst(staffEnlistment(userId, group), update, StoredUser.COLLECTION)
                    .getMatchedCount() == 1) {
                affected++;
                Map<String, Object> content = new LinkedHashMap<>();
                content.put("user_id", userId.toHexString());
                content.put("group_id", group.toHexString());
                content.put("roles", hexRoles);
                events.publish(add ? UserEvents.STAFF_ROLES_ADDED : UserEvents.STAFF_ROLES_REMOVED,
                        userId.toHexString(), content);
            }
        }
        return AffectedRecords.of(affected);
    }

    private List<ObjectId> staffHolding(ObjectId group, List<ObjectId> roleIds) {
        Query query = Query.query(Criteria.where("staff_enlistments")
                .elemMatch(Criteria.where("group_id").is(group).and("roles").in(roleIds)));
        query.fields().include("_id");
        return mongo.find(query, Document.class, StoredUser.COLLECTION).stream()
                .map(d -> d.getObjectId("_id")).toList();
    }

    /** The user's document, positioned ({@code $}) on its staff enlistment in the group. */
    static Query staffEnlistment(ObjectId userId, ObjectId group) {
        return Query.query(Criteria.where("_id").is(userId).and("staff_enlistments.group_id").is(group));
    }

    /** The group's roles a bulk RQL selects: 20 without a filter, 16 when none. */
    private List<StoredGroupRole> selected(ObjectId group, RqlQuery rql) {
        List<StoredGroupRole> roles = mongo.find(Bulk.query(GROUP_ROLES, rql, inGroup(group)),
                StoredGroupRole.class, StoredGroupRole.COLLECTION);
        if (roles.isEmpty()) {
            throw new ExhException(ExhError.RESOURCE_UNKNOWN_EXCEPTION,
                    "No role of group " + group.toHexString() + " matches the query");
        }
        return roles;
    }

    private static Criteria inGroup(ObjectId group) {
        return Criteria.where("group_id").is(group);
    }

    private static ExhException nameTaken(String name) {
        return new ExhException(ExhError.RESOURCE_ALREADY_EXISTS_EXCEPTION,
                "The group already has a role named '" + name + "'");
    }
}
