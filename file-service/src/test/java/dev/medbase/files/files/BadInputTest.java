package dev.medbase.files.files;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.medbase.files.FilesTestBase;

/** Uploads that must fail with a 4xx ExH error, never a 500, and never leave bytes behind. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class BadInputTest extends FilesTestBase {

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        infra(registry, "files-bad-input");
    }

    long chunks;
    long blobs;

    @BeforeEach
    void count() {
        chunks = chunkCount();
        blobs = blobCount();
    }

    void nothingStored() {
        assertThat(chunkCount()).isEqualTo(chunks);
        assertThat(blobCount()).isEqualTo(blobs);
        assertThat(mongo.getCollection("blob_leases").countDocuments()).isZero();
    }

    @Test
    void uploadsNeedAUser() throws Exception {
        assertError(upload(null, multipart(List.of(Part.file("a.txt", "text/plain", new byte[] {1})))), 401, 104,
                "USER_NOT_AUTHENTICATED_EXCEPTION");
        assertError(upload("not.a.jwt", multipart(List.of(Part.file("a.txt", "text/plain", new byte[] {1})))), 401,
                117, "ACCESS_TOKEN_UNKNOWN_EXCEPTION");
        nothingStored();
    }

    @Test
    void missingFilePart() throws Exception {
        assertError(upload(user(), multipart(List.of(Part.text("name", "a.txt"), Part.text("tags[]", "x")))), 400, 14,
                "MISSING_REQUIRED_FIELDS_EXCEPTION");
        // no parts at all
        assertError(upload(user(), ("--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.US_ASCII)), 400, 22,
                "BODY_FORMAT_EXCEPTION");
        nothingStored();
    }

    @Test
    void brokenMultipart() throws Exception {
        byte[] good = multipart(List.of(Part.text("name", "a.bin"), Part.file("a.bin", "application/octet-stream",
                new byte[400_000])));
        // truncated in the middle of the file part: the bytes already stored are removed again
        byte[] truncated = java.util.Arrays.copyOf(good, 350_000);
        assertError(upload(user(), truncated), 400, 22, "BODY_FORMAT_EXCEPTION");
        // no boundary anywhere
        assertError(upload(user(), "just some bytes".getBytes(StandardCharsets.US_ASCII)), 400, 22,
                "BODY_FORMAT_EXCEPTION");
        // boundary parameter missing from the content type
        HttpResponse<String> noBoundary = http.send(HttpRequest.newBuilder(URI.create(url("/files/v1/")))
                .header("Authorization", "Bearer " + user()).header("Content-Type", "multipart/form-data")
                .POST(HttpRequest.BodyPublishers.ofByteArray(good)).build(), BodyHandlers.ofString());
        assertError(noBoundary, 400, 22, "BODY_FORMAT_EXCEPTION");
        nothingStored();
    }

    @Test
    void wrongContentTypes() throws Exception {
        for (String type : List.of("application/json", "text/plain", "application/x-www-form-urlencoded",
                "multipart/mixed; boundary=" + BOUNDARY)) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url("/files/v1/")))
                    .header("Authorization", "Bearer " + user()).header("Content-Type", type)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"x\"}")).build(), BodyHandlers.ofString());
            assertThat(r.statusCode()).as(type).isBetween(400, 499);
            assertThat(r.body()).as(type).contains("\"code\":22");
        }
        HttpResponse<String> none = http.send(HttpRequest.newBuilder(URI.create(url("/files/v1/")))
                .header("Authorization", "Bearer " + user()).POST(HttpRequest.BodyPublishers.noBody()).build(),
                BodyHandlers.ofString());
        assertThat(none.statusCode()).isBetween(400, 499);
        nothingStored();
    }

    @Test
    void pathLikeOrOversizedNamesAndTagsAreRefused() throws Exception {
        for (String name : List.of("../../etc/passwd", "a/b.txt", "..", "C:\\Windows\\x.txt", "a\u0000b", "tab\there",
                "x".repeat(1025), "")) {
            // the name part (before the file: nothing is stored at all)
            assertError(upload(user(), multipart(List.of(Part.text("name", name),
                    Part.file("ok.txt", "text/plain", new byte[] {1})))), 400, 15, "FIELD_FORMAT_EXCEPTION");
        }
        // the file part's filename when there is no name part
        assertError(upload(user(), multipart(List.of(Part.file("../evil.sh", "text/plain", new byte[] {1})))), 400,
                15, "FIELD_FORMAT_EXCEPTION");
        // a bad name after the file: the stored bytes are removed again
        assertError(upload(user(), multipart(List.of(Part.file("ok.txt", "text/plain", new byte[300_000]),
                Part.text("name", "../x")))), 400, 15, "FIELD_FORMAT_EXCEPTION");

        List<Part> manyTags = new ArrayList<>();
        manyTags.add(Part.file("ok.txt", "text/plain", new byte[] {1}));
        for (int i = 0; i < 101; i++) {
            manyTags.add(Part.text("tags[]", "t" + i));
        }
        assertError(upload(user(), multipart(manyTags)), 400, 15, "FIELD_FORMAT_EXCEPTION");
        assertError(upload(user(), multipart(List.of(Part.file("ok.txt", "text/plain", new byte[] {1}),
                Part.text("tags[]", "t".repeat(257))))), 400, 15, "FIELD_FORMAT_EXCEPTION");
        // a huge text part is cut off at the field limit (64 KB), not buffered
        assertError(upload(user(), multipart(List.of(Part.file("ok.txt", "text/plain", new byte[] {1}),
                Part.text("tags[]", "t".repeat(2_000_000))))), 400, 15, "FIELD_FORMAT_EXCEPTION");
        assertError(upload(user(), multipart(List.of(Part.text("whatever", "w".repeat(70_000)),
                Part.file("ok.txt", "text/plain", new byte[] {1})))), 400, 15, "FIELD_FORMAT_EXCEPTION");
        // two file parts
        assertError(upload(user(), multipart(List.of(Part.file("a.txt", "text/plain", new byte[] {1}),
                Part.file("b.txt", "text/plain", new byte[] {2})))), 400, 15, "FIELD_FORMAT_EXCEPTION");
        nothingStored();
    }

    @Test
    void oddButValidInputIsAccepted() throws Exception {
        // tags in the 'tags' and 'tags[0]' spellings, unknown parts ignored, a malformed part type falls back to a guess
        HttpResponse<String> r = upload(user(), multipart(List.of(Part.text("extension", "txt"),
                Part.text("tags", "one"), Part.text("tags[0]", "two"),
                new Part("file", "notes.txt", "not a type", "x".getBytes(StandardCharsets.UTF_8)))));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(JSON.readTree(r.body()).get("tags").toString()).isEqualTo("[\"one\",\"two\"]");
        assertThat(JSON.readTree(r.body()).get("mimetype").asString()).isEqualTo("text/plain");
        assertThat(JSON.readTree(r.body()).get("name").asString()).isEqualTo("notes.txt");
    }

    @Test
    void unknownRoutesAndMethodsAreExhErrors() throws Exception {
        assertThat(send("GET", "/files/v1/abc", null, null).body()).contains("\"code\":16");
        assertThat(send("PATCH", "/files/v1/settings", admin(), "{}").body()).contains("\"code\":16");
        assertError(send("DELETE", "/files/v1/settings", null, null), 400, 2605, "INVALID_TOKEN_EXCEPTION");
    }
}
