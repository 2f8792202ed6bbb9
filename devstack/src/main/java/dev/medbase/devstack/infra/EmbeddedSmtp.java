package dev.medbase.devstack.infra;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.mail.MailAddress;
import com.icegreen.greenmail.mail.MovingMessage;
import com.icegreen.greenmail.store.FolderException;
import com.icegreen.greenmail.user.MessageDeliveryHandler;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import jakarta.mail.Address;
import jakarta.mail.BodyPart;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An SMTP server (GreenMail) that accepts any message for any recipient without authentication and keeps it, plus
 * a small mail viewer over HTTP, both bound to 127.0.0.1:
 * <ul>
 * <li>{@code GET /} — HTML list of received messages (newest first), {@code GET /messages/{id}} — one message;</li>
 * <li>{@code GET /api/messages} — JSON array, oldest first, of
 * {@code {id, from, to:[…], subject, date, receivedAt, text, html, links:[…]}}; {@code ?to=address} keeps the
 * messages sent to that recipient;</li>
 * <li>{@code GET /api/messages/{id}}, {@code GET /api/messages/{id}/raw} (RFC 822 source);</li>
 * <li>{@code DELETE /api/messages} clears everything, {@code DELETE /api/messages/{id}} removes one.</li>
 * </ul>
 * Messages are kept in memory (the newest {@value #MAX_MESSAGES}); they do not survive a restart.
 */
public final class EmbeddedSmtp implements AutoCloseable {

    static final int MAX_MESSAGES = 2000;
    private static final Logger log = LoggerFactory.getLogger(EmbeddedSmtp.class);
    private static final Pattern URL = Pattern.compile("https?://[^\\s\"'<>()\\[\\]{}]+");
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneId.systemDefault());

    private final int requestedSmtpPort;
    private final int requestedViewerPort;
    private final Deque<ReceivedMail> messages = new ArrayDeque<>();
    private final AtomicLong ids = new AtomicLong();
    private GreenMail greenMail;
    private HttpServer viewer;
    private ExecutorService viewerThreads;
    private MovingMessage lastMessage;
    private MimeMessage lastMime;

    /** Port 0 picks a free port (read it back with {@link #smtpPort()} / {@link #viewerPort()}). */
    public EmbeddedSmtp(int smtpPort, int viewerPort) {
        this.requestedSmtpPort = smtpPort;
        this.requestedViewerPort = viewerPort;
    }

    public synchronized EmbeddedSmtp start() {
        if (greenMail != null) {
            return this;
        }
        int port = requestedSmtpPort == 0 ? EmbeddedKafka.freePort() : requestedSmtpPort;
        GreenMail mail = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        mail.withConfiguration(GreenMailConfiguration.aConfig().withDisabledAuthentication());
        mail.start();
        MessageDeliveryHandler delivery = mail.getUserManager().getMessageDeliveryHandler();
        mail.getUserManager().setMessageDeliveryHandler((message, recipient) -> {
            capture(message);
            return delivery.handle(message, recipient);
        });
        greenMail = mail;
        try {
            viewerThreads = Executors.newFixedThreadPool(2, r -> {
                Thread t = new Thread(r, "mail-viewer");
                t.setDaemon(true);
                return t;
            });
            System.setProperty("sun.net.httpserver.nodelay", "true"); // else ~40 ms per answer (delayed ACK)
            viewer = HttpServer.create(new InetSocketAddress("127.0.0.1", requestedViewerPort), 0);
            viewer.createContext("/", this::handle);
            viewer.setExecutor(viewerThreads);
            viewer.start();
        } catch (IOException e) {
            close();
            throw new UncheckedIOException("Mail viewer cannot listen on 127.0.0.1:" + requestedViewerPort, e);
        }
        return this;
    }

    public int smtpPort() {
        return greenMail.getSmtp().getPort();
    }

    public int viewerPort() {
        return viewer.getAddress().getPort();
    }

    /** The mail viewer, e.g. {@code http://127.0.0.1:8025}; its JSON API is under {@code /api/messages}. */
    public String viewerUrl() {
        return "http://127.0.0.1:" + viewerPort();
    }

    /** Received messages, oldest first. */
    public synchronized List<ReceivedMail> messages() {
        return List.copyOf(messages);
    }

    public synchronized Optional<ReceivedMail> message(String id) {
        return messages.stream().filter(m -> m.id().equals(id)).findFirst();
    }

    public synchronized void clear() {
        messages.clear();
        try {
            greenMail.purgeEmailFromAllMailboxes();
        } catch (FolderException e) {
            log.warn("Could not purge GreenMail's mailboxes", e);
        }
    }

    private synchronized boolean remove(String id) {
        return messages.removeIf(m -> m.id().equals(id));
    }

    @Override
    public synchronized void close() {
        if (viewer != null) {
            viewer.stop(0);
            viewer = null;
        }
        if (viewerThreads != null) {
            viewerThreads.shutdownNow();
            viewerThreads = null;
        }
        if (greenMail != null) {
            greenMail.stop();
            greenMail = null;
        }
    }

    // GreenMail delivers a message once per recipient; the same MovingMessage is one SMTP transaction.
    private synchronized void capture(MovingMessage message) {
        MimeMessage mime = message.getMessage();
        if (message == lastMessage && mime == lastMime) {
            return;
        }
        lastMessage = message;
        lastMime = mime;
        try {
            ReceivedMail mail = parse(String.valueOf(ids.incrementAndGet()), message, Instant.now());
            messages.addLast(mail);
            while (messages.size() > MAX_MESSAGES) {
                messages.removeFirst();
            }
        } catch (MessagingException | IOException | RuntimeException e) {
            log.warn("Received a message the mail viewer cannot read", e);
        }
    }

    private static ReceivedMail parse(String id, MovingMessage message, Instant receivedAt)
            throws MessagingException, IOException {
        MimeMessage mime = message.getMessage();
        List<String> to = new ArrayList<>();
        for (MailAddress address : message.getToAddresses()) {
            to.add(address.getEmail());
        }
        String from = null;
        Address[] fromHeader = mime.getFrom();
        if (fromHeader != null && fromHeader.length > 0) {
            from = fromHeader[0] instanceof InternetAddress ia ? ia.toUnicodeString() : fromHeader[0].toString();
        } else if (message.getReturnPath() != null) {
            from = message.getReturnPath().getEmail();
        }
        String[] bodies = new String[2];
        collectBodies(mime, bodies);
        Instant date = mime.getSentDate() == null ? receivedAt : mime.getSentDate().toInstant();
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        mime.writeTo(raw);
        String subject = mime.getSubject() == null ? "" : mime.getSubject();
        return new ReceivedMail(id, from == null ? "" : from, to, subject, date, receivedAt, bodies[0], bodies[1],
                links(bodies[0], bodies[1]), raw.toByteArray());
    }

    /** bodies[0] = first text/plain, bodies[1] = first text/html, searching nested multiparts, skipping attachments. */
    private static void collectBodies(Part part, String[] bodies) throws MessagingException, IOException {
        if (Part.ATTACHMENT.equalsIgnoreCase(part.getDisposition())) {
            return;
        }
        if (part.isMimeType("text/plain") && bodies[0] == null) {
            bodies[0] = textOf(part).replace("\r\n", "\n");
        } else if (part.isMimeType("text/html") && bodies[1] == null) {
            bodies[1] = textOf(part).replace("\r\n", "\n");
        } else if (part.isMimeType("multipart/*") && part.getContent() instanceof Multipart multipart) {
            for (int i = 0; i < multipart.getCount(); i++) {
                BodyPart child = multipart.getBodyPart(i);
                collectBodies(child, bodies);
            }
        }
    }

    private static String textOf(Part part) throws MessagingException, IOException {
        try {
            Object content = part.getContent();
            if (content instanceof String s) {
                return s;
            }
        } catch (IOException e) {
            // unknown charset: fall through to the bytes as UTF-8
        }
        try (InputStream in = part.getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static List<String> links(String text, String html) {
        Set<String> found = new LinkedHashSet<>();
        if (text != null) {
            addLinks(text, found);
        }
        if (html != null) {
            addLinks(html.replace("&amp;", "&"), found);
        }
        return List.copyOf(found);
    }

    private static void addLinks(String s, Set<String> found) {
        Matcher m = URL.matcher(s);
        while (m.find()) {
            String url = m.group();
            while (!url.isEmpty() && ".,;:!?".indexOf(url.charAt(url.length() - 1)) >= 0) {
                url = url.substring(0, url.length() - 1);
            }
            found.add(url);
        }
    }

    // ---------------------------------------------------------------- HTTP

    private void handle(HttpExchange exchange) throws IOException {
        try {
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getPath();
            String[] parts = path.replaceAll("/+$", "").split("/");
            // "" → [""], "/api/messages" → ["", "api", "messages"]
            if (path.equals("/") && method.equals("GET")) {
                send(exchange, 200, "text/html", listPage());
            } else if (parts.length == 3 && parts[1].equals("messages") && method.equals("GET")) {
                Optional<ReceivedMail> mail = message(parts[2]);
                if (mail.isPresent()) {
                    send(exchange, 200, "text/html", messagePage(mail.get()));
                } else {
                    send(exchange, 404, "text/html", page("Not found", "<p>No message " + Web.html(parts[2])
                            + ". <a href=\"/\">All messages</a></p>"));
                }
            } else if (parts.length == 3 && parts[1].equals("api") && parts[2].equals("messages")) {
                switch (method) {
                    case "GET" -> send(exchange, 200, "application/json",
                            toJson(filter(messages(), queryParam(exchange, "to"))));
                    case "DELETE" -> {
                        clear();
                        send(exchange, 204, null, "");
                    }
                    default -> notAllowed(exchange, "GET, DELETE");
                }
            } else if (parts.length == 4 && parts[1].equals("api") && parts[2].equals("messages")) {
                switch (method) {
                    case "GET" -> {
                        Optional<ReceivedMail> mail = message(parts[3]);
                        if (mail.isPresent()) {
                            send(exchange, 200, "application/json", toJson(mail.get()));
                        } else {
                            send(exchange, 404, "application/json", "{\"error\":\"no message " + parts[3].replaceAll(
                                    "[^A-Za-z0-9_-]", "") + "\"}");
                        }
                    }
                    case "DELETE" -> send(exchange, remove(parts[3]) ? 204 : 404, null, "");
                    default -> notAllowed(exchange, "GET, DELETE");
                }
            } else if (parts.length == 5 && parts[1].equals("api") && parts[2].equals("messages")
                    && parts[4].equals("raw") && method.equals("GET")) {
                Optional<ReceivedMail> mail = message(parts[3]);
                if (mail.isPresent()) {
                    send(exchange, 200, "message/rfc822", mail.get().raw());
                } else {
                    send(exchange, 404, "text/plain", "no such message");
                }
            } else {
                send(exchange, 404, "text/plain", "not found");
            }
        } catch (RuntimeException e) {
            log.warn("Mail viewer failed on {}", exchange.getRequestURI(), e);
        } finally {
            exchange.close();
        }
    }

    private static List<ReceivedMail> filter(List<ReceivedMail> mails, String to) {
        if (to == null || to.isBlank()) {
            return mails;
        }
        return mails.stream().filter(m -> m.to().stream().anyMatch(t -> t.equalsIgnoreCase(to.trim()))).toList();
    }

    private static String queryParam(HttpExchange exchange, String name) {
        String query = exchange.getRequestURI().getRawQuery();
        if (query == null) {
            return null;
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            if (key.equals(name)) {
                return eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    private static void notAllowed(HttpExchange exchange, String allow) throws IOException {
        exchange.getResponseHeaders().set("Allow", allow);
        send(exchange, 405, "text/plain", "method not allowed");
    }

    private static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
        send(exchange, status, type, body.getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        if (type != null) {
            exchange.getResponseHeaders().set("Content-Type",
                    type.startsWith("text/") || type.equals("application/json") ? type + "; charset=utf-8" : type);
        }
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        if (status == 204 || body.length == 0) {
            exchange.sendResponseHeaders(status, -1);
        } else {
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
        }
    }

    // ---------------------------------------------------------------- JSON

    static String toJson(List<ReceivedMail> mails) {
        StringBuilder out = new StringBuilder("[");
        for (int i = 0; i < mails.size(); i++) {
            out.append(i == 0 ? "" : ",").append(toJson(mails.get(i)));
        }
        return out.append(']').toString();
    }

    static String toJson(ReceivedMail m) {
        return "{\"id\":" + Web.json(m.id())
                + ",\"from\":" + Web.json(m.from())
                + ",\"to\":" + jsonArray(m.to())
                + ",\"subject\":" + Web.json(m.subject())
                + ",\"date\":" + Web.json(m.date().toString())
                + ",\"receivedAt\":" + Web.json(m.receivedAt().toString())
                + ",\"text\":" + Web.json(m.text())
                + ",\"html\":" + Web.json(m.html())
                + ",\"links\":" + jsonArray(m.links())
                + "}";
    }

    private static String jsonArray(List<String> values) {
        StringBuilder out = new StringBuilder("[");
        for (int i = 0; i < values.size(); i++) {
            out.append(i == 0 ? "" : ",").append(Web.json(values.get(i)));
        }
        return out.append(']').toString();
    }

    // ---------------------------------------------------------------- HTML

    private String listPage() {
        List<ReceivedMail> all = new ArrayList<>(messages());
        java.util.Collections.reverse(all);
        StringBuilder rows = new StringBuilder();
        for (ReceivedMail m : all) {
            rows.append("<tr><td>").append(Web.html(TIME.format(m.receivedAt())))
                    .append("</td><td>").append(Web.html(m.from()))
                    .append("</td><td>").append(Web.html(String.join(", ", m.to())))
                    .append("</td><td><a href=\"/messages/").append(Web.html(m.id())).append("\">")
                    .append(m.subject().isEmpty() ? "<em>(no subject)</em>" : Web.html(m.subject()))
                    .append("</a></td><td>").append(linkList(m.links())).append("</td></tr>\n");
        }
        String body = "<p>" + all.size() + (all.size() == 1 ? " message" : " messages")
                + " received on SMTP 127.0.0.1:" + smtpPort() + " (this page refreshes every 5 s). "
                + "<a href=\"/api/messages\">JSON</a> "
                + "<button onclick=\"fetch('/api/messages',{method:'DELETE'}).then(()=>location.reload())\">"
                + "Delete all</button></p>\n"
                + (all.isEmpty() ? "<p><em>No mail yet.</em></p>" : "<table><tr><th>Received</th><th>From</th>"
                + "<th>To</th><th>Subject</th><th>Links</th></tr>\n" + rows + "</table>");
        return page("Medbase mail", body).replace("<head>", "<head><meta http-equiv=\"refresh\" content=\"5\">");
    }

    private static String messagePage(ReceivedMail m) {
        StringBuilder body = new StringBuilder("<p><a href=\"/\">&larr; All messages</a> · <a href=\"/api/messages/")
                .append(Web.html(m.id())).append("\">JSON</a> · <a href=\"/api/messages/").append(Web.html(m.id()))
                .append("/raw\">Source</a></p>\n<table>")
                .append("<tr><th>From</th><td>").append(Web.html(m.from())).append("</td></tr>")
                .append("<tr><th>To</th><td>").append(Web.html(String.join(", ", m.to()))).append("</td></tr>")
                .append("<tr><th>Subject</th><td>").append(Web.html(m.subject())).append("</td></tr>")
                .append("<tr><th>Date</th><td>").append(Web.html(TIME.format(m.date()))).append("</td></tr>")
                .append("<tr><th>Links</th><td>").append(linkList(m.links())).append("</td></tr></table>\n");
        if (m.html() != null) {
            // sandbox without allow-scripts: the mail's HTML is shown, never run.
            body.append("<h2>HTML</h2><iframe sandbox=\"\" srcdoc=\"").append(Web.html(m.html()))
                    .append("\"></iframe>\n");
        }
        if (m.text() != null) {
            body.append("<h2>Text</h2><pre>").append(Web.html(m.text())).append("</pre>\n");
        }
        return page(m.subject().isEmpty() ? "(no subject)" : m.subject(), body.toString());
    }

    private static String linkList(List<String> links) {
        StringBuilder out = new StringBuilder();
        for (String link : links) {
            out.append(out.length() == 0 ? "" : "<br>").append("<a href=\"").append(Web.html(link))
                    .append("\" rel=\"noreferrer\">").append(Web.html(link)).append("</a>");
        }
        return out.toString();
    }

    private static String page(String title, String body) {
        return "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>" + Web.html(title) + "</title><style>"
                + "body{font:14px system-ui,sans-serif;margin:1.5em}table{border-collapse:collapse}"
                + "td,th{border-bottom:1px solid #ddd;padding:.3em .6em;text-align:left;vertical-align:top}"
                + "pre{white-space:pre-wrap;background:#f6f6f6;padding:1em}"
                + "iframe{width:100%;height:60vh;border:1px solid #ccc}</style></head>\n<body><h1>"
                + Web.html(title) + "</h1>\n" + body + "\n</body></html>\n";
    }
}
