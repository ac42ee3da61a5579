package dev.distcache.distribute.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distcache.core.tls.TlsContexts;
import dev.distcache.core.tls.TlsFileException;
import dev.distcache.testing.Processes;
import dev.distcache.testing.TestCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PEM files as openssl writes them, loaded into the JDK's TLS; and the one-line errors for files
 * that cannot be used.
 */
class TlsContextsTest {
  @TempDir Path tmp;

  private String error(Path cert, Path key, Path ca) {
    return assertThrows(TlsFileException.class, () -> TlsContexts.server(cert, key, ca))
        .getMessage();
  }

  @Test
  void opensslsFiles_load_forBothEnds() throws Exception {
    TestCertificates ca = TestCertificates.ca(tmp, "farm");
    TestCertificates.Pair daemon = ca.issue("daemon", 2, "127.0.0.2");
    assertNotNull(TlsContexts.server(daemon.cert(), daemon.key(), ca.caCert()));
    assertNotNull(TlsContexts.client(ca.caCert(), daemon.cert(), daemon.key()));
    assertNotNull(TlsContexts.client(null, null, null));
    Path rsaKey = tmp.resolve("rsa.key");
    Path rsaCert = tmp.resolve("rsa.pem");
    Processes.run(
            tmp,
            Map.of("PATH", System.getenv("PATH")),
            List.of(
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-keyout",
                rsaKey.toString(),
                "-out",
                rsaCert.toString(),
                "-subj",
                "/CN=rsa",
                "-days",
                "1"))
        .ok();
    assertNotNull(TlsContexts.server(rsaCert, rsaKey, null));
  }

  @Test
  void unusableFiles_areOneLineErrors_namingTheOptionAndFile() throws Exception {
    TestCertificates ca = TestCertificates.ca(tmp, "farm");
    TestCertificates.Pair a = ca.issue("a", 2);
    TestCertificates.Pair b = ca.issue("b", 2);
    Path missing = tmp.resolve("missing.pem");

    assertEquals("--tls-cert " + missing + ": no such file", error(missing, a.key(), null));
    assertEquals("--tls-key " + missing + ": no such file", error(a.cert(), missing, null));
    assertEquals(
        "--tls-client-ca " + missing + ": no such file", error(a.cert(), a.key(), missing));
    assertTrue(error(tmp, a.key(), null).startsWith("--tls-cert " + tmp + ": cannot be read"));
    assertEquals(
        "--tls-key " + b.key() + " is not the key of the certificate in " + a.cert(),
        error(a.cert(), b.key(), null));
    assertEquals(
        "--tls-key " + a.cert() + " holds no PEM private key", error(a.cert(), a.cert(), null));
    assertTrue(
        error(a.key(), a.key(), null)
            .startsWith("--tls-cert " + a.key() + " is not a PEM certificate file"),
        error(a.key(), a.key(), null));

    Path pkcs1 = tmp.resolve("pkcs1.key");
    Files.writeString(
        pkcs1, "-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n");
    assertTrue(
        error(a.cert(), pkcs1, null).contains("give an unencrypted PKCS#8 key (openssl pkcs8"),
        error(a.cert(), pkcs1, null));
    for (String m :
        List.of(
            error(a.cert(), b.key(), null),
            error(missing, a.key(), null),
            error(a.cert(), pkcs1, null))) {
      assertTrue(!m.contains("\n") && !m.contains("BEGIN"), m);
    }
    assertEquals(
        "remote_tls_cert and remote_tls_key go together: give both, or neither",
        assertThrows(TlsFileException.class, () -> TlsContexts.client(null, a.cert(), null))
            .getMessage());
  }
}
