package dev.medbase.files;

import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.mongodb.core.MongoTemplate;

import dev.medbase.files.files.FileService;
import dev.medbase.files.files.FileTokens;
import dev.medbase.files.settings.FileSettings;
import dev.medbase.files.storage.BlobLeases;
import dev.medbase.files.storage.BlobStore;
import dev.medbase.files.storage.GridFsBlobStore;
import dev.medbase.files.uploads.TusHeaderFilter;
import dev.medbase.files.uploads.Uploads;
import dev.medbase.platform.events.EventPublisher;

/** Wires storage, tokens, files and settings. */
@Configuration(proxyBeanMethods = false)
public class FilesConfiguration {

    @Bean
    GridFsBlobStore blobStore(MongoTemplate mongo, FilesProperties properties) {
        GridFsBlobStore store = new GridFsBlobStore(mongo, properties.storage().bucket(),
                (int) properties.storage().chunkSize().toBytes());
        store.ensureIndexes();
        return store;
    }

    @Bean
    BlobLeases blobLeases(MongoTemplate mongo, BlobStore store) {
        return new BlobLeases(mongo, store);
    }

    @Bean
    FileTokens fileTokens(FilesProperties properties, MongoTemplate mongo) {
        return new FileTokens(properties.tokenEncryptionKey(), mongo);
    }

    @Bean
    FileService fileService(MongoTemplate mongo, BlobStore store, BlobLeases leases, FileTokens tokens,
            EventPublisher events, FilesProperties properties) {
        FileService files = new FileService(mongo, store, leases, tokens, events, properties);
        files.ensureIndexes();
        return files;
    }

    @Bean
    Uploads uploads(MongoTemplate mongo, BlobStore store, FileService files, EventPublisher events,
            FilesProperties properties) {
        return new Uploads(mongo, store, files, events, properties);
    }

    @Bean
    FilterRegistrationBean<TusHeaderFilter> tusHeaderFilter() {
        FilterRegistrationBean<TusHeaderFilter> bean = new FilterRegistrationBean<>(new TusHeaderFilter());
        bean.setOrder(org.springframework.core.Ordered.HIGHEST_PRECEDENCE); // errors of later filters carry it too
        return bean;
    }

    @Bean
    FileSettings fileSettings(MongoTemplate mongo, EventPublisher events) {
        return new FileSettings(mongo, events);
    }
}
