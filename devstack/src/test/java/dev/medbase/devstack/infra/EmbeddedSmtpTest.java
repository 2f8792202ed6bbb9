package dev.medbase.devstack.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import com.jayway.jsonpath.JsonPath;
import jakarta.mail.Message.RecipientType;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class EmbeddedSmtpTest {

    private static final String SUBJECT = "Welcome <script>alert('x')</script> & \"hi\"";
    private static final String LINK = "https://app.example/activate?token=abc&email=jane%40example.com";

    private final HttpClient http = HttpClient.newHttpClient();
    private EmbeddedSmtp smtp;

    @BeforeEach
    void start() {
        smtp = new EmbeddedSmtp(0, 0).start();
    }

    @AfterEach
    void stop() {
        smtp.close();
    }

    @Test
    void aReceivedMessageIsListedOnceAsJsonWithAllItsRecipients() throws Exception {
        sendActivationMail();

        String json = await().until(() -> get("/api/messages").body(), body -> !body.equals("[]"));

        assertThat(JsonPath.<List<Object>>read(json, "$")).hasSize(1);
        Map<String, Object> mail = JsonPath.read(json, "$[0]");
        assertThat(mail).containsEntry("id", "1")
                .containsEntry("from", "Medbase <noreply@medbase.local>")
                .containsEntry("subject", SUBJECT)
                .containsEntry("text", "Hello Jané,\nactivate your account: " + LINK + ".\n")
                .containsEntry("html", "<p>Hello Jané, <a href=\"" + LINK.replace("&", "&amp;") + "\">activate</a></p>")
                .containsKeys("date", "receivedAt");
        assertThat(JsonPath.<List<String>>read(json, "$[0].to"))
                .containsExactlyInAnyOrder("jane@example.com", "copy@example.com", "hidden@example.com");
        assertThat(JsonPath.<List<String>>read(json, "$[0].links")).containsExactly(LINK);

        String one = get("/api/messages/1").body();
        assertThat(JsonPath.<String>read(one, "$.subject")).isEqualTo(SUBJECT);
        assertThat(get("/api/messages/2").statusCode()).isEqualTo(404);
        assertThat(JsonPath.<List<Object>>read(get("/api/messages?to=HIDDEN@example.com").body(), "$")).hasSize(1);
        assertThat(JsonPath.<List<Object>>read(get("/api/messages?to=nobody@example.com").body(), "$")).isEmpty();
        assertThat(get("/api/messages/1/raw").body()).contains("Subject: ").contains("multipart/alternative");
        assertThat(smtp.messages()).singleElement().satisfies(m -> assertThat(m.subject()).isEqualTo(SUBJECT));
    }

    @Test
    void theHtmlPagesEscapeWhatTheMailSays() throws Exception {
        sendActivationMail();
        await().until(() -> smtp.messages().size() == 1);

        HttpResponse<String> list = get("/");
        assertThat(list.headers().firstValue("Content-Type")).contains("text/html; charset=utf-8");
        assertThat(list.body())
                .contains("Welcome &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;hi&quot;")
                .contains("Medbase &lt;noreply@medbase.local&gt;")
                .contains("jane@example.com")
                .contains("href=\"/messages/1\"")
                .contains("href=\"" + LINK.replace("&", "&amp;") + "\"")
                .doesNotContain("<script>alert");

        String page = get("/messages/1").body();
        assertThat(page).doesNotContain("<script>alert").doesNotContain("<p>Hello")
                .contains("<iframe sandbox=\"\" srcdoc=\"&lt;p&gt;Hello Jané")
                .contains("<pre>Hello Jané,");
    }

    @Test
    void deleteClearsTheMessages() throws Exception {
        sendActivationMail();
        sendActivationMail();
        await().until(() -> smtp.messages().size() == 2);

        HttpResponse<String> deleted = http.send(HttpRequest.newBuilder(URI.create(smtp.viewerUrl() + "/api/messages"))
                .DELETE().build(), HttpResponse.BodyHandlers.ofString());

        assertThat(deleted.statusCode()).isEqualTo(204);
        assertThat(get("/api/messages").body()).isEqualTo("[]");
        assertThat(get("/").body()).contains("No mail yet");
        sendActivationMail();
        await().until(() -> smtp.messages().size() == 1);
        assertThat(smtp.messages().get(0).id()).isEqualTo("3");
    }

    @Test
    void unknownPathsAndMethodsAreRefused() throws Exception {
        assertThat(get("/nope").statusCode()).isEqualTo(404);
        assertThat(get("/messages/%3Cb%3E").body()).contains("No message &lt;b&gt;");
        HttpResponse<String> put = http.send(HttpRequest.newBuilder(URI.create(smtp.viewerUrl() + "/api/messages"))
                .PUT(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(put.statusCode()).isEqualTo(405);
    }

    private void sendActivationMail() throws Exception {
        Properties props = new Properties();
        props.put("mail.smtp.host", "127.0.0.1");
        props.put("mail.smtp.port", String.valueOf(smtp.smtpPort()));
        Session session = Session.getInstance(props);
        MimeMessage message = new MimeMessage(session);
        message.setFrom(new InternetAddress("noreply@medbase.local", "Medbase"));
        message.setRecipient(RecipientType.TO, new InternetAddress("jane@example.com"));
        message.setRecipient(RecipientType.CC, new InternetAddress("copy@example.com"));
        message.setRecipient(RecipientType.BCC, new InternetAddress("hidden@example.com"));
        message.setSubject(SUBJECT, "UTF-8");
        MimeBodyPart text = new MimeBodyPart();
        text.setText("Hello Jané,\nactivate your account: " + LINK + ".\n", "UTF-8");
        MimeBodyPart html = new MimeBodyPart();
        html.setText("<p>Hello Jané, <a href=\"" + LINK.replace("&", "&amp;") + "\">activate</a></p>", "UTF-8", "html");
        message.setContent(new MimeMultipart("alternative", text, html));
        Transport.send(message);
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(smtp.viewerUrl() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
