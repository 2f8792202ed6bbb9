package dev.medbase.users.groups;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import org.bson.Document;
import org.bson.types.ObjectId;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Service;

import dev.medbase.platform.error.ExhError;
import dev.medbase.platform.error.ExhException;
import dev.medbase.platform.events.EventPublisher;
import dev.medbase.platform.rql.PageEnvelope;
import dev.medbase.platform.rql.RqlQuery;
import dev.medbase.platform.security.Caller;
import dev.medbase.users.accounts.StoredUser;
import dev.medbase.users.accounts.UserAccess;
import dev.medbase.users.accounts.UserQueries;
import dev.medbase.users.accounts.UserService;
import dev.medbase.users.events.UserEvents;
import dev.medbase.users.web.AffectedRecords;
import dev.medbase.users.web.Bulk;
import dev.medbase.users.web.Times;

/**
 * Patient and staff enlistments, and the patient and staff lists (contract §6.2 rows 7, 8, 19, 20, 53, 54). A group
 * is only an ObjectId shared by enlistments and group roles; there is no group document.
 */
@Service
public class EnlistmentService {

    private final MongoTemplate mongo;
    private final UserService users;
    private final EventPublisher events;
    private final Clock clock;

    public EnlistmentService(MongoTemplate mongo, UserService users, EventPublisher events, Clock clock) {
        this.mongo = mongo;
        this.users = users;
        this.events = events;
        this.clock = clock;
    }

    /** {@code ADD_PATIENT} (global, or from a group role in that group); 16 unknown user, 17 already enlisted. */
    public AffectedRecords addPatient(Caller caller, ObjectId userId, ObjectId group, Instant expiry) {
        GroupAccess.require(caller, group, "ADD_PATIENT");
        Instant now = clock.instant();
        Document enlistment = new Document("group_id", group);
        if (expiry != null) {
            enlistment.append("expiry_timestamp", Times.date(expiry));
        }
        enlistment.append("creation_timestamp", Times.date(now));
        long matched = mongo.updateFirst(
                Query.query(Criteria.where("_id").is(userId).and("patient_enlistments.group_id").ne(group)),
                new Update().push("patient_enlistments", enlistment).set("update_timestamp", Times.date(now)),
                StoredUser.COLLECTION).getMatchedCount();
        if (matched == 0) {
            users.load(userId); // 16 when the user does not exist
            throw new ExhException(ExhError.RESOURCE_ALREADY_EXISTS_EXCEPTION,
                    "The user is already a patient of group " + group.toHexString());
        }
        events.publish(UserEvents.PATIENT_ENLISTMENT_ADDED, userId.toHexString(),
                Map.of("user_id", userId.toHexString(), "group_id", group.toHexString()));
        return AffectedRecords.of(1);
    }

    /** Yourself, {@code REMOVE_PATIENT} in the group or globally; 16 when the user or the enlistment is unknown. */
    public AffectedRecords removePatient(Caller caller, ObjectId userId, ObjectId group) {
        caller.requireUser();
        if (!UserAccess.isSelf(caller, userId)) {
            GroupAccess.require(caller, group, "REMOVE_PATIENT");
        }
        long matched = mongo.updateFirst(
                Query.query(Criteria.where("_id").is(userId).and("patient_enlistments.group_id").is(group)),
                new Update().pull("patient_enlistments", new Document("group_id", group))
                        .set("update_timestamp", Times.date(clock.instant())),
                StoredUser.COLLECTION).getMatchedCount();
        if (matched == 0) {
            users.load(userId);
            throw new ExhException(ExhError.RESOURCE_UNKNOWN_EXCEPTION,
                    "The user is not a patient of group " + group.toHexString());
        }
        events.publish(UserEvents.PATIENT_ENLISTMENT_REMOVED, userId.toHexString(),
                Map.of("user_id", userId.toHexString(), "group_id", group.toHexString()));
        return AffectedRecords.of(1);
    }

