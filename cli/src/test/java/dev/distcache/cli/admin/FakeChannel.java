package dev.distcache.cli.admin;

import dev.distcache.core.wire.Reply;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An {@link AdminChannel} that records the words sent and answers with canned replies keyed by the
 * first word.
 */
final class FakeChannel implements AdminChannel {
  final List<List<String>> sent = new ArrayList<>();
  private final Map<String, Reply> replies = new HashMap<>();
  private boolean running = true;
  private IOException failure;

  /** Answers {@code word} with exit code 0 and the given stdout. */
  FakeChannel answering(String word, String stdout) {
    replies.put(word, Reply.result(0, stdout.getBytes(StandardCharsets.UTF_8), new byte[0]));
    return this;
  }

  FakeChannel replying(String word, Reply reply) {
    replies.put(word, reply);
    return this;
  }

  FakeChannel noServerRunning() {
    running = false;
    return this;
  }

  FakeChannel unreachable(IOException e) {
    failure = e;
    return this;
  }

  @Override
  public Reply send(List<String> words) throws IOException {
    sent.add(words);
    if (failure != null) {
      throw failure;
    }
    Reply reply = replies.get(words.get(0));
    if (reply == null) {
      throw new AssertionError("unexpected request " + words);
    }
    return reply;
  }

  @Override
  public Reply sendIfRunning(List<String> words) throws IOException {
    return running ? send(words) : null;
  }
}
