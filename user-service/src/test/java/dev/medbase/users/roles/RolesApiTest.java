package dev.medbase.users.roles;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import dev.medbase.users.permissions.Permission;
import dev.medbase.users.support.ApiTest;
import dev.medbase.platform.testing.TestTokens;

/** Global roles, their permissions, their assignment to users, and the permission catalogue. */
class RolesApiTest extends ApiTest {

    private final String admin = TestTokens.user(new ObjectId()).permissions("VIEW_ROLE", "CREATE_ROLE",
            "UPDATE_ROLE", "DELETE_ROLE", "ADD_ROLE_PERMISSION", "REMOVE_ROLE_PERMISSION", "ADD_ROLE_TO_USER",
            "REMOVE_ROLE_FROM_USER").token();

    @Test
    void permissionsListTheWholeCatalogueToAnyone() {
        JsonNode page = get("/users/v1/permissions", null).expect(200).json();
        assertThat(page.get("page").get("total").asInt()).isEqualTo(Permission.values().length);
        assertThat(page.get("data")).hasSize(Permission.values().length);
        assertThat(page.get("data").get(0).get("name").isString()).isTrue();
        assertThat(page.get("data").get(0).get("description").isString()).isTrue();
        assertThat(get("/users/v1/groups/permissions", null).expect(200).json().get("data"))
                .hasSize(Permission.values().length);
    }

    @Test
    void rolesAreCreatedFoundUpdatedAndDeleted() {
        JsonNode created = post("/users/v1/roles", admin, json("{'name':'nurse','description':'Ward nurses'}"))
                .expect(200).json();
        String id = created.get("id").asString();
        assertThat(created.get("name").asString()).isEqualTo("nurse");
        assertThat(created.get("permissions")).isEmpty();
        assertThat(created.get("creation_timestamp").isNumber()).isTrue();
        assertThat(lastEvent("role_created").content().get("id").asString()).isEqualTo(id);
        post("/users/v1/roles", admin, json("{'name':'nurse','description':'again'}")).expectError(400, 17);
        post("/users/v1/roles", admin, json("{'description':'no name'}")).expectError(400, 14);

        // SDK findById / findByName are RQL list queries
        assertThat(get("/users/v1/roles?eq(id," + id + ")", admin).expect(200).json().get("data").get(0)
                .get("name").asString()).isEqualTo("nurse");
        assertThat(get("/users/v1/roles?eq(name,nobody)", admin).expect(200).json().get("data")).isEmpty();

        JsonNode updated = put("/users/v1/roles/" + id, admin, json("{'description':'All nurses'}")).expect(200)
                .json();
        assertThat(updated.get("description").asString()).isEqualTo("All nurses");
        assertThat(updated.get("name").asString()).isEqualTo("nurse");
        put("/users/v1/roles/" + new ObjectId(), admin, json("{'name':'x'}")).expectError(404, 16);
        put("/users/v1/roles/xyz", admin, json("{'name':'x'}")).expectError(400, 12);
        role("doctor");
        put("/users/v1/roles/" + id, admin, json("{'name':'doctor'}")).expectError(400, 17);

        ObjectId holder = user("holder@example.com", d -> d.append("roles", List.of(new ObjectId(id))));
        delete("/users/v1/roles", admin).expectError(400, 20);
        delete("/users/v1/roles?eq(name,nobody)", admin).expectError(404, 16);
        assertThat(delete("/users/v1/roles?eq(id," + id + ")", admin).expect(200).json().get("records_affected")
                .asInt()).isEqualTo(1);
        assertThat(storedUser(holder).getList("roles", Object.class)).isEmpty();
        assertThat(lastEvent("role_deleted").content().get("name").asString()).isEqualTo("nurse");
    }

