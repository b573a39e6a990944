/**
 * Why a server could not listen, for the person who configured it: the port is taken, the
 * address is not this machine's, the port needs privileges. `PORT_IN_USE` or `LISTEN_FAILED`
 * naming the address and the setting to change; anything unforeseen stays the original error.
 */
import { IpnhubError } from '../core/errors.js';
import { errorCodeOf } from '../lib/error-code.js';

/** Where the address came from, named in the advice: e.g. `IPNHUB_HOST`/`IPNHUB_PORT` or `--host`/`--port`. */
export interface ListenSettings {
  host: string;
  port: number;
  hostSetting: string;
  portSetting: string;
}

export function explainListenError(err: unknown, where: ListenSettings): unknown {
  const address = `${where.host.includes(':') ? `[${where.host}]` : where.host}:${where.port}`;
  switch (errorCodeOf(err)) {
    case 'EADDRINUSE':
      return new IpnhubError(
        'PORT_IN_USE',
        `${address}: another process already listens there (another ipnhub serve?). Stop it, or choose another port with ${where.portSetting}.`,
        { cause: err },
      );
    case 'EACCES':
    case 'EPERM':
      return new IpnhubError(
        'LISTEN_FAILED',
        `${address}: permission denied (ports below 1024 need extra privileges). Use a port from 1024 up with ${where.portSetting} and let the reverse proxy listen on 80/443.`,
        { cause: err },
      );
    case 'EADDRNOTAVAIL':
      return new IpnhubError(
        'LISTEN_FAILED',
        `${address}: ${where.host} is not an address of this machine. Set ${where.hostSetting} to one of its addresses, 127.0.0.1, or 0.0.0.0 for all.`,
        { cause: err },
      );
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new IpnhubError(
        'LISTEN_FAILED',
        `${address}: the host name ${where.host} cannot be resolved. Check ${where.hostSetting}.`,
        { cause: err },
      );
    default:
      return err;
  }
}
