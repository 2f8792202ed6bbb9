package dev.medbase.files.files;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.medbase.files.FilesTestBase;
import tools.jackson.databind.JsonNode;

/** Upload → details → download over HTTP, as the SDK does it, plus the download protocol (Range, ETag, disposition). */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class UploadDownloadTest extends FilesTestBase {

    static final long LIMIT = 8L * 1024 * 1024;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        infra(registry, "files-upload-download");
    }

    @Test
    void binaryRoundTripHasTheWireShapeOfTheContract() throws Exception {
        byte[] content = new byte[300_000]; // more than one GridFS chunk, every byte value
        new Random(7).nextBytes(content);
        Instant before = Instant.now().minusMillis(5);
        JsonNode created = uploadOk("scan.bin", "application/octet-stream", content, "ecg", "raw data");

        assertThat(created.propertyNames()).containsExactly("name", "mimetype", "size", "creatorId", "tags", "tokens",
                "creationTimestamp", "updateTimestamp", "sha256");
        assertThat(created.get("name").asString()).isEqualTo("scan.bin");
        assertThat(created.get("mimetype").asString()).isEqualTo("application/octet-stream");
        assertThat(created.get("size").asLong()).isEqualTo(content.length);
        assertThat(created.get("creatorId").asString()).isEqualTo(USER);
        assertThat(created.get("tags").toString()).isEqualTo("[\"ecg\",\"raw data\"]");
        assertThat(created.get("tokens")).hasSize(1);
        assertThat(created.get("tokens").get(0).get("accessLevel").asString()).isEqualTo("full");
        assertThat(fullToken(created)).matches("[0-9a-f]{24}-[0-9a-f]{64}");
        assertThat(created.get("creationTimestamp").asString()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
        assertThat(Instant.parse(created.get("creationTimestamp").asString())).isAfter(before);
        assertThat(created.get("sha256").asString()).isEqualTo(sha256(content));

        HttpResponse<byte[]> file = download(fullToken(created), Map.of());
        assertThat(file.statusCode()).isEqualTo(200);
        assertThat(file.body()).isEqualTo(content);
        assertThat(file.headers().firstValue("Content-Type")).hasValue("application/octet-stream");
        assertThat(file.headers().firstValueAsLong("Content-Length")).hasValue(content.length);
        assertThat(file.headers().firstValue("ETag")).hasValue("\"" + sha256(content) + "\"");
        assertThat(file.headers().firstValue("Accept-Ranges")).hasValue("bytes");
        assertThat(file.headers().firstValue("Content-Disposition")).hasValue("attachment; filename=\"scan.bin\"");

        HttpResponse<String> details = send("GET", "/files/v1/" + fullToken(created) + "/details", null, null);
        assertThat(details.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(details.body())).isEqualTo(created);
    }

    @Test
    void emptyAndTextFilesRoundTripAndTheMimetypeIsTheStatedOneOrGuessedFromTheName() throws Exception {
        JsonNode empty = uploadOk("empty.txt", "text/plain", new byte[0]);
        assertThat(empty.get("size").asLong()).isZero();
        HttpResponse<byte[]> none = download(fullToken(empty), Map.of());
        assertThat(none.statusCode()).isEqualTo(200);
        assertThat(none.body()).isEmpty();
        assertThat(none.headers().firstValueAsLong("Content-Length")).hasValue(0);
        assertThat(download(fullToken(empty), Map.of("Range", "bytes=0-10")).statusCode()).isEqualTo(200);

        byte[] text = "hällo wörld\n".getBytes(StandardCharsets.UTF_8);
        JsonNode stated = uploadOk("notes.txt", "text/plain; charset=UTF-8", text);
        assertThat(stated.get("mimetype").asString()).isEqualTo("text/plain;charset=UTF-8");
        assertThat(download(fullToken(stated), Map.of()).body()).isEqualTo(text);

        // no part Content-Type: derived from the name
        HttpResponse<String> r = upload(user(), multipart(List.of(Part.text("name", "photo.png"),
                new Part("file", "photo.png", null, new byte[] {1, 2, 3}))));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(JSON.readTree(r.body()).get("mimetype").asString()).isEqualTo("image/png");
        assertThat(JSON.readTree(r.body()).get("tags").size()).isZero();
    }

    @Test
    void createFromTextSendsOnlyAFilePartNamedData() throws Exception {
        // SDK formHelpers: a single part, filename "data", application/octet-stream, no CRLF after the last boundary
        String body = "--" + BOUNDARY + "\r\n"
                + "Content-Disposition: form-data; name=\"file\"; filename=\"data\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n"
                + "Hello, text!\r\n"
                + "--" + BOUNDARY + "--";
        HttpResponse<String> r = upload(user(), body.getBytes(StandardCharsets.UTF_8));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode created = JSON.readTree(r.body());
        assertThat(created.get("name").asString()).isEqualTo("data");
        assertThat(created.get("mimetype").asString()).isEqualTo("application/octet-stream");
        assertThat(created.get("size").asLong()).isEqualTo(12);
        assertThat(new String(download(fullToken(created), Map.of()).body(), StandardCharsets.UTF_8))
                .isEqualTo("Hello, text!");
    }

    @Test
    void chunkedUploadWithoutContentLengthIsAccepted() throws Exception {
        byte[] content = new byte[1_000_000];
        new Random(3).nextBytes(content);
        byte[] body = multipart(List.of(Part.text("name", "chunked.bin"),
                Part.file("chunked.bin", "application/octet-stream", content), Part.text("tags[]", "x")));
        HttpRequest request = HttpRequest.newBuilder(URI.create(url("/files/v1/")))
                .header("Authorization", "Bearer " + user())
                .header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))).build();
        HttpResponse<String> r = http.send(request, BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode created = JSON.readTree(r.body());
        assertThat(created.get("size").asLong()).isEqualTo(content.length);
        assertThat(download(fullToken(created), Map.of()).body()).isEqualTo(content);
    }

    @Test
    void theSdksExactFramingIsAccepted() throws Exception {
        // captured once from @extrahorizon/javascript-sdk 8.14.1 in Node (see src/test/resources/sdk-capture/README.md)
        JsonNode created = JSON.readTree(SdkCapture.replay(port, "files-create.http", user()));
        assertThat(created.get("name").asString()).isEqualTo("hello.txt");
        assertThat(created.get("mimetype").asString()).isEqualTo("text/plain");
        assertThat(created.get("tags").toString()).isEqualTo("[\"ecg\",\"raw data\"]");
        assertThat(download(fullToken(created), Map.of()).body())
                .isEqualTo(new byte[] {0, 1, 2, (byte) 255, 13, 10, 45, 45, 0x68, 0x69});

        JsonNode text = JSON.readTree(SdkCapture.replay(port, "files-createFromText.http", user()));
        assertThat(text.get("name").asString()).isEqualTo("data");
        assertThat(new String(download(fullToken(text), Map.of()).body(), StandardCharsets.UTF_8))
                .isEqualTo("Hello, text!");
    }

    @Test
    void theSizeLimitHoldsExactlyAndARejectedUploadLeavesNoBytes() throws Exception {
        byte[] atLimit = new byte[(int) LIMIT];
        new Random(1).nextBytes(atLimit);
        JsonNode ok = uploadOk("limit.bin", "application/octet-stream", atLimit);
        assertThat(ok.get("size").asLong()).isEqualTo(LIMIT);
        assertThat(download(fullToken(ok), Map.of()).body()).isEqualTo(atLimit);

        long chunks = chunkCount();
        long blobs = blobCount();
        long leases = mongo.getCollection("blob_leases").countDocuments();
        byte[] over = new byte[(int) LIMIT + 1];
        HttpResponse<String> r = upload(user(), multipart(List.of(Part.text("name", "over.bin"),
                Part.file("over.bin", "application/octet-stream", over))));
        assertError(r, 400, 2610, "FILE_TOO_LARGE_EXCEPTION");
        assertThat(chunkCount()).isEqualTo(chunks);
        assertThat(blobCount()).isEqualTo(blobs);
        assertThat(mongo.getCollection("blob_leases").countDocuments()).isEqualTo(leases);

        // chunked, far over the limit: refused while streaming, nothing stored either
        byte[] body = multipart(List.of(Part.file("big.bin", "application/octet-stream", new byte[(int) LIMIT + 3_000_000])));
        HttpRequest request = HttpRequest.newBuilder(URI.create(url("/files/v1/")))
                .header("Authorization", "Bearer " + user())
                .header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))).build();
        HttpResponse<String> chunked = http.send(request, BodyHandlers.ofString());
        assertError(chunked, 400, 2610, "FILE_TOO_LARGE_EXCEPTION");
        assertThat(chunkCount()).isEqualTo(chunks);
        assertThat(blobCount()).isEqualTo(blobs);
    }

    @Test
    void rangeRequests() throws Exception {
        byte[] content = new byte[600_000];
        new Random(11).nextBytes(content);
        String token = fullToken(uploadOk("range.bin", "application/octet-stream", content));
        long size = content.length;

        HttpResponse<byte[]> middle = download(token, Map.of("Range", "bytes=261000-262000"));
        assertThat(middle.statusCode()).isEqualTo(206);
        assertThat(middle.headers().firstValue("Content-Range")).hasValue("bytes 261000-262000/" + size);
        assertThat(middle.headers().firstValueAsLong("Content-Length")).hasValue(1001);
        assertThat(middle.body()).isEqualTo(java.util.Arrays.copyOfRange(content, 261000, 262001));

        HttpResponse<byte[]> open = download(token, Map.of("Range", "bytes=599990-"));
        assertThat(open.statusCode()).isEqualTo(206);
        assertThat(open.body()).isEqualTo(java.util.Arrays.copyOfRange(content, 599990, 600000));

        HttpResponse<byte[]> suffix = download(token, Map.of("Range", "bytes=-5"));
        assertThat(suffix.statusCode()).isEqualTo(206);
        assertThat(suffix.headers().firstValue("Content-Range")).hasValue("bytes 599995-599999/" + size);
        assertThat(suffix.body()).isEqualTo(java.util.Arrays.copyOfRange(content, 599995, 600000));

        HttpResponse<byte[]> beyondEnd = download(token, Map.of("Range", "bytes=599999-9999999"));
        assertThat(beyondEnd.statusCode()).isEqualTo(206);
        assertThat(beyondEnd.body()).containsExactly(content[599999]);

        HttpResponse<byte[]> unsatisfiable = download(token, Map.of("Range", "bytes=600000-"));
        assertThat(unsatisfiable.statusCode()).isEqualTo(416);
        assertThat(unsatisfiable.headers().firstValue("Content-Range")).hasValue("bytes */" + size);
        assertThat(new String(unsatisfiable.body(), StandardCharsets.UTF_8)).contains("\"code\":26");

        // several ranges, other units, garbage: the whole file
        for (String ignored : List.of("bytes=0-1,5-6", "items=0-1", "bytes=abc", "bytes=5-1")) {
            HttpResponse<byte[]> whole = download(token, Map.of("Range", ignored));
            assertThat(whole.statusCode()).as(ignored).isEqualTo(200);
            assertThat(whole.body()).hasSize(content.length);
        }

        String etag = "\"" + sha256(content) + "\"";
        assertThat(download(token, Map.of("Range", "bytes=0-9", "If-Range", etag)).statusCode()).isEqualTo(206);
        assertThat(download(token, Map.of("Range", "bytes=0-9", "If-Range", "\"other\"")).statusCode()).isEqualTo(200);
    }

    @Test
    void etagAnswersConditionalRequestsAndHeadSendsNoBody() throws Exception {
        byte[] content = "conditional".getBytes(StandardCharsets.UTF_8);
        String token = fullToken(uploadOk("c.txt", "text/plain", content));
        String etag = download(token, Map.of()).headers().firstValue("ETag").orElseThrow();
        assertThat(download(token, Map.of("If-None-Match", etag)).statusCode()).isEqualTo(304);
        assertThat(download(token, Map.of("If-None-Match", "\"nope\"")).statusCode()).isEqualTo(200);

        HttpResponse<byte[]> head = http.send(HttpRequest.newBuilder(URI.create(url("/files/v1/" + token + "/file")))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), BodyHandlers.ofByteArray());
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.headers().firstValueAsLong("Content-Length")).hasValue(content.length);
        assertThat(head.body()).isEmpty();
    }

    @Test
    void forcedDownloadUnlessTheTypeIsAllowListed() throws Exception {
        String pdf = fullToken(uploadOk("report ü.pdf", "application/pdf", new byte[] {37, 80, 68, 70}));
        String png = fullToken(uploadOk("x.png", "image/png", new byte[] {1}));
        HttpResponse<String> put = send("PUT", "/files/v1/settings", admin(),
                "{\"disableForceDownloadForMimeTypes\":[]}");
        assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
        assertThat(download(pdf, Map.of()).headers().firstValue("Content-Disposition").orElseThrow())
                .startsWith("attachment;").contains("filename*=UTF-8''report%20%C3%BC.pdf");

        put = send("PUT", "/files/v1/settings", admin(), "{\"disableForceDownloadForMimeTypes\":[\"application/pdf\"]}");
        assertThat(put.body()).isEqualTo("{\"affectedRecords\":1}");
        assertThat(download(pdf, Map.of()).headers().firstValue("Content-Disposition").orElseThrow()).startsWith("inline;");
        assertThat(download(png, Map.of()).headers().firstValue("Content-Disposition").orElseThrow())
                .startsWith("attachment;");

        send("PUT", "/files/v1/settings", admin(), "{\"disableForceDownloadForMimeTypes\":[\"image/*\"]}");
        assertThat(download(png, Map.of()).headers().firstValue("Content-Disposition").orElseThrow()).startsWith("inline;");
        send("PUT", "/files/v1/settings", admin(), "{\"disableForceDownloadForMimeTypes\":[\"*/*\"]}");
        assertThat(download(pdf, Map.of()).headers().firstValue("Content-Disposition").orElseThrow()).startsWith("inline;");
        send("PUT", "/files/v1/settings", admin(), "{\"disableForceDownloadForMimeTypes\":[]}");
    }

    @Test
    void storedShapeKeepsTokensHashedAndEncrypted() throws Exception {
        JsonNode created = uploadOk("secret.txt", "text/plain", "x".getBytes(StandardCharsets.UTF_8));
        String token = fullToken(created);
        Document stored = mongo.getCollection("files").find(new Document("_id",
                new org.bson.types.ObjectId(token.substring(0, 24)))).first();
        assertThat(stored).isNotNull();
        assertThat(stored.toJson()).doesNotContain(token.substring(25));
        Document t = stored.getList("tokens", Document.class).get(0);
        assertThat(t.getString("hash")).isEqualTo(FileTokens.hash(token));
        assertThat(t.getString("sealed")).isNotBlank();
        assertThat(stored.getString("sha256")).isEqualTo(created.get("sha256").asString());
        Document blob = mongo.getCollection("fs.files").find(new Document("_id",
                new org.bson.types.ObjectId(stored.getString("blobId")))).first();
        assertThat(blob.getLong("length")).isEqualTo(1L);
    }

    static String sha256(byte[] content) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    }
}
