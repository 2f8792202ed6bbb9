package dev.medbase.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The gateway in front of small real HTTP servers that answer with what reached them: which service got the
 * request, with which path and headers.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "medbase.gateway.max-body-size=1KB", "medbase.gateway.revocation-refresh=200ms", "medbase.gateway.clock-skew=0s",
        "medbase.gateway.token-rate-limit.per-second=0.001",
        "medbase.gateway.token-rate-limit.burst=3"})
class GatewayRoutingTest {

    static final RSAKey KEY = generate();
    static final RSAKey FOREIGN_KEY = generate();
    private static final List<String> SERVICES = List.of("auth", "users", "data", "files", "tasks", "events", "mail");
    private static final Map<String, HttpServer> BACKENDS = SERVICES.stream()
            .collect(Collectors.toMap(s -> s, GatewayRoutingTest::echo));

    @DynamicPropertySource
    static void services(DynamicPropertyRegistry registry) {
        BACKENDS.forEach((name, server) -> registry.add("medbase.services." + name,
                () -> "http://127.0.0.1:" + server.getAddress().getPort()));
    }

    @AfterAll
    static void stopBackends() {
        BACKENDS.values().forEach(s -> s.stop(0));
    }

    /** A backend that answers {@code <service> <method> <path+query> <headers of interest> <body length>}. */
    private static HttpServer echo(String name) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/", exchange -> answer(name, exchange));
            server.start();
            return server;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void answer(String name, HttpExchange exchange) throws IOException {
        if (name.equals("auth") && exchange.getRequestURI().getPath().equals("/internal/jwks")) {
            byte[] jwks = new JWKSet(KEY.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, jwks.length);
            exchange.getResponseBody().write(jwks);
            exchange.close();
            return;
        }
        if (name.equals("auth") && exchange.getRequestURI().getPath().equals("/internal/revocations")) {
            byte[] list = "{\"revoked\":[{\"jti\":\"revoked-jti\",\"expiryTimestamp\":1}]}"
                    .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, list.length);
            exchange.getResponseBody().write(list);
            exchange.close();
            return;
        }
        if (name.equals("auth") && exchange.getRequestURI().getPath().equals("/internal/oauth1/verify")) {
            verifyOAuth1(exchange);
            return;
        }
        int length;
        try (InputStream in = exchange.getRequestBody()) {
            length = in.readAllBytes().length;
        }
        String text = name + " " + exchange.getRequestMethod() + " " + exchange.getRequestURI().getRawPath()
                + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery())
                + " rid=" + exchange.getRequestHeaders().getFirst("X-Request-Id")
                + " user=" + exchange.getRequestHeaders().getFirst("X-Forwarded-User")
                + " authz=" + String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")).split(" ")[0]
                + " origin=" + exchange.getRequestHeaders().getFirst("X-OAuth1-Signed-Origin")
                + " len=" + length;
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }

    static final java.util.concurrent.atomic.AtomicReference<String> VERIFIED = new java.util.concurrent.atomic.AtomicReference<>();

    /** auth-service's OAuth1 seam: the token "good" verifies, anything else is 108. Records what was asked. */
    private static void verifyOAuth1(HttpExchange exchange) throws IOException {
        String request;
        try (InputStream in = exchange.getRequestBody()) {
            request = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        VERIFIED.set(request);
        String answer;
        int status;
        if (request.contains("oauth_token=\\\"good\\\"")) {
            try {
                answer = "{\"accessToken\":\"" + token(KEY, 60) + "\",\"expiresIn\":60}";
            } catch (Exception e) {
                throw new IOException(e);
            }
            status = 200;
        } else {
            answer = "{\"code\":108,\"name\":\"OAUTH_TOKEN_EXCEPTION\",\"message\":\"The OAuth1 token is unknown\"}";
            status = 401;
        }
        byte[] body = answer.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }

    @LocalServerPort
    int port;

    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> get(String path, String... headers) throws Exception {
        return anonymousGet(path, with(headers, "Authorization", "Bearer " + token(KEY, 300)));
    }

    private HttpResponse<String> anonymousGet(String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), BodyHandlers.ofString());
    }

    private static String[] with(String[] headers, String name, String value) {
        String[] all = java.util.Arrays.copyOf(headers, headers.length + 2);
        all[headers.length] = name;
        all[headers.length + 1] = value;
        return all;
    }

    /** A token expiring in {@code seconds} (negative: already expired). */
    static String token(RSAKey key, long seconds) throws Exception {
        return token(key, seconds, "jti-" + java.util.UUID.randomUUID());
    }

    static String token(RSAKey key, long seconds, String jti) throws Exception {
        Instant exp = Instant.now().plusSeconds(seconds);
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer("medbase").subject("u1").claim("aid", "a1").jwtID(jti)
                .issueTime(Date.from(exp.minusSeconds(600))).expirationTime(Date.from(exp)).build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims);
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    private static RSAKey generate() {
        try {
            return new RSAKeyGenerator(2048).keyID("k1").generate();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @ParameterizedTest
    @CsvSource({
            "/auth/v2/health, auth", "/auth/v2/oauth2/tokens, auth", "/users/v1/, users", "/users/v1/me, users",
            "/data/v1/, data", "/files/v1/abc, files", "/tasks/v1/, tasks", "/events/v1/, events",
            "/dispatchers/v1/, events", "/mail/v1/, mail", "/templates/v1/, mail", "/templates/v2/x, mail"})
    void routesEachPrefixToItsService(String path, String service) throws Exception {
        HttpResponse<String> r = get(path);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).startsWith(service + " GET " + path + " ");
    }

    @Test
    void passesTheRawRqlQueryStringUntouched() throws Exception {
        String rql = "?eq(name,Hypertension%2520%252D%2520STAGE%25201)&sort(-creationTimestamp)&limit(10,20)";
        assertThat(get("/data/v1/bp/documents" + rql).body()).contains("/data/v1/bp/documents" + rql + " ");
    }

    @Test
    void generatesOrPassesTheRequestId() throws Exception {
        HttpResponse<String> generated = get("/users/v1/me");
        String id = generated.headers().firstValue("X-Request-Id").orElseThrow();
        assertThat(generated.body()).contains("rid=" + id);
        HttpResponse<String> passed = get("/users/v1/me", "X-Request-Id", "trace-42");
        assertThat(passed.headers().firstValue("X-Request-Id")).hasValue("trace-42");
        assertThat(passed.body()).contains("rid=trace-42");
    }

    @Test
    void dropsIdentityHeadersSentByClients() throws Exception {
        assertThat(get("/users/v1/me", "X-Forwarded-User", "5e9fff9d90135a2a9a718e2f").body()).contains("user=null");
    }

    @ParameterizedTest
    @CsvSource({"GET, /auth/v2/health", "POST, /auth/v2/oauth1/tokens", "POST, /users/v1/register",
            "GET, /users/v1/email_available", "GET, /files/v1/abc/file", "PUT, /tasks/v1/api/hello/x"})
    void publicRoutesNeedNoToken(String method, String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .method(method, BodyPublishers.noBody()).build(), BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    @Test
    void basicClientCredentialsReachTheTokenEndpointButNothingElse() throws Exception {
        String basic = "Basic " + java.util.Base64.getEncoder().encodeToString("client:secret".getBytes());
        HttpResponse<String> token = http.send(HttpRequest.newBuilder(
                URI.create("http://localhost:" + port + "/auth/v2/oauth1/tokens")).header("Authorization", basic)
                .POST(BodyPublishers.ofString("{}")).build(), BodyHandlers.ofString());
        assertThat(token.statusCode()).isEqualTo(200);
        HttpResponse<String> me = anonymousGet("/users/v1/me", "Authorization", basic);
        assertThat(me.statusCode()).isEqualTo(401);
        assertThat(me.body()).contains("\"code\":104");
    }

    @Test
    void oauth1RequestsAreVerifiedByAuthAndForwardedWithABearer() throws Exception {
        String rql = "?select(id)&eq(data.name,John%2520Doe)";
        HttpResponse<String> ok = anonymousGet("/data/v1/s/documents" + rql, "Authorization",
                "OAuth oauth_consumer_key=\"ck\", oauth_token=\"good\"", "X-Forwarded-Proto", "https",
                "X-Forwarded-Host", "api.example.com");
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        assertThat(ok.body()).startsWith("data GET /data/v1/s/documents" + rql + " ").contains(" authz=Bearer ");
        // the URL the client signed, with the raw RQL query, the method and the header as sent
        assertThat(VERIFIED.get()).contains("\"method\":\"GET\"",
                "\"url\":\"https://api.example.com/data/v1/s/documents" + rql + "\"", "oauth_consumer_key");

        HttpResponse<String> refused = anonymousGet("/users/v1/me", "Authorization",
                "OAuth oauth_consumer_key=\"ck\", oauth_token=\"bad\"");
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.body()).contains("\"code\":108", "OAUTH_TOKEN_EXCEPTION");
        assertThat(VERIFIED.get()).contains("\"url\":\"http://localhost:" + port + "/users/v1/me\"");

        // consumer-signed login passes unchanged to auth-service, which checks it there
        VERIFIED.set(null);
        HttpResponse<String> login = http.send(HttpRequest.newBuilder(
                URI.create("http://localhost:" + port + "/auth/v2/oauth1/tokens")).header("Authorization",
                "OAuth oauth_consumer_key=\"ck\"").POST(BodyPublishers.ofString("{}")).build(), BodyHandlers.ofString());
        assertThat(login.body()).startsWith("auth POST /auth/v2/oauth1/tokens ").contains(" authz=OAuth ")
                .contains(" origin=http://localhost:" + port + " "); // what the client signed, for auth-service
        assertThat(VERIFIED.get()).isNull();
        // behind a TLS-terminating proxy; a client cannot choose the origin itself
        HttpResponse<String> proxied = http.send(HttpRequest.newBuilder(
                URI.create("http://localhost:" + port + "/auth/v2/oauth1/tokens/mfa")).header("Authorization",
                "OAuth oauth_consumer_key=\"ck\"").header("X-Forwarded-Proto", "https")
                .header("X-Forwarded-Host", "api.example.com").header("X-OAuth1-Signed-Origin", "http://evil")
                .POST(BodyPublishers.ofString("{}")).build(), BodyHandlers.ofString());
        assertThat(proxied.body()).contains(" origin=https://api.example.com ");
        HttpResponse<String> forged = http.send(HttpRequest.newBuilder(
                URI.create("http://localhost:" + port + "/auth/v2/oidc/providers/p/oAuth2Login"))
                .header("X-OAuth1-Signed-Origin", "http://evil").POST(BodyPublishers.ofString("{}")).build(),
                BodyHandlers.ofString());
        assertThat(forged.body()).contains(" origin=null ");
    }

    @Test
    void revokedTokensAre117() throws Exception {
        HttpResponse<String> revoked = anonymousGet("/data/v1/", "Authorization",
                "Bearer " + token(KEY, 300, "revoked-jti"));
        assertThat(revoked.statusCode()).isEqualTo(401);
        assertThat(revoked.body()).contains("\"code\":117");
        assertThat(anonymousGet("/data/v1/", "Authorization", "Bearer " + token(KEY, 300, "live-jti")).statusCode())
                .isEqualTo(200);
    }

    @Test
    void protectedRoutesWithoutATokenAre104() throws Exception {
        HttpResponse<String> r = anonymousGet("/users/v1/me");
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.body()).contains("\"code\":104");
    }

    @Test
    void expiredTokensAre118AndBadOnes117() throws Exception {
        assertThat(anonymousGet("/users/v1/me", "Authorization", "Bearer " + token(KEY, -60)).body())
                .contains("\"code\":118");
        assertThat(anonymousGet("/users/v1/me", "Authorization", "Bearer " + token(FOREIGN_KEY, 300)).body())
                .contains("\"code\":117");
        HttpResponse<String> garbage = anonymousGet("/users/v1/me", "Authorization", "Bearer garbage");
        assertThat(garbage.statusCode()).isEqualTo(401);
        assertThat(garbage.body()).contains("\"code\":117", "ACCESS_TOKEN_UNKNOWN_EXCEPTION");
    }

    @Test
    void aTokenAlreadyAcceptedIs118OnceItExpires() throws Exception {
        String token = token(KEY, 2);
        assertThat(anonymousGet("/users/v1/me", "Authorization", "Bearer " + token).statusCode()).isEqualTo(200);
        Thread.sleep(2_100); // the gateway remembers verified tokens; their expiry must still apply
        HttpResponse<String> expired = anonymousGet("/users/v1/me", "Authorization", "Bearer " + token);
        assertThat(expired.statusCode()).isEqualTo(401);
        assertThat(expired.body()).contains("\"code\":118");
    }

    @Test
    void tokenRequestsAreRateLimitedPerAddress() throws Exception {
        int limited = 0;
        for (int i = 0; i < 6; i++) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                    URI.create("http://localhost:" + port + "/auth/v2/oauth2/tokens"))
                    .POST(BodyPublishers.ofString("{}")).build(), BodyHandlers.ofString());
            if (r.statusCode() == 429) {
                limited++;
                assertThat(r.headers().firstValue("Retry-After")).isPresent();
                assertThat(r.body()).contains("\"error\":\"invalid_request\"").doesNotContain("\"code\"");
            }
        }
        assertThat(limited).isGreaterThanOrEqualTo(3);
    }

    @Test
    void unknownPrefixIsServiceNotFound() throws Exception {
        HttpResponse<String> r = get("/payments/v1/");
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.body()).contains("\"code\":903", "SERVICE_NOT_FOUND_EXCEPTION");
    }

    @Test
    void refusesOversizedBodies() throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/data/v1/"))
                .header("Authorization", "Bearer " + token(KEY, 300))
                .header("Content-Type", "application/json").POST(BodyPublishers.ofString("x".repeat(2048))).build(),
                BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(r.body()).contains("\"code\":22");
    }

    @Test
    void leavesFileUploadsToFileService() throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/files/v1/"))
                .header("Authorization", "Bearer " + token(KEY, 300))
                .header("Content-Type", "multipart/form-data; boundary=x").POST(BodyPublishers.ofString("x".repeat(4096)))
                .build(), BodyHandlers.ofString());
        assertThat(r.body()).startsWith("files POST /files/v1/ ").endsWith("len=4096");
    }

    @Test
    void acceptsBodiesWithinTheLimit() throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/data/v1/"))
                .header("Authorization", "Bearer " + token(KEY, 300))
                .header("Content-Type", "application/json").POST(BodyPublishers.ofString("x".repeat(512))).build(),
                BodyHandlers.ofString());
        assertThat(r.body()).startsWith("data POST /data/v1/ ").endsWith("len=512");
    }

    @Test
    void answersCorsPreflightForTheSdkHeaders() throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/users/v1/me"))
                .method("OPTIONS", BodyPublishers.noBody())
                .header("Origin", "https://app.example.com")
                .header("Access-Control-Request-Method", "PUT")
                .header("Access-Control-Request-Headers", "authorization,x-user-agent,content-encoding").build(),
                BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://app.example.com");
        assertThat(r.headers().firstValue("Access-Control-Allow-Headers").orElse("").toLowerCase())
                .contains("authorization", "x-user-agent", "content-encoding");
    }

    @Test
    void unreachableServiceIs503InExhFormat() throws Exception {
        HttpServer mail = BACKENDS.get("mail");
        mail.stop(0);
        HttpResponse<String> r = get("/mail/v1/health");
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.body()).contains("\"code\":4", "SERVICE_UNREACHABLE_EXCEPTION");
    }
}
