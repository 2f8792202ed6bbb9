package dev.medbase.users;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Date;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.medbase.users.support.ApiTest;
import dev.medbase.platform.testing.TestTokens;

/**
 * The permission matrix: every guarded endpoint against every kind of caller. A missing or wrong check is a failing
 * row. Callers:
 * <ul>
 * <li>{@code ANONYMOUS}: no token → 104;</li>
 * <li>{@code NO_PERMISSION}: a user with no permissions and no groups → 10;</li>
 * <li>{@code GLOBAL}: the endpoint's permission, globally → allowed;</li>
 * <li>{@code GROUP_STAFF}: staff of the group in question, the permission from a group role there → allowed only
 * where the contract scopes the permission to staff;</li>
 * <li>{@code OTHER_GROUP_STAFF}: the same permission, but as staff of another group → 10;</li>
 * <li>{@code PATIENT}: a patient of the group in question, no permissions → 10.</li>
 * </ul>
 * Fixture (fresh per row): group G; user T (patient of G); user S (staff of G with group role GR); user U (no
 * enlistments); global role R; an inactive user with an activation request, and a password-reset request.
 */
class PermissionMatrixTest extends ApiTest {

    enum Caller { ANONYMOUS, NO_PERMISSION, GLOBAL, GROUP_STAFF, OTHER_GROUP_STAFF, PATIENT }

    record Fixture(ObjectId group, ObjectId otherGroup, ObjectId target, ObjectId staff, ObjectId plain,
            ObjectId role, ObjectId groupRole, ObjectId activationRequest, ObjectId forgotPasswordRequest) {

        String expand(String template) {
            return template.replace("{group}", group.toHexString()).replace("{user}", target.toHexString())
                    .replace("{staff}", staff.toHexString()).replace("{plain}", plain.toHexString())
                    .replace("{role}", role.toHexString()).replace("{grole}", groupRole.toHexString())
                    .replace("{areq}", activationRequest.toHexString())
                    .replace("{freq}", forgotPasswordRequest.toHexString());
        }
    }

    /** One endpoint: request, permission(s), expected status per caller (200 = allowed) and optional checks. */
    record Row(String name, String method, String path, String body, String[] permissions,
            Map<Caller, Integer> expected, Check check) {
        @Override
        public String toString() {
            return name;
        }
    }

    @FunctionalInterface
    interface Check {
        void verify(PermissionMatrixTest test, Fixture fixture, Caller caller, Response response);
    }

    private static final Check NONE = (t, f, c, r) -> { };

    /** Allowed with the global permission only. */
    static Row global(String method, String path, String body, String... permissions) {
        return row(method, path, body, permissions, Caller.GLOBAL);
    }

    /** Allowed with the permission globally or from a group role in the group of the path/body. */
    static Row group(String method, String path, String body, String... permissions) {
        return row(method, path, body, permissions, Caller.GLOBAL, Caller.GROUP_STAFF);
    }

    static Row row(String method, String path, String body, String[] permissions, Caller... allowed) {
        Map<Caller, Integer> expected = new EnumMap<>(Caller.class);
        for (Caller c : Caller.values()) {
            expected.put(c, c == Caller.ANONYMOUS ? 104 : 10);
        }
        for (Caller c : allowed) {
            expected.put(c, 200);
        }
        return new Row(method + " " + path, method, path, body, permissions, expected, NONE);
    }

    static Row with(Row row, Caller caller, int expected) {
        Map<Caller, Integer> map = new EnumMap<>(row.expected());
        map.put(caller, expected);
        return new Row(row.name(), row.method(), row.path(), row.body(), row.permissions(), map, row.check());
    }

    static Row checked(Row row, Check check) {
        return new Row(row.name(), row.method(), row.path(), row.body(), row.permissions(), row.expected(), check);
    }

