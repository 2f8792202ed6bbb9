package dev.medbase.files;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.bson.types.ObjectId;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;

import dev.medbase.devstack.infra.SharedTestInfra;
import dev.medbase.platform.testing.TestTokens;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** HTTP on the real port, multipart bodies built by hand, wire JSON read back as trees. */
public abstract class FilesTestBase {

    public static final JsonMapper JSON = JsonMapper.builder().build();
    public static final String USER = new ObjectId().toHexString();
    public static final String BOUNDARY = "--------------------------123456789012345678901234";

    @LocalServerPort
    protected int port;
    @Autowired
    protected MongoTemplate mongo;
    protected final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    protected static void infra(DynamicPropertyRegistry registry, String database) {
        registry.add("spring.mongodb.uri", () -> SharedTestInfra.mongoUri(database));
        registry.add("spring.kafka.bootstrap-servers", SharedTestInfra::kafkaBootstrapServers);
        registry.add("medbase.security.jwks-uri", TestTokens::jwksUri);
    }

    protected String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    protected static String user() {
        return TestTokens.user(USER).token();
    }

    protected static String admin() {
        return TestTokens.user(USER)
                .permissions("VIEW_FILES", "VIEW_FILE_SERVICE_SETTINGS", "UPDATE_FILE_SERVICE_SETTINGS").token();
    }

    /** One part of a multipart body. */
    public record Part(String name, String filename, String contentType, byte[] content) {
        public static Part text(String name, String value) {
            return new Part(name, null, null, value.getBytes(StandardCharsets.UTF_8));
        }

        public static Part file(String filename, String contentType, byte[] content) {
            return new Part("file", filename, contentType, content);
        }
    }

    /** The framing of the {@code form-data} package the SDK uses: CRLF, quoted names, closing boundary + CRLF. */
    public static byte[] multipart(List<Part> parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Part p : parts) {
            StringBuilder head = new StringBuilder("--" + BOUNDARY + "\r\n");
            head.append("Content-Disposition: form-data; name=\"").append(p.name()).append('"');
            if (p.filename() != null) {
                head.append("; filename=\"").append(p.filename()).append('"');
            }
            head.append("\r\n");
            if (p.contentType() != null) {
                head.append("Content-Type: ").append(p.contentType()).append("\r\n");
            }
            head.append("\r\n");
            out.writeBytes(head.toString().getBytes(StandardCharsets.UTF_8));
            out.writeBytes(p.content());
            out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.writeBytes(("--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    protected HttpResponse<String> upload(String bearer, byte[] body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url("/files/v1/")))
                .header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        return http.send(b.build(), BodyHandlers.ofString());
    }

    protected JsonNode uploadOk(String filename, String contentType, byte[] content, String... tags) throws Exception {
        List<Part> parts = new java.util.ArrayList<>();
        parts.add(Part.text("name", filename));
        parts.add(Part.file(filename, contentType, content));
        for (String tag : tags) {
            parts.add(Part.text("tags[]", tag));
        }
        HttpResponse<String> r = upload(user(), multipart(parts));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    protected static String fullToken(JsonNode details) {
        return details.get("tokens").get(0).get("token").asString();
    }

    protected HttpResponse<String> send(String method, String path, String bearer, String jsonBody) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url(path)));
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        if (jsonBody != null) {
            b.header("Content-Type", "application/json");
            b.method(method, HttpRequest.BodyPublishers.ofString(jsonBody));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return http.send(b.build(), BodyHandlers.ofString());
    }

    protected HttpResponse<byte[]> download(String token, Map<String, String> headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url("/files/v1/" + token + "/file")));
        headers.forEach(b::header);
        return http.send(b.build(), BodyHandlers.ofByteArray());
    }

    protected static void assertError(HttpResponse<String> r, int status, int code, String name) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.get("code").asInt()).as(r.body()).isEqualTo(code);
        assertThat(body.get("name").asString()).isEqualTo(name);
        assertThat(body.get("message").asString()).isNotBlank();
    }

    protected long chunkCount() {
        return mongo.getCollection("fs.chunks").countDocuments();
    }

    protected long blobCount() {
        return mongo.getCollection("fs.files").countDocuments();
    }
}
