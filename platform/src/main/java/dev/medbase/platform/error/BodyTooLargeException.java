package dev.medbase.platform.error;

import java.io.IOException;

/** Thrown while reading a request body that exceeds the configured limit ({@code medbase.web.max-body-size}). */
public class BodyTooLargeException extends IOException {

    public BodyTooLargeException(long limit) {
        super("The request body is larger than the limit of " + limit + " bytes");
    }
}
