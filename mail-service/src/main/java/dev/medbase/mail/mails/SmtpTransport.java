package dev.medbase.mail.mails;

import java.lang.reflect.Method;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;

import jakarta.mail.Address;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Transport;
import jakarta.mail.internet.MimeMessage;
import org.bson.Document;
import org.bson.types.Binary;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.mail.MailAuthenticationException;
import org.springframework.mail.MailException;
import org.springframework.mail.MailParseException;
import org.springframework.mail.MailPreparationException;
import org.springframework.mail.MailSendException;
import org.springframework.mail.javamail.JavaMailSenderImpl;
import org.springframework.mail.javamail.MimeMessageHelper;
import org.springframework.stereotype.Component;

import dev.medbase.mail.web.Addresses;

/**
 * Turns a stored mail into a MIME message (UTF-8 throughout, so non-ASCII subjects and bodies survive; HTML with a
 * plain-text alternative; attachments) and hands it to the SMTP server configured for Spring's
 * {@link JavaMailSenderImpl} ({@code spring.mail.*}). The Message-ID is fixed per mail ({@code <mailId@sender-domain>}),
 * so a retry after an uncertain outcome carries the same id and receiving systems can drop the copy.
 *
 * <p>SMTP connections are kept open between mails (at most one per sending thread, each for at most
 * {@value #MAX_MAILS_PER_CONNECTION} mails and while idle for less than {@link #MAX_IDLE}): opening one costs a
 * handshake of several round trips — about 45 ms against the devstack's catcher, against 1 ms for a mail on an open
 * connection. A reused connection the server closed meanwhile is replaced and the mail sent again on a new one.
 */
@Component
public class SmtpTransport implements DisposableBean {

    static final int MAX_MAILS_PER_CONNECTION = 100;
    static final Duration MAX_IDLE = Duration.ofSeconds(30);

    private record Connection(Transport transport, int sent, long idleSince) {
    }

    /** Why a send failed, and whether trying again can help. */
    public static final class DeliveryException extends Exception {
        private final boolean permanent;

        DeliveryException(String message, boolean permanent, Throwable cause) {
            super(message, cause);
            this.permanent = permanent;
        }

        public boolean permanent() {
            return permanent;
        }
    }

    private final JavaMailSenderImpl sender;
    private final Deque<Connection> idle = new ConcurrentLinkedDeque<>();

    public SmtpTransport(JavaMailSenderImpl sender) {
        this.sender = sender;
    }

    /** @return the Message-ID sent */
    public String send(Document mail) throws DeliveryException {
        MimeMessage message;
        String messageId = "<" + mail.getObjectId("_id").toHexString() + "@" + Addresses.domain(mail.getString("from"))
                + ">";
        try {
            message = build(mail, messageId);
        } catch (MessagingException | RuntimeException e) {
            throw new DeliveryException("The mail could not be built: " + e.getMessage(), true, e);
        }
        try {
            transmit(message, messageId);
            return messageId;
        } catch (MailException e) {
            throw classify(e);
        }
    }

    /** Sends on an open connection if there is one, else on a new one; a stale open connection is replaced once. */
    private void transmit(MimeMessage message, String messageId) {
        try {
            message.saveChanges();
            message.setHeader("Message-ID", messageId); // saveChanges() sets a generated one
        } catch (MessagingException e) {
            throw new MailPreparationException(e);
        }
        Connection reused = takeIdle();
        if (reused != null) {
            try {
                release(sendOn(reused, message));
                return;
            } catch (MessagingException e) {
                close(reused.transport());
                if (!(e instanceof SendFailedException)) {
                    // the server hung up or timed out the idle connection: a new one, once
                    sendOnNew(message);
                    return;
                }
                throw new MailSendException("The SMTP server refused the mail", e);
            }
        }
        sendOnNew(message);
    }

    private void sendOnNew(MimeMessage message) {
        Transport transport;
        try {
            transport = sender.getSession().getTransport(sender.getProtocol() == null ? "smtp" : sender.getProtocol());
            transport.connect(sender.getHost(), sender.getPort(), sender.getUsername(), sender.getPassword());
        } catch (AuthenticationFailedException e) {
            throw new MailAuthenticationException(e);
        } catch (MessagingException e) {
            throw new MailSendException("Could not connect to the SMTP server", e);
        }
        Connection connection = new Connection(transport, 0, System.nanoTime());
        try {
            release(sendOn(connection, message));
        } catch (MessagingException e) {
            close(transport);
            throw new MailSendException("The SMTP server did not take the mail", e);
        }
    }

    private static Connection sendOn(Connection connection, MimeMessage message) throws MessagingException {
        Address[] recipients = message.getAllRecipients();
        connection.transport().sendMessage(message, recipients == null ? new Address[0] : recipients);
        return new Connection(connection.transport(), connection.sent() + 1, System.nanoTime());
    }

