package io.mailsec.james;

import org.apache.james.ExtraProperties;
import org.apache.james.FakeSearchMailboxModule;
import org.apache.james.GuiceJamesServer;
import org.apache.james.JamesServerMain;
import org.apache.james.MemoryJamesConfiguration;
import org.apache.james.MemoryJamesServerMain;
import org.apache.james.modules.RunArgumentsModule;
import org.apache.james.modules.server.JMXServerModule;

/**
 * James 3.8.1's memory server, started as {@link MemoryJamesServerMain} starts it, but with James's
 * own persistent ActiveMQ mail queues in place of the in-memory ones: the spool and every queue a
 * mailet creates (mailsec-outgoing) survive a stop. James's JPA server has these queues; its
 * artifacts do not resolve from Maven Central, the memory server's and the ActiveMQ queue's do.
 */
public final class ActiveMQMemoryJamesServerMain {
    private ActiveMQMemoryJamesServerMain() {
    }

    public static void main(String[] args) throws Exception {
        ExtraProperties.initialize();
        MemoryJamesConfiguration configuration = MemoryJamesConfiguration.builder().useWorkingDirectoryEnvProperty().build();
        GuiceJamesServer server = MemoryJamesServerMain.createServer(configuration)
                .combineWith(new FakeSearchMailboxModule(), new JMXServerModule())
                .overrideWith(new ActiveMQMailQueueModule(), new RunArgumentsModule(args));
        JamesServerMain.main(server);
    }
}
