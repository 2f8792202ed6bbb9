package dev.medbase.users.groups;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import dev.medbase.users.support.ApiTest;
import dev.medbase.platform.testing.TestTokens;

/** Group roles, staff and patient enlistments, and the patient and staff lists. */
class GroupsApiTest extends ApiTest {

    private final ObjectId group = new ObjectId();
    private final String admin = TestTokens.user(new ObjectId()).permissions("VIEW_GROUP", "CREATE_GROUP_ROLE",
            "UPDATE_GROUP_ROLE", "DELETE_GROUP_ROLE", "ADD_GROUP_ROLE_PERMISSION", "REMOVE_GROUP_ROLE_PERMISSION",
            "ADD_GROUP_ROLE_TO_STAFF", "REMOVE_GROUP_ROLE_FROM_STAFF", "ADD_STAFF", "REMOVE_STAFF", "ADD_PATIENT",
            "REMOVE_PATIENT", "VIEW_PATIENTS", "VIEW_STAFF").token();

    @Test
    void groupRolesAreManagedWithStringPermissions() {
        String base = "/users/v1/groups/" + group + "/roles";
        JsonNode created = post(base, admin, json("{'name':'physician','description':'Doctors'}")).expect(200)
                .json();
        String id = created.get("id").asString();
        assertThat(created.get("group_id").asString()).isEqualTo(group.toHexString());
        assertThat(created.get("permissions")).isEmpty();
        post(base, admin, json("{'name':'physician','description':'again'}")).expectError(400, 17);
        // the same name is fine in another group
        post("/users/v1/groups/" + new ObjectId() + "/roles", admin, json("{'name':'physician'}")).expect(200);

        post(base + "/add_permissions?eq(id," + id + ")", admin,
                json("{'permissions':['VIEW_DOCUMENTS','VIEW_PATIENTS']}")).expect(200);
        post(base + "/remove_permissions?eq(id," + id + ")", admin, json("{'permissions':['VIEW_PATIENTS']}"))
                .expect(200);
        JsonNode found = get(base + "?eq(name,physician)", admin).expect(200).json();
        assertThat(found.get("page").get("total").asInt()).isEqualTo(1);
        assertThat(found.get("data").get(0).get("permissions").get(0).asString()).isEqualTo("VIEW_DOCUMENTS");
        assertThat(lastEvent("group_role_permissions_removed").content().get("group_id").asString())
                .isEqualTo(group.toHexString());

        JsonNode updated = put(base + "/" + id, admin, json("{'name':'doctor'}")).expect(200).json();
        assertThat(updated.get("name").asString()).isEqualTo("doctor");
        assertThat(updated.get("description").asString()).isEqualTo("Doctors");
        // a role of this group, addressed through another group, is unknown
        put("/users/v1/groups/" + new ObjectId() + "/roles/" + id, admin, json("{'name':'x'}")).expectError(404, 16);
        post(base + "/add_permissions", admin, json("{'permissions':['X']}")).expectError(400, 20);

        ObjectId staff = user("staff@example.com", d -> d.append("staff_enlistments",
                List.of(staffEnlistment(group, new ObjectId(id)))));
        delete(base, admin).expectError(400, 20);
        assertThat(delete(base + "?eq(id," + id + ")", admin).expect(200).json().get("records_affected").asInt())
                .isEqualTo(1);
        Document enlistment = storedUser(staff).getList("staff_enlistments", Document.class).get(0);
        assertThat(enlistment.getList("roles", Object.class)).isEmpty();
        delete(base + "?eq(id," + id + ")", admin).expectError(404, 16);

        // the path form (Postman) deletes one role
        ObjectId other = groupRole(group, "nurse");
        assertThat(delete(base + "/" + other, admin).expect(200).json().get("records_affected").asInt())
                .isEqualTo(1);
        delete(base + "/" + other, admin).expectError(404, 16);
    }

    @Test
    void staffAreEnlistedGivenRolesAndRemoved() {
        ObjectId physician = groupRole(group, "physician", "VIEW_DOCUMENTS");
        ObjectId foreignRole = groupRole(new ObjectId(), "elsewhere");
        ObjectId doctor = user("doctor@example.com");
        ObjectId nurse = user("nurse@example.com");

        post("/users/v1/add_to_staff", admin, json("{'groups':['" + group + "']}")).expectError(400, 20);
        JsonNode added = post("/users/v1/add_to_staff?in(email,doctor%2540example.com,nurse%2540example.com)", admin,
                json("{'groups':['" + group + "']}")).expect(200).json();
        assertThat(added.get("records_affected").asInt()).isEqualTo(2);
        // enlisting again adds no second enlistment
        post("/users/v1/add_to_staff?eq(id," + doctor + ")", admin, json("{'groups':['" + group + "']}")).expect(200);
        assertThat(storedUser(doctor).getList("staff_enlistments", Document.class)).hasSize(1);
        assertThat(events("staff_enlistment_added")).hasSize(2);

        String base = "/users/v1/groups/" + group + "/staff";
        post(base + "/add_roles?eq(id," + doctor + ")", admin, json("{'roles':['" + physician + "']}")).expect(200);
        post(base + "/add_roles?eq(id," + doctor + ")", admin, json("{'roles':['" + foreignRole + "']}"))
                .expectError(404, 16);
        JsonNode me = get("/users/v1/me", TestTokens.user(doctor).token()).json();
        JsonNode roles = me.get("staff_enlistments").get(0).get("roles");
        assertThat(roles).hasSize(1);
        assertThat(roles.get(0).get("name").asString()).isEqualTo("physician");
        assertThat(roles.get(0).get("permissions").get(0).asString()).isEqualTo("VIEW_DOCUMENTS");
        assertThat(lastEvent("staff_roles_added").content().get("user_id").asString())
                .isEqualTo(doctor.toHexString());
        post(base + "/remove_roles?eq(id," + doctor + ")", admin, json("{'roles':['" + physician + "']}"))
                .expect(200);
        assertThat(storedUser(doctor).getList("staff_enlistments", Document.class).get(0)
                .getList("roles", Object.class)).isEmpty();

        post("/users/v1/remove_from_staff?eq(id," + nurse + ")", admin, json("{'groups':['" + group + "']}"))
                .expect(200);
        assertThat(storedUser(nurse).getList("staff_enlistments", Document.class)).isEmpty();
        assertThat(lastEvent("staff_enlistment_removed").content().get("user_id").asString())
                .isEqualTo(nurse.toHexString());
    }

