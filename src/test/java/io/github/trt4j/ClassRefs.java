package io.github.trt4j;

import java.io.IOException;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.constantpool.ClassEntry;
import java.lang.classfile.constantpool.PoolEntry;
import java.lang.classfile.constantpool.Utf8Entry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** What compiled classes refer to, read from their constant pools (class and UTF-8 entries). */
public final class ClassRefs {

  private ClassRefs() {}

  /** trt4j's compiled main classes. */
  public static Path mainClasses() throws Exception {
    return Path.of(TrtEngine.class.getProtectionDomain().getCodeSource().getLocation().toURI());
  }

  /**
   * Every match of {@code pattern} in the constant pools of the {@code .class} files in {@code
   * files}, mapped by {@code value}.
   */
  public static TreeSet<String> matches(
      Stream<Path> files, Pattern pattern, Function<Matcher, String> value) throws IOException {
    TreeSet<String> out = new TreeSet<>();
    for (Path p : files.filter(f -> f.toString().endsWith(".class")).toList()) {
      ClassModel m = ClassFile.of().parse(p);
      for (PoolEntry e : m.constantPool()) {
        String text =
            e instanceof ClassEntry c
                ? c.asInternalName()
                : e instanceof Utf8Entry u ? u.stringValue() : null;
        if (text != null) {
          Matcher x = pattern.matcher(text);
          while (x.find()) {
            out.add(value.apply(x));
          }
        }
      }
    }
    return out;
  }

  private static final Pattern PACKAGE =
      Pattern.compile("L?([a-z][a-z0-9_]*(?:/[a-z][a-z0-9_]*)+)/[A-Z][A-Za-z0-9_$]*");

  /**
   * The packages (dotted) that the classes of {@code packages} (and their sub-packages) under
   * {@code classes}, another trt4j artifact's classes directory, refer to and that are trt4j's
   * internals or bytedeco's without {@code allowedBytedeco} allowing them: empty when those
   * packages use only trt4j's exported API. (Named packages, not the whole directory: a GPU pack
   * merges every project's classes into one.)
   */
  public static TreeSet<String> nonApiReferences(
      Path classes, List<String> packages, Predicate<String> allowedBytedeco) throws IOException {
    TreeSet<String> bad = new TreeSet<>();
    for (String pkg : packages) {
      try (Stream<Path> s = Files.walk(classes.resolve(pkg.replace('.', '/')))) {
        for (String p : matches(s, PACKAGE, x -> x.group(1).replace('/', '.'))) {
          if (p.startsWith("io.github.trt4j.internal")
              || (p.startsWith("org.bytedeco") && !allowedBytedeco.test(p))) {
            bad.add(p);
          }
        }
      }
    }
    return bad;
  }
}
