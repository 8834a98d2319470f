package io.mailsec.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** The one option parser every mailsec command uses. */
class CliOptionsTest {
    static CliOptions parse(String... args) throws UsageException {
        return CliOptions.parse(List.of(args), 1, Set.of("--json"), Set.of("--dns", "--dkim", "--timeout"));
    }

    @Test
    void flagsValuesEqualsFormRepeatsAndPositionals() throws Exception {
        CliOptions o = parse("check", "--json", "--dns", "127.0.0.1", "--dkim=a.test:pass", "--dkim", "b.test:fail", "host", "--timeout", "7");
        assertThat(o.flag("--json")).isTrue();
        assertThat(o.value("--dns", "x")).isEqualTo("127.0.0.1");
        assertThat(o.values("--dkim")).containsExactly("a.test:pass", "b.test:fail");
        assertThat(o.number("--timeout", 1, "seconds")).isEqualTo(7);
        assertThat(o.positional()).containsExactly("host");
        assertThat(o.single("HOST")).isEqualTo("host");
        assertThat(o.help()).isFalse();
        assertThat(o.has("--dns")).isTrue();
        assertThat(o.has("--timeout")).isTrue();
        CliOptions none = parse("check");
        assertThat(none.flag("--json")).isFalse();
        assertThat(none.value("--dns", "default")).isEqualTo("default");
        assertThat(none.number("--timeout", 15, "seconds")).isEqualTo(15);
        assertThat(none.single("HOST")).isNull();
        assertThat(parse("check", "-h").help()).isTrue();
    }

    @Test
    void mistakesAreNamed() {
        assertThatThrownBy(() -> parse("check", "--jsn")).isInstanceOf(UsageException.class).hasMessage("unknown option --jsn");
        assertThatThrownBy(() -> parse("check", "--dns")).isInstanceOf(UsageException.class).hasMessage("--dns needs a value");
        assertThatThrownBy(() -> parse("check", "--timeout", "soon").number("--timeout", 1, "seconds"))
                .isInstanceOf(UsageException.class).hasMessage("--timeout needs a number of seconds, got 'soon'");
        assertThatThrownBy(() -> parse("check", "a", "b").single("HOST")).isInstanceOf(UsageException.class)
                .hasMessage("only one HOST (got a, b)");
        assertThatThrownBy(() -> parse("check", "--json").flag("--mx")).isInstanceOf(IllegalArgumentException.class);
    }
}