    @Test
    void permissionsAreAddedAndRemovedOnTheRolesTheRqlSelects() {
        ObjectId a = role("a");
        ObjectId b = role("b", "VIEW_USER");
        role("c");
        JsonNode added = post("/users/v1/roles/add_permissions?in(name,a,b)", admin,
                json("{'permissions':['VIEW_USER','VIEW_DOCUMENTS:bp','MY_APP_PERMISSION']}")).expect(200).json();
        assertThat(added.get("records_affected").asInt()).isEqualTo(2);
        JsonNode role = get("/users/v1/roles?eq(id," + b + ")", admin).json().get("data").get(0);
        assertThat(role.get("permissions")).hasSize(3);
        assertThat(role.get("permissions").get(1).get("name").asString()).isEqualTo("VIEW_DOCUMENTS:bp");
        assertThat(role.get("permissions").get(1).get("description").asString()).isEqualTo("View documents (bp)");
        assertThat(events("role_permissions_added")).hasSize(2);
        // roles holding a permission
        assertThat(get("/users/v1/roles?eq(permissions,MY_APP_PERMISSION)", admin).json().get("page")
                .get("total").asInt()).isEqualTo(2);

        post("/users/v1/roles/remove_permissions?eq(id," + a + ")", admin, json("{'permissions':['VIEW_USER']}"))
                .expect(200);
        assertThat(mongo.findById(a, Document.class, "roles").getList("permissions", String.class))
                .containsExactly("VIEW_DOCUMENTS:bp", "MY_APP_PERMISSION");
        post("/users/v1/roles/add_permissions", admin, json("{'permissions':['X']}")).expectError(400, 20);
        post("/users/v1/roles/add_permissions?eq(name,none)", admin, json("{'permissions':['X']}"))
                .expectError(404, 16);
        post("/users/v1/roles/add_permissions?eq(id," + a + ")", admin, json("{'permissions':[]}"))
                .expectError(400, 15);
        post("/users/v1/roles/add_permissions?eq(id," + a + ")", admin, json("{'permissions':['has space']}"))
                .expectError(400, 15);
        post("/users/v1/roles/add_permissions?eq(id," + a + ")", admin, json("{'permissions':'VIEW_USER'}"))
                .expectError(400, 15);
    }

    @Test
    void rolesAreAddedToAndRemovedFromTheUsersTheRqlSelects() {
        ObjectId nurse = role("nurse", "VIEW_PATIENTS");
        ObjectId u1 = user("u1@example.com");
        ObjectId u2 = user("u2@example.com");
        user("other@test.org");

        JsonNode r = post("/users/v1/add_roles?like(email,example.com)", admin,
                json("{'roles':['" + nurse + "']}")).expect(200).json();
        assertThat(r.get("records_affected").asInt()).isEqualTo(2);
        assertThat(storedUser(u1).getList("roles", ObjectId.class)).containsExactly(nurse);
        // idempotent
        post("/users/v1/add_roles?eq(id," + u1 + ")", admin, json("{'roles':['" + nurse + "']}")).expect(200);
        assertThat(storedUser(u1).getList("roles", ObjectId.class)).containsExactly(nurse);
        JsonNode event = lastEvent("user_roles_added").content();
        assertThat(event.get("user_id").asString()).isEqualTo(u1.toHexString());
        assertThat(event.get("roles").get(0).asString()).isEqualTo(nurse.toHexString());

        post("/users/v1/add_roles?eq(id," + u1 + ")", admin, json("{'roles':['" + new ObjectId() + "']}"))
                .expectError(404, 16);
        post("/users/v1/add_roles", admin, json("{'roles':['" + nurse + "']}")).expectError(400, 20);
        post("/users/v1/add_roles?eq(id," + u1 + ")", admin, json("{'roles':['nope']}")).expectError(400, 12);

        post("/users/v1/remove_roles?eq(id," + u2 + ")", admin, json("{'roles':['" + nurse + "']}")).expect(200);
        assertThat(storedUser(u2).getList("roles", ObjectId.class)).isEmpty();
        assertThat(lastEvent("user_roles_removed").content().get("user_id").asString()).isEqualTo(u2.toHexString());
    }
}
