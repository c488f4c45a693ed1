package dev.ftcp;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.lang.module.ModuleDescriptor;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Member;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The public API of module {@code dev.ftcp} does not change by accident: every exported type and
 * each of its public and protected members, with their signatures, is compared with the listing
 * committed in {@code src/test/resources/api/dev.ftcp.txt}. A deliberate change of the API
 * rewrites the listing with
 * {@code mvn -pl ftcp-core test -Dtest=PublicApiTest -Dftcp.api.update=true}, and the listing's
 * diff goes into the same commit, where a reviewer sees it.
 */
class PublicApiTest {

  private static final String LISTING = "src/test/resources/api/dev.ftcp.txt";
  private static final String UPDATE = "ftcp.api.update";
  private static final String HEADER = """
      # The public API of module dev.ftcp: each exported type, then its public and protected
      # members, sorted. PublicApiTest compares it with the compiled classes. After a deliberate
      # change of the API, rewrite it with
      #   mvn -pl ftcp-core test -Dtest=PublicApiTest -Dftcp.api.update=true
      # and commit it with the change.
      """;

  @Test
  void publicApiMatchesTheCommittedListing() throws Exception {
    List<String> actual = listing();
    Path file = basedir().resolve(LISTING);
    if (Boolean.getBoolean(UPDATE)) {
      Files.createDirectories(file.getParent());
      Files.writeString(file, HEADER + String.join("\n", actual) + "\n", StandardCharsets.UTF_8);
      return;
    }
    if (!Files.exists(file)) {
      fail("No API listing at %s: write it with -D%s=true", file, UPDATE);
    }
    List<String> expected = Files.readAllLines(file, StandardCharsets.UTF_8).stream()
        .filter(line -> !line.isBlank() && !line.startsWith("#"))
        .toList();
    if (!expected.equals(actual)) {
      Set<String> removed = new LinkedHashSet<>(expected);
      actual.forEach(removed::remove);
      Set<String> added = new LinkedHashSet<>(actual);
      expected.forEach(added::remove);
      StringBuilder diff = new StringBuilder();
      removed.forEach(line -> diff.append("\n- ").append(line));
      added.forEach(line -> diff.append("\n+ ").append(line));
      fail("The public API of dev.ftcp differs from %s (- listed, + compiled):%s%n%n"
          + "If the change is deliberate, rewrite the listing and commit it with the change:%n"
          + "  mvn -pl ftcp-core test -Dtest=PublicApiTest -D%s=true",
          LISTING, diff.length() > 0 ? diff : "\n(the same lines in another order)", UPDATE);
    }
  }

  private static Path basedir() {
    String basedir = System.getProperty("basedir");
    return Path.of(basedir != null ? basedir : "").toAbsolutePath();
  }

  /** The listing's lines: the module's exports, then each public type and its members. */
  static List<String> listing() throws IOException, URISyntaxException, ClassNotFoundException {
    List<String> lines = new ArrayList<>();
    ModuleDescriptor module = Conn.class.getModule().getDescriptor();
    if (module != null) {
      module.exports().stream()
          .map(e -> "module " + module.name() + " exports " + e.source()
              + (e.isQualified() ? " to " + new TreeSet<>(e.targets()) : ""))
          .sorted()
          .forEach(lines::add);
    }
    for (Class<?> type : publicTypes()) {
      lines.add(typeLine(type));
      Set<String> members = new TreeSet<>();
      for (Constructor<?> c : type.getDeclaredConstructors()) {
        if (visible(c)) {
          members.add("  constructor " + deprecated(c) + c.toGenericString());
        }
      }
      for (Method m : type.getDeclaredMethods()) {
        if (visible(m)) {
          members.add("  method " + deprecated(m) + m.toGenericString());
        }
      }
      for (Field f : type.getDeclaredFields()) {
        if (visible(f)) {
          members.add("  field " + deprecated(f) + f.toGenericString() + constant(f));
        }
      }
      lines.addAll(members);
    }
    return lines;
  }

  /** Every public type of package dev.ftcp, nested ones included, sorted by name. */
  private static List<Class<?>> publicTypes()
      throws IOException, URISyntaxException, ClassNotFoundException {
    Path classes = Path.of(Conn.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    Path pkg = classes.resolve("dev/ftcp");
    List<String> names;
    try (Stream<Path> files = Files.list(pkg)) {
      names = files.map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".class") && !n.equals("module-info.class"))
          .map(n -> "dev.ftcp." + n.substring(0, n.length() - ".class".length()))
          .sorted()
          .toList();
    }
    List<Class<?>> types = new ArrayList<>();
    for (String name : names) {
      Class<?> type = Class.forName(name, false, Conn.class.getClassLoader());
      if (isPublicApi(type)) {
        types.add(type);
      }
    }
    if (types.isEmpty()) {
      fail("No public type found in %s", pkg);
    }
    return types;
  }

  private static boolean isPublicApi(Class<?> type) {
    if (type.isSynthetic() || type.isAnonymousClass() || type.isLocalClass()) {
      return false;
    }
    for (Class<?> t = type; t != null; t = t.getDeclaringClass()) {
      int m = t.getModifiers();
      boolean nested = t.getDeclaringClass() != null;
      if (!Modifier.isPublic(m) && !(nested && Modifier.isProtected(m))) {
        return false;
      }
    }
    return true;
  }

  private static boolean visible(Member member) {
    if (member.isSynthetic()) {
      return false;
    }
    if (member instanceof Method m && m.isBridge()) {
      return false;
    }
    int m = member.getModifiers();
    return Modifier.isPublic(m) || Modifier.isProtected(m);
  }

  private static String typeLine(Class<?> type) {
    StringBuilder line = new StringBuilder(deprecated(type)).append(type.toGenericString());
    Type superclass = type.getGenericSuperclass();
    if (superclass != null && superclass != Object.class) {
      line.append(" extends ").append(superclass.getTypeName());
    }
    Type[] interfaces = type.getGenericInterfaces();
    if (interfaces.length > 0) {
      line.append(type.isInterface() ? " extends " : " implements ")
          .append(Arrays.stream(interfaces).map(Type::getTypeName)
              .collect(Collectors.joining(", ")));
    }
    if (type.isSealed()) {
      line.append(" permits ").append(Arrays.stream(type.getPermittedSubclasses())
          .map(Class::getName).sorted().collect(Collectors.joining(", ")));
    }
    return line.toString();
  }

  private static String deprecated(java.lang.reflect.AnnotatedElement element) {
    return element.isAnnotationPresent(Deprecated.class) ? "@Deprecated " : "";
  }

  /** The value of a constant compiled into its callers: a static final primitive or String. */
  private static String constant(Field f) {
    int m = f.getModifiers();
    if (!Modifier.isStatic(m) || !Modifier.isFinal(m)
        || !(f.getType().isPrimitive() || f.getType() == String.class)) {
      return "";
    }
    try {
      Object value = f.get(null);
      return " = " + (value instanceof String s ? '"' + s + '"' : String.valueOf(value));
    } catch (IllegalAccessException e) {
      return "";
    }
  }
}
