package io.mailsec.tls.james;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import javax.mail.MessagingException;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mailsec.core.config.Parameters;
import io.mailsec.core.runtime.MailsecRuntime;
import io.mailsec.tls.policy.PolicyStore;

/** Issue 15: policyFile=conf/... is read from James's working directory (the image runs James in /). */
class PolicyStoresTest {
    @TempDir
    Path dir;

    @AfterEach
    void clear() {
        System.clearProperty("working.directory");
    }

    @Test
    void relativePolicyFileIsJamesWorkingDirectorysAndAMissingOneIsNamedWithItsAbsolutePath() throws Exception {
        Files.createDirectories(dir.resolve("conf"));
        Files.writeString(dir.resolve("conf/mailsec-tls.policy"), "[outbound]\ndefault may\nsecure.example encrypt\n");
        System.setProperty("working.directory", dir + "/");
        PolicyStore store = PolicyStores.open(params(Map.of("policyFile", "conf/mailsec-tls.policy", "checkInterval", "5s")), MailsecRuntime.standalone());
        assertThat(PolicyStores.open(params(Map.of()), MailsecRuntime.standalone())).as("the default file is the same file").isSameAs(store);
        assertThatThrownBy(() -> PolicyStores.open(params(Map.of("policyFile", "conf/none.policy")), MailsecRuntime.standalone()))
                .hasMessageContaining("policyFile='conf/none.policy'").hasMessageContaining(dir.resolve("conf/none.policy").toString());
    }

    static Parameters<MessagingException> params(Map<String, String> values) throws MessagingException {
        return Parameters.of("test", values);
    }
}
