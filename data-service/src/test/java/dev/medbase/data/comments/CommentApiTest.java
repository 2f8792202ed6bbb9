package dev.medbase.data.comments;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import dev.medbase.data.testing.DataApiTest;
import dev.medbase.platform.testing.TestTokens;

/** Comments (§7.5 #32–35). */
class CommentApiTest extends DataApiTest {

    private static final TestTokens.Builder OWNER = TestTokens.user();
    private String schema;
    private String doc;

    @BeforeEach
    void document() {
        schema = uniqueName("cm");
        createSchema("{\"name\":\"" + schema + "\",\"creationTransition\":{\"type\":\"manual\",\"toStatus\":\"new\","
                + "\"actions\":[{\"type\":\"linkCreator\"}]}}");
        doc = post("/data/v1/" + schema + "/documents", OWNER.token(), "{}").expect(200).json().path("id").asString();
    }

    private String comments() {
        return "/data/v1/" + schema + "/documents/" + doc + "/comments";
    }

    @Test
    void createListUpdateDelete() {
        JsonNode c = post(comments(), OWNER.token(), "{\"text\":\"Looks high\"}").expect(200).json();
        String id = c.path("id").asString();
        assertThat(List.copyOf(c.propertyNames())).containsExactly("id", "schemaId", "documentId", "creatorId", "text",
                "creationTimestamp", "updateTimestamp");
        assertThat(c.path("documentId").asString()).isEqualTo(doc);
        assertThat(c.path("creatorId").asString()).isEqualTo(OWNER.id());
        JsonNode d = get("/data/v1/" + schema + "/documents?eq(id," + doc + ")", OWNER.token()).json().path("data")
                .get(0);
        assertThat(d.path("commentCount").asInt()).isEqualTo(1);

        JsonNode page = get(comments() + "?eq(id," + id + ")", OWNER.token()).expect(200).json();
        assertThat(page.path("data").get(0)).isEqualTo(c);
        assertThat(page.path("page").path("total").asInt()).isOne();

        // another user who cannot read the document sees nothing of it
        String stranger = TestTokens.user().token();
        post(comments(), stranger, "{\"text\":\"x\"}").error(404, 16);
        get(comments(), stranger).error(404, 16);
        assertThat(get(comments(), TestTokens.user().permissions("VIEW_DOCUMENT_COMMENTS").token()).expect(200)
                .json().path("data").size()).isOne();

        put(comments() + "/" + id, OWNER.token(), "{\"text\":\"Fine after all\"}").expect(200);
        assertThat(get(comments(), OWNER.token()).json().path("data").get(0).path("text").asString())
                .isEqualTo("Fine after all");
        // a reader who is not the author may not change it
        String reader = TestTokens.user().permissions("VIEW_DOCUMENTS").token();
        put(comments() + "/" + id, reader, "{\"text\":\"mine now\"}").error(401, 10);
        put(comments() + "/" + id, OWNER.token(), "{}").error(400, 14);
        put(comments() + "/" + id, OWNER.token(), "{\"text\":7}").error(400, 15);
        put(comments() + "/5e9fff9d90135a2a9a718e2f", OWNER.token(), "{\"text\":\"x\"}").error(404, 16);
        put(comments() + "/bad", OWNER.token(), "{\"text\":\"x\"}").error(400, 12);

        assertThat(delete(comments() + "/" + id, OWNER.token()).expect(200).affected()).isOne();
        delete(comments() + "/" + id, OWNER.token()).error(404, 16);
        d = get("/data/v1/" + schema + "/documents?eq(id," + doc + ")", OWNER.token()).json().path("data").get(0);
        assertThat(d.path("commentCount").asInt()).isZero();
        assertThat(events(doc, "document_comment_created")).hasSize(1);
        assertThat(events(doc, "document_comment_deleted")).hasSize(1);
    }

    @Test
    void badInput() {
        post(comments(), OWNER.token(), "{}").error(400, 14);
        post(comments(), OWNER.token(), "{\"text\":\"\"}").error(400, 15);
        post(comments(), OWNER.token(), "{\"text\":\"" + "x".repeat(10_001) + "\"}").error(400, 15);
        post(comments(), OWNER.token(), "nope").error(400, 22);
        post(comments(), null, "{\"text\":\"x\"}").error(401, 104);
        post("/data/v1/" + schema + "/documents/5e9fff9d90135a2a9a718e2f/comments", OWNER.token(),
                "{\"text\":\"x\"}").error(404, 16);
    }
}
