package dev.distcache.remote.net;

import dev.distcache.core.tls.TlsContexts;
import dev.distcache.core.tls.TlsFileException;
import dev.distcache.distribute.tls.Tokens;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * The daemon's TLS for the native protocol ({@code --tls-cert}, {@code --tls-key}), with client
 * certificates ({@code --tls-client-ca}) and bearer tokens ({@code --auth-tokens}) when given. The
 * job port stays one port: a connection whose first byte opens a TLS record is taken over by TLS
 * here, with the bytes already read handed to it; distcc clients keep speaking plaintext there.
 */
public final class DaemonTls {
  /** The first byte of a TLS handshake record; a distcc or native request starts with a letter. */
  public static final int HANDSHAKE_RECORD = 0x16;

  private final SSLContext context;
  private final SSLSocketFactory factory;
  private final boolean clientCertificates;
  private final Tokens tokens;

  private DaemonTls(SSLContext context, boolean clientCertificates, Tokens tokens) {
    this.context = context;
    this.factory = context.getSocketFactory();
    this.clientCertificates = clientCertificates;
    this.tokens = tokens;
  }

  /** The daemon's TLS context (its certificate, and the client CAs when it has them). */
  public SSLContext context() {
    return context;
  }

  /** Whether clients must show a certificate ({@code --tls-client-ca}). */
  public boolean clientCertificates() {
    return clientCertificates;
  }

  /** Loads the files; {@code clientCa} and {@code tokens} may be null. */
  public static DaemonTls load(Path cert, Path key, Path clientCa, Path tokens)
      throws TlsFileException {
    Tokens accepted = tokens == null ? null : Tokens.accepted(tokens);
    return new DaemonTls(TlsContexts.server(cert, key, clientCa), clientCa != null, accepted);
  }

  /** The accepted tokens, empty when no token is asked for. */
  public Optional<Tokens> tokens() {
    return Optional.ofNullable(tokens);
  }

  /**
   * Runs the server side of the handshake over {@code raw}, whose first bytes the caller has read
   * ({@code consumed}); the returned socket owns {@code raw}. An {@link IOException} is a client
   * that did not complete it (no or an untrusted certificate, not TLS at all).
   */
  public SSLSocket accept(Socket raw, byte[] consumed) throws IOException {
    SSLSocket s = (SSLSocket) factory.createSocket(raw, new ByteArrayInputStream(consumed), true);
    s.setUseClientMode(false);
    s.setNeedClientAuth(clientCertificates);
    s.startHandshake();
    return s;
  }

  /** For the start-up log: what clients must show, never a secret. */
  public String describe() {
    return "TLS on the native protocol"
        + (clientCertificates ? ", client certificates required" : "")
        + (tokens == null ? "" : ", " + tokens + " accepted");
  }
}
