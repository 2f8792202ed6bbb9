package dev.medbase.files.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.medbase.devstack.infra.SharedTestInfra;
import dev.medbase.files.FilesTestBase;
import dev.medbase.files.storage.BlobLeases;
import dev.medbase.files.storage.BlobOutput;
import dev.medbase.files.storage.BlobStore;
import dev.medbase.platform.events.EventCodec;
import dev.medbase.platform.events.EventEnvelope;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Storage failing under a download, the janitor, and the events the service publishes. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class FailuresAndEventsTest extends FilesTestBase {

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        infra(registry, "files-failures-events");
    }

    @Autowired
    BlobStore store;
    @Autowired
    BlobLeases leases;
    @Autowired
    FileService files;

    @Test
    void aChunkLostMidDownloadCutsTheConnectionInsteadOfHangingOrLying() throws Exception {
        byte[] content = new byte[1_200_000];
        new java.util.Random(5).nextBytes(content);
        JsonNode created = uploadOk("broken.bin", "application/octet-stream", content);
        Document record = mongo.getCollection("files").find(new Document("_id",
                new ObjectId(fullToken(created).substring(0, 24)))).first();
        ObjectId blob = new ObjectId(record.getString("blobId"));
        mongo.getCollection("fs.chunks").deleteOne(new Document("files_id", blob).append("n", 3));

        // headers are out when chunk 3 turns out missing: the client must see an error, not a complete-looking body
        HttpRequest request = HttpRequest.newBuilder(URI.create(url("/files/v1/" + fullToken(created) + "/file")))
                .timeout(Duration.ofSeconds(30)).build();
        assertThatThrownBy(() -> http.send(request, BodyHandlers.ofByteArray()))
                .isInstanceOf(IOException.class)
                .satisfies(e -> assertThat(e).isNotInstanceOf(java.net.http.HttpTimeoutException.class));

        // missing before anything was sent: a clean ExH 500
        mongo.getCollection("fs.chunks").deleteOne(new Document("files_id", blob).append("n", 0));
        HttpResponse<String> early = http.send(request, BodyHandlers.ofString());
        assertError(early, 500, 1, "SERVER_EXCEPTION");
        // a range that avoids the damage still works
        HttpResponse<byte[]> range = download(fullToken(created), Map.of("Range", "bytes=270000-270009"));
        assertThat(range.statusCode()).isEqualTo(206);
        assertThat(range.body()).isEqualTo(java.util.Arrays.copyOfRange(content, 270000, 270010));
    }

    @Test
    void theJanitorRemovesBytesOfDeadUploadsButNotOfRecordedFiles() throws Exception {
        long chunks = chunkCount();
        String dead = store.newBlobId();
        leases.take(dead, "upload", 0);
        try (BlobOutput out = store.append(dead, 0)) {
            out.write(new byte[600_000], 0, 600_000);
        }
        assertThat(chunkCount()).isEqualTo(chunks + 3);
        // a lease of a file that did get recorded (the process died just before releasing it)
        JsonNode kept = uploadOk("kept.txt", "text/plain", "kept".getBytes(StandardCharsets.UTF_8));
        String keptBlob = mongo.getCollection("files").find(new Document("_id",
                new ObjectId(fullToken(kept).substring(0, 24)))).first().getString("blobId");
        leases.take(keptBlob, "upload", 4);

        assertThat(leases.reap(Instant.now().minusSeconds(60), files::references)).isZero(); // nothing stale yet
        assertThat(leases.reap(Instant.now().plusSeconds(60), files::references)).isEqualTo(1);
        assertThat(chunkCount()).isEqualTo(chunks + 1);
        assertThat(mongo.getCollection("blob_leases").countDocuments()).isZero();
        assertThat(new String(download(fullToken(kept), Map.of()).body(), StandardCharsets.UTF_8)).isEqualTo("kept");
    }

    @Test
    void stateChangesAreAnnouncedOnTheFilesTopic() throws Exception {
        String tag = "ev" + new ObjectId().toHexString();
        JsonNode created = uploadOk("event.txt", "text/plain", "e".getBytes(StandardCharsets.UTF_8), tag);
        String full = fullToken(created);
        String id = full.substring(0, 24);
        String read = JSON.readTree(send("POST", "/files/v1/" + full + "/tokens", null,
                "{\"accessLevel\":\"read\"}").body()).get("token").asString();
        send("DELETE", "/files/v1/" + full + "/tokens/" + read, null, null);
        send("DELETE", "/files/v1/" + full, null, null);

        List<EventEnvelope> seen = new ArrayList<>();
        EventCodec codec = new EventCodec(JsonMapper.builder().build());
        try (var consumer = new KafkaConsumer<byte[], byte[]>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedTestInfra.kafkaBootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "files-events-test-" + tag,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class))) {
            consumer.subscribe(List.of("medbase.files"));
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                    EventEnvelope e = codec.fromRecord(r);
                    if (id.equals(e.aggregateId())) {
                        seen.add(e);
                    }
                });
                return seen.size() >= 4;
            });
        }
        assertThat(seen).extracting(EventEnvelope::type)
                .containsExactly("file_created", "file_token_created", "file_token_deleted", "file_deleted");
        Map<String, Object> content = seen.get(0).content();
        assertThat(content).containsEntry("id", id).containsEntry("creatorId", USER)
                .containsEntry("name", "event.txt").containsEntry("mimetype", "text/plain")
                .containsEntry("sha256", created.get("sha256").asString()).containsEntry("tags", List.of(tag));
        assertThat(((Number) content.get("size")).longValue()).isEqualTo(1L);
        assertThat(seen.get(1).content()).isEqualTo(Map.of("id", id, "accessLevel", "read"));
        assertThat(seen.get(3).content()).isEqualTo(Map.of("id", id));
        // tokens never travel in events
        assertThat(seen.toString()).doesNotContain(full.substring(25)).doesNotContain(read.substring(25));
    }
}
