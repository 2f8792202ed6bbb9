package dev.medbase.auth.oidc;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.index.Index;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.stereotype.Service;

import dev.medbase.auth.support.Iso;
import dev.medbase.auth.support.Secrets;
import dev.medbase.auth.tokens.UserTokenRevocation;
import dev.medbase.auth.users.UserService;
import dev.medbase.platform.error.ExhError;
import dev.medbase.platform.error.ExhException;
import dev.medbase.platform.rql.FieldType;
import dev.medbase.platform.rql.PageEnvelope;
import dev.medbase.platform.rql.RqlPaging;
import dev.medbase.platform.rql.RqlQuery;
import dev.medbase.platform.rql.RqlTranslator;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The OpenID Connect authorization-code login (contract §5.6).
 * <ol>
 * <li>{@code generateAuthenticationUrl}: a random nonce (stored, single use, {@link #NONCE_LIFETIME}) in the
 * provider's authorization URL.</li>
 * <li>{@code oAuth2Login}: the code is exchanged at the provider's token endpoint with {@code client_secret_basic}
 * (provider {@code invalid_grant} → 139, any other failure or no {@code id_token} → 138). The ID token must be RS256,
 * signed by a key of the provider's JWKS (found through {@code issuerId/.well-known/openid-configuration}), with
 * {@code iss} = issuerId, {@code aud} containing the client id and {@code exp} in the future (60 s skew) → else 136;
 * its {@code nonce} must be one this service issued for this provider and not used yet → else 137.</li>
 * <li>The {@code (provider, sub)} link names the user; at the first login the user is created in user-service from
 * the {@code email}, {@code given_name}, {@code family_name} claims (203 when the e-mail belongs to a user).</li>
 * </ol>
 * Every login is logged in {@code oidc_login_attempts} {status, providerId, providerName, providerSubjectId,
 * userId?, error?{name, message, code}, creationTimestamp}. Stored: {@code oidc_nonces} {_id: nonce, providerId,
 * expiryTimestamp}; {@code oidc_links} {providerId, subject, userId (unique: one provider per user),
 * creationTimestamp}. Linking an existing user ({@link #link}) and unlinking ({@link #unlink}) are here too.
 */
@Service
class OidcLogin {

    static final String NONCES = "oidc_nonces";
    static final String ATTEMPTS = "oidc_login_attempts";
    static final Duration NONCE_LIFETIME = Duration.ofMinutes(10);
    static final Duration SKEW = Duration.ofSeconds(60);
    static final RqlTranslator RQL = RqlTranslator.builder()
            .field("id", "_id", FieldType.OBJECT_ID)
            .field("status", FieldType.STRING)
            .field("providerId", FieldType.STRING)
            .field("providerName", FieldType.STRING)
            .field("providerSubjectId", FieldType.STRING)
            .field("userId", FieldType.STRING)
            .field("creationTimestamp", FieldType.DATE)
            .build();

    private final OidcProviders providers;
    private final UserService users;
    private final UserTokenRevocation revocation;
    private final MongoTemplate mongo;
    private final Clock clock;
    private final JsonMapper json;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    OidcLogin(OidcProviders providers, UserService users, UserTokenRevocation revocation, MongoTemplate mongo,
            Clock clock, JsonMapper json) {
        this.providers = providers;
        this.users = users;
        this.revocation = revocation;
        this.mongo = mongo;
        this.clock = clock;
        this.json = json;
        mongo.indexOps(NONCES).createIndex(new Index("expiryTimestamp", Sort.Direction.ASC).expire(Duration.ZERO));
        mongo.indexOps(ATTEMPTS).createIndex(new Index("creationTimestamp", Sort.Direction.ASC));
    }

    String authenticationUrl(String providerName, String state) {
        Document provider = providers.enabledByName(providerName);
        String nonce = Secrets.randomHex(16);
        mongo.insert(new Document("_id", nonce).append("providerId", provider.get("_id").toString())
                .append("expiryTimestamp", Date.from(clock.instant().plus(NONCE_LIFETIME))), NONCES);
        String endpoint = provider.getString("authorizationEndpoint");
        StringBuilder url = new StringBuilder(endpoint).append(endpoint.contains("?") ? '&' : '?')
                .append("response_type=code&client_id=").append(enc(provider.getString("clientId")))
                .append("&scope=").append(enc("openid email profile"))
                .append("&redirect_uri=").append(enc(provider.getString("redirectUri")))
                .append("&nonce=").append(nonce);
        if (state != null) {
            url.append("&state=").append(enc(state));
        }
        return url.toString();
    }

    /** @return the user id of a successful login (the attempt is logged either way) */
    String login(String providerName, String code) {
        Document provider = providers.enabledByName(providerName);
        String subject = null;
        try {
            JWTClaimsSet claims = idToken(provider, code);
            subject = claims.getSubject();
            String userId = user(provider, claims);
            log(provider, subject, userId, null);
            return userId;
        } catch (ExhException e) {
            log(provider, subject, null, e);
            throw e;
        }
    }

    /**
     * Links {@code userId} (whose presence the caller proved) to the provider account the authorization code
     * stands for: the code and ID token are checked as for a login (136–139). 17 when that provider account is
     * linked to another user, 27 when the user is already linked to a provider. The user's password is removed in
     * user-service and every token of the user ends (logged out everywhere).
     */
    void link(String providerName, String code, String userId) {
        Document provider = providers.enabledByName(providerName);
        JWTClaimsSet claims = idToken(provider, code);
        String providerId = provider.get("_id").toString();
        Document taken = mongo.findOne(Query.query(Criteria.where("providerId").is(providerId).and("subject")
                .is(claims.getSubject())), Document.class, OidcProviders.LINKS);
        if (taken != null && !userId.equals(taken.getString("userId"))) {
            throw new ExhException(ExhError.RESOURCE_ALREADY_EXISTS_EXCEPTION,
                    "This provider account is linked to another user");
        }
        if (taken != null || mongo.exists(Query.query(Criteria.where("userId").is(userId)), OidcProviders.LINKS)) {
            throw new ExhException(ExhError.ILLEGAL_STATE_EXCEPTION,
                    "The user is already linked to an OpenID Connect provider");
        }
        Document link = new Document("_id", new ObjectId()).append("providerId", providerId)
                .append("subject", claims.getSubject()).append("userId", userId)
                .append("creationTimestamp", Date.from(clock.instant()));
        try {
            mongo.insert(link, OidcProviders.LINKS);
        } catch (DuplicateKeyException e) { // a concurrent link of the same account or the same user
            throw new ExhException(ExhError.ILLEGAL_STATE_EXCEPTION, "A concurrent link was made; try again");
        }
        try {
            users.linkOidcUser(userId);
        } catch (RuntimeException e) {
            mongo.remove(Query.query(Criteria.where("_id").is(link.get("_id"))), OidcProviders.LINKS);
            throw e;
        }
        revocation.oidcLinked(userId);
    }

    /** Ends the user's OIDC link; user-service mails the user a way to set a password. 16 unknown, 27 not linked. */
    void unlink(String userId) {
        users.unlinkOidcUser(userId);
        mongo.remove(Query.query(Criteria.where("userId").is(userId)), OidcProviders.LINKS);
    }

    PageEnvelope<Map<String, Object>> attempts(RqlQuery rql) {
        Query query = RQL.toQuery(rql, null);
        if (rql.sort().isEmpty()) {
            query.with(Sort.by("_id"));
        }
        return RqlPaging.find(mongo, query, rql, Document.class, ATTEMPTS, d -> {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("id", d.get("_id").toString());
            d.forEach((k, v) -> {
                if (!k.equals("_id")) {
                    out.put(k, v instanceof Date date ? Iso.format(date) : v);
                }
            });
            return out;
        });
    }

    private JWTClaimsSet idToken(Document provider, String code) {
        String clientId = provider.getString("clientId");
        String basic = Base64.getEncoder().encodeToString((URLEncoder.encode(clientId, StandardCharsets.UTF_8) + ":"
                + URLEncoder.encode(provider.getString("clientSecret"), StandardCharsets.UTF_8))
                .getBytes(StandardCharsets.UTF_8));
        String form = "grant_type=authorization_code&code=" + enc(code) + "&redirect_uri="
                + enc(provider.getString("redirectUri"));
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(provider.getString("tokenEndpoint")))
                .header("Authorization", "Basic " + basic).header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json").POST(HttpRequest.BodyPublishers.ofString(form)));
        JsonNode body = parse(response.body());
        if (response.statusCode() / 100 != 2) {
            if (body != null && "invalid_grant".equals(body.path("error").asString(""))) {
                throw new ExhException(ExhError.OIDC_INVALID_AUTHORIZATION_CODE_EXCEPTION,
                        "The provider refused the authorization code");
            }
            throw providerError("The provider's token endpoint answered " + response.statusCode());
        }
        if (body == null || !body.path("id_token").isString()) {
            throw providerError("The provider answered no id_token");
        }
        SignedJWT jwt;
        JWTClaimsSet claims;
        try {
            jwt = SignedJWT.parse(body.get("id_token").asString());
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            throw idTokenError("The ID token cannot be parsed");
        }
        if (!JWSAlgorithm.RS256.equals(jwt.getHeader().getAlgorithm())) {
            throw idTokenError("The ID token is not RS256");
        }
        RSAKey key = key(provider, jwt.getHeader().getKeyID());
        try {
            if (key == null || !jwt.verify(new RSASSAVerifier(key))) {
                throw idTokenError("The ID token signature is not valid");
            }
        } catch (JOSEException e) {
            throw idTokenError("The ID token signature is not valid");
        }
        if (!provider.getString("issuerId").equals(claims.getIssuer())) {
            throw idTokenError("The ID token has another issuer");
        }
        if (claims.getAudience() == null || !claims.getAudience().contains(clientId)) {
            throw idTokenError("The ID token is meant for another client");
        }
        Instant now = clock.instant();
        if (claims.getExpirationTime() == null || !claims.getExpirationTime().toInstant().plus(SKEW).isAfter(now)) {
            throw idTokenError("The ID token is expired");
        }
        if (claims.getSubject() == null || claims.getSubject().isBlank()) {
            throw idTokenError("The ID token names no subject");
        }
        Object nonce = claims.getClaim("nonce");
        Document issued = nonce instanceof String n && n.length() <= 200
                ? mongo.findAndRemove(Query.query(Criteria.where("_id").is(n)), Document.class, NONCES) : null;
        if (issued == null || !provider.get("_id").toString().equals(issued.getString("providerId"))
                || !issued.getDate("expiryTimestamp").toInstant().isAfter(now)) {
            throw new ExhException(ExhError.INVALID_NONCE_EXCEPTION, "The ID token's nonce was not issued here");
        }
        return claims;
    }

    private RSAKey key(Document provider, String kid) {
        String issuer = provider.getString("issuerId");
        String discovery = (issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer)
                + "/.well-known/openid-configuration";
        HttpResponse<String> config = send(HttpRequest.newBuilder(URI.create(discovery)).GET());
        JsonNode node = parse(config.body());
        if (config.statusCode() != 200 || node == null || !node.path("jwks_uri").isString()) {
            throw providerError("The provider's discovery document has no jwks_uri");
        }
        HttpResponse<String> jwks = send(HttpRequest.newBuilder(URI.create(node.get("jwks_uri").asString())).GET());
        try {
            for (JWK jwk : JWKSet.parse(jwks.body()).getKeys()) {
                if (jwk instanceof RSAKey rsa && (kid == null || kid.equals(rsa.getKeyID()))) {
                    return rsa;
                }
            }
        } catch (ParseException e) {
            throw providerError("The provider's JWKS cannot be parsed");
        }
        return null;
    }

    private String user(Document provider, JWTClaimsSet claims) {
        String providerId = provider.get("_id").toString();
        Document link = mongo.findOne(Query.query(Criteria.where("providerId").is(providerId).and("subject")
                .is(claims.getSubject())), Document.class, OidcProviders.LINKS);
        if (link != null) {
            return link.getString("userId");
        }
        Object email = claims.getClaim("email");
        if (!(email instanceof String address) || address.isBlank()) {
            throw providerError("The ID token carries no email");
        }
        String userId = users.createOidcUser(address, string(claims.getClaim("given_name")),
                string(claims.getClaim("family_name")));
        try {
            mongo.insert(new Document("providerId", providerId).append("subject", claims.getSubject())
                    .append("userId", userId).append("creationTimestamp", Date.from(clock.instant())),
                    OidcProviders.LINKS);
        } catch (DuplicateKeyException e) {
            // a concurrent first login linked first; that user wins (the one created here is left unlinked)
            return mongo.findOne(Query.query(Criteria.where("providerId").is(providerId).and("subject")
                    .is(claims.getSubject())), Document.class, OidcProviders.LINKS).getString("userId");
        }
        return userId;
    }

    private void log(Document provider, String subject, String userId, ExhException error) {
        Document attempt = new Document("_id", new ObjectId()).append("status", error == null ? "success" : "failed")
                .append("providerId", provider.get("_id").toString()).append("providerName", provider.getString("name"))
                .append("providerSubjectId", subject);
        if (userId != null) {
            attempt.append("userId", userId);
        }
        if (error != null) {
            attempt.append("error", new Document("name", error.error().name()).append("message", error.getMessage())
                    .append("code", error.error().code()));
        }
        attempt.append("creationTimestamp", Date.from(clock.instant()));
        mongo.insert(attempt, ATTEMPTS);
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return http.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException | IllegalArgumentException e) {
            throw providerError("The provider cannot be reached");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw providerError("Interrupted while calling the provider");
        }
    }

    private JsonNode parse(String text) {
        try {
            return text == null || text.isBlank() ? null : json.readTree(text);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static String string(Object value) {
        return value instanceof String s ? s : null;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static ExhException providerError(String message) {
        return new ExhException(ExhError.OIDC_PROVIDER_RESPONSE_EXCEPTION, message);
    }

    private static ExhException idTokenError(String message) {
        return new ExhException(ExhError.OIDC_ID_TOKEN_EXCEPTION, message);
    }

}
