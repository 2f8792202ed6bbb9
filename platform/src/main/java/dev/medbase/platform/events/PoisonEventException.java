package dev.medbase.platform.events;

/**
 * A Kafka record that is not a Medbase event (value not a JSON object, CloudEvents headers missing or malformed).
 * Retrying cannot help, so the consumer parks it on the dead-letter topic at once.
 */
public class PoisonEventException extends RuntimeException {

    public PoisonEventException(String message) {
        super(message);
    }

    public PoisonEventException(String message, Throwable cause) {
        super(message, cause);
    }
}