    static List<Row> rows() {
        List<Row> rows = new ArrayList<>();
        // users
        rows.add(with(global("GET", "/users/v1/{user}", null, "VIEW_USER"), Caller.GROUP_STAFF, 200));
        rows.add(global("PUT", "/users/v1/{user}", json("{'first_name':'X'}"), "UPDATE_USER"));
        rows.add(global("DELETE", "/users/v1/{user}", null, "DELETE_USER"));
        rows.add(checked(row("DELETE", "/users/v1/?eq(id,{user})", null, new String[] {"DELETE_USER"},
                Caller.NO_PERMISSION, Caller.GLOBAL, Caller.GROUP_STAFF, Caller.OTHER_GROUP_STAFF, Caller.PATIENT),
                (t, f, c, r) -> assertThat(r.json().get("records_affected").asInt())
                        .isEqualTo(c == Caller.GLOBAL ? 1 : 0)));
        rows.add(global("PUT", "/users/v1/{user}/email", json("{'email':'changed@example.com'}"),
                "UPDATE_USER_EMAIL"));
        rows.add(global("PUT", "/users/v1/{user}/profile_image", json("{'hash':'h'}"), "UPDATE_PROFILE_IMAGE"));
        rows.add(global("DELETE", "/users/v1/{user}/profile_image", null, "UPDATE_PROFILE_IMAGE"));
        rows.add(global("POST", "/users/v1/{user}/reset_failed_login_attempts", null,
                "RESET_FAILED_LOGIN_ATTEMPTS"));
        rows.add(checked(row("GET", "/users/v1/", null, new String[] {"VIEW_USER"}, Caller.NO_PERMISSION,
                Caller.GLOBAL, Caller.GROUP_STAFF, Caller.OTHER_GROUP_STAFF, Caller.PATIENT),
                (t, f, c, r) -> assertThat(r.json().get("page").get("total").asInt()).isEqualTo(switch (c) {
                    case GLOBAL -> 5;          // T, S, U, the inactive user, the reset user
                    case GROUP_STAFF -> 2;     // T (patient of G) and S (staff of G)
                    case PATIENT -> 1;         // S, the staff of its group
                    default -> 0;
                })));
        // settings and requests
        rows.add(global("PUT", "/users/v1/password_policy", json("{'minimum_length':8}"), "UPDATE_PASSWORD_POLICY"));
        rows.add(global("GET", "/users/v1/email_templates", null, "VIEW_USER_SERVICE_EMAIL_TEMPLATES"));
        rows.add(global("PUT", "/users/v1/email_templates", json("{'activation_email_template_name':'a'}"),
                "UPDATE_USER_SERVICE_EMAIL_TEMPLATES"));
        rows.add(global("GET", "/users/v1/settings/verification", null, "VIEW_USER_VERIFICATION_SETTINGS"));
        rows.add(global("PUT", "/users/v1/settings/verification", json("{'limit_hash_activation_requests':true}"),
                "UPDATE_USER_VERIFICATION_SETTINGS"));
        rows.add(global("GET", "/users/v1/activation_requests/", null, "VIEW_ACTIVATION_REQUESTS"));
        rows.add(global("DELETE", "/users/v1/activation_requests/{areq}", null, "DELETE_ACTIVATION_REQUEST"));
        rows.add(global("GET", "/users/v1/forgot_password_requests", null, "VIEW_FORGOT_PASSWORD_REQUESTS"));
        rows.add(global("DELETE", "/users/v1/forgot_password_requests/{freq}", null,
                "DELETE_FORGOT_PASSWORD_REQUEST"));
        // global roles
        rows.add(global("GET", "/users/v1/roles", null, "VIEW_ROLE"));
        rows.add(global("POST", "/users/v1/roles", json("{'name':'new role','description':'d'}"), "CREATE_ROLE"));
        rows.add(global("PUT", "/users/v1/roles/{role}", json("{'description':'d2'}"), "UPDATE_ROLE"));
        rows.add(global("DELETE", "/users/v1/roles?eq(id,{role})", null, "DELETE_ROLE"));
        rows.add(global("POST", "/users/v1/roles/add_permissions?eq(id,{role})", json("{'permissions':['A']}"),
                "ADD_ROLE_PERMISSION"));
        rows.add(global("POST", "/users/v1/roles/remove_permissions?eq(id,{role})", json("{'permissions':['A']}"),
                "REMOVE_ROLE_PERMISSION"));
        rows.add(global("POST", "/users/v1/add_roles?eq(id,{user})", json("{'roles':['{role}']}"),
                "ADD_ROLE_TO_USER"));
        rows.add(global("POST", "/users/v1/remove_roles?eq(id,{user})", json("{'roles':['{role}']}"),
                "REMOVE_ROLE_FROM_USER"));
        // groups
        rows.add(checked(with(with(global("GET", "/users/v1/groups/{group}/roles", null, "VIEW_GROUP"),
                Caller.GROUP_STAFF, 200), Caller.OTHER_GROUP_STAFF, 10),
                (t, f, c, r) -> assertThat(r.json().get("data")).hasSize(1)));
        rows.add(group("POST", "/users/v1/groups/{group}/roles", json("{'name':'r2','description':'d'}"),
                "CREATE_GROUP_ROLE"));
        rows.add(group("PUT", "/users/v1/groups/{group}/roles/{grole}", json("{'description':'d'}"),
                "UPDATE_GROUP_ROLE"));
        rows.add(group("DELETE", "/users/v1/groups/{group}/roles?eq(id,{grole})", null, "DELETE_GROUP_ROLE"));
        rows.add(group("DELETE", "/users/v1/groups/{group}/roles/{grole}", null, "DELETE_GROUP_ROLE"));
        rows.add(group("POST", "/users/v1/groups/{group}/roles/add_permissions?eq(id,{grole})",
                json("{'permissions':['A']}"), "ADD_GROUP_ROLE_PERMISSION"));
        rows.add(group("POST", "/users/v1/groups/{group}/roles/remove_permissions?eq(id,{grole})",
                json("{'permissions':['A']}"), "REMOVE_GROUP_ROLE_PERMISSION"));
        rows.add(group("POST", "/users/v1/groups/{group}/staff/add_roles?eq(id,{staff})",
                json("{'roles':['{grole}']}"), "ADD_GROUP_ROLE_TO_STAFF"));
        rows.add(group("POST", "/users/v1/groups/{group}/staff/remove_roles?eq(id,{staff})",
                json("{'roles':['{grole}']}"), "REMOVE_GROUP_ROLE_FROM_STAFF"));
        rows.add(group("POST", "/users/v1/add_to_staff?eq(id,{plain})", json("{'groups':['{group}']}"),
                "ADD_STAFF"));
        rows.add(group("POST", "/users/v1/remove_from_staff?eq(id,{staff})", json("{'groups':['{group}']}"),
                "REMOVE_STAFF"));
        rows.add(group("POST", "/users/v1/{plain}/patient_enlistments", json("{'group_id':'{group}'}"),
                "ADD_PATIENT"));
        rows.add(group("DELETE", "/users/v1/{user}/patient_enlistments/{group}", null, "REMOVE_PATIENT"));
        rows.add(checked(with(with(global("GET", "/users/v1/patients", null, "VIEW_PATIENTS"),
                Caller.GROUP_STAFF, 200), Caller.OTHER_GROUP_STAFF, 200),
                (t, f, c, r) -> assertThat(r.json().get("page").get("total").asInt())
                        .isEqualTo(c == Caller.OTHER_GROUP_STAFF ? 0 : 1)));
        rows.add(checked(with(with(with(global("GET", "/users/v1/staff", null, "VIEW_STAFF"),
                Caller.GROUP_STAFF, 200), Caller.OTHER_GROUP_STAFF, 200), Caller.PATIENT, 200),
                (t, f, c, r) -> assertThat(r.json().get("page").get("total").asInt())
                        .isEqualTo(c == Caller.OTHER_GROUP_STAFF ? 0 : 1)));
        // anonymous endpoints answer everyone
        rows.add(row("GET", "/users/v1/permissions", null, new String[0], Caller.values()));
        rows.add(row("GET", "/users/v1/groups/permissions", null, new String[0], Caller.values()));
        rows.add(row("GET", "/users/v1/password_policy", null, new String[0], Caller.values()));
        rows.add(row("GET", "/users/v1/email_available?email=free%40example.com", null, new String[0],
                Caller.values()));
        rows.add(row("GET", "/users/v1/health", null, new String[0], Caller.values()));
        return rows;
    }

