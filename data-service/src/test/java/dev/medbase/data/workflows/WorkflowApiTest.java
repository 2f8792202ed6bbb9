package dev.medbase.data.workflows;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

import dev.medbase.data.enlistments.EnlistmentStore;
import dev.medbase.data.testing.DataApiTest;
import dev.medbase.platform.testing.TestTokens;

/** Workflows (§7.3): every condition and action, automatic chains, afterActions, transitionLock. */
class WorkflowApiTest extends DataApiTest {

    private static final String GROUP = "6000000000000000000000a1";
    private static final String OTHER_GROUP = "6000000000000000000000a2";
    private static final String PATIENT = "6000000000000000000000b1";

    @Autowired
    EnlistmentStore enlistments;

    private String schema;
    private String schemaId;
    private JsonNode definition;

    @BeforeEach
    void schema() {
        schema = uniqueName("wf");
        definition = createSchema("""
                {"name":"%s","readMode":"allUsers","updateMode":["creator","linkedUsers"],
                 "statuses":{"new":{},"review":{},"approved":{"label":"OK"},"rejected":{},"archived":{}},
                 "properties":{"systolic":{"type":"number"},"source":{"type":"string"},
                   "tags":{"type":"array","items":{"type":"string"}},"groupId":{"type":"string"},
                   "patientId":{"type":"string"},"reason":{"type":"string"}},
                 "creationTransition":{"type":"manual","toStatus":"new",
                   "conditions":[{"type":"input","configuration":{"type":"object","required":["systolic"]}}],
                   "actions":[{"type":"linkCreator"},{"type":"set","field":"source","value":"app"},
                     {"type":"set","field":"meta.version","value":2},
                     {"type":"task","functionName":"analyze","priority":2,"data":{"k":"v"}}],
                   "afterActions":[{"type":"task","functionName":"after-create"}]},
                 "transitions":[
                   {"name":"submit","type":"manual","fromStatuses":["new"],"toStatus":"review",
                    "conditions":[{"type":"document","configuration":{"type":"object","properties":{
                       "data":{"type":"object","required":["systolic"]}}}}],
                    "actions":[{"type":"addItems","field":"tags","values":["submitted","x"]}],
                    "afterActions":[{"type":"task","functionName":"after-submit"}]},
                   {"name":"auto-approve","type":"automatic","fromStatuses":["review"],"toStatus":"approved",
                    "conditions":[{"type":"document","configuration":{"type":"object","properties":{
                       "data":{"type":"object","properties":{"systolic":{"type":"number","maximum":130}}}}}}]},
                   {"name":"auto-reject","type":"automatic","fromStatuses":["review"],"toStatus":"rejected",
                    "actions":[{"type":"removeItems","field":"tags","values":["x"]}]},
                   {"name":"archive","type":"manual","fromStatuses":["approved","rejected"],"toStatus":"archived",
                    "actions":[{"type":"unset","fields":["source"]},{"type":"unset","field":["meta"]}]},
                   {"name":"archive","type":"manual","fromStatuses":["new"],"toStatus":"archived",
                    "conditions":[{"type":"input","configuration":{"type":"object","required":["reason"]}}]},
                   {"name":"claim","type":"manual","fromStatuses":["new"],"toStatus":"new",
                    "conditions":[{"type":"initiatorHasRelationToGroupInData","groupIdField":"groupId",
                       "relation":"staff","requiredPermission":"CLAIM"}],
                    "actions":[{"type":"linkGroupFromData","groupIdField":"groupId"},
                       {"type":"linkUserFromData","userIdField":"patientId"}]},
                   {"name":"as-patient","type":"manual","fromStatuses":["new"],"toStatus":"new",
                    "conditions":[{"type":"initiatorHasRelationToGroupInData","groupIdField":"groupId",
                       "relation":"patient"}]},
                   {"name":"as-carer","type":"manual","fromStatuses":["new"],"toStatus":"new",
                    "conditions":[{"type":"initiatorHasRelationToUserInData","userIdField":"patientId",
                       "relation":"isStaffOfTargetPatient"}]},
                   {"name":"enlisted","type":"manual","fromStatuses":["new"],"toStatus":"new",
                    "actions":[{"type":"linkEnlistedGroups"}]}
                 ]}""".formatted(schema));
        schemaId = definition.path("id").asString();
    }

    private String transitionId(String name) {
        for (JsonNode t : get("/data/v1/?eq(id," + schemaId + ")", ADMIN_TOKEN).json().path("data").get(0)
                .path("transitions")) {
            if (t.path("name").asString().equals(name)) {
                return t.path("id").asString();
            }
        }
        throw new AssertionError(name);
    }

    private JsonNode doc(String id) {
        return get("/data/v1/" + schema + "/documents?eq(id," + id + ")", ADMIN_TOKEN).json().path("data").get(0);
    }

