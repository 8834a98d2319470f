package io.mailsec.core.conf;

import java.io.IOException;
import java.util.List;

/**
 * A module's own checks of a James configuration (its files, its DNS records), registered in
 * {@code META-INF/services/io.mailsec.core.conf.ConfigurationCheck} so that {@link ConfCheck} runs it
 * wherever that module's jar is: in the CLI and in James's extensions-jars.
 */
public interface ConfigurationCheck {
    List<Finding> check(JamesConfiguration configuration) throws IOException;
}
