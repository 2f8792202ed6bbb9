package dev.medbase.events.webhooks;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.io.entity.StringEntity;
import org.apache.hc.core5.util.Timeout;

/**
 * POSTs one webhook delivery. The connection only goes to addresses the {@link TargetGuard} accepts: name resolution
 * goes through the guard ({@link DnsResolver} hook), so the addresses checked are the addresses connected to.
 * Redirects are not followed, nothing is retried here (the queue retries), cookies are not kept.
 *
 * <p>Signature: {@code X-Medbase-Signature: v1=<hex HMAC-SHA256(secret, timestamp + "." + body)>} with
 * {@code X-Medbase-Timestamp: <epoch seconds>}; the key is the webhook's secret as UTF-8 bytes.
 */
public class WebhookSender implements AutoCloseable {

    public static final String SIGNATURE = "X-Medbase-Signature";
    public static final String TIMESTAMP = "X-Medbase-Timestamp";

    /** What an attempt came to: the HTTP status, or the error that prevented one. */
    public record Result(Integer statusCode, String error, long durationMillis) {
        public boolean delivered() {
            return statusCode != null && statusCode >= 200 && statusCode < 300;
        }
    }

    private final CloseableHttpClient client;
    private final TargetGuard guard;

    public WebhookSender(TargetGuard guard, Duration connectTimeout, Duration responseTimeout, int maxConnections) {
        this.guard = guard;
        DnsResolver guardedDns = new DnsResolver() {
            @Override
            public InetAddress[] resolve(String host) throws UnknownHostException {
                try {
                    return guard.resolve(host);
                } catch (TargetGuard.RefusedTarget refused) {
                    throw new RefusedHost(refused.getMessage());
                }
            }

            @Override
            public String resolveCanonicalHostname(String host) {
                return host;
            }
        };
        PoolingHttpClientConnectionManager connections = PoolingHttpClientConnectionManagerBuilder.create()
                .setDnsResolver(guardedDns)
                .setDefaultConnectionConfig(ConnectionConfig.custom()
                        .setConnectTimeout(Timeout.of(connectTimeout))
                        .setSocketTimeout(Timeout.of(responseTimeout))
                        .build())
                .setMaxConnTotal(Math.max(2, maxConnections))
                .setMaxConnPerRoute(Math.max(2, maxConnections))
                .build();
        this.client = HttpClients.custom()
                .setConnectionManager(connections)
                .setDefaultRequestConfig(RequestConfig.custom().setResponseTimeout(Timeout.of(responseTimeout))
                        .setRedirectsEnabled(false).build())
                .disableRedirectHandling()
                .disableAutomaticRetries()
                .disableCookieManagement()
                .disableAuthCaching()
                .setUserAgent("Medbase-Webhooks/1")
                .build();
    }

    /** HMAC-SHA256 of {@code timestamp + "." + body} with the secret, hex, prefixed {@code v1=}. */
    public static String signature(String secret, long timestampSeconds, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((timestampSeconds + ".").getBytes(StandardCharsets.UTF_8));
            return "v1=" + HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One attempt; never throws. */
    public Result post(String url, String body, Map<String, String> headers) {
        long start = System.nanoTime();
        try {
            guard.checkUrl(url); // scheme and form again (settings may have changed since registration)
            HttpPost post = new HttpPost(url);
            headers.forEach(post::setHeader);
            post.setEntity(new StringEntity(body, ContentType.APPLICATION_JSON));
            return client.execute(post, response -> {
                EntityUtils.consume(response.getEntity());
                return new Result(response.getCode(), null, millisSince(start));
            });
        } catch (TargetGuard.RefusedTarget refused) {
            return new Result(null, "refused: " + refused.getMessage(), millisSince(start));
        } catch (RefusedHost refused) {
            return new Result(null, "refused: " + refused.getMessage(), millisSince(start));
        } catch (IOException | RuntimeException e) {
            String message = e.getMessage() == null ? e.getClass().getSimpleName()
                    : e.getClass().getSimpleName() + ": " + e.getMessage();
            return new Result(null, message.length() > 500 ? message.substring(0, 500) : message, millisSince(start));
        }
    }

    private static long millisSince(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }

    @Override
    public void close() throws IOException {
        client.close();
    }

    /** A host the guard refused, as the HTTP client's resolver reports it. */
    static final class RefusedHost extends UnknownHostException {
        RefusedHost(String message) {
            super(message);
        }
    }
}
