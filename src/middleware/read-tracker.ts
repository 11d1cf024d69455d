/**
 * Notices whether later middleware read `ctx.user` or `ctx.session`: a reply built from
 * them is personal and must not be served to someone else from a shared cache.
 * @module
 */

/** Properties whose use makes a reply depend on who asked. */
export const PERSONAL_PROPERTIES = ["user", "session", "history", "dialog", "sessionId"] as const;

function lookup(target: object, name: string) {
  for (let o: object | null = target; o !== null; o = Object.getPrototypeOf(o)) {
    const descriptor = Object.getOwnPropertyDescriptor(o, name);
    if (descriptor !== undefined) return { descriptor, own: o === target };
  }
  return undefined;
}

/**
 * Wraps `names` on `target` with accessors that flag reads, until `stop()` is called.
 * `read()` tells whether any was read (or replaced behind the tracker's back); `stop()`
 * restores the original properties with their current values.
 */
export function trackReads(
  target: object,
  names: readonly string[],
): { read(): boolean; stop(): void } {
  let touched = false;
  const restores: Array<() => void> = [];
  const getters = new Map<string, () => unknown>();
  for (const name of names) {
    const found = lookup(target, name);
    if (found?.own && !found.descriptor.configurable) {
      touched = true; // cannot watch it; assume the worst
      continue;
    }
    const { get, set } = found?.descriptor ?? {};
    let value: unknown = get === undefined ? (target as Record<string, unknown>)[name] : undefined;
    const peek = () => (get !== undefined ? get.call(target) : value);
    const getter = () => {
      touched = true;
      return peek();
    };
    Object.defineProperty(target, name, {
      configurable: true,
      enumerable: true,
      get: getter,
      set: (next: unknown) => {
        if (set !== undefined) set.call(target, next);
        else value = next;
      },
    });
    getters.set(name, getter);
    restores.push(() => {
      if (Object.getOwnPropertyDescriptor(target, name)?.get !== getter) return;
      if (found?.own === true && get !== undefined) {
        Object.defineProperty(target, name, found.descriptor);
      } else if (found !== undefined && !found.own && get !== undefined) {
        delete (target as Record<string, unknown>)[name];
      } else {
        Object.defineProperty(target, name, {
          configurable: true,
          enumerable: true,
          writable: true,
          value: peek(),
        });
      }
    });
  }
  return {
    read: () => {
      // A middleware that redefined a property (instead of assigning it) escaped the
      // tracker: treat that as personal too.
      for (const [name, getter] of getters) {
        if (Object.getOwnPropertyDescriptor(target, name)?.get !== getter) return true;
      }
      return touched;
    },
    stop: () => {
      for (const restore of restores) restore();
    },
  };
}
