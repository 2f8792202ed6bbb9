package dev.medbase.users.accounts;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import dev.medbase.users.support.ApiTest;
import dev.medbase.platform.testing.TestTokens;

/** Users: me, get with the three views, list with RQL, update, delete, e-mail change, profile image, lockout reset. */
class UsersApiTest extends ApiTest {

    @Test
    void meIsTheFullUserInSnakeCaseWithEpochMillis() {
        ObjectId group = new ObjectId();
        ObjectId groupRole = groupRole(group, "physician", "VIEW_DOCUMENTS");
        ObjectId admin = role("admin", "VIEW_USER", "APP_SPECIFIC");
        ObjectId me = user("me@example.com", d -> d.append("roles", List.of(admin))
                .append("staff_enlistments", List.of(staffEnlistment(group, groupRole)))
                .append("patient_enlistments", List.of(patientEnlistment(group))));

        Response r = get("/users/v1/me", TestTokens.user(me).token()).expect(200);

        JsonNode u = r.json();
        assertThat(u.get("id").asString()).isEqualTo(me.toHexString());
        assertThat(u.get("first_name").asString()).isEqualTo("First me@example.com");
        assertThat(u.get("email").asString()).isEqualTo("me@example.com");
        assertThat(u.get("activation").asBoolean()).isTrue();
        assertThat(u.get("time_zone").asString()).isEqualTo("Europe/Brussels");
        assertThat(u.get("failed_count").asInt()).isZero();
        assertThat(u.get("creation_timestamp").isNumber()).isTrue();
        assertThat(u.has("password_hash")).isFalse();
        assertThat(r.raw()).doesNotContain("bcrypt", "null");
        JsonNode role = u.get("roles").get(0);
        assertThat(role.get("id").asString()).isEqualTo(admin.toHexString());
        assertThat(role.get("name").asString()).isEqualTo("admin");
        assertThat(role.get("permissions").get(0).get("name").asString()).isEqualTo("VIEW_USER");
        assertThat(role.get("permissions").get(0).get("description").asString()).isEqualTo("View user");
        assertThat(role.get("permissions").get(1).get("name").asString()).isEqualTo("APP_SPECIFIC");
        JsonNode staff = u.get("staff_enlistments").get(0);
        assertThat(staff.get("group_id").asString()).isEqualTo(group.toHexString());
        assertThat(staff.get("roles").get(0).get("permissions").get(0).asString()).isEqualTo("VIEW_DOCUMENTS");
        assertThat(staff.get("roles").get(0).get("group_id").asString()).isEqualTo(group.toHexString());
        JsonNode patient = u.get("patient_enlistments").get(0);
        assertThat(patient.get("group_id").asString()).isEqualTo(group.toHexString());
        assertThat(patient.get("expired").asBoolean()).isFalse();
    }

    @Test
    void meNeedsAToken() {
        get("/users/v1/me", null).expectError(401, 104);
        get("/users/v1/me", "garbage").expectError(401, 117);
    }

