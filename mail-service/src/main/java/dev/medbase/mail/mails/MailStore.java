package dev.medbase.mail.mails;

import static org.springframework.data.mongodb.core.query.Criteria.where;
import static org.springframework.data.mongodb.core.query.Query.query;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.bson.Document;
import org.bson.types.Binary;
import org.bson.types.ObjectId;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.FindAndModifyOptions;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.index.Index;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Component;
import dev.medbase.platform.mongo.ExactKeyIndex;

/**
 * The {@code mails} collection: one document per accepted mail, holding both what the mail log shows and the
 * delivery state, so that accepting a mail and queueing it is one single-document write (no transactions needed)
 * and every state change is one atomic update.
 *
 * <pre>
 * _id, creator_id?, origin, request_key?, recipients {to, cc, bcc}, from, reply_to [], subject, body,
 * template_id?, template_name?, language?, content?, views, tracking_hash, attachments_meta? [{filename, type, size}],
 * status      queued | sending | sent | failed
 * attempts, next_attempt_at, lease_owner?, lease_token?, lease_until?, error?, aws_message_id?, sent_timestamp?,
 * outbound    {subject, html?, text?, attachments? [{filename, type, content}]}  — what goes over SMTP; removed
 *             once the mail is sent or has failed for good (it may hold secrets the log shows redacted)
 * creation_timestamp, update_timestamp
 * </pre>
 */
@Component
public class MailStore {

    public static final String COLLECTION = "mails";
    public static final String QUEUED = "queued";
    public static final String SENDING = "sending";
    public static final String SENT = "sent";
    public static final String FAILED = "failed";

    private final MongoTemplate mongo;

    public MailStore(MongoTemplate mongo) {
        this.mongo = mongo;
    }

    @EventListener(ApplicationReadyEvent.class)
    void ensureIndexes() {
        var indexes = mongo.indexOps(COLLECTION);
        indexes.createIndex(new Index().on("status", Sort.Direction.ASC).on("next_attempt_at", Sort.Direction.ASC)
                .named("mails_due"));
        indexes.createIndex(new Index().on("tracking_hash", Sort.Direction.ASC).named("mails_tracking"));
        indexes.createIndex(new Index().on("request_key", Sort.Direction.ASC).unique().sparse()
                .named("mails_request"));
        indexes.createIndex(new Index().on("creation_timestamp", Sort.Direction.DESC).named("mails_created"));
        indexes.createIndex(new Index().on("lease_token", Sort.Direction.ASC).unique().sparse().named("mails_lease"));
        // claiming a queued candidate: {_id, status, next_attempt_at}
        indexes.createIndex(ExactKeyIndex.of("mails_claim", "status", "next_attempt_at"));
    }

    /**
     * Stores a new mail, queued and due now. With a request key already stored, nothing is written and the stored
     * mail is returned (the request was handled before).
     */
    public Document insert(NewMail mail, Instant now) {
        Document doc = new Document("_id", new ObjectId());
        if (mail.creatorId() != null) {
            doc.append("creator_id", mail.creatorId());
        }
        doc.append("origin", mail.origin());
        if (mail.requestKey() != null) {
            doc.append("request_key", mail.requestKey());
        }
        doc.append("recipients", new Document("to", mail.to()).append("cc", mail.cc()).append("bcc", mail.bcc()));
        doc.append("from", mail.from()).append("reply_to", mail.replyTo());
        doc.append("subject", Redaction.redact(mail.subject(), mail.secrets()));
        doc.append("body", Redaction.redact(mail.logBody(), mail.secrets()));
        if (mail.extra() != null) {
            mail.extra().forEach((k, v) -> {
                if (v != null) {
                    doc.append(k, v);
                }
            });
        }
        if (mail.content() != null) {
            doc.append("content", Redaction.redact(mail.content(), mail.secrets()));
        }
        doc.append("views", 0).append("tracking_hash", mail.trackingHash());
        Document outbound = new Document("subject", mail.subject());
        if (mail.html() != null) {
            outbound.append("html", mail.html());
        }
        if (mail.text() != null) {
            outbound.append("text", mail.text());
        }
        if (mail.attachments() != null && !mail.attachments().isEmpty()) {
            List<Document> meta = new ArrayList<>();
            List<Document> files = new ArrayList<>();
            for (NewMail.Attachment a : mail.attachments()) {
                meta.add(new Document("filename", a.filename()).append("type", a.type()).append("size", a.content().length));
                files.add(new Document("filename", a.filename()).append("type", a.type())
                        .append("content", new Binary(a.content())));
            }
            doc.append("attachments_meta", meta);
            outbound.append("attachments", files);
        }
        doc.append("outbound", outbound);
        Date at = Date.from(now);
        doc.append("status", QUEUED).append("attempts", 0).append("next_attempt_at", at)
                .append("creation_timestamp", at).append("update_timestamp", at);
        try {
            mongo.insert(doc, COLLECTION);
            return doc;
        } catch (DuplicateKeyException e) {
            Document existing = mongo.findOne(query(where("request_key").is(mail.requestKey())), Document.class,
                    COLLECTION);
            if (existing == null) {
                throw e;
            }
            return existing;
        }
    }

    /**
     * Up to {@code max} mails due at {@code now}, due first first — queued with {@code next_attempt_at <= now}, or
     * being sent by a worker whose lease ran out — as candidates for {@link #claim}: only the fields the claim
     * compares. One query for a batch, because it is a scan of every mail on the embedded MongoDB-wire server (no
     * range indexes there); the claims are then lookups by exact keys.
     */
    public List<Document> due(Instant now, int max) {
        Date at = Date.from(now);
        Query due = new Query(new Criteria().orOperator(
                where("status").is(QUEUED).and("next_attempt_at").lte(at),
                where("status").is(SENDING).and("lease_until").lte(at)))
                .with(Sort.by("next_attempt_at", "_id")).limit(max);
        due.fields().include("_id", "status", "next_attempt_at", "lease_token");
        return mongo.find(due, Document.class, COLLECTION);
    }

