package dev.medbase.devstack.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;

import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;

/**
 * A MongoDB wire-protocol server (mongo-java-server). With a data file it uses the H2 backend, so data survives a
 * restart; without one it keeps everything in memory (tests). It reports MongoDB 5.0 and has no transactions,
 * sessions or change streams: services design around single-document atomic updates.
 */
public final class EmbeddedMongo implements AutoCloseable {

    /**
     * Netty event loops serving connections. The server runs each command on its connection's loop and holds a
     * collection's lock while it scans, so with netty's default (two per core) one slow command stalls every other
     * connection that shares its loop, whatever collection they use. With a loop per connection or so, a command
     * waits only for the collection it needs. Idle loops cost a parked thread each.
     */
    static final int WORKER_THREADS = 64;

    private final int port;
    private final Path dataFile;
    private MongoServer server;
    private MongoBackend backend;
    /** Expires what TTL indexes say (file-backed servers: the devstack; tests' clocks may be far from real time). */
    private TtlMonitor ttl;

    /** @param dataFile the H2 file to keep data in, or {@code null} for an in-memory server */
    public EmbeddedMongo(int port, Path dataFile) {
        this.port = port;
        this.dataFile = dataFile;
    }

    public synchronized EmbeddedMongo start() {
        if (server != null) {
            return this;
        }
        if (dataFile == null) {
            backend = new MemoryBackend();
        } else {
            try {
                Files.createDirectories(dataFile.toAbsolutePath().getParent());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            backend = new CachedKeyH2Backend(dataFile.toAbsolutePath().toString());
        }
        server = new MongoServer(backend);
        server.bind(new InetSocketAddress("127.0.0.1", port), 1, WORKER_THREADS);
        if (dataFile != null) {
            ttl = new TtlMonitor(uri("admin"), TtlMonitor.EVERY).start();
        }
        return this;
    }

    /** Connection string for a service database, e.g. {@code uri("medbase-users")}. */
    public String uri(String database) {
        return "mongodb://127.0.0.1:" + port + "/" + database;
    }

    public int port() {
        return port;
    }

    @Override
    public synchronized void close() {
        if (ttl != null) {
            ttl.close();
            ttl = null;
        }
        if (server != null) {
            server.shutdownNow();
            server = null;
            backend = null;
        }
    }
}
