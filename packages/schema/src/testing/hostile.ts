/** Hostile values for the request parsers' tests (not shipped: `src/testing` is left out of the build). */

/** A proxy trap or getter that throws. */
export const trap = (): never => {
  throw new Error('hostile');
};

/** A revoked proxy: every operation on it throws, `Array.isArray` included. */
export const revoked = (): object => {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  return proxy;
};
