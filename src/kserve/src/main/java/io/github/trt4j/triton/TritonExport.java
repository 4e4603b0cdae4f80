package io.github.trt4j.triton;

import io.github.trt4j.Model;
import io.github.trt4j.PlanHeader;
import io.github.trt4j.TrtEngine;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Writes an engine into a Triton model repository:
 *
 * <pre>
 * REPO/NAME/config.pbtxt
 * REPO/NAME/1/model.plan
 * REPO/NAME/1/model.plan.sha256   (sha256sum -c format)
 * </pre>
 *
 * Names that cannot be written as UTF-8 are refused before anything is written. Every file is
 * written into a staging directory in the repository first: a new model then appears by one rename
 * of that directory; a re-export replaces the plan, its digest and then the config (which Triton's
 * poller keys on) each by one rename. A failure leaves nothing behind.
 */
public final class TritonExport {

  /** Triton's default file name for a TensorRT plan in a version directory. */
  public static final String PLAN_FILE = "model.plan";

  private TritonExport() {}

  /** What was written. */
  public record Result(Path modelDir, Path config, Path plan, Path digestFile, String sha256) {}

  /**
   * Exports a loaded engine; its tensors and profiles come from the engine, its bytes from {@code
   * plan}.
   */
  public static Result export(TrtEngine engine, Path plan, Path repo, TritonOptions options)
      throws IOException {
    return export(engine, engine.profileCount(), plan, repo, options);
  }

  /**
   * Exports {@code plan}, described by {@code model} with {@code profileCount} profiles.
   *
   * @throws UnservableModelException before anything is written, when Triton could not serve it so
   * @throws IOException naming the file, when the plan cannot be read or is not a TensorRT plan
   */
  public static Result export(
      Model model, int profileCount, Path plan, Path repo, TritonOptions options)
      throws IOException {
    String config = TritonConfig.render(model.tensors(), profileCount, options);
    byte[] configBytes = utf8(config, options.name());
    PlanHeader header = PlanHeader.read(plan);
    header.requireComplete(plan.toString(), Files.size(plan));
    Files.createDirectories(repo);
    Path modelDir = repo.resolve(options.name());
    if (Files.exists(modelDir, LinkOption.NOFOLLOW_LINKS)
        && !Files.isDirectory(modelDir, LinkOption.NOFOLLOW_LINKS)) {
      throw new IOException("Cannot export to " + modelDir + ": it exists and is not a directory");
    }
    // Everything is written into a staging directory beside the model's first; only complete,
    // checked files are moved into the repository.
    Path stage = Files.createTempDirectory(repo, "." + options.name() + ".export-");
    try {
      Path stagedVersion = Files.createDirectory(stage.resolve("1"));
      String sha = copyWithDigest(plan, stagedVersion.resolve(PLAN_FILE));
      // Two spaces: sha256sum's text-mode separator, so `sha256sum -c` reads it.
      Files.write(
          stagedVersion.resolve(PLAN_FILE + ".sha256"),
          (sha + "  " + PLAN_FILE + "\n").getBytes(StandardCharsets.US_ASCII));
      Files.write(stage.resolve("config.pbtxt"), configBytes);
      Path versionDir = modelDir.resolve("1");
      Path planOut = versionDir.resolve(PLAN_FILE);
      Path digest = versionDir.resolve(PLAN_FILE + ".sha256");
      Path configOut = modelDir.resolve("config.pbtxt");
      if (!Files.exists(modelDir, LinkOption.NOFOLLOW_LINKS)) {
        // A new model appears whole, in one rename.
        Files.move(stage, modelDir, StandardCopyOption.ATOMIC_MOVE);
      } else {
        // Re-export over a model Triton may be serving: each file replaced by one rename, the
        // plan and its digest first, the config (which Triton's poller keys on) last.
        Files.createDirectories(versionDir);
        move(stagedVersion.resolve(PLAN_FILE), planOut);
        move(stagedVersion.resolve(PLAN_FILE + ".sha256"), digest);
        move(stage.resolve("config.pbtxt"), configOut);
      }
      return new Result(modelDir, configOut, planOut, digest, sha);
    } finally {
      deleteTree(stage);
    }
  }

  /** The config as UTF-8, refusing (not replacing) what UTF-8 cannot hold. */
  private static byte[] utf8(String config, String model) {
    try {
      java.nio.ByteBuffer b =
          StandardCharsets.UTF_8
              .newEncoder()
              .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
              .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
              .encode(java.nio.CharBuffer.wrap(config));
      byte[] out = new byte[b.remaining()];
      b.get(out);
      return out;
    } catch (java.nio.charset.CharacterCodingException e) {
      throw new UnservableModelException(
          model, java.util.List.of("config.pbtxt cannot be written as UTF-8 (" + e + ")"));
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (java.util.stream.Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  private static String copyWithDigest(Path from, Path to) throws IOException {
    MessageDigest md = sha256();
    try (InputStream in = Files.newInputStream(from);
        OutputStream out = new DigestOutputStream(Files.newOutputStream(to), md)) {
      in.transferTo(out);
    }
    return HexFormat.of().formatHex(md.digest());
  }

  private static void move(Path tmp, Path to) throws IOException {
    try {
      Files.move(tmp, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("This JVM has no SHA-256", e);
    }
  }
}
