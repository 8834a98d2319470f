package io.mailsec.core.james;

import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

import org.apache.mailet.MailetConfig;
import org.apache.mailet.MailetContext;

/**
 * A mailet's configuration as one of the mailets it runs inside its own step sees it: only the
 * parameters that inner mailet reads (the outer one checks the whole set), some fixed by the outer one.
 */
public final class OverriddenMailetConfig implements MailetConfig {
    private final MailetConfig base;
    private final String name;
    private final Set<String> visible;
    private final Map<String, String> overrides;

    /**
     * @param visible the parameters the inner mailet reads; others of {@code base} are hidden from it
     * @param overrides values the outer mailet fixes (visible too)
     */
    public OverriddenMailetConfig(MailetConfig base, String name, Set<String> visible, Map<String, String> overrides) {
        this.base = base;
        this.name = name;
        this.visible = Set.copyOf(visible);
        this.overrides = Map.copyOf(overrides);
    }

    @Override
    public String getInitParameter(String param) {
        if (overrides.containsKey(param)) {
            return overrides.get(param);
        }
        return visible.contains(param) ? base.getInitParameter(param) : null;
    }

    @Override
    public Iterator<String> getInitParameterNames() {
        Set<String> names = new LinkedHashSet<>();
        base.getInitParameterNames().forEachRemaining(n -> {
            if (visible.contains(n)) {
                names.add(n);
            }
        });
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
