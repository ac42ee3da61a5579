package dev.distcache.distribute.tls;

import dev.distcache.core.tls.TlsContexts;
import dev.distcache.core.tls.TlsFileException;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * What a client needs for {@code ,tls} hosts: the TLS context made from {@code remote_tls_ca},
 * {@code remote_tls_cert} and {@code remote_tls_key}, and the token of {@code remote_token_file}
 * (empty for none). The daemon's certificate must be signed by a trusted CA and name the host as it
 * is written in the host list (a DNS name or an IP address in its subject alternative names).
 *
 * @param settings the files it was made from: connections made with other settings are not reused
 *     for it
 */
public record ClientTls(SSLSocketFactory factory, byte[] token, String settings) {

  /** Loads the files; null paths are settings left empty. */
  public static ClientTls load(Path ca, Path cert, Path key, Path tokenFile)
      throws TlsFileException {
    return new ClientTls(
        TlsContexts.client(ca, cert, key).getSocketFactory(),
        tokenFile == null ? new byte[0] : Tokens.client(tokenFile),
        "tls ca=" + ca + " cert=" + cert + " key=" + key + " token=" + tokenFile);
  }

  /**
   * Runs the TLS handshake over {@code socket} (connected to {@code host}); the TLS socket owns it
   * afterwards. An {@link IOException} (the socket is then closed) means the daemon and this client
   * did not agree: an untrusted or expired certificate, a name that does not match, a daemon that
   * wanted a client certificate, or a port that does not speak TLS.
   */
  public SSLSocket handshake(Socket socket, String host, int port) throws IOException {
    SSLSocket s = (SSLSocket) factory.createSocket(socket, host, port, true);
    try {
      SSLParameters p = s.getSSLParameters();
      p.setEndpointIdentificationAlgorithm("HTTPS");
      s.setSSLParameters(p);
      s.startHandshake();
      return s;
    } catch (IOException | RuntimeException e) {
      socket.close();
      throw e;
    }
  }

  /** Without the token. */
  @Override
  public String toString() {
    return settings;
  }
}
