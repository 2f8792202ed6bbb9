package dev.medbase.files.files;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.medbase.files.FilesTestBase;
import tools.jackson.databind.JsonNode;

/** The token matrix: full, read, unknown, deleted; the last-full-token rule; delete of the whole file. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "medbase.files.token-encryption-key=AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=")
class TokenRulesTest extends FilesTestBase {

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        infra(registry, "files-tokens");
    }

    @Test
    void readTokensReadButManageNothing() throws Exception {
        String full = fullToken(uploadOk("a.txt", "text/plain", "abc".getBytes(StandardCharsets.UTF_8), "t"));

        HttpResponse<String> created = send("POST", "/files/v1/" + full + "/tokens", null, "{\"accessLevel\":\"read\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
        JsonNode tokenObject = JSON.readTree(created.body());
        assertThat(tokenObject.propertyNames()).containsExactly("token", "accessLevel");
        assertThat(tokenObject.get("accessLevel").asString()).isEqualTo("read");
        String read = tokenObject.get("token").asString();

        // read: the bytes and the details without tokens
        assertThat(new String(download(read, Map.of()).body(), StandardCharsets.UTF_8)).isEqualTo("abc");
        JsonNode details = JSON.readTree(send("GET", "/files/v1/" + read + "/details", null, null).body());
        assertThat(details.has("tokens")).isFalse();
        assertThat(details.get("name").asString()).isEqualTo("a.txt");
        assertThat(details.get("tags").toString()).isEqualTo("[\"t\"]");

        // full: details list every token
        JsonNode fullDetails = JSON.readTree(send("GET", "/files/v1/" + full + "/details", null, null).body());
        assertThat(fullDetails.get("tokens").toString()).contains(full, read, "\"accessLevel\":\"read\"");

        // read may not manage: 2606 (401)
        assertError(send("POST", "/files/v1/" + read + "/tokens", null, "{\"accessLevel\":\"full\"}"), 401, 2606,
                "UNAUTHORIZED_TOKEN_EXCEPTION");
        assertError(send("DELETE", "/files/v1/" + read + "/tokens/" + full, null, null), 401, 2606,
                "UNAUTHORIZED_TOKEN_EXCEPTION");
        assertError(send("DELETE", "/files/v1/" + read, null, null), 401, 2606, "UNAUTHORIZED_TOKEN_EXCEPTION");

        // deleting the read token: it no longer works (2605)
        HttpResponse<String> deleted = send("DELETE", "/files/v1/" + full + "/tokens/" + read, null, null);
        assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(200);
        assertError(send("GET", "/files/v1/" + read + "/details", null, null), 400, 2605, "INVALID_TOKEN_EXCEPTION");
        assertThat(download(read, Map.of()).statusCode()).isEqualTo(400);
        assertError(send("DELETE", "/files/v1/" + full + "/tokens/" + read, null, null), 400, 2605,
                "INVALID_TOKEN_EXCEPTION");
    }

    @Test
    void theLastFullTokenCannotBeDeleted() throws Exception {
        String first = fullToken(uploadOk("b.txt", "text/plain", "b".getBytes(StandardCharsets.UTF_8)));
        assertError(send("DELETE", "/files/v1/" + first + "/tokens/" + first, null, null), 403, 2607,
                "TOKEN_NOT_DELETEABLE_EXCEPTION");
        // a read token does not count
        send("POST", "/files/v1/" + first + "/tokens", null, "{\"accessLevel\":\"read\"}");
        assertError(send("DELETE", "/files/v1/" + first + "/tokens/" + first, null, null), 403, 2607,
                "TOKEN_NOT_DELETEABLE_EXCEPTION");

        String second = JSON.readTree(send("POST", "/files/v1/" + first + "/tokens", null,
                "{\"accessLevel\":\"full\"}").body()).get("token").asString();
        // a token may delete itself while another full token remains
        assertThat(send("DELETE", "/files/v1/" + first + "/tokens/" + first, null, null).statusCode()).isEqualTo(200);
        assertError(send("GET", "/files/v1/" + first + "/details", null, null), 400, 2605, "INVALID_TOKEN_EXCEPTION");
        assertError(send("DELETE", "/files/v1/" + second + "/tokens/" + second, null, null), 403, 2607,
                "TOKEN_NOT_DELETEABLE_EXCEPTION");
        assertThat(download(second, Map.of()).statusCode()).isEqualTo(200);
    }

    @Test
    void concurrentDeletionsOfTheLastTwoFullTokensLeaveOne() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 5; round++) {
                String a = fullToken(uploadOk("c.txt", "text/plain", "c".getBytes(StandardCharsets.UTF_8)));
                String b = JSON.readTree(send("POST", "/files/v1/" + a + "/tokens", null,
                        "{\"accessLevel\":\"full\"}").body()).get("token").asString();
                CompletableFuture<HttpResponse<String>> x = CompletableFuture.supplyAsync(
                        () -> call(() -> send("DELETE", "/files/v1/" + a + "/tokens/" + b, null, null)), pool);
                CompletableFuture<HttpResponse<String>> y = CompletableFuture.supplyAsync(
                        () -> call(() -> send("DELETE", "/files/v1/" + b + "/tokens/" + a, null, null)), pool);
                List<Integer> statuses = new ArrayList<>(List.of(x.get().statusCode(), y.get().statusCode()));
                statuses.sort(null);
                // one wins; the other finds its own token gone (2605) or would remove the last full one (2607)
                assertThat(statuses.get(0)).isEqualTo(200);
                assertThat(statuses.get(1)).isIn(400, 403);
                long working = List.of(a, b).stream().filter(t -> call(() -> download(t, Map.of())).statusCode() == 200)
                        .count();
                assertThat(working).isEqualTo(1);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void unknownAndMalformedTokensAre2605() throws Exception {
        String full = fullToken(uploadOk("d.txt", "text/plain", "d".getBytes(StandardCharsets.UTF_8)));
        String sameFileWrongSecret = full.substring(0, 25) + "0".repeat(64);
        String otherFile = "0123456789abcdef01234567-" + full.substring(25);
        for (String bad : List.of(sameFileWrongSecret, otherFile, "nope", full.toUpperCase(), full + "0",
                "settingsx", "%2e%2e")) {
            assertError(send("GET", "/files/v1/" + bad + "/details", null, null), 400, 2605, "INVALID_TOKEN_EXCEPTION");
            assertThat(download(bad, Map.of()).statusCode()).as(bad).isEqualTo(400);
            assertError(send("DELETE", "/files/v1/" + bad, null, null), 400, 2605, "INVALID_TOKEN_EXCEPTION");
            assertError(send("POST", "/files/v1/" + bad + "/tokens", null, "{}"), 400, 2605, "INVALID_TOKEN_EXCEPTION");
        }
        assertError(send("DELETE", "/files/v1/" + full + "/tokens/" + otherFile, null, null), 400, 2605,
                "INVALID_TOKEN_EXCEPTION");
        assertError(send("POST", "/files/v1/" + full + "/tokens", null, "{\"accessLevel\":\"admin\"}"), 400, 15,
                "FIELD_FORMAT_EXCEPTION");
        // no body: a read token, the least privilege
        JsonNode implicit = JSON.readTree(send("POST", "/files/v1/" + full + "/tokens", null, null).body());
        assertThat(implicit.get("accessLevel").asString()).isEqualTo("read");
    }

    @Test
    void deletingAFileRemovesBytesMetadataAndEveryToken() throws Exception {
        long chunksBefore = chunkCount();
        long blobsBefore = blobCount();
        byte[] content = new byte[700_000];
        String full = fullToken(uploadOk("e.bin", "application/octet-stream", content));
        String read = JSON.readTree(send("POST", "/files/v1/" + full + "/tokens", null,
                "{\"accessLevel\":\"read\"}").body()).get("token").asString();
        assertThat(chunkCount()).isEqualTo(chunksBefore + 3);

        HttpResponse<String> deleted = send("DELETE", "/files/v1/" + full, null, null);
        assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(200);
        assertThat(chunkCount()).isEqualTo(chunksBefore);
        assertThat(blobCount()).isEqualTo(blobsBefore);
        assertThat(mongo.getCollection("blob_leases").countDocuments()).isZero();
        for (String t : List.of(full, read)) {
            assertError(send("GET", "/files/v1/" + t + "/details", null, null), 400, 2605, "INVALID_TOKEN_EXCEPTION");
            assertThat(download(t, Map.of()).statusCode()).isEqualTo(400);
        }
        assertError(send("DELETE", "/files/v1/" + full, null, null), 400, 2605, "INVALID_TOKEN_EXCEPTION");
    }

    interface Call<T> {
        T run() throws Exception;
    }

    static <T> T call(Call<T> call) {
        try {
            return call.run();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
