package dev.mtls.testing;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Timeout;

/**
 * A fuzz target of a parser (Jazzer's {@link FuzzTest}): in every build it runs on its seed corpus,
 * {@code src/test/resources/PACKAGE/CLASSInputs/METHOD/}, and a seed that hangs fails within a minute; with
 * {@code -Pfuzz} it is fuzzed for {@code fuzz.seconds}, each input within {@code fuzz.timeout} (the profile turns
 * JUnit's timeouts off, as Jazzer's own launcher does). One target per class: Jazzer fuzzes one per JVM. Put it last
 * among a method's annotations (after a {@code @MethodSource} of seeds computed at test time).
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Timeout(60)
@FuzzTest(maxDuration = "60s")
public @interface ParserFuzzTest {}