    private Connection takeIdle() {
        Connection c;
        while ((c = idle.pollFirst()) != null) {
            if (System.nanoTime() - c.idleSince() < MAX_IDLE.toNanos()) {
                return c;
            }
            close(c.transport());
        }
        return null;
    }

    private void release(Connection connection) {
        if (connection.sent() >= MAX_MAILS_PER_CONNECTION) {
            close(connection.transport());
        } else {
            idle.addFirst(connection);
        }
    }

    private static void close(Transport transport) {
        try {
            transport.close();
        } catch (MessagingException | RuntimeException e) {
            // closing a connection that is gone already
        }
    }

    @Override
    public void destroy() {
        Connection c;
        while ((c = idle.pollFirst()) != null) {
            close(c.transport());
        }
    }

    private MimeMessage build(Document mail, String messageId) throws MessagingException {
        Document outbound = (Document) mail.get("outbound");
        Document recipients = (Document) mail.get("recipients");
        MimeMessage message = sender.createMimeMessage();
        @SuppressWarnings("unchecked")
        List<Document> attachments = outbound.get("attachments", List.class);
        String html = outbound.getString("html");
        String text = outbound.getString("text");
        boolean multipart = html != null || (attachments != null && !attachments.isEmpty());
        MimeMessageHelper helper = new MimeMessageHelper(message, multipart
                ? MimeMessageHelper.MULTIPART_MODE_MIXED_RELATED : MimeMessageHelper.MULTIPART_MODE_NO, "UTF-8");
        helper.setFrom(mail.getString("from"));
        helper.setTo(strings(recipients.get("to")));
        helper.setCc(strings(recipients.get("cc")));
        helper.setBcc(strings(recipients.get("bcc")));
        String[] replyTo = strings(mail.get("reply_to"));
        if (replyTo.length > 0) {
            message.setReplyTo(jakarta.mail.internet.InternetAddress.parse(String.join(",", replyTo)));
        }
        helper.setSubject(outbound.getString("subject") == null ? "" : outbound.getString("subject"));
        if (html != null) {
            helper.setText(text == null ? HtmlText.toText(html) : text, html);
        } else {
            helper.setText(text == null ? "" : text, false);
        }
        if (attachments != null) {
            for (Document a : attachments) {
                byte[] bytes = ((Binary) a.get("content")).getData();
                helper.addAttachment(a.getString("filename"), new ByteArrayResource(bytes), a.getString("type"));
            }
        }
        message.setHeader("Message-ID", messageId);
        return message;
    }

    private static String[] strings(Object value) {
        if (value instanceof List<?> list) {
            return list.stream().map(String::valueOf).toArray(String[]::new);
        }
        return new String[0];
    }

    /**
     * Permanent: the server refused the message or its recipients with a 5xx reply, or the message cannot be
     * built. Everything else — connection refused or timed out, 4xx replies, authentication problems (fixable by
     * configuration) — is worth another attempt.
     */
    static DeliveryException classify(MailException e) {
        if (e instanceof MailParseException || e instanceof MailPreparationException) {
            return new DeliveryException(summary(e), true, e);
        }
        if (e instanceof MailAuthenticationException) {
            return new DeliveryException("SMTP authentication failed: " + summary(e), false, e);
        }
        Integer code = null;
        boolean network = false;
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof MailSendException send) {
                for (Exception failed : send.getFailedMessages().values()) {
                    Integer c = returnCode(failed);
                    code = c != null ? c : code;
                    network |= isNetwork(failed);
                }
            }
            Integer c = returnCode(t);
            code = c != null ? c : code;
            network |= isNetwork(t);
            if (t instanceof SendFailedException sfe && sfe.getNextException() != null) {
                Integer next = returnCode(sfe.getNextException());
                code = next != null ? next : code;
            }
        }
        boolean permanent = !network && code != null && code >= 500 && code < 600;
        return new DeliveryException((code == null ? "" : "SMTP " + code + ": ") + summary(e), permanent, e);
    }

    private static boolean isNetwork(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectException || t instanceof SocketTimeoutException
                    || t instanceof UnknownHostException || t instanceof java.net.SocketException
                    || t.getClass().getSimpleName().equals("MailConnectException")) {
                return true;
            }
        }
        return false;
    }

    /** Angus Mail's SMTP exceptions carry the server's reply code ({@code getReturnCode()}). */
    private static Integer returnCode(Throwable t) {
        try {
            Method m = t.getClass().getMethod("getReturnCode");
            Object code = m.invoke(t);
            return code instanceof Integer i && i > 0 ? i : null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    private static String summary(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        message = message.replaceAll("\\s+", " ").trim();
        return message.length() > 300 ? message.substring(0, 300) + "…" : message;
    }
}
