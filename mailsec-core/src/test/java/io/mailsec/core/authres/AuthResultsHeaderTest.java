package io.mailsec.core.authres;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AuthResultsHeaderTest {

    @Test
    void formatsOneResinfoPerLine_rfc8601_2_2() {
        String v = new AuthResultsHeader("mx.example.org")
                .add(AuthResult.of("spf", "pass").property("smtp.mailfrom", "joe@example.com").build())
                .add(AuthResult.of("dkim", "fail").reason("body hash did not verify")
                        .property("header.d", "example.com").property("header.s", "sel").build())
                .value();
        assertThat(v).isEqualTo("mx.example.org;\r\n\tspf=pass smtp.mailfrom=joe@example.com;\r\n\t"
                + "dkim=fail reason=\"body hash did not verify\" header.d=example.com header.s=sel");
    }

    @Test
    void noResultsIsNone_rfc8601_2_2() {
        assertThat(new AuthResultsHeader("mx.example.org").value()).isEqualTo("mx.example.org; none");
    }

    @Test
    void valuesWithSpecialsAreQuoted() {
        AuthResult r = AuthResult.of("dmarc", "fail").property("header.from", "a\"b;c").build();
        assertThat(r.format()).isEqualTo("dmarc=fail header.from=\"a\\\"b;c\"");
    }

    @Test
    void authservIdIsFoundPastComments() {
        assertThat(AuthResultsHeader.authservIdOf("mx.example.org; spf=pass")).isEqualTo("mx.example.org");
        assertThat(AuthResultsHeader.authservIdOf(" (forged?) mx.example.org 1; none")).isEqualTo("mx.example.org");
        assertThat(AuthResultsHeader.authservIdOf("")).isNull();
    }
}
