package dev.mtls.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/** The command line: its options, and a port in use said in one line before anything starts. */
class DemoCommandTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return DemoCommand.execute(args, new PrintWriter(out, true), new PrintWriter(err, true),
        InputStream.nullInputStream());
  }

  @Test
  void refuses_a_port_in_use_with_one_line_naming_it_and_the_options_to_choose_others() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      int exit = run("--port", "0", "--management-port", "0", "--publish-port",
          Integer.toString(taken.getLocalPort()));

      assertThat(exit).isEqualTo(1);
      assertThat(err.toString()).isEqualTo("demo: port " + taken.getLocalPort() + " on 127.0.0.1 is in use; choose "
          + "others with --port N --management-port M --publish-port P --est-port E" + System.lineSeparator());
      assertThat(out.toString()).isEmpty();
    }
  }

  @Test
  void help_lists_the_options_and_their_defaults() {
    assertThat(run("--help")).isZero();

    assertThat(out.toString()).contains("--keep-running", "--port=N", "default: 8443", "--management-port=M",
        "default: 9090", "--publish-port=P", "default: 8081", "--est-port=E", "default: 8444", "--out=DIR", "default: target/demo");
  }
}
