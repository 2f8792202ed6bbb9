package dev.medbase.users;

import static org.assertj.core.api.Assertions.assertThat;

import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import tools.jackson.databind.JsonNode;

import dev.medbase.platform.testing.OpenApiDocs;
import dev.medbase.platform.testing.TestTokens;
import dev.medbase.users.support.ApiTest;

/**
 * The request examples of user-service's main create endpoints (registration, roles and their permissions, the
 * password policy) are accepted by the real endpoints, and every key of each answer is one the document names.
 */
class DocumentedExamplesTest extends ApiTest {

    static final String ADMIN = TestTokens.user(new ObjectId()).permissions("CREATE_ROLE", "UPDATE_ROLE",
            "UPDATE_PASSWORD_POLICY").token();

    @Autowired
    ApplicationContext context;

    private JsonNode doc;

    @Test
    void theMainDocumentedRequestExamplesAreAccepted() {
        doc = OpenApiDocs.fetchDocument(context, port);
        sendExample("PUT", "/users/v1/password_policy", ADMIN);
        JsonNode user = sendExample("POST", "/users/v1/register", null);
        assertThat(user.path("first_name").asString()).isEqualTo("Jane");
        assertThat(sendExample("POST", "/users/v1/roles", ADMIN).path("name").asString()).isEqualTo("nurse");
    }

    private JsonNode sendExample(String method, String path, String token) {
        JsonNode answer = send(method, path, token, OpenApiDocs.requestExample(doc, method, path).toString())
                .expect(200).json();
        OpenApiDocs.assertResponseDocumented(doc, method, path, answer);
        return answer;
    }
}
