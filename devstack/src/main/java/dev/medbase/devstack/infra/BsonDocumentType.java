package dev.medbase.devstack.infra;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.h2.mvstore.DataUtils;
import org.h2.mvstore.WriteBuffer;
import org.h2.mvstore.type.ObjectDataType;

import de.bwaldvogel.mongo.bson.BinData;
import de.bwaldvogel.mongo.bson.BsonJavaScript;
import de.bwaldvogel.mongo.bson.BsonRegularExpression;
import de.bwaldvogel.mongo.bson.BsonTimestamp;
import de.bwaldvogel.mongo.bson.Decimal128;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.bson.LegacyUUID;
import de.bwaldvogel.mongo.bson.MaxKey;
import de.bwaldvogel.mongo.bson.MinKey;
import de.bwaldvogel.mongo.bson.ObjectId;
import de.bwaldvogel.mongo.wire.bson.BsonDecoder;
import de.bwaldvogel.mongo.wire.bson.BsonEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * H2's object type for the documents of a collection, but a document is written as BSON rather than by Java
 * serialization. H2 rewrites every changed page of documents on each commit, and Java serialization of those pages was
 * the devstack's largest single cost under writes (a fifth to a third of its CPU while documents were created).
 *
 * <p>A BSON value is the tag {@value #TAG} (one H2's own type never writes), its length and the bytes; everything else
 * is read and written as H2 does, so data files written before stay readable and pages of both kinds mix. A document
 * BSON cannot hold exactly (a value of another Java type, a date with sub-millisecond precision, a key with a NUL
 * character, a string with a lone surrogate) is Java-serialized as before: what is read back always equals what was
 * written.
 */
final class BsonDocumentType extends ObjectDataType {

    static final byte TAG = 127;

    /**
     * What H2 counts for a document in its page cache and unsaved-changes budget: a running average of the BSON sizes
     * seen, times two for the objects decoded from them (H2 counts Java-serialized sizes the same way; left at its
     * start value of 10 kB, it made the cache hold a fraction of the pages and the store write far more often).
     */
    private volatile int averageSize = 512;

    @Override
    public int getMemory(Object obj) {
        return obj instanceof Document ? 2 * averageSize : super.getMemory(obj);
    }

    private void seen(int size) {
        averageSize = (size + 15 * averageSize) / 16;
    }

    @Override
    public void write(WriteBuffer buff, Object obj) {
        if (!(obj instanceof Document document) || !exact(document, 0)) {
            super.write(buff, obj);
            return;
        }
        ByteBuf bson = Unpooled.buffer(256);
        try {
            BsonEncoder.encodeDocument(document, bson);
            seen(bson.readableBytes());
            buff.put(TAG).putVarInt(bson.readableBytes()).put(bson.nioBuffer());
        } finally {
            bson.release();
        }
    }

    @Override
    public Object read(ByteBuffer buff) {
        if (buff.get(buff.position()) != TAG) {
            return super.read(buff);
        }
        buff.get();
        int length = DataUtils.readVarInt(buff);
        seen(length);
        ByteBuffer bytes = buff.slice();
        bytes.limit(length);
        buff.position(buff.position() + length);
        return BsonDecoder.decodeBson(Unpooled.wrappedBuffer(bytes));
    }

    /** Whether BSON holds this document exactly: decoding its encoding gives an equal document of the same types. */
    private static boolean exact(Map<String, Object> document, int depth) {
        if (depth > 200) {
            return false;
        }
        for (Map.Entry<String, Object> e : document.entrySet()) {
            if (e.getKey().indexOf('\0') >= 0 || !exactValue(e.getValue(), depth)) {
                return false;
            }
        }
        return true;
    }

    private static boolean exactValue(Object value, int depth) {
        // the common types first: this runs for every value of every document H2 writes
        if (value instanceof String s) {
            return wellFormed(s);
        }
        if (value instanceof Document d) {
            return exact(d, depth + 1);
        }
        if (value == null || value instanceof Integer || value instanceof Long || value instanceof Double
                || value instanceof Boolean || value instanceof ObjectId) {
            return true;
        }
        if (value instanceof Instant instant) {
            return instant.getNano() % 1_000_000 == 0;
        }
        if (value instanceof List<?> list) {
            for (Object element : list) {
                if (!exactValue(element, depth + 1)) {
                    return false;
                }
            }
            return true;
        }
        if (value instanceof Decimal128 || value instanceof BinData || value instanceof UUID
                || value instanceof LegacyUUID || value instanceof BsonTimestamp || value instanceof MaxKey
                || value instanceof MinKey) {
            return true;
        }
        if (value instanceof BsonRegularExpression regex) {
            return regex.getOptions() != null && regex.getPattern().indexOf('\0') < 0
                    && regex.getOptions().indexOf('\0') < 0;
        }
        return value instanceof BsonJavaScript js && wellFormed(js.getCode());
    }

    /** No lone surrogate, which UTF-8 would replace. */
    private static boolean wellFormed(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < Character.MIN_SURROGATE) {
                continue;
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 == s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
                    return false;
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return false;
            }
        }
        return true;
    }
}
