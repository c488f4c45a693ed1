package dev.ftcp.cli;

import java.io.InputStream;
import java.io.PrintWriter;
import java.lang.reflect.Method;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The {@code ftcp} command: parses the command line, runs one subcommand and turns its outcome
 * into an exit code.
 *
 * <p>Exit codes: 0 success, 1 a failed operation (nothing listening, no reply in time, ...), 2 bad
 * usage. Every error is one line on standard error that names the problem; {@code --verbose}
 * adds the stack trace.
 *
 * <p>One {@code Main} runs one command line. Its {@linkplain #requestStop() stop signal} may be
 * raised from any thread (Ctrl-C, or a test): long-running commands then finish cleanly.
 */
@Command(
    name = "ftcp",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    synopsisSubcommandLabel = "COMMAND",
    description = {
      "Framed messaging over TCP and TLS, wire-compatible with the Go package ftcp.",
      "",
      "Start with: ftcp demo"
    },
    subcommands = {
      DemoCommand.class,
      ListenCommand.class,
      SendCommand.class,
      RequestCommand.class,
      BenchCommand.class,
      CommandLine.HelpCommand.class
    },
    footer = {
      "",
      "Addresses are host:port, [ipv6]:port, or :port (all interfaces, listen only).",
      "Exit codes: 0 success, 1 the operation failed, 2 bad usage."
    })
public final class Main implements Runnable {
  /** Exit code of a failed operation. */
  static final int FAILED = 1;
  /** Exit code of bad usage: a missing or malformed argument. */
  static final int USAGE = 2;

  @Spec CommandSpec spec;

  // Inherited, so it is accepted after any subcommand too: `ftcp send --verbose ...`.
  @Option(
      names = "--verbose",
      scope = ScopeType.INHERIT,
      description = "Print stack traces with errors, and the library's debug log.")
  boolean verbose;

  private final InputStream in;
  private final boolean interactive;
  private final CompletableFuture<Void> stop = new CompletableFuture<>();

  /**
   * @param in what {@code send} reads when given no text
   * @param interactive whether standard error is a terminal, so progress lines may redraw
   *     themselves in place
   */
  Main(InputStream in, boolean interactive) {
    this.in = in;
    this.interactive = interactive;
  }

  public static void main(String[] args) {
    configureLogging(args);
    Main main = new Main(System.in, isTerminal());
    CountDownLatch finished = new CountDownLatch(1);
    // Ctrl-C: let `listen` and `bench` close their connections and print what they have before
    // the JVM goes away.
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  main.requestStop();
                  try {
                    finished.await(3, TimeUnit.SECONDS);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                },
                "ftcp-shutdown"));
    int code = main.commandLine().execute(args);
    finished.countDown();
    System.exit(code);
  }

  /** A command line for this {@code Main}, with the error handling that sets the exit codes. */
  CommandLine commandLine() {
    CommandLine cl = new CommandLine(this);
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    cl.setParameterExceptionHandler(new UsageErrorHandler());
    cl.setExecutionExceptionHandler(new FailureHandler());
    return cl;
  }

  /** Bare {@code ftcp}: show what there is, as bad usage. */
  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "Missing command: try 'ftcp demo'");
  }

  /** Asks long-running commands to finish: {@code listen} stops, {@code bench} summarizes. */
  void requestStop() {
    stop.complete(null);
  }

  /** Completes when a stop was requested. */
  CompletableFuture<Void> stopRequested() {
    return stop;
  }

  InputStream in() {
    return in;
  }

  boolean interactive() {
    return interactive;
  }

  /** Bad usage: one line naming the problem and where to read more, exit code 2. */
  private final class UsageErrorHandler implements IParameterExceptionHandler {
    @Override
    public int handleParseException(ParameterException ex, String[] args) {
      CommandLine cl = ex.getCommandLine();
      PrintWriter err = cl.getErr();
      String name = cl.getCommandSpec().qualifiedName();
      err.println(name + ": " + ex.getMessage() + " (see '" + name + " --help')");
      if (verbose || argsContainVerbose(args)) {
        ex.printStackTrace(err);
      }
      err.flush();
      return USAGE;
    }
  }

  /** A failed operation: one line naming it, exit code 1 (2 for a usage error found late). */
  private final class FailureHandler implements IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception ex, CommandLine cl, ParseResult parsed) {
      PrintWriter err = cl.getErr();
      err.println(cl.getCommandSpec().qualifiedName() + ": " + Errors.describe(ex));
      if (verbose || matchedVerbose(parsed)) {
        ex.printStackTrace(err);
      }
      err.flush();
      return FAILED;
    }
  }

  /** Whether --verbose was given at any level of the command line. */
  private static boolean matchedVerbose(ParseResult parsed) {
    for (ParseResult p = parsed; p != null; p = p.subcommand()) {
      if (p.hasMatchedOption("--verbose")) {
        return true;
      }
    }
    return false;
  }

  private static boolean argsContainVerbose(String[] args) {
    for (String a : args) {
      if (a.equals("--verbose")) {
        return true;
      }
    }
    return false;
  }

  /**
   * slf4j-simple reads its settings once, when the first logger is made, so they are set before
   * any command runs: warnings only, unless --verbose asks for the library's debug log. A level
   * set with -D on the java command line wins.
   */
  private static void configureLogging(String[] args) {
    setIfAbsent("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    setIfAbsent("org.slf4j.simpleLogger.logFile", "System.err");
    if (argsContainVerbose(args)) {
      setIfAbsent("org.slf4j.simpleLogger.log.dev.ftcp", "debug");
    }
  }

  private static void setIfAbsent(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }

  /**
   * Whether progress lines may redraw in place. {@code System.console()} alone says too little
   * from JDK 22 on, where it exists even when output is redirected; {@code Console.isTerminal()}
   * (JDK 22+) is asked when it exists.
   */
  private static boolean isTerminal() {
    var console = System.console();
    if (console == null) {
      return false;
    }
    try {
      Method isTerminal = console.getClass().getMethod("isTerminal");
      return (Boolean) isTerminal.invoke(console);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return true; // JDK 17..21: a console exists only when attached to a terminal
    }
  }

  /** The version from the jar's manifest, or "development" when run from classes. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {
        "ftcp " + (v == null ? "(development build)" : v),
        "Java " + System.getProperty("java.version")
            + " (" + System.getProperty("java.vm.name") + ")"
      };
    }
  }
}
