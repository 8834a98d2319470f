package io.mailsec.core.james;

import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

import org.apache.mailet.MailetConfig;
import org.apache.mailet.MailetContext;

/**
 * A mailet's configuration with some parameters fixed, for a mailet that runs other mailets inside
 * its own step and must decide some of their parameters itself.
 */
public final class OverriddenMailetConfig implements MailetConfig {
    private final MailetConfig base;
    private final String name;
    private final Map<String, String> overrides;

    public OverriddenMailetConfig(MailetConfig base, String name, Map<String, String> overrides) {
        this.base = base;
        this.name = name;
        this.overrides = Map.copyOf(overrides);
    }

    @Override
    public String getInitParameter(String param) {
        return overrides.containsKey(param) ? overrides.get(param) : base.getInitParameter(param);
    }

    @Override
    public Iterator<String> getInitParameterNames() {
        Set<String> names = new LinkedHashSet<>();
        base.getInitParameterNames().forEachRemaining(names::add);
        names.addAll(overrides.keySet());
        return names.iterator();
    }

    @Override
    public MailetContext getMailetContext() {
        return base.getMailetContext();
    }

    @Override
    public String getMailetName() {
        return name;
    }
}
