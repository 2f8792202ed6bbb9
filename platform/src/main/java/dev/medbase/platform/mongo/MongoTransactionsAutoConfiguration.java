package dev.medbase.platform.mongo;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.data.mongodb.autoconfigure.DataMongoAutoConfiguration;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.data.mongodb.MongoDatabaseFactory;
import org.springframework.data.mongodb.MongoTransactionManager;
import org.springframework.transaction.TransactionManager;

/**
 * {@link MongoTransactions} as the service's transaction manager (unless it declares its own), so
 * {@code @Transactional} and Boot's {@code TransactionTemplate} work in every service, on any MongoDB.
 */
@AutoConfiguration(after = DataMongoAutoConfiguration.class, before = TransactionAutoConfiguration.class)
@ConditionalOnClass(MongoTransactionManager.class)
@ConditionalOnBean(MongoDatabaseFactory.class)
public class MongoTransactionsAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(TransactionManager.class)
    MongoTransactions transactionManager(MongoDatabaseFactory factory) {
        return new MongoTransactions(factory);
    }
}
