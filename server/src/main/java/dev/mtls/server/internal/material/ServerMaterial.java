package dev.mtls.server.internal.material;

import dev.mtls.pki.material.reload.MaterialEvent;
import dev.mtls.pki.material.reload.MaterialListener;
import dev.mtls.pki.material.reload.MaterialReloader;
import dev.mtls.pki.material.reload.MaterialUnit;
import dev.mtls.pki.material.reload.ReloadableIdentity;
import dev.mtls.pki.material.reload.ReloadableTrust;
import dev.mtls.server.RoleRules;
import dev.mtls.server.Route;
import dev.mtls.server.RouteRules;
import dev.mtls.server.internal.routing.RouteTable;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything a server reads from files and may reload while it runs, each unit on its own: its identity, the trust
 * anchors, each CRL file, the role rules and the route rules. Everything is loaded in the constructor, so a server
 * that cannot start fails on the first bad file, with its name; afterwards a broken replacement is refused and the
 * material in service stays.
 */
public final class ServerMaterial implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ServerMaterial.class);

  private final ReloadableIdentity identity;
  private final ReloadableTrust trust;
  private final AtomicReference<RoleRules> roleRules = new AtomicReference<>();
  private final AtomicReference<RouteTable> routes = new AtomicReference<>();
  private final MaterialReloader reloader;

  /** Where role and route rules come from: given in code, or a file reloaded when it changes. */
  public record Rules<T>(T fixed, Path file) {}

  public ServerMaterial(ReloadableIdentity identity, ReloadableTrust trust, Rules<RoleRules> roleRules,
      List<Route> registered, Rules<RouteRules> routeRules, Clock clock, MaterialListener listener) {
    this.identity = identity;
    this.trust = trust;
    List<MaterialUnit<?>> units = new ArrayList<>();
    units.add(identity.unit());
    units.addAll(trust.units());
    units.add(roleRulesUnit(roleRules));
    units.add(routesUnit(List.copyOf(registered), routeRules));
    this.reloader = new MaterialReloader(units, clock).listener(listener);
    reloader.loadAll();
  }

  private MaterialUnit<RoleRules> roleRulesUnit(Rules<RoleRules> rules) {
    Consumer<RoleRules> apply = applied -> {
      roleRules.set(applied);
      applied.warnings(trust.get().anchors().certificates()).forEach(warning -> LOG.warn("{}", warning));
    };
    return rules.file() == null ? MaterialUnit.fixed("role rules", rules.fixed(), apply, RoleRules::toString)
        : MaterialUnit.of("role rules " + rules.file(), List.of(rules.file()), () -> RoleRules.load(rules.file()),
            apply, applied -> applied.size() + " rules");
  }

  private MaterialUnit<RouteTable> routesUnit(List<Route> registered, Rules<RouteRules> rules) {
    if (rules.file() != null) {
      return MaterialUnit.of("route rules " + rules.file(), List.of(rules.file()),
          () -> RouteTable.of(registered, RouteRules.load(rules.file())), routes::set, RouteTable::describe);
    }
    RouteTable table = rules.fixed() == null ? RouteTable.of(registered) : RouteTable.of(registered, rules.fixed());
    return MaterialUnit.fixed("routes", table, routes::set, RouteTable::describe);
  }

  public ReloadableIdentity identity() {
    return identity;
  }

  public ReloadableTrust trust() {
    return trust;
  }

  public RoleRules roleRules() {
    return roleRules.get();
  }

  public RouteTable routes() {
    return routes.get();
  }

  /** Applies whatever changed since the last poll, unit by unit; what happened. */
  public List<MaterialEvent> reload() {
    return reloader.poll();
  }

  /** Polls the files every {@code interval} (zero: never) on a thread of its own. */
  public void start(Duration interval) {
    reloader.start(interval, "mtls-reload");
  }

  @Override
  public void close() {
    reloader.close();
  }
}
