package dev.medbase.files.files;

/**
 * A single HTTP byte range (RFC 9110 §14) resolved against a representation of {@code size} bytes:
 * {@code [start, start + length)}.
 */
record ByteRange(long start, long length) {

    /** Result of reading a {@code Range} header. */
    sealed interface Parsed {
    }

    /** No usable single range: serve the whole representation (absent, malformed, other unit, several ranges). */
    record Whole() implements Parsed {
    }

    record Partial(ByteRange range) implements Parsed {
    }

    /** Syntactically fine, but no byte of it exists: 416. */
    record Unsatisfiable() implements Parsed {
    }

    long end() {
        return start + length - 1;
    }

    static Parsed parse(String header, long size) {
        if (header == null) {
            return new Whole();
        }
        String value = header.trim();
        if (!value.regionMatches(true, 0, "bytes=", 0, 6)) {
            return new Whole();
        }
        String spec = value.substring(6).trim();
        if (spec.isEmpty() || spec.indexOf(',') >= 0) {
            return new Whole(); // several ranges: a server may ignore Range and send everything
        }
        int dash = spec.indexOf('-');
        if (dash < 0) {
            return new Whole();
        }
        String first = spec.substring(0, dash).trim();
        String last = spec.substring(dash + 1).trim();
        try {
            if (first.isEmpty()) { // suffix: the last N bytes
                if (last.isEmpty() || !digits(last)) {
                    return new Whole();
                }
                long suffix = Long.parseLong(last);
                if (suffix == 0 || size == 0) {
                    return new Unsatisfiable();
                }
                long length = Math.min(suffix, size);
                return new Partial(new ByteRange(size - length, length));
            }
            if (!digits(first) || (!last.isEmpty() && !digits(last))) {
                return new Whole();
            }
            long start = Long.parseLong(first);
            if (!last.isEmpty() && Long.parseLong(last) < start) {
                return new Whole(); // invalid range-spec: ignore the header
            }
            if (start >= size) {
                return new Unsatisfiable();
            }
            long end = last.isEmpty() ? size - 1 : Math.min(Long.parseLong(last), size - 1);
            return new Partial(new ByteRange(start, end - start + 1));
        } catch (NumberFormatException e) {
            return new Whole(); // beyond long: treat as malformed
        }
    }

    private static boolean digits(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return !s.isEmpty() && s.length() <= 18;
    }
}
