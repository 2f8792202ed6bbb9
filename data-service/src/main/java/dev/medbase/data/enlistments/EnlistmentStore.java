package dev.medbase.data.enlistments;

import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.Set;

import org.bson.Document;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Component;

/**
 * The data service's own copy of patient enlistments (which user is a patient of which group), kept from
 * user-service's {@code patient_enlistment_added}/{@code patient_enlistment_removed}/{@code user_deleted} events: the
 * data service never reads another service's database. Used by {@code linkEnlistedGroups}, the
 * {@code isStaffOfTargetPatient} condition and {@code groupSyncMode}. Collection {@code patient_enlistments}:
 * {@code {_id: "<userId>:<groupId>", userId, groupId, expiryTimestamp?: Date, updateTimestamp: Date}}.
 */
@Component
public class EnlistmentStore {

    static final String COLLECTION = "patient_enlistments";
    private final MongoTemplate mongo;

    public EnlistmentStore(MongoTemplate mongo) {
        this.mongo = mongo;
    }

    public void add(String userId, String groupId, Date expiry) {
        Update update = new Update().set("userId", userId).set("groupId", groupId).set("updateTimestamp", new Date());
        if (expiry != null) {
            update.set("expiryTimestamp", expiry);
        } else {
            update.unset("expiryTimestamp");
        }
        mongo.upsert(Query.query(Criteria.where("_id").is(userId + ":" + groupId)), update, COLLECTION);
    }

    public void remove(String userId, String groupId) {
        mongo.remove(Query.query(Criteria.where("_id").is(userId + ":" + groupId)), COLLECTION);
    }

    public void removeUser(String userId) {
        mongo.remove(Query.query(Criteria.where("userId").is(userId)), COLLECTION);
    }

    /** The groups where the user is a patient (with {@code onlyActive}: whose enlistment has not expired). */
    public Set<String> groupsOf(String userId, boolean onlyActive) {
        Set<String> groups = new LinkedHashSet<>();
        if (userId == null) {
            return groups;
        }
        Date now = new Date();
        for (Document d : mongo.find(Query.query(Criteria.where("userId").is(userId)), Document.class, COLLECTION)) {
            Date expiry = d.getDate("expiryTimestamp");
            if (!onlyActive || expiry == null || expiry.after(now)) {
                groups.add(d.getString("groupId"));
            }
        }
        return groups;
    }

    public Set<String> groupsOf(Collection<String> userIds) {
        Set<String> groups = new LinkedHashSet<>();
        if (userIds.isEmpty()) {
            return groups;
        }
        for (Document d : mongo.find(Query.query(Criteria.where("userId").in(userIds)), Document.class, COLLECTION)) {
            groups.add(d.getString("groupId"));
        }
        return groups;
    }
}
