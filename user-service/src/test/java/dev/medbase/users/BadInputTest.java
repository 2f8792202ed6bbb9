package dev.medbase.users;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.bson.types.ObjectId;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.medbase.users.permissions.Permission;
import dev.medbase.users.support.ApiTest;
import dev.medbase.platform.testing.TestTokens;

/**
 * Bad input on every body (and the id paths): malformed JSON, wrong types, missing body, missing fields, over-long
 * strings, invalid e-mail addresses, malformed ids (12), unknown ids (16). Always a 4xx ExH error, never a 500. The
 * caller holds every permission, so only the input decides.
 */
class BadInputTest extends ApiTest {

    record Case(String name, String method, String path, String body, int status, int code) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static final String LONG = "x".repeat(101);
    private static final String UNKNOWN = "5e9fff9d90135a2a9a718e2f";

    /** Endpoints with a JSON body: method, path, and a body that is valid apart from what each case changes. */
    private static final String[][] BODIES = {
            {"POST", "/users/v1/register", "{'first_name':'A','last_name':'B','email':'new@example.com',"
                    + "'password':'Secret-pass-1','phone_number':'123','language':'EN'}"},
            {"PUT", "/users/v1/{me}", "{'first_name':'A'}"},
            {"PUT", "/users/v1/password", "{'old_password':'" + PASSWORD + "','new_password':'Other-pass-1'}"},
            {"POST", "/users/v1/confirm_password", "{'password':'" + PASSWORD + "'}"},
            {"POST", "/users/v1/authenticate", "{'email':'me@example.com','password':'" + PASSWORD + "'}"},
            {"PUT", "/users/v1/{me}/email", "{'email':'other@example.com'}"},
            {"PUT", "/users/v1/{me}/profile_image", "{'hash':'abc'}"},
            {"POST", "/users/v1/activation", "{'hash':'abc'}"},
            {"POST", "/users/v1/forgot_password", "{'hash':'abc','new_password':'Other-pass-1'}"},
            {"PUT", "/users/v1/password_policy", "{'minimum_length':8}"},
            {"PUT", "/users/v1/settings/verification", "{'limit_hash_activation_requests':true}"},
            {"PUT", "/users/v1/email_templates", "{'activation_email_template_name':'a'}"},
            {"POST", "/users/v1/roles", "{'name':'A','description':'B'}"},
            {"PUT", "/users/v1/roles/{role}", "{'name':'A'}"},
            {"POST", "/users/v1/roles/add_permissions?eq(id,{role})", "{'permissions':['A']}"},
            {"POST", "/users/v1/roles/remove_permissions?eq(id,{role})", "{'permissions':['A']}"},
            {"POST", "/users/v1/add_roles?eq(id,{me})", "{'roles':['{role}']}"},
            {"POST", "/users/v1/remove_roles?eq(id,{me})", "{'roles':['{role}']}"},
            {"POST", "/users/v1/groups/{group}/roles", "{'name':'A','description':'B'}"},
            {"PUT", "/users/v1/groups/{group}/roles/{grole}", "{'name':'A'}"},
            {"POST", "/users/v1/groups/{group}/roles/add_permissions?eq(id,{grole})", "{'permissions':['A']}"},
            {"POST", "/users/v1/groups/{group}/roles/remove_permissions?eq(id,{grole})", "{'permissions':['A']}"},
            {"POST", "/users/v1/groups/{group}/staff/add_roles?eq(id,{me})", "{'roles':['{grole}']}"},
            {"POST", "/users/v1/groups/{group}/staff/remove_roles?eq(id,{me})", "{'roles':['{grole}']}"},
            {"POST", "/users/v1/add_to_staff?eq(id,{me})", "{'groups':['{group}']}"},
            {"POST", "/users/v1/remove_from_staff?eq(id,{me})", "{'groups':['{group}']}"},
            {"POST", "/users/v1/{me}/patient_enlistments", "{'group_id':'{group}'}"},
    };