    private Response transition(String token, String id, String body) {
        return post("/data/v1/" + schema + "/documents/" + id + "/transition", token, body);
    }

    @Test
    void creationTransitionConditionsActionsAndTasks() {
        TestTokens.Builder user = TestTokens.user();
        post("/data/v1/" + schema + "/documents", user.token(), "{\"source\":\"x\"}").error(400, 26);
        JsonNode created = post("/data/v1/" + schema + "/documents", user.token(), "{\"systolic\":120}")
                .expect(200).json();
        String id = created.path("id").asString();
        assertThat(created.path("status").asString()).isEqualTo("new");
        assertThat(created.path("userIds")).isEqualTo(json("[\"" + user.id() + "\"]"));
        assertThat(created.path("data"))
                .isEqualTo(json("{\"systolic\":120,\"source\":\"app\",\"meta\":{\"version\":2}}"));

        assertThat(events(id, "document_created")).singleElement().satisfies(e -> {
            assertThat(e.path("schemaId").asString()).isEqualTo(schemaId);
            assertThat(e.path("creatorId").asString()).isEqualTo(user.id());
            assertThat(e.path("status").asString()).isEqualTo("new");
        });
        List<JsonNode> tasks = events(id, "task_requested");
        assertThat(tasks).hasSize(2);
        assertThat(tasks.get(0).path("functionName").asString()).isEqualTo("analyze");
        assertThat(tasks.get(0).path("priority").asInt()).isEqualTo(2);
        assertThat(tasks.get(0).path("afterAction").asBoolean()).isFalse();
        assertThat(tasks.get(0).path("data")).isEqualTo(json(
                "{\"k\":\"v\",\"schemaId\":\"" + schemaId + "\",\"documentId\":\"" + id + "\"}"));
        assertThat(tasks.get(1).path("functionName").asString()).isEqualTo("after-create");
        assertThat(tasks.get(1).path("afterAction").asBoolean()).isTrue();
    }

    @Test
    void manualTransitionThenAutomaticChainThenAfterActions() {
        String user = TestTokens.user().token();
        String low = post("/data/v1/" + schema + "/documents", user, "{\"systolic\":120}").json().path("id").asString();
        assertThat(transition(user, low, "{\"name\":\"submit\"}").expect(200).affected()).isOne();
        JsonNode approved = doc(low);
        assertThat(approved.path("status").asString()).isEqualTo("approved");
        assertThat(approved.path("data").path("tags")).isEqualTo(json("[\"submitted\",\"x\"]"));
        List<JsonNode> runs = events(low, "document_transitioned");
        assertThat(runs).hasSize(2);
        assertThat(runs.get(0).path("transitionName").asString()).isEqualTo("submit");
        assertThat(runs.get(0).path("automatic").asBoolean()).isFalse();
        assertThat(runs.get(0).path("actions")).isEqualTo(json("[\"addItems\"]"));
        assertThat(runs.get(1).path("transitionName").asString()).isEqualTo("auto-approve");
        assertThat(runs.get(1).path("fromStatus").asString()).isEqualTo("review");
        assertThat(runs.get(1).path("toStatus").asString()).isEqualTo("approved");
        assertThat(runs.get(1).path("automatic").asBoolean()).isTrue();
        assertThat(events(low, "task_requested").stream().map(t -> t.path("functionName").asString()))
                .contains("after-submit");

        // by id, with data that overwrites a field: 160 takes the reject branch, whose action removes "x"
        String high = post("/data/v1/" + schema + "/documents", user, "{\"systolic\":120}").json().path("id").asString();
        transition(user, high, "{\"id\":\"" + transitionId("submit") + "\",\"data\":{\"systolic\":160}}").expect(200);
        JsonNode rejected = doc(high);
        assertThat(rejected.path("status").asString()).isEqualTo("rejected");
        assertThat(rejected.path("data").path("systolic").asInt()).isEqualTo(160);
        assertThat(rejected.path("data").path("tags")).isEqualTo(json("[\"submitted\"]"));

        // the same name from different statuses: "archive" from rejected unsets fields; from new it needs a reason
        transition(user, high, "{\"name\":\"archive\"}").expect(200);
        assertThat(doc(high).path("data").has("source")).isFalse();
        assertThat(doc(high).path("data").has("meta")).isFalse();
        assertThat(doc(high).path("status").asString()).isEqualTo("archived");
        String fresh = post("/data/v1/" + schema + "/documents", user, "{\"systolic\":1}").json().path("id").asString();
        transition(user, fresh, "{\"name\":\"archive\"}").error(400, 26);
        transition(user, fresh, "{\"name\":\"archive\",\"data\":{\"reason\":\"dup\"}}").expect(200);
        assertThat(doc(fresh).path("data").path("reason").asString()).isEqualTo("dup");
    }

