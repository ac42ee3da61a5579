package dev.distcache.core.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads PEM certificates and private keys with the JDK alone ({@link CertificateFactory}, {@link
 * KeyFactory}): what {@code openssl req}, {@code openssl genpkey} and most CAs write. Private keys
 * must be unencrypted PKCS#8 ({@code BEGIN PRIVATE KEY}); the other forms are refused with the
 * {@code openssl} command that converts them. Every failure is a {@link TlsFileException} whose
 * message is one line naming the file; a key's bytes never reach a message.
 */
public final class Pem {
  private static final Pattern BLOCK =
      Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*)-----END \\1-----");

  /** The key algorithms a PKCS#8 key is tried as, in turn. */
  private static final List<String> KEY_ALGORITHMS = List.of("RSA", "EC", "Ed25519", "Ed448");

  private Pem() {}

  /** The certificates in {@code file} (a chain or a CA bundle), in order; at least one. */
  public static List<X509Certificate> certificates(String option, Path file)
      throws TlsFileException {
    byte[] bytes = read(option, file);
    try {
      List<X509Certificate> out = new ArrayList<>();
      for (var c :
          CertificateFactory.getInstance("X.509")
              .generateCertificates(new ByteArrayInputStream(bytes))) {
        out.add((X509Certificate) c);
      }
      if (out.isEmpty()) {
        throw new TlsFileException(option + " " + file + " holds no PEM certificate");
      }
      return out;
    } catch (CertificateException e) {
      throw new TlsFileException(
          option + " " + file + " is not a PEM certificate file: " + e.getMessage());
    }
  }

  /** The unencrypted PKCS#8 private key in {@code file}. */
  public static PrivateKey privateKey(String option, Path file) throws TlsFileException {
    String text = new String(read(option, file), StandardCharsets.US_ASCII);
    Matcher m = BLOCK.matcher(text);
    while (m.find()) {
      String type = m.group(1);
      switch (type) {
        case "PRIVATE KEY" -> {
          byte[] der;
          try {
            der = Base64.getMimeDecoder().decode(m.group(2));
          } catch (IllegalArgumentException e) {
            throw new TlsFileException(option + " " + file + ": the key is not valid base64");
          }
          for (String algorithm : KEY_ALGORITHMS) {
            try {
              return KeyFactory.getInstance(algorithm)
                  .generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
              // Not this algorithm; the next.
            }
          }
          throw new TlsFileException(
              option + " " + file + ": a PKCS#8 key of an unsupported kind (RSA, EC, Ed25519)");
        }
        case "RSA PRIVATE KEY", "EC PRIVATE KEY", "ENCRYPTED PRIVATE KEY" ->
            throw new TlsFileException(
                option
                    + " "
                    + file
                    + " holds a "
                    + type
                    + "; give an unencrypted PKCS#8 key (openssl pkcs8 -topk8 -nocrypt -in "
                    + file
                    + ")");
        default -> {}
      }
    }
    throw new TlsFileException(option + " " + file + " holds no PEM private key");
  }

  private static byte[] read(String option, Path file) throws TlsFileException {
    try {
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new TlsFileException(option + " " + file + ": no such file");
    } catch (IOException e) {
      throw new TlsFileException(option + " " + file + ": cannot be read: " + e.getMessage());
    }
  }
}