    static Stream<Arguments> cases() {
        List<Case> cases = new ArrayList<>();
        for (String[] b : BODIES) {
            String method = b[0];
            String path = b[1];
            String valid = json(b[2]);
            String label = method + " " + path;
            cases.add(new Case(label + " malformed JSON", method, path, "{\"a\":", 400, 22));
            cases.add(new Case(label + " JSON array", method, path, "[1,2]", 400, 22));
            cases.add(new Case(label + " missing body", method, path, null, 400, 13));
            cases.add(new Case(label + " wrong type", method, path, wrongType(valid), 400, 15));
            if (!path.contains("settings") && !path.contains("password_policy") && !path.contains("email_templates")
                    && !(method.equals("PUT") && !path.endsWith("/email") && !path.endsWith("/profile_image")
                            && !path.endsWith("/password"))) {
                cases.add(new Case(label + " empty object", method, path, "{}", 400, 14));
            }
        }
        // over-long strings
        String reg = "{'first_name':'A','last_name':'B','email':'new@example.com','password':'Secret-pass-1',"
                + "'phone_number':'123','language':'EN'}";
        cases.add(new Case("register long first_name", "POST", "/users/v1/register",
                json(reg.replace("'A'", "'" + LONG + "'")), 400, 15));
        cases.add(new Case("register long email", "POST", "/users/v1/register",
                json(reg.replace("new@example.com", "a".repeat(250) + "@example.com")), 400, 15));
        cases.add(new Case("register long password", "POST", "/users/v1/register",
                json(reg.replace("Secret-pass-1", "P1-" + "x".repeat(1030))), 400, 15));
        cases.add(new Case("register password over the policy maximum", "POST", "/users/v1/register",
                json(reg.replace("Secret-pass-1", "P1-" + "x".repeat(200))), 400, 208));
        cases.add(new Case("register invalid email", "POST", "/users/v1/register",
                json(reg.replace("new@example.com", "new.example.com")), 400, 15));
        cases.add(new Case("register invalid birthday", "POST", "/users/v1/register",
                json(reg.replace("}", ",'birthday':'10/12/1815'}")), 400, 15));
        cases.add(new Case("register invalid gender", "POST", "/users/v1/register",
                json(reg.replace("}", ",'gender':3}")), 400, 15));
        cases.add(new Case("register invalid region", "POST", "/users/v1/register",
                json(reg.replace("}", ",'region':'Groningen'}")), 400, 15));
        cases.add(new Case("update long last_name", "PUT", "/users/v1/{me}",
                json("{'last_name':'" + LONG + "'}"), 400, 15));
        cases.add(new Case("update long phone", "PUT", "/users/v1/{me}",
                json("{'phone_number':'" + "1".repeat(60) + "'}"), 400, 15));
        cases.add(new Case("role long name", "POST", "/users/v1/roles", json("{'name':'" + LONG + "'}"), 400, 15));
        cases.add(new Case("role long description", "POST", "/users/v1/roles",
                json("{'name':'r','description':'" + "d".repeat(1001) + "'}"), 400, 15));
        cases.add(new Case("group role long name", "POST", "/users/v1/groups/{group}/roles",
                json("{'name':'" + LONG + "'}"), 400, 15));
        cases.add(new Case("long permission", "POST", "/users/v1/roles/add_permissions?eq(id,{role})",
                json("{'permissions':['" + "P".repeat(201) + "']}"), 400, 15));
        cases.add(new Case("email change invalid", "PUT", "/users/v1/{me}/email", json("{'email':'@'}"), 400, 15));
        cases.add(new Case("authenticate invalid email", "POST", "/users/v1/authenticate",
                json("{'email':'x','password':'y'}"), 400, 15));
        // malformed ids (12) in paths and bodies
        cases.add(new Case("get malformed id", "GET", "/users/v1/12345", null, 400, 12));
        cases.add(new Case("update malformed id", "PUT", "/users/v1/12345", "{}", 400, 12));
        cases.add(new Case("delete malformed id", "DELETE", "/users/v1/12345", null, 400, 12));
        cases.add(new Case("role malformed id", "PUT", "/users/v1/roles/xyz", json("{'name':'a'}"), 400, 12));
        cases.add(new Case("group malformed id", "GET", "/users/v1/groups/xyz/roles", null, 400, 12));
        cases.add(new Case("group role malformed id", "PUT", "/users/v1/groups/{group}/roles/xyz",
                json("{'name':'a'}"), 400, 12));
        cases.add(new Case("patient enlistment malformed group", "POST", "/users/v1/{me}/patient_enlistments",
                json("{'group_id':'xyz'}"), 400, 12));
        cases.add(new Case("remove patient malformed group", "DELETE", "/users/v1/{me}/patient_enlistments/xyz",
                null, 400, 12));
        cases.add(new Case("add_roles malformed role", "POST", "/users/v1/add_roles?eq(id,{me})",
                json("{'roles':['xyz']}"), 400, 12));
        cases.add(new Case("add_to_staff malformed group", "POST", "/users/v1/add_to_staff?eq(id,{me})",
                json("{'groups':[42]}"), 400, 15));
        cases.add(new Case("activation request malformed id", "DELETE", "/users/v1/activation_requests/xyz",
                null, 400, 12));
        cases.add(new Case("template malformed id", "PUT", "/users/v1/email_templates",
                json("{'activation_email_template_id':'xyz'}"), 400, 12));
        // unknown ids (16)
        cases.add(new Case("get unknown user", "GET", "/users/v1/" + UNKNOWN, null, 404, 16));
        cases.add(new Case("update unknown user", "PUT", "/users/v1/" + UNKNOWN, "{}", 404, 16));
        cases.add(new Case("delete unknown user", "DELETE", "/users/v1/" + UNKNOWN, null, 404, 16));
        cases.add(new Case("email of unknown user", "PUT", "/users/v1/" + UNKNOWN + "/email",
                json("{'email':'x@example.com'}"), 404, 16));
        cases.add(new Case("update unknown role", "PUT", "/users/v1/roles/" + UNKNOWN, json("{'name':'a'}"),
                404, 16));
        cases.add(new Case("delete unknown roles", "DELETE", "/users/v1/roles?eq(id," + UNKNOWN + ")", null,
                404, 16));
        cases.add(new Case("add unknown role to users", "POST", "/users/v1/add_roles?eq(id,{me})",
                json("{'roles':['" + UNKNOWN + "']}"), 404, 16));
        cases.add(new Case("update unknown group role", "PUT", "/users/v1/groups/{group}/roles/" + UNKNOWN,
                json("{'name':'a'}"), 404, 16));
        cases.add(new Case("assign unknown group role", "POST",
                "/users/v1/groups/{group}/staff/add_roles?eq(id,{me})", json("{'roles':['" + UNKNOWN + "']}"),
                404, 16));
        cases.add(new Case("enlist unknown user", "POST", "/users/v1/" + UNKNOWN + "/patient_enlistments",
                json("{'group_id':'{group}'}"), 404, 16));
        cases.add(new Case("remove unknown enlistment", "DELETE",
                "/users/v1/{me}/patient_enlistments/" + UNKNOWN, null, 404, 16));
        cases.add(new Case("delete unknown activation request", "DELETE",
                "/users/v1/activation_requests/" + UNKNOWN, null, 404, 16));
        cases.add(new Case("reset unknown user", "POST", "/users/v1/" + UNKNOWN + "/reset_failed_login_attempts",
                null, 404, 16));
        // routes, RQL and content types
        cases.add(new Case("unknown route", "GET", "/users/v1/me/whatever", null, 404, 16));
        cases.add(new Case("method not allowed", "PATCH", "/users/v1/me", "{}", 405, 16));
        cases.add(new Case("invalid RQL", "GET", "/users/v1/roles?eq(name", null, 400, 19));
        cases.add(new Case("unknown RQL field", "GET", "/users/v1/roles?eq(secret,1)", null, 400, 19));
        cases.add(new Case("bulk without RQL", "POST", "/users/v1/add_to_staff", json("{'groups':['{group}']}"),
                400, 20));
        return cases.stream().map(Arguments::of);
    }

