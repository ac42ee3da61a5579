package dev.distcache.core.tls;

import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * The JDK's TLS (TLS 1.3 only: both ends are distcache) set up from PEM files, for the native
 * protocol's daemon and client. The certificate and key are checked to belong together when they
 * are loaded, so a mismatch is a start-up error, not a handshake that fails on every connection.
 */
public final class TlsContexts {
  static final String PROTOCOL = "TLSv1.3";
  private static final char[] NO_PASSWORD = new char[0];

  private TlsContexts() {}

  /**
   * The daemon's context: its certificate chain and key, and the CAs whose client certificates it
   * accepts ({@code clientCa}, null when clients need none).
   */
  public static SSLContext server(Path cert, Path key, Path clientCa) throws TlsFileException {
    return context(
        keys("--tls-cert", cert, "--tls-key", key),
        clientCa == null ? null : trust("--tls-client-ca", clientCa));
  }

  /**
   * The client's context: the CAs it trusts for daemons ({@code ca}, null for the JDK's own), and
   * its certificate and key for daemons that ask for one (both null for none).
   */
  public static SSLContext client(Path ca, Path cert, Path key) throws TlsFileException {
    return client(ca, cert, key, Names.FARM);
  }

  /** The names of the three settings a client's context comes from, for messages. */
  public record Names(String ca, String cert, String key) {
    /** The farm's configuration keys. */
    public static final Names FARM =
        new Names("remote_tls_ca", "remote_tls_cert", "remote_tls_key");
  }

  /** As {@link #client(Path, Path, Path)}, naming the settings as {@code names} does. */
  public static SSLContext client(Path ca, Path cert, Path key, Names names)
      throws TlsFileException {
    if ((cert == null) != (key == null)) {
      throw new TlsFileException(
          names.cert() + " and " + names.key() + " go together: give both, or neither");
    }
    return context(
        cert == null ? null : keys(names.cert(), cert, names.key(), key),
        ca == null ? null : trust(names.ca(), ca));
  }

  private static SSLContext context(KeyManager[] keys, TrustManager[] trust)
      throws TlsFileException {
    try {
      SSLContext c = SSLContext.getInstance(PROTOCOL);
      c.init(keys, trust, new SecureRandom());
      return c;
    } catch (GeneralSecurityException e) {
      throw new TlsFileException("cannot set up TLS: " + e.getMessage());
    }
  }

  private static KeyManager[] keys(String certOption, Path cert, String keyOption, Path key)
      throws TlsFileException {
    List<X509Certificate> chain = Pem.certificates(certOption, cert);
    PrivateKey privateKey = Pem.privateKey(keyOption, key);
    if (!belong(privateKey, chain.getFirst())) {
      throw new TlsFileException(
          keyOption + " " + key + " is not the key of the certificate in " + cert);
    }
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry("key", privateKey, NO_PASSWORD, chain.toArray(new X509Certificate[0]));
      KeyManagerFactory f = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      f.init(store, NO_PASSWORD);
      return f.getKeyManagers();
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new TlsFileException(certOption + " " + cert + " cannot be used: " + e.getMessage());
    }
  }

  private static TrustManager[] trust(String option, Path file) throws TlsFileException {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      int i = 0;
      for (X509Certificate c : Pem.certificates(option, file)) {
        store.setCertificateEntry("ca" + i++, c);
      }
      TrustManagerFactory f =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      f.init(store);
      return f.getTrustManagers();
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new TlsFileException(option + " " + file + " cannot be used: " + e.getMessage());
    }
  }

  /** Whether {@code key} signs what {@code cert}'s public key verifies. */
  private static boolean belong(PrivateKey key, X509Certificate cert) throws TlsFileException {
    String algorithm =
        switch (key.getAlgorithm()) {
          case "RSA" -> "SHA256withRSA";
          case "EC" -> "SHA256withECDSA";
          default -> key.getAlgorithm(); // Ed25519, Ed448
        };
    try {
      byte[] probe = "distcache key check".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      Signature s = Signature.getInstance(algorithm);
      s.initSign(key);
      s.update(probe);
      byte[] signature = s.sign();
      Signature v = Signature.getInstance(algorithm);
      v.initVerify(cert.getPublicKey());
      v.update(probe);
      return v.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }
}
