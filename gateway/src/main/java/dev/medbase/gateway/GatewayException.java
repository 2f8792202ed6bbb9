package dev.medbase.gateway;

/** A failure the gateway answers itself, in the ExH error format, with its HTTP status and ExH code. */
final class GatewayException extends RuntimeException {

    final int status;
    final int code;
    final String name;

    private GatewayException(int status, int code, String name, String message) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.name = name;
    }

    static GatewayException of(int status, int code, String name, String message) {
        return new GatewayException(status, code, name, message);
    }
}
