package dev.medbase.events.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The SSRF guard's address classification and URL rules. */
class TargetGuardTest {

    static final Map<String, String[]> DNS = Map.of(
            "public.example.test", new String[] {"93.184.216.34"},
            "internal.example.test", new String[] {"10.0.0.5"},
            "mixed.example.test", new String[] {"93.184.216.34", "127.0.0.1"},
            "metadata.example.test", new String[] {"169.254.169.254"},
            "v6.example.test", new String[] {"2606:4700:4700::1111"});

    static InetAddress[] resolve(String host) throws UnknownHostException {
        String[] addresses = DNS.get(host);
        if (addresses == null) {
            return InetAddress.getAllByName(host); // literals and localhost: no network needed
        }
        InetAddress[] out = new InetAddress[addresses.length];
        for (int i = 0; i < addresses.length; i++) {
            out[i] = InetAddress.getByName(addresses[i]);
        }
        return out;
    }

    final TargetGuard strict = new TargetGuard(false, false, TargetGuardTest::resolve);
    final TargetGuard strictHttp = new TargetGuard(false, true, TargetGuardTest::resolve);

    @Test
    void publicAddresses() throws Exception {
        for (String address : new String[] {"8.8.8.8", "93.184.216.34", "172.32.0.1", "100.128.0.1", "1.1.1.1",
                "2606:4700:4700::1111", "::ffff:8.8.8.8", "2a00:1450:4001:82b::200e"}) {
            assertThat(TargetGuard.isPublic(InetAddress.getByName(address))).as(address).isTrue();
        }
    }

    @Test
    void nonPublicAddresses() throws Exception {
        for (String address : new String[] {"127.0.0.1", "127.1.2.3", "10.1.2.3", "172.16.0.1", "172.31.255.255",
                "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0", "0.1.2.3", "224.0.0.1",
                "255.255.255.255", "198.18.0.1", "192.0.2.1", "::1", "::", "fe80::1", "fc00::1", "fd12:3456::1",
                "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::7f00:1", "64:ff9b::7f00:1", "2002:7f00:1::",
                "2002:a00:1::", "2001:db8::1", "ff02::1", "fec0::1"}) {
            assertThat(TargetGuard.isPublic(InetAddress.getByName(address))).as(address).isFalse();
        }
    }

    @Test
    void urls() throws Exception {
        assertThat(strict.checkUrl("https://public.example.test/hook?x=1").getHost()).isEqualTo("public.example.test");
        assertThat(strict.checkUrl("https://v6.example.test:8443/").getPort()).isEqualTo(8443);
        assertThat(strict.checkUrl("https://[2606:4700:4700::1111]/").getHost()).isEqualTo("[2606:4700:4700::1111]");
        refused(strict, "http://public.example.test/", "https");
        assertThat(strictHttp.checkUrl("http://public.example.test/")).isNotNull();
        refused(strict, "https://internal.example.test/", "10.0.0.5");
        refused(strict, "https://mixed.example.test/", "127.0.0.1");
        refused(strict, "https://metadata.example.test/latest/meta-data", "169.254.169.254");
        refused(strict, "https://127.0.0.1/", "127.0.0.1");
        refused(strict, "https://localhost/", "localhost");
        refused(strict, "https://[::1]/", "::1");
        refused(strict, "https://[::ffff:127.0.0.1]/", "127.0.0.1");
        refused(strict, "https://2130706433/", "2130706433"); // 127.0.0.1 written as one number
        refused(strict, "https://0x7f000001/", "0x7f000001");
        refused(strict, "https://user:secret@public.example.test/", "user info");
        refused(strict, "https://public.example.test/#frag", "fragment");
        refused(strict, "ftp://public.example.test/", "https");
        refused(strict, "https:///nohost", "host");
        refused(strict, "not a url", "valid URL");
        refused(strict, "https://unknown.invalid/", "does not resolve");
        // development: private targets allowed, nothing resolved before connecting
        TargetGuard open = new TargetGuard(true, true, TargetGuardTest::resolve);
        assertThat(open.checkUrl("http://127.0.0.1:8080/x")).isNotNull();
        assertThat(open.resolve("internal.example.test")).hasSize(1);
    }

    private static void refused(TargetGuard guard, String url, String because) {
        assertThatThrownBy(() -> guard.checkUrl(url)).as(url).isInstanceOf(TargetGuard.RefusedTarget.class)
                .hasMessageContaining(because);
    }
}
