package dev.mtls.demo;

import java.util.List;

/** The table of calls: IDENTITY, REQUEST, OUTCOME and WHY, with each further reason on a line of its own. */
final class Table {
  /**
   * One call's line.
   *
   * @param identity who called
   * @param request  {@code GET /whoami}
   * @param outcome  the HTTP status, or {@code refused} when the handshake was
   * @param why      why, one reason per line: the client's words, then the server's
   */
  record Row(String identity, String request, String outcome, List<String> why) {
    Row {
      why = List.copyOf(why);
    }
  }

  private Table() {}

  static String render(List<Row> rows) {
    StringBuilder table = new StringBuilder(line("IDENTITY", "REQUEST", "OUTCOME", "WHY"));
    for (Row row : rows) {
      table.append(line(row.identity(), row.request(), row.outcome(), row.why().get(0)));
      for (String more : row.why().subList(1, row.why().size())) {
        table.append(line("", "", "", more));
      }
    }
    return table.toString();
  }

  private static String line(String identity, String request, String outcome, String why) {
    return String.format("%-9s %-28s %-9s %s%n", identity, request, outcome, why);
  }
}
