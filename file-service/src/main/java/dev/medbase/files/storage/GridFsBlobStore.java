package dev.medbase.files.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Date;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoException;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.ReplaceOptions;
import org.bson.Document;
import org.bson.types.Binary;
import org.bson.types.ObjectId;
import org.springframework.data.mongodb.core.MongoTemplate;

/**
 * Blobs in MongoDB GridFS, written and read chunk by chunk through the driver's plain collection API rather than
 * {@code GridFSBucket}, because a resumable upload appends over many requests (the driver's upload stream cannot be
 * resumed) and because every chunk is addressed by the exact pair {@code {files_id, n}}: on MongoDB that is the
 * standard unique index, and on mongo-java-server (the devstack) it is the only query its compound unique index
 * answers without scanning the whole collection. Range queries or sorts over {@code n} would make the embedded
 * server materialise a whole file.
 *
 * <p>Layout (standard GridFS, bucket {@code fs} by default): {@code fs.chunks {_id, files_id, n, data}} with every
 * chunk but the last exactly {@code chunkSize} bytes; {@code fs.files {_id, length, chunkSize, uploadDate, filename,
 * metadata: {sha256}}} written by {@link #seal} once the blob is complete. Memory: one chunk per open upload or
 * download.
 */
public class GridFsBlobStore implements BlobStore {

    private final MongoCollection<Document> files;
    private final MongoCollection<Document> chunks;
    private final int chunkSize;

    public GridFsBlobStore(MongoTemplate mongo, String bucket, int chunkSize) {
        if (chunkSize < 1) {
            throw new IllegalArgumentException("chunk size must be positive");
        }
        this.files = mongo.getDb().getCollection(bucket + ".files");
        this.chunks = mongo.getDb().getCollection(bucket + ".chunks");
        this.chunkSize = chunkSize;
    }

    public void ensureIndexes() {
        chunks.createIndex(Indexes.ascending("files_id", "n"), new IndexOptions().unique(true));
    }

    public int chunkSize() {
        return chunkSize;
    }

    @Override
    public String newBlobId() {
        return new ObjectId().toHexString();
    }

    @Override
    public BlobOutput append(String blobId, long offset) {
        return new ChunkOutput(id(blobId), offset);
    }

    @Override
    public void truncate(String blobId, long length, long writtenUpTo) {
        ObjectId id = id(blobId);
        try {
            int keep = chunkIndex(length);
            int remainder = (int) (length % chunkSize);
            deleteChunksFrom(id, remainder == 0 ? keep : keep + 1, chunkCount(writtenUpTo));
            if (remainder > 0) {
                byte[] data = chunk(id, keep);
                if (data == null || data.length < remainder) {
                    throw new StorageException("Blob " + blobId + " is shorter than " + length + " bytes");
                }
                if (data.length > remainder) {
                    byte[] cut = new byte[remainder];
                    System.arraycopy(data, 0, cut, 0, remainder);
                    putChunk(id, keep, cut, remainder);
                }
            }
        } catch (MongoException e) {
            throw new StorageException("Could not truncate blob " + blobId, e);
        }
    }

    @Override
    public void seal(String blobId, long length, String filename, String sha256) {
        ObjectId id = id(blobId);
        Document file = new Document("_id", id).append("length", length).append("chunkSize", chunkSize)
                .append("uploadDate", new Date()).append("filename", filename)
                .append("metadata", new Document("sha256", sha256));
        try {
            files.replaceOne(new Document("_id", id), file, new ReplaceOptions().upsert(true));
        } catch (MongoException e) {
            throw new StorageException("Could not seal blob " + blobId, e);
        }
    }

