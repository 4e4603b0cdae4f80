package io.github.trt4j.kserve;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A KServe v2 REST server on 127.0.0.1 that answers as an attacker would: trickling, sending
 * gigabytes, repeating names. Raw sockets, so it can break HTTP at will. Every loop is bounded (at
 * most 1 GiB or 300 steps per answer, 100 requests per connection) and stops when the client hangs
 * up.
 */
final class HostileHttpServer implements AutoCloseable {

  enum Meta {
    NORMAL,
    DUP_OUTPUT,
    DUP_INPUT,
    TRICKLE,
    HUGE
  }

  enum Infer {
    OK,
    TRICKLE_BODY,
    TRICKLE_HEADERS,
    HUGE_DECLARED,
    HUGE_CHUNKED,
    HUGE_ERROR,
    STRING_SIZE
  }

  volatile Meta meta = Meta.NORMAL;
  volatile Infer infer = Infer.OK;

  private static final long GIB = 1L << 30;
  private final ServerSocket server;
  private final ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();

  HostileHttpServer() throws IOException {
    server = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
    pool.submit(this::accept);
  }

  String base() {
    return "http://127.0.0.1:" + server.getLocalPort();
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket s = server.accept();
        pool.submit(() -> serve(s));
      } catch (IOException closed) {
        return;
      }
    }
  }

  private void serve(Socket s) {
    try (s;
        InputStream in = s.getInputStream();
        OutputStream out = s.getOutputStream()) {
      s.setSoTimeout(30_000);
      for (int request = 0; request < 100; request++) {
        String head = readHead(in);
        if (head == null) {
          return;
        }
        long length = 0;
        for (String line : head.split("\r\n")) {
          if (line.toLowerCase().startsWith("content-length:")) {
            length = Long.parseLong(line.substring(15).trim());
          }
        }
        in.readNBytes((int) Math.min(length, 1 << 20));
        String path =
            head.substring(head.indexOf(' ') + 1, head.indexOf(' ', head.indexOf(' ') + 1));
        if (path.endsWith("/ready")) {
          respond(out, 200, "", new byte[0]);
        } else if (path.endsWith("/infer")) {
          infer(out);
        } else {
          metadata(out);
        }
      }
    } catch (IOException | RuntimeException gone) {
      // the client hung up (as it should, on a hostile answer)
    }
  }

  private static String readHead(InputStream in) throws IOException {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < 64 * 1024; i++) {
      int c = in.read();
      if (c < 0) {
        return null;
      }
      b.append((char) c);
      if (b.length() >= 4 && b.substring(b.length() - 4).equals("\r\n\r\n")) {
        return b.toString();
      }
    }
    throw new IOException("request head too long");
  }

  private static void respond(OutputStream out, int status, String headers, byte[] body)
      throws IOException {
    out.write(
        ("HTTP/1.1 " + status + " X\r\nContent-Length: " + body.length + "\r\n" + headers + "\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    out.write(body);
    out.flush();
  }

  private static String tensor(String name, String type, String shape) {
    return "{\"name\":\"" + name + "\",\"datatype\":\"" + type + "\",\"shape\":" + shape + "}";
  }

  private void metadata(OutputStream out) throws IOException {
    String x = tensor("x", "FP32", "[1,4]");
    String y = tensor("y", "FP32", "[1,4]");
    String json =
        switch (meta) {
          case DUP_OUTPUT ->
              "{\"name\":\"m\",\"inputs\":["
                  + x
                  + "],\"outputs\":["
                  + y
                  + ","
                  + tensor("y", "INT64", "[2]")
                  + "]}";
          case DUP_INPUT ->
              "{\"name\":\"m\",\"inputs\":[" + x + "," + x + "],\"outputs\":[" + y + "]}";
          default -> "{\"name\":\"m\",\"inputs\":[" + x + "],\"outputs\":[" + y + "]}";
        };
    switch (meta) {
      case TRICKLE -> trickle(out, json.getBytes(StandardCharsets.US_ASCII));
      case HUGE -> flood(out, "HTTP/1.1 200 X\r\nContent-Length: " + GIB + "\r\n\r\n", ' ', false);
      default -> respond(out, 200, "", json.getBytes(StandardCharsets.US_ASCII));
    }
  }

  private void infer(OutputStream out) throws IOException {
    String size = infer == Infer.STRING_SIZE ? "\"16\"" : "16";
    byte[] json =
        ("{\"outputs\":[{\"name\":\"y\",\"datatype\":\"FP32\",\"shape\":[1,4],"
                + "\"parameters\":{\"binary_data_size\":"
                + size
                + "}}]}")
            .getBytes(StandardCharsets.US_ASCII);
    ByteBuffer b = ByteBuffer.allocate(json.length + 16).order(ByteOrder.LITTLE_ENDIAN);
    b.put(json).putFloat(1).putFloat(2).putFloat(3).putFloat(4);
    String h = HttpRunner.HEADER_LENGTH + ": " + json.length + "\r\n";
    switch (infer) {
      case OK, STRING_SIZE -> respond(out, 200, h, b.array());
      case TRICKLE_BODY -> trickle(out, b.array());
      case TRICKLE_HEADERS -> {
        out.write("HTTP/1.1 200 X\r\n".getBytes(StandardCharsets.US_ASCII));
        for (int i = 0; i < 300; i++) {
          out.write('X');
          out.flush();
          pause();
        }
      }
      case HUGE_DECLARED ->
          flood(out, "HTTP/1.1 200 X\r\n" + h + "Content-Length: " + GIB + "\r\n\r\n", 0, false);
      case HUGE_CHUNKED ->
          flood(out, "HTTP/1.1 200 X\r\n" + h + "Transfer-Encoding: chunked\r\n\r\n", 0, true);
      case HUGE_ERROR ->
          flood(out, "HTTP/1.1 500 X\r\nContent-Length: " + GIB + "\r\n\r\n", 'e', false);
    }
  }

  /** Headers promptly, then the body at one byte per 100 ms (at most 300 bytes). */
  private static void trickle(OutputStream out, byte[] body) throws IOException {
    out.write(
        ("HTTP/1.1 200 X\r\nContent-Length: " + (body.length + 1000) + "\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    for (int i = 0; i < 300; i++) {
      out.write(i < body.length ? body[i] : ' ');
      out.flush();
      pause();
    }
  }

  /** Up to 1 GiB of {@code fill} after {@code head}, until the client stops reading. */
  private static void flood(OutputStream out, String head, int fill, boolean chunked)
      throws IOException {
    out.write(head.getBytes(StandardCharsets.US_ASCII));
    byte[] block = new byte[64 * 1024];
    java.util.Arrays.fill(block, (byte) fill);
    byte[] chunkHead =
        (Integer.toHexString(block.length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
    for (long sent = 0; sent < GIB; sent += block.length) {
      if (chunked) {
        out.write(chunkHead);
      }
      out.write(block);
      if (chunked) {
        out.write('\r');
        out.write('\n');
      }
    }
    out.flush();
  }

  private static void pause() {
    try {
      Thread.sleep(100); // the attack itself: a slow sender
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RuntimeException(e);
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    pool.shutdownNow();
  }
}