    static Stream<Arguments> cases() {
        return rows().stream().flatMap(row -> Stream.of(Caller.values()).map(c -> Arguments.of(row, c)));
    }

    @ParameterizedTest(name = "{0} as {1}")
    @MethodSource("cases")
    void everyEndpointChecksItsPermission(Row row, Caller caller) {
        Fixture f = fixture();
        String token = token(caller, f, row.permissions());
        Response response = send(row.method(), f.expand(row.path()), token,
                row.body() == null ? null : f.expand(row.body()));
        int expected = row.expected().get(caller);
        if (expected == 200) {
            response.expect(200);
            row.check().verify(this, f, caller, response);
        } else {
            response.expectError(401, expected);
        }
    }

    private String token(Caller caller, Fixture f, String[] permissions) {
        ObjectId id = new ObjectId();
        return switch (caller) {
            case ANONYMOUS -> null;
            case NO_PERMISSION -> TestTokens.user(id).token();
            case GLOBAL -> TestTokens.user(id).permissions(permissions).token();
            case GROUP_STAFF -> TestTokens.user(id).staffOf(f.group(), permissions).token();
            case OTHER_GROUP_STAFF -> TestTokens.user(id).staffOf(f.otherGroup(), permissions).token();
            case PATIENT -> TestTokens.user(id).patientOf(f.group()).token();
        };
    }

    private Fixture fixture() {
        ObjectId group = new ObjectId();
        ObjectId groupRole = groupRole(group, "physician", "VIEW_DOCUMENTS");
        ObjectId role = role("nurse", "VIEW_PATIENTS");
        ObjectId target = user("t@example.com", d -> d.append("patient_enlistments",
                List.of(patientEnlistment(group))));
        ObjectId staff = user("s@example.com", d -> d.append("staff_enlistments",
                List.of(staffEnlistment(group, groupRole))));
        ObjectId plain = user("u@example.com");
        ObjectId inactive = user("inactive@example.com", d -> d.append("activation", false));
        ObjectId resetting = user("resetting@example.com");
        ObjectId activationRequest = request("activation_requests", inactive);
        ObjectId forgotPasswordRequest = request("forgot_password_requests", resetting);
        return new Fixture(group, new ObjectId(), target, staff, plain, role, groupRole, activationRequest,
                forgotPasswordRequest);
    }

    private ObjectId request(String collection, ObjectId user) {
        ObjectId id = new ObjectId();
        Date now = new Date();
        mongo.insert(new Document("_id", id).append("user_id", user).append("mode", "hash")
                .append("digest", "0".repeat(64)).append("request_count", 1).append("failed_attempts", 0)
                .append("last_request_timestamp", now).append("creation_timestamp", now)
                .append("update_timestamp", now), collection);
        return id;
    }
}
