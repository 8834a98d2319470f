package io.mailsec.av;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One daemon thread that closes clamd connections whose current read or write has made no
 * progress within the I/O timeout (blocking writes and Unix-socket reads have no timeout of
 * their own). Costs one volatile write per I/O call.
 */
final class Watchdog implements Runnable {
    static final Watchdog INSTANCE = new Watchdog();
    private static final long TICK_MILLIS = 100;

    private final Set<ClamdConnection> active = ConcurrentHashMap.newKeySet();

    private Watchdog() {
        Thread t = new Thread(this, "mailsec-clamd-watchdog");
        t.setDaemon(true);
        t.start();
    }

    void register(ClamdConnection c) {
        active.add(c);
    }

    void unregister(ClamdConnection c) {
        active.remove(c);
    }

    @Override
    public void run() {
        while (true) {
            try {
                Thread.sleep(TICK_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
            long now = System.currentTimeMillis();
            for (ClamdConnection c : active) {
                c.checkDeadline(now);
            }
        }
    }
}
