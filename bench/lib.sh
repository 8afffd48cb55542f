# What bench/run and bench/ab share: ports, clocks and the two loads they measure handshakes and keep-alive requests
# with. Sourced; the caller sets work (a directory for scratch files), pki (the demo PKI's directory), seconds (per
# handshake measurement) and requests (per keep-alive measurement); keep-alive requests present
# $work/alice-with-key.pem.

free_port() {
  local port
  while :; do
    # Below the ephemeral range (32768+), where thousands of closed client connections would hold ports.
    port=$((20000 + RANDOM % 12000))
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return; }
  done
}
now() { date +%s.%N; }
elapsed_ms() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%d", (b - a) * 1000 }'; }

# openssl s_time prints CPU-based rates; count connections and divide by the wall time of the batch instead.
# With -reuse, s_time ticks 'r' for each resumed connection and '*' for each full handshake: the resumed share is
# checked, not assumed (TLS 1.3 tickets arrive after the handshake and s_time -reuse never waits for them).
handshakes() { # PORT MODE(new|reuse) TLS(1_3|1_2) WITH_CERT(yes|no) -> handshakes/s with 2 clients
  local port=$1 mode=$2 tls=$3 cert=$4 start end total=0 i resumed=0 full=0
  local args=(-connect "127.0.0.1:$port" "-$mode" "-tls$tls" -time "$seconds" -CAfile "$pki/ca/ca-chain.pem")
  [ "$cert" = yes ] && args+=(-cert "$pki/alice.pem" -key "$pki/alice.key")
  local clients=()
  start=$(now)
  for i in 1 2; do
    openssl s_time "${args[@]}" > "$work/s_time.$i" 2>&1 &
    clients+=($!)
  done
  wait "${clients[@]}" 2>/dev/null || true
  end=$(now)
  for i in 1 2; do
    total=$((total + $(grep -oE '^[0-9]+ connections in [0-9.]+s' "$work/s_time.$i" | head -1 | cut -d' ' -f1 || echo 0)))
    resumed=$((resumed + $(grep -E '^[*r]+$' "$work/s_time.$i" | tr -cd 'r' | wc -c)))
    full=$((full + $(grep -E '^[*r]+$' "$work/s_time.$i" | tr -cd '*' | wc -c)))
  done
  [ "$mode" = reuse ] && echo "$((100 * resumed / (resumed + full > 0 ? resumed + full : 1)))" > "$work/resumed.$port"
  awk -v n="$total" -v a="$start" -v b="$end" 'BEGIN { printf "%.0f", n / (b - a) }'
}
keepalive() { # PORT CONCURRENCY [PATH] -> requests/s (ab -k)
  ab -q -k -c "$2" -n "$requests" -E "$work/alice-with-key.pem" "https://127.0.0.1:$1${3:-/whoami}" 2>/dev/null \
    | awk '/^Requests per second/ { printf "%.0f", $4 }'
}
