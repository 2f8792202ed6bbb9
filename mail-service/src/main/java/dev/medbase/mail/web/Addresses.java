package dev.medbase.mail.web;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;

/** E-mail addresses as mail-service accepts them: plain {@code local@domain}, or {@code Name <local@domain>} for senders. */
public final class Addresses {

    public static final int MAX_ADDRESS = 254;
    private static final Pattern EMAIL = Pattern.compile(
            "^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                    + "(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$");

    private Addresses() {
    }

    public static boolean isValid(String address) {
        return address != null && address.length() <= MAX_ADDRESS && EMAIL.matcher(address).matches();
    }

    /** Each value trimmed and checked; 15 naming the field and position otherwise. */
    public static List<String> recipients(String field, List<String> values) {
        List<String> out = new ArrayList<>();
        if (values == null) {
            return out;
        }
        for (int i = 0; i < values.size(); i++) {
            String v = values.get(i) == null ? null : values.get(i).trim();
            if (!isValid(v)) {
                throw Body.invalid(field + "[" + i + "]", "is not a valid e-mail address");
            }
            out.add(v);
        }
        return out;
    }

    /** A sender: {@code a@x.com} or {@code Display Name <a@x.com>}. */
    public static String sender(String field, String value) {
        if (value == null) {
            return null;
        }
        try {
            InternetAddress parsed = new InternetAddress(value.trim(), true);
            if (!isValid(parsed.getAddress())) {
                throw Body.invalid(field, "is not a valid e-mail address");
            }
            return parsed.getPersonal() == null ? parsed.getAddress() : value.trim();
        } catch (AddressException e) {
            throw Body.invalid(field, "is not a valid e-mail address");
        }
    }

    /** The bare address of a sender value ({@code Name <a@x.com>} → {@code a@x.com}), lower-cased. */
    public static String bare(String value) {
        try {
            return new InternetAddress(value, false).getAddress().toLowerCase(Locale.ROOT);
        } catch (AddressException e) {
            return value.toLowerCase(Locale.ROOT);
        }
    }

    /** The domain of an address, for Message-IDs. */
    public static String domain(String value) {
        String bare = bare(value);
        int at = bare.lastIndexOf('@');
        return at < 0 ? "medbase.local" : bare.substring(at + 1);
    }
}
