package dev.medbase.auth.oauth1;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * RFC 5849 HMAC-SHA1 exactly as the SDK signs (contract §5.3, {@code src/http/oAuth1Signature.ts}):
 * <ul>
 * <li>parameters: the {@code oauth_*} header parameters (without {@code oauth_signature}) plus the query string
 * parsed like {@code qs.parse}: split on {@code &}, each name and value percent-decoded once ({@code +} is a space),
 * so an RQL query {@code ?eq(id,abc)} is a parameter named {@code eq(id,abc)} with an empty value;</li>
 * <li>each name and value percent-encoded ({@code encodeURIComponent} plus {@code ! * ' ( )}), sorted by name then
 * value, joined {@code k=v} with {@code &};</li>
 * <li>base string {@code METHOD & enc(scheme://host[:port]/path) & enc(params)}, the default port omitted like
 * {@code new URL()} does;</li>
 * <li>key {@code enc(consumerSecret) & enc(tokenSecret or "")}; signature base64.</li>
 * </ul>
 * Known difference: {@code qs} turns {@code a[]=1} into {@code a=1}; here it stays {@code a[]} (no SDK call sends it).
 */
public final class OAuth1Signature {

    private OAuth1Signature() {
    }

    public static String percentEncode(String s) {
        StringBuilder out = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'
                    || c == '.' || c == '~') {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return out.toString();
    }

    /** {@code scheme://host[:port]} + raw path, the default port of the scheme dropped. */
    public static String baseUrl(String scheme, String hostAndPort, String rawPath) {
        String s = scheme.toLowerCase(java.util.Locale.ROOT);
        String host = hostAndPort.toLowerCase(java.util.Locale.ROOT);
        if (("https".equals(s) && host.endsWith(":443")) || ("http".equals(s) && host.endsWith(":80"))) {
            host = host.substring(0, host.lastIndexOf(':'));
        }
        return s + "://" + host + rawPath;
    }

    /** The query parameters as {@code qs.parse} sees them (names and values decoded once). */
    public static List<String[]> queryParameters(String rawQuery) {
        List<String[]> out = new ArrayList<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return out;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            out.add(new String[] {decode(eq < 0 ? pair : pair.substring(0, eq)),
                    eq < 0 ? "" : decode(pair.substring(eq + 1))});
        }
        return out;
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s.replace('+', ' '); // qs leaves malformed escapes as they are
        }
    }

    public static String baseString(String method, String baseUrl, List<String[]> parameters) {
        List<String[]> encoded = new ArrayList<>();
        for (String[] p : parameters) {
            encoded.add(new String[] {percentEncode(p[0]), percentEncode(p[1] == null ? "" : p[1])});
        }
        encoded.sort(Comparator.<String[], String>comparing(p -> p[0]).thenComparing(p -> p[1]));
        StringBuilder normalized = new StringBuilder();
        for (String[] p : encoded) {
            if (normalized.length() > 0) {
                normalized.append('&');
            }
            normalized.append(p[0]).append('=').append(p[1]);
        }
        return percentEncode(method.toUpperCase(java.util.Locale.ROOT)) + "&" + percentEncode(baseUrl) + "&"
                + percentEncode(normalized.toString());
    }

    public static String sign(String baseString, String consumerSecret, String tokenSecret) {
        String key = percentEncode(consumerSecret == null ? "" : consumerSecret) + "&"
                + percentEncode(tokenSecret == null ? "" : tokenSecret);
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            return Base64.getEncoder().encodeToString(mac.doFinal(baseString.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The parameters of {@code Authorization: OAuth k="v", …} (values percent-decoded); {@code null} when the header
     * is not an OAuth header or cannot be parsed.
     */
    public static Map<String, String> parseHeader(String header) {
        if (header == null || !header.regionMatches(true, 0, "OAuth ", 0, 6) || header.length() > 4096) {
            return null;
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (String part : header.substring(6).split(",")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            int eq = p.indexOf('=');
            if (eq < 0) {
                return null;
            }
            String key = p.substring(0, eq).trim();
            String value = p.substring(eq + 1).trim();
            if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                value = value.substring(1, value.length() - 1);
            }
            try {
                key = URLDecoder.decode(key.replace("+", "%2B"), StandardCharsets.UTF_8);
                value = URLDecoder.decode(value.replace("+", "%2B"), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return null;
            }
            if (out.put(key, value) != null) {
                return null;
            }
        }
        return out;
    }
}
