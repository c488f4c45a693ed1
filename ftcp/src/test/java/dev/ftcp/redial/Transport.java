package dev.ftcp.redial;

import dev.ftcp.Options;

/**
 * How the redial tests' client and server talk: the one place that makes their {@link Options},
 * so every test runs over each transport without being copied. Only plain TCP for now; TLS adds
 * a constant whose builders carry a {@code TlsConfig} (the fault proxy forwards bytes and does
 * not care what they are).
 */
enum Transport {
  TCP {
    @Override
    Options.Builder server() {
      return Options.builder();
    }

    @Override
    Options.Builder client() {
      return Options.builder();
    }
  };

  /** Settings of the listener; a test adds its own (big frames, ...) to both sides alike. */
  abstract Options.Builder server();

  /** Settings of a dialing client. */
  abstract Options.Builder client();
}
