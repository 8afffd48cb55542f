package dev.mtls.pki.material.reload;

import dev.mtls.pki.material.SafeText;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One independently reloadable piece of material: the files it is read from, how to load it, and how to put it in
 * service. A change counts as applied only once it loaded and was put in service; a change that fails to load is
 * tried again at every poll until it loads (a certificate that is not valid yet becomes valid, a half-written file
 * is completed), and meanwhile the material in service stays.
 */
public final class MaterialUnit<T> {
  private final String name;
  private final List<Path> files;
  private final Supplier<T> loader;
  private final Consumer<T> apply;
  private final Function<T, String> describe;
  private String appliedContent;
  private String refusedContent;
  private String refusedReason;

  private MaterialUnit(String name, List<Path> files, Supplier<T> loader, Consumer<T> apply,
      Function<T, String> describe) {
    this.name = Objects.requireNonNull(name, "name == null");
    this.files = List.copyOf(files);
    this.loader = Objects.requireNonNull(loader, "loader == null");
    this.apply = Objects.requireNonNull(apply, "apply == null");
    this.describe = Objects.requireNonNull(describe, "describe == null");
  }

  /**
   * Material read from {@code files} by {@code loader} and put in service by {@code apply}; {@code describe} says
   * what was applied, for the event.
   */
  public static <T> MaterialUnit<T> of(String name, List<Path> files, Supplier<T> loader, Consumer<T> apply,
      Function<T, String> describe) {
    return new MaterialUnit<>(name, files, loader, apply, describe);
  }

  /** Material given in memory: applied once, never reloaded. */
  public static <T> MaterialUnit<T> fixed(String name, T value, Consumer<T> apply, Function<T, String> describe) {
    return new MaterialUnit<>(name, List.of(), () -> value, apply, describe);
  }

  public String name() {
    return name;
  }

  public List<Path> files() {
    return files;
  }

  /** Loads and applies; throws (with the loader's message) when that fails, for a start-up that must fail fast. */
  synchronized MaterialEvent loadInitial(Instant now) {
    String content = content();
    T value = loader.get();
    apply.accept(value);
    appliedContent = content;
    return new MaterialEvent(name, MaterialEvent.Outcome.APPLIED, SafeText.escape(describe.apply(value)), false, now);
  }

  /** Applies the files' content if it changed since the last applied load, or still has not loaded. */
  synchronized Optional<MaterialEvent> poll(Instant now) {
    if (files.isEmpty()) {
      return Optional.empty();
    }
    String content = content();
    if (content.equals(appliedContent)) {
      refusedContent = null;
      return Optional.empty();
    }
    T value;
    try {
      value = loader.get();
      apply.accept(value);
    } catch (RuntimeException e) {
      String reason = SafeText.escape(String.valueOf(e.getMessage()));
      boolean repeated = content.equals(refusedContent) && reason.equals(refusedReason);
      refusedContent = content;
      refusedReason = reason;
      return Optional.of(new MaterialEvent(name, MaterialEvent.Outcome.REFUSED, reason, repeated, now));
    }
    appliedContent = content;
    refusedContent = null;
    refusedReason = null;
    return Optional.of(new MaterialEvent(name, MaterialEvent.Outcome.APPLIED, SafeText.escape(describe.apply(value)),
        false, now));
  }

  /**
   * A digest of the files' content, not their timestamps: editors, cert-manager's symlink swaps and coarse mtimes
   * make timestamps unreliable. A missing or unreadable file is content of its own.
   */
  private String content() {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      for (Path file : files) {
        digest.update(file.toString().getBytes(StandardCharsets.UTF_8));
        try {
          byte[] bytes = Files.readAllBytes(file);
          digest.update((byte) 1);
          digest.update(bytes);
        } catch (NoSuchFileException e) {
          digest.update((byte) 0);
        } catch (IOException e) {
          digest.update((byte) 2);
        }
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError("every JDK has SHA-256", e);
    }
  }

  @Override
  public String toString() {
    return name + (files.isEmpty() ? " (fixed)" : " " + files);
  }
}
