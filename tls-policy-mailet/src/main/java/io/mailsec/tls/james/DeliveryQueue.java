package io.mailsec.tls.james;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import org.apache.james.lifecycle.api.LifecycleUtil;
import org.apache.james.queue.api.MailQueue;
import org.apache.james.queue.api.MailQueue.MailQueueItem;
import org.apache.james.queue.api.ManageableMailQueue;
import org.apache.mailet.Mail;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mailsec.tls.outbound.DestinationSlots;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The outbound queue and its workers: mail is handed to a James {@link MailQueue} (memory, RabbitMQ,
 * whatever the server runs) and delivered by {@code threads} workers of our own, at most
 * {@code perDestination} at a time per destination. Only the {@code MailQueue} API is used.
 *
 * <p>The queue is not trusted to honour enqueue delays (James's RabbitMQ queue ignores them): a mail
 * dequeued before its {@code nextAttempt} is held here until then, not delivered early and not
 * re-queued in a loop. Held mail and mail waiting for a busy destination stay unacknowledged, so a
 * persistent queue delivers them again after a crash.
 */
final class DeliveryQueue implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DeliveryQueue.class);
    /** A retry handed back within this time of being queued came from a queue that ignores delays. */
    static final Duration IGNORED_DELAY_WINDOW = Duration.ofSeconds(2);

    /** Delivers one mail (one destination); must not throw for a delivery failure. */
    interface Handler {
        void deliver(Mail mail) throws Exception;

        /** Last resort for a mail whose delivery threw: it must end somewhere (the error processor), not vanish. */
        void crashed(Mail mail, Exception e) throws Exception;
    }

    private final MailQueue queue;
    private final int threads;
    private final int perDestination;
    private final Handler handler;
    private final Function<Mail, String> destination;
    private final Clock clock;
    private final DestinationSlots<MailQueueItem> slots;
    private final ThreadPoolExecutor workers;
    private final ScheduledExecutorService timer;
    private final Scheduler dequeueThread;
    private final AtomicInteger held = new AtomicInteger();
    /** What the workers have taken from the queue and not finished, by stage: the part browse() cannot see. */
    private final Map<MailQueueItem, QueuedMail.Stage> inHand = new ConcurrentHashMap<>();
    private volatile Subscription subscription;
    private volatile boolean closed;

    DeliveryQueue(MailQueue queue, int threads, int perDestination, Handler handler, Function<Mail, String> destination, Clock clock) {
        this.queue = queue;
        this.threads = threads;
        this.perDestination = perDestination;
        this.handler = handler;
        this.destination = destination;
        this.clock = clock;
        this.slots = new DestinationSlots<>(perDestination);
        String name = queue.getName().asString();
        AtomicInteger n = new AtomicInteger();
        this.workers = new ThreadPoolExecutor(threads, threads, 1, TimeUnit.MINUTES, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "mailsec-delivery-" + name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "mailsec-delivery-" + name + "-timer");
            t.setDaemon(true);
            return t;
        });
        this.dequeueThread = Schedulers.newSingle("mailsec-delivery-" + name + "-dequeue", true);
    }

    String name() {
        return queue.getName().asString();
    }

    void enqueue(Mail mail, Duration delay) throws MailQueue.MailQueueException {
        if (delay.isZero()) {
            queue.enQueue(mail);
        } else {
            queue.enQueue(mail, delay);
        }
    }

    void start() {
        // James's JMS queues (ActiveMQ, in its JPA and Spring servers) take mail by blocking polls that run on
        // the thread that subscribes, and then on whichever thread asks for more: on init()'s thread James's
        // start would never finish, on a worker's the worker would be lost to polling. They get their own thread.
        Flux.from(queue.deQueue()).subscribeOn(dequeueThread).subscribe(new Subscriber<MailQueueItem>() {
            @Override
            public void onSubscribe(Subscription s) {
                subscription = s;
                request(threads);
            }

            @Override
            public void onNext(MailQueueItem item) {
                arrive(item);
            }

            @Override
            public void onError(Throwable t) {
                if (!closed) {
                    LOG.error("event=delivery-queue-error queue={} error=\"{}\"", name(), t.toString(), t);
                }
            }

            @Override
            public void onComplete() {
                LOG.info("event=delivery-queue-complete queue={}", name());
            }
        });
        LOG.info("event=delivery-queue-start queue={} threads={} perDestination={}", name(), threads, perDestination);
    }

    // Demand: every item taken from the queue uses one unit, given back exactly once, as soon as the item
    // no longer stands for a busy worker (held, waiting in its destination's line, or delivered).

    private void arrive(MailQueueItem item) {
        Optional<Instant> next = DeliveryState.nextAttempt(item.getMail());
        long wait = next.map(t -> t.toEpochMilli() - clock.millis()).orElse(0L);
        long sinceRequeue = DeliveryState.requeuedAt(item.getMail()).map(t -> clock.millis() - t.toEpochMilli()).orElse(Long.MAX_VALUE);
        // Back at once: the queue ignored the delay, so hold it (neither early nor re-queued in a loop).
        // Back early but later: an administrator flushed it (WebAdmin), so go.
        if (wait > 0 && sinceRequeue < IGNORED_DELAY_WINDOW.toMillis()) {
            held.incrementAndGet();
            inHand.put(item, QueuedMail.Stage.HELD);
            timer.schedule(() -> {
                held.decrementAndGet();
                dispatch(item, true);
            }, wait, TimeUnit.MILLISECONDS);
            request(1);
            return;
        }
        dispatch(item, false);
    }

    private void dispatch(MailQueueItem item, boolean demandGivenBack) {
        String dest = destination.apply(item.getMail());
        inHand.put(item, QueuedMail.Stage.WAITING_FOR_SLOT);
        if (slots.acquireOrWait(dest, item)) {
            workers.execute(() -> run(dest, item, demandGivenBack));
        } else if (!demandGivenBack) {
            // Waits for a slot of its destination; the worker that frees one delivers it.
            request(1);
        }
    }

    private void run(String dest, MailQueueItem first, boolean demandGivenBack) {
        MailQueueItem item = first;
        while (item != null) {
            handle(item);
            item = slots.releaseOrNext(dest).orElse(null);
        }
        if (!demandGivenBack) {
            request(1);
        }
    }

    private void handle(MailQueueItem item) {
        inHand.put(item, QueuedMail.Stage.DELIVERING);
        try {
            deliverOrCrash(item);
        } finally {
            inHand.remove(item);
            // The queue handed over its own copy (James's memory queue clones at enqueue): ours to release,
            // as RemoteDelivery does, or James's leak detector reports one message source per mail.
            LifecycleUtil.dispose(item.getMail());
        }
    }

    private void deliverOrCrash(MailQueueItem item) {
        Mail mail = item.getMail();
        try {
            handler.deliver(mail);
            item.done(MailQueueItem.CompletionStatus.SUCCESS);
        } catch (Exception e) {
            LOG.error("event=delivery-crashed queue={} mail={} error=\"{}\"", name(), mail.getName(), e.toString(), e);
            try {
                handler.crashed(mail, e);
                item.done(MailQueueItem.CompletionStatus.SUCCESS);
            } catch (Exception again) {
                LOG.error("event=delivery-crashed-twice queue={} mail={} error=\"{}\" action=left-in-queue", name(), mail.getName(),
                        again.toString(), again);
                try {
                    item.done(MailQueueItem.CompletionStatus.RETRY);
                } catch (Exception ignored) {
                    // the queue keeps it unacknowledged
                }
            }
        }
    }

    private synchronized void request(long n) {
        if (!closed && subscription != null) {
            subscription.request(n);
        }
    }

    int held() {
        return held.get();
    }

    /**
     * What is queued, read without James's {@code /mailQueues/{name}/mails} route (which releases the
     * memory queue twice per call): the mail the workers hold, then what the queue's own browse() lists
     * (on a queue that can be browsed), at most {@code limit} in all.
     */
    List<QueuedMail> snapshot(int limit) {
        List<QueuedMail> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (Map.Entry<MailQueueItem, QueuedMail.Stage> e : inHand.entrySet()) {
            if (out.size() >= limit) {
                return out;
            }
            Mail mail = e.getKey().getMail();
            seen.add(mail.getName());
            out.add(QueuedMail.of(mail, e.getValue(), destination.apply(mail)));
        }
        if (queue instanceof ManageableMailQueue) {
            try {
                ManageableMailQueue.MailQueueIterator it = ((ManageableMailQueue) queue).browse();
                try {
                    while (it.hasNext() && out.size() < limit) {
                        Mail mail = it.next().getMail();
                        // A queue that browses unacknowledged mail too (RabbitMQ's) lists what the workers hold again.
                        if (!seen.contains(mail.getName())) {
                            out.add(QueuedMail.of(mail, QueuedMail.Stage.QUEUED, destination.apply(mail)));
                        }
                    }
                } finally {
                    it.close();
                }
            } catch (MailQueue.MailQueueException e) {
                LOG.warn("event=delivery-queue-browse queue={} error=\"{}\"", name(), e.toString());
            }
        }
        return out;
    }

    /** The queue's own count (James's memory queue counts the mail in the workers' hands too); -1 when it cannot count. */
    long size() {
        if (queue instanceof ManageableMailQueue) {
            try {
                return ((ManageableMailQueue) queue).getSize();
            } catch (MailQueue.MailQueueException e) {
                return -1;
            }
        }
        return -1;
    }

    int waiting() {
        return slots.waiting();
    }

    @Override
    public void close() {
        closed = true;
        Subscription s = subscription;
        if (s != null) {
            s.cancel();
        }
        timer.shutdownNow();
        dequeueThread.dispose();
        workers.shutdown();
        try {
            if (!workers.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.warn("event=delivery-queue-stop queue={} busy={} note=\"deliveries still running; an unfinished mail stays in a "
                        + "persistent queue\"", name(), workers.getActiveCount());
                workers.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
