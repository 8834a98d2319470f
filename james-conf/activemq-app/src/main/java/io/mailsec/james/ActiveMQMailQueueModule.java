package io.mailsec.james;

import javax.inject.Singleton;

import org.apache.activemq.store.PersistenceAdapter;
import org.apache.activemq.store.kahadb.KahaDBPersistenceAdapter;
import org.apache.james.queue.activemq.ActiveMQMailQueueFactory;
import org.apache.james.queue.activemq.EmbeddedActiveMQ;
import org.apache.james.queue.activemq.metric.ActiveMQMetricCollector;
import org.apache.james.queue.activemq.metric.ActiveMQMetricCollectorNoop;
import org.apache.james.queue.api.MailQueue;
import org.apache.james.queue.api.MailQueueFactory;
import org.apache.james.queue.api.ManageableMailQueue;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Scopes;

/**
 * Every {@link MailQueueFactory} James asks for is James's ActiveMQ one: an embedded broker
 * ({@link EmbeddedActiveMQ}: persistent, KahaDB and message blobs under the working directory's
 * {@code var/store/activemq/}), the same queue implementation and storage as James's JPA server.
 * Queue metrics are left out (a no-op collector): nothing here reads them.
 */
final class ActiveMQMailQueueModule extends AbstractModule {
    @Override
    protected void configure() {
        bind(PersistenceAdapter.class).to(KahaDBPersistenceAdapter.class);
        bind(KahaDBPersistenceAdapter.class).in(Scopes.SINGLETON);
        // Constructed by Guice (not in a provider method) so that James's lifecycle runs their
        // @PreDestroy at stop: the factory closes its queues, then the broker shuts KahaDB down.
        bind(EmbeddedActiveMQ.class).in(Scopes.SINGLETON);
        bind(ActiveMQMailQueueFactory.class).in(Scopes.SINGLETON);
        bind(ActiveMQMetricCollector.class).to(ActiveMQMetricCollectorNoop.class);
    }

    @Provides
    @Singleton
    MailQueueFactory<? extends ManageableMailQueue> manageable(ActiveMQMailQueueFactory factory) {
        factory.init(); // its @PostConstruct, which James's lifecycle does not call
        return factory;
    }

    @Provides
    @Singleton
    MailQueueFactory<?> any(MailQueueFactory<? extends ManageableMailQueue> factory) {
        return factory;
    }

    @Provides
    @Singleton
    MailQueueFactory<? extends MailQueue> queues(ActiveMQMailQueueFactory factory) {
        return factory;
    }
}
