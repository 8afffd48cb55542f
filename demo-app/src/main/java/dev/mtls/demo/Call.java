package dev.mtls.demo;

import java.util.List;

/**
 * One request of the demo's table, as one identity.
 *
 * @param who        the demo member whose certificate the client presents; null: none
 * @param method     GET or POST
 * @param path       the route called
 * @param sendAnyway send the certificate even though the client finds it unusable itself (expired, or revoked as
 *                   its CA's responder says), to show what the server makes of it
 */
record Call(String who, String method, String path, boolean sendAnyway) {
  /** What the table shows, in its order: what each role may do, then each way a client is refused. */
  static final List<Call> DEMO = List.of(
      new Call("alice", "GET", "/api/reports", false),
      new Call("alice", "POST", "/api/admin/reload", false),
      new Call("bob", "GET", "/api/reports", false),
      new Call("bob", "POST", "/api/admin/reload", false),
      new Call("carol", "GET", "/api/reports", false),
      new Call(null, "GET", "/whoami", false),
      new Call("foreign", "GET", "/whoami", false),
      new Call("expired", "GET", "/whoami", true),
      new Call("revoked", "GET", "/whoami", true));

  /** The IDENTITY column. */
  String identity() {
    return who == null ? "(none)" : who;
  }

  /** The REQUEST column, and the route's name on the server: {@code GET /api/reports}. */
  String request() {
    return method + " " + path;
  }
}
