export interface StopHook {
  /** Aborted by the first SIGTERM or SIGINT. */
  signal: AbortSignal;
  /** Removes the hooks; call it once the work the signal guards is over. */
  release(): void;
}

const SIGNALS: NodeJS.Signals[] = ['SIGTERM', 'SIGINT'];

/**
 * Turns the first SIGTERM or SIGINT into an abort instead of the end of the process. Both hooks go
 * at once, so a second signal gets Node's default and ends the process immediately: whatever run
 * it interrupts is rolled back or forward by the next run, as after a crash.
 */
export function stopOnSignals(onStop: (signal: NodeJS.Signals) => void = () => undefined): StopHook {
  const controller = new AbortController();
  const release = () => {
    for (const name of SIGNALS) process.removeListener(name, handle);
  };
  function handle(name: NodeJS.Signals): void {
    release();
    onStop(name);
    controller.abort(name);
  }
  for (const name of SIGNALS) process.once(name, handle);
  return { signal: controller.signal, release };
}
