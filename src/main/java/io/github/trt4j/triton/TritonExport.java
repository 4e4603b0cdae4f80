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
 * Every file is written to a temporary name in its directory and moved into place, so a Triton
 * polling the repository never sees half a plan or half a config; the config goes last, since
 * Triton's poller keys on it.
 */
public final class TritonExport {

  /** Triton's default file name for a TensorRT plan in a version directory. */
  public static final String PLAN_FILE = "model.plan";

  private TritonExport() {}

  /** What was written. */
  public record Result(Path modelDir, Path config, Path plan, Path digestFile, String sha256) {}

  /** Exports a loaded engine; its tensors and profiles come from the engine, its bytes from {@code plan}. */
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
    PlanHeader header = PlanHeader.read(plan);
    header.requireComplete(plan.toString(), Files.size(plan));
    Path modelDir = repo.resolve(options.name());
    Path versionDir = modelDir.resolve("1");
    Files.createDirectories(versionDir);
    Path planOut = versionDir.resolve(PLAN_FILE);
    String sha = copyWithDigest(plan, planOut);
    Path digest = versionDir.resolve(PLAN_FILE + ".sha256");
    // Two spaces: sha256sum's text-mode separator, so `sha256sum -c` reads it.
    writeAtomically(digest, sha + "  " + PLAN_FILE + "\n");
    Path configOut = modelDir.resolve("config.pbtxt");
    writeAtomically(configOut, config);
    return new Result(modelDir, configOut, planOut, digest, sha);
  }

  private static String copyWithDigest(Path from, Path to) throws IOException {
    MessageDigest md = sha256();
    Path tmp = Files.createTempFile(to.getParent(), "." + PLAN_FILE, ".tmp");
    try {
      try (InputStream in = Files.newInputStream(from);
          OutputStream out = new DigestOutputStream(Files.newOutputStream(tmp), md)) {
        in.transferTo(out);
      }
      move(tmp, to);
    } finally {
      Files.deleteIfExists(tmp);
    }
    return HexFormat.of().formatHex(md.digest());
  }

  private static void writeAtomically(Path to, String text) throws IOException {
    Path tmp = Files.createTempFile(to.getParent(), "." + to.getFileName(), ".tmp");
    try {
      Files.writeString(tmp, text, StandardCharsets.UTF_8);
      move(tmp, to);
    } finally {
      Files.deleteIfExists(tmp);
    }
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
