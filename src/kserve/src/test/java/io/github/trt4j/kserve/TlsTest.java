package io.github.trt4j.kserve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.trt4j.Runner;
import io.github.trt4j.Shape;
import io.github.trt4j.Tensor;
import io.grpc.Grpc;
import io.grpc.Server;
import io.grpc.TlsServerCredentials;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS for both runners, with a self-signed certificate made by the JDK's keytool for this test. */
class TlsTest {

  static final KServeOptions FAST =
      KServeOptions.defaults()
          .withTimeout(Duration.ofSeconds(10))
          .withRetries(2, Duration.ofMillis(10), Duration.ofMillis(20));

  @TempDir static Path dir;
  static Path caPem;
  static KeyManagerFactory keys;

  @BeforeAll
  static void certificate() throws Exception {
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    Path store = dir.resolve("server.p12");
    caPem = dir.resolve("ca.pem");
    run(
        keytool.toString(),
        "-genkeypair",
        "-keyalg",
        "EC",
        "-groupname",
        "secp256r1",
        "-alias",
        "server",
        "-dname",
        "CN=localhost",
        "-ext",
        "SAN=dns:localhost,ip:127.0.0.1",
        "-validity",
        "2",
        "-keystore",
        store.toString(),
        "-storetype",
        "PKCS12",
        "-storepass",
        "secret123");
    run(
        keytool.toString(),
        "-exportcert",
        "-rfc",
        "-alias",
        "server",
        "-keystore",
        store.toString(),
        "-storepass",
        "secret123",
        "-file",
        caPem.toString());
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(store)) {
      ks.load(in, "secret123".toCharArray());
    }
    keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keys.init(ks, "secret123".toCharArray());
  }

  static void run(String... cmd) throws Exception {
    Process p = new ProcessBuilder(List.of(cmd)).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "keytool hung");
    assertEquals(0, p.exitValue(), out);
  }

  static void check(Runner r) {
    float[] y =
        r.run(Map.of("x", Tensor.ofFloats(Shape.of(1, 4), new float[] {1, 2, 3, 4})))
            .get("y")
            .floats();
    assertArrayEquals(new float[] {3, 5, 7, 9}, y);
  }

  @Test
  void grpcOverTls() throws Exception {
    Server server =
        Grpc.newServerBuilderForPort(
                0, TlsServerCredentials.newBuilder().keyManager(keys.getKeyManagers()).build())
            .addService(new FakeGrpcServer(new FakeBackend()))
            .build()
            .start();
    try {
      String uri = "grpcs://localhost:" + server.getPort() + "/affine";
      try (Runner r = Runners.open(uri, FAST.withTls(caPem))) {
        check(r);
      }
      // The JVM's default trust store does not know this certificate: the handshake fails.
      var e =
          assertTimeoutPreemptively(
              Duration.ofSeconds(60),
              () -> assertThrows(KServeException.class, () -> Runners.open(uri, FAST)));
      assertEquals(KServeException.Reason.UNAVAILABLE, e.reason());
    } finally {
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void httpsWithTheBinaryExtension() throws Exception {
    HttpServerModule.assumePresent();
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(keys.getKeyManagers(), null, null);
    try (FakeHttpServer server = new FakeHttpServer(new FakeBackend(), ctx)) {
      String uri = "https://localhost:" + server.port() + "/affine";
      try (Runner r = Runners.open(uri, FAST.withTls(caPem))) {
        check(r);
      }
      var e =
          assertTimeoutPreemptively(
              Duration.ofSeconds(60),
              () -> assertThrows(KServeException.class, () -> Runners.open(uri, FAST)));
      assertEquals(KServeException.Reason.UNAVAILABLE, e.reason());
      assertTrue(
          e.getMessage().contains("SSLHandshakeException") || e.getMessage().contains("PKIX"),
          e.getMessage());
    }
  }
}
