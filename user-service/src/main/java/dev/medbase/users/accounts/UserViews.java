package dev.medbase.users.accounts;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

import org.bson.types.ObjectId;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.stereotype.Component;

import dev.medbase.users.groups.GroupRole;
import dev.medbase.users.groups.StoredGroupRole;
import dev.medbase.users.roles.Role;
import dev.medbase.users.roles.StoredRole;
import dev.medbase.users.web.Ids;
import dev.medbase.users.web.Times;

/**
 * Renders stored users in the view each caller gets ({@link UserAccess}). Global roles and group roles are expanded
 * into their wire objects with one query per collection for a whole page of users.
 */
@Component
public class UserViews {

    private final MongoTemplate mongo;
    private final Clock clock;

    public UserViews(MongoTemplate mongo, Clock clock) {
        this.mongo = mongo;
        this.clock = clock;
    }

    public User full(StoredUser user) {
        return render(List.of(user), u -> UserAccess.FULL).get(0);
    }

    /** One wire user per stored user, in order; users the access function gives no view of are left out. */
    public List<User> render(List<StoredUser> users, Function<StoredUser, UserAccess> access) {
        List<UserAccess> accesses = users.stream().map(access).toList();
        Set<ObjectId> roleIds = new LinkedHashSet<>();
        Set<ObjectId> groupRoleIds = new LinkedHashSet<>();
        for (int i = 0; i < users.size(); i++) {
            StoredUser user = users.get(i);
            UserAccess a = accesses.get(i);
            if (a.view() == UserAccess.View.FULL) {
                roleIds.addAll(user.roles());
            }
            if (a.view() == UserAccess.View.FULL || a.view() == UserAccess.View.STAFF) {
                user.staffEnlistments().stream().filter(e -> a.groups().test(e.groupId()))
                        .forEach(e -> groupRoleIds.addAll(e.roles()));
            }
        }
        Map<ObjectId, StoredRole> roles = byId(roleIds, StoredRole.class, StoredRole.COLLECTION, StoredRole::id);
        Map<ObjectId, StoredGroupRole> groupRoles = byId(groupRoleIds, StoredGroupRole.class,
                StoredGroupRole.COLLECTION, StoredGroupRole::id);
        Instant now = clock.instant();
        List<User> out = new ArrayList<>(users.size());
        for (int i = 0; i < users.size(); i++) {
            User user = render(users.get(i), accesses.get(i), roles, groupRoles, now);
            if (user != null) {
                out.add(user);
            }
        }
        return out;
    }

    private <T> Map<ObjectId, T> byId(Set<ObjectId> ids, Class<T> type, String collection,
            Function<T, ObjectId> id) {
        Map<ObjectId, T> map = new HashMap<>();
        if (!ids.isEmpty()) {
            mongo.find(Query.query(Criteria.where("_id").in(ids)), type, collection)
                    .forEach(t -> map.put(id.apply(t), t));
        }
        return map;
    }

    private static User render(StoredUser u, UserAccess access, Map<ObjectId, StoredRole> roles,
            Map<ObjectId, StoredGroupRole> groupRoles, Instant now) {
        return switch (access.view()) {
            case FULL -> new User(u.hexId(), u.firstName(), u.lastName(), u.email(), u.activation(),
                    u.phoneNumber(), u.profileImage(), u.language(), u.timeZone(), u.birthday(), u.gender(),
                    u.country(), u.region(), Times.millis(u.lastFailedTimestamp()),
                    u.failedCount() == null ? 0 : u.failedCount(),
                    u.roles().stream().map(roles::get).filter(Objects::nonNull).map(Role::of).toList(),
                    staff(u, access, groupRoles), patients(u, access, now),
                    Times.millis(u.creationTimestamp()), Times.millis(u.updateTimestamp()));
            case PATIENT -> new User(u.hexId(), u.firstName(), u.lastName(), u.email(), u.activation(),
                    u.phoneNumber(), u.profileImage(), u.language(), u.timeZone(), null, null, null, null, null,
                    null, null, null, patients(u, access, now), null, null);
            case STAFF -> new User(u.hexId(), u.firstName(), u.lastName(), u.email(), u.activation(),
                    u.phoneNumber(), u.profileImage(), u.language(), u.timeZone(), null, null, null, null, null,
                    null, null, staff(u, access, groupRoles), null, null, null);
            case NONE -> null;
        };
    }

    private static List<User.StaffEnlistment> staff(StoredUser u, UserAccess access,
            Map<ObjectId, StoredGroupRole> groupRoles) {
        return u.staffEnlistments().stream().filter(e -> access.groups().test(e.groupId()))
                .map(e -> new User.StaffEnlistment(Ids.hex(e.groupId()),
                        e.roles().stream().map(groupRoles::get)
                                .filter(r -> r != null && Objects.equals(r.groupId(), e.groupId()))
                                .map(GroupRole::of).toList(),
                        Times.millis(e.creationTimestamp()), Times.millis(e.updateTimestamp())))
                .toList();
    }

    private static List<User.PatientEnlistment> patients(StoredUser u, UserAccess access, Instant now) {
        return u.patientEnlistments().stream().filter(e -> access.groups().test(e.groupId()))
                .map(e -> new User.PatientEnlistment(Ids.hex(e.groupId()), Times.millis(e.expiryTimestamp()),
                        e.expiryTimestamp() != null && !now.isBefore(e.expiryTimestamp()),
                        Times.millis(e.creationTimestamp())))
                .toList();
    }
}
