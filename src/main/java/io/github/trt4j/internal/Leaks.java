package io.github.trt4j.internal;

import java.lang.ref.Cleaner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The safety net for owners that are never closed: when one becomes unreachable, its release runs
 * on the cleaner thread after a warning. Closing explicitly is the plan; this only stops a leak.
 */
public final class Leaks {

  private static final Logger LOG = LoggerFactory.getLogger("io.github.trt4j");
  private static final Cleaner CLEANER = Cleaner.create();

  private Leaks() {}

  /** A release action that knows whether it ran from close() or from the cleaner. */
  public static final class Action implements Runnable {
    private final String description;
    private final Runnable release;
    private volatile boolean explicit;

    Action(String description, Runnable release) {
      this.description = description;
      this.release = release;
    }

    /** Marks the coming run as an explicit close (no warning). */
    public void markClosed() {
      explicit = true;
    }

    @Override
    public void run() {
      if (!explicit) {
        LOG.warn("{} was not closed; releasing it", description);
      }
      try {
        release.run();
      } catch (RuntimeException e) {
        LOG.error("Releasing {} failed", description, e);
        if (explicit) {
          throw e;
        }
      }
    }
  }

  /** A registration: {@link #close()} releases now, exactly once. */
  public record Registration(Action action, Cleaner.Cleanable cleanable) {
    public void close() {
      action.markClosed();
      cleanable.clean();
    }
  }

  /**
   * Registers {@code release} to run when {@code owner} becomes unreachable. {@code release} must
   * not refer to {@code owner}.
   */
  public static Registration register(Object owner, String description, Runnable release) {
    Action a = new Action(description, release);
    return new Registration(a, CLEANER.register(owner, a));
  }
}