    @Test
    void viewsDependOnTheCaller() {
        ObjectId group = new ObjectId();
        ObjectId otherGroup = new ObjectId();
        ObjectId patient = user("patient@example.com", d -> d.append("patient_enlistments",
                List.of(patientEnlistment(group), patientEnlistment(otherGroup))));
        ObjectId doctor = user("doctor@example.com", d -> d.append("staff_enlistments",
                List.of(staffEnlistment(group), staffEnlistment(otherGroup))));
        ObjectId stranger = user("stranger@example.com");

        // staff of the patient's group: patient view, only that group's enlistment
        JsonNode asStaff = get("/users/v1/" + patient, TestTokens.user(stranger).staffOf(group).token())
                .expect(200).json();
        assertThat(fieldNames(asStaff)).containsExactly("id", "first_name", "last_name", "email", "activation",
                "phone_number", "language", "time_zone", "patient_enlistments");
        assertThat(asStaff.get("patient_enlistments")).hasSize(1);
        assertThat(asStaff.get("patient_enlistments").get(0).get("group_id").asString())
                .isEqualTo(group.toHexString());

        // a patient of the group sees its staff (staff view), only shared groups
        JsonNode asPatient = get("/users/v1/" + doctor, TestTokens.user(patient).patientOf(group).token())
                .expect(200).json();
        assertThat(fieldNames(asPatient)).containsExactly("id", "first_name", "last_name", "email", "activation",
                "phone_number", "language", "time_zone", "staff_enlistments");
        assertThat(asPatient.get("staff_enlistments")).hasSize(1);

        // a patient does not see other patients; a stranger sees nobody
        get("/users/v1/" + patient, TestTokens.user(stranger).patientOf(group).token()).expectError(401, 10);
        get("/users/v1/" + patient, TestTokens.user(stranger).token()).expectError(401, 10);
        get("/users/v1/" + new ObjectId(), TestTokens.user(stranger).token()).expectError(401, 10);

        // VIEW_USER: full view; unknown ids are 16 for it
        JsonNode full = get("/users/v1/" + patient, TestTokens.user(stranger).permissions("VIEW_USER").token())
                .expect(200).json();
        assertThat(full.has("roles")).isTrue();
        assertThat(full.get("patient_enlistments")).hasSize(2);
        get("/users/v1/" + new ObjectId(), TestTokens.user(stranger).permissions("VIEW_USER").token())
                .expectError(404, 16);
        // VIEW_PATIENTS: patient view of any patient, all enlistments
        JsonNode viewPatients = get("/users/v1/" + patient,
                TestTokens.user(stranger).permissions("VIEW_PATIENTS").token()).expect(200).json();
        assertThat(viewPatients.get("patient_enlistments")).hasSize(2);
        assertThat(viewPatients.has("roles")).isFalse();

        // malformed id
        get("/users/v1/not-an-id", TestTokens.user(stranger).token()).expectError(400, 12);
    }

    @Test
    void listIsRqlFilteredPagedAndScopedToWhatTheCallerMaySee() {
        ObjectId group = new ObjectId();
        ObjectId admin = user("admin@example.com");
        ObjectId doctor = user("doctor@example.com", d -> d.append("staff_enlistments", List.of(staffEnlistment(group))));
        ObjectId p1 = user("p1@example.com", d -> d.append("patient_enlistments", List.of(patientEnlistment(group))));
        user("p2@example.com", d -> d.append("patient_enlistments", List.of(patientEnlistment(new ObjectId()))));
        String viewUser = TestTokens.user(admin).permissions("VIEW_USER").token();

        JsonNode all = get("/users/v1/", viewUser).expect(200).json();
        assertThat(all.get("page").get("total").asInt()).isEqualTo(4);
        assertThat(all.get("page").get("offset").asInt()).isZero();
        assertThat(all.get("page").get("limit").asInt()).isEqualTo(20);
        assertThat(all.get("data")).hasSize(4);

        // SDK encoding (double-encoded values), sort, limit with offset, camelCase alias, no trailing slash
        JsonNode page = get("/users/v1?sort(-email)&limit(2,1)", viewUser).expect(200).json();
        assertThat(page.get("page").get("limit").asInt()).isEqualTo(2);
        assertThat(page.get("page").get("offset").asInt()).isEqualTo(1);
        assertThat(page.get("data").get(0).get("email").asString()).isEqualTo("p1@example.com");
        JsonNode byEmail = get("/users/v1/?eq(email,p1%2540example%252Ecom)", viewUser).expect(200).json();
        assertThat(byEmail.get("data")).hasSize(1);
        assertThat(get("/users/v1/?eq(firstName,First%2520p1%2540example%252Ecom)", viewUser).json()
                .get("data")).hasSize(1);
        JsonNode staffOf = get("/users/v1/?contains(staff_enlistments,and(eq(group_id," + group + ")))", viewUser)
                .expect(200).json();
        assertThat(staffOf.get("data")).hasSize(1);
        assertThat(staffOf.get("data").get(0).get("id").asString()).isEqualTo(doctor.toHexString());
        JsonNode selected = get("/users/v1/?select(first_name)&eq(id," + p1 + ")&skipCount()", viewUser)
                .expect(200).json();
        assertThat(fieldNames(selected.get("data").get(0))).containsExactly("id", "first_name");
        assertThat(selected.get("page").has("total")).isFalse();

        // the doctor sees themselves (full) and the patient of their group (patient view), nobody else
        JsonNode asDoctor = get("/users/v1/?sort(email)", TestTokens.user(doctor).staffOf(group).token())
                .expect(200).json();
        assertThat(asDoctor.get("page").get("total").asInt()).isEqualTo(2);
        assertThat(asDoctor.get("data").get(0).get("email").asString()).isEqualTo("doctor@example.com");
        assertThat(asDoctor.get("data").get(0).has("roles")).isTrue();
        assertThat(asDoctor.get("data").get(1).get("email").asString()).isEqualTo("p1@example.com");
        assertThat(asDoctor.get("data").get(1).has("roles")).isFalse();
        // and may not filter on fields outside the views
        get("/users/v1/?eq(roles," + new ObjectId() + ")", TestTokens.user(doctor).staffOf(group).token())
                .expectError(400, 19);
        get("/users/v1/?eq(password_hash,x)", viewUser).expectError(400, 19);
        get("/users/v1/?select(password_hash)", viewUser).expectError(400, 19);
        get("/users/v1/?eq(email", viewUser).expectError(400, 19);
        get("/users/v1/", null).expectError(401, 104);
    }

