package dev.medbase.platform.mongo;

import com.mongodb.MongoCommandException;
import com.mongodb.client.MongoDatabase;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.mongodb.MongoDatabaseFactory;
import org.springframework.data.mongodb.MongoTransactionManager;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.TransactionStatus;
import org.springframework.transaction.support.AbstractPlatformTransactionManager;
import org.springframework.transaction.support.DefaultTransactionStatus;

/**
 * The transaction manager of every service: a real MongoDB transaction where the server has them (a replica set or a
 * sharded cluster), plain writes where it has not (a standalone server, the devstack's mongo-java-server). So a
 * service marks a business write and its {@code events.publish(...)} {@code @Transactional} and gets, on a replica
 * set, both or neither; elsewhere the two writes it always had. Either way the relay is woken after commit.
 *
 * <p>Which one is decided on first use (the server answers {@code hello}), not at start-up, so a service starts while
 * MongoDB is still coming up. A transaction on MongoDB may fail with a write conflict under concurrent updates of the
 * same document ({@code TransientTransactionError}); keep transactional methods short, on documents that are rarely
 * contended.
 */
public final class MongoTransactions implements PlatformTransactionManager {

    private static final Logger log = LoggerFactory.getLogger(MongoTransactions.class);

    private final MongoDatabaseFactory factory;
    private volatile PlatformTransactionManager delegate;

    public MongoTransactions(MongoDatabaseFactory factory) {
        this.factory = factory;
    }

    /** Whether the server runs real transactions (asks it on the first call). */
    public boolean supported() {
        return delegate() instanceof MongoTransactionManager;
    }

    @Override
    public TransactionStatus getTransaction(TransactionDefinition definition) {
        return delegate().getTransaction(definition);
    }

    @Override
    public void commit(TransactionStatus status) {
        delegate().commit(status);
    }

    @Override
    public void rollback(TransactionStatus status) {
        delegate().rollback(status);
    }

    private PlatformTransactionManager delegate() {
        PlatformTransactionManager d = delegate;
        if (d == null) {
            synchronized (this) {
                if (delegate == null) {
                    boolean real = hasTransactions(factory.getMongoDatabase());
                    log.info(real ? "MongoDB has transactions: @Transactional writes are atomic"
                            : "MongoDB has no transactions (standalone server): @Transactional writes run one by one");
                    delegate = real ? new MongoTransactionManager(factory) : new SynchronizationOnly();
                }
                d = delegate;
            }
        }
        return d;
    }

    /** A replica-set member or a mongos with sessions: what multi-document transactions need. */
    static boolean hasTransactions(MongoDatabase database) {
        Document hello;
        try {
            hello = database.runCommand(new Document("hello", 1));
        } catch (MongoCommandException e) {
            hello = database.runCommand(new Document("isMaster", 1)); // servers before 4.4.2, mongo-java-server
        }
        boolean sessions = hello.get("logicalSessionTimeoutMinutes") != null;
        return sessions && (hello.get("setName") != null || "isdbgrid".equals(hello.get("msg")));
    }

    /** No transaction, only Spring's synchronization, so after-commit callbacks (the relay's wake-up) still run. */
    static final class SynchronizationOnly extends AbstractPlatformTransactionManager {

        @Override
        protected Object doGetTransaction() {
            return new Object();
        }

        @Override
        protected void doBegin(Object transaction, TransactionDefinition definition) {
            // nothing to begin: each write stands alone
        }

        @Override
        protected void doCommit(DefaultTransactionStatus status) {
            // nothing to commit
        }

        @Override
        protected void doRollback(DefaultTransactionStatus status) {
            // writes already made stay: the server cannot undo them
        }
    }
}
