package dev.medbase.users.accounts;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import dev.medbase.users.support.ApiTest;
import dev.medbase.users.support.TestTokens;

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

        Response r = get("/users/v1/me", TestTokens.user(me).sign()).expect(200);

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
        JsonNode asStaff = get("/users/v1/" + patient, TestTokens.user(stranger).staff(group).sign())
                .expect(200).json();
        assertThat(fieldNames(asStaff)).containsExactly("id", "first_name", "last_name", "email", "activation",
                "phone_number", "language", "time_zone", "patient_enlistments");
        assertThat(asStaff.get("patient_enlistments")).hasSize(1);
        assertThat(asStaff.get("patient_enlistments").get(0).get("group_id").asString())
                .isEqualTo(group.toHexString());

        // a patient of the group sees its staff (staff view), only shared groups
        JsonNode asPatient = get("/users/v1/" + doctor, TestTokens.user(patient).patient(group).sign())
                .expect(200).json();
        assertThat(fieldNames(asPatient)).containsExactly("id", "first_name", "last_name", "email", "activation",
                "phone_number", "language", "time_zone", "staff_enlistments");
        assertThat(asPatient.get("staff_enlistments")).hasSize(1);

        // a patient does not see other patients; a stranger sees nobody
        get("/users/v1/" + patient, TestTokens.user(stranger).patient(group).sign()).expectError(401, 10);
        get("/users/v1/" + patient, TestTokens.user(stranger).sign()).expectError(401, 10);
        get("/users/v1/" + new ObjectId(), TestTokens.user(stranger).sign()).expectError(401, 10);

        // VIEW_USER: full view; unknown ids are 16 for it
        JsonNode full = get("/users/v1/" + patient, TestTokens.user(stranger).permissions("VIEW_USER").sign())
                .expect(200).json();
        assertThat(full.has("roles")).isTrue();
        assertThat(full.get("patient_enlistments")).hasSize(2);
        get("/users/v1/" + new ObjectId(), TestTokens.user(stranger).permissions("VIEW_USER").sign())
                .expectError(404, 16);
        // VIEW_PATIENTS: patient view of any patient, all enlistments
        JsonNode viewPatients = get("/users/v1/" + patient,
                TestTokens.user(stranger).permissions("VIEW_PATIENTS").sign()).expect(200).json();
        assertThat(viewPatients.get("patient_enlistments")).hasSize(2);
        assertThat(viewPatients.has("roles")).isFalse();

        // malformed id
        get("/users/v1/not-an-id", TestTokens.user(stranger).sign()).expectError(400, 12);
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.propertyNames().forEach(names::add);
        return names;
    }
}
