package dev.medbase.files.uploads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;

import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.medbase.files.FilesTestBase;
import dev.medbase.platform.testing.TestTokens;
import tools.jackson.databind.JsonNode;

/** The tus 1.0 protocol under /files/v1/uploads, ending in a normal file with tokens. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "medbase.files.uploads.max-size=64MB")
class ResumableUploadTest extends FilesTestBase {

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        infra(registry, "files-resumable");
    }

    @Autowired
    Uploads uploads;

    @Test
    void optionsAdvertiseTheProtocol() throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url("/files/v1/uploads")))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).build(), BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(204);
        assertThat(r.headers().firstValue("Tus-Resumable")).hasValue("1.0.0");
        assertThat(r.headers().firstValue("Tus-Version")).hasValue("1.0.0");
        assertThat(r.headers().firstValue("Tus-Extension").orElseThrow()).contains("creation", "termination",
                "checksum", "expiration");
        assertThat(r.headers().firstValue("Tus-Max-Size")).hasValue(Long.toString(64L * 1024 * 1024));
        assertThat(r.headers().firstValue("Tus-Checksum-Algorithm").orElseThrow()).contains("sha256");
    }

    @Test
    void uploadInChunksWithChecksumsBecomesAFile() throws Exception {
        byte[] content = random(2_500_000, 1);
        String location = create(content.length, "filename " + b64("ecg.edf") + ",filetype " + b64("application/edf")
                + ",tags " + b64("ecg,night"));
        assertThat(location).matches("/files/v1/uploads/[0-9a-f]{24}");
        assertThat(head(location).headers().firstValue("Upload-Offset")).hasValue("0");
        assertThat(head(location).headers().firstValue("Upload-Length")).hasValue(Long.toString(content.length));
        assertThat(head(location).headers().firstValue("Cache-Control")).hasValue("no-store");

        HttpResponse<String> first = patch(location, 0, Arrays.copyOfRange(content, 0, 1_000_000),
                "sha256 " + checksum("SHA-256", Arrays.copyOfRange(content, 0, 1_000_000)));
        assertThat(first.statusCode()).as(first.body()).isEqualTo(204);
        assertThat(first.headers().firstValue("Upload-Offset")).hasValue("1000000");
        assertThat(first.headers().firstValue("Upload-Expires")).isPresent();
        assertThat(first.headers().firstValue("Medbase-File-Token")).isEmpty();

        HttpResponse<String> second = patch(location, 1_000_000, Arrays.copyOfRange(content, 1_000_000, 2_000_001),
                "md5 " + checksum("MD5", Arrays.copyOfRange(content, 1_000_000, 2_000_001)));
        assertThat(second.headers().firstValue("Upload-Offset")).hasValue("2000001");

        HttpResponse<String> last = patch(location, 2_000_001, Arrays.copyOfRange(content, 2_000_001, content.length),
                null);
        assertThat(last.statusCode()).as(last.body()).isEqualTo(204);
        assertThat(last.headers().firstValue("Upload-Offset")).hasValue(Long.toString(content.length));
        String token = last.headers().firstValue("Medbase-File-Token").orElseThrow();

        JsonNode details = JSON.readTree(send("GET", "/files/v1/" + token + "/details", null, null).body());
        assertThat(details.get("name").asString()).isEqualTo("ecg.edf");
        assertThat(details.get("mimetype").asString()).isEqualTo("application/edf");
        assertThat(details.get("size").asLong()).isEqualTo(content.length);
        assertThat(details.get("tags").toString()).isEqualTo("[\"ecg\",\"night\"]");
        assertThat(details.get("creatorId").asString()).isEqualTo(USER);
        assertThat(details.get("sha256").asString()).isEqualTo(sha256(content));
        assertThat(download(token, Map.of()).body()).isEqualTo(content);

        JsonNode status = JSON.readTree(send("GET", location, user(), null).body());
        assertThat(status.get("complete").asBoolean()).isTrue();
        assertThat(status.get("offset").asLong()).isEqualTo(content.length);
        assertThat(status.get("file").get("tokens").get(0).get("token").asString()).isEqualTo(token);
        // done: further PATCHes conflict
        assertThat(patch(location, content.length, new byte[0], null).statusCode()).isEqualTo(409);
    }

    @Test
    void anInterruptedPatchResumesFromTheReportedOffset() throws Exception {
        byte[] content = random(3_000_000, 2);
        String location = create(content.length, "filename " + b64("video.mp4"));
        // the client dies after sending 1.7 MB of a 3 MB PATCH
        HttpRequest broken = tus(location).header("Content-Type", "application/offset+octet-stream")
                .header("Upload-Offset", "0")
                .method("PATCH", HttpRequest.BodyPublishers.ofInputStream(() -> new FailingStream(content, 1_700_000)))
                .build();
        try {
            http.send(broken, BodyHandlers.ofString());
        } catch (IOException expected) {
            // the request was cut off
        }
        // resume as a tus client does: ask for the offset, send the rest, and ask again on 423 (the server is still
        // finishing the cut-off PATCH: on a busy machine it may not even have started it when the client gave up) or
        // on 409 (that PATCH moved the offset after the client asked)
        AtomicReference<HttpResponse<String>> resumed = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            long offset = Long.parseLong(head(location).headers().firstValue("Upload-Offset").orElseThrow());
            assertThat(offset).isBetween(0L, 1_700_000L);
            resumed.set(patch(location, offset, Arrays.copyOfRange(content, (int) offset, content.length), null));
            return resumed.get().statusCode() != 423 && resumed.get().statusCode() != 409;
        });
        HttpResponse<String> rest = resumed.get();
        assertThat(rest.statusCode()).as(rest.body()).isEqualTo(204);
        String token = rest.headers().firstValue("Medbase-File-Token").orElseThrow();
        JsonNode details = JSON.readTree(send("GET", "/files/v1/" + token + "/details", null, null).body());
        assertThat(details.get("sha256").asString()).isEqualTo(sha256(content));
        assertThat(download(token, Map.of()).body()).isEqualTo(content);
    }

    @Test
    void theDigestSurvivesARestartOfTheService() throws Exception {
        // simulate another replica: the in-memory running digest is lost between two PATCHes
        byte[] content = random(700_000, 3);
        String location = create(content.length, null);
        patch(location, 0, Arrays.copyOfRange(content, 0, 300_000), null);
        java.lang.reflect.Field cache = Uploads.class.getDeclaredField("digests");
        cache.setAccessible(true);
        ((DigestCache) cache.get(uploads)).remove(location.substring(location.lastIndexOf('/') + 1));
        HttpResponse<String> last = patch(location, 300_000, Arrays.copyOfRange(content, 300_000, content.length), null);
        String token = last.headers().firstValue("Medbase-File-Token").orElseThrow();
        assertThat(JSON.readTree(send("GET", "/files/v1/" + token + "/details", null, null).body()).get("sha256")
                .asString()).isEqualTo(sha256(content));
        assertThat(JSON.readTree(send("GET", "/files/v1/" + token + "/details", null, null).body()).get("name")
                .asString()).isEqualTo("file");
    }

    @Test
    void protocolErrorsLeaveTheOffsetWhereItWas() throws Exception {
        byte[] content = random(600_000, 4);
        String location = create(content.length, null);
        patch(location, 0, Arrays.copyOfRange(content, 0, 300_000), null);
        long chunks = chunkCount();

        HttpResponse<String> stale = patch(location, 0, new byte[10], null);
        assertThat(stale.statusCode()).isEqualTo(409);
        assertThat(stale.headers().firstValue("Upload-Offset")).hasValue("300000");
        assertThat(stale.body()).contains("\"code\":27");

        HttpResponse<String> mismatch = patch(location, 300_000, Arrays.copyOfRange(content, 300_000, 400_000),
                "sha256 " + checksum("SHA-256", new byte[] {1}));
        assertThat(mismatch.statusCode()).isEqualTo(460);
        HttpResponse<String> tooMuch = patch(location, 300_000, new byte[300_001], null);
        assertThat(tooMuch.statusCode()).isEqualTo(400);
        assertThat(patch(location, 300_000, new byte[1], "crc32 AAAA").statusCode()).isEqualTo(400);
        assertThat(head(location).headers().firstValue("Upload-Offset")).hasValue("300000");
        assertThat(chunkCount()).isEqualTo(chunks);

        HttpResponse<String> wrongType = http.send(tus(location).header("Content-Type", "application/json")
                .header("Upload-Offset", "300000").method("PATCH", HttpRequest.BodyPublishers.ofString("{}")).build(),
                BodyHandlers.ofString());
        assertThat(wrongType.statusCode()).isEqualTo(415);
        HttpResponse<String> noTus = http.send(HttpRequest.newBuilder(URI.create(url(location)))
                .header("Authorization", "Bearer " + user()).method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
                BodyHandlers.ofString());
        assertThat(noTus.statusCode()).isEqualTo(412);
        assertThat(noTus.headers().firstValue("Tus-Version")).hasValue("1.0.0");

        // one PATCH over the service's body limit (medbase.web.max-body-size, 10 MB) is refused, nothing kept
        // (the server answers 413 and closes the connection while the client is still sending: either may be seen)
        String big = create(12 * 1024 * 1024, null);
        try {
            HttpResponse<String> huge = http.send(tus(big).header("Content-Type", "application/offset+octet-stream")
                    .header("Upload-Offset", "0").method("PATCH", HttpRequest.BodyPublishers.ofInputStream(
                            () -> new ByteArrayInputStream(new byte[11 * 1024 * 1024]))).build(), BodyHandlers.ofString());
            assertThat(huge.statusCode()).as(huge.body()).isEqualTo(413);
        } catch (IOException cutOff) {
            // the connection was closed before the client read the answer
        }
        ObjectId bigId = new ObjectId(big.substring(big.lastIndexOf('/') + 1));
        await().atMost(Duration.ofSeconds(30)).until(() ->
                mongo.getCollection("uploads").find(new Document("_id", bigId)).first().get("lockedBy") == null);
        assertThat(head(big).headers().firstValue("Upload-Offset")).hasValue("0");
        assertThat(http.send(tus(big).DELETE().build(), BodyHandlers.ofString()).statusCode()).isEqualTo(204);
        assertThat(chunkCount()).isEqualTo(chunks);

        // someone else's PATCH holds the lock
        ObjectId id = new ObjectId(location.substring(location.lastIndexOf('/') + 1));
        await().atMost(Duration.ofSeconds(30)).until(() ->
                mongo.getCollection("uploads").find(new Document("_id", id)).first().get("lockedBy") == null);
        assertThat(head(location).headers().firstValue("Upload-Offset")).hasValue("300000");
        mongo.getCollection("uploads").updateOne(new Document("_id", id), new Document("$set",
                new Document("lockedBy", "other").append("lockedUntil", Date.from(Instant.now().plusSeconds(60)))));
        assertThat(patch(location, 300_000, new byte[1], null).statusCode()).isEqualTo(423);
        mongo.getCollection("uploads").updateOne(new Document("_id", id), new Document("$set",
                new Document("lockedUntil", Date.from(Instant.now().minusSeconds(1)))));
        assertThat(patch(location, 300_000, Arrays.copyOfRange(content, 300_000, 600_000), null).statusCode())
                .isEqualTo(204);
    }

    @Test
    void creationRules() throws Exception {
        HttpResponse<String> tooBig = http.send(tus("/files/v1/uploads").header("Upload-Length",
                Long.toString(64L * 1024 * 1024 + 1)).POST(HttpRequest.BodyPublishers.noBody()).build(),
                BodyHandlers.ofString());
        assertThat(tooBig.statusCode()).isEqualTo(413);
        assertThat(tooBig.body()).contains("\"code\":2610");
        assertThat(http.send(tus("/files/v1/uploads").header("Upload-Defer-Length", "1")
                .POST(HttpRequest.BodyPublishers.noBody()).build(), BodyHandlers.ofString()).statusCode()).isEqualTo(400);
        assertThat(http.send(tus("/files/v1/uploads").header("Upload-Length", "-1")
                .POST(HttpRequest.BodyPublishers.noBody()).build(), BodyHandlers.ofString()).statusCode()).isEqualTo(400);
        assertThat(http.send(tus("/files/v1/uploads").header("Upload-Length", "5")
                .header("Upload-Metadata", "filename " + b64("../../x"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), BodyHandlers.ofString()).statusCode()).isEqualTo(400);
        assertThat(http.send(tus("/files/v1/uploads").header("Upload-Length", "5").header("Upload-Metadata", "filename %%")
                .POST(HttpRequest.BodyPublishers.noBody()).build(), BodyHandlers.ofString()).statusCode()).isEqualTo(400);
        HttpResponse<String> anonymous = http.send(HttpRequest.newBuilder(URI.create(url("/files/v1/uploads")))
                .header("Tus-Resumable", "1.0.0").header("Upload-Length", "5")
                .POST(HttpRequest.BodyPublishers.noBody()).build(), BodyHandlers.ofString());
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.body()).contains("\"code\":104");

        // creation-with-upload: the first bytes ride on the POST
        HttpResponse<String> withBody = http.send(tus("/files/v1/uploads").header("Upload-Length", "5")
                .header("Content-Type", "application/offset+octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray("hello".getBytes(StandardCharsets.UTF_8))).build(),
                BodyHandlers.ofString());
        assertThat(withBody.statusCode()).as(withBody.body()).isEqualTo(201);
        assertThat(withBody.headers().firstValue("Upload-Offset")).hasValue("5");
        String token = withBody.headers().firstValue("Medbase-File-Token").orElseThrow();
        assertThat(new String(download(token, Map.of()).body(), StandardCharsets.UTF_8)).isEqualTo("hello");
    }

    @Test
    void onlyTheCreatorSeesAnUploadAndTerminationAndExpiryRemoveTheBytes() throws Exception {
        long chunks = chunkCount();
        String location = create(900_000, null);
        patch(location, 0, new byte[600_000], null);
        assertThat(chunkCount()).isEqualTo(chunks + 3);

        String stranger = TestTokens.user().token();
        HttpResponse<String> foreign = http.send(HttpRequest.newBuilder(URI.create(url(location)))
                .header("Tus-Resumable", "1.0.0").header("Authorization", "Bearer " + stranger)
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), BodyHandlers.ofString());
        assertThat(foreign.statusCode()).isEqualTo(404);
        assertThat(send("GET", location, stranger, null).statusCode()).isEqualTo(404);
        assertThat(send("GET", "/files/v1/uploads/nonsense", user(), null).statusCode()).isEqualTo(404);

        HttpResponse<String> terminated = http.send(tus(location).DELETE().build(), BodyHandlers.ofString());
        assertThat(terminated.statusCode()).isEqualTo(204);
        assertThat(head(location).statusCode()).isEqualTo(404);
        assertThat(chunkCount()).isEqualTo(chunks);

        // an abandoned upload expires, bytes and all
        String abandoned = create(900_000, null);
        patch(abandoned, 0, new byte[600_000], null);
        assertThat(uploads.expire(Instant.now().plus(Duration.ofDays(2)))).isGreaterThanOrEqualTo(1);
        assertThat(head(abandoned).statusCode()).isEqualTo(404);
        assertThat(chunkCount()).isEqualTo(chunks);
    }

    // ---- helpers ----------------------------------------------------------------------------------------------------

    HttpRequest.Builder tus(String path) {
        return HttpRequest.newBuilder(URI.create(url(path))).header("Tus-Resumable", "1.0.0")
                .header("Authorization", "Bearer " + user());
    }

    String create(long length, String metadata) throws Exception {
        HttpRequest.Builder b = tus("/files/v1/uploads").header("Upload-Length", Long.toString(length));
        if (metadata != null) {
            b.header("Upload-Metadata", metadata);
        }
        HttpResponse<String> r = http.send(b.POST(HttpRequest.BodyPublishers.noBody()).build(), BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        assertThat(r.headers().firstValue("Tus-Resumable")).hasValue("1.0.0");
        return r.headers().firstValue("Location").orElseThrow();
    }

    HttpResponse<String> head(String location) throws Exception {
        return http.send(tus(location).method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
                BodyHandlers.ofString());
    }

    HttpResponse<String> patch(String location, long offset, byte[] body, String checksum) throws Exception {
        HttpRequest.Builder b = tus(location).header("Content-Type", "application/offset+octet-stream")
                .header("Upload-Offset", Long.toString(offset))
                .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(body));
        if (checksum != null) {
            b.header("Upload-Checksum", checksum);
        }
        return http.send(b.build(), BodyHandlers.ofString());
    }

    static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    static String b64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    static String checksum(String algorithm, byte[] content) throws Exception {
        return Base64.getEncoder().encodeToString(MessageDigest.getInstance(algorithm).digest(content));
    }

    static String sha256(byte[] content) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    }

    /** Yields the first {@code failAt} bytes of {@code content}, then fails like a dropped connection. */
    static final class FailingStream extends InputStream {
        private final byte[] content;
        private final int failAt;
        private int position;

        FailingStream(byte[] content, int failAt) {
            this.content = content;
            this.failAt = failAt;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (position >= failAt) {
                throw new IOException("connection dropped");
            }
            int n = Math.min(len, failAt - position);
            System.arraycopy(content, position, b, off, n);
            position += n;
            return n;
        }
    }
}
