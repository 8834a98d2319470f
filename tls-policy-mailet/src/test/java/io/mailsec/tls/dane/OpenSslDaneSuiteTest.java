package io.mailsec.tls.dane;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import io.mailsec.core.testdata.Conformance;

/**
 * Every case of OpenSSL's DANE test suite through {@link DaneMatcher} (files in
 * {@code conformance/dane/}, origin and licence in its README). OpenSSL's expected verify result
 * and match depth map to a verdict as follows:
 * <ul>
 * <li>{@code 0} (X509_V_OK) at depth d: AUTHENTICATED at depth d;</li>
 * <li>{@code 65} (X509_V_ERR_DANE_NO_MATCH), {@code 20} (unable to get local issuer): NOT_AUTHENTICATED,
 * validation-failure;</li>
 * <li>{@code 62} (X509_V_ERR_HOSTNAME_MISMATCH) at depth d: NOT_AUTHENTICATED, certificate-host-mismatch,
 * the trust anchor found at depth d.</li>
 * </ul>
 * Two deliberate differences, both SMTP rules OpenSSL's general-purpose defaults do not apply:
 * <ul>
 * <li>An RRset of only PKIX-TA(0)/PKIX-EE(1) records (OpenSSL validates them against danetest.pem)
 * is NO_USABLE_RECORDS: RFC 7672 §3.1.3 lets SMTP clients treat these usages as unusable, and
 * Postfix does (no public CA is trusted for SMTP). Where PKIX records sit beside DANE ones the
 * DANE result is OpenSSL's.</li>
 * <li>A DANE-EE(3) match whose certificate names another host is AUTHENTICATED even when the case
 * leaves OpenSSL's name checks for DANE-EE on (nonamechecks 0, expected 62 at depth 0): RFC 7672
 * §3.1.1 says DANE-EE ignores names (OpenSSL's {@code DANE_FLAG_NO_DANE_EE_NAMECHECKS}, which
 * Postfix sets).</li>
 * </ul>
 */
@org.junit.jupiter.api.Tag("conformance-data")
class OpenSslDaneSuiteTest {
    private static final int X509_V_OK = 0;
    private static final int HOSTNAME_MISMATCH = 62;

    @TestFactory
    Stream<DynamicTest> danetest() throws Exception {
        return suite("danetest.in", "example.com", 54);
    }

    @TestFactory
    Stream<DynamicTest> daneCross() throws Exception {
        return suite("dane-cross.in", "server.example", 1);
    }

    /** The cases where this matcher deliberately differs from OpenSSL's expectation (see the class comment). */
    @Test
    void deliberateDifferencesAreExactlyTheSmtpRules() throws Exception {
        List<Integer> pkixOnly = new ArrayList<>();
        List<Integer> eeNamesIgnored = new ArrayList<>();
        for (OpenSslDaneSuite.Case c : cases("danetest.in", 54)) {
            if (!TlsaRecordSet.parse(c.tlsa).hasUsable()) {
                pkixOnly.add(c.number);
            } else if (c.wantResult == HOSTNAME_MISMATCH && c.wantDepth == 0) {
                eeNamesIgnored.add(c.number);
            }
        }
        assertThat(pkixOnly).as("PKIX-only RRsets (RFC 7672 §3.1.3)").isEqualTo(IntStream.rangeClosed(23, 42).boxed().collect(Collectors.toList()));
        assertThat(eeNamesIgnored).as("DANE-EE with a name OpenSSL checks (RFC 7672 §3.1.1)").containsExactly(54);
    }

    private static List<OpenSslDaneSuite.Case> cases(String name, int expectedCases) throws Exception {
        Path file = Conformance.file("dane/" + name);
        assertThat(file).as(file + " is absent: OpenSSL's DANE files reach conformance/dane/ through the steering repository's "
                + "shared/ (see conformance/dane/README.md)").isRegularFile();
        List<OpenSslDaneSuite.Case> cases = OpenSslDaneSuite.read(file);
        assertThat(cases).as("cases in " + name).hasSize(expectedCases);
        return cases;
    }

    private static Stream<DynamicTest> suite(String name, String baseDomain, int expectedCases) throws Exception {
        List<OpenSslDaneSuite.Case> cases = cases(name, expectedCases);
        DaneMatcher matcher = new DaneMatcher();
        List<DynamicTest> tests = new ArrayList<>();
        for (OpenSslDaneSuite.Case c : cases) {
            tests.add(DynamicTest.dynamicTest(c.toString(), () -> check(matcher, c, baseDomain)));
        }
        return tests.stream();
    }

    private static void check(DaneMatcher matcher, OpenSslDaneSuite.Case c, String baseDomain) {
        TlsaRecordSet set = TlsaRecordSet.parse(c.tlsa);
        DaneVerdict v = matcher.match(c.chain, set, ReferenceNames.of(baseDomain));
        String why = c + ": " + v;
        if (!set.hasUsable()) {
            // RFC 7672 §3.1.3: PKIX usages are unusable for SMTP, whatever OpenSSL expected of them
            assertThat(c.tlsa).as(why).allMatch(t -> t.startsWith("0 ") || t.startsWith("1 "));
            assertThat(v.outcome()).as(why).isEqualTo(DaneVerdict.Outcome.NO_USABLE_RECORDS);
            assertThat(v.tlsRptResultType()).as(why).contains("tlsa-invalid");
            return;
        }
        if (c.wantResult == X509_V_OK || (c.wantResult == HOSTNAME_MISMATCH && c.wantDepth == 0 && c.nonameChecks == 0)) {
            // the second case: RFC 7672 §3.1.1, DANE-EE ignores names
            assertThat(v.outcome()).as(why).isEqualTo(DaneVerdict.Outcome.AUTHENTICATED);
            assertThat(v.depth()).as(why).isEqualTo(c.wantDepth);
            assertThat(v.tlsRptResultType()).as(why).isEmpty();
            return;
        }
        assertThat(v.outcome()).as(why).isEqualTo(DaneVerdict.Outcome.NOT_AUTHENTICATED);
        if (c.wantResult == HOSTNAME_MISMATCH) {
            assertThat(v.tlsRptResultType()).as(why).contains("certificate-host-mismatch");
            assertThat(v.results()).as(why).anyMatch(r -> r.status() == RecordStatus.NAME_MISMATCH && r.depth() == c.wantDepth);
        } else {
            assertThat(v.tlsRptResultType()).as(why).contains("validation-failure");
            assertThat(v.depth()).as(why).isEqualTo(-1);
        }
    }
}
