package dev.medbase.platform.mongo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;

import dev.medbase.devstack.infra.SharedTestInfra;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.annotation.ImportCandidates;
import org.springframework.boot.data.mongodb.autoconfigure.DataMongoAutoConfiguration;
import org.springframework.boot.mongodb.autoconfigure.MongoAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The transaction manager on the embedded MongoDB (mongo-java-server, no transactions): {@code @Transactional} works,
 * writes go through one by one, and after-commit callbacks (the outbox relay's wake-up) run after commit only. The
 * real transactions are tested against MongoDB 8 in {@code OutboxTransactionsContainersTest}.
 */
class MongoTransactionsTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(MongoAutoConfiguration.class, DataMongoAutoConfiguration.class,
                    MongoTransactionsAutoConfiguration.class, TransactionAutoConfiguration.class))
            .withPropertyValues("spring.mongodb.uri=" + SharedTestInfra.mongoUri("transactions-test"));

    /** A service method writing and registering an after-commit action, as EventPublisher does. */
    public static class Writer {
        final MongoTemplate mongo;
        final List<String> callbacks = new ArrayList<>();

        public Writer(MongoTemplate mongo) {
            this.mongo = mongo;
        }

        /** Through a method: the bean is a class proxy, whose own fields are not the target's. */
        public List<String> callbacks() {
            return callbacks;
        }

        @Transactional
        public void write(String id, boolean fail) {
            assertThat(TransactionSynchronizationManager.isSynchronizationActive()).isTrue();
            mongo.insert(new Document("_id", id), "things");
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    callbacks.add("committed " + id);
                }

                @Override
                public void afterCompletion(int status) {
                    callbacks.add((status == STATUS_ROLLED_BACK ? "rolled back " : "completed ") + id);
                }
            });
            if (fail) {
                throw new IllegalStateException("the business rule failed after the write");
            }
        }
    }

    @Test
    void isRegisteredAsAnAutoConfiguration() {
        assertThat(ImportCandidates.load(AutoConfiguration.class, getClass().getClassLoader()).getCandidates())
                .contains(MongoTransactionsAutoConfiguration.class.getName());
    }

    @Test
    void onAServerWithoutTransactionsWritesGoThroughAndCallbacksFollowTheOutcome() {
        runner.withBean(Writer.class).run(context -> {
            MongoTransactions transactions = context.getBean(MongoTransactions.class);
            assertThat(context.getBean(PlatformTransactionManager.class)).isSameAs(transactions);
            assertThat(transactions.supported()).isFalse();
            Writer writer = context.getBean(Writer.class);
            MongoTemplate mongo = context.getBean(MongoTemplate.class);

            String ok = "thing-" + new ObjectId().toHexString(); // not an ObjectId: findById would convert it
            writer.write(ok, false);
            assertThat(mongo.findById(ok, Document.class, "things")).isNotNull();

            String failed = "thing-" + new ObjectId().toHexString();
            assertThatThrownBy(() -> writer.write(failed, true)).isInstanceOf(IllegalStateException.class);
            // No transactions here: the write stays (on a replica set it is rolled back).
            assertThat(mongo.findById(failed, Document.class, "things")).isNotNull();
            assertThat(writer.callbacks()).containsExactly("committed " + ok, "completed " + ok,
                    "rolled back " + failed);
        });
    }

    @Test
    void aTransactionTemplateIsAvailable() {
        runner.run(context -> assertThat(context).hasSingleBean(TransactionTemplate.class));
    }

    @Test
    void aServiceMayDeclareItsOwnTransactionManager() {
        runner.withBean("own", PlatformTransactionManager.class, () -> new MongoTransactions.SynchronizationOnly())
                .run(context -> {
                    assertThat(context).doesNotHaveBean(MongoTransactions.class);
                    assertThat(context).hasSingleBean(PlatformTransactionManager.class);
                });
    }
}
