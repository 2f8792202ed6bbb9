package dev.medbase.platform.events;

/** Topic names (ARCHITECTURE §6): one topic per producing service, and one dead-letter topic per consumed topic. */
public final class EventTopics {

    public static final String PREFIX = "medbase.";
    public static final String DEAD_LETTER_SUFFIX = ".DLT";

    private EventTopics() {
    }

    /** {@code users} → {@code medbase.users}. */
    public static String forSource(String source) {
        return PREFIX + source;
    }

    /** {@code medbase.users} → {@code medbase.users.DLT}, where records a consumer gave up on are parked. */
    public static String deadLetter(String topic) {
        return topic + DEAD_LETTER_SUFFIX;
    }
}
