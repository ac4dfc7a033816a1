/**
 * Makes an SDK object's methods work detached from it (`const { detect } = detector`, `button.onclick =
 * uploader.flush`), as callers of a factory-made object expect: a method called without its object would otherwise
 * fail on `this` with a raw `TypeError`.
 */

/** Binds every method `instance`'s class defines (not getters, not the constructor) to `instance`, in place. */
export function bindMethods<T extends object>(instance: T): T {
  const prototype = Object.getPrototypeOf(instance) as object;
  for (const name of Object.getOwnPropertyNames(prototype)) {
    const descriptor = Object.getOwnPropertyDescriptor(prototype, name);
    if (name === 'constructor' || typeof descriptor?.value !== 'function') continue;
    Object.defineProperty(instance, name, { value: (descriptor.value as (...args: unknown[]) => unknown).bind(instance), writable: true, configurable: true });
  }
  return instance;
}
