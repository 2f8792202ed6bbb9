package dev.medbase.mail.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.sun.net.httpserver.HttpServer;

/**
 * user-service's {@code GET /users/v1/me} as mail-service sees it: the JSON of the user whose bearer token is sent
 * ({@link #put}); an unknown token answers 401.
 */
public final class UsersStub {

    private static final Map<String, String> USERS = new ConcurrentHashMap<>();
    private static final HttpServer SERVER = start();

    private UsersStub() {
    }

    public static String url() {
        return "http://127.0.0.1:" + SERVER.getAddress().getPort();
    }

    /** {@code token} belongs to a user with this address and activation state. */
    public static void put(String token, String email, boolean activated) {
        USERS.put(token, "{\"id\":\"5e9fff9d90135a2a9a718e2f\",\"email\":\"" + email + "\",\"activation\":" + activated
                + ",\"first_name\":\"Test\"}");
    }

    private static HttpServer start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/users/v1/me", exchange -> {
                String auth = exchange.getRequestHeaders().getFirst("Authorization");
                String user = auth == null ? null : USERS.get(auth.replaceFirst("^Bearer ", ""));
                byte[] body = (user != null ? user
                        : "{\"code\":117,\"name\":\"ACCESS_TOKEN_UNKNOWN_EXCEPTION\",\"message\":\"unknown\"}")
                        .getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(user != null ? 200 : 401, body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
            });
            server.start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> server.stop(0), "users-stub-stop"));
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
