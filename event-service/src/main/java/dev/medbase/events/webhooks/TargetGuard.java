package dev.medbase.events.webhooks;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * The SSRF guard of webhooks: a webhook may only reach public addresses, unless
 * {@code medbase.events.webhooks.allow-private-targets=true} (development). Checked on the URL when a webhook is
 * registered or changed, and again on every delivery on the addresses the connection will use, after DNS resolution
 * (so a name that later resolves to an internal address, DNS rebinding, is refused as well).
 *
 * <p>Refused: loopback (127/8, ::1), the unspecified address (0.0.0.0/8, ::), private networks (10/8, 172.16/12,
 * 192.168/16, fc00::/7), link-local (169.254/16 with the cloud metadata address, fe80::/10), carrier-grade NAT
 * (100.64/10), benchmarking (198.18/15), multicast and the reserved ranges (224/3), and IPv6 forms embedding any of
 * these (IPv4-mapped ::ffff:a.b.c.d, IPv4-compatible, NAT64 64:ff9b::/96, 6to4 2002::/16). URLs must be {@code https}
 * ({@code http} too when {@code allow-http=true}), without user info.
 */
public final class TargetGuard {

    /** Resolves a host name to its addresses; the system resolver in production, a scripted one in tests. */
    @FunctionalInterface
    public interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    /** A URL or address a webhook may not use; the message says why. */
    public static final class RefusedTarget extends Exception {
        RefusedTarget(String message) {
            super(message, null, false, false);
        }
    }

    private final boolean allowPrivate;
    private final boolean allowHttp;
    private final Resolver resolver;

    public TargetGuard(boolean allowPrivate, boolean allowHttp, Resolver resolver) {
        this.allowPrivate = allowPrivate;
        this.allowHttp = allowHttp;
        this.resolver = resolver;
    }

    public boolean allowsPrivateTargets() {
        return allowPrivate;
    }

    /** The URL's form (scheme, host, no user info), and unless private targets are allowed, where its host points. */
    public URI checkUrl(String url) throws RefusedTarget {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new RefusedTarget("url is not a valid URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !(allowHttp && scheme.equals("http"))) {
            throw new RefusedTarget(allowHttp ? "url must use http or https" : "url must use https");
        }
        if (uri.getHost() == null || uri.getHost().isBlank()) {
            throw new RefusedTarget("url has no host");
        }
        if (uri.getRawUserInfo() != null) {
            throw new RefusedTarget("url must not contain user info");
        }
        if (uri.getRawFragment() != null) {
            throw new RefusedTarget("url must not contain a fragment");
        }
        if (!allowPrivate) {
            resolve(uri.getHost()); // with private targets allowed there is nothing to check before connecting
        }
        return uri;
    }

    /**
     * The host's addresses, each checked. With private targets allowed, the resolution is all that happens.
     *
     * @throws RefusedTarget  when any address is not public (a name that resolves to a mix is refused: the client
     *                        could pick either)
     */
    public InetAddress[] resolve(String host) throws RefusedTarget {
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        InetAddress[] addresses;
        try {
            addresses = resolver.resolve(bare);
        } catch (UnknownHostException e) {
            throw new RefusedTarget("url's host " + host + " does not resolve");
        }
        if (addresses == null || addresses.length == 0) {
            throw new RefusedTarget("url's host " + host + " does not resolve");
        }
        if (!allowPrivate) {
            for (InetAddress address : addresses) {
                if (!isPublic(address)) {
                    throw new RefusedTarget("url's host " + host + " resolves to " + address.getHostAddress()
                            + ", a loopback, private, link-local or reserved address");
                }
            }
        }
        return addresses;
    }

    /** Whether an address is a public unicast address. */
    static boolean isPublic(InetAddress address) {
        if (address instanceof Inet4Address v4) {
            return isPublicV4(v4.getAddress());
        }
        byte[] b = address.getAddress();
        if (address.isLoopbackAddress() || address.isAnyLocalAddress() || address.isLinkLocalAddress()
                || address.isSiteLocalAddress() || address.isMulticastAddress()) {
            return false;
        }
        if ((b[0] & 0xfe) == 0xfc) {
            return false; // fc00::/7 unique local
        }
        if (isZero(b, 0, 10) && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
            return isPublicV4(slice(b, 12)); // ::ffff:a.b.c.d
        }
        if (isZero(b, 0, 12)) {
            return isPublicV4(slice(b, 12)); // ::a.b.c.d (deprecated IPv4-compatible), also :: and ::1
        }
        if ((b[0] & 0xff) == 0x00 && (b[1] & 0xff) == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b
                && isZero(b, 4, 12)) {
            return isPublicV4(slice(b, 12)); // 64:ff9b::/96 NAT64
        }
        if ((b[0] & 0xff) == 0x20 && (b[1] & 0xff) == 0x02) {
            return isPublicV4(slice(b, 2)); // 2002::/16 6to4
        }
        if ((b[0] & 0xff) == 0x20 && (b[1] & 0xff) == 0x01 && (b[2] & 0xff) == 0x0d && (b[3] & 0xff) == 0xb8) {
            return false; // 2001:db8::/32 documentation
        }
        return address instanceof Inet6Address;
    }

    private static boolean isPublicV4(byte[] a) {
        int b0 = a[0] & 0xff;
        int b1 = a[1] & 0xff;
        int b2 = a[2] & 0xff;
        return !(b0 == 0                                   // 0.0.0.0/8 "this network"
                || b0 == 10                                // 10/8
                || b0 == 127                               // loopback
                || (b0 == 100 && b1 >= 64 && b1 <= 127)    // 100.64/10 carrier-grade NAT
                || (b0 == 169 && b1 == 254)                // link-local, cloud metadata 169.254.169.254
                || (b0 == 172 && b1 >= 16 && b1 <= 31)     // 172.16/12
                || (b0 == 192 && b1 == 0 && b2 == 0)       // 192.0.0/24 IETF protocol assignments
                || (b0 == 192 && b1 == 0 && b2 == 2)       // TEST-NET-1
                || (b0 == 192 && b1 == 168)                // 192.168/16
                || (b0 == 198 && (b1 == 18 || b1 == 19))   // benchmarking
                || (b0 == 198 && b1 == 51 && b2 == 100)    // TEST-NET-2
                || (b0 == 203 && b1 == 0 && b2 == 113)     // TEST-NET-3
                || b0 >= 224);                             // multicast, reserved, broadcast
    }

    private static boolean isZero(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static byte[] slice(byte[] b, int from) {
        return new byte[] {b[from], b[from + 1], b[from + 2], b[from + 3]};
    }
}
