package dev.medbase.files;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;

/**
 * A mongo-java-server in its own JVM, for tests whose own heap must not hold the database (the memory test). The
 * child exits when its standard input closes, so it never outlives the test JVM.
 */
public final class ChildMongo implements AutoCloseable {

    private final Process process;
    private final int port;

    private ChildMongo(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    public static ChildMongo start(String maxHeap) throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx" + maxHeap, "-XX:+UseSerialGC", "-cp",
                System.getProperty("java.class.path"), ChildMongo.class.getName(), Integer.toString(port)));
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        ChildMongo child = new ChildMongo(process, port);
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            try (java.net.Socket probe = new java.net.Socket("127.0.0.1", port)) {
                return child;
            } catch (IOException notYet) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("the child MongoDB exited with " + process.exitValue());
                }
                Thread.sleep(200);
            }
        }
        child.close();
        throw new IllegalStateException("the child MongoDB did not start");
    }

    public String uri(String database) {
        return "mongodb://127.0.0.1:" + port + "/" + database;
    }

    @Override
    public void close() {
        process.destroy();
    }

    public static void main(String[] args) throws Exception {
        MongoServer server = new MongoServer(new MemoryBackend());
        server.bind("127.0.0.1", Integer.parseInt(args[0]));
        try (InputStream in = System.in) {
            while (in.read() >= 0) {
                // wait for the parent to go away
            }
        } finally {
            server.shutdownNow();
        }
    }
}
