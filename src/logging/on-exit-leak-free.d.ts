// on-exit-leak-free (pino's own exit hook, from the pino organisation) ships no types.
declare module 'on-exit-leak-free' {
  /** Calls `fn(object, event)` on the process's `exit` event while `object` is alive (held weakly). */
  export function register<T extends object>(object: T, fn: (object: T, event: 'exit') => void): void;
  /** The same on `beforeExit`. */
  export function registerBeforeExit<T extends object>(
    object: T,
    fn: (object: T, event: 'beforeExit') => void,
  ): void;
  export function unregister(object: object): void;
  const onExit: {
    register: typeof register;
    registerBeforeExit: typeof registerBeforeExit;
    unregister: typeof unregister;
  };
  export default onExit;
}