    @Test
    void transitionErrors() {
        String user = TestTokens.user().token();
        String id = post("/data/v1/" + schema + "/documents", user, "{\"systolic\":120}").json().path("id").asString();
        transition(user, id, "{\"name\":\"no-such\"}").error(404, 16);
        transition(user, id, "{\"id\":\"5e9fff9d90135a2a9a718e2f\"}").error(404, 16);
        transition(user, id, "{}").error(400, 14);
        transition(user, id, "{\"name\":\"auto-approve\"}").error(404, 16); // automatic ones cannot be run by hand
        transition(user, id, "{\"name\":\"submit\",\"data\":{\"systolic\":\"x\"}}").error(400, 26);
        transition(user, id, "{\"name\":\"submit\",\"data\":[1]}").error(400, 15);
        transition(user, id, "{\"name\":\"archive\",\"data\":{}}").error(400, 26);
        // from the wrong status
        transition(user, id, "{\"name\":\"submit\"}").expect(200);
        transition(user, id, "{\"name\":\"submit\"}").error(400, 26);
        // a stranger may not (update mode creator/linkedUsers); a TRANSITION_DOCUMENTS:schema:name holder may
        String other = post("/data/v1/" + schema + "/documents", user, "{\"systolic\":120}").json().path("id").asString();
        transition(TestTokens.user().token(), other, "{\"name\":\"submit\"}").error(401, 10);
        transition(TestTokens.user().permissions("TRANSITION_DOCUMENTS:" + schema + ":archive").token(), other,
                "{\"name\":\"submit\"}").error(401, 10);
        transition(TestTokens.user().permissions("TRANSITION_DOCUMENTS:" + schema + ":submit").token(), other,
                "{\"name\":\"submit\"}").expect(200);
        // precondition
        String third = post("/data/v1/" + schema + "/documents", user, "{\"systolic\":120}").json().path("id").asString();
        assertThat(post("/data/v1/" + schema + "/documents/" + third + "/transition?eq(status,review)", user,
                "{\"name\":\"submit\"}").expect(200).affected()).isZero();
        assertThat(doc(third).path("status").asString()).isEqualTo("new");
    }

    @Test
    void initiatorConditionsAndLinkActions() {
        String creator = TestTokens.user().token();
        String id = post("/data/v1/" + schema + "/documents", creator,
                "{\"systolic\":1,\"groupId\":\"" + GROUP + "\",\"patientId\":\"" + PATIENT + "\"}")
                .json().path("id").asString();
        String staffWithout = TestTokens.user().permissions("TRANSITION_DOCUMENTS").staffOf(GROUP).token();
        transition(staffWithout, id, "{\"name\":\"claim\"}").error(400, 26);
        String otherStaff = TestTokens.user().permissions("TRANSITION_DOCUMENTS").staffOf(OTHER_GROUP, "CLAIM")
                .token();
        transition(otherStaff, id, "{\"name\":\"claim\"}").error(400, 26);
        String staff = TestTokens.user().permissions("TRANSITION_DOCUMENTS").staffOf(GROUP, "CLAIM").token();
        transition(staff, id, "{\"name\":\"claim\"}").expect(200);
        assertThat(doc(id).path("groupIds")).isEqualTo(json("[\"" + GROUP + "\"]"));
        assertThat(doc(id).path("userIds").toString()).contains(PATIENT);

        transition(TestTokens.user().permissions("TRANSITION_DOCUMENTS").patientOf(OTHER_GROUP).token(), id,
                "{\"name\":\"as-patient\"}").error(400, 26);
        transition(TestTokens.user().permissions("TRANSITION_DOCUMENTS").patientOf(GROUP).token(), id,
                "{\"name\":\"as-patient\"}").expect(200);

        // isStaffOfTargetPatient: the patient's enlistments come from user-service events
        String carer = TestTokens.user().permissions("TRANSITION_DOCUMENTS").staffOf(OTHER_GROUP).token();
        transition(carer, id, "{\"name\":\"as-carer\"}").error(400, 26);
        enlistments.add(PATIENT, OTHER_GROUP, null);
        try {
            transition(carer, id, "{\"name\":\"as-carer\"}").expect(200);
        } finally {
            enlistments.remove(PATIENT, OTHER_GROUP);
        }
    }

    @Test
    void linkEnlistedGroupsUsesTheCreatorsEnlistments() {
        TestTokens.Builder patient = TestTokens.user().patientOf(GROUP);
        String id = post("/data/v1/" + schema + "/documents", patient.token(), "{\"systolic\":1}")
                .json().path("id").asString();
        enlistments.add(patient.id(), OTHER_GROUP, null);
        try {
            transition(patient.token(), id, "{\"name\":\"enlisted\"}").expect(200);
            assertThat(doc(id).path("groupIds")).isEqualTo(json("[\"" + OTHER_GROUP + "\",\"" + GROUP + "\"]"));
        } finally {
            enlistments.removeUser(patient.id());
        }
    }

