package dev.medbase.users.accounts;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

import org.bson.types.ObjectId;
import org.springframework.data.mongodb.core.query.Criteria;

import dev.medbase.platform.security.Caller;

/**
 * Which view of a user a caller gets (contract §6.1 "Views by caller", SDK docs of {@code users.findById/find}):
 * <ul>
 * <li><b>full</b>: yourself, or with {@code VIEW_USER};</li>
 * <li><b>patient view</b> ({@code id, first_name, last_name, email, activation, phone_number, profile_image,
 * language, time_zone, patient_enlistments}): the user is a patient of a group where the caller is staff (only those
 * enlistments are shown), or the caller has {@code VIEW_PATIENTS} (all of them);</li>
 * <li><b>staff view</b> (the same fields with {@code staff_enlistments}): the user is staff of a group the caller is
 * staff or patient of (only those enlistments), or the caller has {@code VIEW_STAFF};</li>
 * <li>otherwise nothing.</li>
 * </ul>
 * Group memberships come from the caller's token.
 */
public record UserAccess(View view, Predicate<ObjectId> groups) {

    public enum View { FULL, PATIENT, STAFF, NONE }

    public static final UserAccess FULL = new UserAccess(View.FULL, g -> true);
    public static final UserAccess NONE = new UserAccess(View.NONE, g -> false);

    public static UserAccess of(Caller caller, StoredUser user) {
        if (isSelf(caller, user.id()) || caller.hasPermission("VIEW_USER")) {
            return FULL;
        }
        boolean allPatients = caller.hasPermission("VIEW_PATIENTS");
        Predicate<ObjectId> staffOf = allPatients ? g -> true : g -> g != null && caller.isStaffOf(g.toHexString());
        if (user.patientEnlistments().stream().anyMatch(e -> staffOf.test(e.groupId()))) {
            return new UserAccess(View.PATIENT, staffOf);
        }
        boolean allStaff = caller.hasPermission("VIEW_STAFF");
        Predicate<ObjectId> memberOf = allStaff ? g -> true
                : g -> g != null && (caller.isStaffOf(g.toHexString()) || caller.isPatientOf(g.toHexString()));
        if (user.staffEnlistments().stream().anyMatch(e -> memberOf.test(e.groupId()))) {
            return new UserAccess(View.STAFF, memberOf);
        }
        return NONE;
    }

    public static boolean isSelf(Caller caller, ObjectId userId) {
        return caller.userId() != null && userId != null && caller.userId().equals(userId.toHexString());
    }

    /**
     * The users a caller without {@code VIEW_USER} may list: themselves and everyone {@link #of} grants a view of.
     * Null means everyone.
     */
    public static Criteria listScope(Caller caller) {
        if (caller.hasPermission("VIEW_USER")) {
            return null;
        }
        List<Criteria> any = new ArrayList<>();
        if (caller.userId() != null && ObjectId.isValid(caller.userId())) {
            any.add(Criteria.where("_id").is(new ObjectId(caller.userId())));
        }
        List<ObjectId> staffGroups = ids(caller.staffGroups().keySet());
        List<ObjectId> memberGroups = new ArrayList<>(staffGroups);
        memberGroups.addAll(ids(caller.patientGroups()));
        if (caller.hasPermission("VIEW_PATIENTS")) {
            any.add(Criteria.where("patient_enlistments.group_id").exists(true));
        } else if (!staffGroups.isEmpty()) {
            any.add(Criteria.where("patient_enlistments.group_id").in(staffGroups));
        }
        if (caller.hasPermission("VIEW_STAFF")) {
            any.add(Criteria.where("staff_enlistments.group_id").exists(true));
        } else if (!memberGroups.isEmpty()) {
            any.add(Criteria.where("staff_enlistments.group_id").in(memberGroups));
        }
        if (any.isEmpty()) {
            return Criteria.where("_id").exists(false); // matches nothing
        }
        return any.size() == 1 ? any.get(0) : new Criteria().orOperator(any);
    }

    static List<ObjectId> ids(Set<String> hex) {
        return hex.stream().filter(ObjectId::isValid).map(ObjectId::new).toList();
    }
}
