package dev.medbase.platform.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class EventCodecTest {

    private final EventCodec codec = new EventCodec(JsonMapper.builder().build());

    private static final EventEnvelope EVENT = new EventEnvelope("65b0c0ffee0000000000abcd", "user_created", "users",
            Instant.parse("2024-02-03T10:15:30.123Z"), "65b0c0ffee00000000001234",
            Map.of("id", "65b0c0ffee00000000001234", "email", "anna@example.com",
                    "roles", List.of("admin"), "profile", Map.of("age", 42, "verified", true)));

    private static final long ROUND_TRIP_SEED = 0x5eed_0e01L;

    @Test
    void writesTheContentAsValueTheAggregateAsKeyAndTheAttributesAsCloudEventsHeaders() {
        ProducerRecord<String, String> record = codec.toRecord(EVENT);

        assertThat(record.topic()).isEqualTo("medbase.users");
        assertThat(record.key()).isEqualTo("65b0c0ffee00000000001234");
        assertThat(codec.readContent(record.value())).isEqualTo(EVENT.content());
        assertThat(headers(record)).containsExactlyInAnyOrderEntriesOf(Map.of(
                "ce_specversion", "1.0",
                "ce_id", "65b0c0ffee0000000000abcd",
                "ce_type", "user_created",
                "ce_source", "users",
                "ce_time", "2024-02-03T10:15:30.123Z",
                "content-type", "application/json"));
    }

    @Test
    void readsBackWhatItWrote() {
        assertThat(codec.fromRecord(consumed(codec.toRecord(EVENT)))).isEqualTo(EVENT);
    }

    /**
     * 200 events with random text and numbers; try {@code i} draws from its own seed, the {@code i}-th long of
     * {@code new Random(ROUND_TRIP_SEED)}, which a failure reports with the event.
     */
    @Test
    void roundTripsAnyTextAndNestedContent() {
        Random seeds = new Random(ROUND_TRIP_SEED);
        for (int i = 1; i <= 200; i++) {
            long seed = seeds.nextLong();
            Random r = new Random(seed);
            String type = notBlank(r);
            String aggregateId = notBlank(r);
            String key = text(r);
            String text = text(r);
            long number = number(r);
            boolean flag = r.nextBoolean();
            try {
                roundTrips(type, aggregateId, key, text, number, flag);
            } catch (RuntimeException | AssertionError e) {
                throw new AssertionError(String.format("try %d of 200 (seed %#xL) failed, its own seed %#xL: type=%s,"
                        + " aggregateId=%s, key=%s, text=%s, number=%d, flag=%b%n%s", i, ROUND_TRIP_SEED, seed,
                        literal(type), literal(aggregateId), literal(key), literal(text), number, flag, e), e);
            }
        }
    }

    private void roundTrips(String type, String aggregateId, String key, String text, long number, boolean flag) {
        Map<String, Object> nested = new LinkedHashMap<>();
        nested.put("flag", flag);
        nested.put("nothing", null);
        Map<String, Object> content = new LinkedHashMap<>();
        content.put(key, text);
        content.put("n", number);
        content.put("nested", nested);
        content.put("list", List.of(text, 1));
        EventEnvelope event = new EventEnvelope("65b0c0ffee0000000000abcd", type, "users",
                Instant.ofEpochMilli(Math.abs(number % 4_000_000_000_000L)), aggregateId, content);

        EventEnvelope back = codec.fromRecord(consumed(codec.toRecord(event)));

        assertThat(back.id()).isEqualTo(event.id());
        assertThat(back.type()).isEqualTo(type);
        assertThat(back.aggregateId()).isEqualTo(aggregateId);
        assertThat(back.time()).isEqualTo(event.time());
        assertThat(codec.writeContent(back.content())).isEqualTo(codec.writeContent(content));
    }

    @Test
    void acceptsRfc3339TimesWithAnOffset() {
        ConsumerRecord<byte[], byte[]> record = consumed(codec.toRecord(EVENT));
        record.headers().remove("ce_time");
        record.headers().add("ce_time", "2024-02-03T11:15:30.123+01:00".getBytes(StandardCharsets.UTF_8));

        assertThat(codec.fromRecord(record).time()).isEqualTo(EVENT.time());
    }

    @Test
    void aRecordThatIsNotJsonIsPoison() {
        ConsumerRecord<byte[], byte[]> record = withValue(consumed(codec.toRecord(EVENT)), "{not json");

        assertThatThrownBy(() -> codec.fromRecord(record)).isInstanceOf(PoisonEventException.class)
                .hasMessageContaining("not valid JSON");
    }

    @Test
    void contentThatIsNotAnObjectIsPoison() {
        assertThatThrownBy(() -> codec.fromRecord(withValue(consumed(codec.toRecord(EVENT)), "[1,2]")))
                .isInstanceOf(PoisonEventException.class);
        assertThatThrownBy(() -> codec.fromRecord(withValue(consumed(codec.toRecord(EVENT)), null)))
                .isInstanceOf(PoisonEventException.class);
    }

    @Test
    void aRecordWithoutCloudEventsHeadersIsPoison() {
        for (String header : List.of("ce_specversion", "ce_id", "ce_type", "ce_source", "ce_time")) {
            ConsumerRecord<byte[], byte[]> record = consumed(codec.toRecord(EVENT));
            record.headers().remove(header);
            assertThatThrownBy(() -> codec.fromRecord(record)).as(header).isInstanceOf(PoisonEventException.class)
                    .hasMessageContaining(header);
        }
    }

    @Test
    void aBadTimeIsPoison() {
        ConsumerRecord<byte[], byte[]> record = consumed(codec.toRecord(EVENT));
        record.headers().remove("ce_time");
        record.headers().add("ce_time", "yesterday".getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() -> codec.fromRecord(record)).isInstanceOf(PoisonEventException.class);
    }

    @Test
    void contentMustSerialiseToAnObject() {
        record UserCreated(String id, String email) {
        }
        assertThat(codec.writeContent(new UserCreated("1", "a@b.c"))).isEqualTo("{\"id\":\"1\",\"email\":\"a@b.c\"}");
        assertThat(codec.writeContent(null)).isEqualTo("{}");
        assertThatThrownBy(() -> codec.writeContent(List.of(1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> codec.writeContent("text")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anEnvelopeNeedsItsAttributes() {
        Instant now = Instant.now();
        assertThatThrownBy(() -> new EventEnvelope(" ", "t", "s", now, "a", null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new EventEnvelope("i", "t", "s", null, "a", null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(new EventEnvelope("i", "t", "s", now, "a", null).content()).isEmpty();
        assertThat(EventEnvelope.create("t", "s", "a", Map.of()).id()).matches("[0-9a-f]{24}");
    }

    private static String notBlank(Random r) {
        String s;
        do {
            s = text(r);
        } while (s.isBlank());
        return s;
    }

    /**
     * Up to 40 code points: printable ASCII, control characters, any other BMP character, supplementary characters.
     * No lone surrogate halves: Kafka headers and values are UTF-8, which can't carry one (nor can any JSON
     * producer's output).
     */
    private static String text(Random r) {
        int n = r.nextInt(41);
        StringBuilder out = new StringBuilder(n);
        while (out.codePointCount(0, out.length()) < n) {
            int kind = r.nextInt(10);
            int c = kind < 5 ? 0x20 + r.nextInt(0x5f)
                    : kind < 6 ? r.nextInt(0x20)
                    : kind < 9 ? r.nextInt(0x10000)
                    : 0x10000 + r.nextInt(Character.MAX_CODE_POINT - 0xffff);
            if (!Character.isSurrogate((char) c) || c > 0xffff) {
                out.appendCodePoint(c);
            }
        }
        return out.toString();
    }

    /** Mostly any long, sometimes an edge: 0, ±1, the extremes. */
    private static long number(Random r) {
        return r.nextInt(4) == 0 ? List.of(0L, 1L, -1L, Long.MIN_VALUE, Long.MAX_VALUE).get(r.nextInt(5)) : r.nextLong();
    }

    /** A Java literal, non-ASCII escaped. */
    private static String literal(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c >= 0x20 && c < 0x7f) {
                out.append(c);
            } else {
                out.append(String.format("\\u%04x", (int) c));
            }
        }
        return out.append('"').toString();
    }

    private static Map<String, String> headers(ProducerRecord<String, String> record) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (Header h : record.headers()) {
            assertThat(headers.put(h.key(), new String(h.value(), StandardCharsets.UTF_8))).as(h.key()).isNull();
        }
        return headers;
    }

    /** What a consumer would receive for {@code sent}. */
    static ConsumerRecord<byte[], byte[]> consumed(ProducerRecord<String, String> sent) {
        return new ConsumerRecord<>(sent.topic(), 0, 0L, 0L, TimestampType.CREATE_TIME, 0, 0,
                sent.key() == null ? null : sent.key().getBytes(StandardCharsets.UTF_8),
                sent.value() == null ? null : sent.value().getBytes(StandardCharsets.UTF_8),
                new RecordHeaders(sent.headers().toArray()), java.util.Optional.empty());
    }

    private static ConsumerRecord<byte[], byte[]> withValue(ConsumerRecord<byte[], byte[]> r, String value) {
        return new ConsumerRecord<>(r.topic(), r.partition(), r.offset(), r.timestamp(), r.timestampType(),
                r.serializedKeySize(), r.serializedValueSize(), r.key(),
                value == null ? null : value.getBytes(StandardCharsets.UTF_8), r.headers(), r.leaderEpoch());
    }
}
