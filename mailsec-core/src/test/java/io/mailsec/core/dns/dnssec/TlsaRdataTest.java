package io.mailsec.core.dns.dnssec;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TlsaRdataTest {
    @Test
    void presentationFormAndCopies() {
        byte[] wire = {3, 1, 1, (byte) 0xab, 0x01};
        TlsaRdata t = new TlsaRdata(wire);
        assertThat(t).hasToString("3 1 1 AB01");
        wire[0] = 2;
        assertThat(t.wire()[0]).isEqualTo((byte) 3);
        t.wire()[0] = 2;
        assertThat(t.wire()).containsExactly(3, 1, 1, (byte) 0xab, 0x01);
        assertThat(t).isEqualTo(new TlsaRdata(new byte[] {3, 1, 1, (byte) 0xab, 0x01}));
        assertThat(new TlsaRdata(new byte[] {3, 1})).hasToString("\\# 2 0301");
    }
}