    @Test
    void updateChangesOnlyTheGivenFields() {
        ObjectId me = user("me@example.com");
        ObjectId other = user("other@example.com");
        String token = TestTokens.user(me).token();

        JsonNode updated = put("/users/v1/" + me, token,
                json("{'first_name':'Ada','time_zone':'Europe/Amsterdam','language':'NL'}")).expect(200).json();
        assertThat(updated.get("first_name").asString()).isEqualTo("Ada");
        assertThat(updated.get("last_name").asString()).isEqualTo("Last");
        assertThat(updated.get("time_zone").asString()).isEqualTo("Europe/Amsterdam");
        assertThat(updated.get("language").asString()).isEqualTo("NL");
        // camelCase bodies are accepted too
        assertThat(put("/users/v1/" + me, token, json("{'lastName':'Lovelace'}")).expect(200).json()
                .get("last_name").asString()).isEqualTo("Lovelace");
        assertThat(lastEvent("user_updated").content().get("id").asString()).isEqualTo(me.toHexString());

        put("/users/v1/" + other, token, json("{'first_name':'X'}")).expectError(401, 10);
        put("/users/v1/" + other, TestTokens.user(me).permissions("UPDATE_USER").token(), json("{'first_name':'X'}"))
                .expect(200);
        put("/users/v1/" + new ObjectId(), TestTokens.user(me).permissions("UPDATE_USER").token(), "{}")
                .expectError(404, 16);
        put("/users/v1/" + me, token, json("{'time_zone':'Mars/Olympus'}")).expectError(400, 15);
        put("/users/v1/" + me, token, json("{'first_name':''}")).expectError(400, 15);
    }

    @Test
    void deleteRemovesTheUserItsRequestsAndAnnouncesIt() {
        ObjectId me = user("me@example.com");
        ObjectId other = user("other@example.com");
        mongo.insert(new org.bson.Document("user_id", me).append("mode", "hash").append("request_count", 1),
                "activation_requests");

        delete("/users/v1/" + other, TestTokens.user(me).token()).expectError(401, 10);
        JsonNode r = delete("/users/v1/" + me, TestTokens.user(me).token()).expect(200).json();
        assertThat(r.get("records_affected").asInt()).isEqualTo(1);
        assertThat(storedUser(me)).isNull();
        assertThat(mongo.count(new org.springframework.data.mongodb.core.query.Query(), "activation_requests"))
                .isZero();
        assertThat(lastEvent("user_deleted").content().get("id").asString()).isEqualTo(me.toHexString());
        assertThat(lastEvent("user_deleted").aggregateId()).isEqualTo(me.toHexString());
        delete("/users/v1/" + other, TestTokens.user(me).permissions("DELETE_USER").token()).expect(200);
        delete("/users/v1/" + other, TestTokens.user(me).permissions("DELETE_USER").token()).expectError(404, 16);
    }