    @Test
    void patientsAreEnlistedAndRemoved() {
        ObjectId patient = user("patient@example.com");
        String path = "/users/v1/" + patient + "/patient_enlistments";
        long expiry = System.currentTimeMillis() + 86_400_000L;

        JsonNode r = post(path, admin, json("{'group_id':'" + group + "','expiry_timestamp':" + expiry + "}"))
                .expect(200).json();
        assertThat(r.get("records_affected").asInt()).isEqualTo(1);
        post(path, admin, json("{'group_id':'" + group + "'}")).expectError(400, 17);
        post("/users/v1/" + new ObjectId() + "/patient_enlistments", admin, json("{'group_id':'" + group + "'}"))
                .expectError(404, 16);
        JsonNode event = lastEvent("patient_enlistment_added").content();
        assertThat(event.get("user_id").asString()).isEqualTo(patient.toHexString());
        assertThat(event.get("group_id").asString()).isEqualTo(group.toHexString());
        JsonNode enlistment = get("/users/v1/me", TestTokens.user(patient).token()).json()
                .get("patient_enlistments").get(0);
        assertThat(enlistment.get("expiry_timestamp").asLong()).isEqualTo(expiry);
        assertThat(enlistment.get("expired").asBoolean()).isFalse();
        clock.advance(java.time.Duration.ofDays(2));
        assertThat(get("/users/v1/me", TestTokens.user(patient).token()).json().get("patient_enlistments").get(0)
                .get("expired").asBoolean()).isTrue();

        // a patient may leave a group themselves
        delete(path + "/" + group, TestTokens.user(patient).token()).expect(200);
        delete(path + "/" + group, TestTokens.user(patient).token()).expectError(404, 16);
        assertThat(lastEvent("patient_enlistment_removed").content().get("group_id").asString())
                .isEqualTo(group.toHexString());
        post(path, admin, json("{'group_id':'nope'}")).expectError(400, 12);
        post(path, admin, json("{'expiry_timestamp':1}")).expectError(400, 14);
        post(path, admin, json("{'group_id':'" + group + "','expiry_timestamp':'tomorrow'}")).expectError(400, 15);
    }

    @Test
    void patientAndStaffListsAreScopedToTheCallersGroups() {
        ObjectId otherGroup = new ObjectId();
        ObjectId doctor = user("doctor@example.com", d -> d.append("staff_enlistments",
                List.of(staffEnlistment(group))));
        user("colleague@example.com", d -> d.append("staff_enlistments", List.of(staffEnlistment(otherGroup))));
        ObjectId p1 = user("p1@example.com", d -> d.append("patient_enlistments",
                List.of(patientEnlistment(group), patientEnlistment(otherGroup))));
        user("p2@example.com", d -> d.append("patient_enlistments", List.of(patientEnlistment(otherGroup))));

        JsonNode mine = get("/users/v1/patients", TestTokens.user(doctor).staffOf(group).token()).expect(200).json();
        assertThat(mine.get("page").get("total").asInt()).isEqualTo(1);
        JsonNode patient = mine.get("data").get(0);
        assertThat(patient.get("id").asString()).isEqualTo(p1.toHexString());
        assertThat(patient.get("patient_enlistments")).hasSize(1);
        assertThat(patient.has("roles")).isFalse();
        assertThat(get("/users/v1/patients/", admin).expect(200).json().get("page").get("total").asInt())
                .isEqualTo(2);
        assertThat(get("/users/v1/patients?contains(patient_enlistments,and(eq(group_id," + otherGroup + ")))",
                admin).json().get("page").get("total").asInt()).isEqualTo(2);
        get("/users/v1/patients", TestTokens.user(p1).patientOf(group).token()).expectError(401, 10);

        // staff see the staff of their groups, patients the staff of theirs
        JsonNode staff = get("/users/v1/staff", TestTokens.user(p1).patientOf(group).token()).expect(200).json();
        assertThat(staff.get("page").get("total").asInt()).isEqualTo(1);
        assertThat(staff.get("data").get(0).get("id").asString()).isEqualTo(doctor.toHexString());
        assertThat(staff.get("data").get(0).has("patient_enlistments")).isFalse();
        assertThat(get("/users/v1/staff", admin).json().get("page").get("total").asInt()).isEqualTo(2);
        get("/users/v1/staff", TestTokens.user(new ObjectId()).token()).expectError(401, 10);
    }
}
