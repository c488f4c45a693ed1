package dev.ftcp.cli;

import dev.ftcp.Conn;
import dev.ftcp.ConnStateListener;
import dev.ftcp.Ftcp;
import dev.ftcp.Options;
import dev.ftcp.TlsConfig;
import java.io.IOException;
import java.net.ConnectException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.net.ssl.SSLException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The options of every command that dials: TLS and frame size. A picocli mixin; one instance
 * per command line, used by one thread.
 */
final class ClientOptions {
  @Spec(Spec.Target.MIXEE)
  CommandSpec command;

  @Option(
      names = "--tls",
      description = "Dial with TLS, verifying the server's certificate and host name against the"
          + " system's trusted roots (implied by --ca and --insecure).")
  boolean tls;

  @Option(
      names = "--ca",
      paramLabel = "FILE",
      description = "Trust only the CA certificates in this PEM file.")
  Path ca;

  @Option(
      names = "--insecure",
      description = "Accept any server certificate for any name. For tests only: anyone in the"
          + " middle can read and change the traffic.")
  boolean insecure;

  @Option(
      names = "--cert",
      paramLabel = "FILE",
      description = "Client certificate chain (PEM) to present, for servers that require one.")
  Path cert;

  @Option(names = "--key", paramLabel = "FILE", description = "Private key (PEM) of --cert.")
  Path key;

  @Option(
      names = "--server-name",
      paramLabel = "NAME",
      description = "Host name to ask for (SNI) and to verify, instead of the dialed host.")
  String serverName;

  @Option(
      names = "--big-frames",
      description = "4-byte length prefixes (payloads up to 16 MiB); the peer must use them too.")
  boolean bigFrames;

  // Why the link last broke, so "no reply" can say the connection was failing meanwhile (a
  // server refusing our certificate after a TLS 1.3 handshake looks like silence otherwise).
  private volatile Throwable lastBreak;
  private final ConnStateListener linkWatcher = new ConnStateListener() {
    @Override
    public void disconnected(Conn conn, Throwable cause) {
      lastBreak = cause;
    }
  };

  /** Why the connection last broke and started redialing, or {@code null} if it never did. */
  Throwable lastBreak() {
    return lastBreak;
  }

  /**
   * The connection options these flags ask for.
   *
   * @throws ParameterException for contradicting flags or a file that is not there
   */
  Options options() {
    Options.Builder b = Options.builder().bigFrames(bigFrames).stateListener(linkWatcher);
    if (usesTls()) {
      b.tls(tlsConfig());
    } else if (serverName != null) {
      throw usage("--server-name needs --tls");
    }
    return b.build();
  }

  /** Whether these flags ask for TLS. */
  boolean usesTls() {
    return tls || ca != null || insecure || cert != null || key != null;
  }

  /**
   * Dials {@code address} with these options.
   *
   * @throws ParameterException when the address does not parse (exit code 2)
   * @throws Failure when nothing accepts the connection, or the TLS handshake fails
   */
  Conn dial(String address) {
    Options options = options();
    try {
      return Ftcp.dial(address, options);
    } catch (IllegalArgumentException e) {
      throw usage(Errors.message(e));
    } catch (ConnectException e) {
      // The library's message says what happened and names the peer: "connection refused by".
      throw new Failure(Errors.describe(e), e);
    } catch (SSLException e) {
      // The library's message names the peer and what was wrong with the handshake.
      throw new Failure(Errors.describe(e), e);
    } catch (IOException e) {
      throw new Failure("cannot connect to " + address + ": " + Errors.describe(e), e);
    }
  }

  private TlsConfig tlsConfig() {
    if (insecure && ca != null) {
      throw usage("--insecure and --ca contradict each other: --insecure trusts anything");
    }
    if ((cert == null) != (key == null)) {
      throw usage("--cert and --key go together");
    }
    TlsConfig.Builder t = TlsConfig.client();
    if (ca != null) {
      t.trustPem(readable("--ca", ca));
    }
    if (cert != null) {
      t.keyPairPem(readable("--cert", cert), readable("--key", key));
    }
    if (serverName != null) {
      t.serverName(serverName);
    }
    if (insecure) {
      t.insecureSkipVerify();
    }
    try {
      return t.build();
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw usage(Errors.message(e));
    }
  }

  /** The file, after checking it can be read, so a typo is bad usage and not a TLS failure. */
  private Path readable(String flag, Path file) {
    return readable(command, flag, file);
  }

  /**
   * {@code file}, after checking it can be read, so a typo is reported as bad usage rather than as
   * a TLS failure.
   *
   * @throws ParameterException naming the flag and the file
   */
  static Path readable(CommandSpec command, String flag, Path file) {
    if (!Files.isReadable(file)) {
      throw new ParameterException(command.commandLine(), flag + ": cannot read " + file);
    }
    return file;
  }

  private ParameterException usage(String message) {
    return new ParameterException(command.commandLine(), message);
  }
}
