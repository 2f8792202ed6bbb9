package dev.medbase.auth.oauth1;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;

import org.bson.Document;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.index.Index;
import org.springframework.stereotype.Component;

import dev.medbase.auth.AuthProperties;
import dev.medbase.auth.applications.Applications;
import dev.medbase.auth.support.Secrets;
import dev.medbase.platform.error.ExhError;
import dev.medbase.platform.error.ExhException;

/**
 * Checks an OAuth1-signed request (contract §5.3, §2.7 item 3). In order: no OAuth header → 101; malformed header
 * or method other than HMAC-SHA1 → 109; unknown consumer key → 107; unknown (or, where required, missing)
 * {@code oauth_token} → 108; timestamp further than {@code medbase.auth.oauth1.timestamp-window} from now → 109;
 * wrong signature (constant-time compare) → 109; nonce already seen for this consumer → 110. The nonce is only
 * recorded after the signature verified, so forged requests cannot burn nonces. The nonce store is bounded: an entry
 * is useless once its timestamp is outside the window, so it expires (TTL index) after twice the window.
 * Stored shape: {@code oauth1_nonces} {_id: consumerKey + " " + nonce, expiryTimestamp}.
 */
@Component
public class OAuth1Verifier {

    static final String NONCES = "oauth1_nonces";

    /** A verified request: the application, and the token document when {@code oauth_token} was sent. */
    public record Verified(String applicationId, Document token) {
        public String userId() {
            return token == null ? null : token.getString("userId");
        }
    }

    private final Applications applications;
    private final OAuth1Tokens tokens;
    private final MongoTemplate mongo;
    private final Clock clock;
    private final Duration window;

    OAuth1Verifier(Applications applications, OAuth1Tokens tokens, MongoTemplate mongo, Clock clock,
            AuthProperties properties) {
        this.applications = applications;
        this.tokens = tokens;
        this.mongo = mongo;
        this.clock = clock;
        this.window = properties.oauth1().timestampWindow();
        mongo.indexOps(NONCES).createIndex(new Index("expiryTimestamp", Sort.Direction.ASC).expire(Duration.ZERO));
    }

    public Verified verify(String method, String baseUrl, String rawQuery, String authorization,
            boolean tokenRequired) {
        Map<String, String> oauth = OAuth1Signature.parseHeader(authorization);
        if (oauth == null) {
            throw new ExhException(ExhError.APPLICATION_NOT_AUTHENTICATED_EXCEPTION,
                    "An OAuth1-signed request is required");
        }
        String consumerKey = oauth.get("oauth_consumer_key");
        String signature = oauth.get("oauth_signature");
        String timestamp = oauth.get("oauth_timestamp");
        String nonce = oauth.get("oauth_nonce");
        if (consumerKey == null || signature == null || timestamp == null || nonce == null || nonce.length() > 100
                || !"HMAC-SHA1".equals(oauth.get("oauth_signature_method"))
                || (oauth.containsKey("oauth_version") && !"1.0".equals(oauth.get("oauth_version")))) {
            throw new ExhException(ExhError.OAUTH_SIGNATURE_EXCEPTION,
                    "The OAuth1 header needs oauth_consumer_key, oauth_nonce, oauth_timestamp, oauth_signature and "
                            + "oauth_signature_method HMAC-SHA1");
        }
        Applications.Consumer consumer = applications.byConsumerKey(consumerKey).orElseThrow(
                () -> new ExhException(ExhError.OAUTH_KEY_EXCEPTION));
        Document token = null;
        String tokenKey = oauth.get("oauth_token");
        if (tokenKey != null && !tokenKey.isEmpty()) {
            token = tokens.byToken(tokenKey);
            if (token == null || !consumer.applicationId().equals(token.getString("applicationId"))) {
                throw new ExhException(ExhError.OAUTH_TOKEN_EXCEPTION);
            }
        } else if (tokenRequired) {
            throw new ExhException(ExhError.OAUTH_TOKEN_EXCEPTION, "oauth_token is required");
        }
        Instant now = clock.instant();
        long seconds;
        try {
            seconds = Long.parseLong(timestamp);
        } catch (NumberFormatException e) {
            throw new ExhException(ExhError.OAUTH_SIGNATURE_EXCEPTION, "oauth_timestamp is not a number");
        }
        if (Math.abs(now.getEpochSecond() - seconds) > window.toSeconds()) {
            throw new ExhException(ExhError.OAUTH_SIGNATURE_EXCEPTION,
                    "oauth_timestamp is too far from the server time");
        }
        List<String[]> parameters = new ArrayList<>(OAuth1Signature.queryParameters(rawQuery));
        oauth.forEach((k, v) -> {
            if (!"oauth_signature".equals(k) && !"realm".equals(k)) {
                parameters.add(new String[] {k, v});
            }
        });
        String expected = OAuth1Signature.sign(OAuth1Signature.baseString(method, baseUrl, parameters),
                consumer.consumerSecret(), token == null ? null : token.getString("tokenSecret"));
        if (!Secrets.equal(expected, signature)) {
            throw new ExhException(ExhError.OAUTH_SIGNATURE_EXCEPTION);
        }
        try {
            mongo.insert(new Document("_id", consumerKey + " " + nonce)
                    .append("expiryTimestamp", Date.from(now.plus(window.multipliedBy(2)))), NONCES);
        } catch (DuplicateKeyException e) {
            throw new ExhException(ExhError.DUPLICATE_REQUEST_EXCEPTION);
        }
        if (token != null) {
            tokens.used(token);
        }
        return new Verified(consumer.applicationId(), token);
    }
}
