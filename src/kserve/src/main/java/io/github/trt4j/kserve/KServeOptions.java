package io.github.trt4j.kserve;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How a remote runner talks to the server.
 *
 * @param timeout the longest one attempt of a call may take (gRPC deadline, HTTP request timeout)
 * @param connectTimeout the longest connection setup may take (HTTP; gRPC folds it into timeout)
 * @param maxAttempts attempts per call when the server is UNAVAILABLE (1 = no retry); inference has
 *     no side effects, so sending a request again is safe. A timeout is not retried: the server may
 *     still be working on it
 * @param initialBackoff the wait before the first retry; it doubles per retry up to maxBackoff
 * @param maxBackoff the longest wait between retries
 * @param tls whether to use TLS ({@code grpcs://}, {@code https://} set it too)
 * @param trustedCertificates PEM file of CA certificates to trust instead of the JVM's (null: the
 *     JVM's default trust store); gRPC only, HTTP takes the JVM's SSL settings
 * @param modelVersion the model version to use (empty: the server's choice)
 * @param binaryTensors REST only: send and ask for tensors as raw bytes (the binary tensor
 *     extension, Triton's); false sends JSON {@code data} lists, for servers without the extension
 * @param maxResponseBytes the most bytes any one response may have (body for REST, message for
 *     gRPC). A response is also capped by what the model's metadata lets its outputs be: per output
 *     of fixed shape, 32 bytes per element for REST (the longest JSON number, so raw or JSON data
 *     both fit) or 10 for gRPC (the longest protobuf varint), plus 64 KiB for the header; an output
 *     with a dynamic dimension is bounded by this cap alone. Metadata answers are capped at 16 MiB
 *     (or this, if smaller). A larger answer is refused while it arrives, before it is held in
 *     memory
 */
public record KServeOptions(
    Duration timeout,
    Duration connectTimeout,
    int maxAttempts,
    Duration initialBackoff,
    Duration maxBackoff,
    boolean tls,
    Path trustedCertificates,
    String modelVersion,
    boolean binaryTensors,
    long maxResponseBytes) {

  /** The default {@link #maxResponseBytes()}: 256 MiB. */
  public static final long DEFAULT_MAX_RESPONSE_BYTES = 256L << 20;

  /** Options with the default response cap. */
  public KServeOptions(
      Duration timeout,
      Duration connectTimeout,
      int maxAttempts,
      Duration initialBackoff,
      Duration maxBackoff,
      boolean tls,
      Path trustedCertificates,
      String modelVersion,
      boolean binaryTensors) {
    this(
        timeout,
        connectTimeout,
        maxAttempts,
        initialBackoff,
        maxBackoff,
        tls,
        trustedCertificates,
        modelVersion,
        binaryTensors,
        DEFAULT_MAX_RESPONSE_BYTES);
  }

  public KServeOptions {
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    Objects.requireNonNull(initialBackoff, "initialBackoff");
    Objects.requireNonNull(maxBackoff, "maxBackoff");
    modelVersion = modelVersion == null ? "" : modelVersion;
    if (timeout.isNegative()
        || timeout.isZero()
        || connectTimeout.isNegative()
        || connectTimeout.isZero()) {
      throw new IllegalArgumentException(
          "timeouts must be positive; got " + timeout + ", " + connectTimeout);
    }
    if (maxResponseBytes < 1024 || maxResponseBytes > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "maxResponseBytes must be in 1024.." + Integer.MAX_VALUE + "; got " + maxResponseBytes);
    }
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be >= 1; got " + maxAttempts);
    }
    if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
      throw new IllegalArgumentException(
          "need 0 <= initialBackoff <= maxBackoff; got " + initialBackoff + ", " + maxBackoff);
    }
  }

  /**
   * 30 s timeout, 5 s connect, 4 attempts with 100 ms..2 s backoff, no TLS, binary REST tensors,
   * responses of at most 256 MiB.
   */
  public static KServeOptions defaults() {
    return new KServeOptions(
        Duration.ofSeconds(30),
        Duration.ofSeconds(5),
        4,
        Duration.ofMillis(100),
        Duration.ofSeconds(2),
        false,
        null,
        "",
        true,
        DEFAULT_MAX_RESPONSE_BYTES);
  }

  public KServeOptions withTimeout(Duration t) {
    return new KServeOptions(
        t,
        connectTimeout,
        maxAttempts,
        initialBackoff,
        maxBackoff,
        tls,
        trustedCertificates,
        modelVersion,
        binaryTensors,
        maxResponseBytes);
  }

  public KServeOptions withRetries(int attempts, Duration initial, Duration max) {
    return new KServeOptions(
        timeout,
        connectTimeout,
        attempts,
        initial,
        max,
        tls,
        trustedCertificates,
        modelVersion,
        binaryTensors,
        maxResponseBytes);
  }

  public KServeOptions withTls(Path trustedCertificatesOrNull) {
    return new KServeOptions(
        timeout,
        connectTimeout,
        maxAttempts,
        initialBackoff,
        maxBackoff,
        true,
        trustedCertificatesOrNull,
        modelVersion,
        binaryTensors,
        maxResponseBytes);
  }

  public KServeOptions withModelVersion(String v) {
    return new KServeOptions(
        timeout,
        connectTimeout,
        maxAttempts,
        initialBackoff,
        maxBackoff,
        tls,
        trustedCertificates,
        v,
        binaryTensors,
        maxResponseBytes);
  }

  public KServeOptions withBinaryTensors(boolean on) {
    return new KServeOptions(
        timeout,
        connectTimeout,
        maxAttempts,
        initialBackoff,
        maxBackoff,
        tls,
        trustedCertificates,
        modelVersion,
        on,
        maxResponseBytes);
  }

  /** With {@code n} as the absolute response cap (1 KiB to 2 GiB - 1). */
  public KServeOptions withMaxResponseBytes(long n) {
    return new KServeOptions(
        timeout,
        connectTimeout,
        maxAttempts,
        initialBackoff,
        maxBackoff,
        tls,
        trustedCertificates,
        modelVersion,
        binaryTensors,
        n);
  }

  /** The wait before retry number {@code retry} (1-based): initialBackoff * 2^(retry-1), capped. */
  Duration backoff(int retry) {
    long ms = initialBackoff.toMillis();
    for (int i = 1; i < retry && ms < maxBackoff.toMillis(); i++) {
      ms *= 2;
    }
    return Duration.ofMillis(Math.min(ms, maxBackoff.toMillis()));
  }
}
