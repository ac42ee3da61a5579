package dev.distcache.server.direct;

import dev.distcache.hashing.ContentHash;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The remembered hashes of {@link FileHashes} in a file of the cache directory, so that a new
 * server trusts what the last one read instead of reading every header again: a young server used
 * to spend most of its first hits hashing the same system headers (about 90 ms for a C++ source's
 * 250 headers).
 *
 * <p>A saved hash is trusted under the rule it was remembered by: only while the file's stat (size,
 * mtime, ctime, inode, device) is exactly the one it was read under, and it was remembered only
 * when the file had been that old for longer than a clock tick. A rewrite moves ctime, which no
 * user can set, and a replacement changes the inode. Whoever can write the cache directory can
 * write this file as they can write results: the cache's trust model, as in ccache.
 *
 * <p>The file is the version line's bytes, the entry count, the entries, then the BLAKE3 of all
 * that; one that is damaged, truncated, of another version or unreadable is ignored (the server
 * then reads the files, as without it). Written whole to a temporary file and renamed.
 */
final class FileHashMemo {
  static final String VERSION = "distcache-file-hashes-1";
  private static final int DIGEST = 32;

  /** The most one entry can take: a path of at most 64 KiB (writeUTF's limit) and 87 bytes more. */
  private static final int MAX_ENTRY_BYTES = 2 + 65_535 + 87;

  private FileHashMemo() {}

  /** Writes {@code known} to {@code file}. */
  static void save(Path file, Map<String, FileHashes.Hashed> known) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 * known.size() + 64);
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeUTF(VERSION);
    Map<String, FileHashes.Hashed> entries = Map.copyOf(known);
    out.writeInt(entries.size());
    for (Map.Entry<String, FileHashes.Hashed> e : entries.entrySet()) {
      FileStat s = e.getValue().stat();
      out.writeUTF(e.getKey());
      out.writeLong(s.size());
      out.writeLong(s.mtimeNanos());
      out.writeLong(s.ctimeNanos());
      out.writeLong(s.inode());
      out.writeLong(s.device());
      out.writeBoolean(s.regular());
      out.writeBoolean(s.nullDevice());
      out.write(e.getValue().hash().bytes());
      out.writeInt(e.getValue().flags());
    }
    out.flush();
    byte[] body = bytes.toByteArray();
    byte[] whole = Arrays.copyOf(body, body.length + DIGEST);
    System.arraycopy(ContentHash.ofContent(body).bytes(), 0, whole, body.length, DIGEST);
    Path tmp = Files.createTempFile(file.getParent(), file.getFileName() + ".", ".tmp");
    try {
      Files.write(tmp, whole);
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** The entries saved in {@code file}; empty when there is none or it cannot be trusted whole. */
  static Map<String, FileHashes.Hashed> load(Path file, int maxEntries) {
    byte[] whole;
    try {
      if (Files.size(file) > (long) maxEntries * MAX_ENTRY_BYTES) {
        return Map.of();
      }
      whole = Files.readAllBytes(file);
    } catch (IOException e) { // none yet, or unreadable
      return Map.of();
    }
    if (whole.length < DIGEST) {
      return Map.of();
    }
    byte[] body = Arrays.copyOf(whole, whole.length - DIGEST);
    byte[] digest = Arrays.copyOfRange(whole, body.length, whole.length);
    if (!Arrays.equals(ContentHash.ofContent(body).bytes(), digest)) {
      return Map.of();
    }
    try {
      DataInputStream in = new DataInputStream(new ByteArrayInputStream(body));
      if (!in.readUTF().equals(VERSION)) {
        return Map.of();
      }
      int count = in.readInt();
      if (count < 0 || count > maxEntries) {
        return Map.of();
      }
      Map<String, FileHashes.Hashed> out = new HashMap<>(count * 2);
      for (int i = 0; i < count; i++) {
        String path = in.readUTF();
        FileStat stat =
            new FileStat(
                in.readLong(),
                in.readLong(),
                in.readLong(),
                in.readLong(),
                in.readLong(),
                in.readBoolean(),
                in.readBoolean());
        byte[] hash = new byte[DIGEST];
        in.readFully(hash);
        out.put(path, new FileHashes.Hashed(stat, ContentHash.of(hash), in.readInt(), true));
      }
      return in.available() == 0 ? out : Map.of();
    } catch (IOException e) {
      return Map.of();
    }
  }
}