    @Test
    void bulkDeleteNeedsAFilterAndOnlyReachesYourselfWithoutDeleteUser() {
        ObjectId me = user("me@example.com");
        ObjectId other = user("other@example.com");
        String token = TestTokens.user(me).token();

        delete("/users/v1/", token).expectError(400, 20);
        delete("/users/v1/?and()", TestTokens.user(me).permissions("DELETE_USER").token()).expectError(400, 20);
        assertThat(delete("/users/v1/?eq(id," + other + ")", token).expect(200).json()
                .get("records_affected").asInt()).isZero();
        assertThat(storedUser(other)).isNotNull();
        assertThat(delete("/users/v1/?like(email,example)", TestTokens.user(me).permissions("DELETE_USER").token())
                .expect(200).json().get("records_affected").asInt()).isEqualTo(2);
        assertThat(events("user_deleted")).hasSize(2);
    }

    @Test
    void emailChangeDeactivatesAndStartsAReactivation() {
        ObjectId me = user("me@example.com");
        user("taken@example.com");
        String token = TestTokens.user(me).token();

        JsonNode r = put("/users/v1/" + me + "/email", token, json("{'email':'New@Example.com'}")).expect(200)
                .json();
        assertThat(r.get("email").asString()).isEqualTo("new@example.com");
        assertThat(r.get("activation").asBoolean()).isFalse();
        Event requested = lastEvent("activation_requested");
        assertThat(requested.content().get("email").asString()).isEqualTo("new@example.com");
        assertThat(requested.content().get("reactivation").asBoolean()).isTrue();
        assertThat(requested.content().get("activation_hash").asString()).hasSize(40);
        assertThat(lastEvent("user_email_updated").content().get("id").asString()).isEqualTo(me.toHexString());

        put("/users/v1/" + me + "/email", token, json("{'email':'taken@example.com'}")).expectError(400, 203);
        put("/users/v1/" + me + "/email", token, json("{'email':'x@example.com','activation_mode':'pin_code'}"))
                .expectError(403, 218);
        put("/users/v1/" + me + "/email", token, json("{'email':'not an address'}")).expectError(400, 15);
        put("/users/v1/" + user("x@example.com") + "/email", token, json("{'email':'y@example.com'}"))
                .expectError(401, 10);
        put("/users/v1/" + new ObjectId() + "/email", TestTokens.user(me).permissions("UPDATE_USER_EMAIL").token(),
                json("{'email':'y@example.com'}")).expectError(404, 16);
    }

    @Test
    void profileImageIsSetAndRemoved() {
        ObjectId me = user("me@example.com");
        String token = TestTokens.user(me).token();
        assertThat(put("/users/v1/" + me + "/profile_image", token, json("{'hash':'abc123'}")).expect(200).json()
                .get("profile_image").asString()).isEqualTo("abc123");
        assertThat(delete("/users/v1/" + me + "/profile_image", token).expect(200).json().has("profile_image"))
                .isFalse();
        put("/users/v1/" + me + "/profile_image", token, "{}").expectError(400, 14);
    }

    @Test
    void failedLoginAttemptsAreResetByAnAdministrator() {
        ObjectId me = user("me@example.com", d -> d.append("failed_count", 50)
                .append("last_failed_timestamp", new java.util.Date()));
        String admin = TestTokens.user(new ObjectId()).permissions("RESET_FAILED_LOGIN_ATTEMPTS").token();

        post("/users/v1/" + me + "/reset_failed_login_attempts", TestTokens.user(me).token(), null)
                .expectError(401, 10);
        assertThat(post("/users/v1/" + me + "/reset_failed_login_attempts", admin, null).expect(200).json()
                .get("records_affected").asInt()).isEqualTo(1);
        assertThat(storedUser(me).getInteger("failed_count")).isZero();
        assertThat(storedUser(me).containsKey("last_failed_timestamp")).isFalse();
        assertThat(lastEvent("failed_login_attempts_reset").content().get("user_id").asString())
                .isEqualTo(me.toHexString());
        post("/users/v1/" + new ObjectId() + "/reset_failed_login_attempts", admin, null).expectError(404, 16);
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.propertyNames().forEach(names::add);
        return names;
    }
}
