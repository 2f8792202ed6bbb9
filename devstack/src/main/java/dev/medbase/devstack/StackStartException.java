package dev.medbase.devstack;

import java.util.List;

/** The stack did not become healthy; the message names what failed and quotes the end of its log. */
public final class StackStartException extends RuntimeException {

    private final List<Service> failed;

    StackStartException(String message, List<Service> failed, Throwable cause) {
        super(message, cause);
        this.failed = List.copyOf(failed);
    }

    /** The services (or gateway) that died or were not healthy in time; empty when the infrastructure failed. */
    public List<Service> failed() {
        return failed;
    }
}
