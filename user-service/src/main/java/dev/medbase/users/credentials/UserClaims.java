package dev.medbase.users.credentials;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.bson.Document;
import org.bson.types.ObjectId;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.stereotype.Service;

import dev.medbase.platform.error.ExhError;
import dev.medbase.platform.error.ExhException;

/**
 * What auth-service puts in an access token for a user: the global permissions of the user's roles, the groups the
 * user is a patient of, and per staff group the permissions of the user's group roles there.
 *
 * <p>Reads the stored shapes of user-service: {@code users.roles} [role ObjectId], {@code roles.permissions}
 * [string], {@code users.patient_enlistments} [{group_id, expiry_timestamp?, expired?}],
 * {@code users.staff_enlistments} [{group_id, roles: [group role ObjectId]}] and {@code group_roles}
 * {_id, group_id, name, permissions: [string]}. Missing fields or collections read as empty. Expired patient
 * enlistments ({@code expired: true} or an {@code expiry_timestamp} in the past) are left out.
 */
@Service
public class UserClaims {

    public record Claims(String userId, List<String> permissions, List<String> patientGroups,
            Map<String, List<String>> staffGroups) {}

    private final MongoTemplate mongo;
    private final Clock clock;

    public UserClaims(MongoTemplate mongo, Clock clock) {
        this.mongo = mongo;
        this.clock = clock;
    }

    public Claims of(String userId) {
        if (!ObjectId.isValid(userId)) {
            throw new ExhException(ExhError.RESOURCE_UNKNOWN_EXCEPTION, "Unknown user " + userId);
        }
        Document user = mongo.findById(new ObjectId(userId), Document.class, CredentialsService.USERS);
        if (user == null) {
            throw new ExhException(ExhError.RESOURCE_UNKNOWN_EXCEPTION, "Unknown user " + userId);
        }
        return new Claims(userId, globalPermissions(user), patientGroups(user), staffGroups(user));
    }

    private List<String> globalPermissions(Document user) {
        List<Object> roleIds = list(user.get("roles"));
        if (roleIds.isEmpty()) {
            return List.of();
        }
        Set<String> permissions = new LinkedHashSet<>();
        for (Document role : mongo.find(Query.query(Criteria.where("_id").in(roleIds)), Document.class, "roles")) {
            list(role.get("permissions")).forEach(p -> permissions.add(permissionName(p)));
        }
        return List.copyOf(permissions);
    }

    private List<String> patientGroups(Document user) {
        Date now = Date.from(clock.instant());
        Set<String> groups = new LinkedHashSet<>();
        for (Object o : list(user.get("patient_enlistments"))) {
            if (o instanceof Document e && e.get("group_id") != null && !Boolean.TRUE.equals(e.get("expired"))) {
                Object expiry = e.get("expiry_timestamp");
                if (expiry instanceof Date d && d.before(now)
                        || expiry instanceof Number n && n.longValue() < now.getTime()) {
                    continue;
                }
                groups.add(e.get("group_id").toString());
            }
        }
        return List.copyOf(groups);
    }

    private Map<String, List<String>> staffGroups(Document user) {
        Map<String, List<Object>> roleIdsByGroup = new LinkedHashMap<>();
        List<Object> allRoleIds = new ArrayList<>();
        for (Object o : list(user.get("staff_enlistments"))) {
            if (o instanceof Document e && e.get("group_id") != null) {
                List<Object> roleIds = list(e.get("roles"));
                roleIdsByGroup.computeIfAbsent(e.get("group_id").toString(), g -> new ArrayList<>()).addAll(roleIds);
                allRoleIds.addAll(roleIds);
            }
        }
        Map<String, Document> roles = new LinkedHashMap<>();
        if (!allRoleIds.isEmpty()) {
            for (Document role : mongo.find(Query.query(Criteria.where("_id").in(allRoleIds)), Document.class,
                    "group_roles")) {
                roles.put(role.get("_id").toString(), role);
            }
        }
        Map<String, List<String>> result = new LinkedHashMap<>();
        roleIdsByGroup.forEach((group, roleIds) -> {
            Set<String> permissions = new LinkedHashSet<>();
            for (Object roleId : roleIds) {
                Document role = roles.get(roleId.toString());
                // a group role only counts in its own group
                if (role != null && (role.get("group_id") == null || group.equals(role.get("group_id").toString()))) {
                    list(role.get("permissions")).forEach(p -> permissions.add(permissionName(p)));
                }
            }
            result.put(group, List.copyOf(permissions));
        });
        return result;
    }

    /** Permissions are stored as strings; tolerate the {name, description} object form of the wire. */
    private static String permissionName(Object permission) {
        return permission instanceof Document d ? String.valueOf(d.get("name")) : String.valueOf(permission);
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object value) {
        return value instanceof Collection<?> c ? new ArrayList<>((Collection<Object>) c) : List.of();
    }
}
