/** Undo steps, run last-in first-out, each at most once, each bounded in time; failures are collected. */
export class Cleanup {
  private readonly steps: Array<{ label: string; fn: () => unknown }> = [];
  readonly errors: string[] = [];

  add(label: string, fn: () => unknown): void {
    this.steps.push({ label, fn });
  }

  /** Runs every step added so far; a run asked for while one is going waits for it (never two at once). */
  run(timeoutMs = 20_000): Promise<void> {
    this.chain = this.chain.then(() => this.drain(timeoutMs));
    return this.chain;
  }

  private chain: Promise<void> = Promise.resolve();

  private async drain(timeoutMs: number): Promise<void> {
    while (this.steps.length > 0) {
      const { label, fn } = this.steps.pop()!;
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          Promise.resolve().then(fn),
          new Promise((_, reject) => {
            timer = setTimeout(() => reject(new Error('timed out')), timeoutMs);
          }),
        ]);
      } catch (e) {
        this.errors.push(`cleanup "${label}": ${(e as Error).message}`);
      } finally {
        clearTimeout(timer);
      }
    }
  }
}