    @Override
    public InputStream read(String blobId, long offset, long length) {
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException("negative range");
        }
        return new ChunkInput(id(blobId), offset, length);
    }

    @Override
    public void delete(String blobId, long lengthHint) {
        ObjectId id = id(blobId);
        try {
            deleteChunksFrom(id, 0, chunkCount(lengthHint));
            files.deleteOne(new Document("_id", id));
        } catch (MongoException e) {
            throw new StorageException("Could not delete blob " + blobId, e);
        }
    }

    /** Deletes chunks {@code from..} at least up to {@code atLeastTo} (exclusive), then on until one is missing. */
    private void deleteChunksFrom(ObjectId id, int from, int atLeastTo) {
        for (int n = from; ; n++) {
            long deleted = chunks.deleteOne(key(id, n)).getDeletedCount();
            if (deleted == 0 && n >= atLeastTo) {
                return;
            }
        }
    }

    private int chunkIndex(long offset) {
        long n = offset / chunkSize;
        if (n > Integer.MAX_VALUE) {
            throw new StorageException("Blob too large for GridFS chunk numbering");
        }
        return (int) n;
    }

    private int chunkCount(long length) {
        return chunkIndex(length + chunkSize - 1);
    }

    private static Document key(ObjectId id, int n) {
        // exactly the fields of the unique index, nothing else (see the class comment)
        return new Document("files_id", id).append("n", n);
    }

    private byte[] chunk(ObjectId id, int n) {
        Document doc = chunks.find(key(id, n)).first();
        if (doc == null) {
            return null;
        }
        Object data = doc.get("data");
        return data instanceof Binary binary ? binary.getData() : null;
    }

    private void putChunk(ObjectId id, int n, byte[] buffer, int length) {
        byte[] data = length == buffer.length ? buffer : java.util.Arrays.copyOf(buffer, length);
        // Almost every chunk is new: a plain insert costs the embedded server a third of an upsert (bench/files.sh).
        // The unique {files_id, n} index catches the rest: a resumed upload's partial last chunk, or what a crashed
        // attempt left behind, is then replaced.
        try {
            chunks.insertOne(key(id, n).append("data", new Binary(data)));
        } catch (MongoWriteException e) {
            if (e.getError().getCategory() != ErrorCategory.DUPLICATE_KEY) {
                throw e;
            }
            chunks.replaceOne(key(id, n), key(id, n).append("data", new Binary(data))); // no driver-added _id
        }
    }

    private static ObjectId id(String blobId) {
        if (!ObjectId.isValid(blobId)) {
            throw new IllegalArgumentException("not a GridFS blob id: " + blobId);
        }
        return new ObjectId(blobId);
    }

    private final class ChunkOutput extends BlobOutput {
        private final ObjectId id;
        private final byte[] buffer = new byte[chunkSize];
        private int n;
        private int fill;
        private long length;
        private boolean dirty;
        private boolean closed;

        ChunkOutput(ObjectId id, long offset) {
            this.id = id;
            this.length = offset;
            this.n = chunkIndex(offset);
            int remainder = (int) (offset % chunkSize);
            if (remainder > 0) {
                byte[] tail;
                try {
                    tail = chunk(id, n);
                } catch (MongoException e) {
                    throw new StorageException("Could not read blob " + id.toHexString(), e);
                }
                if (tail == null || tail.length < remainder) {
                    throw new StorageException("Blob " + id.toHexString() + " is shorter than " + offset + " bytes");
                }
                System.arraycopy(tail, 0, buffer, 0, remainder);
                fill = remainder;
            }
        }

        @Override
        public long length() {
            return length;
        }

        @Override
        public void write(byte[] source, int offset, int count) {
            if (closed) {
                throw new IllegalStateException("closed");
            }
            while (count > 0) {
                int take = Math.min(count, chunkSize - fill);
                System.arraycopy(source, offset, buffer, fill, take);
                fill += take;
                offset += take;
                count -= take;
                length += take;
                dirty = true;
                if (fill == chunkSize) {
                    flushChunk();
                    n++;
                    fill = 0;
                }
            }
        }

        private void flushChunk() {
            try {
                putChunk(id, n, buffer, fill);
            } catch (MongoException e) {
                throw new StorageException("Could not write blob " + id.toHexString(), e);
            }
            dirty = false;
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            if (dirty && fill > 0) {
                flushChunk();
            }
        }
    }

    private final class ChunkInput extends InputStream {
        private final ObjectId id;
        private long remaining;
        private int n;
        private byte[] current;
        private int position;

        ChunkInput(ObjectId id, long offset, long length) {
            this.id = id;
            this.remaining = length;
            this.n = chunkIndex(offset);
            this.position = (int) (offset % chunkSize);
        }

        /** Makes {@code current[position]} readable; false at the end of the range. */
        private boolean ensure() throws IOException {
            if (remaining <= 0) {
                return false;
            }
            if (current == null || position >= current.length) {
                if (current != null) {
                    n++;
                    position = 0;
                }
                try {
                    current = chunk(id, n);
                } catch (MongoException e) {
                    throw new StorageException("Could not read blob " + id.toHexString(), e);
                }
                if (current == null || position >= current.length) {
                    throw new StorageException("Blob " + id.toHexString() + " is missing chunk " + n);
                }
            }
            return true;
        }

        @Override
        public int read() throws IOException {
            if (!ensure()) {
                return -1;
            }
            remaining--;
            return current[position++] & 0xff;
        }

        @Override
        public int read(byte[] target, int offset, int length) throws IOException {
            if (length == 0) {
                return 0;
            }
            if (!ensure()) {
                return -1;
            }
            int take = (int) Math.min(Math.min(length, current.length - position), remaining);
            System.arraycopy(current, position, target, offset, take);
            position += take;
            remaining -= take;
            return take;
        }

        @Override
        public long transferTo(OutputStream out) throws IOException {
            long total = 0;
            while (ensure()) {
                int take = (int) Math.min(current.length - position, remaining);
                out.write(current, position, take);
                position += take;
                remaining -= take;
                total += take;
            }
            return total;
        }
    }
}
