package io.github.trt4j;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * ZIP records written field by field, so tests can build archives no library would: sizes that lie,
 * decoy end records, several central directories. Deflated data of long zero runs is made by
 * repeating one independently compressed, sync-flushed block, so gigabyte bombs cost milliseconds.
 */
final class ZipBytes {

  private ZipBytes() {}

  /** One entry's stored form. */
  record Entry(String name, int method, byte[] data, long crc, long size) {}

  static Entry stored(String name, byte[] content) {
    CRC32 c = new CRC32();
    c.update(content);
    return new Entry(name, 0, content, c.getValue(), content.length);
  }

  /**
   * {@code head} followed by {@code zeros} zero bytes, deflated; {@code zeros} a multiple of 1 MiB.
   */
  static Entry deflatedZeros(String name, byte[] head, long zeros) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(flushed(head));
    byte[] mib = new byte[1 << 20];
    byte[] block = flushed(mib);
    CRC32 c = new CRC32();
    c.update(head);
    for (long i = 0; i < zeros >> 20; i++) {
      out.writeBytes(block);
      c.update(mib);
    }
    Deflater end = new Deflater(Deflater.BEST_COMPRESSION, true);
    end.finish();
    byte[] buf = new byte[64];
    int n = end.deflate(buf);
    end.end();
    out.write(buf, 0, n);
    return new Entry(name, 8, out.toByteArray(), c.getValue(), head.length + zeros);
  }

  private static byte[] flushed(byte[] data) {
    Deflater d = new Deflater(Deflater.BEST_COMPRESSION, true);
    d.setInput(data);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[1 << 16];
    int n;
    while ((n = d.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH)) > 0) {
      out.write(buf, 0, n);
      if (n < buf.length && d.needsInput()) {
        break;
      }
    }
    d.end();
    return out.toByteArray();
  }

  static byte[] local(Entry e, long declaredSize) {
    byte[] name = e.name.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = le(30 + name.length);
    b.putInt(0x04034b50)
        .putShort((short) 20)
        .putShort((short) 0x800)
        .putShort((short) e.method)
        .putInt(0)
        .putInt((int) e.crc)
        .putInt(e.data.length)
        .putInt((int) declaredSize)
        .putShort((short) name.length)
        .putShort((short) 0)
        .put(name);
    return b.array();
  }

  static byte[] central(Entry e, long declaredSize, long localOffset) {
    byte[] name = e.name.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = le(46 + name.length);
    b.putInt(0x02014b50)
        .putShort((short) 20)
        .putShort((short) 20)
        .putShort((short) 0x800)
        .putShort((short) e.method)
        .putInt(0)
        .putInt((int) e.crc)
        .putInt(e.data.length)
        .putInt((int) declaredSize)
        .putShort((short) name.length)
        .putShort((short) 0)
        .putShort((short) 0)
        .putShort((short) 0)
        .putShort((short) 0)
        .putInt(0)
        .putInt((int) localOffset)
        .put(name);
    return b.array();
  }

  static byte[] end(
      int entries, long cdSize, long cdOffset, byte[] comment, int declaredCommentLength) {
    ByteBuffer b = le(22 + comment.length);
    b.putInt(0x06054b50)
        .putShort((short) 0)
        .putShort((short) 0)
        .putShort((short) entries)
        .putShort((short) entries)
        .putInt((int) cdSize)
        .putInt((int) cdOffset)
        .putShort((short) declaredCommentLength)
        .put(comment);
    return b.array();
  }

  /** A well-formed archive of {@code entries}, each declaring {@code size} (or its own when -1). */
  static void write(OutputStream out, long declaredSize, Entry... entries) throws IOException {
    ByteArrayOutputStream cd = new ByteArrayOutputStream();
    long offset = 0;
    for (Entry e : entries) {
      long size = declaredSize < 0 ? e.size : declaredSize;
      byte[] loc = local(e, size);
      out.write(loc);
      out.write(e.data);
      cd.writeBytes(central(e, size, offset));
      offset += loc.length + e.data.length;
    }
    out.write(cd.toByteArray());
    out.write(end(entries.length, cd.size(), offset, new byte[0], 0));
  }

  private static ByteBuffer le(int n) {
    return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
  }
}