    /**
     * Claims a candidate of {@link #due} for {@code owner} until {@code now + lease}, with a fresh lease token that
     * every later update of this attempt must present — if nobody changed it since it was read. Atomic on the mail:
     * a queued candidate is matched by {@code _id} with its status and {@code next_attempt_at} as read (a claim or a
     * rescheduled retry changes them); a candidate whose lease ran out is matched by its lease token, which every
     * state change out of {@code sending} removes and {@link #confirm} replaces, so a stalled worker that extended its
     * lease in the meantime keeps it.
     *
     * @return the claimed mail, empty when it changed since it was read (another worker has it, or it is done)
     */
    public Optional<Document> claim(Document candidate, String owner, Instant now, java.time.Duration lease) {
        boolean queued = QUEUED.equals(candidate.getString("status"));
        if (!queued && candidate.getString("lease_token") == null) {
            return Optional.empty();
        }
        Query unchanged = queued
                ? query(where("_id").is(candidate.get("_id")).and("status").is(QUEUED)
                        .and("next_attempt_at").is(candidate.getDate("next_attempt_at")))
                : query(where("lease_token").is(candidate.getString("lease_token")));
        Update claim = new Update().set("status", SENDING).set("lease_owner", owner)
                .set("lease_token", new ObjectId().toHexString()).set("lease_until", Date.from(now.plus(lease)))
                .inc("attempts", 1).set("update_timestamp", Date.from(now));
        return Optional.ofNullable(mongo.findAndModify(unchanged, claim,
                FindAndModifyOptions.options().returnNew(true), Document.class, COLLECTION));
    }

    /**
     * Just before handing the mail to SMTP: confirms this claim still holds (nobody took over after a stalled
     * worker's lease ran out) and extends the lease for the conversation, under a new lease token that is written into
     * {@code claimed} for the outcome. False: do not send. A lease that ran out but was not taken over may be
     * extended: a takeover and this update are both atomic on the mail and both replace the token, so whichever
     * comes second finds the token it read gone.
     */
    public boolean confirm(Document claimed, Instant now, java.time.Duration lease) {
        String next = new ObjectId().toHexString();
        boolean held = mongo.updateFirst(token(claimed), new Update().set("lease_token", next)
                .set("lease_until", Date.from(now.plus(lease))), COLLECTION).getMatchedCount() == 1;
        if (held) {
            claimed.put("lease_token", next);
        }
        return held;
    }

    /** Sent: the outbound copy (and any secret in it) is dropped. */
    public boolean markSent(Document claimed, String messageId, Instant now) {
        Update update = new Update().set("status", SENT).set("sent_timestamp", Date.from(now))
                .set("aws_message_id", messageId).set("update_timestamp", Date.from(now)).unset("outbound")
                .unset("lease_owner").unset("lease_token").unset("lease_until").unset("next_attempt_at")
                .unset("error");
        return mongo.updateFirst(token(claimed), update, COLLECTION).getMatchedCount() == 1;
    }

    /** A transient failure: queued again, due at {@code retryAt}. */
    public boolean markRetry(Document claimed, String error, Instant retryAt, Instant now) {
        Update update = new Update().set("status", QUEUED).set("next_attempt_at", Date.from(retryAt))
                .set("error", error).set("update_timestamp", Date.from(now))
                .unset("lease_owner").unset("lease_token").unset("lease_until");
        return mongo.updateFirst(token(claimed), update, COLLECTION).getMatchedCount() == 1;
    }

    /** A permanent failure (or too old to retry): recorded on the mail, the outbound copy dropped. */
    public boolean markFailed(Document claimed, String error, Instant now) {
        Update update = new Update().set("status", FAILED).set("error", error).set("update_timestamp", Date.from(now))
                .unset("outbound").unset("lease_owner").unset("lease_token").unset("lease_until")
                .unset("next_attempt_at");
        return mongo.updateFirst(token(claimed), update, COLLECTION).getMatchedCount() == 1;
    }

    /**
     * The claimed mail, by its lease token alone: tokens are fresh ObjectIds, unique ({@code mails_lease}), and every
     * state change out of {@code sending} removes the token, so a match means the claim still holds. One key, so the
     * embedded MongoDB-wire server answers from the unique index too instead of scanning every mail ever sent.
     */
    private static Query token(Document claimed) {
        return query(where("lease_token").is(claimed.getString("lease_token")));
    }

    public long countOpen(String trackingHash) {
        return mongo.updateMulti(query(where("tracking_hash").is(trackingHash)),
                new Update().inc("views", 1), COLLECTION).getModifiedCount();
    }

    public long delete(ObjectId id) {
        return mongo.remove(query(where("_id").is(id)), COLLECTION).getDeletedCount();
    }

    public MongoTemplate mongo() {
        return mongo;
    }

    /** The earliest {@code next_attempt_at} of a queued mail, for the worker's sleep. */
    public Optional<Instant> nextDue() {
        Query q = query(where("status").is(QUEUED)).with(Sort.by("next_attempt_at")).limit(1);
        q.fields().include("next_attempt_at");
        Document d = mongo.findOne(q, Document.class, COLLECTION);
        return d == null || d.getDate("next_attempt_at") == null ? Optional.empty()
                : Optional.of(d.getDate("next_attempt_at").toInstant());
    }
}