    /**
     * {@code POST /add_to_staff?…}: enlists the selected users as staff (no roles yet) of every group; {@code ADD_STAFF}
     * is needed for each group, globally or from a group role there. Returns the number of users selected.
     */
    public AffectedRecords addToStaff(Caller caller, RqlQuery rql, List<ObjectId> groups) {
        caller.requireUser();
        groups.forEach(g -> GroupAccess.require(caller, g, "ADD_STAFF"));
        List<ObjectId> userIds = selectedUsers(rql);
        Instant now = clock.instant();
        for (ObjectId userId : userIds) {
            for (ObjectId group : groups) {
                Document enlistment = new Document("group_id", group).append("roles", List.of())
                        .append("creation_timestamp", Times.date(now)).append("update_timestamp", Times.date(now));
                long added = mongo.updateFirst(
                        Query.query(Criteria.where("_id").is(userId).and("staff_enlistments.group_id").ne(group)),
                        new Update().push("staff_enlistments", enlistment).set("update_timestamp", Times.date(now)),
                        StoredUser.COLLECTION).getModifiedCount();
                if (added == 1) {
                    events.publish(UserEvents.STAFF_ENLISTMENT_ADDED, userId.toHexString(),
                            Map.of("user_id", userId.toHexString(), "group_id", group.toHexString()));
                }
            }
        }
        return AffectedRecords.of(userIds.size());
    }

    /** {@code POST /remove_from_staff?…}: {@code REMOVE_STAFF} for each group, globally or from a group role there. */
    public AffectedRecords removeFromStaff(Caller caller, RqlQuery rql, List<ObjectId> groups) {
        caller.requireUser();
        groups.forEach(g -> GroupAccess.require(caller, g, "REMOVE_STAFF"));
        List<ObjectId> userIds = selectedUsers(rql);
        Instant now = clock.instant();
        for (ObjectId userId : userIds) {
            for (ObjectId group : groups) {
                long removed = mongo.updateFirst(
                        Query.query(Criteria.where("_id").is(userId).and("staff_enlistments.group_id").is(group)),
                        new Update().pull("staff_enlistments", new Document("group_id", group))
                                .set("update_timestamp", Times.date(now)),
                        StoredUser.COLLECTION).getModifiedCount();
                if (removed == 1) {
                    events.publish(UserEvents.STAFF_ENLISTMENT_REMOVED, userId.toHexString(),
                            Map.of("user_id", userId.toHexString(), "group_id", group.toHexString()));
                }
            }
        }
        return AffectedRecords.of(userIds.size());
    }

    /** {@code GET /patients}: {@code VIEW_PATIENTS} sees every patient; staff see the patients of their groups. */
    public PageEnvelope<?> patients(Caller caller, RqlQuery rql) {
        caller.requireUser();
        Predicate<ObjectId> groups;
        Criteria scope;
        if (caller.hasPermission("VIEW_PATIENTS")) {
            groups = g -> true;
            scope = Criteria.where("patient_enlistments.group_id").exists(true);
        } else {
            List<ObjectId> staffGroups = ids(caller.staffGroups().keySet());
            if (staffGroups.isEmpty()) {
                throw new ExhException(ExhError.NO_PERMISSION_EXCEPTION,
                        "Permission VIEW_PATIENTS or a staff enlistment is required");
            }
            groups = staffGroups::contains;
            scope = Criteria.where("patient_enlistments.group_id").in(staffGroups);
        }
        UserAccess access = new UserAccess(UserAccess.View.PATIENT, groups);
        return users.page(caller, rql, UserQueries.LIMITED, scope, u -> access);
    }

    /**
     * {@code GET /staff}: {@code VIEW_STAFF} sees all staff; staff and patients see the staff of their groups (only
     * those enlistments).
     */
    public PageEnvelope<?> staff(Caller caller, RqlQuery rql) {
        caller.requireUser();
        Predicate<ObjectId> groups;
        Criteria scope;
        if (caller.hasPermission("VIEW_STAFF")) {
            groups = g -> true;
            scope = Criteria.where("staff_enlistments.group_id").exists(true);
        } else {
            List<ObjectId> memberGroups = new ArrayList<>(ids(caller.staffGroups().keySet()));
            memberGroups.addAll(ids(caller.patientGroups()));
            if (memberGroups.isEmpty()) {
                throw new ExhException(ExhError.NO_PERMISSION_EXCEPTION,
                        "Permission VIEW_STAFF or an enlistment in a group is required");
            }
            groups = memberGroups::contains;
            scope = Criteria.where("staff_enlistments.group_id").in(memberGroups);
        }
        UserAccess access = new UserAccess(UserAccess.View.STAFF, groups);
        return users.page(caller, rql, UserQueries.LIMITED, scope, u -> access);
    }

    private List<ObjectId> selectedUsers(RqlQuery rql) {
        Query query = Bulk.query(UserQueries.FULL, rql);
        query.fields().include("_id");
        return mongo.find(query, Document.class, StoredUser.COLLECTION).stream().map(d -> d.getObjectId("_id"))
                .toList();
    }

    private static List<ObjectId> ids(java.util.Collection<String> hex) {
        return hex.stream().filter(ObjectId::isValid).map(ObjectId::new).toList();
    }
}
