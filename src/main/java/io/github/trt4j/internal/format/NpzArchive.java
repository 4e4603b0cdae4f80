package io.github.trt4j.internal.format;

import io.github.trt4j.NpzLimits;
import io.github.trt4j.Tensor;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Reads an NPZ archive through its ZIP central directory ({@link ZipFile}), never by scanning local
 * headers as a stream does: a truncated archive has no central directory and is refused, instead of
 * yielding the arrays before the cut. Each entry's inflated bytes are counted against the limits as
 * they arrive (a declared size can lie) and checked against the recorded CRC-32, which {@link
 * ZipFile} itself does not check.
 */
public final class NpzArchive {

  private NpzArchive() {}

  public static Map<String, Tensor> read(Path file, NpzLimits limits) throws IOException {
    Map<String, Tensor> out = new LinkedHashMap<>();
    String current = null;
    try (ZipFile zip = new ZipFile(file.toFile())) {
      if (zip.size() > limits.maxEntries()) {
        throw new IOException(
            file
                + ": "
                + zip.size()
                + " entries, more than the limit of "
                + limits.maxEntries()
                + " (NpzLimits.maxEntries)");
      }
      List<String> checked = ZipDirectory.check(file);
      List<String> listed = zip.stream().map(ZipEntry::getName).toList();
      if (!checked.equals(listed)) {
        throw new IOException(
            file
                + ": not a readable NPZ (zip) archive: its central directory"
                + " reads as "
                + clip(checked)
                + " one way and "
                + clip(listed)
                + " another; the"
                + " archive is damaged or built to show different readers different entries");
      }
      long total = 0;
      Enumeration<? extends ZipEntry> entries = zip.entries();
      while (entries.hasMoreElements()) {
        ZipEntry e = entries.nextElement();
        current = e.getName();
        String source = file + "[" + current + "]";
        if (!current.endsWith(".npy") || e.isDirectory()) {
          throw new IOException(
              source + ": not an .npy entry; an NPZ archive holds only NPY arrays");
        }
        String name = current.substring(0, current.length() - 4);
        if (out.containsKey(name)) {
          throw new IOException(
              source
                  + ": the archive holds '"
                  + current
                  + "' more than once (which one is meant is ambiguous)");
        }
        long room = Math.min(limits.maxEntryBytes(), limits.maxTotalBytes() - total);
        if (e.getSize() > room) {
          throw new IOException(
              source + ": " + e.getSize() + " bytes uncompressed; " + limitText(limits, total));
        }
        CountingInput counted =
            new CountingInput(zip.getInputStream(e), room, source, limits, total);
        CheckedInputStream crc = new CheckedInputStream(counted, new CRC32());
        out.put(name, NpyReader.read(crc, source, e.getSize()));
        if (e.getCrc() != -1 && crc.getChecksum().getValue() != e.getCrc()) {
          throw new IOException(
              source
                  + ": CRC-32 mismatch (the archive records "
                  + Long.toHexString(e.getCrc())
                  + ", the data has "
                  + Long.toHexString(crc.getChecksum().getValue())
                  + "): the archive is damaged");
        }
        if (e.getSize() >= 0 && counted.count != e.getSize()) {
          throw new IOException(
              source
                  + ": "
                  + counted.count
                  + " bytes inflated, the archive records "
                  + e.getSize()
                  + ": the archive is damaged");
        }
        total += counted.count;
      }
    } catch (ZipException z) {
      throw new IOException(
          where(file, current) + ": not a readable NPZ (zip) archive: " + z.getMessage(), z);
    } catch (IllegalArgumentException | IllegalStateException | IndexOutOfBoundsException r) {
      // java.util.zip reports some malformed headers (bad name encodings, bad extra fields) so.
      throw new IOException(where(file, current) + ": not a readable NPZ (zip) archive: " + r, r);
    } catch (IOException io) {
      String m = io.getMessage();
      if (m != null && m.startsWith(file.toString())) {
        throw io;
      }
      throw new IOException(where(file, current) + ": cannot read the archive: " + io, io);
    }
    return out;
  }

  private static String clip(List<String> names) {
    String s = names.toString();
    return s.length() <= 300 ? s : s.substring(0, 300) + "… (" + names.size() + " names)";
  }

  private static String where(Path file, String entry) {
    return entry == null ? file.toString() : file + "[" + entry + "]";
  }

  private static String limitText(NpzLimits limits, long total) {
    return "the limits are "
        + limits.maxEntryBytes()
        + " bytes per entry and "
        + limits.maxTotalBytes()
        + " in all ("
        + total
        + " read so far); raise them with NpzLimits"
        + " if this archive is trusted";
  }

  /** Counts inflated bytes and refuses to go past {@code room}. */
  private static final class CountingInput extends FilterInputStream {
    private final long room;
    private final String source;
    private final NpzLimits limits;
    private final long before;
    long count;

    CountingInput(InputStream in, long room, String source, NpzLimits limits, long before) {
      super(in);
      this.room = room;
      this.source = source;
      this.limits = limits;
      this.before = before;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        add(1);
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        add(n);
      }
      return n;
    }

    private void add(long n) throws IOException {
      count += n;
      if (count > room) {
        throw new IOException(
            source + ": inflates past " + room + " bytes; " + limitText(limits, before));
      }
    }
  }
}
