package dev.medbase.platform.events;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import dev.medbase.devstack.infra.EmbeddedKafka;
import dev.medbase.devstack.infra.EmbeddedMongo;
import org.springframework.data.mongodb.core.MongoTemplate;

/** An in-memory mongo-java-server on a free port with a template on one database, for store-level tests. */
final class TestMongo implements AutoCloseable {

    final EmbeddedMongo server;
    final MongoClient client;
    final MongoTemplate template;

    private TestMongo(String database) {
        server = new EmbeddedMongo(EmbeddedKafka.freePort(), null).start();
        client = MongoClients.create(server.uri(database));
        template = new MongoTemplate(client, database);
    }

    static TestMongo start(String database) {
        return new TestMongo(database);
    }

    @Override
    public void close() {
        client.close();
        server.close();
    }
}
