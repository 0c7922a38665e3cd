import { resolve } from 'node:path';

export interface DigitizationConfig {
  /** OCR=off turns OCR off even where ocrmypdf is installed. */
  ocr: boolean;
  /** CONSUME_DIR: one sub-folder per agency, named by its code (e.g. CONSUME_DIR/SNV), taken as incoming letters. */
  consumeDir: string | null;
  consumePollMs: number;
  pollMs: number;
  retryBaseMs: number;
  ocrTimeoutMs: number;
}

const int = (env: NodeJS.ProcessEnv, name: string, dflt: number, min: number, max: number, problems: string[]) => {
  const raw = env[name];
  if (raw === undefined || raw === '') return dflt;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) problems.push(`${name}: an integer from ${min} to ${max}`);
  return n;
};

/** The digitization module's own variables, validated like the rest of the configuration (exit 78 when wrong). */
export function digitizationConfig(env: NodeJS.ProcessEnv = process.env): DigitizationConfig {
  const problems: string[] = [];
  const ocrRaw = (env.OCR ?? 'auto').toLowerCase();
  if (!['auto', 'on', 'off', 'true', 'false'].includes(ocrRaw)) problems.push('OCR: auto or off');
  const config = {
    ocr: !['off', 'false'].includes(ocrRaw),
    consumeDir: env.CONSUME_DIR ? resolve(env.CONSUME_DIR) : null,
    consumePollMs: int(env, 'CONSUME_POLL_MS', 5000, 100, 3_600_000, problems),
    pollMs: int(env, 'DIGITIZATION_POLL_MS', 2000, 50, 3_600_000, problems),
    retryBaseMs: int(env, 'DIGITIZATION_RETRY_MS', 30_000, 0, 86_400_000, problems),
    ocrTimeoutMs: int(env, 'OCR_TIMEOUT_SECONDS', 600, 10, 86_400, problems) * 1000,
  };
  // loadConfig adds these to its own list of problems (one message for every wrong variable)
  if (problems.length) throw new DigitizationConfigError(problems);
  return config;
}

export class DigitizationConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(problems.join('; '));
  }
}
