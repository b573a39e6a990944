import { IpnhubError } from '../../src/core/errors.js';

/** The `IpnhubError` the promise rejects with; a fulfilment or any other rejection fails the test. */
export async function rejection(promise: Promise<unknown>): Promise<IpnhubError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (err instanceof IpnhubError) return err;
  throw new Error(`expected an IpnhubError, got ${String(err)}`);
}
