/**
 * Work run every `ms` in the background of a process: a pass never starts while the previous one still runs, a
 * failing pass is logged and the next one runs as usual, the timer does not keep the process alive, and stop()
 * waits for the pass in progress (a module's onModuleDestroy).
 */
export class Periodic {
  private timer?: NodeJS.Timeout;
  private running: Promise<unknown> | null = null;

  constructor(
    private readonly work: () => Promise<unknown>,
    private readonly logger: { error(e: unknown): void },
  ) {}

  start(ms: number): void {
    this.timer = setInterval(() => {
      this.running ??= this.work()
        .catch((e) => this.logger.error(e))
        .finally(() => (this.running = null));
    }, ms);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }
}
