package dev.medbase.devstack.fake;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.TreeMap;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * Stand-ins for the service jars in the devstack's tests (JDK only, so they can be packed into a small jar):
 * a service answers {@code GET /<anything>/health} and {@code GET /env} (its environment); the gateway proxies
 * {@code /<short>/...} to {@code MEDBASE_SERVICES_<SHORT>}; the others misbehave.
 */
public final class FakeService {

    public static void main(String[] args) throws IOException {
        serve(exchange -> {
            String path = exchange.getRequestURI().getPath();
            if (path.endsWith("/health")) {
                respond(exchange, 200, "{\"status\":\"UP\"}");
            } else {
                respond(exchange, 404, "");
            }
        });
    }

    /** Routes /auth/..., /users/... to the service named by the first segment. */
    public static final class Gateway {
        public static void main(String[] args) throws IOException {
            serve(exchange -> {
                String path = exchange.getRequestURI().getPath();
                String first = path.split("/")[1];
                String target = System.getenv("MEDBASE_SERVICES_" + first.toUpperCase(Locale.ROOT));
                if (target == null) {
                    respond(exchange, 404, "no route");
                    return;
                }
                HttpURLConnection connection = (HttpURLConnection) new URL(target + path).openConnection();
                connection.setConnectTimeout(1000);
                connection.setReadTimeout(2000);
                int status;
                try {
                    status = connection.getResponseCode();
                } catch (IOException e) {
                    status = 502;
                }
                respond(exchange, status, "");
            });
        }
    }

    /** Dies during start-up, as a service that cannot reach its database would. */
    public static final class Crash {
        public static void main(String[] args) {
            System.out.println("starting");
            System.out.println("APPLICATION FAILED TO START: boom, no database");
            System.exit(3);
        }
    }

    /** Runs, but its health stays 503. */
    public static final class Unhealthy {
        public static void main(String[] args) throws IOException {
            serve(exchange -> respond(exchange, 503, "{\"status\":\"DOWN\"}"));
            System.out.println("health is DOWN: still waiting for something");
        }
    }

    interface Handler {
        void handle(HttpExchange exchange) throws IOException;
    }

    private static void serve(Handler handler) throws IOException {
        int port = Integer.parseInt(System.getenv("SERVER_PORT"));
        HttpServer server = HttpServer.create(new InetSocketAddress(port), 0);
        server.createContext("/", exchange -> {
            try {
                if (exchange.getRequestURI().getPath().equals("/env")) {
                    StringBuilder out = new StringBuilder();
                    new TreeMap<>(System.getenv()).forEach((k, v) -> out.append(k).append('=').append(v).append('\n'));
                    respond(exchange, 200, out.toString());
                } else {
                    handler.handle(exchange);
                }
            } finally {
                exchange.close();
            }
        });
        server.start();
        System.out.println("listening on " + port);
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            in.readAllBytes();
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            exchange.getResponseBody().write(bytes);
        }
    }

}
