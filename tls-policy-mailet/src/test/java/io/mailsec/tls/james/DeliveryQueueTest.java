package io.mailsec.tls.james;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.mail.Session;
import javax.mail.internet.MimeMessage;

import org.apache.james.core.MailAddress;
import org.apache.james.queue.api.MailQueue;
import org.apache.james.queue.api.MailQueueName;
import org.apache.james.queue.api.RawMailQueueItemDecoratorFactory;
import org.apache.james.queue.memory.MemoryMailQueueFactory;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;

import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * Issue 17: the delivery queue's workers, on James's real memory queue and on a test double of the
 * {@link MailQueue} contract that ignores enqueue delays (as James's RabbitMQ queue does): a slow
 * destination holds at most its slots while other destinations flow, and a mail dequeued before its
 * next attempt is neither delivered early nor re-queued in a loop.
 */
class DeliveryQueueTest {
    static Mail mail(String name, String recipient) throws Exception {
        MimeMessage m = new MimeMessage(Session.getInstance(new Properties()));
        m.setText("x");
        m.saveChanges();
        return FakeMail.builder().name(name).mimeMessage(m).sender("a@sender.test").recipient(new MailAddress(recipient)).build();
    }

    @Test
    void aSlowDestinationHoldsOnlyItsSlotsWhileOtherDestinationsAreDelivered() throws Exception {
        MailQueue queue = new MemoryMailQueueFactory(new RawMailQueueItemDecoratorFactory()).createQueue(MailQueueName.of("isolation"));
        CountDownLatch tarpit = new CountDownLatch(1);
        Map<String, AtomicInteger> concurrent = new ConcurrentHashMap<>();
        AtomicInteger maxSlow = new AtomicInteger();
        List<String> delivered = Collections.synchronizedList(new ArrayList<>());
        DeliveryQueue.Handler handler = new DeliveryQueue.Handler() {
            @Override
            public void deliver(Mail mail) throws Exception {
                String dest = TlsPolicyDelivery.destination(mail);
                int now = concurrent.computeIfAbsent(dest, d -> new AtomicInteger()).incrementAndGet();
                if (dest.equals("slow.test")) {
                    maxSlow.accumulateAndGet(now, Math::max);
                    tarpit.await(30, TimeUnit.SECONDS);
                }
                delivered.add(mail.getName());
                concurrent.get(dest).decrementAndGet();
            }

            @Override
            public void crashed(Mail mail, Exception e) {
                throw new AssertionError(e);
            }
        };
        try (DeliveryQueue q = new DeliveryQueue(queue, 4, 2, handler, TlsPolicyDelivery::destination, Clock.systemUTC())) {
            q.start();
            for (int i = 0; i < 20; i++) {
                q.enqueue(mail("slow-" + i, "u@slow.test"), Duration.ZERO);
            }
            for (int i = 0; i < 10; i++) {
                q.enqueue(mail("fast-" + i, "u" + i + "@fast" + (i % 3) + ".test"), Duration.ZERO);
            }
            long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (delivered.size() < 10 && System.nanoTime() < end) {
                Thread.sleep(20);
            }
            assertThat(delivered).as("every other destination's mail, while the slow one hangs").hasSize(10)
                    .allMatch(n -> n.startsWith("fast-"));
            assertThat(maxSlow.get()).as("at most maxConnectionsPerDestination workers on the slow destination").isEqualTo(2);
            assertThat(q.waiting()).as("the rest of the slow destination's mail waits for its slots").isEqualTo(18);
            // What an administrator sees (GET /mailsec/queues/{name}): every mail once, each where it is.
            List<QueuedMail> all = q.snapshot(1000);
            assertThat(all).hasSize(20).allMatch(m -> m.getDestination().equals("slow.test") && m.getRecipients().equals(List.of("u@slow.test")));
            assertThat(all.stream().filter(m -> m.getStage().equals("delivering"))).hasSize(2);
            assertThat(all.stream().filter(m -> m.getStage().equals("waiting-for-slot"))).hasSize(18);
            assertThat(all.stream().map(QueuedMail::getName).distinct()).hasSize(20);
            assertThat(q.snapshot(5)).as("limit").hasSize(5);
            assertThat(q.size()).as("James's memory queue counts mail in the workers' hands").isEqualTo(20);
            tarpit.countDown();
            end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (delivered.size() < 30 && System.nanoTime() < end) {
                Thread.sleep(20);
            }
            assertThat(delivered).as("the slow destination's mail once it answers").hasSize(30);
        }
    }

    @Test
    void aQueueThatIgnoresDelaysNeitherDeliversEarlyNorSpins() throws Exception {
        DelayIgnoringQueue queue = new DelayIgnoringQueue();
        List<Long> attempts = Collections.synchronizedList(new ArrayList<>());
        DeliveryQueue[] self = new DeliveryQueue[1];
        DeliveryQueue.Handler handler = new DeliveryQueue.Handler() {
            @Override
            public void deliver(Mail mail) throws Exception {
                attempts.add(System.nanoTime());
                if (attempts.size() == 1) {
                    Mail retry = mail.duplicate();
                    DeliveryState.retry(retry, 1, Instant.now().plusMillis(1500), Map.of(), false);
                    self[0].enqueue(retry, Duration.ofMillis(1500));
                }
            }

            @Override
            public void crashed(Mail mail, Exception e) {
                throw new AssertionError(e);
            }
        };
        try (DeliveryQueue q = new DeliveryQueue(queue, 2, 2, handler, TlsPolicyDelivery::destination, Clock.systemUTC())) {
            self[0] = q;
            q.start();
            q.enqueue(mail("m", "u@remote.test"), Duration.ZERO);
            Thread.sleep(1000);
            assertThat(attempts).as("no second attempt before the retry's time").hasSize(1);
            assertThat(q.held()).as("the early copy is held here").isEqualTo(1);
            long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (attempts.size() < 2 && System.nanoTime() < end) {
                Thread.sleep(20);
            }
            assertThat(attempts).hasSize(2);
            assertThat((attempts.get(1) - attempts.get(0)) / 1_000_000).as("the retry came after its delay").isGreaterThanOrEqualTo(1450);
            assertThat(queue.dequeued.get()).as("each mail dequeued once: no re-queue loop").isEqualTo(2);
            assertThat(queue.ignoredDelays.get()).isEqualTo(1);
        }
    }

    /** A delivery that throws (a bug, a broken message) hands the mail to the crash path (the error processor), once. */
    @Test
    void aMailWhoseDeliveryThrowsEndsInTheCrashPathNotDropped() throws Exception {
        MailQueue queue = new MemoryMailQueueFactory(new RawMailQueueItemDecoratorFactory()).createQueue(MailQueueName.of("crash"));
        List<String> crashed = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger attempts = new AtomicInteger();
        DeliveryQueue.Handler handler = new DeliveryQueue.Handler() {
            @Override
            public void deliver(Mail mail) {
                attempts.incrementAndGet();
                throw new IllegalStateException("boom");
            }

            @Override
            public void crashed(Mail mail, Exception e) {
                crashed.add(mail.getName() + ": " + e.getMessage());
            }
        };
        try (DeliveryQueue q = new DeliveryQueue(queue, 2, 2, handler, TlsPolicyDelivery::destination, Clock.systemUTC())) {
            q.start();
            q.enqueue(mail("broken", "u@remote.test"), Duration.ZERO);
            long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (crashed.isEmpty() && System.nanoTime() < end) {
                Thread.sleep(20);
            }
            Thread.sleep(300);
            assertThat(crashed).containsExactly("broken: boom");
            assertThat(attempts.get()).as("not retried in a loop").isEqualTo(1);
            assertThat(((org.apache.james.queue.api.ManageableMailQueue) queue).getSize()).as("acknowledged").isZero();
        }
    }

    /**
     * James's JMS queues (ActiveMQ: the JPA server's) poll with a blocking receive on the thread that
     * subscribes and on each thread that requests: start() (the mailet's init, so James's start) must not
     * wait on it, and no delivery worker may be taken for polling.
     */
    @Test
    void aQueueThatPollsOnTheCallersThreadHoldsNeitherStartNorTheWorkers() throws Exception {
        BlockingPollQueue queue = new BlockingPollQueue();
        List<String> delivered = Collections.synchronizedList(new ArrayList<>());
        DeliveryQueue.Handler handler = new DeliveryQueue.Handler() {
            @Override
            public void deliver(Mail mail) {
                delivered.add(mail.getName());
            }

            @Override
            public void crashed(Mail mail, Exception e) {
                throw new AssertionError(e);
            }
        };
        try (DeliveryQueue q = new DeliveryQueue(queue, 2, 2, handler, TlsPolicyDelivery::destination, Clock.systemUTC())) {
            org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(5), q::start, "start() returns");
            for (int i = 0; i < 6; i++) {
                q.enqueue(mail("m" + i, "u@d" + (i % 2) + ".test"), Duration.ZERO);
            }
            long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (delivered.size() < 6 && System.nanoTime() < end) {
                Thread.sleep(20);
            }
            assertThat(delivered).containsExactlyInAnyOrder("m0", "m1", "m2", "m3", "m4", "m5");
            assertThat(queue.pollThreads).as("every poll on the queue's own thread").isNotEmpty()
                    .allMatch(t -> t.startsWith("mailsec-delivery-blocking-poll-dequeue"));
        }
    }

    /** The MailQueue contract as James's JMS queue fulfils it in 3.8.1: Mono.defer(blocking poll).repeat(). */
    static final class BlockingPollQueue implements MailQueue {
        final java.util.concurrent.LinkedBlockingQueue<Mail> mails = new java.util.concurrent.LinkedBlockingQueue<>();
        final java.util.Set<String> pollThreads = ConcurrentHashMap.newKeySet();

        @Override
        public MailQueueName getName() {
            return MailQueueName.of("blocking-poll");
        }

        @Override
        public void enQueue(Mail mail, Duration delay) throws MailQueueException {
            enQueue(mail);
        }

        @Override
        public void enQueue(Mail mail) throws MailQueueException {
            try {
                mails.add(mail.duplicate());
            } catch (Exception e) {
                throw new MailQueueException("duplicate", e);
            }
        }

        @Override
        public Publisher<Void> enqueueReactive(Mail mail) {
            return Mono.fromRunnable(() -> mails.add(mail));
        }

        @Override
        public Publisher<MailQueueItem> deQueue() {
            return Mono.defer(() -> {
                pollThreads.add(Thread.currentThread().getName());
                Mail m;
                try {
                    m = mails.poll(200, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return Mono.<MailQueueItem>empty();
                }
                if (m == null) {
                    return Mono.<MailQueueItem>empty();
                }
                return Mono.<MailQueueItem>just(new MailQueueItem() {
                    @Override
                    public Mail getMail() {
                        return m;
                    }

                    @Override
                    public void done(CompletionStatus status) {
                        // acknowledged
                    }
                });
            }).repeat();
        }

        @Override
        public void close() {
            // nothing held
        }
    }

    /** The MailQueue contract as James's RabbitMQ queue fulfils it in 3.8.1: a delay is accepted and ignored. */
    static final class DelayIgnoringQueue implements MailQueue {
        final Sinks.Many<MailQueueItem> items = Sinks.many().unicast().onBackpressureBuffer();
        final AtomicInteger dequeued = new AtomicInteger();
        final AtomicInteger ignoredDelays = new AtomicInteger();

        @Override
        public MailQueueName getName() {
            return MailQueueName.of("delay-ignoring");
        }

        @Override
        public void enQueue(Mail mail, Duration delay) throws MailQueueException {
            ignoredDelays.incrementAndGet();
            enQueue(mail);
        }

        @Override
        public synchronized void enQueue(Mail mail) throws MailQueueException {
            Mail copy;
            try {
                copy = mail.duplicate();
            } catch (Exception e) {
                throw new MailQueueException("duplicate", e);
            }
            items.emitNext(new MailQueueItem() {
                @Override
                public Mail getMail() {
                    return copy;
                }

                @Override
                public void done(CompletionStatus status) {
                    // acknowledged
                }
            }, Sinks.EmitFailureHandler.FAIL_FAST);
        }

        @Override
        public Publisher<Void> enqueueReactive(Mail mail) {
            return Mono.fromRunnable(() -> {
                try {
                    enQueue(mail);
                } catch (MailQueueException e) {
                    throw new IllegalStateException(e);
                }
            });
        }

        @Override
        public Publisher<MailQueueItem> deQueue() {
            return items.asFlux().doOnNext(i -> dequeued.incrementAndGet());
        }

        @Override
        public void close() {
            // nothing held
        }
    }
}
