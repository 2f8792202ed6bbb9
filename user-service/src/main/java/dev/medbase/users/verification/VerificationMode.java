package dev.medbase.users.verification;

import dev.medbase.users.web.Fields;

/** {@code hash} (40 hex characters in a link) or {@code pin_code} (8 digits typed in an app). */
public enum VerificationMode {
    HASH("hash"), PIN_CODE("pin_code");

    private final String wire;

    VerificationMode(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    /** Null or absent is {@link #HASH}; anything else but the two names is 15. */
    public static VerificationMode parse(String field, String value) {
        if (value == null || value.isEmpty() || value.equals("hash")) {
            return HASH;
        }
        if (value.equals("pin_code")) {
            return PIN_CODE;
        }
        throw Fields.invalid(field, "must be 'hash' or 'pin_code'");
    }

    static VerificationMode ofWire(String value) {
        return "pin_code".equals(value) ? PIN_CODE : HASH;
    }
}
