package dev.distcache.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Certificates a test makes with {@code openssl} (EC P-256 keys, PEM, unencrypted PKCS#8): a CA of
 * its own, and daemon or client certificates it signs, valid now or expired.
 */
public final class TestCertificates {
  /** A certificate and its key, as files. */
  public record Pair(Path cert, Path key) {}

  private final Path dir;
  private final Pair ca;

  private TestCertificates(Path dir, Pair ca) {
    this.dir = dir;
    this.ca = ca;
  }

  /** A new CA named {@code name}, its files in {@code dir}. */
  public static TestCertificates ca(Path dir, String name) throws Exception {
    Files.createDirectories(dir);
    Pair ca = new Pair(dir.resolve(name + "-ca.pem"), dir.resolve(name + "-ca.key"));
    openssl(
        dir,
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-keyout",
        ca.key().toString(),
        "-out",
        ca.cert().toString(),
        "-subj",
        "/CN=" + name,
        "-days",
        "2");
    return new TestCertificates(dir, ca);
  }

  /** The CA's own certificate: what the other side trusts. */
  public Path caCert() {
    return ca.cert();
  }

  /**
   * A certificate for {@code name}, signed by this CA, naming {@code addresses} (IP addresses) as
   * its subject alternative names; {@code days} of validity from now, and -1 for one that has
   * already expired.
   */
  public Pair issue(String name, int days, String... addresses) throws Exception {
    Pair p = new Pair(dir.resolve(name + ".pem"), dir.resolve(name + ".key"));
    Path csr = dir.resolve(name + ".csr");
    openssl(
        dir,
        "req",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-keyout",
        p.key().toString(),
        "-out",
        csr.toString(),
        "-subj",
        "/CN=" + name);
    List<String> san = new ArrayList<>();
    for (String a : addresses) {
      san.add("IP:" + a);
    }
    Path ext = dir.resolve(name + ".ext");
    Files.writeString(
        ext,
        (san.isEmpty() ? "" : "subjectAltName=" + String.join(",", san) + "\n")
            + "extendedKeyUsage=serverAuth,clientAuth\n");
    openssl(
        dir,
        "x509",
        "-req",
        "-in",
        csr.toString(),
        "-CA",
        ca.cert().toString(),
        "-CAkey",
        ca.key().toString(),
        "-CAcreateserial",
        "-out",
        p.cert().toString(),
        "-days",
        Integer.toString(days),
        "-extfile",
        ext.toString());
    return p;
  }

  private static void openssl(Path dir, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add("openssl");
    cmd.addAll(List.of(args));
    Processes.run(dir, Map.of("PATH", System.getenv("PATH")), cmd).ok(String.join(" ", cmd));
  }
}