    @Test
    void lockedDocumentsRefuseChangesAndParallelTransitionsRunOnce() throws Exception {
        String user = TestTokens.user().token();
        String id = post("/data/v1/" + schema + "/documents", user, "{\"systolic\":120}").json().path("id").asString();
        // a lock held by someone else: changes are refused with 415, reads and deletes ignore it
        mongo.getCollection("documents_" + schemaId).updateOne(new org.bson.Document("_id", new org.bson.types.ObjectId(id)),
                new org.bson.Document("$set", new org.bson.Document("transitionLock",
                        new org.bson.Document("timestamp", new java.util.Date())).append("_lock", "someone")));
        JsonNode locked = doc(id);
        assertThat(locked.path("transitionLock").path("timestamp").asString()).isNotEmpty();
        assertThat(locked.has("_lock")).isFalse();
        transition(user, id, "{\"name\":\"submit\"}").error(400, 415);
        put("/data/v1/" + schema + "/documents/" + id, user, "{\"systolic\":1}").error(400, 415);
        post("/data/v1/" + schema + "/documents/" + id + "/linkUsers", ADMIN_TOKEN,
                "{\"userIds\":[\"" + PATIENT + "\"]}").error(400, 415);
        post("/data/v1/" + schema + "/documents/" + id + "/comments", user, "{\"text\":\"hi\"}").error(400, 415);
        // an abandoned lock (older than medbase.data.lock-timeout) is taken over
        mongo.getCollection("documents_" + schemaId).updateOne(new org.bson.Document("_id", new org.bson.types.ObjectId(id)),
                new org.bson.Document("$set", new org.bson.Document("transitionLock.timestamp",
                        new java.util.Date(System.currentTimeMillis() - 3_600_000))));
        put("/data/v1/" + schema + "/documents/" + id, user, "{\"systolic\":121}").expect(200);
        assertThat(doc(id).has("transitionLock")).isFalse();

        // eight parallel "submit" calls: exactly one runs, the others see the lock or the new status
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            for (int round = 0; round < 3; round++) {
                String target = post("/data/v1/" + schema + "/documents", user, "{\"systolic\":120}")
                        .json().path("id").asString();
                CountDownLatch start = new CountDownLatch(1);
                List<Future<Response>> calls = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    Callable<Response> call = () -> {
                        start.await();
                        return transition(user, target, "{\"name\":\"submit\"}");
                    };
                    calls.add(pool.submit(call));
                }
                start.countDown();
                int ok = 0;
                for (Future<Response> f : calls) {
                    Response r = f.get();
                    if (r.status() == 200) {
                        ok++;
                    } else {
                        assertThat(r.json().path("code").asInt()).as(r.body()).isIn(415, 26);
                    }
                }
                assertThat(ok).isEqualTo(1);
                assertThat(events(target, "document_transitioned").stream()
                        .filter(e -> e.path("transitionName").asString().equals("submit"))).hasSize(1);
                assertThat(doc(target).path("data").path("tags")).isEqualTo(json("[\"submitted\",\"x\"]"));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void invalidWorkflowDefinitionsAre26() {
        String base = "/data/v1/" + schema;
        post(base + "/transitions", ADMIN_TOKEN, "{\"name\":\"t\",\"fromStatuses\":[\"nope\"],\"toStatus\":\"new\"}")
                .error(400, 26);
        post(base + "/transitions", ADMIN_TOKEN, "{\"name\":\"t\",\"fromStatuses\":[],\"toStatus\":\"new\"}")
                .error(400, 26);
        post(base + "/transitions", ADMIN_TOKEN, "{\"fromStatuses\":[\"new\"],\"toStatus\":\"new\","
                + "\"actions\":[{\"type\":\"explode\"}]}").error(400, 26);
        post(base + "/transitions", ADMIN_TOKEN, "{\"fromStatuses\":[\"new\"],\"toStatus\":\"new\","
                + "\"conditions\":[{\"type\":\"input\",\"configuration\":{\"type\":\"strange\"}}]}").error(400, 26);
        post(base + "/transitions", ADMIN_TOKEN, "{\"fromStatuses\":[\"new\"],\"toStatus\":\"new\","
                + "\"actions\":[{\"type\":\"task\"}]}").error(400, 26);
        post(base + "/transitions", ADMIN_TOKEN, "{\"fromStatuses\":[\"new\"],\"toStatus\":\"new\",\"type\":\"x\"}")
                .error(400, 26);
        put(base + "/creationTransition", ADMIN_TOKEN, "{\"type\":\"manual\",\"toStatus\":\"nope\"}").error(400, 26);
        delete(base + "/statuses/review", ADMIN_TOKEN).error(400, 414);
    }
}
