package dev.medbase.files.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.medbase.files.ChildMongo;
import dev.medbase.platform.testing.TestTokens;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Streaming, proven: this class runs in its own surefire execution with {@code -Xmx128m} (see the module's pom), and
 * moves a 512 MiB file through the service four times — plain multipart upload (limit raised), download, resumable
 * upload in 8 MiB PATCHes, download — with the database in a child JVM so that its copy of the bytes does not count
 * against this heap. Bytes are generated and checked on the fly (SHA-256), never held. Buffering a whole file
 * anywhere in the service would end in OutOfMemoryError. No timing is asserted.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "medbase.files.max-file-size=1GB", "medbase.files.uploads.max-size=1GB",
        "medbase.events.relay.enabled=false", "spring.kafka.admin.auto-create=false",
        "spring.kafka.bootstrap-servers=127.0.0.1:9"})
class LargeFileMemoryTest {

    static final long SIZE = 512L * 1024 * 1024;
    static final int PATCH = 8 * 1024 * 1024;
    static final String BOUNDARY = "memory-test-boundary-1234567890";
    private static final Logger log = LoggerFactory.getLogger(LargeFileMemoryTest.class);
    private static ChildMongo mongo;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws Exception {
        mongo = ChildMongo.start("1400m");
        registry.add("spring.mongodb.uri", () -> mongo.uri("files-memory"));
        registry.add("medbase.security.jwks-uri", TestTokens::jwksUri);
    }

    @AfterAll
    static void stop() {
        if (mongo != null) {
            mongo.close();
        }
    }

    @LocalServerPort
    int port;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    final String bearer = TestTokens.user("5f0000000000000000000001").token();

    @Test
    void aFileFourTimesTheHeapGoesThroughBothUploadPathsAndBack() throws Exception {
        // only meaningful in the module's large-files execution (-Xmx128m); elsewhere (e.g. picked by -Dtest) skip
        assumeTrue(Boolean.getBoolean("medbase.memoryTest"), "runs in the large-files surefire execution");
        long heap = Runtime.getRuntime().maxMemory();
        assertThat(SIZE).as("the file must dwarf the heap").isGreaterThan(3 * heap);
        String expected = sha256(new Generated(SIZE, 42));

        // plain multipart upload, chunked (no Content-Length), like the SDK in Node
        long t0 = System.nanoTime();
        byte[] head = ("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nbig.bin\r\n--"
                + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.bin\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] tail = ("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.US_ASCII);
        HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create(url("/files/v1/")))
                .header("Authorization", "Bearer " + bearer)
                .header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new SequenceInputStream(
                        java.util.Collections.enumeration(List.of(new java.io.ByteArrayInputStream(head),
                                new Generated(SIZE, 42), new java.io.ByteArrayInputStream(tail))))))
                .build(), BodyHandlers.ofString());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
        JsonNode file = JsonMapper.builder().build().readTree(created.body());
        assertThat(file.get("size").asLong()).isEqualTo(SIZE);
        assertThat(file.get("sha256").asString()).isEqualTo(expected);
        String token = file.get("tokens").get(0).get("token").asString();
        long t1 = System.nanoTime();
        assertThat(downloadSha256(token)).isEqualTo(expected);
        long t2 = System.nanoTime();
        assertThat(delete(token)).isEqualTo(200);
        logHeap("multipart");
        log.info("(information only) multipart upload {} MB/s, download {} MB/s", rate(t0, t1), rate(t1, t2));
        long t3 = System.nanoTime();

        // resumable upload in PATCHes of 8 MiB (one PATCH may not exceed the service's 10 MB body limit)
        HttpResponse<String> upload = http.send(tus("/files/v1/uploads").header("Upload-Length", Long.toString(SIZE))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), BodyHandlers.ofString());
        assertThat(upload.statusCode()).as(upload.body()).isEqualTo(201);
        String location = upload.headers().firstValue("Location").orElseThrow();
        String resumedToken = null;
        for (long offset = 0; offset < SIZE; offset += PATCH) {
            long start = offset;
            long length = Math.min(PATCH, SIZE - offset);
            HttpResponse<String> patched = http.send(tus(location)
                    .header("Content-Type", "application/offset+octet-stream")
                    .header("Upload-Offset", Long.toString(offset))
                    .method("PATCH", HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers
                            .ofInputStream(() -> new Generated(SIZE, 42).skipTo(start, length)), length))
                    .build(), BodyHandlers.ofString());
            assertThat(patched.statusCode()).as(patched.body()).isEqualTo(204);
            resumedToken = patched.headers().firstValue("Medbase-File-Token").orElse(null);
        }
        assertThat(resumedToken).isNotNull();
        long t4 = System.nanoTime();
        assertThat(downloadSha256(resumedToken)).isEqualTo(expected);
        logHeap("resumable");
        log.info("(information only) resumable upload {} MB/s, download {} MB/s", rate(t3, t4),
                rate(t4, System.nanoTime()));
    }

    private static long rate(long fromNanos, long toNanos) {
        return SIZE * 1_000_000_000L / Math.max(1, toNanos - fromNanos) / (1024 * 1024);
    }

    private HttpRequest.Builder tus(String path) {
        return HttpRequest.newBuilder(URI.create(url(path))).header("Tus-Resumable", "1.0.0")
                .header("Authorization", "Bearer " + bearer);
    }

    private String downloadSha256(String token) throws Exception {
        HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(URI.create(url("/files/v1/" + token + "/file")))
                .build(), BodyHandlers.ofInputStream());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValueAsLong("Content-Length")).hasValue(SIZE);
        try (InputStream in = r.body()) {
            return sha256(in);
        }
    }

    private int delete(String token) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url("/files/v1/" + token))).DELETE().build(),
                BodyHandlers.discarding()).statusCode();
    }

    private String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    private static String sha256(InputStream in) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        byte[] buffer = new byte[64 * 1024];
        long total = 0;
        int n;
        while ((n = in.read(buffer)) > 0) {
            digest.update(buffer, 0, n);
            total += n;
        }
        assertThat(total).isEqualTo(SIZE);
        return HexFormat.of().formatHex(digest.digest());
    }

    private static void logHeap(String phase) {
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        log.info("after {}: peak heap {} MiB of {} MiB max, file {} MiB", phase, peak >> 20,
                Runtime.getRuntime().maxMemory() >> 20, SIZE >> 20);
    }

    /** Deterministic pseudo-random bytes (splitmix64 of the word index: any position is reachable at once). */
    static final class Generated extends InputStream {
        private final long size;
        private final long seed;
        private long position;
        private long end;

        Generated(long size, long seed) {
            this.size = size;
            this.seed = seed;
            this.end = size;
        }

        /** Starts at {@code start} and stops after {@code length} bytes. */
        Generated skipTo(long start, long length) {
            position = start;
            end = Math.min(size, start + length);
            return this;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (position >= end) {
                return -1;
            }
            int n = (int) Math.min(len, end - position);
            long word = mix(seed + (position >>> 3));
            for (int i = 0; i < n; i++) {
                long p = position + i;
                if ((p & 7) == 0) {
                    word = mix(seed + (p >>> 3));
                }
                b[off + i] = (byte) (word >>> (8 * (p & 7)));
            }
            position += n;
            return n;
        }

        private static long mix(long z) {
            z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
            z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
            return z ^ (z >>> 31);
        }
    }
}
