// The container image's HEALTHCHECK (Dockerfile): exits 0 when ipnhub's /healthz answers 200
// on this machine's loopback address, 1 otherwise (also after 4 s without an answer). The image
// has no curl; node is there anyway. The port is IPNHUB_PORT, as for ipnhub itself (8080 when
// unset); a port set only in a settings file must be set as IPNHUB_PORT for the check as well.
const port = process.env.IPNHUB_PORT || '8080';
try {
  const res = await fetch(`http://127.0.0.1:${port}/healthz`, {
    signal: AbortSignal.timeout(4000),
  });
  process.exitCode = res.status === 200 ? 0 : 1;
} catch {
  process.exitCode = 1;
}
