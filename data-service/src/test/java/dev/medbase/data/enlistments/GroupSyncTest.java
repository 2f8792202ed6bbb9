package dev.medbase.data.enlistments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

import dev.medbase.data.testing.DataApiTest;
import dev.medbase.platform.testing.TestTokens;
import dev.medbase.platform.events.EventEnvelope;

/** groupSyncMode: groupIds follow patient enlistments, from user-service events and retroactively. */
class GroupSyncTest extends DataApiTest {

    private static final String G1 = "6200000000000000000000a1";
    private static final String G2 = "6200000000000000000000a2";

    @Autowired
    EnlistmentEvents handler;

    private JsonNode doc(String schema, String id) {
        return get("/data/v1/" + schema + "/documents?eq(id," + id + ")", ADMIN_TOKEN).json().path("data").get(0);
    }

    private void event(String type, Map<String, Object> content) throws Exception {
        handler.handle(EventEnvelope.create(type, "users", "x", content));
    }

    @Test
    void creatorPatientEnlistments() throws Exception {
        String schema = uniqueName("sync");
        createSchema("{\"name\":\"" + schema + "\",\"groupSyncMode\":\"creatorPatientEnlistments\"}");
        TestTokens.Builder patient = TestTokens.user().patientOf(G1);
        String id = post("/data/v1/" + schema + "/documents", patient.token(), "{}").expect(200).json()
                .path("id").asString();
        assertThat(doc(schema, id).path("groupIds")).isEqualTo(json("[\"" + G1 + "\"]"));

        event("patient_enlistment_added", Map.of("user_id", patient.id(), "group_id", G1));
        event("patient_enlistment_added", Map.of("user_id", patient.id(), "group_id", G2));
        assertThat(doc(schema, id).path("groupIds")).isEqualTo(json("[\"" + G1 + "\",\"" + G2 + "\"]"));
        event("patient_enlistment_removed", Map.of("user_id", patient.id(), "group_id", G1));
        assertThat(doc(schema, id).path("groupIds")).isEqualTo(json("[\"" + G2 + "\"]"));
        event("user_deleted", Map.of("id", patient.id()));
        assertThat(doc(schema, id).path("groupIds")).isEqualTo(json("[]"));
    }

    @Test
    void linkedUsersModeAndRetroactiveChange() throws Exception {
        String schema = uniqueName("sync");
        createSchema("{\"name\":\"" + schema + "\"}");
        String patient = TestTokens.user().id();
        event("patient_enlistment_added", Map.of("userId", patient, "groupId", G2));
        String id = post("/data/v1/" + schema + "/documents", ADMIN_TOKEN, "{}").expect(200).json()
                .path("id").asString();
        post("/data/v1/" + schema + "/documents/" + id + "/linkUsers", ADMIN_TOKEN,
                "{\"userIds\":[\"" + patient + "\"]}").expect(200);
        assertThat(doc(schema, id).path("groupIds")).isEqualTo(json("[]")); // mode disabled: untouched

        put("/data/v1/" + schema, ADMIN_TOKEN, "{\"groupSyncMode\":\"linkedUsersPatientEnlistments\"}").expect(200);
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(doc(schema, id).path("groupIds")).isEqualTo(json("[\"" + G2 + "\"]")));
        post("/data/v1/" + schema + "/documents/" + id + "/unlinkUsers", ADMIN_TOKEN, "{}").expect(200);
        assertThat(doc(schema, id).path("groupIds")).isEqualTo(json("[]"));
        event("user_deleted", Map.of("id", patient));
    }
}