    /** The first string value replaced by a number, or the first boolean/number by a string. */
    private static String wrongType(String body) {
        if (body.contains("\":\"")) {
            return body.replaceFirst("\":\"[^\"]*\"", "\":12345");
        }
        if (body.contains("\":[")) {
            return body.replaceFirst("\":\\[[^]]*]", "\":\"not-a-list\"");
        }
        return body.replaceFirst("\":(true|false|[0-9]+)", "\":\"text\"");
    }

    private ObjectId me;
    private ObjectId group;
    private ObjectId role;
    private ObjectId groupRole;
    private String token;

    @BeforeEach
    void fixture() {
        group = new ObjectId();
        role = role("r");
        groupRole = groupRole(group, "gr");
        me = user("me@example.com", d -> d.append("staff_enlistments", List.of(staffEnlistment(group)))
                .append("patient_enlistments", List.of(patientEnlistment(group))));
        token = TestTokens.user(me).permissions(Permission.names().toArray(String[]::new)).token();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void badInputIsAnExhClientError(Case c) {
        String path = expand(c.path());
        String body = c.body() == null ? null : expand(c.body());
        Response r = send(c.method(), path, token, body);
        r.expectError(c.status(), c.code());
    }

    private String expand(String s) {
        return s.replace("{me}", me.toHexString()).replace("{group}", group.toHexString())
                .replace("{role}", role.toHexString()).replace("{grole}", groupRole.toHexString());
    }
}
