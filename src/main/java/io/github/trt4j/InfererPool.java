package io.github.trt4j;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.Function;
import org.slf4j.LoggerFactory;

/**
 * N {@link Inferer}s over one engine (or one engine per GPU), for servers: {@link #run(Map)} is
 * thread-safe and runs on whichever Inferer is idle, waiting when all are busy. {@link
 * #withInferer(Function)} lends one Inferer for the fast path (its own {@link IoBinding}s).
 *
 * <p>Optimization profiles: TensorRT's header asks that execution contexts of a dynamic-shape
 * engine used concurrently each use their own optimization profile. When the engine has at least as
 * many profiles as the pool has Inferers (per engine), Inferer k gets profile k; otherwise all
 * share the profile of the options, and the pool says so once in the log (trt4j's GPU tests run 16
 * threads on one shared profile of TensorRT 10.6 and compare every result bit for bit).
 *
 * <p>Ownership: the pool owns its Inferers, and the engines it loaded itself ({@link
 * #acrossDevices}); {@link #close()} is idempotent, waits for nothing borrowed (close it after the
 * callers are done), and closes them.
 */
public final class InfererPool implements Runner {

  private final List<Inferer> inferers = new ArrayList<>();
  private final List<TrtEngine> ownedEngines;
  private final BlockingQueue<Inferer> idle;
  private final Model model;
  private volatile boolean closed;

  private InfererPool(List<TrtEngine> engines, int perEngine, InfererOptions options, boolean own) {
    requirePerEngine(perEngine);
    this.ownedEngines = own ? engines : List.of();
    this.model = engines.get(0);
    this.idle = new ArrayBlockingQueue<>(engines.size() * perEngine);
    try {
      for (TrtEngine e : engines) {
        boolean dynamic = e.inputs().stream().anyMatch(s -> s.shape().isDynamic());
        boolean ownProfiles = dynamic && perEngine > 1 && e.profileCount() >= perEngine;
        if (dynamic && perEngine > 1 && !ownProfiles) {
          LoggerFactory.getLogger(InfererPool.class)
              .info(
                  "{}: {} Inferers share optimization profile {} ({} profile(s) in the engine)",
                  e.source(),
                  perEngine,
                  options.profile(),
                  e.profileCount());
        }
        for (int k = 0; k < perEngine; k++) {
          Inferer i = e.createInferer(ownProfiles ? options.withProfile(k) : options);
          inferers.add(i);
          idle.add(i);
        }
      }
    } catch (RuntimeException ex) {
      close();
      throw ex;
    }
  }

  /**
   * {@code size} Inferers on {@code engine}, which the caller keeps owning.
   *
   * @param engine the engine the Inferers run
   * @param size the number of Inferers
   * @return the pool, which the caller closes
   */
  public static InfererPool create(TrtEngine engine, int size) {
    return create(engine, size, InfererOptions.defaults());
  }

  /**
   * {@code size} Inferers on {@code engine} set up by {@code options}.
   *
   * @param engine the engine the Inferers run
   * @param size the number of Inferers
   * @param options the Inferers' settings
   * @return the pool, which the caller closes
   */
  public static InfererPool create(TrtEngine engine, int size, InfererOptions options) {
    return new InfererPool(List.of(engine), size, options, false);
  }

  /**
   * Loads {@code plan} on each of {@code devices} and makes {@code perDevice} Inferers on each: one
   * pool over several GPUs. The pool owns the engines.
   *
   * @param plan the plan file
   * @param devices the CUDA device indexes
   * @param perDevice the number of Inferers on each device
   * @param options the Inferers' settings
   * @return the pool, which the caller closes (closing the engines too)
   * @throws IOException if the plan file is missing or unreadable
   * @throws IllegalArgumentException for no devices, a negative device index or {@code perDevice <
   *     1}, before anything is loaded
   */
  public static InfererPool acrossDevices(
      Path plan, int[] devices, int perDevice, InfererOptions options) throws IOException {
    if (devices == null || devices.length == 0) {
      throw new IllegalArgumentException("No CUDA devices given");
    }
    for (int d : devices) {
      if (d < 0) {
        throw new IllegalArgumentException("CUDA device indexes are >= 0; got " + d);
      }
    }
    requirePerEngine(perDevice);
    java.util.Objects.requireNonNull(options, "options");
    List<TrtEngine> engines = new ArrayList<>();
    try {
      for (int d : devices) {
        engines.add(TrtEngine.load(plan, d));
      }
      return new InfererPool(engines, perDevice, options, true);
    } catch (IOException | RuntimeException | Error e) {
      // The constructor closes what it made and the engines when it fails; close() is idempotent.
      engines.forEach(TrtEngine::close);
      throw e;
    }
  }

  private static void requirePerEngine(int perEngine) {
    if (perEngine < 1) {
      throw new IllegalArgumentException(
          "A pool needs at least 1 Inferer per engine; got " + perEngine);
    }
  }

  /** {@return how many Inferers the pool holds} */
  public int size() {
    return inferers.size();
  }

  /** {@return the Inferers (for inspection; borrow them through {@link #withInferer})} */
  public List<Inferer> inferers() {
    return List.copyOf(inferers);
  }

  @Override
  public Model model() {
    return model;
  }

  /** Runs on an idle Inferer (thread-safe). */
  @Override
  public Map<String, Tensor> run(Map<String, Tensor> inputs) {
    return withInferer(i -> i.run(inputs));
  }

  /**
   * Lends an idle Inferer to {@code work} (waiting for one) and takes it back afterwards. The
   * Inferer must not be used after {@code work} returns.
   *
   * @param <T> the result's type
   * @param work what to do with the Inferer
   * @return what {@code work} returned
   */
  public <T> T withInferer(Function<Inferer, T> work) {
    Inferer i = borrow();
    try {
      return work.apply(i);
    } finally {
      idle.offer(i);
    }
  }

  private Inferer borrow() {
    if (closed) {
      throw new IllegalStateException("InfererPool is closed");
    }
    try {
      Inferer i = idle.take();
      if (closed) {
        idle.offer(i);
        throw new IllegalStateException("InfererPool is closed");
      }
      return i;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while waiting for an idle Inferer", e);
    }
  }

  /** {@return whether {@link #close()} has been called} */
  public boolean isClosed() {
    return closed;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (Inferer i : inferers) {
      i.close();
    }
    for (TrtEngine e : ownedEngines) {
      e.close();
    }
  }
}
